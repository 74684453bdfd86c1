"""Bytes to text, or a one-line reason why not.

UTF-8 first (with or without a byte-order mark), then UTF-16 when a BOM says so, then the charset an HTML page or an
HTTP header declares, then cp1252/Latin-1 — but only when the result reads like text (mostly letters, spaces and
punctuation, no C1 control characters). Anything with NUL bytes, a known binary signature or many control characters
is a binary file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from storytrace.errors import InputError

# Signatures of common binary files people drop into a folder of articles by mistake.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "executable"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def binary_kind(data: bytes) -> str | None:
    """A short name when ``data`` is not text ("binary file", "PDF", ...), else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if b"\x00" in head:
        return "binary"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        return "binary"
    return None


def plausible_text(text: str) -> bool:
    """Does a decoded string read like prose? Rejects mojibake from decoding binary or another script as Latin-1."""
    if not text:
        return False
    sample = text[:20000]
    bad = 0
    non_ascii_letters = 0
    letters = 0
    for ch in sample:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in "\t\n\r\f") or cat in ("Co", "Cn", "Cs"):
            bad += 1
        elif cat.startswith("L"):
            letters += 1
            if ord(ch) > 127:
                non_ascii_letters += 1
    if bad:
        return False
    # Western prose decoded as Latin-1 is mostly ASCII letters; text in another encoding read as Latin-1 is not.
    return letters > 0 and non_ascii_letters / letters < 0.3


def decode(data: bytes, origin: str, declared: str | None = None) -> str:
    """Decode ``data`` to ``str`` or raise ``InputError`` with a one-line reason."""
    if not data.strip():
        raise InputError(origin, "empty file")
    kind = binary_kind(data)
    if kind:
        raise InputError(origin, "binary file" if kind == "binary" else f"binary file ({kind})")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(origin, "undecodable bytes (broken UTF-16)") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    m = _META_CHARSET.search(data[:4096])
    for name in (declared, m.group(1).decode("ascii", "replace") if m else None, "cp1252", "latin-1"):
        if name and name.lower().replace("_", "-") not in ("utf-8", "utf8") and name not in candidates:
            candidates.append(name)
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if plausible_text(text):
            return text
    raise InputError(origin, "undecodable bytes (not UTF-8, and not plausible as Latin-1/cp1252 text)")
