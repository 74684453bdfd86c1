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

from storytrace.errors import InputError, UsageError
from storytrace.ingest.draft import Batch, Draft
from storytrace.ingest.html import extract_page, fragment_text
from storytrace.records import Skipped

# Field names tried, in order, for each article field of a JSON record; ``--field NAME=FIELD`` puts FIELD first.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "articleBody", "article_body", "article", "maintext", "full_text", "story"),
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "uri", "canonical_url"),
    "published": ("published", "date", "date_published", "datePublished", "published_at", "publish_date", "pubDate"),
    "outlet": ("outlet", "source", "publisher", "site", "sitename", "site_name", "source_name", "source_domain"),
    "byline": ("byline", "author", "authors", "creator", "writer"),
}


def check_field_map(field_map: dict[str, str]) -> None:
    unknown = sorted(set(field_map) - set(JSON_FIELDS))
    if unknown:
        raise UsageError(f"--field: unknown article field {unknown[0]!r} (known: {', '.join(JSON_FIELDS)})")
    for name, src in field_map.items():
        if not src:
            raise UsageError(f"--field {name}=: the JSON field name is empty")


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


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_MD_INLINE = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their words
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]
_MD_LINE = [
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),  # bullets
    (re.compile(r"^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$", re.M), ""),  # rules
    (re.compile(r"^\s{0,3}```.*$", re.M), ""),  # code fences
]


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
    heading = re.search(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", text, re.M)
    if not title and heading and not text[: heading.start()].strip():
        title = heading.group(1)
        text = text[heading.end() :]
    text = re.sub(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", r"\1", text, flags=re.M)
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


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        for k in ("name", "title", "text", "value", "@value"):
            if isinstance(value.get(k), str):
                return value[k].strip() or None
        return None
    if isinstance(value, list):
        parts = [t for t in (_as_text(v) for v in value) if t]
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


def read_json(text: str, origin: str, field_map: dict[str, str]) -> Batch:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(origin, f"invalid JSON (line {exc.lineno}: {exc.msg})") from exc
    if isinstance(data, dict) and not _field(data, "text", field_map):
        for key in ("articles", "items", "entries", "data", "results", "documents"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        return Batch([_draft_from_record(data, origin, "json", field_map)])
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
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            batch.skipped.append(Skipped(item, f"invalid JSON ({exc.msg})"))
            continue
        try:
            batch.drafts.append(_draft_from_record(record, item, "jsonl", field_map))
        except InputError as exc:
            batch.skipped.append(Skipped(exc.origin, exc.reason))
    return batch
