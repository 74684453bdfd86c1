"""The Ray batch's grouping tasks, run in one process on any split of a pile, give ``group_stories``'s stories.

No Ray here: the tasks of ``storytrace.batch.grouping`` are plain functions over numpy batches, and a table handed by
value stands for one in the object store. Piles are generated (hypothesis picks the seed and the size); each
property says that cutting the pile into other batches, buckets and blocks changes nothing, bit for bit.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.batch import grouping as g
from storytrace.batch.rows import dumps
from storytrace.options import StoryOptions
from storytrace.records import Article, ArticleFacts, Entity
from storytrace.stories import _candidates, describe, group_stories, neardup_params
from storytrace.stories.cluster import DEFAULT_MODEL, candidate_pairs, pair_features, partition
from storytrace.stories.features import build_features, feature_parts, features_from_parts, select_rows, with_keys
from storytrace.stories.neardup import shingle_hashes, signatures_from_shingles

TOPICS = [
    ("council budget vote rates schools roads library spending deficit mayor chamber", ["Oskar Lind", "Tarn Council"]),
    ("storm flooding river levels evacuation rain sandbags bridge closed warning", ["Beda Holm", "Rivermead"]),
    ("transfer striker club fee contract season goals injury coach signing", ["Ivo Sander", "Northgate United"]),
    ("hospital ward nurses strike pay talks union shifts patients waiting", ["Greta Vos", "St Anne's Hospital"]),
]
COMMON = "the a of and to in said on for with at by from new after".split()


def pile(seed: int, n: int) -> tuple[list[Article], dict[str, ArticleFacts], dict[str, np.ndarray]]:
    """``n`` articles on a few topics: shared words, names and leads within a topic, some near-copies."""
    rng = np.random.default_rng(seed)
    arts: list[Article] = []
    facts: dict[str, ArticleFacts] = {}
    vectors: dict[str, np.ndarray] = {}
    centres = rng.standard_normal((len(TOPICS), 16))
    for k in range(n):
        t = int(rng.integers(len(TOPICS)))
        words, names = TOPICS[t]
        if arts and rng.random() < 0.2:  # a near-copy of an earlier article
            src = arts[int(rng.integers(len(arts)))]
            text = src.text + " " + " ".join(rng.choice(COMMON, 3))
        else:
            vocab = words.split() + COMMON
            text = ". ".join(" ".join(rng.choice(vocab, int(rng.integers(6, 14)))) for _ in range(3)) + "."
        if rng.random() < 0.3:
            text += f" It happened on March {int(rng.integers(1, 29))}, 2025."
        aid = f"a{seed % 97:02d}{k:03d}"
        arts.append(
            Article(
                aid, f"{aid}.txt", [f"{aid}.txt"], text, title=None if rng.random() < 0.3 else text[:30].title(),
                published=None if rng.random() < 0.5 else f"2025-{int(rng.integers(1, 6)):02d}-{int(rng.integers(1, 29)):02d}",
                sentences=[(0, len(text))],
            )
        )  # fmt: skip
        ents = [Entity(name, "PERSON" if " " in name else "ORG", 0, 0, 0) for name in names if rng.random() < 0.7]
        facts[aid] = ArticleFacts(aid, entities=ents)
        v = centres[t] + 0.6 * rng.standard_normal((3, 16))
        vectors[aid] = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
    return arts, facts, vectors


def split(rng: np.random.Generator, n: int) -> list[slice]:
    cuts = sorted(set(rng.integers(0, n + 1, size=int(rng.integers(0, 4))).tolist()) | {0, n})
    return [slice(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def parts_rows(arts: list[Article], facts: Any, vectors: Any, options: StoryOptions, rng: Any) -> list[tuple]:
    """What the parse actors send on: (row, pickled (FeatureParts, signature)), batch by random batch."""
    p = neardup_params(options)
    out = []
    for sl in split(rng, len(arts)):
        batch = arts[sl]
        texts = [(a.title or "") + "\n" + a.text for a in batch]
        sig = signatures_from_shingles(*shingle_hashes(texts, p.shingle_size, p.seed), len(texts), p.num_perm, p.seed)
        for k, part in enumerate(feature_parts(batch, facts, vectors, options.lead_sentences)):
            out.append((sl.start + k, dumps((part, sig[k]))))
    return out


def by_bucket(batch: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """A shuffle by ``bucket``: one batch per bucket, as ``map_groups`` hands them over."""
    return [{k: v[batch["bucket"] == b] for k, v in batch.items()} for b in np.unique(batch["bucket"])]


def concat(batches: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    keys = batches[0].keys()
    return {k: np.concatenate([b[k] for b in batches]) for k in keys}


def scored_edges(cand: dict[str, np.ndarray], holder: list[Any], n: int, options: StoryOptions, rng: Any) -> dict:
    summation = g.summation_of([cand["code"]], holder, n)
    pair_batch = int(rng.integers(1, 50))
    out = [g.score_task(b, holder, n, summation, options.link_floor, pair_batch) for b in by_bucket(cand)]
    return concat(out) if out else {"i": np.zeros(0, np.int64), "j": np.zeros(0, np.int64), "p": np.zeros(0)}


def run_tasks(arts: list[Article], facts: Any, vectors: Any, options: StoryOptions, seed: int) -> tuple:
    """The batch's grouping in one process: ``(table, candidate codes, edges over the floor)``."""
    rng = np.random.default_rng(seed + 1)
    n = len(arts)
    buckets = int(rng.integers(1, 5))
    ids = np.array([a.id for a in arts], dtype=str)
    rows = parts_rows(arts, facts, vectors, options, rng)
    table = g.feature_table(rows[::-1], ids, options.horizon_days)  # any order of rows
    holder: list[Any] = [table]
    batches = [
        {"row": np.array([r for r, _ in rows[sl]], dtype=np.int64), "part": np.array([b for _, b in rows[sl]], object)}
        for sl in split(rng, len(rows))
    ]
    nd = neardup_params(options)
    bands = concat([g.band_rows(b, nd.bands, buckets) for b in batches])
    names = concat([g.name_rows(b, buckets) for b in batches])
    sources = [g.lsh_task(b, holder, n, nd.max_bucket, nd.threshold, buckets) for b in by_bucket(bands)]
    sources += [g.posting_task(b, n, options.max_posting, buckets) for b in by_bucket(names)]
    for kind, block in (("words", g.SPARSE_BLOCK), ("lead", g.DENSE_BLOCK)):
        spans = {"start": np.arange(0, n, block), "end": np.minimum(np.arange(0, n, block) + block, n)}
        sources.append(g.neighbour_task(spans, holder, kind, options.neighbours, buckets))
    cand = concat(sources)
    return table, np.unique(cand["code"]), scored_edges(cand, holder, n, options, rng)


