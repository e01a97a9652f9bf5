"""Turn the bytes of a corpus file into text, or say clearly why not.

UTF-8 (with or without BOM) is tried first. Files that are not UTF-8 are handed to charset-normalizer,
restricted to the encodings Chinese newsrooms actually produce (GB18030, which covers GBK and GB2312;
Big5; UTF-16/32 with a BOM), so a short GBK file is not mistaken for some unrelated code page.
"""

import codecs
import logging

from charset_normalizer import from_bytes

from qa.errors import IngestError

logger = logging.getLogger(__name__)

CANDIDATES = ["gb18030", "big5"]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def detect_encoding(data: bytes) -> str | None:
    """The encoding of ``data``: from its BOM, UTF-8, or the detector's best Chinese candidate."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if b"\x00" in data[:8192]:
        return None
    try:
        data.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    match = from_bytes(data, cp_isolation=CANDIDATES).best()
    return match.encoding if match else None


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a corpus file; line ends are normalised to ``\\n``. Raises ``IngestError`` saying why not."""
    if not data.strip():
        raise IngestError(source, "file is empty")
    encoding = detect_encoding(data)
    if encoding is None:
        if b"\x00" in data[:8192]:
            raise IngestError(source, "binary file (contains NUL bytes); expected text")
        raise IngestError(source, "cannot detect the text encoding (tried UTF-8, GB18030/GBK, Big5)")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(source, f"looks like {encoding} but byte {exc.start} is invalid") from exc
    if encoding != "utf-8-sig":
        logger.info("%s: decoded as %s", source, encoding)
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")
