"""Rows of the ``<alias>_meta`` collection: small records in one row, large ones in parts."""

from typing import Any

import orjson

from qa.index.milvus.layout import PAD, pack, unpack


def write_small(client: Any, meta: str, key: str, value: Any) -> None:
    """One row: replaced atomically (the pointers)."""
    client.upsert(meta, [{"key": key, "data": orjson.dumps(value).decode("utf-8"), "pad": PAD}])


def read_small(client: Any, meta: str, key: str) -> Any | None:
    rows = client.get(meta, ids=[key], output_fields=["data"])
    return orjson.loads(rows[0]["data"]) if rows else None


def write_large(client: Any, meta: str, key: str, value: Any) -> int:
    """``value`` in parts ``<key>#<i>``; returns how many (read back with ``read_large``)."""
    parts = pack(value)
    client.upsert(meta, [{"key": f"{key}#{i}", "data": part, "pad": PAD} for i, part in enumerate(parts)])
    return len(parts)


def read_large(client: Any, meta: str, key: str, parts: int) -> Any:
    keys = [f"{key}#{i}" for i in range(parts)]
    rows = {row["key"]: row["data"] for row in client.get(meta, ids=keys, output_fields=["key", "data"])}
    missing = [k for k in keys if k not in rows]
    if missing:
        raise ValueError(f"{len(missing)} of {parts} parts of {key} are missing")
    return unpack([rows[k] for k in keys])


def delete_large(client: Any, meta: str, key: str, parts: int) -> None:
    client.delete(meta, ids=[f"{key}#{i}" for i in range(parts)])


def keys_with_prefix(client: Any, meta: str, prefix: str) -> list[str]:
    rows = client.query(meta, filter=f'key like "{prefix}%"', output_fields=["key"])
    return sorted(row["key"] for row in rows)