def test_the_tasks_leave_a_driver_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run outside a Ray worker (here, or in a driver process with Ray imported), the tasks must not turn forking
    and threads off for the rest of the process: only a Ray worker gets one process and one thread."""
    import ray  # imported, as in a driver, but this process is no Ray worker

    assert ray is not None
    monkeypatch.delenv("STORYTRACE_WORKERS", raising=False)
    monkeypatch.delenv("STORYTRACE_THREADS", raising=False)
    arts, facts, vecs = pile(3, 12)
    run_tasks(arts, facts, vecs, StoryOptions(), 3)
    assert "STORYTRACE_WORKERS" not in os.environ
    assert "STORYTRACE_THREADS" not in os.environ


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60))
def test_parts_made_batch_by_batch_give_the_pile_features(seed: int, n: int) -> None:
    arts, facts, vectors = pile(seed, n)
    whole = build_features(arts, facts, vectors)
    rng = np.random.default_rng(seed)
    parts = [p for sl in split(rng, n) for p in feature_parts(arts[sl], facts, vectors)]
    made = features_from_parts(parts)
    for name in ("words", "names", "places", "dates", "words_idf", "names_idf"):
        a, b = getattr(whole, name), getattr(made, name)
        assert a.shape == b.shape and np.array_equal(a.indptr, b.indptr), name
        assert np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data), name
    for name in ("has_dates", "lead", "published", "has_places", "has_lead", "words_mass", "names_mass"):
        assert np.array_equal(getattr(whole, name), getattr(made, name), equal_nan=True), name
    assert (made.name_keys, made.date_keys, made.name_columns) == (whole.name_keys, whole.date_keys, whole.name_columns)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(2, 60))
def test_the_tasks_find_the_pile_candidates_scores_and_stories(seed: int, n: int) -> None:
    options = StoryOptions()
    arts, facts, vectors = pile(seed, n)
    f = build_features(arts, facts, vectors, options.lead_sentences)
    cand = _candidates(arts, f, options)
    table, codes, scored = run_tasks(arts, facts, vectors, options, seed)
    # every source's candidates, each pair once
    assert np.array_equal(candidate_pairs([codes], n), cand)
    # the same scores, bit for bit, for the pairs that reach the floor
    p = DEFAULT_MODEL.score(pair_features(f, cand[:, 0], cand[:, 1], DEFAULT_MODEL))
    keep = p >= options.link_floor
    order = np.lexsort((scored["j"], scored["i"]))
    assert np.array_equal(np.stack([scored["i"], scored["j"]], 1)[order], cand[keep])
    assert np.array_equal(scored["p"][order], p[keep])
    # the components' clusters, a random batch of components at a time, are the pile's partition
    rng = np.random.default_rng(seed + 2)
    # the edges in any batches, as the score tasks' blocks reach the components task
    edge_batches = [(scored["i"][sl], scored["j"][sl], scored["p"][sl]) for sl in split(rng, len(scored["p"]))]
    singles, leaves, n_edges = g.components_of(edge_batches, n, options.link_floor)
    assert n_edges == int(keep.sum())
    groups = list(singles)
    for sl in split(rng, len(leaves)):
        batch = {"rows": np.array([dumps(leaf) for leaf in leaves[sl]], dtype=object)}
        groups += [g.loads(b) for b in g.cluster_task(batch, [table], options.threshold, options.merge_small)["group"]]
    expected = partition(f, cand, DEFAULT_MODEL, options.threshold, options.link_floor, merge_small=options.merge_small)
    assert sorted(sorted(x) for x in groups) == expected
    # each story described from its own rows of the shared table: the headline and ties group_stories gives
    stories = {tuple(s.articles): s for s in group_stories(arts, facts, vectors, options)}
    for rows in expected:
        members = [arts[r] for r in rows]
        view = with_keys(table.view(np.asarray(rows)), members, facts)
        (sg,) = describe([list(range(len(rows)))], view, members, facts, vectors, options)
        assert sg == stories[tuple(a.id for a in members)]


def test_a_story_view_keeps_the_pile_weights_and_keys() -> None:
    arts, facts, vectors = pile(7, 30)
    f = build_features(arts, facts, vectors)
    rows = np.array([2, 5, 11, 12, 29])
    stripped = dataclasses.replace(f, ids=[], titles=[], name_keys=None, date_keys=None, name_columns=None)
    view = with_keys(select_rows(stripped, rows, ids=[arts[r].id for r in rows]), [arts[r] for r in rows], facts)
    full = select_rows(f, rows)
    assert view.name_keys == full.name_keys and view.date_keys == full.date_keys and view.titles == full.titles
    assert full.name_columns is not None and view.name_columns is not None
    assert all(view.name_columns[k] == full.name_columns[k] for keys in full.name_keys or [] for k in keys)
    i, j = np.triu_indices(len(rows), 1)
    assert np.array_equal(pair_features(view, i, j), pair_features(f, rows[i], rows[j]))
