"""Growing stories: what a store indexes per article, and the rule that keeps stored stories whole.

A store does not regroup everything it holds when articles arrive. It looks the new articles up in an index of the
grouping's own candidate keys (:func:`index_entries`: the LSH band keys of :mod:`.neardup`, the name keys of
:mod:`.features`, the lead vector), regroups the new articles with the stories they reach (``group_stories`` with
``existing``), and settles the result with :func:`keep_stories`: a stored article never moves and a stored story
is never split, so an article that belongs nowhere cannot rename or break what an editor has already read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.options import StoryOptions
from storytrace.records import Article, ArticleFacts, StoryGroup
from storytrace.stories.features import _name_tokens, lead_vector
from storytrace.stories.neardup import NearDupParams, band_keys, signatures


@dataclass
class IndexEntry:
    """One article's entries in a store's story index."""

    article: str
    bands: list[int]  # LSH band keys of its MinHash signature, as signed 64-bit integers
    names: list[int]  # its name keys (entity keys and PERSON surnames, as the grouping reads them), hashed
    lead: np.ndarray | None  # unit lead vector, float32 (None: no sentence vectors)


def index_params(options: StoryOptions, params: NearDupParams) -> dict[str, int]:
    """What the index entries depend on: an index made with other values must be rebuilt."""
    return {
        "num_perm": params.num_perm, "shingle_size": params.shingle_size, "seed": params.seed,
        "bands": params.bands, "lead_sentences": options.lead_sentences,
    }  # fmt: skip


def name_hash(key: str) -> int:
    """A name key as a signed 64-bit integer (the same for every process and machine)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def index_entries(
    articles: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    options: StoryOptions,
    params: NearDupParams,
) -> list[IndexEntry]:
    """The index entries of ``articles``, from the same functions the grouping's candidate stage runs: the band keys
    of the text the near-duplicate stage signs (title, newline, text), the name keys of the name-sharing
    candidates, the lead vector of the lead-neighbour candidates. A row's band keys depend on its signature alone,
    so keys made article by article bucket as the whole pile's do."""
    if not articles:
        return []
    sig = signatures([(a.title or "") + "\n" + a.text for a in articles], params, workers=1)
    keys, rows = band_keys(sig, params.bands)
    bands: list[list[int]] = [[] for _ in articles]
    for k, r in zip(keys.view(np.int64).tolist(), rows.tolist(), strict=True):
        bands[r].append(k)
    out = []
    for a, b in zip(articles, bands, strict=True):
        names, _ = _name_tokens(facts_by_id.get(a.id))
        lead = lead_vector(vectors_by_id.get(a.id), options.lead_sentences)
        out.append(IndexEntry(a.id, sorted(set(b)), sorted({name_hash(n) for n in names}), lead))
    return out


def keep_stories(
    groups: Sequence[Sequence[int]], ids: Sequence[str], existing: Sequence[StoryGroup]
) -> list[list[int]]:
    """Settle a regrouping of new articles with stored stories (rows of ``ids``) so that stored stories stay whole.

    Each group of the regrouping that holds new articles gives them to the stored story it holds most articles of
    (ties: the smaller story id); a group without stored articles is a new story. Another stored story in the same
    group joins that story only when the group holds most of its articles: the new articles bridged them. Stored
    articles are never moved apart, so an article that links to nothing leaves every stored story as it was, and a
    regrouping that would have drawn a stored story differently (the weights of a smaller pile) changes nothing.
    Returns row groups, each sorted, ordered by their first row."""
    story_of: dict[str, int] = {}
    for n, story in enumerate(existing):
        for a in story.articles:
            story_of.setdefault(a, n)
    row_story = [story_of.get(a) for a in ids]
    size = Counter(s for s in row_story if s is not None)
    parent = list(range(len(existing)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    joins: list[tuple[list[int], int | None]] = []  # (new rows, the stored story they join, or None: a new story)
    for g in groups:
        new = [r for r in g if row_story[r] is None]
        if not new:
            continue
        held = Counter(s for r in g if (s := row_story[r]) is not None)
        if not held:
            joins.append((new, None))
            continue
        main = min(held, key=lambda s: (-held[s], existing[s].id))
        for s, c in held.items():
            if s != main and 2 * c > size[s]:
                x, y = find(s), find(main)
                if x != y:
                    parent[max(x, y)] = min(x, y)
        joins.append((new, main))
    out: dict[int, set[int]] = {}
    for r, s in enumerate(row_story):
        if s is not None:
            out.setdefault(find(s), set()).add(r)
    fresh: list[set[int]] = []
    for new, s in joins:
        if s is None:
            fresh.append(set(new))
        else:
            out.setdefault(find(s), set()).update(new)
    return sorted((sorted(g) for g in [*out.values(), *fresh] if g), key=lambda g: g[0])


__all__ = ["IndexEntry", "index_entries", "index_params", "keep_stories", "name_hash"]
