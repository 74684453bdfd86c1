"""WARC and WARC.gz web archives (warcio): one article per HTML response (or resource) record."""

from __future__ import annotations

import contextlib
import io
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.decode import decode
from storytrace.ingest.draft import Batch
from storytrace.ingest.readers import read_html
from storytrace.records import Skipped

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        if k.lower() == "charset" and v:
            return v.strip("\"' ")
    return None


def read_warc(data: bytes, origin: str) -> Batch:
    from warcio.archiveiterator import ArchiveIterator

    batch = Batch()
    seen_html = 0
    # warcio writes multi-line warnings about damaged records straight to stderr, with the raw bytes of the record
    # and no file name; they are caught here and turned into one Skipped line that names the file.
    warnings = io.StringIO()
    try:
        with contextlib.redirect_stderr(warnings):
            seen_html = _read_records(ArchiveIterator(io.BytesIO(data)), origin, batch)
    except _CutShort as cut:
        seen_html = cut.seen
        if not seen_html:
            raise InputError(origin, "not a readable WARC file") from None
        batch.skipped.append(Skipped(origin, f"WARC file cut short after {seen_html} records"))
    if warnings.getvalue().strip():
        batch.skipped.append(
            Skipped(origin, "damaged WARC file (records with a wrong length; the readable ones were kept)")
        )
    if not seen_html:
        raise InputError(origin, "no HTML responses in the WARC file")
    return batch


class _CutShort(Exception):
    """The archive broke off (warcio raised) after ``seen`` HTML records."""

    def __init__(self, seen: int) -> None:
        super().__init__(seen)
        self.seen = seen


def _read_records(records: Any, origin: str, batch: Batch) -> int:
    """Read the HTML records into ``batch``; the number of HTML records seen (``_CutShort`` if the archive breaks)."""
    from warcio.exceptions import ArchiveLoadFailed

    seen_html = 0
    try:
        for record in records:
            if record.rec_type not in ("response", "resource"):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            item = f"{origin}#{uri}" if uri else f"{origin}#{seen_html + 1}"
            if record.rec_type == "response":
                if record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode() or ""
                content_type = record.http_headers.get_header("Content-Type") or ""
            else:
                status = "200"
                content_type = record.rec_headers.get_header("Content-Type") or ""
            if not content_type.lower().startswith(_HTML_TYPES):
                continue
            seen_html += 1
            if not status.startswith("2"):
                batch.skipped.append(Skipped(item, f"HTTP status {status} in the archive"))
                continue
            body = record.content_stream().read()
            try:
                text = decode(body, item, declared=_charset(content_type))
                page = read_html(text, item, url=uri or None, fmt="warc")
            except InputError as exc:
                batch.skipped.append(Skipped(exc.origin, exc.reason))
                continue
            batch.drafts.extend(page.drafts)
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
        raise _CutShort(seen_html) from exc
    return seen_html
