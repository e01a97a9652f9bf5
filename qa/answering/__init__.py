"""The read path: a question -> ranked passages (``retrieval``, fused by ``scoring``) -> an extractive answer
with citations (``compose``, ``cues``), over one loaded index version (``service``)."""
