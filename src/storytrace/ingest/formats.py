"""Which reader an input goes to: by file extension, else by the HTTP content type, else by sniffing the bytes.

Plain text is read by its content: raw wire copy (a desk system's page header, paragraph marks) goes to the wire
reader whatever the file is called, everything else to the plain text reader."""

from __future__ import annotations

import json

from storytrace.errors import InputError
from storytrace.ingest.decode import decode
from storytrace.ingest.draft import Batch
from storytrace.ingest.feeds import looks_like_feed, read_feed
from storytrace.ingest.readers import read_html, read_json, read_jsonl, read_md, read_txt
from storytrace.ingest.sources import gunzip
from storytrace.ingest.warc import read_warc
from storytrace.ingest.wire import looks_like_wire_copy, read_wire
from storytrace.options import IngestOptions

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",  # a feed when it looks like one
}
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/markdown": "md",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/warc": "warc",
}
FORMATS = ("txt", "md", "html", "json", "jsonl", "warc", "feed")
# every file name ending read (any of the EXTENSIONS may also be gzip-compressed: "pile.jsonl.gz")
ACCEPTED_EXTENSIONS = (*EXTENSIONS, ".warc.gz", ".gz")


def format_of_name(name: str) -> str | None:
    """The format an extension names, "" when the name has no extension, None when the extension is unknown."""
    lower = name.lower()
    if lower.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    if lower.endswith(".gz"):
        lower = lower[:-3]
    dot = lower.rfind(".")
    if dot <= 0:
        return ""
    return EXTENSIONS.get(lower[dot:])


def sniff(data: bytes) -> str:
    """Guess the format of bytes that came without a usable name (stdin, URLs, files without an extension)."""
    head = data[:4096].lstrip()
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"<"):
        return "feed" if looks_like_feed(head.decode("utf-8", "replace")) else "html"
    if head.startswith((b"{", b"[")):
        lines = [ln for ln in data.splitlines() if ln.strip()]
        if len(lines) > 1:
            try:
                for ln in lines[:5]:
                    json.loads(ln)
            except ValueError:
                return "json"
            return "jsonl"
        return "json"
    return "txt"


def parse(
    data: bytes,
    origin: str,
    name: str,
    options: IngestOptions,
    content_type: str | None = None,
    fmt: str | None = None,
) -> Batch:
    """Read one input's bytes into drafts; ``InputError`` when the whole input is unusable."""
    if fmt is None:
        fmt = format_of_name(name) if name else ""
        if fmt is None:
            ext = name[name.rfind(".") :] if "." in name else name
            raise InputError(origin, f"unsupported file type {ext!r} (read: {', '.join(ACCEPTED_EXTENSIONS)})")
        if not fmt and content_type:
            fmt = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), "")
    elif fmt not in FORMATS:
        raise InputError(origin, f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if data[:2] == b"\x1f\x8b":
        # every compressed input, .warc.gz included, is decompressed here under the size limit: warcio would
        # otherwise decompress a .warc.gz bomb record by record without one (766 MB from a 194 KB file)
        data = gunzip(data, origin, options.max_bytes)
        if not fmt and data.lstrip()[:5] == b"WARC/":
            fmt = "warc"
    if fmt == "warc":
        if not data.strip():
            raise InputError(origin, "empty file")
        return read_warc(data, origin)
    if not fmt:
        fmt = sniff(data)
        if fmt == "warc":
            return read_warc(data, origin)
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip("\"' ")
    text = decode(data, origin, declared=declared)
    if fmt == "xml":
        if not looks_like_feed(text):
            raise InputError(origin, "XML file that is not an RSS/Atom feed")
        fmt = "feed"
    if fmt == "txt":
        return read_wire(text, origin) if looks_like_wire_copy(text) else read_txt(text, origin)
    if fmt == "md":
        return read_md(text, origin)
    if fmt == "html":
        return read_html(text, origin)
    if fmt == "json":
        return read_json(text, origin, options.field_map)
    if fmt == "jsonl":
        return read_jsonl(text, origin, options.field_map)
    return read_feed(text, origin)
