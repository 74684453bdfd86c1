"""Reuse on the example corpus (examples/harbour-fire): the gold copies, rewrites and partial takes are found with the
right source and kind, and nothing in EXPECTED.json's "not_linked" is linked. Real ingest, claims and embeddings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS
from storytrace.claims import extract_facts
from storytrace.embed import embed_articles
from storytrace.ingest import read_inputs
from storytrace.records import Article, Reuse
from storytrace.reuse import find_reuse, source_groups

META_FILES = {"EXPECTED.json", "EXPECTED.md", "README.md"}


@pytest.fixture(scope="module")
def result() -> tuple[dict[str, Any], dict[str, Article], list[Reuse]]:
    expected = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
    files = sorted(str(p) for p in CORPUS.iterdir() if p.is_file() and p.name not in META_FILES)
    articles, _ = read_inputs(files)
    by_file = {Path(o).name: a for a in articles for o in a.origins}
    facts = {f.article: f for f in extract_facts(articles)}
    vectors = embed_articles(articles)
    links: list[Reuse] = []
    for story in expected["stories"]:
        members = [by_file[f] for f in story if f in by_file]
        links.extend(find_reuse(members, vectors, facts))
    return expected, by_file, links


def _named(by_file: dict[str, Article], links: list[Reuse]) -> set[tuple[str, str, str]]:
    name = {a.id: f for f, a in by_file.items()}
    return {(name[r.source], name[r.derived], r.kind) for r in links}


def test_gold_reuse_found_with_source_and_kind(result):
    expected, by_file, links = result
    got = _named(by_file, links)
    for gold in expected["reuse"]:
        assert (gold["from"], gold["to"], gold["kind"]) in got, (gold, sorted(got))


def test_nothing_else_is_linked(result):
    expected, by_file, links = result
    name = {a.id: f for f, a in by_file.items()}
    pairs = {frozenset((name[r.source], name[r.derived])) for r in links}
    for a, b in expected["not_linked"]:
        assert frozenset((a, b)) not in pairs, (a, b)
    gold = {frozenset((g["from"], g["to"])) for g in expected["reuse"]}
    assert pairs == gold


def test_gold_links_carry_evidence_and_reasons(result):
    _, _, links = result
    for r in links:
        assert r.evidence, r
        assert r.direction == "decided" and r.reasons, r
        assert 0.0 < r.score <= 1.0


def test_source_groups_match_gold(result):
    expected, by_file, links = result
    main = max(expected["stories"], key=len)
    ids = [by_file[f].id for f in main]
    groups = source_groups(ids, links)
    name = {a.id: f for f, a in by_file.items()}
    got = sorted(sorted(name[i] for i in g) for g in groups)
    assert got == sorted(sorted(g) for g in expected["groups"])
