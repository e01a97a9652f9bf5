"""The model on ONNX Runtime: the vectors sentence-transformers gives (float), close ones (int8), exported once."""

from pathlib import Path

import numpy as np
import pytest

from qa.embedders.onnx import OnnxEmbedder

TEXTS = ["荣氏家族向江南大学捐资多少？", "龙光塔位于锡山之巅。" * 40, "短"]  # the second one is truncated at 512 tokens


@pytest.mark.model
def test_float_vectors_match_sentence_transformers_and_int8_stays_close(model, tmp_path: Path):
    reference = model.encode(TEXTS)
    exact = OnnxEmbedder("m3e-small", quantize="none", threads=1, cache_dir=tmp_path)
    np.testing.assert_allclose(exact.encode(TEXTS), reference, atol=1e-4)
    int8 = OnnxEmbedder("m3e-small", quantize="int8", threads=1, cache_dir=tmp_path)
    vectors = int8.encode(TEXTS)
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert ((vectors * reference).sum(axis=1) > 0.97).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert int8.encode([]).shape == (0, 512)
    exported = sorted(p.name for p in tmp_path.iterdir())
    assert len(exported) == 2 and exported[0].endswith(".onnx")
    again = OnnxEmbedder("m3e-small", quantize="int8", threads=1, cache_dir=tmp_path)  # reuses the export
    assert sorted(p.name for p in tmp_path.iterdir()) == exported
    np.testing.assert_array_equal(again.encode(TEXTS[:1]), int8.encode(TEXTS[:1]))


def test_bad_quantize_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="quantize"):
        OnnxEmbedder("m3e-small", quantize="int4", cache_dir=tmp_path)
