"""RSS and Atom files (feedparser): one article per entry, with the entry's own content."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.draft import Batch, Draft
from storytrace.ingest.html import fragment_text
from storytrace.records import Skipped


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def _entry_html(entry: Any) -> str:
    """The fullest content an entry carries: ``content`` (Atom content, RSS content:encoded), else the summary."""
    best = ""
    for c in entry.get("content") or []:
        value = c.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
    return entry.get("published") or entry.get("updated")


_BLANK_RUN = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*){2,}")


def _tidy_blank_lines(text: str) -> str:
    """Runs of blank lines cut to one: feedparser searches the document's head with ``^\\s*<!ENTITY`` in multi-line
    mode, which backtracks through every following blank line from each one (a feed with 190,000 blank lines took
    28 s). XML gives line ends no meaning, and a paragraph break stays a paragraph break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_RUN.sub("\n\n", text)


def read_feed(text: str, origin: str) -> Batch:
    import feedparser

    parsed = feedparser.parse(_tidy_blank_lines(text))
    if not parsed.entries:
        if parsed.get("bozo") and not parsed.get("version"):
            raise InputError(origin, "not a readable RSS/Atom feed")
        raise InputError(origin, "feed has no entries")
    outlet = parsed.feed.get("title") or None
    batch = Batch()
    for n, entry in enumerate(parsed.entries, 1):
        item = f"{origin}#{n}"
        paragraphs = fragment_text(_entry_html(entry))
        if not paragraphs:
            batch.skipped.append(Skipped(item, "feed entry has no text"))
            continue
        author = entry.get("author") or None
        batch.drafts.append(
            Draft(
                origin=item,
                format="feed",
                paragraphs=paragraphs,
                title=entry.get("title") or None,
                outlet=outlet,
                byline=author,
                published=_date(entry),
                url=entry.get("link") or None,
            )
        )
    return batch
