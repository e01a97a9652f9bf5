"""Embedders: the protocol (``protocol``), the model runtimes (``sbert``: sentence-transformers on torch,
``onnx``: ONNX Runtime, ``ray``: a Ray cluster), caches in front of them (``cached``), the model-free test
fake (``hashing``), and the one place a setting becomes an embedder (``factory``)."""
