"""Verdicts: one per article of every story, read from what the earlier stages decided.

Small real piles run through ``storytrace.pipeline.analyze`` (real ingest, claims, embeddings, reuse, cross-check):
a wire story and a paper's rewrite of it, two independent reports, a preview and a report, a padded article and a
column, two papers running one wire's copy; the example corpus against EXPECTED.json; and property tests of
``story_verdicts`` over generated records.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from storytrace.claims import extract_facts
from storytrace.crosscheck.context import StoryContext
from storytrace.dossier import dossier_json, validate
from storytrace.ingest import read_inputs
from storytrace.options import VerdictOptions
from storytrace.pipeline import analyze
from storytrace.records import (
    Article,
    ArticleClaim,
    ArticleFacts,
    ArticleQuote,
    ClaimMention,
    Conflict,
    DateMention,
    Dossier,
    NumberMention,
    OffTopic,
    Reuse,
    ReuseEvidence,
    Story,
    StoryClaim,
    StoryFindings,
    StoryGroup,
    StoryQuote,
    Verdict,
)
from storytrace.reuse import source_groups
from storytrace.verdicts import story_verdicts
from storytrace.verdicts.padding import checkable_sentences, padding, sentence_padding
from storytrace.verdicts.timing import story_timing

NOTABLE = 0.35  # VerdictOptions.padding_notable, restated so that a change to it is a deliberate one here too


def _pile(tmp: Path, files: list[str], extra: dict[str, dict[str, str]] | None = None) -> Dossier:
    for name in files:
        shutil.copy(CORPUS / name, tmp / name)
    for name, record in (extra or {}).items():
        (tmp / name).write_text(json.dumps(record), encoding="utf-8")
    dossier = analyze([str(tmp)])
    validate(json.loads(dossier_json(dossier)))
    return dossier


def _by_file(dossier: Dossier) -> dict[str, Verdict]:
    name = {a.id: Path(o.split("#", 1)[0]).name for a in dossier.articles for o in a.origins}
    return {name[v.article]: v for s in dossier.stories for v in s.verdicts}


def _ids(dossier: Dossier) -> dict[str, str]:
    return {Path(o.split("#", 1)[0]).name: a.id for a in dossier.articles for o in a.origins}


def _reuse_score(dossier: Dossier) -> float:
    ((link,),) = [s.reuse for s in dossier.stories]
    return link.score


def test_wire_story_and_a_papers_rewrite(tmp_path: Path) -> None:
    dossier = _pile(tmp_path, ["meridian-press-wire.jsonl", "northshore-daily.txt"])
    ids, got = _ids(dossier), _by_file(dossier)
    wire, paper = got["meridian-press-wire.jsonl"], got["northshore-daily.txt"]
    assert (wire.verdict, wire.source, wire.credited) == ("original", None, None)
    assert "the source of one other article" in wire.summary
    assert (paper.verdict, paper.source, paper.timing) == ("rewrite", ids["meridian-press-wire.jsonl"], "report")
    # the paper names no Meridian Press anywhere; the cross-check finds its arson claim, and its changed Vell quote
    # (speaker unnamed) as words its source never has: unattested here, altered in the whole corpus
    assert paper.credited is False
    assert (paper.counts.added, paper.counts.unattested_quotes, paper.counts.altered_quotes) == (1, 1, 0)
    assert paper.summary == (
        f"Rewrite of the Meridian Press report ({round(100 * _reuse_score(dossier))} % of its text), uncredited; "
        "one claim no source states; one quote no source has."
    )
    # one source group: "corroborated by independent sources" would say nothing
    assert wire.summary == "Original report, the source of one other article."


def test_a_preview_its_copy_and_the_reports(tmp_path: Path) -> None:
    files = ["meridian-press-preview.jsonl", "estland-post.html", "evening-star.txt", "estland-business-review.jsonl"]
    dossier = _pile(tmp_path, files)
    ids, got = _ids(dossier), _by_file(dossier)
    assert got["meridian-press-preview.jsonl"].timing == "preview"
    assert got["meridian-press-preview.jsonl"].summary.startswith("Original preview")
    post = got["estland-post.html"]
    assert (post.verdict, post.source, post.timing) == ("copy", ids["meridian-press-preview.jsonl"], "preview")
    # the day after the meeting, and the evening of it: reports, though both leads look ahead to Monday's reopening
    assert got["evening-star.txt"].timing == "report"
    assert got["estland-business-review.jsonl"].timing == "report"


BRIDGE_REPORT = {
    "outlet": "Riverside Gazette",
    "published": "2024-09-03",
    "title": "Orwell Bridge closed after barge strike",
    "text": "The Orwell Bridge in Hamsford was closed to traffic on Monday after a grain barge struck one of its piers, "
    "the county highways department said.\n\nThe barge, the Marie Louise, hit the central pier at about 6 a.m. while "
    "heading downstream with 900 tonnes of wheat, according to the river police.\n\nNobody was hurt, and the two crew "
    'members were able to moor the barge at Kettle Wharf.\n\n"We will not reopen the bridge until divers have checked '
    'every pier," said highways director Paul Osei.\n\nAbout 22,000 vehicles cross the bridge on a normal weekday, and '
    "drivers face a detour of 14 miles through Brandley.",
}
FRAMING = [
    "It is the kind of morning that nobody in a river town ever wants to see.",
    "For many families, the coming weeks will be a test of patience.",
    "Questions are already being asked, and the answers may take a long time to come.",
    "One thing is certain: life here will not be the same for a while.",
]
BRIDGE_PADDED = {
    "outlet": "Hamsford Today",
    "published": "2024-09-03",
    "title": "Bridge shut as barge hits pier",
    "text": "A barge carrying wheat crashed into a pier of the Orwell Bridge in Hamsford early on Monday, and the county "
    f"shut the crossing to all traffic.\n\n{FRAMING[0]}\n\nHighways director Paul Osei said divers would inspect every "
    f"pier before the bridge reopens.\n\n{FRAMING[1]}\n\n{FRAMING[2]}\n\nThe crossing normally carries about 22,000 "
    f"vehicles a day.\n\n{FRAMING[3]}",
}
BRIDGE_COLUMN = {
    "outlet": "Hamsford Today",
    "published": "2024-09-04",
    "title": "Opinion: our bridge deserves better",
    "text": "I have crossed the Orwell Bridge twice a day for twenty years, and I never once thought about its piers "
    "until Monday.\n\nI think the barge crash should be a wake-up call for everyone who takes this crossing for "
    "granted.\n\nIn my view the county must stop patching and start planning.\n\nWe have known for years that the "
    "river traffic is getting heavier and the barges bigger.\n\nI hope the people in charge are listening, because I "
    "am tired of hearing that there is no money.\n\nMy neighbours feel the same, and I suspect most of you do too.\n\n"
    "It should not take a near disaster to make us care about the things we depend on every day.",
}


@pytest.fixture(scope="module")
def bridge_dossier(tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    tmp = tmp_path_factory.mktemp("bridge")
    extra = {"report.json": BRIDGE_REPORT, "padded.json": BRIDGE_PADDED, "column.json": BRIDGE_COLUMN}
    return _pile(tmp, [], extra)


@pytest.fixture(scope="module")
def bridge(bridge_dossier: Dossier) -> dict[str, Verdict]:
    return _by_file(bridge_dossier)


def test_independent_reports_are_original(bridge_dossier: Dossier, bridge: dict[str, Verdict]) -> None:
    (story,) = bridge_dossier.stories
    assert story.reuse == [] and len(story.groups) == 3
    for name in ("report.json", "padded.json"):
        v = bridge[name]
        assert (v.verdict, v.source, v.credited, v.timing) == ("original", None, None, "report")
        assert v.counts.added == v.counts.altered_quotes == v.counts.unattested_quotes == 0
        assert "of its" in v.summary and "claims corroborated by independent sources" in v.summary


def test_padding_is_the_share_of_text_with_nothing_checkable(bridge: dict[str, Verdict]) -> None:
    report, padded = bridge["report.json"], bridge["padded.json"]
    assert report.padding < 0.1
    # the four framing sentences are padding; every sentence with a name, a figure, a date or a quote is not
    sentences = BRIDGE_PADDED["text"].split("\n\n")  # one sentence a paragraph
    framing = sum(len(s) for s in FRAMING) / sum(len(s) for s in sentences)  # by characters
    assert framing * 0.85 <= padded.padding <= framing * 1.15, (padded.padding, framing)
    assert padded.padding >= NOTABLE and "of its text carries nothing checkable" in padded.summary
    assert "carries nothing checkable" not in report.summary
    assert padded.verdict == report.verdict == "original"


def test_a_column_is_commentary_and_a_padded_report_is_not(bridge: dict[str, Verdict]) -> None:
    column = bridge["column.json"]
    assert (column.verdict, column.source) == ("commentary", None)
    assert column.summary.startswith("Commentary, mostly opinion")
    assert column.timing == "follow-up"  # two days after Monday's strike
    assert bridge["padded.json"].verdict == "original"


AP_TEXT = (
    "GRANTVILLE, Ohio (AP) — State engineers found three cracks in the spillway of the Grantville dam during a "
    "routine inspection on Monday, the Ohio Department of Natural Resources said.\n\nThe dam, built in 1938, holds back "
    "Lake Marra, a reservoir that supplies drinking water to about 45,000 people in Clark County.\n\nInspectors lowered "
    "the lake by two feet as a precaution while they study the damage, department spokeswoman Tara Quill said.\n\nThe "
    "cracks run along the concrete apron below the spillway gates and are between four and nine feet long, according "
    "to the inspection report.\n\nEngineers plan to return with divers on Thursday to examine the underwater section "
    "of the wall.\n\nResidents downstream were told there is no immediate danger, but the county opened an information "
    "line for anyone with questions."
)


def test_two_papers_running_one_wires_copy_name_the_wire(tmp_path: Path) -> None:
    longer = AP_TEXT + "\n\nThe last major repair of the dam was completed in 2009 at a cost of $3.2 million."
    extra = {
        "a.json": {"outlet": "Lakeside Courier", "published": "2024-05-14", "title": "Dam cracks", "text": longer},
        "b.json": {"outlet": "Valley Herald", "published": "2024-05-14", "title": "Cracks at dam", "text": AP_TEXT},
    }
    dossier = _pile(tmp_path, [], extra)
    (story,) = dossier.stories
    assert [r.direction for r in story.reuse] == ["undecided"]  # neither took from the other
    for v in story.verdicts:
        assert (v.verdict, v.source, v.credited) == ("copy", "Associated Press", True)
        assert "the Associated Press story (the common source, not in the pile;" in v.summary


def test_a_wire_item_in_the_pile_is_the_source_by_id(tmp_path: Path) -> None:
    """With the wire's own item in the pile, the papers' source is that article, not the wire's name."""
    paragraphs = AP_TEXT.split("\n\n")
    extra = {
        "wire.json": {"outlet": "Associated Press", "published": "2024-05-13", "title": "Dam", "text": AP_TEXT},
        "a.json": {
            "outlet": "Lakeside Courier",
            "published": "2024-05-14",
            "title": "Dam cracks",
            "text": "\n\n".join(paragraphs[:-1]),
        },
        "b.json": {
            "outlet": "Valley Herald",
            "published": "2024-05-14",
            "title": "Cracks at dam",
            "text": "\n\n".join(paragraphs[:-2] + paragraphs[-1:]),
        },
    }
    dossier = _pile(tmp_path, [], extra)
    ids, got = _ids(dossier), _by_file(dossier)
    assert got["wire.json"].summary == "Original report, the source of 2 other articles."
    for paper in ("a.json", "b.json"):
        assert (got[paper].verdict, got[paper].source) == ("copy", ids["wire.json"]), got[paper]
        assert "the Associated Press report" in got[paper].summary


