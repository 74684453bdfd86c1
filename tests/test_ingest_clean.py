"""The copy editor on plain paragraphs: what is cut into ``removed`` and what is moved into metadata."""

from __future__ import annotations

import pytest

from storytrace.ingest.clean import clean_byline, edit, normalize
from storytrace.ingest.dates import parse_date
from storytrace.ingest.language import detect_language, language_code, read_as_english

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


def test_link_previews_and_embeds_are_cut() -> None:
    junk = [
        "https://t.co/Xy12AbCdEf",
        "www.example-news.com/local/2025/03/council-budget",
        "examplenews.com",
        "Image source, Getty Images",
        "Image caption, The council chamber on Monday",
        "Getty Images",
        "Photograph: Sam Lee/Reuters",
        "Link copied",
    ]
    out = edit([BODY, *junk, "The vote was 9 to 4."])
    assert out.paragraphs == [BODY, "The vote was 9 to 4."]
    assert out.removed == junk


def test_a_link_left_behind_inside_a_paragraph_is_cut() -> None:
    out = edit(["The council published the budget (opens in new tab) on its website on Monday."])
    assert out.paragraphs == ["The council published the budget on its website on Monday."]
    assert out.removed == ["(opens in new tab)"]


def test_an_embedded_post_keeps_its_words_and_credit_and_loses_its_picture_link() -> None:
    # outlets quote the same posts: the words and "— Name (@handle) date" are the quote and its speaker
    out = edit([BODY, "Budget day at the town hall pic.twitter.com/abc123XYZ", "— Jane Roe (@janeroe) March 12, 2025"])
    assert out.paragraphs == [BODY, "Budget day at the town hall", "— Jane Roe (@janeroe) March 12, 2025"]
    assert out.removed == ["pic.twitter.com/abc123XYZ"]


def test_a_writers_biography_and_contact_lines_are_cut_at_the_foot_only() -> None:
    middle = "Jane Roe is a reporter for the Gazette who was arrested at the protest, her editor said."
    foot = [
        "Sam Lee is a senior reporter for the Example Times covering city hall.",
        "Contact him at sam.lee@example.com.",
        "He can be reached at 555-0100 or sam.lee@example.com.",
    ]
    out = edit([BODY, middle, "The vote was 9 to 4.", *foot])
    assert out.paragraphs == [BODY, middle, "The vote was 9 to 4."]  # in the story, "is a reporter" is news
    assert out.removed == foot
    news_endings = ["Ana Ruiz was a reporter at the Gazette for 30 years.", "Police can be contacted on 101."]
    assert edit([BODY, *news_endings]).paragraphs == [BODY, *news_endings]  # an obituary's close, an appeal
    head = edit(["Sam Lee is a staff writer at the Example Times.", BODY])
    assert head.paragraphs == [BODY] and head.removed == ["Sam Lee is a staff writer at the Example Times."]


def test_the_authors_name_repeated_above_the_body_is_cut() -> None:
    out = edit(["Jane Roe", "By Jane Roe", BODY], title="Budget passes", byline="Jane Roe, Jane Roe")
    assert out.paragraphs == [BODY] and out.removed == ["Jane Roe", "By Jane Roe"]


@pytest.mark.parametrize(
    ("byline", "names", "wire"),
    [
        ("By Stephen Howard, PA News", "Stephen Howard", "PA Media"),
        ("By Jo Butler, Legal Affairs Correspondent, PA News", "Jo Butler", "PA Media"),
        ("Jane Roe, Jane Roe", "Jane Roe", None),
        ("Jane Roe Jane Roe", "Jane Roe", None),
        ("Sam Lee is a reporter for the Example Times.", "Sam Lee", None),
        ("Ana Ruiz and Staff Reporters", "Ana Ruiz", None),
        ("Ines Park, Leo Dunn", "Ines Park, Leo Dunn", None),  # nothing to cut: kept as written
        ("Courier Staff", "Courier Staff", None),  # names no one: kept
        ("By Reuters", "Reuters", "Reuters"),
        (None, None, None),
    ],
)
def test_byline_names(byline: str | None, names: str | None, wire: str | None) -> None:
    assert clean_byline(byline) == (names, wire)


def test_language_of_other_scripts_and_declared_tags() -> None:
    assert detect_language("Городской совет в понедельник утвердил бюджет библиотек на следующий год.") == "ru"
    assert (
        detect_language(
            "市議会は月曜日、来年度の図書館予算を長い議論の末に承認した。市長は新しい図書館を二つ建てる計画を説明した。"
        )
        == "ja"
    )
    assert detect_language("O conselho municipal aprovou na segunda-feira o orçamento das bibliotecas.") == "pt"
    assert detect_language("Ana Ruiz, 44") is None  # too short to say
    assert (language_code("en-GB"), language_code("pt_BR"), language_code(" EN "), language_code("")) == (
        "en",
        "pt",
        "en",
        None,
    )
    assert read_as_english("en") and read_as_english(None) and not read_as_english("de")
