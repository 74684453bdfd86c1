"""Readers for text, Markdown, HTML and JSON/JSONL inputs: container in, ``Draft`` articles out.

Each reader takes decoded text and the input's origin, and returns a ``Batch``. A reader raises ``InputError`` when
the whole input is unusable; a bad line or record inside an otherwise good file becomes a ``Skipped`` entry for
``origin#n`` and the rest of the file is read.
"""

from __future__ import annotations

import json
import re
import statistics
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.draft import Batch, Draft
from storytrace.ingest.html import extract_page, fragment_text
from storytrace.options import check_field_map
from storytrace.records import Skipped

__all__ = ["JSON_FIELDS", "check_field_map", "read_html", "read_json", "read_jsonl", "read_md", "read_txt"]

# Field names tried, in order, for each article field of a JSON record (``options.ARTICLE_FIELDS``, in that order);
# ``--field NAME=FIELD`` puts FIELD first.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "articleBody", "article_body", "article", "maintext", "full_text", "story"),
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "uri", "canonical_url"),
    "published": ("published", "date", "date_published", "datePublished", "published_at", "publish_date", "pubDate"),
    "outlet": ("outlet", "source", "publisher", "site", "sitename", "site_name", "source_name", "source_domain"),
    "byline": ("byline", "author", "authors", "creator", "writer"),
}


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs of plain text: blank lines separate them; a block of hard-wrapped prose lines is one paragraph;
    other blocks keep one paragraph per line (header lines, lists, one-line paragraphs)."""
    out: list[str] = []
    for block in re.split(r"\n[^\S\n]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) >= 3 and _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    body = lines[:-1]  # the last line of a wrapped paragraph is short
    width = statistics.median(len(ln) for ln in body)
    open_ended = sum(not re.search(r"[.!?:\"”']$", ln) for ln in body)
    return 40 <= width <= 100 and open_ended >= 0.6 * len(body)


def read_txt(text: str, origin: str) -> Batch:
    return Batch([Draft(origin=origin, format="txt", paragraphs=paragraphs_of(text), guess_title=True)])


_FRONT_MATTER = re.compile(r"\A---[^\S\n]*\n(.*?)\n---[^\S\n]*\n", re.S)
# Inline markup spans at most this many characters (a link text, an emphasised phrase): without a bound, a line
# with many unmatched "**", "[" or "`" is scanned to its end once per opener, quadratic on a 200 KB one-line
# paragraph. Real Markdown emphasis and link texts are a few words; 200 characters (three lines of prose) is far
# more than any in the example corpus.
_MD_SPAN = 200  # link texts hold no "[" either, so that a run of "[" fails at once instead of 200 steps each
_MD_INLINE = [
    (re.compile(rf"!\[[^\[\]\n]{{0,{_MD_SPAN}}}\]\([^)\n]{{0,{_MD_SPAN}}}\)"), ""),  # images
    (re.compile(rf"\[([^\[\]\n]{{1,{_MD_SPAN}}})\]\([^)\n]{{0,{_MD_SPAN}}}\)"), r"\1"),  # links keep their words
    (re.compile(rf"(\*\*|__)(?=\S)(.{{1,{_MD_SPAN}}}?)(?<=\S)\1"), r"\2"),
    (re.compile(rf"(?<![\w*])\*(?=\S)([^*\n]{{1,{_MD_SPAN}}}?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(rf"(?<![\w_])_(?=\S)([^_\n]{{1,{_MD_SPAN}}}?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(rf"`([^`\n]{{1,{_MD_SPAN}}})`"), r"\1"),
]
# Line rules match white space within the line only ([^\S\n], not \s): a \s* at a line start ran on through every
# following blank line and back, so 100,000 blank lines took half a minute.
_MD_LINE = [
    (re.compile(r"^[^\S\n]{0,3}>[^\S\n]?", re.M), ""),  # block quotes
    (re.compile(r"^[^\S\n]*[-*+][^\S\n]+", re.M), ""),  # bullets
    (re.compile(r"^[^\S\n]{0,3}(?:-{3,}|\*{3,}|_{3,})[^\S\n]*$", re.M), ""),  # rules
    (re.compile(r"^[^\S\n]{0,3}```.*$", re.M), ""),  # code fences
]
_MD_HEADING = re.compile(r"^[^\S\n]{0,3}#[^\S\n]+(.+?)[^\S\n]*#*[^\S\n]*$", re.M)
_MD_SUBHEADING = re.compile(r"^[^\S\n]{0,3}#{1,6}[^\S\n]+(.+?)[^\S\n]*#*[^\S\n]*$", re.M)


def read_md(text: str, origin: str) -> Batch:
    meta: dict[str, str] = {}
    fm = _FRONT_MATTER.match(text)
    if fm:
        for line in fm.group(1).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                meta[k.strip().lower()] = v.strip().strip("\"'")
        text = text[fm.end() :]
    title = meta.get("title")
    heading = _MD_HEADING.search(text)
    if not title and heading and not text[: heading.start()].strip():
        title = heading.group(1)
        text = text[heading.end() :]
    text = _MD_SUBHEADING.sub(r"\1", text)
    for rx, rep in _MD_LINE:
        text = rx.sub(rep, text)
    for rx, rep in _MD_INLINE:
        text = rx.sub(rep, text)
    draft = Draft(
        origin=origin,
        format="md",
        paragraphs=paragraphs_of(text),
        title=title,
        byline=meta.get("author") or meta.get("byline"),
        published=meta.get("date") or meta.get("published"),
        outlet=meta.get("outlet") or meta.get("source") or meta.get("publisher"),
        url=meta.get("url"),
        guess_title=title is None,
    )
    return Batch([draft])


def read_html(text: str, origin: str, url: str | None = None, fmt: str = "html") -> Batch:
    page = extract_page(text, origin, url=url)
    draft = Draft(
        origin=origin,
        format=fmt,
        paragraphs=page.paragraphs,
        title=page.title,
        outlet=page.outlet,
        byline=page.byline,
        published=page.published,
        language=page.language,
        url=page.url,
        removed=page.removed,
    )
    return Batch([draft])


def _lookup(record: dict[str, Any], name: str) -> Any:
    value: Any = record
    for part in name.split("."):  # "source.name"
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


# How deep a field's value is searched for text (a list of author objects is depth 2). json.loads accepts nesting
# up to the recursion limit; walking such a value recursively would hit it again here.
_MAX_FIELD_DEPTH = 8


def _as_text(value: Any, depth: int = 0) -> str | None:
    if value is None or depth > _MAX_FIELD_DEPTH:
        return None
    if isinstance(value, dict):
        for k in ("name", "title", "text", "value", "@value"):
            if isinstance(value.get(k), str):
                return value[k].strip() or None
        return None
    if isinstance(value, list):
        parts = [t for t in (_as_text(v, depth + 1) for v in value) if t]
        return ", ".join(parts) or None
    text = str(value).strip()
    return text or None


def _field(record: dict[str, Any], name: str, field_map: dict[str, str]) -> str | None:
    names = ((field_map[name],) if name in field_map else ()) + JSON_FIELDS[name]
    for n in names:
        value = _as_text(_lookup(record, n))
        if value:
            return value
    return None


def _draft_from_record(record: Any, origin: str, fmt: str, field_map: dict[str, str]) -> Draft:
    if not isinstance(record, dict):
        raise InputError(origin, f"a JSON {type(record).__name__}, not an object with article fields")
    text = _field(record, "text", field_map)
    if not text:
        tried = ", ".join(((field_map["text"],) if "text" in field_map else ()) + JSON_FIELDS["text"][:3])
        raise InputError(origin, f"no article text (tried fields {tried}, ...; use --field text=NAME)")
    paragraphs = fragment_text(text) if re.search(r"<(p|div|br|h\d)\b", text, re.I) else paragraphs_of(text)
    return Draft(
        origin=origin,
        format=fmt,
        paragraphs=paragraphs,
        title=_field(record, "title", field_map),
        outlet=_field(record, "outlet", field_map),
        byline=_field(record, "byline", field_map),
        published=_field(record, "published", field_map),
        url=_field(record, "url", field_map),
    )


def _loads(text: str, origin: str) -> Any:
    """``json.loads`` with every way it can refuse a hostile document as one plain reason: a syntax error, an integer
    longer than Python's 4,300-digit limit (ValueError), nesting deeper than the recursion limit (RecursionError)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"invalid JSON (line {exc.lineno}: {exc.msg})") from exc
    except ValueError as exc:
        raise InputError(origin, "invalid JSON (a number too long to read)") from exc
    except RecursionError as exc:
        raise InputError(origin, "invalid JSON (nested too deeply)") from exc


