"""Verdicts: what a standards editor writes down about each article of a story.

``story_verdicts`` runs per story, after the cross-check, over the records the earlier stages produced — the reuse
links and their direction (``taken``), the claims stage's facts and the cross-check's findings (``padding``), the
preview rule the conflicts use (``timing``) — and gives one ``Verdict`` per article: original, copy, rewrite,
derivative, aggregation or commentary; its source; preview, report or follow-up; the share of its text that carries
nothing checkable; the findings against it; and one plain sentence (``summary``). It re-derives nothing: no text is
parsed, embedded or matched here. No I/O, deterministic.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from storytrace.crosscheck.context import StoryContext
from storytrace.options import VerdictOptions
from storytrace.records import (
    Article,
    ArticleFacts,
    Reuse,
    StoryFindings,
    StoryGroup,
    Verdict,
    VerdictCounts,
)
from storytrace.verdicts.padding import first_person_share, opinion_share, padding
from storytrace.verdicts.summary import verdict_sentence
from storytrace.verdicts.taken import taken_up_by, what_it_took
from storytrace.verdicts.timing import story_timing

__all__ = ["story_verdicts", "verdict_counts"]


def verdict_counts(article: str, findings: StoryFindings) -> VerdictCounts:
    """The cross-check's findings against one article: additions stated in it, its altered and unattested quotes,
    the conflicts it is a side of."""
    return VerdictCounts(
        added=sum(
            1
            for c in findings.claims
            if c.status == "unsupported_addition" and any(m.article == article for m in c.mentions)
        ),
        altered_quotes=sum(1 for q in findings.quotes if q.article == article and q.fidelity == "altered"),
        unattested_quotes=sum(1 for q in findings.quotes if q.article == article and q.fidelity == "unattested"),
        conflicts=sum(1 for x in findings.conflicts if article in x.articles),
    )


def _corroborated(article: str, findings: StoryFindings) -> tuple[int, int]:
    stated = [c for c in findings.claims if any(m.article == article for m in c.mentions)]
    return sum(1 for c in stated if c.status == "corroborated"), len(stated)


def story_verdicts(
    story: StoryGroup,
    articles: Mapping[str, Article],
    facts: Mapping[str, ArticleFacts],
    reuse: Sequence[Reuse],
    groups: Sequence[Sequence[str]],
    findings: StoryFindings,
    options: VerdictOptions | None = None,
) -> list[Verdict]:
    """One verdict per article of ``story``, in the story's order."""
    options = options or VerdictOptions()
    ids = [a for a in dict.fromkeys(story.articles) if a in articles]
    members = {a: articles[a] for a in ids}
    # vectors are not read by anything used here (the preview rule, labels, source groups)
    ctx = StoryContext.build(ids, members, facts, {}, reuse, groups)
    timing = story_timing(ctx, options.follow_up_days)

    def label(article: str) -> str:
        outlet = members[article].outlet
        if outlet:
            name = outlet[4:] if outlet.startswith("The ") else outlet
            return f"the {name} {timing[article]}"
        return os.path.basename(members[article].origin) or article[:8]

    out: list[Verdict] = []
    for a in ids:
        taken = what_it_took(a, members, reuse, options)
        pad = round(padding(members[a], facts.get(a), findings, options), 4)
        verdict: str = taken.kind
        if (
            verdict == "original"
            and pad >= options.commentary_padding
            and opinion_share(members[a], facts.get(a)) >= options.commentary_opinion
            and first_person_share(members[a], facts.get(a)) >= options.commentary_first_person
        ):
            verdict = "commentary"
        counts = verdict_counts(a, findings)
        summary = verdict_sentence(
            verdict,
            taken,
            timing[a],
            pad,
            counts,
            _corroborated(a, findings),
            len(taken_up_by(a, members, reuse)),
            len(ctx.groups) > 1,
            label,
            options.padding_notable,
        )
        out.append(
            Verdict(
                article=a,
                verdict=verdict,  # type: ignore[arg-type]
                source=taken.source,
                timing=timing[a],
                padding=pad,
                summary=summary,
                counts=counts,
                credited=taken.credited,
            )
        )
    return out
