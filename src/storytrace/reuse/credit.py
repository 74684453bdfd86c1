"""Credit on reuse: does the derived article of a link name the source it took from?

``credited(link, articles, facts)`` -> ``True`` / ``False`` / ``None`` for ``Reuse.credited``:

- A decided link (an arrow): the source's names are its outlet and the wire it is an item of (``wire_of``: outlet
  or dateline tag). ``True`` when the derived article names one of them among the sources it cites (the claims
  stage's ``sources_cited``: "according to Meridian Press", "the Herald first reported", "(AP)"), in its credit
  lines, byline or dateline, or links to the source's address; ``False`` when it names none; ``None`` when the
  source has no known name (no outlet, no wire) or when both are one outlet's (its own copy owes no credit), or
  of outlets an editor declared one company; ``None`` too, rather than ``False``, when the source is a file an
  editor declared a press release (it is issued to be reproduced) and the derived article does not name it.
- An undecided link (no arrow, most often two runs of one wire item): there is no source to credit between the two,
  so ``credited`` speaks of the common source: ``True`` when both credit the common source named on the link, and
  ``None`` when none is named.

Names match as the claims stage matches them (``claims.sources.same_source``): "the Herald" names "Coastal Herald",
"AP" names "Associated Press". That errs towards ``True``: ``False`` says an article hides its source, and a careful
editor says it only when no name of the source is there.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from storytrace.claims.sources import same_source, source_name
from storytrace.options import Declarations
from storytrace.records import Article, ArticleFacts, Reuse
from storytrace.reuse.direction import credited_wires, wire_of

__all__ = ["credited", "names_of", "with_credit"]

_WORDS = re.compile(r"[A-Z][\w.'’-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w.'’-]*){0,4}")


def names_of(article: Article) -> list[str]:
    """The names an article goes by as a source: its outlet, and the wire it is an item of."""
    out = [source_name(article.outlet)] if article.outlet else []
    wire = wire_of(article)
    if wire and not any(same_source(wire, n) for n in out):
        out.append(wire)
    return out


def _cited_names(article: Article, facts: ArticleFacts | None) -> list[str]:
    """Every name the article credits: its sources cited, credit lines, the names in its byline, its dateline tag."""
    cited = facts.sources_cited if facts is not None else article.sources_cited
    out = [s.name for s in cited]
    out.extend(article.credits)
    out.extend(credited_wires(article))
    if article.byline:
        out.extend(_WORDS.findall(article.byline))
    if article.dateline:
        # the tag, not the place: "PORT VALMORA, Estland (MP)" credits MP and no paper named after the town
        out.extend(m.strip() for m in re.findall(r"\(([^()]{1,40})\)", article.dateline))
    return out


def _links_to(article: Article, source: Article) -> bool:
    """The derived text carries the source's address (an http(s) origin), with or without its scheme."""
    for origin in source.origins or [source.origin]:
        if origin.lower().startswith(("http://", "https://")):
            bare = re.sub(r"^https?://(www\.)?", "", origin.rstrip("/"), flags=re.I)
            if len(bare) > 8 and bare.lower() in article.text.lower():
                return True
    return False


def credited(
    link: Reuse,
    articles: Mapping[str, Article],
    facts: Mapping[str, ArticleFacts],
    declarations: Declarations | None = None,
) -> bool | None:
    source, derived = articles.get(link.source), articles.get(link.derived)
    if source is None or derived is None:
        return None
    if link.direction == "undecided":
        if not link.common_source:
            return None
        both = all(
            any(same_source(link.common_source, n) for n in _cited_names(a, facts.get(a.id))) for a in (source, derived)
        )
        return True if both else None
    names = names_of(source)
    if not names:
        return None
    if derived.outlet and any(same_source(derived.outlet, n) for n in names):
        return None  # one outlet's own copy: nothing to credit
    if declarations is not None and declarations.same_company(source.outlet, derived.outlet):
        return None  # declared one company: its papers share copy without owing each other credit
    cited = _cited_names(derived, facts.get(derived.id))
    if any(same_source(c, n) for c in cited for n in names):
        return True
    if declarations is not None and declarations.is_press_release(source.id):
        return True if _links_to(derived, source) else None  # issued to be reproduced: no credit owed
    return _links_to(derived, source)


def with_credit(
    link: Reuse,
    articles: Mapping[str, Article],
    facts: Mapping[str, ArticleFacts],
    declarations: Declarations | None = None,
) -> Reuse:
    return dataclasses.replace(link, credited=credited(link, articles, facts, declarations))
