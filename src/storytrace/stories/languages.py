"""Articles in other languages than the one the stages read: never in a story with an article of another language.

The pair model's evidence is English: content words against an English stop list, names from the English parser,
the lead's embedding from an English sentence model (which puts any two Cyrillic or Chinese texts close together,
whatever they are about). So an article whose language is known and not English (``Article.language``, from ingest)
is grouped only with articles of its own language, and only as a near-copy: word shingles hashed by MinHash at
``StoryOptions.neardup_threshold``, which need no language. The rest of such a pile stands alone, one story each:
the dossier misses a story rather than invent one from a recipe page and a diet column.
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.ingest.language import read_as_english
from storytrace.options import StoryOptions
from storytrace.records import Article, StoryGroup
from storytrace.stories.ids import story_id, trim
from storytrace.stories.neardup import NearDupParams, near_duplicates

__all__ = ["read_as_english", "stories_apart"]


def _components(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for k in range(n):
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def _label(a: Article) -> str:
    if a.title and a.title.strip():
        return trim(a.title)
    first = a.text[a.sentences[0][0] : a.sentences[0][1]] if a.sentences else a.text[:200]
    return trim(first)


def stories_apart(articles: Sequence[Article], options: StoryOptions) -> list[StoryGroup]:
    """Stories of articles not read as English: one language each, near-copies together, every other one alone."""
    by_language: dict[str, list[Article]] = {}
    for a in sorted({a.id: a for a in articles}.values(), key=lambda a: a.id):
        by_language.setdefault(a.language or "", []).append(a)
    params = NearDupParams(
        num_perm=options.num_perm, shingle_size=options.shingle_size, threshold=options.neardup_threshold,
        seed=options.seed,
    )  # fmt: skip
    out: list[StoryGroup] = []
    for _, arts in sorted(by_language.items()):
        pairs, _ = near_duplicates([(a.title or "") + "\n" + a.text for a in arts], params, workers=1)
        for rows in _components(len(arts), [(int(i), int(j)) for i, j in pairs]):
            ids = [arts[r].id for r in rows]
            out.append(StoryGroup(id=story_id(ids), headline=_label(arts[rows[0]]), articles=ids))
    return out
