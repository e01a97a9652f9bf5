"""Decode an HTML page or an XML feed, honouring the charset the file declares.

Pages and feeds say their own encoding (``<meta charset=gbk>``, ``<meta http-equiv="Content-Type"
content="text/html; charset=gb2312">``, ``<?xml version="1.0" encoding="gb2312"?>``), and a short GBK page
is easily mistaken by a detector. The order:

1. a byte-order mark;
2. valid UTF-8: a page saved or converted by a tool is often re-encoded to UTF-8 while keeping its old
   declaration, and real GBK text is practically never valid UTF-8;
3. the declared charset, with GB2312 and GBK read as GB18030 (their superset: pages labelled GB2312 use
   GBK characters such as 镕 and 喆, which browsers accept too);
4. the detector of ``qa.ingest.decode``, when the declaration is missing, unknown or wrong.
"""

import codecs
import logging
import re

from qa.errors import IngestError
from qa.ingest.decode import decode_bytes

logger = logging.getLogger(__name__)

# Browsers look for the declaration in the first 1024 bytes; saved pages put comments and long
# <meta> lists first, so look further.
PRESCAN_BYTES = 8192
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Labels that mean "some GB encoding": all are read as GB18030, which contains every one of them.
_GB_LABELS = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "csgb2312", "hz-gb-2312"}


def declared_charset(data: bytes) -> str | None:
    """The encoding named by an XML declaration or a ``<meta>`` charset, as a Python codec name."""
    head = data[:PRESCAN_BYTES]
    match = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_markup(data: bytes, source: str) -> str:
    """Decode a page or feed; line ends become ``\\n``. Raises ``IngestError`` saying why not."""
    if not data.strip():
        raise IngestError(source, "file is empty")
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:PRESCAN_BYTES]:
        return decode_bytes(data, source)  # a BOM says it all; NUL bytes: binary, or UTF-16/32 (its detector knows)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    declared = declared_charset(data)
    if text is None and declared is not None and declared not in {"utf-8", "utf-16", "utf-32"}:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError as exc:
            logger.info("%s: declares %s but byte %d is not; detecting the encoding", source, declared, exc.start)
        else:
            if declared != "ascii":
                logger.info("%s: decoded as %s (declared)", source, declared)
    if text is None:
        return decode_bytes(data, source)
    return text.replace("\r\n", "\n").replace("\r", "\n")
