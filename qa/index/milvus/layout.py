"""How versions lie in Milvus: collections, fields, the alias and the records beside them.

A *generation* is what one full publish writes: two collections, ``<alias>_<version>`` (one row per
chunk: its record, dense vector and BM25 sparse vector) and ``<alias>_<version>_articles`` (the
article records, in parts of at most ``PART_CHARS``). An incremental publish adds the rows of new
chunks and articles to the current generation and marks removed ones, so it writes only what
changed: every row carries ``born`` and ``died``, the sequence numbers of the versions that added and
removed it, and a version ``seq`` of a generation sees exactly the rows with ``born <= seq < died``.

``<alias>_meta`` holds one record per version (its generation, sequence number, manifest; words and
copies of stories in parts) and, per generation, ``current/<generation>``: the version it serves.
The alias ``<alias>`` names the chunk collection of the served generation. Switching a version is
one write: the alias (a full publish) or the ``current`` record (an incremental one).
"""

import base64
import zlib
from typing import Any

import numpy as np
import orjson

ALIVE = 2**62  # ``died`` of a row no version has removed
PART_CHARS = 60_000  # characters per VARCHAR part (Milvus allows 65,535 bytes; base64 is ASCII)
RECORD_BYTES = 65_535  # the longest chunk record Milvus stores in one VARCHAR
PAD = [1.0, 0.0]  # Milvus wants a vector field in every collection: the articles and meta rows carry this one
EMPTY_DIM = 2**32 - 2  # sparse dimension of a chunk without tokens (Milvus stores no empty sparse vector)
TOKEN_DIMS = 2**32 - 2  # token dimensions: crc32 modulo this, so no token lands on EMPTY_DIM
BATCH = 1000  # rows per insert, upsert or query batch


def chunks_name(alias: str, generation: str) -> str:
    return f"{alias}_{generation}"


def articles_name(alias: str, generation: str) -> str:
    return f"{alias}_{generation}_articles"


def meta_name(alias: str) -> str:
    return f"{alias}_meta"


def visible(seq: int) -> str:
    """The filter of the rows version ``seq`` of a generation holds."""
    return f"born <= {seq} and died > {seq}"


def pack(value: Any) -> list[str]:
    """``value`` as JSON, compressed, in ASCII parts that fit a VARCHAR each."""
    text = base64.b64encode(zlib.compress(orjson.dumps(value), 6)).decode("ascii")
    return [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]


def unpack(parts: list[str]) -> Any:
    return orjson.loads(zlib.decompress(base64.b64decode("".join(parts))))


def _schema(client: Any, fields: list[tuple[str, Any, dict[str, Any]]]) -> Any:
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    for name, dtype, options in fields:
        schema.add_field(name, dtype, **options)
    return schema


def create_generation(client: Any, alias: str, generation: str, dimension: int, index: dict[str, Any]) -> None:
    """The two empty collections of a generation, indexed and loaded."""
    from pymilvus import DataType

    row = [("row", DataType.INT64, {"is_primary": True}), ("born", DataType.INT64, {}), ("died", DataType.INT64, {})]
    chunks = _schema(
        client,
        [
            *row,
            ("fp", DataType.VARCHAR, {"max_length": 64}),
            ("record", DataType.VARCHAR, {"max_length": RECORD_BYTES}),
            ("dense", DataType.FLOAT_VECTOR, {"dim": dimension}),
            ("sparse", DataType.SPARSE_FLOAT_VECTOR, {}),
        ],
    )
    articles = _schema(
        client,
        [
            *row,
            ("fp", DataType.VARCHAR, {"max_length": 64}),
            ("part", DataType.INT64, {}),
            ("data", DataType.VARCHAR, {"max_length": PART_CHARS}),
            ("pad", DataType.FLOAT_VECTOR, {"dim": len(PAD)}),
        ],
    )
    chunk_index = client.prepare_index_params()
    chunk_index.add_index(field_name="dense", metric_type="IP", **index)
    chunk_index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    _create(client, chunks_name(alias, generation), chunks, chunk_index)
    _create(client, articles_name(alias, generation), articles, _pad_index(client))


def ensure_meta(client: Any, alias: str) -> str:
    from pymilvus import DataType

    name = meta_name(alias)
    if not client.has_collection(name):
        schema = _schema(
            client,
            [
                ("key", DataType.VARCHAR, {"is_primary": True, "max_length": 512}),
                ("data", DataType.VARCHAR, {"max_length": PART_CHARS}),
                ("pad", DataType.FLOAT_VECTOR, {"dim": len(PAD)}),
            ],
        )
        _create(client, name, schema, _pad_index(client))
    return name


def ensure_loaded(client: Any, name: str) -> None:
    """Load a collection into memory if it is not (Milvus Lite starts with every collection released; a Milvus
    server keeps them loaded once loaded). Loading a loaded collection is a no-op."""
    from pymilvus.client.types import LoadState

    if client.get_load_state(name).get("state") != LoadState.Loaded:
        client.load_collection(name)


def _pad_index(client: Any) -> Any:
    params = client.prepare_index_params()
    params.add_index(field_name="pad", index_type="FLAT", metric_type="IP")
    return params


def _create(client: Any, name: str, schema: Any, index: Any) -> None:
    client.create_collection(name, schema=schema, consistency_level="Strong")
    # On an empty collection the index is there at once: pymilvus would poll for it (half a second a field).
    client.create_index(name, index, sync=False)
    client.load_collection(name)


def dense_index(rows: int, flat_max: int) -> dict[str, Any]:
    """Exact search up to ``flat_max`` chunks (as the FAISS store), HNSW beyond."""
    if rows <= flat_max:
        return {"index_type": "FLAT"}
    return {"index_type": "HNSW", "params": {"M": 16, "efConstruction": 200}}


def token_dims(vocab: list[str]) -> np.ndarray:
    """The sparse dimension of each token: a stable hash, so builds and servers need no shared vocabulary."""
    return np.fromiter((zlib.crc32(t.encode("utf-8")) % TOKEN_DIMS for t in vocab), dtype=np.int64, count=len(vocab))


def query_vector(tokens: list[str]) -> dict[int, float]:
    """A question's tokens as a sparse vector: each occurrence counts, as in bm25s."""
    vector: dict[int, float] = {}
    for dim in token_dims(tokens).tolist():
        vector[dim] = vector.get(dim, 0.0) + 1.0
    return vector


def iterate(client: Any, collection: str, expression: str, fields: list[str], batch: int = BATCH) -> Any:
    """Batches of the rows matching ``expression`` (a query iterator: no result-size limit)."""
    iterator = client.query_iterator(collection, batch_size=batch, filter=expression, output_fields=fields)
    try:
        while batch := iterator.next():
            yield batch
    finally:
        iterator.close()
