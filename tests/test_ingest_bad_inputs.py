"""Bad input never takes the batch down: each bad input is one Skipped line, the rest is read. Real files only."""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from storytrace.ingest import read_inputs
from storytrace.options import IngestOptions

DATA = Path(__file__).parent / "data" / "ingest"
GOOD = DATA / "wire-copy.txt"


def read_with_good(bad: str | Path, **opts: object) -> str:
    """Read a good file beside ``bad``; return the one reason given for ``bad``."""
    articles, skipped = read_inputs([str(GOOD), str(bad)], IngestOptions(**opts))  # type: ignore[arg-type]
    assert [a.origin for a in articles] == [str(GOOD)], "the good file must still be read"
    assert len(skipped) == 1, skipped
    assert skipped[0].origin == str(bad)
    reason = skipped[0].reason
    assert reason and "\n" not in reason
    return reason


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 4)
    assert read_with_good(path) == "binary file"


def test_pdf_with_an_article_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert read_with_good(path) == "binary file (PDF)"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_with_good(path) == "empty file"
    blank = tmp_path / "blank.md"
    blank.write_text("\n   \n\t\n")
    assert read_with_good(blank) == "empty file"


def test_latin1_text_is_read() -> None:
    articles, skipped = read_inputs([str(DATA / "latin1.txt")])
    assert not skipped
    assert articles[0].title == "Café owners welcome new market rules"
    assert "«fair»" in articles[0].text


def test_undecodable_bytes(tmp_path: Path) -> None:
    # Shift-JIS Japanese: not UTF-8, and read as Latin-1 it is a run of accented symbols, not prose.
    path = tmp_path / "tokyo.txt"
    path.write_bytes("東京の港で火災が発生し、倉庫が全焼した。消防によると、けが人はいない。".encode("shift_jis") * 3)
    assert read_with_good(path).startswith("undecodable bytes")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Long story\n\n" + "The council met again on Monday. " * 100)
    reason = read_with_good(path, max_bytes=1000)
    assert reason.startswith("too large") and "--max-bytes" in reason


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("not really a docx")
    assert read_with_good(path).startswith("unsupported file type '.docx'")


def test_missing_path_and_glob_without_match(tmp_path: Path) -> None:
    assert read_with_good(tmp_path / "nowhere.txt") == "no such file or directory"
    assert read_with_good(str(tmp_path / "*.html")) == "no file matches this pattern"


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    assert read_with_good(link) == "broken symbolic link"


def test_named_pipe_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    # Opening a FIFO with no writer would block forever: the reader must refuse it from its file type.
    assert read_with_good(fifo) == "not a regular file (named pipe)"


def test_path_through_a_file(tmp_path: Path) -> None:
    # A file where a directory is expected: the OS refuses with ENOTDIR, even for root.
    (tmp_path / "plain.txt").write_text("x")
    reason = read_with_good(tmp_path / "plain.txt" / "story.txt")
    assert reason == "no such file or directory" or reason.startswith("cannot read")


def test_empty_directory(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert read_with_good(empty) == "directory has no article files"


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert read_with_good(path) in {"no article text found in the HTML", "no article text left after cleaning"}


def test_json_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"title": "Half a record", "text": ')
    assert read_with_good(path).startswith("invalid JSON")


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text("<?xml version='1.0'?><config><debug>true</debug></config>")
    assert read_with_good(path) == "XML file that is not an RSS/Atom feed"


def test_text_of_nothing_but_furniture(tmp_path: Path) -> None:
    path = tmp_path / "furniture.txt"
    path.write_text("Share this article\nLeave a comment\nAdvertisement\n")
    assert read_with_good(path) == "no article text left after cleaning"


def test_bad_field_map_is_a_usage_error() -> None:
    from storytrace.errors import UsageError

    with pytest.raises(UsageError):
        read_inputs([str(GOOD)], IngestOptions(field_map={"headline": "x"}))


# --- URLs ------------------------------------------------------------------------------------------------------------


@pytest.fixture()
def local_site(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(DATA / "saved-page.html", site / "pier.html")
    (site / "story").write_bytes((DATA / "saved-page.html").read_bytes())  # no extension: content type decides

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(site), **kw)  # type: ignore[arg-type]

        def guess_type(self, path: object) -> str:
            return "text/html; charset=utf-8" if str(path).endswith(("story", ".html")) else "text/plain"

        def log_message(self, *a: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_url_from_a_local_server(local_site: str) -> None:
    articles, skipped = read_inputs([f"{local_site}/pier.html", f"{local_site}/story", f"{local_site}/missing.html"])
    assert len(articles) == 1  # the two URLs serve the same text: one article, two origins
    assert articles[0].origins == [f"{local_site}/pier.html", f"{local_site}/story"]
    assert articles[0].outlet == "Lakeside Gazette" and articles[0].format == "url"
    assert [(s.origin, s.reason) for s in skipped] == [(f"{local_site}/missing.html", "HTTP 404 File not found")]


def test_url_when_offline() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connections are refused
        url = f"http://127.0.0.1:{port}/story.html"
        articles, skipped = read_inputs([str(GOOD), url], IngestOptions(timeout_s=5))
    assert len(articles) == 1
    assert skipped[0].origin == url
    assert skipped[0].reason.startswith("cannot connect (offline or host unreachable")
    assert "\n" not in skipped[0].reason
