"""Stories: group articles about the same real-world event.

``group_stories`` is a pure function of the pile: articles are first put in id order, so the partition does not
depend on input order. Steps: features (:mod:`.features`), cheap candidate pairs (:mod:`.candidates`, near-duplicate
hashing in :mod:`.neardup`), then the precise decision (:mod:`.cluster`). ``stable_ids`` carries story ids over as
the pile grows; ``assign_stories`` is the incremental entry point built on both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storytrace.options import StoryOptions
from storytrace.records import Article, ArticleFacts, StoryGroup, StoryTie
from storytrace.stories.candidates import day_window, shared_names, topk_dense, topk_sparse
from storytrace.stories.cluster import (
    DEFAULT_MODEL,
    PairModel,
    candidate_pairs,
    partition,
    scored_within,
    scores_within,
)
from storytrace.stories.edits import apply_edits
from storytrace.stories.features import StoryFeatures, build_features, prune_rows
from storytrace.stories.grow import keep_stories
from storytrace.stories.ids import stable_ids, story_id, trim
from storytrace.stories.languages import read_as_english, stories_apart
from storytrace.stories.neardup import NearDupParams, near_duplicates
from storytrace.stories.ties import spanning_pairs, story_ties, ties_within

__all__ = ["assign_stories", "group_stories", "headline", "stable_ids", "story_id", "ties_of", "ties_within"]


# nearest-neighbour candidates: each article's 30 heaviest content words, and the least cosine a neighbour needs by
# those words or by the lead (hand-set when the candidate stage was written, commit f2ff6ac; the pair model and its
# cuts were tuned on ECB+ 1-35 with these candidates); named here so that the Ray batch reads the same values
WORD_SKETCH = 30
WORD_NEIGHBOUR_SIM = 0.1
LEAD_NEIGHBOUR_SIM = 0.3


def neardup_params(options: StoryOptions) -> NearDupParams:
    """The near-duplicate stage's parameters for a grouping run with ``options``."""
    return NearDupParams(
        num_perm=options.num_perm, shingle_size=options.shingle_size, threshold=options.neardup_threshold,
        seed=options.seed,
    )  # fmt: skip


def _candidates(articles: Sequence[Article], f: StoryFeatures, options: StoryOptions) -> np.ndarray:
    n = len(articles)
    params = neardup_params(options)
    workers = None if n >= 20 * params.chunk_size else 1  # forking pays off only on big piles
    # nearest neighbours only within the horizon of each article's publication: the same window the store's index
    # reads, and what keeps the search from growing with the pile squared
    window = day_window(f.published, options.horizon_days)
    nd_pairs, _ = near_duplicates([(a.title or "") + "\n" + a.text for a in articles], params, workers)
    codes = [
        nd_pairs[:, 0] * n + nd_pairs[:, 1],
        shared_names(f.names, options.max_posting),
        topk_sparse(prune_rows(f.words, WORD_SKETCH), options.neighbours, min_sim=WORD_NEIGHBOUR_SIM, window=window),
        topk_dense(f.lead, options.neighbours, min_sim=LEAD_NEIGHBOUR_SIM, window=window),
    ]
    return candidate_pairs(codes, n)


def headline(rows: Sequence[int], f: StoryFeatures, model: PairModel = DEFAULT_MODEL, texts: Sequence[str] = ()) -> str:
    """The story's label: the title of its most central article (highest mean score to the others), else that
    article's first sentence; at most ~80 characters."""
    return headlines([rows], f, model, texts)[0]


def headlines(
    stories: Sequence[Sequence[int]],
    f: StoryFeatures,
    model: PairModel = DEFAULT_MODEL,
    texts: Sequence[str] = (),
    scores: Mapping[int, np.ndarray] | None = None,
) -> list[str]:
    """:func:`headline` of many stories: the pair scores inside every story come from one batched scoring pass
    (or ``scores``: story index -> its condensed pair scores, when the caller has them already)."""
    sets = [np.asarray(sorted(rows)) for rows in stories]
    multi = [k for k, r in enumerate(sets) if len(r) > 1]
    if scores is None:
        sims = dict(zip(multi, scores_within(f, model, [sets[k] for k in multi]), strict=True))
    else:
        sims = {k: scores[k] for k in multi}
    out = []
    for k, r in enumerate(sets):
        best = int(r[0])
        if len(r) > 1:
            s = np.zeros((len(r), len(r)))
            s[np.triu_indices(len(r), 1)] = sims[k]
            s = s + s.T  # symmetric: each score is the same whichever article comes first
            centrality = s.sum(axis=1)
            titled = np.array([bool(f.titles[x].strip()) for x in r])
            if titled.any():
                centrality = np.where(titled, centrality, -1.0)
            best = int(r[int(np.argmax(centrality))])  # argmax takes the first: the smallest id among ties
        out.append(trim(f.titles[best].strip() or (texts[best] if texts else "")))
    return out


