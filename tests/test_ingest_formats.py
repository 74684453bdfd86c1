"""Every input format, read from real files: metadata, body, cleaning, and the example corpus's own metadata."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.ingest import read_document, read_inputs, read_text
from storytrace.ingest.wire import looks_like_wire_copy, read_wire
from storytrace.options import IngestOptions

DATA = Path(__file__).parent / "data" / "ingest"
CORPUS = Path(__file__).parent.parent / "examples" / "harbour-fire"


def one(path: Path | str, **opts: object) -> object:
    articles, skipped = read_inputs([str(path)], IngestOptions(**opts))  # type: ignore[arg-type]
    assert not skipped, skipped
    assert len(articles) == 1
    return articles[0]


def test_plain_text_title_dateline_wire_and_credit() -> None:
    a = one(DATA / "wire-copy.txt")
    assert a.title == "Ferry strike ends after two days"
    assert a.dateline == "GOTHAVEN (AP)"
    assert a.outlet == "Associated Press"  # a wire dateline names the outlet when nothing else does
    assert a.credits == ["The Associated Press"] and a.byline == "The Associated Press"
    assert a.text.startswith("Ferry crews returned to work on Wednesday")
    assert "contributed" not in a.text and a.format == "txt" and a.language == "en"
    assert [a.text[s:e] for s, e in a.paragraphs] == a.text.split("\n\n")


def test_markdown_front_matter_and_markup() -> None:
    a = one(DATA / "article.md")
    assert (a.title, a.byline, a.published, a.outlet) == (
        "Harbour cleanup draws 400 volunteers",
        "Sam Oyelaran",
        "2024-04-20",
        "Bayview Weekly",
    )
    assert "**" not in a.text and "](" not in a.text and not a.text.startswith(">")
    assert "About 400 volunteers collected" in a.text


def test_html_page_with_trafilatura_metadata() -> None:
    a = one(DATA / "saved-page.html")
    assert a.title == "Council votes to rebuild the old ferry pier"
    assert (a.outlet, a.byline, a.published, a.dateline) == (
        "Lakeside Gazette",
        "Marta Quell",
        "2024-06-04",
        "LAKESIDE",
    )
    assert "“a promise kept to the east side of town.”" in a.text  # curly quotes kept
    assert "€4.2 million" in a.text
    for furniture in ("Leave a comment", "Your email address will not be published", "Related stories", "cookies"):
        assert furniture not in a.text
        assert any(furniture in r for r in a.removed), furniture


def test_malformed_html_is_still_read() -> None:
    a = one(DATA / "broken-page.html")
    assert a.text.startswith("The Elm Street bridge reopened to traffic on Friday")


def test_jsonl_with_field_map_and_bad_lines() -> None:
    field_map = {
        "text": "article_body",
        "title": "headline_text",
        "outlet": "publisher.name",
        "published": "released",
        "byline": "writers",
    }
    path = DATA / "custom-fields.jsonl"
    articles, skipped = read_inputs([str(path)], IngestOptions(field_map=field_map))
    assert [a.origin for a in articles] == [f"{path}#1", f"{path}#4"]
    first = articles[0]
    assert (first.title, first.outlet, first.published, first.byline) == (
        "Tram line opens to the airport",
        "Tramville Times",
        "2024-09-14",
        "Ines Park, Leo Dunn",
    )
    assert first.dateline == "TRAMVILLE"
    reasons = {s.origin: s.reason for s in skipped}
    assert reasons[f"{path}#2"].startswith("no article text") and "--field text=" in reasons[f"{path}#2"]
    assert reasons[f"{path}#3"].startswith("invalid JSON")


def test_json_array_with_common_names(tmp_path: Path) -> None:
    records = [
        {
            "headline": "Dam inspection finds no cracks",
            "content": "Engineers found no cracks in the dam wall.",
            "source": "Valley News",
        },
        {
            "title": "School roof repaired",
            "body": "The school roof was repaired over the summer.",
            "date": "2024-08-30",
        },
    ]
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"articles": records}), encoding="utf-8")
    articles, skipped = read_inputs([str(path)])
    assert not skipped
    assert [(a.title, a.outlet, a.published) for a in articles] == [
        ("Dam inspection finds no cracks", "Valley News", None),
        ("School roof repaired", None, "2024-08-30"),
    ]


def test_rss_entries_with_cleaned_html_content() -> None:
    path = DATA / "feed.rss"
    articles, skipped = read_inputs([str(path)])
    assert not skipped
    assert [a.origin for a in articles] == [f"{path}#1", f"{path}#2"]
    first = articles[0]
    assert (first.title, first.outlet, first.byline, first.published) == (
        "Library extends opening hours",
        "Hillford Echo",
        "Olu Banjo",
        "2024-05-02",
    )
    assert "<p>" not in first.text and "until 9 p.m. on weekdays" in first.text
    assert "Share this article" in first.removed and "Share on Facebook" in first.removed
    assert articles[1].text.startswith("Cars will be banned from the market square")


def test_atom_entry() -> None:
    a = one(DATA / "feed.atom")
    assert (a.title, a.outlet, a.byline, a.published) == (
        "Flood barrier passes its first test",
        "Riverside Post",
        "Kai Rowe",
        "2024-07-08",
    )
    assert a.text.count("\n\n") == 1


def _write_warc(path: Path, pages: list[tuple[str, str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        for uri, ctype, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )


def test_warc_gz_html_responses_only(tmp_path: Path) -> None:
    page = (DATA / "saved-page.html").read_bytes()
    path = tmp_path / "crawl.warc.gz"
    _write_warc(
        path,
        [
            ("https://gazette.example/pier", "text/html; charset=utf-8", page),
            ("https://gazette.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
            ("https://gazette.example/robots.txt", "text/plain", b"User-agent: *"),
        ],
    )
    articles, skipped = read_inputs([str(path)])
    assert not skipped
    assert len(articles) == 1
    a = articles[0]
    assert a.origin == f"{path}#https://gazette.example/pier" and a.format == "warc"
    assert a.outlet == "Lakeside Gazette" and a.text.startswith("The town council voted")


def test_warc_without_html_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "images.warc"
    _write_warc(path, [("https://x.example/a.png", "image/png", b"\x89PNG\r\n\x1a\n")])
    articles, skipped = read_inputs([str(path)])
    assert not articles and skipped[0].reason == "no HTML responses in the WARC file"


def test_gzipped_html_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress((DATA / "saved-page.html").read_bytes()))
    assert one(path).outlet == "Lakeside Gazette"


def test_same_text_twice_is_one_article_with_both_origins(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(DATA / "wire-copy.txt", copy)
    articles, skipped = read_inputs([str(DATA / "wire-copy.txt"), str(copy)])
    assert not skipped and len(articles) == 1
    assert articles[0].origin == str(DATA / "wire-copy.txt")
    assert articles[0].origins == [str(DATA / "wire-copy.txt"), str(copy)]


def test_order_is_deterministic() -> None:
    a1, _ = read_inputs([str(DATA)])
    a2, _ = read_inputs([str(DATA)])
    assert [a.id for a in a1] == [a.id for a in a2]
    assert [a.origin for a in a1] == sorted(a.origin for a in a1)


def test_read_text_and_read_document_for_uploads() -> None:
    a = read_text("Pool reopens\n\nThe town pool reopened on Sunday after a new filter was fitted.", "pasted text")
    assert a.title == "Pool reopens" and a.origin == "pasted text"
    html = (DATA / "saved-page.html").read_bytes()
    articles, skipped = read_document(html, "upload:pier.html")
    assert not skipped and articles[0].outlet == "Lakeside Gazette"
    articles, skipped = read_document(b"\x00\x01binary", "upload:x.txt")
    assert not articles and skipped[0].reason == "binary file"


def test_example_corpus_metadata_matches_expected() -> None:
    expected = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
    articles, skipped = read_inputs([str(CORPUS)])
    assert not skipped  # README.md, EXPECTED.md and EXPECTED.json are notes, not articles
    by_file = {Path(a.origin).name: a for a in articles}
    assert sorted(by_file) == sorted(expected["articles"])
    for name, meta in expected["articles"].items():
        a = by_file[name]
        for key in ("title", "published", "dateline", "byline"):
            assert getattr(a, key) == meta[key], (name, key)
        if meta["outlet"] is not None:
            assert a.outlet == meta["outlet"], name
    # The issue asks for a wire dateline to name the outlet when nothing else does: "(MP)" is Meridian Press.
    assert by_file["kessingby-port-fire.txt"].outlet == "Meridian Press"
    for b in expected["boilerplate"]:
        a = by_file[b["file"]]
        assert any(b["removed_contains"] in r for r in a.removed), b
        assert b["removed_contains"] not in a.text, b


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_read_text_formats(fmt: str) -> None:
    body = "The harbour master said on Monday that the channel had been dredged to nine metres."
    text = {
        "txt": body,
        "md": f"# Channel dredged\n\n{body}",
        "html": f"<html><body><article><p>{body}</p></article></body></html>",
    }[fmt]
    assert body in read_text(text, f"pasted.{fmt}", fmt=fmt).text


# --------------------------------------------------------------------------------------------------------------------
# Raw wire copy (a desk system's export, as the Press Association's files in the METER corpus); the files in
# tests/data/ingest are made up in that layout


def test_raw_wire_copy_is_read_as_paragraphs_with_its_headline() -> None:
    a = one(DATA / "pa-lighthouse1.txt")
    assert a.title == "KEEPER DENIES ‘SABOTAGE’ OF LIGHTHOUSE LAMP"
    assert (a.byline, a.outlet, a.published) == ("Morwen Fitch", "PA Media", "2001-05-14")
    assert a.text.startswith("A former lighthouse keeper told Gullhaven Crown Court today that he did “nothing")
    pars = [a.text[s:e] for s, e in a.paragraphs]
    assert len(pars) == 5 and pars[-1] == "The trial continues."
    assert "went dark for six hours on the night of January 12, leaving a cargo ship" in pars[1]  # lines rejoined
    assert "£42,000" in a.text and "“I loved that light. I would never have hurt it,” Mr Tambe" in a.text
    for junk in ("---", "<", "\x19", "Page 1", "``", "mfl", "ADVISORY"):
        assert junk not in a.text and junk not in (a.title or "")
    assert "11:05 14/05/01: Page 1 (HHH) COURTS Lighthouse" in a.removed and "mfl" in a.removed
    assert "(ADVISORY: Note correct spelling of Oriel Tambe)" in a.removed
    assert a.language == "en" and len(a.sentences) >= 6


def test_wire_copy_is_told_by_its_content_not_its_name(tmp_path: Path) -> None:
    # a later page of the story, with no extension: no headline, its filing date, body from the first line
    a = one(DATA / "pa-lighthouse2")
    assert a.title is None and a.published == "2001-05-14"
    assert a.text.startswith("Cross-examined by prosecutor Idris Vane, Mr Tambe agreed that he had keys")
    assert a.text.endswith("The hearing was adjourned until tomorrow.") and "end" in a.removed
    renamed = tmp_path / "notes.md"  # a wrong extension does not make it Markdown
    renamed.write_bytes((DATA / "pa-lighthouse1.txt").read_bytes())
    articles, _ = read_document(renamed.read_bytes(), "upload:copy")
    assert articles[0].title == "KEEPER DENIES ‘SABOTAGE’ OF LIGHTHOUSE LAMP"


def test_wire_copy_wrapped_in_an_html_page(tmp_path: Path) -> None:
    body = (DATA / "pa-lighthouse2").read_text(encoding="ascii").split("Lighthouse\n", 1)[1].split("\n", 1)[1]
    page = tmp_path / "search-result.txt"
    page.write_text(
        "<HTML><HEAD><TITLE>Search utility</TITLE></HEAD><BODY><HR><CENTER><PRE>"
        "<H1><P>11:40 14/05/01: Page 2 (HHH) COURTS Lighthouse</P></H1></CENTER><HR>" + body + "</PRE></BODY></HTML>",
        encoding="ascii",
    )
    a = one(page)
    assert a.text.startswith("Cross-examined by prosecutor") and "<" not in a.text and "HTML" not in a.text
    assert a.published == "2001-05-14"


def test_a_desk_advisory_alone_is_no_story(tmp_path: Path) -> None:
    header = (DATA / "pa-lighthouse2").read_text(encoding="ascii").split("Cross-examined", 1)[0]
    note = tmp_path / "lighthouseadv.txt"
    note.write_text(
        header + "(ATTENTION NEWS EDITORS: NOT FOR PUBLICATION: the jury is out.)<\nend<\n", encoding="ascii"
    )
    articles, skipped = read_inputs([str(note)])
    assert not articles and [s.reason for s in skipped] == ["a note to the desks (wire advisory), no story"]


def test_plain_text_is_not_wire_copy() -> None:
    prose = (DATA / "wire-copy.txt").read_text(encoding="utf-8")
    assert not looks_like_wire_copy(prose)
    # a "<" inside lines, or closing one line of many, is no paragraph mark
    maths = "The rule is that a < b for every pair.\nAnd c < d when both are known <\n" + "Prose goes on here.\n" * 20
    assert not looks_like_wire_copy(maths)
    assert looks_like_wire_copy((DATA / "pa-lighthouse2").read_text(encoding="ascii"))


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
_PARAGRAPH = st.lists(_WORD, min_size=4, max_size=60).map(lambda ws: " ".join(ws).capitalize() + ".")


def _wrapped(par: str, width: int) -> list[str]:
    lines, line = [], ""
    for w in par.split():
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return [*lines, line]


@settings(max_examples=60, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=8), st.integers(min_value=40, max_value=90))
def test_wire_paragraphs_round_trip(paragraphs: list[str], width: int) -> None:
    """Any paragraphs, hard-wrapped at any width under a page header, come back as written."""
    lines = ["-" * 72, "", "   09:15 02/03/04: Page 2 (HHH) NEWS Test", "-" * 72]
    for par in paragraphs:
        wrapped = _wrapped(par, width)
        wrapped[-1] += "<"
        lines += ["\x19" + wrapped[0], *wrapped[1:]]
    lines.append("\x19end<")
    (draft,) = read_wire("\n".join(lines) + "\n", "x").drafts
    assert draft.paragraphs == paragraphs and draft.title is None and draft.published == "2004-03-02"
