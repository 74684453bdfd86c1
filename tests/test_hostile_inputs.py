"""The regression set of issue 13: each hostile input found by hand or by the fuzzer (bench/reliability.py), as a
small file written by the test, read by the real readers and the real CLI. Each ends as articles or as one plain
``skipped`` line, fast; nothing raw reaches the terminal; one bad article after ingest is left out, not fatal.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storytrace.claims.dates import anchor_date, find_dates
from storytrace.cli import app, shown
from storytrace.errors import InputError
from storytrace.ingest import article_id, read_document, read_inputs
from storytrace.ingest.safety import budget_for, time_budget
from storytrace.ingest.sentences import split_sentences
from storytrace.options import IngestOptions
from storytrace.records import Article

runner = CliRunner()
GOOD = "The port authority said the harbour would reopen on Monday after the fire was put out, officials added.\n"
# Each hostile input must be read in well under issue 13's 2 s goal on a quiet machine; the bound here leaves room
# for a test machine shared with other jobs (the bench measures the real figure).
FAST_S = 5.0
ESC = "\x1b"


def _read(tmp_path: Path, name: str, data: bytes | str, **options: int) -> tuple[list[Article], list[tuple[str, str]]]:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    t0 = time.perf_counter()
    articles, skipped = read_inputs([str(path)], IngestOptions(**options))  # type: ignore[arg-type]
    assert time.perf_counter() - t0 < FAST_S, f"{name} took {time.perf_counter() - t0:.1f} s"
    return articles, [(s.origin, s.reason) for s in skipped]


# --------------------------------------------------------------------------------------------------------------------
# Linear time: the quadratic and backtracking cases of issue 13


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("long-word.txt", "Harbour fire\n\n" + "a" * 10_000 + ". The port reopened on Monday, officials said."),
        ("blank-lines.md", "# Harbour fire\n\n" + GOOD + "\n" * 100_000 + GOOD.replace("Monday", "Tuesday")),
        ("one-line.txt", GOOD.strip() * 2_000),  # about 200 KB in one paragraph
        ("one-line.md", ("The **mayor [said `the _port " + GOOD.strip()) * 1_500),
        ("sentences.txt", "Sentence. " * 100_000),
        ("brackets.md", "Harbour fire\n\n" + "[" * 200_000),
    ],
)
def test_pathological_text_is_read_fast(tmp_path: Path, name: str, data: str) -> None:
    articles, skipped = _read(tmp_path, name, data)
    assert len(articles) + len(skipped) == 1


def test_the_time_budget_skips_a_document_that_runs_over() -> None:
    t0 = time.perf_counter()
    with (
        pytest.raises(InputError, match="took longer than 0 s of processor time to read"),
        time_budget("slow.txt", 0.2),
    ):
        while time.perf_counter() - t0 < 10:  # stands in for a reader stuck in a loop
            pass
    assert time.perf_counter() - t0 < 2
    assert budget_for(20_000_000) > budget_for(0) > 0  # linear readers: the budget grows with the input


def test_sentence_splitting_of_a_million_characters_is_linear() -> None:
    t0 = time.perf_counter()
    spans = split_sentences("Sentence. " * 100_000)
    assert len(spans) == 100_000
    assert time.perf_counter() - t0 < FAST_S


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*"aZ .!?…\"'”)(\n\t1", "U.S.", "Dr.", "Jan.", " No. 5", "\u00a0", "The"])).map("".join)
)
def test_sentence_spans_are_in_bounds_sorted_and_trimmed(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        last = end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_sentence_spans_hold_for_any_text(text: str) -> None:
    spans = split_sentences(text)
    assert spans == sorted(spans)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000), st.sampled_from(["txt", "md", "html", "json", "jsonl", "warc", "feed", None]))
def test_any_bytes_in_any_format_are_read_or_skipped(data: bytes, fmt: str | None) -> None:
    articles, skipped = read_document(data, "fuzzed.bin", fmt=fmt)
    assert articles or skipped
    for a in articles:
        a.text.encode("utf-8")  # nothing downstream meets an unencodable code point
        json.dumps(a.title)


_EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".rss", ".atom", ".xml", ".warc", ".warc.gz", ".gz", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2_000), st.sampled_from(_EXTENSIONS), st.booleans())
def test_any_file_is_read_or_skipped_by_read_inputs(data: bytes, ext: str, gzipped: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{ext}"
        path.write_bytes(gzip.compress(data) if gzipped else data)
        articles, skipped = read_inputs([str(path)])
    assert articles or skipped
    assert all(s.reason and "\n" not in s.reason and "Error" not in s.reason for s in skipped)


# --------------------------------------------------------------------------------------------------------------------
# Bad data inside a good container


def test_lone_surrogates_are_replaced_at_ingest(tmp_path: Path) -> None:
    doc = '{"title": "Fire \\ud800 at the port", "text": "The mayor \\udfff said ' + GOOD.strip() + '"}'
    articles, skipped = _read(tmp_path, "surrogate.json", doc)
    assert skipped == []
    (art,) = articles
    assert "\ufffd" in art.text and "\ufffd" in (art.title or "")
    art.text.encode("utf-8")
    assert article_id(art.text)
    with sqlite3.connect(":memory:") as db:  # what the store does with it
        db.execute("create table t (x text)")
        db.execute("insert into t values (?)", (art.text,))


def test_text_over_the_parser_limit_is_skipped_with_a_reason(tmp_path: Path) -> None:
    articles, skipped = _read(tmp_path, "huge.txt", "Harbour fire\n\n" + "word " * 210_000)
    assert articles == []
    assert skipped == [(str(tmp_path / "huge.txt"), "article text too long to analyse (over 1,000,000 characters)")]


def test_one_bad_jsonl_line_skips_that_line_only(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": GOOD}),
        '{"text": ' + "1" * 5_000 + "}",  # over Python's 4,300-digit limit for int()
        "[" * 100_000 + "]" * 100_000,  # deeper than the recursion limit
        json.dumps({"text": GOOD.replace("Monday", "Friday")}),
    ]
    articles, skipped = _read(tmp_path, "mixed.jsonl", "\n".join(lines))
    assert len(articles) == 2
    path = tmp_path / "mixed.jsonl"
    assert skipped == [
        (f"{path}#2", "invalid JSON (a number too long to read)"),
        (f"{path}#3", "invalid JSON (nested too deeply)"),
    ]


def test_an_empty_json_list_is_a_skipped_line(tmp_path: Path) -> None:
    assert _read(tmp_path, "empty.json", "[]") == (
        [],
        [(str(tmp_path / "empty.json"), "an empty JSON list (no articles)")],
    )


def test_reader_failures_give_plain_reasons(tmp_path: Path) -> None:
    # lxml raised "AssertionError: too many bodies" on this; such text must never reach a reason
    page = "<html>" + f"<body><p>{GOOD}</p></body>" * 50 + "</html>"
    articles, skipped = _read(tmp_path, "bodies.html", page)
    assert len(articles) + len(skipped) == 1
    assert not any("Error" in reason for _, reason in skipped)


def test_impossible_iso_dates_in_text_never_raise() -> None:
    for text in ("It happened on 2025-13-45 at the port.", "Filed 0000-00-00, updated 2025-02-30."):
        assert anchor_date(None, None, text) == (None, None)
        mentions = find_dates(text, 0, len(text), None, None)
        assert all(m.value is None for m in mentions if m.text[:1].isdigit())
    assert anchor_date(None, None, "Filed 2025-03-11.")[0] is not None  # a possible date still anchors


# --------------------------------------------------------------------------------------------------------------------
# Bombs and damaged archives


def test_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # 50 MB from about 50 KB
    _, skipped = _read(tmp_path, "bomb.txt.gz", bomb, max_bytes=1_000_000)
    assert skipped == [(str(tmp_path / "bomb.txt.gz"), "too large when decompressed (over 1.0 MB)")]


def _warc(html: str, length_delta: int = 0) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}".encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Target-URI: http://a.invalid/\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + length_delta}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def test_warc_gz_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    page = "<html><body><p>" + " " * 30_000_000 + GOOD + "</p></body></html>"
    bomb = b"".join(gzip.compress(r, compresslevel=9) for r in (_warc(page), _warc(page)))
    _, skipped = _read(tmp_path, "bomb.warc.gz", bomb, max_bytes=5_000_000)
    assert skipped == [(str(tmp_path / "bomb.warc.gz"), "too large when decompressed (over 5.0 MB)")]


def test_multi_member_warc_gz_is_read(tmp_path: Path) -> None:
    page = f"<html><head><title>Harbour fire</title></head><body><article><p>{GOOD * 3}</p></article></body></html>"
    data = b"".join(gzip.compress(r) for r in (_warc(page), _warc(page.replace("Monday", "Sunday"))))
    articles, skipped = _read(tmp_path, "two.warc.gz", data)
    assert len(articles) == 2 and skipped == []


def test_damaged_warc_warnings_become_one_reason(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    page = f"<html><body><article><p>{GOOD * 3}</p></article></body></html>"
    _, skipped = _read(tmp_path, "damaged.warc", _warc(page, length_delta=-40) + _warc(page))
    captured = capfd.readouterr()
    assert captured.err == ""  # warcio's multi-line warning with raw bytes did not reach stderr
    path = str(tmp_path / "damaged.warc")
    assert (path, "damaged WARC file (records with a wrong length; the readable ones were kept)") in skipped


# --------------------------------------------------------------------------------------------------------------------
# Names: not UTF-8, unreadable, with escapes


def test_file_names_that_are_not_utf8_work_end_to_end(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9-fire.txt")
    (tmp_path / name).write_text(GOOD * 3, encoding="utf-8")
    articles, skipped = read_inputs([str(tmp_path)])
    assert skipped == []
    (art,) = articles
    assert art.origin.endswith("caf\\xe9-fire.txt")
    art.origin.encode("utf-8")


NOBODY = 65534  # the conventional uid/gid of "nobody": permissions mean nothing to root, so root tests as nobody


def _read_as_nobody(paths: list[str]) -> dict[str, list]:
    """``read_inputs`` of each path, in a forked child that runs as nobody when we are root (the child does not exec:
    the interpreter under /root is out of nobody's reach)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, read, report, leave without running the parent's cleanup
        code = 1
        try:
            os.close(rfd)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            out = {}
            for p in paths:
                articles, skipped = read_inputs([p])
                out[p] = [len(articles), [[s.origin, s.reason] for s in skipped]]
            os.write(wfd, json.dumps(out).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return json.loads(data)


def test_unreadable_subdirectory_is_reported() -> None:
    top = Path(tempfile.mkdtemp(prefix="storytrace-perm-"))  # not under pytest's 0700 tmp: nobody must reach it
    locked = top / "locked"
    try:
        top.chmod(0o755)
        (top / "ok.txt").write_text(GOOD * 3)
        locked.mkdir()
        (locked / "a.txt").write_text(GOOD)
        locked.chmod(0)
        result = _read_as_nobody([str(top), str(locked)])
    finally:
        locked.chmod(0o755)
        shutil.rmtree(top)
    reason = "cannot read directory (permission denied)"
    assert result[str(top)] == [1, [[str(locked), reason]]]  # the walk goes on past it, and says so
    assert result[str(locked)] == [0, [[str(locked), reason]]]  # named explicitly: not "has no article files"


def test_shown_escapes_every_terminal_control() -> None:
    for raw in ("\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "a\nb", "a\rb", "\u202eevil", "\x7f", os.fsdecode(b"\xff")):
        out = shown(raw)
        assert all(c.isprintable() for c in out), repr(out)
    assert shown("caf\u00e9 \u201cquoted\u201d") == "caf\u00e9 \u201cquoted\u201d"


def test_skipped_lines_never_print_escapes_or_split(tmp_path: Path) -> None:
    nasty = tmp_path / "\x1b]0;pwned\x07 \x1b[2J\nskipped fake: line.txt"
    nasty.write_bytes(b"")  # empty: a skipped line naming the file
    result = runner.invoke(app, ["analyze", str(nasty), "--quiet"])
    assert result.exit_code == 1
    assert ESC not in result.stderr and "\x07" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("skipped ") and lines[0].endswith(": empty file")


# --------------------------------------------------------------------------------------------------------------------
# End to end: one run over every kind of bad article, with the parser and the embedder


def test_analyze_and_stores_survive_hostile_articles(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    title = "Fire \x1b[2J\x1b]0;pwned\x07 [bold]at[/bold] the port"
    (corpus / "escape.json").write_text(json.dumps({"title": title, "text": GOOD * 3}))
    (corpus / "surrogate.json").write_text(
        '{"title": "Lone \\ud800", "text": "Dated 2025-13-45. ' + GOOD.strip() * 2 + '"}'
    )
    (corpus / os.fsdecode(b"bad-\xff-name.txt")).write_text("0000-00-00\n\n" + GOOD.replace("Monday", "Friday") * 2)
    (corpus / "empty.json").write_text("[]")
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["analyze", str(corpus), "--json", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert ESC not in result.output and ESC not in result.stderr
    dossier = json.loads(out.read_text(encoding="utf-8"))
    assert len(dossier["articles"]) == 3
    assert [s["reason"] for s in dossier["skipped"]] == ["an empty JSON list (no articles)"]

    db = tmp_path / "s.db"
    result = runner.invoke(app, ["ingest", str(corpus), "--db", str(db)])
    assert result.exit_code == 1, result.output
    result = runner.invoke(app, ["stories", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert ESC not in result.output and "\x07" not in result.output
    assert "1 story" in result.output


def test_a_document_that_breaks_the_parser_is_left_out() -> None:
    from storytrace.pipeline import PARSER_FAILED, analyze_articles

    def article(text: str, origin: str) -> Article:
        return Article(id=article_id(text), origin=origin, origins=[origin], text=text, sentences=split_sentences(text))

    good = article(GOOD * 3, "good.txt")
    # built directly, past ingest's guard: a text over spaCy's limit makes the parser raise (E088)
    huge = article("word " * 210_000, "huge.txt")
    skipped: list = []
    stories = analyze_articles([good, huge], skipped=skipped)
    assert [(s.origin, s.reason) for s in skipped] == [("huge.txt", PARSER_FAILED)]
    assert [s.articles for s in stories] == [[good.id]]


def test_a_document_that_breaks_the_parser_is_left_out_of_the_store(tmp_path: Path) -> None:
    from storytrace.pipeline import PARSER_FAILED
    from storytrace.store import open_store

    def article(text: str, origin: str) -> Article:
        return Article(id=article_id(text), origin=origin, origins=[origin], text=text, sentences=split_sentences(text))

    good = article(GOOD * 3, "good.txt")
    huge = article("word " * 210_000, "huge.txt")  # past ingest's guard, as above
    with open_store(str(tmp_path / "st.db")) as store:
        report = store.add_articles([good, huge])
        assert report.added == [good.id]
        assert [(s.origin, s.reason) for s in report.skipped] == [("huge.txt", PARSER_FAILED)]
        assert [a.id for a in store.dossier().articles] == [good.id]
