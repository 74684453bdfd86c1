"""The web app through FastAPI's TestClient (fast checks; the browser tests are in test_web_browser.py), over a real
SQLite store holding the example corpus."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storytrace.dossier import validate
from storytrace.store import open_store
from storytrace.web import create_app
from storytrace.web.security import CSP, is_binary

STORM = b"""Storm floods Brentwick seafront

A storm flooded the seafront of Brentwick on Sunday night, the city council said.
Waves up to four metres high damaged the promenade and forced the closure of three cafes.
Council leader Oliver Hale said repairs would cost at least 2 million euros.
"""

XSS = b"""Dock fire <script>alert(1)</script> closes pier <img src=x onerror=alert(1)>

Firefighters battled a dock fire at Port Valmora on Monday <a href="javascript:alert(1)">x</a> before dawn.
The harbour master <b onmouseover="alert(1)" onclick="alert(1)">Ana Ruiz</b> said the pier would reopen on Friday.
"We were lucky <svg onload=alert(1)>", she said. <iframe src="javascript:alert(1)"></iframe>
Nobody was hurt in the fire, the port authority said.
"""


@pytest.fixture(scope="module")
def db(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(corpus_db, path)
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, allowed_hosts=["testserver", "127.0.0.1"]))


def story_ids(html: str) -> list[str]:
    return re.findall(r'data-story="([^"]+)"', html)


def test_story_list_sorts_and_searches(client: TestClient, db: Path) -> None:
    with open_store(db) as store:
        stored = store.list_stories()
        by_size = [s.id for s in stored]
        recent = [s.id for s in store.list_stories(sort="recent")]
        contested = [s.id for s in store.list_stories(sort="contested")]
    # min_articles=1: every story (the list hides single-article ones by default; tests/test_triage.py)
    page = client.get("/?min_articles=1")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert story_ids(page.text) == by_size and len(by_size) >= 2
    assert story_ids(client.get("/?sort=recent&min_articles=1").text) == recent
    assert story_ids(client.get("/?sort=contested&min_articles=1").text) == contested
    for s in stored:
        assert f"/stories/{s.id}" in page.text
    # search by a word of one story only (the Kessingby timber shed fire is the corpus's other story)
    hits = story_ids(client.get("/", params={"q": "kessingby", "min_articles": 1}).text)
    assert hits and len(hits) < len(by_size)
    assert story_ids(client.get("/", params={"q": "KESSINGBY", "min_articles": 1}).text) == hits
    nothing = client.get("/", params={"q": "zebra crossing in Ulaanbaatar"})
    assert story_ids(nothing.text) == [] and "No story matching" in nothing.text
    assert client.get("/?sort=alphabetical").status_code == 400
    listing = client.get("/stories.json?min_articles=1").json()
    assert [s["id"] for s in listing["stories"]] == by_size


def test_story_page_shows_every_section(client: TestClient, db: Path) -> None:
    with open_store(db) as store:
        story = store.list_stories()[0]
        full = store.get_story(story.id)
    page = client.get(f"/stories/{story.id}")
    assert page.status_code == 200
    for section in ("summary", "map", "claims", "conflicts", "quotes", "timeline", "offtopic", "articles"):
        assert re.search(rf'id="s-[^"]*-{section}"', page.text), f"no {section} section"
    assert "<svg" in page.text  # the provenance map
    assert '<link rel="stylesheet" href="/static/report.css">' in page.text
    for aid in full.articles:
        assert f'href="/articles/{aid}"' in page.text
    css = client.get("/static/report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and len(css.text) > 500


def test_article_page_has_sentence_anchors(client: TestClient, db: Path) -> None:
    with open_store(db) as store:
        story = store.get_story(store.list_stories()[0].id)
        article = store.get_article(story.articles[0])
    page = client.get(f"/articles/{article.id}")
    assert page.status_code == 200
    anchors = re.findall(rf'id="a-{article.id}-s(\d+)"', page.text)
    assert [int(a) for a in anchors] == list(range(len(article.sentences)))
    assert f'href="/stories/{story.id}"' in page.text
    assert client.get(f"/articles/{article.id}.json").json()["id"] == article.id


def test_json_dossiers_validate(client: TestClient, db: Path) -> None:
    with open_store(db) as store:
        ids = [s.id for s in store.list_stories()]
    whole = client.get("/dossier.json")
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("application/json")
    validate(whole.json())
    assert sorted(s["id"] for s in whole.json()["stories"]) == sorted(ids)
    for sid in ids:
        one = client.get(f"/stories/{sid}.json")
        validate(one.json())
        assert [s["id"] for s in one.json()["stories"]] == [sid]
        assert client.get(f"/stories/{sid}.json").content == one.content  # a stable URL gives stable bytes


def test_unknown_ids_are_404_with_one_error_shape(client: TestClient) -> None:
    for url in ("/stories/s-nope.json", "/articles/nope.json", "/no/such/path.json"):
        r = client.get(url)
        assert r.status_code == 404
        body = r.json()
        assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}
        assert body["error"]["status"] == 404 and isinstance(body["error"]["message"], str)
    api = client.get("/stories/s-nope", headers={"accept": "application/json"})
    assert api.status_code == 404 and api.json()["error"]["status"] == 404
    for url in ("/stories/s-nope", "/articles/nope"):
        page = client.get(url)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert ("no " in page.text and "s-nope" in page.text) or "nope" in page.text


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    responses = [
        client.get("/"),
        client.get("/upload"),
        client.get("/dossier.json"),
        client.get("/static/report.css"),
        client.get("/stories/s-nope"),
        client.post("/upload", files={"files": ("x.exe", b"MZ")}),
        client.post("/upload", files={"files": ("a.txt", b"hi")}, headers={"origin": "http://evil.example"}),
        client.get("/", headers={"host": "evil.example"}),
    ]
    for r in responses:
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert responses[-1].status_code == 400  # a Host header we do not serve (DNS rebinding)


def test_upload_adds_an_article_and_its_story(client: TestClient) -> None:
    r = client.post("/upload", files={"files": ("storm.txt", STORM, "text/plain")})
    assert r.status_code == 200, r.text
    links = re.findall(r'href="/articles/([0-9a-f]+)"', r.text)
    assert len(links) == 1
    article = client.get(f"/articles/{links[0]}.json").json()
    assert article["origins"] == ["upload:storm.txt"]
    assert "Storm floods Brentwick seafront" in client.get("/", params={"q": "brentwick"}).text
    again = client.post(
        "/upload", files={"files": ("storm.txt", STORM, "text/plain")}, headers={"accept": "application/json"}
    )
    assert again.status_code == 200 and again.json()["added"] == [] and again.json()["unchanged"] == links


def test_upload_limits_and_types(client: TestClient) -> None:
    json_accept = {"accept": "application/json"}

    def post(name: str, data: bytes, **headers: str):
        return client.post("/upload", files={"files": (name, data)}, headers={**json_accept, **headers})

    big = post("big.txt", b"word " * (1024 * 1024 + 10))
    assert big.status_code == 413 and big.json()["error"]["status"] == 413
    assert post("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10).status_code == 415
    assert post("nul.txt", b"hello\x00world").status_code == 415
    assert post("tool.exe", b"MZ\x90\x00").status_code == 415
    assert post("feed.json", b"<rss></rss>").status_code == 415
    assert post("feed.xml", b"not xml at all").status_code == 415
    assert post("empty.txt", b"  \n").status_code == 422
    no_file = client.post("/upload", data={"x": "y"}, headers=json_accept)
    assert no_file.status_code == 400 and no_file.json()["error"]["status"] == 400
    forged = post("a.txt", STORM, origin="http://evil.example")
    assert forged.status_code == 403 and forged.json()["error"]["message"] == "cross-origin request refused"
    assert post("a.txt", STORM, origin="null").status_code == 403
    assert post("a.txt", STORM, referer="http://evil.example/page").status_code == 403
    assert post("a.txt", STORM, origin="http://testserver").status_code == 200
    # Fetch Metadata wins over Origin: a cross-site form cannot pass by also sending a matching Origin
    assert post("a.txt", STORM, **{"sec-fetch-site": "cross-site", "origin": "http://testserver"}).status_code == 403
    assert post("a.txt", STORM, **{"sec-fetch-site": "same-site"}).status_code == 403
    assert post("a.txt", STORM, **{"sec-fetch-site": "same-origin", "origin": "null"}).status_code == 200


def test_binary_sniffing() -> None:
    assert is_binary(b"%PDF-1.7\n...")
    assert is_binary(b"PK\x03\x04zip")
    assert is_binary("plain text".encode("utf-16"))  # NUL bytes
    assert not is_binary("Café au lait, 3 € — “quoted”".encode())
    assert not is_binary("Café au lait".encode("cp1252"))
    assert not is_binary(("é" * 40000).encode())  # a multi-byte character cut at the sniffing window


def test_xss_article_is_escaped_in_the_html(client: TestClient) -> None:
    r = client.post("/upload", files={"files": ("xss.txt", XSS, "text/plain")}, headers={"accept": "application/json"})
    assert r.status_code == 200, r.text
    (aid,) = r.json()["added"]
    (sid,) = r.json()["stories"][aid]
    for url in (f"/articles/{aid}", f"/stories/{sid}", "/", "/?q=dock"):
        html = client.get(url).text
        assert "<script" not in html.lower()
        assert "<img src=x" not in html and "<iframe" not in html and "<svg onload" not in html
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "an event-handler attribute made it into the markup"
        assert 'href="javascript:' not in html.lower()
    article_html = client.get(f"/articles/{aid}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article_html
    assert json.loads(client.get(f"/articles/{aid}.json").text)["title"].startswith("Dock fire <script>")


def test_upload_takes_every_format_the_cli_reads_and_reports_each_refused_file(client: TestClient) -> None:
    import gzip

    feed = (Path(__file__).parent / "data" / "ingest" / "feed.rss").read_bytes()
    wire = (Path(__file__).parent / "data" / "ingest" / "pa-lighthouse1.txt").read_bytes()
    record = json.dumps(
        {"title": "Ferry back on time", "text": "The island ferry ran on time all week, the operator said."}
    )
    files = [
        ("files", ("news.rss", feed, "application/rss+xml")),  # the CLI reads .rss: so does the upload
        ("files", ("pile.ndjson.gz", gzip.compress(record.encode() + b"\n"), "application/gzip")),
        ("files", ("lighthouse.txt", wire, "text/plain")),  # raw wire copy: told by its content
        ("files", ("tool.exe", b"MZ\x90\x00", "application/octet-stream")),
        ("files", ("empty.md", b"  \n", "text/markdown")),
        ("files", ("photo.gz", b"\x1f\x8b not really gzip", "application/gzip")),
    ]
    r = client.post("/upload", files=files, headers={"accept": "application/json"})
    assert r.status_code == 200, r.text
    reasons = {s["origin"]: s["reason"] for s in r.json()["skipped"]}
    assert set(reasons) == {"upload:tool.exe", "upload:empty.md", "upload:photo.gz"}  # one line each
    assert reasons["upload:tool.exe"].startswith("not a file type storytrace reads (.txt,")
    assert reasons["upload:empty.md"] == "the file is empty"
    added = r.json()["added"]
    titles = {client.get(f"/articles/{a}.json").json()["title"] for a in added}
    assert {"Ferry back on time", "KEEPER DENIES ‘SABOTAGE’ OF LIGHTHOUSE LAMP"} <= titles and len(added) >= 3
    page = client.post("/upload", files=files[3:])  # nothing readable: each file still has its own line
    assert page.status_code == 422 and "No article was added." in page.text and "Not read (3)" in page.text
    assert page.text.count('<span class="origin">upload:') == 3
    only_types = client.post("/upload", files=[files[3], ("files", ("notes.docx", b"PK\x03\x04", "x"))])
    assert only_types.status_code == 415 and "upload:notes.docx" in only_types.text


def test_upload_form_lists_the_formats_read(client: TestClient) -> None:
    form = client.get("/upload").text
    for ext in (".txt", ".warc", ".warc.gz", ".rss", ".atom", ".ndjson", ".gz"):
        assert ext in form
