"""The copy editor on plain paragraphs: what is cut into ``removed`` and what is moved into metadata."""

from __future__ import annotations

from storytrace.ingest.clean import edit, normalize
from storytrace.ingest.dates import parse_date
from storytrace.ingest.language import detect_language

BODY = "The council approved the budget on Monday after a four-hour debate, officials said."


def test_furniture_is_cut_and_kept() -> None:
    furniture = [
        "Share this article",
        "Share on Facebook",
        "Sign up for our newsletter",
        "Stay informed! Sign up for our newsletter.",
        "Leave a comment",
        "Your email address will not be published. Required fields are marked *",
        "Post Comment",
        "We use cookies to improve your experience.",
        "Read more: Ten harbour towns to visit this spring",
        "Related stories",
        "Advertisement",
        "Tags: council, budget",
        "Home › Local News",
        "© 2025 The Example Times. All rights reserved.",
    ]
    out = edit([BODY, *furniture])
    assert out.paragraphs == [BODY]
    assert out.removed == furniture


def test_header_lines_section_label_title_byline_date() -> None:
    out = edit(
        [
            "WORLD",
            "Budget passes",
            "Budget passes",
            "By Jane Roe and John Doe",
            "Published: 12 March 2025, 14:05",
            BODY,
        ],
        guess_title=True,
    )
    assert out.title == "Budget passes"
    assert out.byline == "Jane Roe and John Doe"
    assert out.published == "2025-03-12"
    assert out.removed == ["WORLD", "Budget passes"]
    assert out.paragraphs == [BODY]


def test_dateline_and_wire() -> None:
    out = edit(["PORT VALMORA, Estland (MP) — A fire destroyed a grain warehouse on Tuesday.", BODY])
    assert out.dateline == "PORT VALMORA, Estland (MP)" and out.wire == "Meridian Press"
    assert out.paragraphs[0] == "A fire destroyed a grain warehouse on Tuesday."
    out = edit(["LONDON, March 5 (Reuters) - Shares rose on Tuesday, traders said.", BODY])
    assert out.dateline == "LONDON, March 5 (Reuters)" and out.wire == "Reuters"


def test_not_a_dateline() -> None:
    text = "The mayor — who was re-elected last year — said the budget was fair."
    out = edit([text])
    assert out.dateline is None and out.paragraphs == [text]


def test_credit_lines() -> None:
    out = edit([BODY, "Meridian Press contributed to this report."])
    assert out.credits == ["Meridian Press"] and out.byline == "Meridian Press" and out.paragraphs == [BODY]
    out = edit([BODY, "(Reporting by Ana Lee in Oslo; Editing by Tom Hart)"])
    assert out.credits == ["Ana Lee", "Tom Hart"]
    out = edit(["By Sam Cole", BODY, "Jo Park contributed reporting."])
    assert out.byline == "Sam Cole" and out.credits == ["Jo Park"]


def test_a_sentence_about_comments_is_kept() -> None:
    text = "Residents left more than 300 comments on the plan, and the council said it would read every one."
    assert edit([text]).paragraphs == [text]


def test_normalize_keeps_curly_quotes_and_composes() -> None:
    assert normalize("“Cafe\u0301”\u00a0 said\u200b she") == "“Café” said she"


def test_dates() -> None:
    assert parse_date("2025-03-12T06:40:00+01:00") == "2025-03-12"
    assert parse_date("Wed, 12 Mar 2025 06:40:00 +0100") == "2025-03-12"
    assert parse_date("March 12, 2025") == "2025-03-12"
    assert parse_date("12 March 2025, 14:05", strict=False) == "2025-03-12"
    assert parse_date("Share this article") is None
    assert parse_date("31 February 2025") is None


def test_language() -> None:
    assert detect_language(BODY) == "en"
    assert (
        detect_language("Der Stadtrat hat am Montag den Haushalt für das nächste Jahr mit großer Mehrheit beschlossen.")
        == "de"
    )
    assert detect_language("Le conseil municipal a approuvé le budget de la ville pour l'année prochaine.") == "fr"
    assert detect_language("Too short") is None
