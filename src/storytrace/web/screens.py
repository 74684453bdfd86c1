"""Web-app pages for ``make screens`` (bench/screens.py): ingest the example corpus into a temporary database,
start ``storytrace serve`` on a free local port, and name the pages worth a screenshot.

Register in bench/screens.py with ``WEB_TARGETS.append(web_targets)``.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "examples" / "harbour-fire"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def web_targets(corpus: Path = CORPUS) -> tuple[list[tuple[str, str]], Callable[[], None]]:
    """(name, URL) pairs of the web app over the example corpus, and the function that stops the server."""
    from storytrace.dossier.html import story_anchor
    from storytrace.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="storytrace-web-screens-"))
    db = tmp / "screens.db"
    expected = corpus / "EXPECTED.json"
    if expected.exists():  # the article files only, not the corpus's README
        files = sorted(str(corpus / name) for name in json.loads(expected.read_text(encoding="utf-8"))["articles"])
    else:
        files = [str(corpus)]
    with open_store(db) as store:
        store.ingest(files)
        stories = store.list_stories()
        story = store.get_story(stories[0].id) if stories else None
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    url = f"http://127.0.0.1:{port}"
    targets = [("web-stories", url + "/"), ("web-upload", url + "/upload")]
    # triage: the list filtered to the stories with accusations, every size shown
    targets.append(("web-triage", url + "/?only_accused=1&min_articles=1&sort=accusations"))
    if story is not None:
        if story.claims:
            targets.append(("web-claim", f"{url}/claims/{story.id}/{story.claims[0].id}"))
        targets.append(("web-story", f"{url}/stories/{story.id}"))
        targets.append(("web-story-claims", f"{url}/stories/{story.id}#{story_anchor(story.id)}-claims-h"))
        targets.append(("web-article", f"{url}/articles/{story.articles[0]}"))

    def stop() -> None:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

    return targets, stop
