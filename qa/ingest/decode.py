"""Turn the bytes of a corpus file into text, or say clearly why not."""

from qa.errors import IngestError


def decode_bytes(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM); reject binary files. Line ends are normalised to ``\\n``."""
    if not data.strip():
        raise IngestError(source, "file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError(source, "binary file (contains NUL bytes); expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(source, f"not valid UTF-8 at byte {exc.start}") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
