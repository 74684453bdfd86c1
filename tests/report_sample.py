"""A hand-built dossier for the report tests (and screenshots): one story with reuse, three source groups, claims of
every status, a conflict, quotes of every fidelity with diffs, off-topic, timeline and summary; an article full of
markup that must render as text; and a second, nearly empty story with a hostile headline."""

from __future__ import annotations

from storytrace.records import (
    Article,
    ClaimMention,
    Conflict,
    ConflictSide,
    DiffOp,
    Dossier,
    Generator,
    OffTopic,
    QuoteMatch,
    Reuse,
    ReuseEvidence,
    Skipped,
    Story,
    StoryClaim,
    StoryQuote,
    SummaryLine,
    TimelineEntry,
)

XSS = {
    "outlet": "Evil <script>alert(1)</script> Gazette",
    "title": "<img src=x onerror=alert(2)>Pier closed",
    "byline": '<a href="javascript:alert(3)">click me</a>',
    "origin": "inbox/<svg onload=alert(8)>.html",
    "removed": '<iframe src="javascript:alert(9)"></iframe>',
}


def make_article(
    aid: str, paragraphs: list[list[str]], *, outlet: str, title: str, published: str, **extra: object
) -> Article:
    """An article whose sentence and paragraph offsets are exact (sentences joined by one space)."""
    text = ""
    sentences: list[tuple[int, int]] = []
    paras: list[tuple[int, int]] = []
    for p in paragraphs:
        if text:
            text += "\n\n"
        p_start = len(text)
        for i, s in enumerate(p):
            if i:
                text += " "
            sentences.append((len(text), len(text) + len(s)))
            text += s
        paras.append((p_start, len(text)))
    origin = str(extra.pop("origin", f"sample/{aid}.txt"))
    return Article(
        id=aid,
        origin=origin,
        origins=[origin],
        text=text,
        title=title,
        outlet=outlet,
        published=published,
        sentences=sentences,
        paragraphs=paras,
        format="txt",
        **extra,  # type: ignore[arg-type]
    )


WIRE = [
    [
        "A container crane collapsed at Pier 4 of Port Alder on Tuesday morning.",
        "Two workers were taken to hospital with minor injuries.",
    ],
    [
        "\u201cWe are grateful that no one was killed,\u201d harbour master Maria Okafor said.",
        "The port authority said inspections of all cranes would begin next week.",
        "The pier was closed to traffic for the rest of the day.",
    ],
]