# ---------------------------------------------------------------------------------------------- the example corpus


def test_example_corpus_verdicts_match_expected(
    corpus_dossier: Dossier, corpus_expected: dict[str, Any], corpus_ids: dict[str, str]
) -> None:
    got = {v.article: v for s in corpus_dossier.stories for v in s.verdicts}
    assert sorted(got) == sorted(a.id for a in corpus_dossier.articles)  # one verdict per article, none twice
    for gold in corpus_expected["verdicts"]:
        v = got[corpus_ids[gold["file"]]]
        source = corpus_ids.get(gold["source"]) if gold["source"] else None
        assert (v.verdict, v.source, v.timing, v.credited) == (
            gold["verdict"],
            source,
            gold["timing"],
            gold["credited"],
        ), gold["file"]
    # NewsByte's celebrity paragraph is off topic: padding, though it names people and a date
    newsbyte = got[corpus_ids["newsbyte-digest.txt"]]
    assert newsbyte.padding > got[corpus_ids["valmora-courier.html"]].padding + 0.1


def test_expected_verdicts_agree_with_the_expected_reuse(corpus_expected: dict[str, Any]) -> None:
    kinds = {"copy": "copy", "rewrite": "rewrite", "partial": "derivative"}
    files = set(corpus_expected["articles"])
    assert sorted(v["file"] for v in corpus_expected["verdicts"]) == sorted(files)
    for v in corpus_expected["verdicts"]:
        links = [r for r in corpus_expected["reuse"] if r["to"] == v["file"]]
        if v["verdict"] in ("original", "commentary"):
            assert not links and v["source"] is None, v
        else:
            assert [(r["from"], kinds[r["kind"]]) for r in links] == [(v["source"], v["verdict"])], v


