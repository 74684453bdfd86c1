"""The verdict's one plain sentence: what the article is, whom it took from and how much, whether it says so, and
the findings against it. Every part restates a field of the verdict or a count of the cross-check's findings; the
sentence adds nothing of its own."""

from __future__ import annotations

from collections.abc import Callable

from storytrace.records import VerdictCounts
from storytrace.verdicts.taken import Take, Taken


def _n(count: int, one: str, many: str) -> str:
    return f"one {one}" if count == 1 else f"{count} {many}"


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def verdict_sentence(
    verdict: str,
    taken: Taken,
    timing: str,
    padding: float,
    counts: VerdictCounts,
    corroborated: tuple[int, int],
    taken_up: int,
    several_groups: bool,
    label: Callable[[str], str],
    padding_notable: float,
) -> str:
    """``label`` names an article (its outlet, else its file name); ``corroborated`` is (corroborated claims, claims)
    among the story claims the article states, said only where the story has more than one source group."""
    noun = timing  # preview | report | follow-up

    def name(take: Take) -> str:
        # a wire outside the pile is named by what the reuse stage found: both articles credit it
        return f"the {take.source} story" if take.outside else label(take.source)

    def share(take: Take) -> str:
        outside = "the common source, not in the pile; " if take.outside else ""
        return f"({outside}{_percent(take.share)} of its text)"

    if verdict in ("copy", "rewrite"):
        take = taken.takes[0]
        head = f"{verdict.capitalize()} of {name(take)} {share(take)}"
    elif verdict == "derivative":
        take = taken.takes[0]
        head = f"Takes part of {name(take)} {share(take)} and adds its own"
    elif verdict == "aggregation":
        parts = ", ".join(f"{name(t)} {_percent(t.share)}" for t in taken.takes)
        head = f"Aggregation of {len(taken.takes)} sources ({parts})"
    elif verdict == "commentary":
        head = "Commentary, mostly opinion" + ("" if noun == "report" else f" ({noun})")
    else:
        head = f"Original {noun}"
    if verdict not in ("original", "commentary") and taken.credited is not None:
        head += ", credited" if taken.credited else ", uncredited"
    if taken_up:
        head += f", the source of {_n(taken_up, 'other article', 'other articles')}"
    tail: list[str] = []
    if verdict in ("original", "commentary") and corroborated[1] and several_groups:
        done, stated = corroborated
        tail.append(f"{done or 'none'} of its {stated} claims corroborated by independent sources")
    if counts.added:
        tail.append(_n(counts.added, "claim no source states", "claims no source states"))
    if counts.unattested_quotes:
        tail.append(_n(counts.unattested_quotes, "quote no source has", "quotes no source has"))
    if counts.altered_quotes:
        tail.append(_n(counts.altered_quotes, "quote altered", "quotes altered"))
    if counts.conflicts:
        # a conflict has two sides and says nothing of which is wrong: the sentence does not either
        tail.append(_n(counts.conflicts, "point where another account differs", "points where other accounts differ"))
    if padding >= padding_notable:
        tail.append(f"{_percent(padding)} of its text carries nothing checkable")
    return "; ".join([head, *tail]) + "."
