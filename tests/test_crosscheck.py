"""Cross-check on small stories written from real-style news sentences: real embeddings, real stage code.

The claims/reuse stages are not used here (these tests pin the cross-check's own rules); the facts are built by
hand the way the claims stage records them. The end-to-end test over examples/harbour-fire is in
test_crosscheck_example.py.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.crosscheck import crosscheck
from storytrace.crosscheck.quotes import compare_quote
from storytrace.embed import embed
from storytrace.ingest.sentences import split_sentences
from storytrace.records import (
    Article,
    ArticleClaim,
    ArticleFacts,
    ArticleQuote,
    DateMention,
    Entity,
    EventOrder,
    NumberMention,
    Reuse,
    StoryFindings,
    StoryGroup,
)
from storytrace.reuse import source_groups

_NUM = re.compile(r"(?i)\b(more than a dozen|about [\d,]+|\d[\d,]*)\s+(\w+)")


def _numbers(text: str, offset: int) -> list[NumberMention]:
    out = []
    for m in _NUM.finditer(text):
        t = m.group(1)
        if t.lower() == "more than a dozen":
            low, high = 13.0, None
        elif t.lower().startswith("about"):
            v = float(t[6:].replace(",", ""))
            low, high = v * 0.9, v * 1.1
        else:
            low = high = float(t.replace(",", ""))
        out.append(NumberMention(t, low, high, m.group(2), offset + m.start(1), offset + m.end(1)))
    return out


def make(aid, text, outlet, published, dates=None, quotes=(), entities=(), order=()):
    """An Article and its ArticleFacts: one claim per sentence, numbers and given dates attached."""
    a = Article(id=aid, origin=f"{aid}.txt", origins=[f"{aid}.txt"], text=text, outlet=outlet, published=published)
    a.sentences = split_sentences(text)
    a.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    claims = []
    for i, (s, e) in enumerate(a.sentences):
        t = text[s:e]
        ds = [DateMention(k, v, p) for k, (v, p) in (dates or {}).items() if k in t]
        claims.append(ArticleClaim(id=f"{aid}:c{i}", article=aid, sentence=i, text=t, numbers=_numbers(t, s), dates=ds))
    qs = []
    for n, (qt, speaker) in enumerate(quotes):
        start = text.index(qt)
        si = next(i for i, (s, e) in enumerate(a.sentences) if s <= start < e)
        qs.append(
            ArticleQuote(
                id=f"{aid}:q{n}",
                article=aid,
                sentence=si,
                text=qt,
                start=start,
                end=start + len(qt),
                speaker=speaker,
                speaker_key=speaker.lower(),
                cue="said",
            )
        )
    ents = [Entity(text=t, label="PERSON", sentence=s, start=0, end=0, key=t.lower(), role=r) for t, s, r in entities]
    orders = [
        EventOrder(article=aid, before=f"{aid}:c{b}", after=f"{aid}:c{f}", cue="before", sentence=b) for b, f in order
    ]
    return a, ArticleFacts(article=aid, claims=claims, quotes=qs, entities=ents, order=orders)


def run(made, reuse=()) -> tuple[StoryFindings, dict[str, Article]]:
    articles = {a.id: a for a, _ in made}
    facts = {f.article: f for _, f in made}
    vectors = {a.id: embed([a.sentence_text(i) for i in range(len(a.sentences))]) for a in articles.values()}
    groups = source_groups(list(articles), list(reuse))
    story = StoryGroup(id="s1", headline="test", articles=list(articles))
    return crosscheck(story, articles, facts, vectors, list(reuse), groups), articles


QUOTE = "We lost the north quay, but nobody lost their life,"
WIRE = (
    "A fire swept through a warehouse at the Port of Dunmore on Tuesday night, injuring 17 firefighters.\n"
    "Harbour master Ellen Marsh said the blaze started in a storage shed shortly after 9 p.m.\n"
    f'"{QUOTE}" Marsh said.\n'
    "The port will reopen next week, officials said.\n"
    "About 4,000 tonnes of grain were destroyed."
)
REWRITE = (
    "More than a dozen firefighters were hurt when flames tore through a Port of Dunmore warehouse on Tuesday.\n"
    "The blaze began in a storage shed just after 9 p.m., according to harbour master Ellen Marsh.\n"
    '"We lost the north quay, but nobody lost their lives," Marsh said.\n'
    "Investigators suspect arson, the paper has learned."
)
INDEPENDENT = (
    "12 firefighters were injured in Tuesday's warehouse fire at Dunmore port, the fire service said.\n"
    "Some 4,100 tonnes of grain were lost in the blaze.\n"
    "The port has reopened, the operator said on Thursday.\n"
    '"We lost the north quay and the cranes, but nobody lost their life," Marsh told reporters.\n'
    "In other news, the city council approved a new budget for school lunches and bicycle lanes."
)
DATES = {
    "on Tuesday": ("2024-05-07", "day"),
    "Tuesday night": ("2024-05-07", "day"),
    "on Thursday": ("2024-05-09", "day"),
}


@pytest.fixture(scope="module")
def harbour() -> tuple[StoryFindings, dict[str, Article]]:
    made = [
        make("wire", WIRE, "Wire", "2024-05-08", DATES, quotes=[(QUOTE, "Ellen Marsh")]),
        make("copy", WIRE, "Copy Gazette", "2024-05-08", DATES, quotes=[(QUOTE, "Ellen Marsh")]),
        make(
            "rewrite",
            REWRITE,
            "Rewrite Post",
            "2024-05-09",
            DATES,
            quotes=[("We lost the north quay, but nobody lost their lives,", "Ellen Marsh")],
        ),
        make(
            "indep",
            INDEPENDENT,
            "Independent",
            "2024-05-10",
            DATES,
            quotes=[("We lost the north quay and the cranes, but nobody lost their life,", "Ellen Marsh")],
        ),
    ]
    reuse = [Reuse("wire", "copy", "copy", 1.0), Reuse("wire", "rewrite", "rewrite", 0.8)]
    return run(made, reuse)


def _claim(findings: StoryFindings, article: str, contains: str):
    for c in findings.claims:
        for m in c.mentions:
            if m.article == article and contains in m.text:
                return c
    raise AssertionError(f"no claim in {article} containing {contains!r}")


def test_corroboration_counts_source_groups_not_articles(harbour):
    f, _ = harbour
    grain = _claim(f, "wire", "4,000 tonnes")
    assert {m.article for m in grain.mentions} == {"wire", "copy", "indep"}
    assert grain.independent_sources == 2 and grain.status == "corroborated"
    shed = _claim(f, "wire", "storage shed")  # wire, its copy and its rewrite: one source group
    assert {m.article for m in shed.mentions} == {"wire", "copy", "rewrite"}
    assert shed.independent_sources == 1 and shed.status == "single_source"


def test_addition_in_rewrite_is_flagged_and_supported_claim_is_not(harbour):
    f, _ = harbour
    assert _claim(f, "rewrite", "suspect arson").status == "unsupported_addition"
    supported = _claim(f, "rewrite", "blaze began in a storage shed")
    assert supported.status != "unsupported_addition"
    assert "wire" in {m.article for m in supported.mentions}


def test_number_conflict_and_compatible_vague_numbers(harbour):
    f, _ = harbour
    numbers = [x for x in f.conflicts if x.kind == "number"]
    assert len(numbers) == 1
    x = numbers[0]
    assert x.severity == "high" and "17" in x.explanation and "12" in x.explanation
    assert {"wire", "indep"} <= set(x.articles)
    # "more than a dozen" agrees with 17, so the rewrite's lead is a mention of the wire's claim, not a conflict
    assert _claim(f, "rewrite", "More than a dozen") is _claim(f, "wire", "17 firefighters")
    # "about 4,000" and "4,100" tonnes can both hold
    assert not any("4,100" in x.explanation for x in f.conflicts)


def test_tense_alone_is_no_conflict(harbour):
    # the wire (May 8) says the port "will reopen next week", undated; the Independent (May 10) says it has reopened:
    # written before and after the event, both can be true
    f, _ = harbour
    assert not [x for x in f.conflicts if x.kind == "tense"]


def test_done_before_the_date_it_was_due_is_a_low_tense_conflict():
    dates = {"next week": ("2024-05-13", "week")}
    f, _ = run(
        [
            make("a", "The ferry terminal will reopen next week, the operator said.", "A", "2024-05-08", dates),
            make("b", "The ferry terminal has reopened, the operator said.", "B", "2024-05-08", dates),
        ]
    )
    tense = [x for x in f.conflicts if x.kind == "tense"]
    assert len(tense) == 1 and tense[0].severity == "low"
    assert "will reopen next week" in tense[0].explanation and "has reopened" in tense[0].explanation


def test_preview_is_never_set_against_a_report():
    dates = {"on Friday": ("2024-05-10", "day")}
    f, _ = run(
        [
            make(
                "preview",
                "The city council is set to meet on Friday to vote on 40 new bus routes.",
                "Preview",
                "2024-05-07",
                dates,
            ),
            make(
                "report",
                "The city council met on Friday and voted on 42 new bus routes.",
                "Report",
                "2024-05-11",
                dates,
            ),
        ]
    )
    assert not f.conflicts


def _real(made):
    """The claims stage's own figures (hedges, words, what they count) in place of the fixture's digit reader."""
    from storytrace.claims.numbers import find_numbers

    article, facts = made
    for c in facts.claims:
        s, e = article.sentences[c.sentence]
        c.numbers = find_numbers(article.text, s, e)
    return made


def _pair(a: str, b: str, dates=None) -> StoryFindings:
    f, _ = run([_real(make("a", a, "A", "2024-05-08", dates)), _real(make("b", b, "B", "2024-05-08", dates))])
    return f


def test_an_age_beside_a_count_is_no_conflict():
    f = _pair(
        "Police arrested two men, Tom Brask, 44, and Ole Varn, 39, at the border crossing.",
        "Police arrested two men at the border crossing, including Tom Brask.",
    )
    assert not [x for x in f.conflicts if x.kind == "number"]


def test_one_persons_two_ages_conflict():
    f = _pair(
        "Tom Brask, 44, was arrested at the border crossing on the night of the raid.",
        "Tom Brask, 45, was arrested at the border crossing on the night of the raid.",
    )
    assert [x for x in f.conflicts if x.kind == "number"]


def test_a_part_is_not_its_whole():
    f = _pair(
        "Coastguards rescued fifteen of the 19 crew from the sinking trawler.",
        "Coastguards rescued the 19 crew from the sinking trawler.",
    )
    assert not [x for x in f.conflicts if x.kind == "number"]


def test_a_hedged_figure_admits_the_exact_one():
    f = _pair(
        "More than 40 people were evacuated from the flooded village.",
        "42 people were evacuated from the flooded village.",
    )
    assert not [x for x in f.conflicts if x.kind == "number"]


def test_page_numbers_are_not_figures():
    from storytrace.claims.numbers import find_numbers

    assert not find_numbers("Page 4 of the file: the report continues on page 5.")
    assert [n.low for n in find_numbers("The 2004-05 season ended with 40 wins.")] == [40.0]


def test_not_the_aim_then_the_aim_is_no_negation_conflict():
    f = _pair("That is not the aim; safety is the aim, the minister said.", "Safety is the aim, the minister said.")
    assert not [x for x in f.conflicts if x.kind == "negation"]


def test_a_negated_aside_is_no_negation_conflict():
    f = _pair(
        "Varn, who had pleaded not guilty, was jailed for three months on each charge.",
        "Varn was jailed for three months on each charge.",
    )
    assert not [x for x in f.conflicts if x.kind == "negation"]


def test_one_person_under_two_spellings_holds_one_role():
    from storytrace.crosscheck.conflicts import _same_person

    assert _same_person("Janet L. Yellen", "Janet Yellen")
    assert _same_person("Jim Oler", "Jim Oller")
    assert _same_person("person:dr-ana-ruiz", "Ruiz")
    assert not _same_person("Ana Ruiz", "Tom Berg")


def test_name_variants_share_one_story_key():
    from storytrace.claims.entities import same_person_name

    assert same_person_name("Janet L. Yellen", "Janet Yellen")
    assert same_person_name("J. Oler", "Jim Oller")
    assert not same_person_name("Paul Brask", "Sylvia Brask")


def test_today_in_the_wire_and_yesterday_in_the_paper_are_one_day():
    f, _ = run(
        [
            make(
                "wire",
                "A former clerk who stole savings from his employer was jailed for four years today.",
                "Wire",
                "2024-05-08",
                {"today": ("2024-05-08", "day")},
            ),
            make(
                "paper",
                "A former clerk who stole savings from his employer was jailed for four years yesterday.",
                "Paper",
                "2024-05-08",
                {"yesterday": ("2024-05-07", "day")},
            ),
        ]
    )
    assert not [x for x in f.conflicts if x.kind == "date"]


def test_quotes_altered_close_and_single(harbour):
    f, _ = harbour
    by_article = {q.article: q for q in f.quotes}
    assert by_article["indep"].fidelity == "altered"  # "and the cranes" inserted, against the earlier wire version
    assert any(op.op == "+" and "cranes" in op.text for op in by_article["indep"].matches[0].diff)
    assert by_article["rewrite"].fidelity == "close"  # "life" -> "lives": an inflection of the same word
    assert by_article["wire"].fidelity == "single_source"


def test_off_topic_padding_found_and_not_claimed(harbour):
    f, _ = harbour
    assert [o.article for o in f.off_topic] == ["indep"]
    assert "city council approved" in f.off_topic[0].text
    assert not any("city council" in m.text for c in f.claims for m in c.mentions)


def test_timeline_in_order_with_citations(harbour):
    f, _ = harbour
    dates = [e.date for e in f.timeline]
    assert dates == sorted(dates) and dates[0] == "2024-05-07"
    for e in f.timeline:
        assert e.claims and e.articles and e.precision == "day"


def test_summary_lines_cite_articles_and_come_from_them(harbour):
    f, articles = harbour
    assert {s.section for s in f.summary} == {"corroborated", "contested"}
    for line in f.summary:
        assert line.articles and set(line.articles) <= set(articles)
        if line.section == "corroborated":
            assert any(line.text in " ".join(a.text.split()) for a in articles.values())


def test_date_negation_entity_and_order_conflicts():
    a_text = (
        "The ferry terminal closed on Monday after the storm damaged the pier.\n"
        "The council has closed the harbour road to all traffic.\n"
        "Fire chief Ana Ruiz said crews worked through the night.\n"
        "Workers were evacuated from the fuel depot.\n"
        "An explosion then shook the fuel depot."
    )
    b_text = (
        "The ferry terminal closed on Wednesday after the storm damaged the pier.\n"
        "The council has not closed the harbour road to traffic.\n"
        "Fire chief Tom Berg said his crews worked through the night.\n"
        "An explosion shook the fuel depot.\n"
        "Later, workers were evacuated from the fuel depot."
    )
    made = [
        make(
            "a",
            a_text,
            "Alpha",
            "2024-05-09",
            {"on Monday": ("2024-05-06", "day")},
            entities=[("Ana Ruiz", 2, "fire chief")],
            order=[(3, 4)],
        ),
        make(
            "b",
            b_text,
            "Beta",
            "2024-05-09",
            {"on Wednesday": ("2024-05-08", "day")},
            entities=[("Tom Berg", 2, "fire chief")],
            order=[(3, 4)],
        ),
    ]
    f, _ = run(made)
    kinds = sorted(x.kind for x in f.conflicts)
    assert kinds == ["date", "entity", "negation", "order"]
    for x in f.conflicts:
        assert x.severity == "high" and sorted(x.articles) == ["a", "b"] and len(x.sides) >= 2
        assert "Alpha" in x.explanation and "Beta" in x.explanation


def test_rewording_that_keeps_every_detail_is_not_a_conflict():
    made = [
        make(
            "a", "More than a dozen firefighters were injured in the blaze on Tuesday.\nThe port stays shut.", "A", None
        ),
        make(
            "b",
            "Seventeen firefighters, 17 in all, were injured in Tuesday's blaze.\nThe port remains shut.",
            "B",
            None,
        ),
    ]
    f, _ = run(made)
    assert f.conflicts == []


@pytest.mark.parametrize(
    ("version", "verdict"),
    [
        ("We lost the north quay, but nobody lost their life.", "same"),
        ("we lost the North Quay but nobody lost their life", "same"),
        ("We lost the ... quay, but nobody lost their life", "close"),
        ("We lost a north quay, but nobody lost their life", "close"),
        ("We lost the south quay, but nobody lost their life", "altered"),
        ("We lost the north quay, but somebody lost their life", "altered"),
        ("We did not lose the north quay, and nobody lost their life", "altered"),
        ("The north quay is gone, yet no lives were lost", "altered"),
    ],
)
def test_compare_quote(version, verdict):
    assert compare_quote(version, "We lost the north quay, but nobody lost their life").verdict == verdict


_WORDS = st.lists(
    st.sampled_from(["port", "fire", "crews", "quay", "we", "lost", "the", "north", "grain"]), min_size=3, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(_WORDS)
def test_quote_same_under_case_and_punctuation(ws):
    text = " ".join(ws)
    assert compare_quote(text.upper() + ".", text).verdict == "same"


@settings(max_examples=60, deadline=None)
@given(_WORDS, st.integers(min_value=0, max_value=20))
def test_quote_with_added_negation_is_altered(ws, pos):
    text = " ".join(ws)
    changed = [*ws[: pos % len(ws)], "not", *ws[pos % len(ws) :]]
    assert compare_quote(" ".join(changed), text).verdict == "altered"


def test_quote_in_british_and_american_spelling_is_close():
    assert (
        compare_quote("It was an offense to the colors we defend", "It was an offence to the colours we defend").verdict
        != "altered"
    )


def test_different_sentences_of_one_speech_are_not_an_altered_quote():
    first = "We will rebuild the quay before winter. Nobody lost their job."
    other = "We will rebuild the quay before winter. The money comes from the port's reserves."
    assert compare_quote(first, other).verdict == "close"
    # the sentence both quote still counts: a changed word in it is an alteration
    assert compare_quote("We will abandon the quay before winter. Nobody lost their job.", other).verdict == "altered"


def test_truncated_quote_and_filler_are_close():
    assert (
        compare_quote("Mr Varn is back in the cabinet", "Well, Mr Varn is back in the cabinet...").verdict != "altered"
    )
    cut = "The decision was taken before I arrived. This was not because they believed the allegations."
    assert compare_quote("The decision was taken before I arrived.", cut).verdict != "altered"


@settings(max_examples=60, deadline=None)
@given(_WORDS)
def test_a_claim_never_conflicts_with_itself(ws):
    text = " ".join(ws).capitalize() + " on Tuesday with 17 crews."
    f = _pair(text, text, {"on Tuesday": ("2024-05-07", "day")})
    assert not f.conflicts


_QTY = st.tuples(st.one_of(st.none(), st.floats(0, 1e6)), st.one_of(st.none(), st.floats(0, 1e6)))


@settings(max_examples=200, deadline=None)
@given(_QTY, _QTY)
def test_compatible_is_symmetric(x, y):
    from storytrace.claims.numbers import compatible

    a, b = NumberMention("a", x[0], x[1]), NumberMention("b", y[0], y[1])
    assert compatible(a, b) == compatible(b, a)


# ------------------------------------------------------------------ figures of one kind only (issue 9, dev labels)


def _numbers_conflict(a: str, b: str, outlets=("A", "B"), published=("2024-05-08", "2024-05-08")) -> bool:
    made = [
        _real(make("a", a, outlets[0], published[0])),
        _real(make("b", b, outlets[1], published[1])),
    ]
    f, _ = run(made)
    return any(x.kind == "number" for x in f.conflicts)


def test_money_is_not_a_count_of_the_same_thing():
    assert not _numbers_conflict(
        "The singer arrived wearing £2.5 million in diamonds at the premiere.",
        "The singer arrived wearing a necklace with 40 diamonds at the premiere.",
    )


def test_a_narrower_count_within_a_broader_one_is_no_conflict():
    assert not _numbers_conflict(
        "Police seized seven hunting rifles and a boat from the smugglers.",
        "Police seized nine rifles and a boat from the smugglers.",
    )
    # the narrower count above the broader one cannot hold
    assert _numbers_conflict(
        "Police seized twelve hunting rifles and a boat from the smugglers.",
        "Police seized nine rifles and a boat from the smugglers.",
    )


def test_figures_must_count_the_same_noun():
    assert not _numbers_conflict(
        "Rebels seized two Norvish fishing boats off the coast, the agency said.",
        "Of the rebels seized off the coast, 11 are Norvish, the agency said.",
    )


def test_spans_of_time_conflict_only_with_words_in_common():
    assert not _numbers_conflict(
        "Holt spent 11 seasons in Aldenport before he moved to coaching.",
        "Holt was fired on Monday after nearly four seasons as coach of the Herons.",
    )
    assert _numbers_conflict(
        "The couple had lived in Norvale for ten years before retiring to the coast.",
        "The couple, after living in Norvale for 12 years, retired to the coast.",
    )


def test_a_figure_the_other_states_with_a_hedge_is_no_accusation():
    assert not _numbers_conflict(
        "The court heard the boy had more than 55 convictions on his record.",
        "The court heard the boy had 55 convictions on his record.",
    )
    assert not _numbers_conflict(
        "Holt was jailed for four and a half years by the court in Aldenport.",
        "Holt was jailed for more than four years by the court in Aldenport.",
    )


def test_two_files_of_one_outlets_story_are_versions_not_accounts():
    first = "The manager now faces a total of 17 charges relating to his time as a care worker."
    later = "The manager now faces a total of 13 charges relating to his time as a care worker."
    assert not _numbers_conflict(first, later, outlets=("Wire", "Wire"))
    assert _numbers_conflict(first, later)
    # a person's age cannot change between two files of one day
    assert _numbers_conflict(
        "Tom Brask, 44, was arrested at the border crossing on the night of the raid.",
        "Tom Brask, 45, was arrested at the border crossing on the night of the raid.",
        outlets=("Wire", "Wire"),
    )


def test_running_counts_weeks_apart_are_figures_of_different_days():
    assert not _numbers_conflict(
        "The country is now averaging roughly 114,000 new cases of the virus.",
        "The country is now averaging 137,000 new cases of the virus.",
        published=("2024-09-30", "2024-09-07"),
    )


def test_numbers_read_as_written():
    from storytrace.claims.numbers import find_numbers, number_role

    assert [(n.low, n.counts) for n in find_numbers("He was jailed for four and a half years.")] == [(4.5, "years")]
    assert not find_numbers("a recall of 24milllon pancakes")  # a typo: its scale is unknown
    assert [n.low for n in find_numbers("seven AK-47 rifles and an F-16")] == [7.0]
    text = "one of five players to hit 100 home runs in his first three seasons"
    three = find_numbers(text)[-1]
    assert number_role(text, three.start, three.end) == ("span", None)


def test_month_and_year_with_a_comma():
    import datetime as dt

    from storytrace.claims.dates import find_dates

    text = "They moved to the village, 15 miles from the border, in April, 1997."
    assert [d.value for d in find_dates(text, 0, len(text), dt.date(1999, 8, 12), "published")] == ["1997-04"]


def test_negation_denies_only_what_the_other_states():
    def negation(a: str, b: str) -> bool:
        return any(x.kind == "negation" for x in _pair(a, b).conflicts)

    # "not welcome" is no denial of "asked to leave"
    assert not negation(
        "Three months later Mrs Holt went into the shop and was asked to leave, the couple said.",
        "Three months later Mrs Holt went into the shop and was told she was not welcome and asked to leave.",
    )
    # both deny it, once without a "not"
    assert not negation(
        "They had lived in Norvale for ten years without any problems, the court heard.",
        "They had lived in Norvale for ten years and never had any problems, the court heard.",
    )
    assert negation(
        "The council has not closed the harbour road to traffic, officials said.",
        "The council has closed the harbour road to traffic, officials said.",
    )


def test_dates_of_two_actions_are_no_date_conflict():
    dates = {"on Thursday": ("2024-09-26", "day"), "in July": ("2024-07", "month")}
    a = make("a", "Envoy Dana Holt resigned on Thursday as special envoy to Norvale.", "A", "2024-09-27", dates)
    b = make("b", "Dana Holt was appointed special envoy to Norvale in July.", "B", "2024-09-27", dates)
    a[1].claims[0].action, b[1].claims[0].action = "resign", "appoint envoy"
    f, _ = run([a, b])
    assert not [x for x in f.conflicts if x.kind == "date"]


@pytest.mark.parametrize(
    ("version", "reference", "verdict"),
    [
        ("Well, MrVarn is back in the cabinet.", "Well, Mr Varn is back in the cabinet.", "close"),  # typo
        ("One crane fell and hanged it self on the wire.", "One crane fell and hanged itself on the wire.", "close"),
        ("He told them he had cut himself in the shed.", "He told colleagues he had cut himself in the shed.", "close"),
        (
            "Could you ever be returned to any other seat on the front bench?",
            "Could you ever be returned to any other seat in this country on the front bench?",
            "close",
        ),
        ("The machinery does not detect", "The machinery does not detect glass", "same"),  # cut at its end
        ("We will", "We will win", "altered"),  # cut on a small word
        ("It is possible that we reopen the quay.", "It is impossible that we reopen the quay.", "altered"),
        ("We must reopen the quay this week.", "We can reopen the quay this week.", "altered"),
        (
            "This is about nothing less than the future of the port and with it the town",
            "Nothing less than the future of the port, and with that the town, is at stake",
            "close",
        ),
    ],
)
def test_quote_renderings_that_keep_the_words(version, reference, verdict):
    assert compare_quote(version, reference).verdict == verdict


def test_a_synonym_swapped_inside_a_quote_keeps_it_close():
    c = compare_quote(
        "The speed with which it spread was astonishing", "The swiftness with which it spread was surprising"
    )
    assert c.verdict == "close", c.reason
    assert compare_quote("The fire is completely extinguished", "The fire is under control").verdict == "altered"


# characterisations (issue 11, part 5): a quoted word or short phrase is held only against the same speaker describing
# the same thing, and called altered only where the article took that sentence from the version it differs from

TALKS = (
    "Foreign ministers of the two countries met in Geneva on Monday to discuss the border dispute.\n"
    "Foreign Minister Dana Reyes described the talks as “{word}” after the meeting.\n"
    "Another round of talks is planned for next month."
)


def _characterising(aid, text, outlet, published, speaker="Dana Reyes", word="productive", role="foreign minister"):
    article, facts = make(aid, text, outlet, published, quotes=[(word, speaker)], entities=[(speaker, 1, role)])
    facts.quotes[0].partial = True
    return article, facts


def _rewrite(source: str, derived: str) -> Reuse:
    return Reuse(source=source, derived=derived, kind="rewrite", score=0.9, reasons=["published earlier"])


def _fidelity(findings: StoryFindings) -> dict[str, str]:
    return {q.article: q.fidelity for q in findings.quotes}


def test_another_word_in_a_rewrite_of_the_same_sentence_is_an_altered_characterisation():
    f, _ = run(
        [
            _characterising("wire", TALKS.format(word="productive"), "Wire", "2024-05-06"),
            _characterising("paper", TALKS.format(word="constructive"), "Paper", "2024-05-07", word="constructive"),
        ],
        [_rewrite("wire", "paper")],
    )
    assert _fidelity(f)["paper"] == "altered"
    assert [x.kind for x in f.conflicts if x.kind == "quote"] == ["quote"]


def test_another_word_in_an_independent_report_is_no_altered_characterisation():
    f, _ = run(
        [
            _characterising("wire", TALKS.format(word="productive"), "Wire", "2024-05-06"),
            _characterising("paper", TALKS.format(word="constructive"), "Paper", "2024-05-07", word="constructive"),
        ]
    )
    assert set(_fidelity(f).values()) == {"single_source"}
    assert not [x for x in f.conflicts if x.kind == "quote"]


def test_the_same_word_from_somebody_else_is_no_version():
    f, _ = run(
        [
            _characterising("wire", TALKS.format(word="productive"), "Wire", "2024-05-06"),
            _characterising(
                "other",
                TALKS.format(word="productive").replace("Foreign Minister Dana Reyes", "Opposition leader Marco Ilves"),
                "Other",
                "2024-05-06",
                speaker="Marco Ilves",
                role="opposition leader",
            ),
        ]
    )
    assert all(not q.matches for q in f.quotes)
    assert set(_fidelity(f).values()) == {"single_source"}


def test_the_same_word_from_the_same_speaker_in_another_group_corroborates_it():
    f, _ = run(
        [
            _characterising("wire", TALKS.format(word="productive"), "Wire", "2024-05-06"),
            _characterising("other", TALKS.format(word="productive"), "Other", "2024-05-06"),
        ]
    )
    assert set(_fidelity(f).values()) == {"verbatim"}


def test_one_speaker_describing_another_thing_is_no_altered_characterisation():
    weather = (
        "Foreign ministers of the two countries met in Geneva on Monday to discuss the border dispute.\n"
        "Foreign Minister Dana Reyes described the weather on the lake shore as “pleasant”.\n"
        "Another round of talks is planned for next month."
    )
    f, _ = run(
        [
            _characterising("wire", TALKS.format(word="productive"), "Wire", "2024-05-06"),
            _characterising("paper", weather, "Paper", "2024-05-07", word="pleasant"),
        ],
        [_rewrite("wire", "paper")],
    )
    assert _fidelity(f)["paper"] != "altered"
    assert not [x for x in f.conflicts if x.kind == "quote"]


def test_a_word_of_a_longer_quote_is_faithful_and_never_judges_the_longer_quote():
    long_quote = "The talks were productive and we will meet again next month"
    wire = (
        "Foreign ministers of the two countries met in Geneva on Monday to discuss the border dispute.\n"
        f"“{long_quote},” Foreign Minister Dana Reyes said after the meeting.\n"
        "Another round of talks is planned for next month."
    )
    f, _ = run(
        [
            make("wire", wire, "Wire", "2024-05-06", quotes=[(long_quote, "Dana Reyes")]),
            _characterising("paper", TALKS.format(word="productive"), "Paper", "2024-05-07"),
        ],
        [_rewrite("wire", "paper")],
    )
    fid = _fidelity(f)
    assert fid["paper"] == "verbatim"
    assert fid["wire"] == "single_source"
    assert not [x for x in f.conflicts if x.kind == "quote"]


def test_a_characterisation_missing_from_a_source_that_has_its_word_is_not_unattested():
    wire = TALKS.format(word="productive").replace("“productive”", "productive")  # reported, not quoted
    article, facts = make("wire", wire, "Wire", "2024-05-06", entities=[("Dana Reyes", 1, "foreign minister")])
    f, _ = run(
        [(article, facts), _characterising("paper", TALKS.format(word="productive"), "Paper", "2024-05-07")],
        [_rewrite("wire", "paper")],
    )
    assert _fidelity(f)["paper"] != "unattested"
