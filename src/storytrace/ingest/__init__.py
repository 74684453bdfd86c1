"""Ingest: read inputs of every common kind and clean them into ``Article`` records.

``read_inputs(paths, options)`` never raises for one bad input: it returns the articles it could read and a
``Skipped`` record (origin, reason) for each input (or line, entry, record) it could not. The same text read twice is
one article with both origins. Module map:

- ``sources``: paths, directories, globs, ``-`` and URLs -> bytes (size limit, unreadable paths);
- ``formats``: which reader, by extension, content type or sniffing; ``decode``: bytes -> text, or "binary file";
- ``readers`` (txt, md, html, json, jsonl), ``feeds`` (RSS/Atom), ``warc``: container -> ``Draft``;
- ``html``: trafilatura with the configuration ``bench/extract.py`` measured best;
- ``clean``: the copy editor (furniture cut into ``removed``; byline, credits, dateline, wire outlet);
- ``wire``: raw wire copy (a desk system's page header, paragraph marks, hard-wrapped lines), told by its content;
- ``sentences``: sentence spans; ``language``: py3langid's language; ``dates``: ISO publication dates.

For the web upload form: ``read_document(data, origin, fmt=None)`` (bytes or str of any supported format) and
``read_text(text, origin)`` (one pasted article).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from storytrace.errors import InputError
from storytrace.ingest.clean import clean_byline, edit
from storytrace.ingest.dates import parse_date
from storytrace.ingest.draft import Batch, Draft
from storytrace.ingest.formats import parse
from storytrace.ingest.language import detect_language, language_code
from storytrace.ingest.readers import check_field_map
from storytrace.ingest.safety import budget_for, clean_opt, clean_str, time_budget
from storytrace.ingest.sentences import split_sentences
from storytrace.ingest.sources import expand, load, size_text
from storytrace.options import IngestOptions
from storytrace.records import Article, Skipped, Span

__all__ = ["article_id", "merge_reading", "read_document", "read_inputs", "read_text", "split_sentences", "to_article"]


def article_id(text: str) -> str:
    """Stable id: a hash of the text with Unicode compatibility forms, white space and case normalised away."""
    norm = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _strip_site_suffix(title: str | None, outlet: str | None) -> str | None:
    """'Headline | The Valmora Courier' -> 'Headline' when the tail names the outlet."""
    if not title or not outlet:
        return title
    m = re.match(r"^(.+?)\s+[|–—-]\s+(.+)$", title)
    if m and m.group(2).strip().casefold() == outlet.casefold():
        return m.group(1).strip()
    return title


# The longest article text the later stages take: spaCy's ``nlp.max_length`` default (1,000,000 characters), past
# which it refuses a text (error E088). A news article is a few thousand characters; a text this long is a dump of
# many documents or noise, so it is skipped with a reason rather than cut at an arbitrary point.
MAX_TEXT_CHARS = 1_000_000

# Why a reader failed when it raised something we did not expect: the user gets this plain reason, never the
# exception's own text (it may be internal, "AssertionError too many bodies", or echo raw bytes of the input).
UNEXPECTED = "could not read (the reader failed on this input)"


def _clean_draft(draft: Draft) -> None:
    """Make every text field of a draft encodable (lone surrogates -> U+FFFD) before anything else sees it."""
    draft.origin = clean_str(draft.origin)
    draft.paragraphs = [clean_str(p) for p in draft.paragraphs]
    draft.removed = [clean_str(r) for r in draft.removed]
    for name in ("title", "outlet", "byline", "published", "language", "url"):
        setattr(draft, name, clean_opt(getattr(draft, name)))


def to_article(draft: Draft) -> Article:
    """The copy editor's pass over one draft, and the article record it gives."""
    _clean_draft(draft)
    edited = edit(draft.paragraphs, title=draft.title, guess_title=draft.guess_title, byline=draft.byline)
    if not edited.paragraphs:
        raise InputError(draft.origin, "no article text left after cleaning")
    if sum(len(p) + 2 for p in edited.paragraphs) - 2 > MAX_TEXT_CHARS:
        raise InputError(draft.origin, f"article text too long to analyse (over {MAX_TEXT_CHARS:,} characters)")
    text = ""
    paragraphs: list[Span] = []
    for par in edited.paragraphs:
        if text:
            text += "\n\n"
        paragraphs.append((len(text), len(text) + len(par)))
        text += par
    byline, byline_wire = clean_byline(draft.byline)
    outlet = draft.outlet or edited.wire or byline_wire
    title = _strip_site_suffix(" ".join(edited.title.split()) if edited.title else None, outlet)
    return Article(
        id=article_id(text),
        origin=draft.origin,
        origins=[draft.origin],
        text=text,
        title=title,
        outlet=outlet,
        byline=byline or edited.byline,
        credits=edited.credits,
        published=parse_date(draft.published, strict=False) or edited.published,
        dateline=edited.dateline,
        language=detect_language(text) or language_code(draft.language),
        removed=draft.removed + [r for r in edited.removed if r not in draft.removed],
        sentences=split_sentences(text),
        paragraphs=paragraphs,
        format=draft.format,
    )


