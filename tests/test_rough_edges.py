"""Rough edges seen on a fresh clone (issue 12 part 7), each fixed and pinned here: `serve` on a mistyped database,
on port 0 and on a busy port; flags shown as "<bool>" in help; "published no publication dates" and "0 MB"
wording; quoted sentences boxed across the line above; map labels piled on each other; claim rows shown twice; a
report of many stories a million pixels tall. (The story list's "contested" against the page's "conflicts" is one
number now: tests/test_triage.py.)"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from report_sample import make_article
from storytrace.cli import app
from storytrace.dossier.html import render_html, render_story_html
from storytrace.dossier.markdown import render_markdown
from storytrace.dossier.svg import NODE_H, NODE_W, draw_map
from storytrace.dossier.triage import TriageFilter, filter_dossier
from storytrace.records import Dossier, Generator, Reuse, Story, StoryClaim
from storytrace.web import create_app
from storytrace.web.security import limit_text

SVG = "{http://www.w3.org/2000/svg}"
runner = CliRunner()


def serve(*args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


# -- serve -------------------------------------------------------------------------------------------------------------


def test_serve_refuses_a_database_that_is_not_there(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "typo.db")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: no database at {tmp_path / 'typo.db'} (fill one with: storytrace ingest PATH --db "
        f"{tmp_path / 'typo.db'}; or serve an empty one: --create)"
    )
    assert not (tmp_path / "typo.db").exists() and "serving" not in result.stdout


def test_serve_create_and_port_zero_print_the_real_address(tmp_path: Path) -> None:
    import httpx

    proc = serve("--db", "new.db", "--create", "--port", "0", cwd=tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:(\d+)/) ", line)
        assert found and found.group(2) != "0", line
        assert httpx.get(found.group(1), timeout=30).status_code == 200  # bound before it said so
        assert (tmp_path / "new.db").exists()
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_on_a_busy_port_fails_in_one_line(corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    shutil.copy(corpus_db, db)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = serve("--db", str(db), "--port", str(port))
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert out == ""  # nothing claimed to be serving
    assert err.strip() == (
        f"error: cannot serve on 127.0.0.1:{port}: the port is already in use (choose another with --port, or "
        "--port 0 for any free one)"
    )


# -- help ------------------------------------------------------------------------------------------------------------


def test_help_shows_no_types_on_flags_and_keeps_brackets() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert "analyze" in names and "serve" in names
    for name in names:
        result = runner.invoke(app, [name, "--help"], terminal_width=120)
        assert result.exit_code == 0, name
        assert "<bool>" not in result.output, name
    analyze = runner.invoke(app, ["analyze", "--help"], terminal_width=120).output
    assert "needs the [ray] extra" in analyze  # help text printed as written, not read as markup
    assert re.search(r"--quiet\s+No summary", analyze)
    assert "--json FILE" in analyze and "--field NAME=FIELD" in analyze


# -- wording -----------------------------------------------------------------------------------------------------------


def _undated_dossier() -> Dossier:
    a = make_article(
        "nodate01",
        [["A ferry ran aground off Kessingby on Monday.", "Nobody was hurt."]],
        outlet="Kessingby Post",
        title="Ferry aground",
        published="",
    )
    a.published = None
    story = Story(id="story-nodate", headline="Ferry aground", articles=[a.id], groups=[[a.id]])
    return Dossier("storytrace/dossier@1", Generator("storytrace", "test"), {}, [a], [story])


def test_a_story_without_dates_says_so_plainly() -> None:
    dossier = _undated_dossier()
    for text in (render_story_html(dossier, "story-nodate"), render_html(dossier), render_markdown(dossier)):
        flat = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        assert "no publication dates" in flat
        assert "published no publication dates" not in flat


def test_upload_limits_read_in_sizes_people_use(corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "limits.db"
    shutil.copy(corpus_db, db)
    client = TestClient(create_app(db, allowed_hosts=["testserver"], max_upload_bytes=100 * 1024))
    assert "at most 100 KB in all" in client.get("/upload").text
    big = client.post(
        "/upload", files={"files": ("big.txt", b"word " * 30_000)}, headers={"accept": "application/json"}
    )
    assert big.status_code == 413
    assert "100 KB" in big.json()["error"]["message"] and "0 MB" not in big.json()["error"]["message"]
    default = TestClient(create_app(db, allowed_hosts=["testserver"]))
    assert "at most 5 MB in all" in default.get("/upload").text


@given(st.integers(min_value=1, max_value=10**12))
def test_a_limit_is_never_written_as_zero(n: int) -> None:
    text = limit_text(n)
    assert re.fullmatch(r"[1-9][\d,]*(\.\d)? (bytes?|KB|MB)", text), text


# -- the article page's quoted sentences --------------------------------------------------------------------------------


@pytest.mark.browser
def test_quoted_sentences_draw_no_box_over_the_line_above(corpus_db: Path, tmp_path: Path, new_page) -> None:
    from storytrace.store import open_store

    db = tmp_path / "quotes.db"
    shutil.copy(corpus_db, db)
    with open_store(db) as store:
        quoted = next(
            a for a in store.article_ids() if store.get_facts(a).quotes and len(store.get_article(a).sentences) > 3
        )
    proc = serve("--db", str(db), "--port", "0")
    try:
        assert proc.stdout is not None
        url = re.search(r"at (http://\S+/) ", proc.stdout.readline()).group(1)  # type: ignore[union-attr]
        page = new_page()
        page.goto(f"{url}articles/{quoted}")
        spans = page.locator(".article-text .sentence.quote")
        assert spans.count() > 0
        for i in range(spans.count()):
            box = spans.nth(i).evaluate(
                """e => { const s = getComputedStyle(e); return [s.paddingTop, s.paddingBottom, s.borderTopWidth,
                s.borderLeftWidth, s.marginTop]; }"""
            )
            assert box == ["0px", "0px", "0px", "0px", "0px"], box
        # a quote's box in the report's quote list is still drawn
        story = page.locator(".crumbs a").nth(1).get_attribute("href")
        page.goto(url.rstrip("/") + story)
        assert page.locator("li.quote").first.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"
    finally:
        proc.terminate()
        proc.wait(10)


# -- the provenance map's labels ----------------------------------------------------------------------------------------


def _boxes(svg: str) -> tuple[list[tuple[float, float, float, float]], list[tuple[float, float, float, float]], int]:
    root = ET.fromstring(svg)
    nodes, labels = [], []
    for g in root.iter():
        cls = g.get("class", "")
        if g.tag in (f"{SVG}a", f"{SVG}g") and cls.startswith("node"):
            r = g.find(f"{SVG}rect")
            nodes.append((float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height"))))
        elif cls.startswith("edge-label"):
            r = g.find(f"{SVG}rect")
            labels.append((float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height"))))
    edges = sum(1 for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("edge "))
    return nodes, labels, edges


def _apart(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


@st.composite
def busy_stories(draw: st.DrawFn) -> tuple[list[str], list[list[str]], list[Reuse]]:
    n = draw(st.integers(2, 30))
    members = [f"art{i:02d}" for i in range(n)]
    cut = sorted(draw(st.sets(st.integers(1, n - 1), max_size=4)))
    groups = [members[a:b] for a, b in zip([0, *cut], [*cut, n], strict=True)]
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    reuse = [
        Reuse(
            source=members[a],
            derived=members[b],
            kind=draw(st.sampled_from(["copy", "rewrite", "partial"])),
            score=draw(st.floats(0.2, 1.0)),
            direction=draw(st.sampled_from(["decided", "decided", "undecided"])),
            credited=draw(st.sampled_from([None, True, False])),
        )
        for a, b in sorted(pairs)
        if a != b
    ]
    return members, groups, reuse


@settings(max_examples=60, deadline=None)
@given(busy_stories())
def test_map_labels_never_overlap(story: tuple[list[str], list[list[str]], list[Reuse]]) -> None:
    members, groups, reuse = story
    articles = {
        a: make_article(a, [[f"Text {a}."]], outlet=f"Outlet {a}", title=a, published="2025-03-01") for a in members
    }
    drawing = draw_map("m", members, groups, reuse, articles, {a: f"Outlet {a}" for a in members})
    nodes, labels, edges = _boxes(drawing.svg)
    assert len(nodes) == len(members) and all(w == NODE_W and h == NODE_H for _, _, w, h in nodes)
    assert len(labels) + drawing.labels_left_out == edges == len(reuse)
    for i, a in enumerate(labels):
        assert all(_apart(a, n) for n in nodes), "a label covers a node"
        assert all(_apart(a, b) for b in labels[i + 1 :]), "two labels overlap"
    if drawing.labels_left_out:
        assert "the table below has every link" in drawing.svg


def test_a_map_with_labels_left_out_opens_its_table(corpus_dossier) -> None:
    # a fan of 24 copies of one wire story, all in one group: more arrows than their labels have room for
    members = [f"fan{i:02d}" for i in range(25)]
    articles = [
        make_article(a, [[f"Text {a}."]], outlet=f"Paper {a}", title=a, published="2025-03-01") for a in members
    ]
    reuse = [Reuse(source=members[0], derived=a, kind="copy", score=0.9, credited=False) for a in members[1:]]
    reuse += [Reuse(source=members[i], derived=members[i + 1], kind="rewrite", score=0.5) for i in range(1, 24)]
    story = Story(id="fan", headline="A fan of copies", articles=members, groups=[members], reuse=reuse)
    dossier = Dossier("storytrace/dossier@1", Generator("storytrace", "test"), {}, articles, [story])
    doc = lxml.html.fromstring(render_story_html(dossier, "fan"))
    table = doc.find_class("as-text")[0]
    left_out = doc.find_class("labels-left-out")
    assert left_out and table.get("open") is not None
    assert len(table.xpath(".//tbody/tr")) == len(reuse)  # every link in the table


# -- claims shown once ---------------------------------------------------------------------------------------------------


def test_each_sentence_is_one_claim_row_and_one_summary_line(corpus_dossier) -> None:
    story = max(corpus_dossier.stories, key=lambda s: len(s.articles))
    texts = [" ".join(c.text.split()) for c in story.claims]
    assert len(texts) > len(set(texts))  # the corpus has sentences that make two claims: the test can fail
    doc = lxml.html.fromstring(render_story_html(corpus_dossier, story.id))
    shown = [
        " ".join(th.text_content().split()) for th in doc.xpath("//table[@class='matrix']//th[@class='claim-text']")
    ]
    shown = [t for t in shown if not t.startswith("↳ another statement")]
    lines = (
        [" ".join(li.text_content().split()) for li in doc.find_class("one-source-list")[0]]
        if doc.find_class("one-source-list")
        else []
    )
    everything = shown + [re.sub(r"^G\d+ ", "", t) for t in lines]  # a line starts with its group's tag
    for text in set(texts):
        assert sum(1 for t in everything if t.startswith(text)) == 1, text
    # every claim keeps its anchor, the second claim of a sentence included
    ids_on_page = {e.get("id") for e in doc.iter() if e.get("id")}
    assert {f"s-{story.id}-c-{c.id}" for c in story.claims} <= ids_on_page
    summary = [" ".join(li.text_content().split()) for li in doc.xpath("//ul[contains(@class,'summary-lines')]/li")]
    assert len(summary) == len(set(summary)) and summary
    md = render_markdown(corpus_dossier)
    claim_lines = [ln for ln in md.splitlines() if " independent" in ln and ln.startswith("- ")]
    written = [ln.split(" — ")[0] for ln in claim_lines if not ln.startswith("- Another statement of")]
    assert len(written) == len(set(written))


def test_a_claim_row_of_the_second_statement_points_up(corpus_dossier) -> None:
    story = max(corpus_dossier.stories, key=lambda s: len(s.articles))
    doc = lxml.html.fromstring(render_story_html(corpus_dossier, story.id))
    rows = doc.xpath("//table[@class='matrix']//tr[contains(@class,'same-sentence')]")
    assert rows
    for row in rows:
        prev = row.getprevious()
        assert prev is not None and prev.tag == "tr"
        assert row.find_class("same-note")[0].text_content() == "↳ another statement of the sentence above"


# -- a report of many stories --------------------------------------------------------------------------------------------


def _many_stories(base: Dossier, copies: int) -> Dossier:
    """The corpus's stories again and again, each copy with its own ids: a pile of many stories."""
    stories, articles = [], []
    for n in range(copies):
        rename = {a.id: f"{a.id[:12]}{n:04d}" for a in base.articles}
        for a in base.articles:
            articles.append(type(a).from_dict({**a.to_dict(), "id": rename[a.id]}))
        for s in base.stories:
            text = re.sub("|".join(map(re.escape, rename)), lambda m: rename[m.group()], json.dumps(s.to_dict()))
            copy = Story.from_dict(json.loads(text))
            copy.id = f"{s.id}-{n}"
            stories.append(copy)
    return Dossier(base.schema, base.generator, base.settings, articles, stories)


