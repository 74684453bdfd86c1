"""Keys for findings and for an editor's decisions: made from the texts they are about, so they survive re-analysis.

A story's ids (story ``s-…``, claim ``c3``, quote ``q1``, conflict ``x2``) are renumbered whenever a story is analysed
again; article ids are hashes of the normalised text and never change. A finding's key is its kind and a hash of the
(article id, text) pairs it rests on, so a finding made again after new articles arrived, or after an upgrade, has
the key it had (``storytrace review``, the store's decisions, the web app and the dossier all use these):

- ``reuse:`` a reuse link, by its two articles (either direction: an editor who dismisses a link dismisses it
  whichever way a later analysis draws it);
- ``addition:`` an unsupported addition, by the article that adds it and the words it states it in;
- ``conflict:`` a conflict, by its sides (article and words of each);
- ``quote:`` an altered or unattested quote, by the article and the quoted words.

Decisions that are not about a finding have keys of the same make: ``merge:`` / ``split:`` by their articles,
``wire:`` / ``owner:`` by the outlet names (whitespace collapsed, case ignored), ``press:`` by the article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from storytrace.records import Story

FINDING_KINDS = ("reuse", "addition", "conflict", "quote")
# quotes that accuse an article of something; verbatim and close ones need no decision
QUOTE_FIDELITIES = ("altered", "unattested")


def normal(text: str) -> str:
    """Text as a key reads it: whitespace collapsed, case folded (a re-parse that moves a line break changes
    nothing)."""
    return " ".join(text.split()).casefold()


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def finding_key(kind: str, *parts: tuple[str, str]) -> str:
    """A finding's key: its kind and the (article id, text) pairs it is about, in any order. A reuse link's parts
    are its two articles (texts ignored), in either order."""
    if kind == "reuse":
        body = "|".join(sorted(a for a, _ in parts))
    else:
        body = "|".join(sorted(f"{a}::{normal(t)}" for a, t in parts))
    return f"{kind}:{_digest(body)}"


def decision_key(kind: str, subjects: Iterable[str], others: Iterable[str] = ()) -> str:
    """The key of a decision that is not about a finding: ``merge`` / ``split`` / ``press`` over article ids,
    ``wire`` / ``owner`` over outlet names (compared as :func:`normal` reads them). ``others``: a split's articles it
    is split from."""
    names = sorted({normal(s) for s in subjects if normal(s)})
    body = "|".join(names)
    rest = sorted({normal(s) for s in others if normal(s)})
    if rest:
        body += "||" + "|".join(rest)
    return f"{kind}:{_digest(body)}"


@dataclass(frozen=True)
class Finding:
    """One finding of a story an editor may confirm or dismiss."""

    key: str
    kind: str  # reuse | addition | conflict | quote
    ref: str  # where it is in this analysis of the story: "c3", "q1", "x2", or "<from> -> <to>" for a link
    what: str  # the finding in one line, in the dossier's words
    articles: tuple[str, ...]  # the articles it is about


def _label(labels: Mapping[str, str] | Callable[[str], str] | None) -> Callable[[str], str]:
    if labels is None:
        return lambda a: a[:12]
    if callable(labels):
        return labels
    return lambda a: labels.get(a, a[:12])


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def story_findings(story: Story, labels: Mapping[str, str] | Callable[[str], str] | None = None) -> list[Finding]:
    """Every finding of ``story`` an editor may confirm or dismiss, in the dossier's order: reuse links, unsupported
    additions, conflicts, altered and unattested quotes. ``labels``: article id -> display name."""
    name = _label(labels)
    out: list[Finding] = []
    for r in story.reuse:
        arrow = "→" if r.direction == "decided" else "— (direction undecided) —"
        what = f"{r.kind}: {name(r.source)} {arrow} {name(r.derived)} ({round(r.score * 100)}% explained)"
        key = finding_key("reuse", (r.source, ""), (r.derived, ""))
        out.append(Finding(key, "reuse", f"{r.source} -> {r.derived}", what, (r.source, r.derived)))
    for c in story.claims:
        if c.status != "unsupported_addition" or not c.mentions:
            continue
        # the mention that keys it: the smallest, so a mention that a later article adds does not move the key
        m = min(c.mentions, key=lambda m: (m.article, normal(m.text)))
        what = f"added by {name(m.article)}, not supported by its source: “{_short(m.text)}”"
        out.append(Finding(finding_key("addition", (m.article, m.text)), "addition", c.id, what, (m.article,)))
    for x in story.conflicts:
        sides = [(s.article, s.text) for s in x.sides] or [(a, "") for a in x.articles]
        between = " vs ".join(dict.fromkeys(name(a) for a, _ in sides))
        what = f"{x.kind} conflict ({x.severity}), {between}: {_short(x.explanation)}"
        out.append(
            Finding(finding_key("conflict", *sides), "conflict", x.id, what, tuple(dict.fromkeys(a for a, _ in sides)))
        )
    for q in story.quotes:
        if q.fidelity not in QUOTE_FIDELITIES:
            continue
        who = f" ({q.speaker})" if q.speaker else ""
        what = f"{q.fidelity} quote in {name(q.article)}{who}: “{_short(q.text)}”"
        out.append(Finding(finding_key("quote", (q.article, q.text)), "quote", q.id, what, (q.article,)))
    return out


__all__ = ["FINDING_KINDS", "Finding", "decision_key", "finding_key", "normal", "story_findings"]
