"""Two articles side by side (`storytrace compare`): a wire story and its rewrite, two independent reports, stored
ids, one-line errors, and the HTML page in a real Chromium (both columns shown, hostile text inert)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from browser_fixtures import PHONE
from explain_samples import INDEPENDENT, REWRITE, WIRE, write
from storytrace.cli import app
from storytrace.compare import Comparison, compare_inputs, render_compare_html

runner = CliRunner()

HOSTILE = {
    "title": "<script>alert(1)</script> Altbrook road <img src=x onerror=alert(2)>",
    "outlet": "<b onmouseover=alert(3)>Evil Ledger</b>",
    "published": "2025-10-14T12:00:00Z",
    "text": REWRITE["text"].replace(
        "Reuters contributed to this report.", "Readers wrote in: <script>alert(4)</script> javascript:alert(5)."
    ),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compare")
    pairs = (("wire", WIRE), ("rewrite", REWRITE), ("independent", INDEPENDENT), ("hostile", HOSTILE))
    return {name: write(folder, name, article) for name, article in pairs}


@pytest.fixture(scope="module")
def wire_rewrite(files: dict[str, Path]) -> Comparison:
    return compare_inputs(str(files["wire"]), str(files["rewrite"]))


def test_a_rewrite_of_a_wire_story(wire_rewrite: Comparison) -> None:
    c = wire_rewrite
    assert c.reuse is not None and c.reuse.direction == "decided"
    assert (c.reuse.source, c.reuse.derived) == (c.left.id, c.right.id)
    assert c.verdict.startswith("Lakeside Tribune took from Reuters: a rewrite")
    assert any("credits Reuters" in b.reason for b in c.because)
    assert c.same_story and c.tie is not None and c.tie.score >= c.threshold
    # shared passages: the reuse evidence, the wire's sentence on the left and the rewrite's on the right
    assert len(c.passages) >= 4
    for p in c.passages:
        assert p.left in c.left.text and p.right in c.right.text
    assert any("excavators" in p.left and "excavators" in p.right for p in c.passages)
    assert any(p.quoted for p in c.passages) and not all(p.quoted for p in c.passages)
    # the quote the rewrite cut down: both wordings, the rewrite's flagged
    (quote,) = c.quotes
    assert "one lane" in quote.left and "the road" in quote.right
    assert quote.fidelity["right"] == "altered"
    assert {d.op for d in quote.diff} >= {"-", "+"}
    assert any(d.op == "-" and "one lane" in d.text for d in quote.diff)
    assert any(x.kind == "quote" for x in c.conflicts)
    assert any("2019" in claim.text for claim in c.only_left)  # the wire's background the rewrite dropped


def test_sides_follow_the_order_given(files: dict[str, Path], wire_rewrite: Comparison) -> None:
    swapped = compare_inputs(str(files["rewrite"]), str(files["wire"]))
    assert swapped.reuse is not None and (swapped.reuse.source, swapped.reuse.derived) == (
        swapped.right.id,
        swapped.left.id,
    )
    assert [(p.left, p.right) for p in swapped.passages] == [(p.right, p.left) for p in wire_rewrite.passages]
    assert [q.fidelity["left"] for q in swapped.quotes] == ["altered"]


def test_two_independent_reports(files: dict[str, Path]) -> None:
    c = compare_inputs(str(files["wire"]), str(files["independent"]))
    assert c.reuse is None and c.because == []
    assert c.verdict.startswith("No reuse found")
    assert all(p.match == "close in meaning" for p in c.passages)
    assert c.tie is not None and "Piet Oram" in c.tie.names
    assert c.only_left and c.only_right
    assert not any(claim.status == "unsupported_addition" for claim in c.only_right)


def test_the_command_prints_and_writes_html(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "compare.html"
    result = runner.invoke(app, ["compare", str(files["wire"]), str(files["rewrite"]), "--html", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Lakeside Tribune took from Reuters: a rewrite" in text
    assert "Shared passages" in text and "Shared quotes" in text and "What each has alone" in text
    assert "because the derived article credits Reuters" in text
    page = out.read_text(encoding="utf-8")
    doc = lxml_html.fromstring(page)
    assert doc.xpath("//script") == [] and doc.xpath("//@*[starts-with(name(), 'on')]") == []
    assert doc.get_element_by_id("col-left") is not None and doc.get_element_by_id("col-right") is not None


def test_stored_ids_with_db(files: dict[str, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    ingest = runner.invoke(app, ["ingest", str(files["wire"]), str(files["rewrite"]), "--db", db, "--quiet"])
    assert ingest.exit_code == 0, ingest.output
    from storytrace.store import open_store

    with open_store(db) as store:
        ids = {store.get_article(a).outlet: a for a in store.article_ids()}
    result = runner.invoke(app, ["compare", ids["Reuters"], ids["Lakeside Tribune"], "--db", db])
    assert result.exit_code == 0, result.output
    assert "Lakeside Tribune took from Reuters" in " ".join(result.output.split())


def test_errors_are_one_line(files: dict[str, Path], tmp_path: Path) -> None:
    two = tmp_path / "two.jsonl"
    two.write_text(json.dumps(WIRE) + "\n" + json.dumps(INDEPENDENT) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    wire = str(files["wire"])
    cases = [
        (["compare", wire, wire], "are the same text"),
        (["compare", wire, str(two)], "holds 2 articles: compare takes one article on each side"),
        (["compare", wire, str(tmp_path / "missing.json")], "missing.json"),
        (["compare", wire, str(empty)], f"{empty}:"),
        (["compare", wire, "abc123", "--db", str(tmp_path / "none.db")], "no database at"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        text = " ".join(result.output.split())  # the console wraps a long line at its width
        assert result.exit_code == 2, (args, result.output)
        assert text.startswith("error: ") and text.count("error:") == 1 and message in text, (args, result.output)
        assert "Traceback" not in text


# --------------------------------------------------------------------------------------------------------------------
# in a browser


@pytest.fixture(scope="module")
def hostile_page(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    c = compare_inputs(str(files["wire"]), str(files["hostile"]))
    path = tmp_path_factory.mktemp("page") / "compare.html"
    path.write_text(render_compare_html(c), encoding="utf-8")
    return path.as_uri()


@pytest.mark.browser
def test_page_shows_both_columns_and_keeps_hostile_text_inert(new_page: Any, hostile_page: str) -> None:
    page = new_page()
    page.goto(hostile_page)
    left, right = page.locator("#col-left"), page.locator("#col-right")
    assert left.is_visible() and right.is_visible()
    lb, rb = left.bounding_box(), right.bounding_box()
    assert lb["x"] + lb["width"] <= rb["x"] and abs(lb["y"] - rb["y"]) < 2  # side by side
    assert "Reuters" in left.inner_text()
    assert "<script>alert(1)</script>" in right.inner_text()  # shown as text
    assert "<b onmouseover=alert(3)>Evil Ledger</b>" in right.inner_text()
    # the passages sit in the two columns too
    row = page.locator("#passages ~ .row").first
    assert row.locator(".card.left").is_visible() and row.locator(".card.right").is_visible()
    right.hover()
    page.wait_for_timeout(200)
    assert page.dialogs == []
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('img, b[onmouseover]').length") == 0


@pytest.mark.browser
def test_page_fits_a_phone(new_page: Any, hostile_page: str) -> None:
    page = new_page(viewport=PHONE)
    page.goto(hostile_page)
    assert page.locator("#col-left").is_visible() and page.locator("#col-right").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.dialogs == []
