"""Every finding says why: story ties, reuse reasons with their sentences, claim status rules, and `storytrace
explain` over a dossier file and over a database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from explain_samples import INDEPENDENT, OTHER_EVENT, REWRITE, WIRE, write
from storytrace.cli import app
from storytrace.dossier import dossier_json, validate
from storytrace.embed import embed_articles
from storytrace.ingest import split_sentences
from storytrace.pipeline import analyze
from storytrace.records import Article, Dossier, Story
from storytrace.reuse import find_reuse
from storytrace.stories import group_stories
from storytrace.stories.ties import condensed_pair, spanning_pairs

runner = CliRunner()


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pile")
    for name, article in (("wire", WIRE), ("rewrite", REWRITE), ("independent", INDEPENDENT), ("other", OTHER_EVENT)):
        write(folder, name, article)
    return folder


@pytest.fixture(scope="module")
def dossier(pile: Path) -> Dossier:
    return analyze([str(pile)])


def by_outlet(dossier: Dossier) -> dict[str, str]:
    return {a.outlet or "": a.id for a in dossier.articles}


def landslide(dossier: Dossier) -> Story:
    return max(dossier.stories, key=lambda s: len(s.articles))


def text_of(dossier: Dossier, article: str, sentence: int | list[int]) -> str:
    a = next(x for x in dossier.articles if x.id == article)
    return " ".join(a.sentence_text(i) for i in (sentence if isinstance(sentence, list) else [sentence]))


def test_ties_say_what_tied_the_story(dossier: Dossier) -> None:
    ids = by_outlet(dossier)
    story = landslide(dossier)
    assert set(story.articles) == {ids["Reuters"], ids["Lakeside Tribune"], ids["Highland Ledger"]}
    # a spanning tree: n - 1 ties that reach every article
    assert len(story.ties) == len(story.articles) - 1
    graph = nx.Graph([tuple(t.articles) for t in story.ties])
    assert set(graph.nodes) == set(story.articles) and nx.is_connected(graph)
    tie = next(t for t in story.ties if set(t.articles) == {ids["Reuters"], ids["Lakeside Tribune"]})
    assert tie.articles == sorted(tie.articles)
    assert tie.score >= 0.75 and 0 < tie.words <= 1
    assert "Marta Quell" in tie.names
    assert any(f.startswith("1,400") for f in tie.figures)
    assert tie.days_apart == 0
    # each passage points at two sentences that say the same thing
    assert tie.passages
    first, second = tie.articles
    for p in tie.passages:
        assert p.similarity >= 0.75
        a, b = text_of(dossier, first, p.first_sentence), text_of(dossier, second, p.second_sentence)
        assert set(a.lower().split()) & set(b.lower().split()) - {"the", "a", "and", "of", "to"}
    # the single-article story has nothing to tie
    (alone,) = [s for s in dossier.stories if len(s.articles) == 1]
    assert alone.ties == []


def test_ties_round_trip_and_validate(dossier: Dossier) -> None:
    data = json.loads(dossier_json(dossier))
    validate(data)
    assert Dossier.from_dict(data).to_dict() == data
    story = next(s for s in data["stories"] if len(s["articles"]) == 3)
    assert story["ties"] and {"articles", "score", "names", "figures", "dates", "passages"} <= set(story["ties"][0])


def test_reuse_reasons_point_to_what_they_rest_on(dossier: Dossier) -> None:
    ids = by_outlet(dossier)
    (link,) = landslide(dossier).reuse
    assert (link.source, link.derived, link.direction) == (ids["Reuters"], ids["Lakeside Tribune"], "decided")
    assert [g.reason for g in link.grounds] == link.reasons
    credit = next(g for g in link.grounds if "credits Reuters" in g.reason)
    assert [(f.article, f.field) for f in credit.fields] == [(ids["Lakeside Tribune"], "credits")]
    wire = next(g for g in link.grounds if "wire copy" in g.reason)
    assert [(f.article, f.field, f.value) for f in wire.fields] == [(ids["Reuters"], "outlet", "Reuters")]
    names = next(g for g in link.grounds if "unnamed" in g.reason)
    assert names.sentences and all("Oram" in text_of(dossier, s.article, s.sentence) for s in names.sentences)


def _article(name: str, text: str, **meta: object) -> Article:
    return Article(
        id=hashlib.sha256(name.encode()).hexdigest()[:16],
        origin=name,
        origins=[name],
        text=text,
        sentences=split_sentences(text),
        **meta,  # type: ignore[arg-type]
    )


def test_a_credit_in_the_text_points_at_its_sentence() -> None:
    wire_text = WIRE["text"].split(" - ", 1)[1]
    source = _article("wire", wire_text, outlet="Reuters")
    paper_text = (
        "The village of Altbrook was cut off on Tuesday, according to Reuters. " + REWRITE["text"].split("\n\n", 1)[1]
    )
    paper = _article("paper", paper_text.replace("Reuters contributed to this report.", ""), outlet="Lakeside Tribune")
    vectors = embed_articles([source, paper])
    (link,) = find_reuse([source, paper], vectors, {})
    assert (link.source, link.derived) == (source.id, paper.id)
    credit = next(g for g in link.grounds if g.reason.endswith("credits Reuters in its text"))
    assert [(s.article, s.sentence) for s in credit.sentences] == [(paper.id, 0)]
    assert "according to Reuters" in paper.sentence_text(0)


def test_claim_status_says_its_rule(dossier: Dossier) -> None:
    story = landslide(dossier)
    words = {"corroborated": "corroborated:", "single_source": "single source:", "unsupported_addition": "added:"}
    for claim in story.claims:
        assert claim.reason and claim.reason.startswith(words[claim.status]), claim
    corroborated = next(c for c in story.claims if c.status == "corroborated")
    assert corroborated.reason is not None
    assert "Highland Ledger" in corroborated.reason and "Reuters" in corroborated.reason


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9), st.integers(0, 2**31 - 1), st.booleans())
def test_spanning_pairs_are_a_maximum_spanning_tree(n: int, seed: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    sim = rng.random(n * (n - 1) // 2)
    if ties:
        sim = np.round(sim, 1)  # many equal scores: the tree must still span and be maximal
    picked = spanning_pairs(sim, n)
    a, b = condensed_pair(picked, n)
    assert len(set(picked.tolist())) == n - 1 and np.all(a < b)
    tree = nx.Graph(list(zip(a.tolist(), b.tolist(), strict=True)))
    assert set(tree.nodes) == set(range(n)) and nx.is_tree(tree)
    full = nx.Graph()
    ia, ib = np.triu_indices(n, 1)
    for x, y, w in zip(ia.tolist(), ib.tolist(), sim.tolist(), strict=True):
        full.add_edge(x, y, weight=w)
    best = nx.maximum_spanning_tree(full).size(weight="weight")
    assert float(sim[picked].sum()) == pytest.approx(best)
    assert np.array_equal(spanning_pairs(sim, n), picked)  # deterministic


def test_ties_do_not_depend_on_input_order(dossier: Dossier) -> None:
    from storytrace.claims import extract_facts

    arts = list(dossier.articles)
    facts = {f.article: f for f in extract_facts(arts)}
    vectors = embed_articles(arts)
    forward = group_stories(arts, facts, vectors)
    backward = group_stories(arts[::-1], facts, vectors)
    assert [g.ties for g in forward] == [g.ties for g in backward]
    assert any(g.ties for g in forward)


# --------------------------------------------------------------------------------------------------------------------
# the command


def test_explain_a_dossier_file(dossier: Dossier, tmp_path: Path) -> None:
    path = tmp_path / "dossier.json"
    path.write_text(dossier_json(dossier), encoding="utf-8")
    story = landslide(dossier)
    result = runner.invoke(app, ["explain", story.id, "--dossier", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    for heading in ("Why these articles are one story", "Who took from whom", "Claims and their status", "Conflicts"):
        assert heading in out
    assert "Marta Quell" in out and "Lakeside Tribune took from Reuters" in out
    assert "because the derived article credits Reuters" in out
    assert "rule: corroborated: 2 independent source groups" in out


def test_explain_from_the_database(pile: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    assert runner.invoke(app, ["ingest", str(pile), "--db", db, "--quiet"]).exit_code == 0
    from storytrace.store import open_store

    with open_store(db) as store:
        story = max(store.list_stories(), key=lambda s: s.n_articles)
    result = runner.invoke(app, ["explain", story.id, "--db", db])
    assert result.exit_code == 0, result.output
    assert "Why these articles are one story" in result.output and "score" in result.output
    assert "Lakeside Tribune took from Reuters" in result.output


def test_explain_errors_are_one_line(dossier: Dossier, tmp_path: Path) -> None:
    good = tmp_path / "dossier.json"
    good.write_text(dossier_json(dossier), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"schema": "storytrace/dossier@1"}', encoding="utf-8")
    cases = [
        (["explain", "s-nope", "--dossier", str(good)], "no story s-nope in"),
        (["explain", "s-nope", "--dossier", str(bad)], f"{bad}: not JSON at line 1"),
        (["explain", "s-nope", "--dossier", str(wrong)], f"{wrong}: dossier does not match"),
        (["explain", "s-nope", "--dossier", str(tmp_path / "missing.json")], "missing.json: no such file"),
        (["explain", "s-nope", "--db", str(tmp_path / "none.db")], "no database at"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        text = " ".join(result.output.split())  # the console wraps a long line at its width; the message is one
        assert result.exit_code == 2, (args, result.output)
        assert text.startswith("error: ") and text.count("error:") == 1 and message in text, (args, result.output)
        assert "Traceback" not in text


def test_explain_escapes_hostile_text(dossier: Dossier, tmp_path: Path) -> None:
    data = json.loads(dossier_json(dossier))
    story = next(s for s in data["stories"] if len(s["articles"]) == 3)
    hostile = "\x1b]0;owned\x07\x1b[2J[bold red]Evil[/bold red]\u202e"
    story["ties"][0]["names"].append(hostile)
    for article in data["articles"]:
        if article["id"] in story["articles"]:
            article["outlet"] = hostile + article["outlet"]
    story["claims"][0]["reason"] = hostile
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["explain", story["id"], "--dossier", str(path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "\\x1b]0;owned\\x07\\x1b[2J[bold red]Evil[/bold red]\\u202e" in result.output
