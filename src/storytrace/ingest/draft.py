"""A ``Draft`` is one article as a reader pulled it out of its container, before the copy editor has seen it."""

from __future__ import annotations

from dataclasses import dataclass, field

from storytrace.records import Skipped


@dataclass
class Draft:
    origin: str
    format: str
    paragraphs: list[str]
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None
    removed: list[str] = field(default_factory=list)  # what the container's extractor already cut (HTML)
    guess_title: bool = False  # plain text: take the first line as the title when it reads like one


@dataclass
class Batch:
    """What one input yielded: its drafts, and the parts of it that could not be read (lines, entries, records)."""

    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
