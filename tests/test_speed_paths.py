"""The fast paths give what the plain ones give: lead-first embedding, vectors completed only where a story has two
articles, compared texts embedded upstream, and parsing over forked workers (docs/speed.md)."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.claims import extract_facts
from storytrace.claims.clauses import claim_parts, clause_spans, compared_texts
from storytrace.embed import complete_vectors, embed, embed_articles
from storytrace.forking import fork_workers
from storytrace.ingest import read_inputs, split_sentences
from storytrace.options import ClaimOptions, Options
from storytrace.pipeline import analyze_articles, complete_stories, no_progress, parse_articles, story_isolated
from storytrace.records import Article
from storytrace.stories import group_stories

# a report that shares no story with the example corpus: a story of one article, longer than its lead
LONE = (
    "The regional rail operator will raise fares by four percent from the first of June, its chief executive said "
    "on Wednesday.\n\nThe increase follows two years of frozen prices and a rise in the cost of electricity for the "
    "trains, the operator said in a statement.\n\nCommuter groups said the rise would hit part-time workers "
    "hardest, since season tickets are discounted only for five days a week.\n\nThe operator carried 41 million "
    "passengers last year, up from 37 million the year before, and plans to order 12 new trains by 2027."
)


def lone_article() -> Article:
    return Article(
        id="lone-rail-fares", origin="lone.txt", origins=["lone.txt"], text=LONE, sentences=split_sentences(LONE),
        published="2025-03-12", title="Rail fares to rise by four percent",
    )  # fmt: skip


@pytest.fixture(scope="module")
def pile(corpus_dir) -> list[Article]:
    articles, skipped = read_inputs([str(corpus_dir)])
    assert not skipped
    return [*articles, lone_article()]


def test_lead_first_gives_the_stories_full_embedding_gives(pile: list[Article]) -> None:
    options = Options()
    fast = analyze_articles(pile, options)
    # the plain path: every sentence embedded before grouping, the cross-check embedding its own compared texts
    arts, facts, vectors = parse_articles(pile, options, no_progress, [])
    by_id = {a.id: a for a in arts}
    plain = [story_isolated(g, by_id, facts, vectors, options, []) for g in group_stories(arts, facts, vectors)]
    assert [s.to_dict() for s in fast] == [s.to_dict() for s in plain if s is not None]
    assert any(len(s.articles) == 1 for s in fast) and any(len(s.articles) > 1 for s in fast)


OTHERS = [
    "The city library will open on Sundays from April, the council said on Monday. The change costs 80,000 euros a "
    "year and was approved after a petition signed by 3,000 readers.",
    "Defender Marco Lenz has joined Rapid Vienna from Sturm Graz on a three-year contract, the club said. The fee "
    "was not disclosed; Lenz played 112 league games for Graz.",
    "A trial of a new malaria vaccine in Ghana protected 77 percent of children over one year, researchers wrote in "
    "The Lancet on Friday. The shot needs three doses and a booster.",
    "The Elbe bridge at Dresden will close to cars for six weeks from May 2 for repairs to its steel joints, the "
    "city's roads office said. Trams and cyclists can still cross.",
    "Nordvik Telecom launched a satellite phone plan for hikers on Tuesday, priced at 19 euros a month. The company "
    "expects 40,000 customers in its first year.",
]


def test_stories_analysed_over_forked_processes_are_the_same(pile: list[Article]) -> None:
    more = [
        Article(id=f"other-{k}", origin=f"other-{k}.txt", origins=[f"other-{k}.txt"], text=t,
                sentences=split_sentences(t))
        for k, t in enumerate(OTHERS)
    ]  # fmt: skip
    alone, forked = [], []
    one = analyze_articles([*pile, *more], Options(processes=1), skipped=alone)
    two = analyze_articles([*pile, *more], Options(processes=2), skipped=forked)
    assert len(two) >= 8  # enough stories for two processes
    assert [s.to_dict() for s in two] == [s.to_dict() for s in one]
    assert forked == alone


def test_only_articles_that_share_a_story_are_embedded_whole(pile: list[Article]) -> None:
    options = Options()
    lead = options.stories.lead_sentences
    arts, facts, vectors = parse_articles(pile, options, no_progress, [], lead=lead)
    assert all(len(v) == min(lead, len(by.sentences)) for v, by in zip(vectors.values(), arts, strict=True))
    kept, groups, texts = complete_stories(arts, facts, vectors, options, no_progress, [])
    story_of = {a: g for g in groups for a in g.articles}
    for a in kept:
        alone = len(story_of[a.id].articles) == 1
        assert len(vectors[a.id]) == (min(lead, len(a.sentences)) if alone else len(a.sentences))
    shared = {t for a in kept if len(story_of[a.id].articles) > 1 for t in compared_texts(a, facts[a.id])}
    assert shared and shared <= set(texts)
    assert "lone-rail-fares" in story_of and len(story_of["lone-rail-fares"].articles) == 1


def test_completed_vectors_are_the_full_embedding(pile: list[Article]) -> None:
    some = pile[:4]
    full = embed_articles(some)
    leads = embed_articles(some, lead=2)
    extra = ["a clause of some claim", "the first of two events", "a clause of some claim"]
    completed, vecs = complete_vectors(some, leads, extra)
    for a in some:
        assert np.array_equal(completed[a.id], full[a.id])
    assert sorted(vecs) == sorted(set(extra))
    assert np.array_equal(np.stack([vecs[t] for t in extra]), embed(extra))


def test_a_sentence_has_one_vector_whatever_it_is_batched_with() -> None:
    texts = [LONE[s:e] for s, e in split_sentences(LONE)]
    together = embed([*texts, "A much longer sentence " * 20, "Short."], batch_size=3)
    for k, t in enumerate(texts):
        assert np.array_equal(embed([t])[0], together[k])


def test_forked_parsing_gives_the_facts_one_process_gives(pile: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYTRACE_WORKERS", raising=False)  # the environment may carry a Ray worker's setting
    batch = [dataclasses.replace(a, id=f"{a.id}-{k}") for k in range(2) for a in pile]
    assert fork_workers(2, len(batch), 4) == 2
    one = extract_facts(batch, ClaimOptions(n_process=1))
    two = extract_facts(batch, ClaimOptions(n_process=2, articles_per_process=4))
    assert [f.to_dict() for f in two] == [f.to_dict() for f in one]


def test_no_fork_outside_the_main_thread_nor_for_a_small_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fork_workers(2, 15, 8) == 1
    assert fork_workers(1, 1000, 8) == 1
    monkeypatch.setenv("STORYTRACE_WORKERS", "1")  # what a Ray worker sets
    assert fork_workers(2, 1000, 8) == 1
    monkeypatch.delenv("STORYTRACE_WORKERS")
    assert fork_workers(2, 1000, 8) == min(2, os.cpu_count() or 1)
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(fork_workers(2, 1000, 8)))
    worker.start()
    worker.join()
    assert seen == [1]


_FORKS: list[int] = []
os.register_at_fork(before=lambda: _FORKS.append(threading.get_ident()))


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing forks anywhere")
def test_the_stories_stage_forks_by_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # MinHash signatures and pair dot products fork their own workers on a big pile: only in the main thread (the
    # web app ingests in worker threads) and not where a Ray worker said one process
    from scipy import sparse

    from storytrace.stories import cluster
    from storytrace.stories.neardup import signatures

    monkeypatch.delenv("STORYTRACE_WORKERS", raising=False)
    texts = [f"report {k} on the harbour budget vote and the {k % 7} council members who spoke" for k in range(1200)]
    matrices = {}
    for k, name in enumerate(cluster._SPARSE):
        matrices[name] = sparse.random(400, 300, density=0.05, format="csr", dtype=np.float32, random_state=k)
        matrices[name].sort_indices()
    features = SimpleNamespace(**matrices)  # the sparse parts of StoryFeatures, all _all_dots reads
    rng = np.random.default_rng(0)
    n = 250_000  # over the 200,000 pairs from which the dot products fork
    i, j = rng.integers(0, 400, n), rng.integers(0, 400, n)
    seqs = [rng.random(n) < 0.5 for _ in cluster._SPARSE]

    def run() -> list[np.ndarray]:
        return [signatures(texts), *cluster._all_dots(features, i, j, seqs)]  # type: ignore[arg-type]

    def forks_of(call: Callable[[], None]) -> int:
        _FORKS.clear()
        call()
        return len(_FORKS)

    main: list[list[np.ndarray]] = []
    assert forks_of(lambda: main.append(run())) >= 2  # both stages forked
    other: list[list[np.ndarray]] = []
    thread = threading.Thread(target=lambda: other.append(run()))
    assert forks_of(lambda: (thread.start(), thread.join())) == 0
    monkeypatch.setenv("STORYTRACE_WORKERS", "1")
    ray_worker: list[list[np.ndarray]] = []
    assert forks_of(lambda: ray_worker.append(run())) == 0
    for got in (other[0], ray_worker[0]):  # the same figures either way
        assert all(np.array_equal(a, b) for a, b in zip(got, main[0], strict=True))


words = st.sampled_from(["ships", "waited", "after", "before", "a", "fire", ",", "and", "which", "the", "port"])


@given(st.lists(words, max_size=40).map(" ".join))
def test_clauses_are_ordered_and_each_a_statement(text: str) -> None:
    spans = clause_spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a <= b <= c for (a, b), (c, _) in pairwise(spans))
    if len(spans) > 1:
        assert all(len(text[a:b].split()) >= 5 for a, b in spans)


def test_a_claim_joining_two_statements_is_compared_by_each(pile: list[Article]) -> None:
    (facts,) = extract_facts([lone_article()])
    parts = {c.id: claim_parts(lone_article(), c) for c in facts.claims}
    split = [p for p in parts.values() if len(p) > 1]
    assert split, "the lone report has a sentence that joins two statements"
    texts = set(compared_texts(lone_article(), facts))
    assert all(p.own_vector and p.text in texts for ps in split for p in ps)
