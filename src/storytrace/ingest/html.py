"""Article bodies and metadata from HTML pages, with trafilatura.

``extract_page`` is the configuration that ``bench/extract.py`` measured best on the Zyte article-extraction
benchmark (see docs/ingest.md for the figures and the variants tried). ``fragment_text`` turns a small piece of
HTML (a feed entry's content, a JSON field holding markup) into paragraphs without any boilerplate guessing: there
is no page around it to guess from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from storytrace.errors import InputError

# trafilatura logs a warning for every page it finds nothing in; we report those ourselves as one Skipped line.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# The measured best configuration (bench/extract.py): precision-leaning extraction without reader comments ...
EXTRACT_SETTINGS: dict[str, Any] = {"favor_precision": True, "include_comments": False, "include_tables": True}
# ... unless precision mode kept less than this share of what the balanced mode finds: then it threw the body away
# with the boilerplate, and the balanced extraction is used instead.
RESCUE_RATIO = 0.5


@dataclass
class Page:
    """What one HTML page holds: the body as paragraphs, and its metadata as the page states it."""

    paragraphs: list[str]
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None
    removed: list[str] = field(default_factory=list)  # the page's text blocks that are not in the body


def extract_body(html: str | bytes, url: str | None = None, rescue: bool = True, **settings: Any) -> str:
    """The article body as text (paragraphs on their own lines); what the benchmark scores."""
    import trafilatura

    kwargs = {**EXTRACT_SETTINGS, **settings}
    try:
        text = trafilatura.extract(html, url=url, **kwargs) or ""
        if rescue and kwargs.get("favor_precision"):
            balanced = trafilatura.extract(html, url=url, **{**kwargs, "favor_precision": False}) or ""
            if len(text) < RESCUE_RATIO * len(balanced):
                return balanced
        return text
    except (ValueError, TypeError, AttributeError, RecursionError):
        return ""


def extract_page(html: str | bytes, origin: str, url: str | None = None) -> Page:
    """Body and metadata of a page; ``InputError`` when there is no article text in it."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **EXTRACT_SETTINGS)
        balanced = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, **{**EXTRACT_SETTINGS, "favor_precision": False}
        )
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise InputError(origin, f"malformed HTML ({type(exc).__name__})") from exc
    if balanced is not None and len(_text(doc)) < RESCUE_RATIO * len(_text(balanced)):
        doc = balanced
    if doc is None:
        body = fragment_text(html if isinstance(html, str) else html.decode("utf-8", "replace"))
        if not body:
            raise InputError(origin, "no article text found in the HTML")
        return Page(paragraphs=body)
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        raise InputError(origin, "no article text found in the HTML")

    def meta(name: str) -> str | None:
        value = getattr(doc, name, None)
        return str(value).strip() if value else None

    return Page(
        paragraphs=text.split("\n"),
        removed=left_out(html, text),
        title=meta("title"),
        outlet=meta("sitename"),
        byline=meta("author"),
        published=meta("date"),
        language=meta("language"),
        url=meta("url") or url,
    )


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def left_out(html: str | bytes, body: str, limit: int = 200) -> list[str]:
    """The visible text blocks of the page that the extraction did not keep (menus, footers, comment forms)."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    for bad in root.xpath("//head|//script|//style|//noscript|//template"):
        bad.drop_tree()
    kept = _key(body)
    out: list[str] = []
    for block in fragment_text(lxml.html.tostring(root, encoding="unicode")):
        key = _key(block)
        if key and key not in kept and block not in out:
            out.append(block[:300])
            if len(out) >= limit:
                break
    return out


def _text(doc: Any) -> str:
    return (getattr(doc, "text", None) or "") if doc is not None else ""


_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "section", "article"}


def fragment_text(html: str) -> list[str]:
    """Paragraphs of an HTML fragment: block elements become paragraphs, scripts and styles go."""
    import lxml.html
    from lxml import etree

    if "<" not in html:
        return [p for p in re.split(r"\n\s*\n|\n", html) if p.strip()]
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts a fragment has one <body>
        return []
    for bad in root.xpath("//script|//style|//noscript|//iframe|//form|//button"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    parts: list[str] = []

    def walk(el: Any, buf: list[str]) -> None:
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            flush(buf)
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child, buf)
            flush(buf)
        else:
            if el.text and isinstance(el.tag, str):
                buf.append(el.text)
            for child in el:
                walk(child, buf)
        if el.tail:
            buf.append(el.tail)

    def flush(buf: list[str]) -> None:
        text = "".join(buf)
        buf.clear()
        parts.extend(line.strip() for line in text.split("\n") if line.strip())

    buf: list[str] = []
    walk(root, buf)
    flush(buf)
    return parts