def read_json(text: str, origin: str, field_map: dict[str, str]) -> Batch:
    data = _loads(text, origin)
    if isinstance(data, dict) and not _field(data, "text", field_map):
        for key in ("articles", "items", "entries", "data", "results", "documents"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        return Batch([_draft_from_record(data, origin, "json", field_map)])
    if not data:
        raise InputError(origin, "an empty JSON list (no articles)")
    batch = Batch()
    for n, record in enumerate(data, 1):
        item = f"{origin}#{n}" if len(data) > 1 else origin
        try:
            batch.drafts.append(_draft_from_record(record, item, "json", field_map))
        except InputError as exc:
            batch.skipped.append(Skipped(exc.origin, exc.reason))
    return batch


def read_jsonl(text: str, origin: str, field_map: dict[str, str]) -> Batch:
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip()]
    batch = Batch()
    for n, line in lines:
        item = f"{origin}#{n}" if len(lines) > 1 else origin
        try:
            record = _loads(line, item)
        except InputError as exc:
            batch.skipped.append(Skipped(item, exc.reason.replace(" (line 1: ", " (")))
            continue
        try:
            batch.drafts.append(_draft_from_record(record, item, "jsonl", field_map))
        except InputError as exc:
            batch.skipped.append(Skipped(exc.origin, exc.reason))
    return batch
