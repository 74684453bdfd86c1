"""Sources an article cites (claims stage) and credit on reuse (reuse stage), on short made-up articles read by the
real ingest, parsed by the real spaCy model, and through the real pipeline and store."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CORPUS
from storytrace.claims import extract_facts
from storytrace.claims.sources import same_source, source_name
from storytrace.dossier import dossier_json, validate
from storytrace.ingest import read_inputs
from storytrace.pipeline import analyze
from storytrace.records import Article, Reuse, SourceCited
from storytrace.reuse.credit import credited
from storytrace.store import open_store

# One short article per pattern: name -> (file body, [(name, kind)] it must cite, exactly, in order).
CASES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "dateline-ap": (
        "LISBON (AP) — Trams stopped running across the city on Monday after a power failure at a substation.",
        [("Associated Press", "wire")],
    ),
    "dateline-reuters": (
        "OSLO (Reuters) - The central bank kept its main interest rate unchanged on Thursday, as expected.",
        [("Reuters", "wire")],
    ),
    "credit-line": (
        "The mine at Dovrik closed after a tunnel flooded overnight, the operator said on Monday.\n\n"
        "Reuters contributed to this report.",
        [("Reuters", "wire")],
    ),
    "according-to-channel": (
        "Two hikers were rescued from the ridge on Sunday evening, according to Channel 9.",
        [("Channel 9", "outlet")],
    ),
    "first-reported": (
        "The Lakeside Tribune first reported the plan to close the ferry terminal last week.",
        [("Lakeside Tribune", "outlet")],
    ),
    "local-media": (
        "Local media reported that three people were hurt when the roof of the market hall gave way.",
        [("local media", "media")],
    ),
    "told-the-bbc": (
        "The mayor told the BBC that the bridge would reopen before the end of the month.",
        [("BBC", "outlet")],
    ),
    "excerpt-published-by": (
        "In an excerpt published by the Gazette, the former minister describes the night the dam failed.",
        [("Gazette", "outlet")],
    ),
    "report-by-agency": (
        "A report by the UN agency found that 40 villages had lost their only source of clean water.",
        [("UN agency", "agency")],
    ),
    "court-documents": (
        "Court documents show the company owed its suppliers more than two million dollars.",
        [("court documents", "document")],
    ),
    "spokesman-for-body": (
        "According to a spokesman for the coastguard, two crew members were still missing on Tuesday.",
        [("coastguard", "agency")],
    ),
    "named-person-not-quoted": (
        "According to Ines Duarte, the depot will reopen in May after the repairs.",
        [("Ines Duarte", "person")],
    ),
    "the-newspaper-after-a-name": (
        "The man was arrested on Friday, as first reported by The Times. The newspaper said he was 40 years old.",
        [("Times", "outlet"), ("Times", "outlet")],
    ),
    "state-television": (
        "The ferry sank within minutes of leaving the port, state television said on Saturday.",
        [("state television", "media")],
    ),
    # not sources
    "outlet-as-subject": (
        "The Lakeside Tribune fired its editor on Tuesday after a row over the paper's coverage of the strike.",
        [],
    ),
    "owner-of-station": (
        "The station's owner said the transmitter tower was safe and would stay in service.",
        [],
    ),
    "quote-speaker": (
        "“We will rebuild the school before winter,” according to Mayor Ines Duarte.",
        [],
    ),
    "citation-inside-a-quote": (
        "“According to the BBC, we are finished, but we are not,” the club's chairman told supporters.",
        [],
    ),
    "according-to-plan": (
        "The count went ahead according to the schedule, and the board will study a report by two engineers.",
        [],
    ),
    "own-scoop": (
        "Northvale Daily has learned that investigators suspect the fire at the depot was started deliberately.",
        [],
    ),
}

# One article whose outlet is known: its own name in its text is the paper speaking of itself.
SELF = {
    "title": "Depot fire under investigation",
    "outlet": "Lakeside Tribune",
    "text": "A warehouse worker told the Tribune that the alarm did not sound. Police told this newspaper they had "
    "opened an inquiry.",
}


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Article, list[SourceCited]]]:
    folder = tmp_path_factory.mktemp("sources")
    for name, (body, _) in CASES.items():
        (folder / f"{name}.txt").write_text(body + "\n", encoding="utf-8")
    (folder / "self.json").write_text(json.dumps(SELF), encoding="utf-8")
    articles, skipped = read_inputs([str(folder)])
    assert not skipped
    facts = extract_facts(articles)
    return {Path(a.origin).stem: (a, f.sources_cited) for a, f in zip(articles, facts, strict=True)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_sources_cited(cited: dict[str, tuple[Article, list[SourceCited]]], case: str) -> None:
    _, sources = cited[case]
    assert [(s.name, s.kind) for s in sources] == CASES[case][1]


def test_a_dateline_tag_and_a_credit_line_point_outside_the_text(cited) -> None:
    article, sources = cited["dateline-ap"]
    assert article.dateline == "LISBON (AP)"
    assert [(s.text, s.sentence) for s in sources] == [("(AP)", [])]
    article, sources = cited["credit-line"]
    assert "contributed" not in article.text and article.credits == ["Reuters"]
    assert [(s.text, s.sentence) for s in sources] == [("Reuters", [])]


def test_each_source_points_at_the_words_that_cite_it(cited) -> None:
    for article, sources in cited.values():
        for s in sources:
            if s.sentence == []:
                fields = [article.dateline or "", article.byline or "", article.title or "", *article.credits]
                assert any(s.text in f for f in fields), (article.origin, s)
            else:
                assert isinstance(s.sentence, int)
                assert s.text in article.sentence_text(s.sentence), (article.origin, s)


def test_the_second_mention_is_its_own_sentence(cited) -> None:
    _, sources = cited["the-newspaper-after-a-name"]
    assert [(s.text, s.sentence) for s in sources] == [
        ("reported by The Times", 0),
        ("The newspaper said", 1),
    ]


def test_the_articles_own_outlet_is_not_a_source(cited) -> None:
    article, sources = cited["self"]
    assert article.outlet == "Lakeside Tribune"
    assert sources == []


HEADLINES = {
    # a headline citing a paper: the source, at no sentence of the text
    "cites.json": (
        "The couple have split, their agent told the Lakeside Tribune",
        "Coastal Herald",
        [("Lakeside Tribune", "outlet")],
    ),
    # the article's own outlet in its headline is no source, and words in quote marks are the speaker's
    "own.json": ("Mayor tells the Lakeside Tribune: bridge to reopen", "Lakeside Tribune", []),
    "quoted.json": ("“According to the Tribune” row goes on", "Coastal Herald", []),
}


def test_a_headline_cites_as_the_text_does(tmp_path: Path) -> None:
    for name, (title, outlet, _) in HEADLINES.items():
        record = {"title": title, "outlet": outlet, "text": "The couple married in 2015 and have two children."}
        (tmp_path / name).write_text(json.dumps(record), encoding="utf-8")
    articles, _ = read_inputs([str(tmp_path)])
    facts = extract_facts(articles)
    for article, f in zip(articles, facts, strict=True):
        want = HEADLINES[Path(article.origin).name][2]
        assert [(s.name, s.kind) for s in f.sources_cited] == want, article.title
        assert all(s.sentence == [] and s.text in (article.title or "") for s in f.sources_cited)


@given(st.text(max_size=40))
def test_source_name_is_a_fixed_point(text: str) -> None:
    once = source_name(text)
    assert source_name(once) == once


@given(st.text(max_size=30), st.text(max_size=30))
def test_same_source_is_symmetric(a: str, b: str) -> None:
    assert same_source(a, b) == same_source(b, a)


def test_source_names_normalise_articles_possessives_and_wire_aliases() -> None:
    assert source_name("the AP's") == "Associated Press"
    assert source_name("The Associated Press") == "Associated Press"
    assert source_name("AFP") == source_name("Agence France Presse") == "Agence France-Presse"
    assert source_name("The Harbour Herald's") == "Harbour Herald"
    assert same_source("the Herald", "Coastal Herald") and not same_source("News", "Coastal News")
    assert not same_source("Tribune", "Lakeside Times")


# --------------------------------------------------------------------------------------------------------------------
# Credit on reuse, through the real pipeline

WIRE_TEXT = (
    "Trams stopped running across Corvina on Monday after a fire at the Estrela substation cut power to the whole "
    "network, the city transport company said. "
    "About 40,000 passengers were stranded at the morning rush hour, and buses were sent to cover the busiest lines. "
    "Engineers restored power to the northern lines by noon, but the southern lines stayed closed all afternoon. "
    "The substation, built in 1971, was due to be replaced next year under a 12 million euro upgrade plan. "
    '"We apologise to everyone who was late for work today," company director Marta Leal told reporters. '
    "Firefighters said the blaze started in a transformer and was put out within an hour. "
    "Nobody was hurt, and the cause of the fire is being investigated by the city's fire service. "
    "The company said full service should resume on Tuesday morning."
)


# the wire story less its last sentence, and less its last two (each text is its own article: ids hash the text)
SHORTER = ". ".join(WIRE_TEXT.split(". ")[:-1]) + "."
SHORTEST = ". ".join(WIRE_TEXT.split(". ")[:-2]) + "."


def _json(folder: Path, name: str, **fields: Any) -> None:
    (folder / name).write_text(json.dumps(fields) + "\n", encoding="utf-8")


def _links(folder: Path) -> tuple[dict[str, Any], dict[str, str]]:
    dossier = analyze([str(folder)])
    data = json.loads(dossier_json(dossier))
    validate(data)
    names = {a["id"]: Path(a["origin"]).name for a in data["articles"]}
    return data, {f"{names[r['from']]} -> {names[r['to']]}": r["credited"] for s in data["stories"] for r in s["reuse"]}


def test_credited_true_and_false_through_the_pipeline(tmp_path: Path) -> None:
    _json(
        tmp_path,
        "wire.json",
        title="Substation fire halts Corvina trams",
        outlet="Associated Press",
        published="2024-05-06T09:00:00",
        text=f"CORVINA, Portugal (AP) — {WIRE_TEXT}",
    )
    _json(
        tmp_path,
        "credits.json",
        title="Corvina trams halted by fire",
        outlet="Lakeside Tribune",
        published="2024-05-06T13:00:00",
        text=f"{SHORTER}\n\nThe Associated Press contributed to this report.",
    )
    _json(
        tmp_path,
        "silent.json",
        title="Fire stops Corvina trams",
        outlet="Hillview Post",
        published="2024-05-06T15:00:00",
        text=SHORTEST,
    )
    data, links = _links(tmp_path)
    assert links == {"wire.json -> credits.json": True, "wire.json -> silent.json": False}
    by_origin = {Path(a["origin"]).name: a for a in data["articles"]}
    assert [(s["name"], s["kind"], s["text"]) for s in by_origin["credits.json"]["sources_cited"]] == [
        ("Associated Press", "wire", "The Associated Press")
    ]
    assert by_origin["silent.json"]["sources_cited"] == []


def test_credited_is_none_when_the_source_has_no_name(tmp_path: Path) -> None:
    # a blog with no outlet, timed earlier; a paper takes its text hours later
    _json(tmp_path, "blog.json", title="Trams stop in Corvina", published="2024-05-06T09:00:00", text=WIRE_TEXT)
    _json(
        tmp_path,
        "paper.json",
        title="Corvina trams stop",
        outlet="Hillview Post",
        published="2024-05-06T15:00:00",
        text=SHORTER,
    )
    _, links = _links(tmp_path)
    assert links == {"blog.json -> paper.json": None}


def test_store_dossiers_carry_sources_cited(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(CASES["told-the-bbc"][0] + "\n", encoding="utf-8")
    with open_store(tmp_path / "s.db") as store:
        report = store.ingest([str(folder)])
        dossier = store.dossier()
        assert [(s.name, s.kind) for s in dossier.articles[0].sources_cited] == [("BBC", "outlet")]
        assert store.get_article(report.added[0]).sources_cited == dossier.articles[0].sources_cited
        validate(json.loads(dossier_json(dossier)))


# --------------------------------------------------------------------------------------------------------------------
# The example corpus: its gold sources and credit (examples/harbour-fire/EXPECTED.json)


def test_example_corpus_sources_cited(corpus_dossier, corpus_expected, corpus_ids) -> None:
    articles = {a.id: a for a in corpus_dossier.articles}
    want: dict[str, set[tuple[str, str]]] = {f: set() for f in corpus_expected["articles"]}
    for s in corpus_expected["sources_cited"]:
        want[s["file"]].add((s["name"], s["kind"]))
    for file, pairs in want.items():
        got = {(s.name, s.kind) for s in articles[corpus_ids[file]].sources_cited}
        assert got == pairs, file
    for s in corpus_expected["sources_cited"]:
        assert s["contains"] in html.unescape((CORPUS / s["file"]).read_text(encoding="utf-8")), s
    for n in corpus_expected["not_sources"]:
        article = articles[corpus_ids[n["file"]]]
        assert n["contains"] in article.text, n
        for s in article.sources_cited:
            assert not (s.sentence != [] and s.text in n["contains"]), (n, s)


def test_example_corpus_credit(corpus_dossier, corpus_expected, corpus_ids) -> None:
    links = {(r.source, r.derived): r.credited for s in corpus_dossier.stories for r in s.reuse}
    for c in corpus_expected["credited"]:
        pair = (corpus_ids[c["from"]], corpus_ids[c["to"]])
        assert pair in links, c
        assert links[pair] is c["credited"], c


def _article(aid: str, outlet: str | None = None, dateline: str | None = None, text: str = WIRE_TEXT, **kw) -> Article:
    return Article(id=aid, origin=kw.pop("origin", aid), origins=[], text=text, outlet=outlet, dateline=dateline, **kw)


def test_credit_rules_for_undecided_links_own_copy_and_links() -> None:
    a = _article("a", outlet="Lakeside Tribune", dateline="CORVINA (AP)")
    b = _article("b", outlet="Hillview Post", credits=["The Associated Press"])
    c = _article("c", outlet="Hillview Post")
    arts = {x.id: x for x in (a, b, c)}
    both = Reuse("a", "b", "copy", 0.9, "undecided", common_source="Associated Press")
    assert credited(both, arts, {}) is True  # both name the wire they are two runs of
    assert credited(Reuse("a", "c", "copy", 0.9, "undecided"), arts, {}) is None  # no arrow, no common source
    assert credited(Reuse("b", "c", "copy", 0.9), arts, {}) is None  # one outlet's own copy
    assert credited(Reuse("a", "c", "copy", 0.9), arts, {}) is False
    blog = _article("d", origin="https://tribune.example/2024/05/06/trams", outlet="Lakeside Tribune")
    linking = _article("e", text=WIRE_TEXT + " Source: tribune.example/2024/05/06/trams")
    arts = {x.id: x for x in (blog, linking)}
    assert credited(Reuse("d", "e", "rewrite", 0.7), arts, {}) is True