def sample_dossier() -> Dossier:
    a1 = make_article(
        "wire01", WIRE, outlet="Coastal Wire", title="Crane collapses at Port Alder", published="2025-05-06"
    )
    a1.byline = "Jon Vale"
    a1.dateline = "PORT ALDER (CW) \u2014"
    a2 = make_article(
        "copy02",
        [
            [WIRE[0][0], WIRE[0][1]],
            [
                "\u201cWe are grateful no one was killed,\u201d harbour master Maria Okafor said.",
                WIRE[1][1],
                WIRE[1][2],
            ],
        ],
        outlet="Harbour Daily",
        title="Crane collapses at Port Alder",
        published="2025-05-06T14:00:00",
    )
    a2.removed = ["Subscribe to our newsletter for more harbour news.", "Share this article"]
    a3 = make_article(
        "rewr03",
        [
            [
                "A crane came down at Port Alder's Pier 4 on Tuesday.",
                "Two dock workers needed hospital treatment for minor injuries.",
            ],
            [
                "\u201cWe are lucky that nobody died,\u201d said Maria Okafor, the harbour master.",
                "Union leaders blamed years of deferred maintenance for the collapse.",
            ],
        ],
        outlet="Bay Herald",
        title="Crane falls at Pier 4",
        published="2025-05-07",
    )
    a4 = make_article(
        "indp04",
        [
            [
                "Three workers were taken to hospital after a crane fell at Pier 4 on Tuesday.",
                "\u201cWe are grateful that no one was killed,\u201d Maria Okafor told reporters.",
            ],
            [
                "Pier 4 was closed to traffic until the evening.",
                "\u201cInspections are overdue,\u201d said Tom Reyes, a crane operator.",
            ],
        ],
        outlet="Northern Times",
        title="Three hurt as crane falls",
        published="2025-05-06",
    )
    a6 = make_article(
        "part06",
        [
            ["Three workers were taken to hospital after a crane fell at Pier 4 on Tuesday."],
            ["In other news, Alder Rovers beat Kingsport 3-1 on Saturday."],
        ],
        outlet="Metro Digest",
        title="Briefs",
        published="2025-05-08",
    )
    a5 = make_article(
        "xss005",
        [
            [
                "The pier was closed to traffic <script>alert(5)</script> on Tuesday.",
                'Readers can [click here](javascript:alert(4)) or see <img src=x onerror="alert(6)"> javascript:alert(7).',
            ],
            ["\u201c<script>alert('q')</script> is fine,\u201d said <b>Mallory</b>."],
        ],
        outlet=XSS["outlet"],
        title=XSS["title"],
        published="2025-05-07",
        origin=XSS["origin"],
    )
    a5.byline = XSS["byline"]
    a5.removed = [XSS["removed"]]
    a7 = make_article(
        "other7",
        [["The city council approved a new bus lane on Elm Street.", "Work starts in June."]],
        outlet="Riverside Post",
        title="Bus lane approved",
        published="2025-04-30",
    )

    reuse = [
        Reuse(
            "wire01",
            "copy02",
            "copy",
            0.96,
            reasons=["published earlier", "wire dateline"],
            evidence=[
                ReuseEvidence(0, 0, 1.0, "verbatim"),
                ReuseEvidence(1, 1, 1.0, "verbatim"),
                ReuseEvidence(2, 2, 0.93, "paraphrase"),
                ReuseEvidence(3, 3, 1.0, "verbatim"),
                ReuseEvidence(4, 4, 1.0, "verbatim"),
            ],
        ),
        Reuse(
            "wire01",
            "rewr03",
            "rewrite",
            0.78,
            reasons=["published earlier"],
            evidence=[
                ReuseEvidence(0, 0, 0.82, "paraphrase"),
                ReuseEvidence(1, 1, 0.8, "paraphrase"),
                ReuseEvidence(2, 2, 0.71, "paraphrase"),
            ],
        ),
        Reuse(
            "indp04", "part06", "partial", 0.5, direction="undecided", evidence=[ReuseEvidence(0, 0, 1.0, "verbatim")]
        ),
    ]
    groups = [["wire01", "copy02", "rewr03"], ["indp04", "part06"], ["xss005"]]

    def m(article: str, sentence: int, text: str, claim: str) -> ClaimMention:
        return ClaimMention(article=article, sentence=sentence, text=text, claim=claim)

    claims = [
        StoryClaim(
            "c1",
            "A container crane collapsed at Pier 4 of Port Alder on Tuesday morning.",
            mentions=[
                m("wire01", 0, WIRE[0][0], "wire01:c0"),
                m("copy02", 0, WIRE[0][0], "copy02:c0"),
                m("rewr03", 0, "A crane came down at Port Alder's Pier 4 on Tuesday.", "rewr03:c0"),
                m(
                    "indp04",
                    0,
                    "Three workers were taken to hospital after a crane fell at Pier 4 on Tuesday.",
                    "indp04:c0",
                ),
            ],
            independent_sources=2,
            status="corroborated",
            groups=[0, 1],
        ),
        StoryClaim(
            "c2",
            "Two workers were taken to hospital with minor injuries.",
            mentions=[m("wire01", 1, WIRE[0][1], "wire01:c1"), m("copy02", 1, WIRE[0][1], "copy02:c1")],
            independent_sources=1,
            status="single_source",
            conflicts=["x1"],
            groups=[0],
        ),
        StoryClaim(
            "c3",
            "Three workers were taken to hospital after a crane fell at Pier 4 on Tuesday.",
            mentions=[m("indp04", 0, "Three workers were taken to hospital", "indp04:c0")],
            independent_sources=1,
            status="single_source",
            conflicts=["x1"],
            groups=[1],
        ),
        StoryClaim(
            "c4",
            "The port authority said inspections of all cranes would begin next week.",
            mentions=[m("wire01", 3, WIRE[1][1], "wire01:c3")],
            independent_sources=1,
            status="single_source",
            groups=[0],
        ),
        StoryClaim(
            "c5",
            "Union leaders blamed years of deferred maintenance for the collapse.",
            mentions=[
                m("rewr03", 3, "Union leaders blamed years of deferred maintenance for the collapse.", "rewr03:c3")
            ],
            independent_sources=1,
            status="unsupported_addition",
            groups=[0],
        ),
        StoryClaim(
            "c6",
            "The pier was closed to traffic <script>alert(5)</script> on Tuesday.",
            mentions=[
                m("wire01", 4, WIRE[1][2], "wire01:c4"),
                m("indp04", 2, "Pier 4 was closed to traffic until the evening.", "indp04:c2"),
                m("xss005", 0, "The pier was closed to traffic <script>alert(5)</script> on Tuesday.", "xss005:c0"),
            ],
            independent_sources=3,
            status="corroborated",
            groups=[0, 1, 2],
        ),
    ]
    conflicts = [
        Conflict(
            "x1",
            "number",
            "high",
            claims=["c2", "c3"],
            articles=["wire01", "indp04"],
            explanation="Coastal Wire says two workers were taken to hospital; Northern Times says three.",
            sides=[
                ConflictSide("wire01", 1, WIRE[0][1]),
                ConflictSide(
                    "indp04", 0, "Three workers were taken to hospital after a crane fell at Pier 4 on Tuesday."
                ),
            ],
        )
    ]
    okafor = "We are grateful that no one was killed,"
    quotes = [
        StoryQuote(
            "q1",
            okafor,
            "Maria Okafor",
            "said",
            "wire01",
            2,
            "verbatim",
            matches=[QuoteMatch("indp04", okafor, 1.0, 1, [DiffOp("=", okafor)])],
            reason="Northern Times, an independent source group, carries the same words",
        ),
        StoryQuote(
            "q2",
            "We are lucky that nobody died,",
            "Maria Okafor",
            "said",
            "rewr03",
            2,
            "altered",
            matches=[
                QuoteMatch(
                    "wire01",
                    okafor,
                    0.58,
                    2,
                    [
                        DiffOp("=", "We are"),
                        DiffOp("-", "grateful"),
                        DiffOp("+", "lucky"),
                        DiffOp("=", "that"),
                        DiffOp("-", "no one was killed,"),
                        DiffOp("+", "nobody died,"),
                    ],
                ),
                QuoteMatch("indp04", okafor, 0.55, 1, []),
            ],
            reason="the rewrite changes the words of the quote it takes from Coastal Wire",
        ),
        StoryQuote(
            "q3",
            "We are grateful no one was killed,",
            "Maria Okafor",
            "said",
            "copy02",
            2,
            "close",
            matches=[
                QuoteMatch(
                    "wire01",
                    okafor,
                    0.95,
                    2,
                    [DiffOp("=", "We are grateful"), DiffOp("-", "that"), DiffOp("=", "no one was killed,")],
                )
            ],
            reason="differs only by an elided word",
        ),
        StoryQuote(
            "q4",
            "<script>alert('q')</script> is fine,",
            "<b>Mallory</b>",
            "said",
            "xss005",
            2,
            "unattested",
            reason="no other article carries this quote",
        ),
        StoryQuote("q5", "Inspections are overdue,", "Tom Reyes", "said", "indp04", 3, "single_source"),
    ]
    story = Story(
        id="story-crane",
        headline="Crane collapses at Port Alder's Pier 4",
        articles=["wire01", "copy02", "rewr03", "indp04", "part06", "xss005"],
        reuse=reuse,
        groups=groups,
        claims=claims,
        quotes=quotes,
        conflicts=conflicts,
        off_topic=[OffTopic("part06", 1, "In other news, Alder Rovers beat Kingsport 3-1 on Saturday.", 0.81)],
        timeline=[
            TimelineEntry("2025-05-12", "week", "Inspections of all cranes are due to begin.", ["c4"], ["wire01"]),
            TimelineEntry(
                "2025-05-06", "day", "A crane collapses at Pier 4; the pier closes.", ["c1", "c6"], ["wire01", "indp04"]
            ),
        ],
        summary=[
            SummaryLine(
                "A container crane collapsed at Pier 4 on Tuesday and the pier was closed to traffic.",
                "corroborated",
                ["c1", "c6"],
                ["wire01", "indp04", "xss005"],
            ),
            SummaryLine(
                "Reports differ on how many workers went to hospital: two or three.",
                "contested",
                ["c2", "c3"],
                ["wire01", "indp04"],
            ),
        ],
    )
    quiet = Story(
        id="story-bus", headline='<script>alert("headline")</script> Bus lane', articles=["other7"], groups=[["other7"]]
    )
    return Dossier(
        schema="storytrace/dossier@1",
        generator=Generator("storytrace", "0.1.0"),
        settings={},
        articles=sorted([a1, a2, a3, a4, a5, a6, a7], key=lambda a: a.id),
        stories=[story, quiet],
        skipped=[Skipped("inbox/broken.pdf", "not a supported format: .pdf")],
    )