def merge_reading(into: Article, other: Article) -> None:
    """The same text read again: record where, and fill what the first reading lacked."""
    for o in other.origins:
        if o not in into.origins:
            into.origins.append(o)
    for name in ("title", "outlet", "byline", "published", "dateline", "language"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))


def _skip(origin: str, reason: str) -> Skipped:
    return Skipped(clean_str(origin), clean_str(reason))


def _collect(
    batch: Batch, articles: dict[str, Article], skipped: list[Skipped], origin: str, fmt_label: str | None = None
) -> None:
    if not batch.drafts and not batch.skipped:  # e.g. a byte-order mark and nothing else: never silent
        skipped.append(_skip(origin, "no article in this file"))
    skipped.extend(_skip(s.origin, s.reason) for s in batch.skipped)
    for draft in batch.drafts:
        if fmt_label:
            draft.format = fmt_label
        try:
            with time_budget(clean_str(draft.origin), budget_for(sum(len(p) for p in draft.paragraphs))):
                art = to_article(draft)
        except InputError as exc:
            skipped.append(_skip(exc.origin, exc.reason))
            continue
        except Exception:  # one bad article must never take the batch down
            skipped.append(_skip(draft.origin, "could not clean this article (the copy editor failed on it)"))
            continue
        if art.id in articles:
            merge_reading(articles[art.id], art)
        else:
            articles[art.id] = art


def read_inputs(paths: Sequence[str], options: IngestOptions | None = None) -> tuple[list[Article], list[Skipped]]:
    """Read every input; articles in input order (directories and globs sorted), duplicates merged."""
    options = options or IngestOptions()
    check_field_map(options.field_map)
    sources, skipped = expand(paths)
    articles: dict[str, Article] = {}
    for source in sources:
        try:
            loaded = load(source, options)
            with time_budget(source.origin, budget_for(len(loaded.data))):
                batch = parse(loaded.data, source.origin, loaded.name, options, content_type=loaded.content_type)
        except InputError as exc:
            skipped.append(_skip(exc.origin, exc.reason))
            continue
        except Exception:  # one unreadable input must never take the batch down
            skipped.append(_skip(source.origin, UNEXPECTED))
            continue
        label = "stdin" if source.kind == "stdin" else "url" if source.kind == "url" else None
        _collect(batch, articles, skipped, source.origin, label)
    return list(articles.values()), skipped


def read_document(
    data: bytes | str, origin: str, fmt: str | None = None, options: IngestOptions | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Read one in-memory document (an uploaded file): ``fmt`` is a format name (txt, md, html, json, jsonl, warc,
    feed) or None to go by ``origin``'s extension and then by the content."""
    options = options or IngestOptions()
    check_field_map(options.field_map)
    raw = clean_str(data).encode("utf-8") if isinstance(data, str) else data
    articles: dict[str, Article] = {}
    skipped: list[Skipped] = []
    origin = clean_str(origin)
    if len(raw) > options.max_bytes:
        return [], [Skipped(origin, f"too large (over {size_text(options.max_bytes)})")]
    try:
        with time_budget(origin, budget_for(len(raw))):
            batch = parse(raw, origin, origin.rsplit("/", 1)[-1], options, fmt=fmt)
    except InputError as exc:
        return [], [_skip(exc.origin, exc.reason)]
    except Exception:  # as in read_inputs: a bad upload is a Skipped line, not a server error
        return [], [Skipped(origin, UNEXPECTED)]
    _collect(batch, articles, skipped, origin)
    return list(articles.values()), skipped


def read_text(
    text: str, origin: str = "pasted text", fmt: str = "txt", options: IngestOptions | None = None
) -> Article:
    """One article from text in memory (``fmt`` txt, md or html); ``InputError`` when there is no article in it."""
    articles, skipped = read_document(text, origin, fmt=fmt, options=options)
    if not articles:
        reason = skipped[0].reason if skipped else "no article text"
        raise InputError(origin, reason)
    return articles[0]