@pytest.mark.browser
def test_a_report_of_many_stories_folds_and_one_story_stays_open(corpus_dossier, tmp_path: Path, new_page) -> None:
    many = _many_stories(corpus_dossier, 12)
    path = tmp_path / "many.html"
    path.write_text(render_html(many), encoding="utf-8")
    page = new_page()
    page.goto(path.as_uri())
    folded = page.evaluate("document.documentElement.scrollHeight")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    unfolded = page.evaluate("document.documentElement.scrollHeight")
    assert folded * 10 < unfolded, (folded, unfolded)
    # a link into a folded story opens it
    target = f"a-{many.stories[3].articles[0]}"
    page.goto(path.as_uri())
    page.goto(f"{path.as_uri()}#{target}")
    assert page.locator(f"#{target}").is_visible()
    # a report of one story is not folded and has no index
    one = filter_dossier(corpus_dossier, TriageFilter.build(min_articles=6))
    assert len(one.stories) == 1
    doc = lxml.html.fromstring(render_html(one))
    assert not doc.find_class("story-fold") and not doc.find_class("index")


def test_one_source_claims_are_lines_not_matrix_rows(corpus_dossier) -> None:
    story = max(corpus_dossier.stories, key=lambda s: len(s.articles))
    doc = lxml.html.fromstring(render_story_html(corpus_dossier, story.id))
    rows = doc.xpath("//table[@class='matrix']/tbody/tr")
    lines = doc.find_class("one-source-list")[0].xpath("./li")
    in_matrix = [c for c in story.claims if c.status != "single_source" or c.independent_sources > 1 or c.conflicts]
    assert len(rows) >= len(in_matrix) and lines
    for li in lines:  # none of them is corroborated, contested or added
        cid = li.get("id").rsplit("-c-", 1)[1]
        claim = next(c for c in story.claims if c.id == cid)
        assert claim.status == "single_source" and claim.independent_sources <= 1 and not claim.conflicts
    assert isinstance(story.claims[0], StoryClaim)