def group_stories(
    articles: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    options: StoryOptions | None = None,
    *,
    model: PairModel | None = None,
    existing: Sequence[StoryGroup] = (),
) -> list[StoryGroup]:
    """Partition ``articles`` into stories. Same input set, same stories, whatever the order; deterministic.
    ``model``: the pair scorer (default: the one tuned on ECB+ topics 1-35). Articles in another known language than
    English never share a story with an English one (:mod:`.languages`). ``existing``: stored stories among
    ``articles``, kept whole (:func:`storytrace.stories.grow.keep_stories`: articles outside them join or bridge
    them, never split them); the editor's edits still apply after."""
    options = options or StoryOptions()
    model = model or DEFAULT_MODEL
    uniq = {a.id: a for a in articles}
    apart = stories_apart([a for a in uniq.values() if not read_as_english(a.language)], options)
    arts = [uniq[k] for k in sorted(uniq) if read_as_english(uniq[k].language)]
    if not arts:
        return in_story_order(apart)
    f = build_features(arts, facts_by_id, vectors_by_id, options.lead_sentences)
    cand = _candidates(arts, f, options)
    groups = partition(f, cand, model, options.threshold, options.link_floor, merge_small=options.merge_small)
    if existing:
        groups = keep_stories(groups, [a.id for a in arts], existing)
    if options.edits:  # an editor's merges and splits (storytrace review) overrule the scores
        groups = apply_edits(groups, [a.id for a in arts], options.edits)
    out = describe(groups, f, arts, facts_by_id, vectors_by_id, options, model)
    return in_story_order(out + apart)


def in_story_order(groups: Sequence[StoryGroup]) -> list[StoryGroup]:
    """Stories biggest first, then by their first article id."""
    return sorted(groups, key=lambda g: (-len(g.articles), g.articles[0]))


def describe(
    groups: Sequence[Sequence[int]],
    f: StoryFeatures,
    arts: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    options: StoryOptions,
    model: PairModel = DEFAULT_MODEL,
) -> list[StoryGroup]:
    """Each group of rows of ``f`` (``arts[r]`` is row ``r``'s article) as a story: id, headline and ties. A story's
    figures come from its own rows, so any set of stories (one, in a Ray task) gets what the whole pile gets."""
    firsts = [a.text[a.sentences[0][0] : a.sentences[0][1]] if a.sentences else a.text[:200] for a in arts]
    multi = [k for k, rows in enumerate(groups) if len(rows) > 1]
    # one scoring pass gives the headlines' scores and the ties' features
    scored = dict(
        zip(multi, scored_within(f, model, [np.asarray(groups[k]) for k in multi], spanning_pairs), strict=True)
    )
    labels = headlines(groups, f, model, firsts, {k: sim for k, (sim, _, _) in scored.items()})
    out = []
    for k, (rows, label) in enumerate(zip(groups, labels, strict=True)):
        ids = [arts[r].id for r in rows]
        ties = []
        if k in scored:
            sim, picked, features = scored[k]
            ties = story_ties(rows, picked, features, sim, f, arts, facts_by_id, vectors_by_id, options)
        out.append(StoryGroup(id=story_id(ids), headline=label, articles=ids, ties=ties))
    return out


def ties_of(
    articles: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    options: StoryOptions | None = None,
    *,
    model: PairModel | None = None,
) -> list[StoryTie]:
    """The ties of ``articles`` taken as one story, whatever the grouping would make of them (two articles put side
    by side: how close the grouping finds them). Features come from these articles alone."""
    options = options or StoryOptions()
    model = model or DEFAULT_MODEL
    arts = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    if len(arts) < 2:
        return []
    f = build_features(arts, facts_by_id, vectors_by_id, options.lead_sentences)
    rows = list(range(len(arts)))
    ((sim, picked, features),) = scored_within(f, model, [np.asarray(rows)], spanning_pairs)
    return story_ties(rows, picked, features, sim, f, arts, facts_by_id, vectors_by_id, options)


def assign_stories(
    new_articles: Sequence[Article],
    existing: Sequence[StoryGroup],
    articles_by_id: Mapping[str, Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    options: StoryOptions | None = None,
) -> list[StoryGroup]:
    """Add ``new_articles`` to the stories ``existing`` (whose articles are in ``articles_by_id``): each new article
    joins a story or opens one, and stories keep their ids.

    It regroups the whole pile and carries ids over with :func:`stable_ids`, so the result is exactly what
    ``group_stories`` gives on all articles at once: independent of arrival order, and never a partition that a
    one-by-one greedy assignment would have locked in.
    """
    pile = {a: articles_by_id[a] for g in existing for a in g.articles if a in articles_by_id}
    pile.update({a.id: a for a in new_articles})
    return stable_ids(group_stories(list(pile.values()), facts_by_id, vectors_by_id, options), existing)