def test_verdicts_round_trip_through_the_dossier_json(corpus_dossier: Dossier) -> None:
    data = json.loads(dossier_json(corpus_dossier))
    for story in data["stories"]:
        assert len(story["verdicts"]) == len(story["articles"])
        assert Story.from_dict(story).to_dict() == story


# ---------------------------------------------------------------------------------------------- properties

WORDS = ["harbour", "board", "quay", "ships", "crews", "the", "a", "was", "were", "closed", "opened", "report"]


@st.composite
def stories(draw: st.DrawFn) -> tuple[StoryGroup, dict[str, Article], dict[str, ArticleFacts], list[Reuse], Any]:
    n = draw(st.integers(1, 4))
    ids = [f"a{k}" for k in range(n)]
    articles: dict[str, Article] = {}
    facts: dict[str, ArticleFacts] = {}
    for a in ids:
        sents = [" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))) + "." for _ in range(3)]
        sents = sents[: draw(st.integers(0, 3))]
        text, spans = "", []
        for s in sents:
            spans.append((len(text), len(text) + len(s)))
            text += s + " "
        day = draw(st.one_of(st.none(), st.integers(1, 20)))
        articles[a] = Article(
            id=a,
            origin=f"{a}.txt",
            origins=[f"{a}.txt"],
            text=text,
            sentences=spans,
            outlet=draw(st.sampled_from([None, "Associated Press", "Courier"])),
            published=None if day is None else f"2024-05-{day:02d}",
        )
        claims = []
        for k in range(draw(st.integers(0, len(spans)))):
            dated = draw(st.one_of(st.none(), st.integers(1, 28)))
            claims.append(
                ArticleClaim(
                    id=f"{a}:c{k}",
                    article=a,
                    sentence=k,
                    text=sents[k],
                    numbers=[NumberMention("2", 2, 2)] if draw(st.booleans()) else [],
                    dates=[] if dated is None else [DateMention("x", f"2024-05-{dated:02d}", "day")],
                    entities=draw(st.lists(st.sampled_from(["Ruiz", "Valmora"]), max_size=1)),
                    modality=draw(st.sampled_from(["asserted", "planned", "reported"])),
                    kind="lead" if k == 0 else draw(st.sampled_from(["fact", "scheduled", "attributed"])),
                )
            )
        quotes = [ArticleQuote(f"{a}:q0", a, 0, "words", 0, 1)] if bool(spans) and draw(st.booleans()) else []
        facts[a] = ArticleFacts(article=a, claims=claims, quotes=quotes)
    reuse: list[Reuse] = []
    for src in ids:
        for dst in ids:
            if src < dst and draw(st.booleans()):
                s, d = (src, dst) if draw(st.booleans()) else (dst, src)
                ref = st.integers(0, 2)
                reuse.append(
                    Reuse(
                        source=s,
                        derived=d,
                        kind=draw(st.sampled_from(["copy", "rewrite", "partial"])),
                        score=draw(st.floats(0, 1)),
                        direction=draw(st.sampled_from(["decided", "undecided"])),
                        evidence=[ReuseEvidence(draw(ref), draw(ref), 0.9, "verbatim")],
                        common_source=draw(st.sampled_from([None, "Associated Press", "Reuters"])),
                        credited=draw(st.sampled_from([None, True, False])),
                    )
                )
    mentions = [ClaimMention(a, draw(st.integers(0, 2)), "t") for a in ids if draw(st.booleans())]
    findings = StoryFindings(
        claims=[
            StoryClaim("s0", "t", mentions, status=draw(st.sampled_from(["corroborated", "unsupported_addition"])))
        ],
        quotes=[StoryQuote("q0", "w", None, None, ids[-1], 0, draw(st.sampled_from(["altered", "unattested"])))],
        conflicts=[Conflict("x1", "number", "high", ["s0"], [ids[0], ids[-1]], "e")] if draw(st.booleans()) else [],
        off_topic=[OffTopic(ids[0], 1, "t", 0.9)] if draw(st.booleans()) else [],
    )
    return StoryGroup("s", "h", ids), articles, facts, reuse, findings


@settings(max_examples=150, deadline=None)
@given(stories())
def test_one_verdict_per_article_in_bounds(case: Any) -> None:
    group, articles, facts, reuse, findings = case
    verdicts = story_verdicts(group, articles, facts, reuse, source_groups(group.articles, reuse), findings)
    assert [v.article for v in verdicts] == group.articles
    for v in verdicts:
        assert 0.0 <= v.padding <= 1.0
        assert v.summary.endswith(".") and "\n" not in v.summary
        decided = {r.source for r in reuse if r.derived == v.article and r.direction == "decided"}
        shared = [r for r in reuse if v.article in (r.source, r.derived) and r.common_source]
        if not decided and not shared:
            # most real reporting is independent: no arrow, no accusation of taking
            assert v.verdict in ("original", "commentary") and v.source is None
        if len(decided) >= 2:
            assert v.verdict == "aggregation" and v.source in decided
        if v.source in articles and v.source not in decided:
            # an undecided link names a source article only where both credit a wire and that article is its item
            (link,) = [r for r in shared if {r.source, r.derived} == {v.article, v.source}]
            assert articles[v.source].outlet == link.common_source
        assert v.counts.altered_quotes + v.counts.unattested_quotes == (v.article == group.articles[-1])
    assert verdicts == story_verdicts(group, articles, facts, reuse, source_groups(group.articles, reuse), findings)


@settings(max_examples=60, deadline=None)
@given(stories())
def test_a_story_of_one_article_is_original(case: Any) -> None:
    group, articles, facts, _reuse, findings = case
    one = group.articles[0]
    (v,) = story_verdicts(StoryGroup("s", "h", [one]), {one: articles[one]}, facts, [], [[one]], findings)
    # the generated words hold no opinion and no first person, so nothing here can read as commentary
    assert (v.verdict, v.source, v.credited) == ("original", None, None)
    assert v.timing in ("report", "preview", "follow-up")


COLUMN_LINES = [
    "A barge hit a pier of the Orwell Bridge in Hamsford on Monday, and the county closed the crossing.",
    "The coming weeks will be a test of patience.",
    "I think the county should have closed it years ago.",
    '"We will inspect every pier," highways director Paul Osei said.',
]


def test_sentence_padding_grades_each_sentence(tmp_path: Path) -> None:
    (tmp_path / "column.txt").write_text("\n\n".join(COLUMN_LINES) + "\n", encoding="utf-8")
    (article,), _ = read_inputs([str(tmp_path)])
    (facts,) = extract_facts([article])
    assert len(article.sentences) == len(COLUMN_LINES)
    scores = sentence_padding(article, facts, StoryFindings())
    top = VerdictOptions().padding_checkable_max
    event, framing, opinion, quote = scores
    # the yes/no reading survives: checkable sentences below the line, the rest above it
    assert quote == 0.0 and event <= top
    assert framing >= 1 - top and opinion >= 1 - top
    # and the writer's own opinion is more padding than plain framing
    assert opinion > framing
    sizes = [end - start for start, end in article.sentences]
    weighted = sum(s * n for s, n in zip(scores, sizes, strict=True)) / sum(sizes)
    assert padding(article, facts, StoryFindings()) == pytest.approx(weighted)


@settings(max_examples=100, deadline=None)
@given(stories())
def test_sentence_padding_is_graded_around_the_checkable_line(case: Any) -> None:
    group, articles, facts, _reuse, findings = case
    top = VerdictOptions().padding_checkable_max
    for a in group.articles:
        art = articles[a]
        scores = sentence_padding(art, facts[a], findings)
        keep = checkable_sentences(art, facts[a], findings)
        assert len(scores) == len(art.sentences)
        for n, s in enumerate(scores):
            assert (0.0 <= s <= top) if n in keep else (1 - top <= s <= 1.0)
        binary = sum(end - start for n, (start, end) in enumerate(art.sentences) if n not in keep)
        total = sum(end - start for start, end in art.sentences)
        # the article's padding stays within ``top`` of the yes/no share the thresholds were calibrated on
        assert abs(padding(art, facts[a], findings) - (binary / total if total else 0.0)) <= top + 1e-9


def _timed(texts: dict[str, tuple[str, str | None, list[ArticleClaim]]]) -> dict[str, str]:
    """story_timing over hand-built records: id -> (text of one sentence, published, claims)."""
    articles = {
        a: Article(id=a, origin=f"{a}.txt", origins=[f"{a}.txt"], text=t, sentences=[(0, len(t))], published=p)
        for a, (t, p, _) in texts.items()
    }
    facts = {a: ArticleFacts(article=a, claims=c) for a, (_, _, c) in texts.items()}
    ctx = StoryContext.build(list(texts), articles, facts, {}, [], [[a] for a in texts])
    return dict(story_timing(ctx, VerdictOptions().follow_up_days))


def _lead(a: str, text: str, *days: str, modality: str = "asserted") -> ArticleClaim:
    dates = [DateMention(d, d, "day") for d in days]
    return ArticleClaim(f"{a}:c0", a, 0, text, dates=dates, modality=modality, kind="lead")  # type: ignore[arg-type]


def test_a_report_of_an_announcement_is_no_preview() -> None:
    # both look ahead to June 3; only one says what happened on its publication day
    announced = "Ferry fares will rise on June 3, the harbour board announced on Friday."
    ahead = "The harbour board is set to vote on June 3 on a rise in ferry fares."
    got = _timed(
        {
            "a": (announced, "2024-05-10", [_lead("a", announced, "2024-06-03", "2024-05-10", modality="planned")]),
            "b": (ahead, "2024-05-10", [_lead("b", ahead, "2024-06-03", modality="planned")]),
        }
    )
    assert got == {"a": "report", "b": "preview"}


def test_without_a_dated_lead_the_day_most_outlets_reported_is_the_event() -> None:
    # a month-old piece on an earlier turn of the story does not make the day's reports follow-ups of it
    old = "The senator said he would not back the bill."
    new = "The senator blocked the climate plan in the spending bill."
    got = _timed(
        {
            "old": (old, "2024-04-01", [_lead("old", old)]),
            **{k: (new, "2024-05-10", [_lead(k, new)]) for k in ("x", "y", "z")},
        }
    )
    assert got == {"old": "report", "x": "report", "y": "report", "z": "report"}
    # a lone piece days after the others is still a follow-up
    later = _timed(
        {k: (new, d, [_lead(k, new)]) for k, d in (("x", "2024-05-10"), ("y", "2024-05-10"), ("w", "2024-05-14"))}
    )
    assert later == {"x": "report", "y": "report", "w": "follow-up"}
