"""Screenshots for a person to look at: the HTML report (desktop and phone), and web-app pages added by its helper.

    make screens            # writes bench/screens/*.png

The report is built from the example corpus (``storytrace analyze examples/harbour-fire/``) when it is present,
else from the hand-built sample dossier of the tests; from the corpus too, ``storytrace explain`` on its biggest
story (the terminal's output recorded as HTML) and the ``storytrace compare`` page of one of its reuse links.
Web-app pages: append ``(name, url)`` pairs from a function registered in ``WEB_TARGETS`` (each called with nothing,
returning the pairs and a cleanup callable), e.g. a function that starts ``storytrace serve`` on a free port.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "screens"
CORPUS = ROOT / "examples" / "harbour-fire"
sys.path.insert(0, str(ROOT / "tests"))

from browser_fixtures import DESKTOP, PHONE, chromium_path, launch  # noqa: E402
from storytrace.records import Dossier  # noqa: E402

# (name, url) pairs from the web app; each entry returns its targets and a function that stops what it started.
WebTargets = Callable[[], tuple[Iterable[tuple[str, str]], Callable[[], None]]]
WEB_TARGETS: list[WebTargets] = []


def _register_web_app() -> None:
    from storytrace.web.screens import web_targets

    WEB_TARGETS.append(web_targets)


_register_web_app()


def review_targets() -> tuple[list[tuple[str, str]], Callable[[], None]]:
    """The story page's review forms and the report's marks after an editor's decisions: the example corpus in a
    temporary store, its altered quote dismissed and a conflict confirmed (with notes), two outlets declared one
    company, served by ``storytrace serve``."""
    import json
    import shutil
    import socket
    import subprocess

    from storytrace.store import decisions as review
    from storytrace.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="storytrace-review-screens-"))
    db = tmp / "review.db"
    names = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))["articles"]  # not its README
    files = sorted(str(CORPUS / name) for name in names)
    with open_store(db) as store:
        store.ingest(files)
        story = max(store.dossier().stories, key=lambda s: len(s.articles))
        for f in review.reviewed(story):
            if f.finding.kind == "quote":
                review.decide_finding(
                    store, "dismiss", f.finding.key, "Vell said both at two briefings; checked", "desk"
                )
            elif f.finding.kind == "conflict" and "number" in f.finding.what:
                review.decide_finding(store, "confirm", f.finding.key, "17 is right: the port log says so", "desk")
        outlets = review.outlet_names(store)
        if {"Coastal Herald", "Tidewater Times"} <= set(outlets):
            review.same_owner(store, ["Coastal Herald", "Tidewater Times"], "both owned by one group")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = int(free.getsockname()[1])
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
    url = f"http://127.0.0.1:{port}/stories/{story.id}"

    def stop() -> None:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

    return [("review", url + "#review"), ("review-report", url + f"#s-{story.id}-review")], stop


WEB_TARGETS.append(review_targets)


SECTIONS = ["map", "claims", "conflicts", "quotes", "articles"]


def report_targets(name: str, dossier: Dossier, directory: Path) -> list[tuple[str, str]]:
    """The top of the report and each main section of its biggest story (small viewport-sized shots)."""
    from storytrace.dossier.html import render_html, story_anchor

    path = directory / f"{name}.html"
    path.write_text(render_html(dossier), encoding="utf-8")
    url = path.as_uri()
    targets = [(name, url)]
    if dossier.stories:
        story = max(dossier.stories, key=lambda s: (len(s.articles), len(s.reuse)))
        anchor = story_anchor(story.id)
        targets += [(f"{name}-{section}", f"{url}#{anchor}-{section}-h") for section in SECTIONS]
    return targets


def build_report(directory: Path) -> list[tuple[str, str]]:
    """Write the report(s) and return (name, file URL) targets."""
    from report_sample import sample_dossier

    targets = []
    if CORPUS.exists():
        from storytrace.pipeline import analyze

        corpus = analyze([str(CORPUS)])
        targets += report_targets("report", corpus, directory)
        targets += explain_targets(corpus, directory)
    targets += report_targets("report-sample", sample_dossier(), directory)
    return targets


def explain_targets(dossier: Dossier, directory: Path) -> list[tuple[str, str]]:
    """``storytrace explain`` on the biggest story (the terminal's output recorded as HTML), and ``storytrace
    compare`` on the first decided reuse link of that story (its HTML page)."""
    from rich.console import Console

    from storytrace.cli_explain import print_explanation
    from storytrace.compare import compare_articles, render_compare_html

    if not dossier.stories:
        return []
    story = max(dossier.stories, key=lambda s: (len(s.articles), len(s.reuse)))
    console = Console(record=True, width=110, file=io.StringIO(), force_terminal=True)
    print_explanation(console, dossier, story, soft_wrap=False)
    explain = directory / "explain.html"
    explain.write_text(console.export_html(inline_styles=True), encoding="utf-8")
    targets = [("explain", explain.as_uri())]
    link = next((r for r in story.reuse if r.direction == "decided"), None)
    if link is not None:
        by_id = {a.id: a for a in dossier.articles}
        page = directory / "compare.html"
        page.write_text(render_compare_html(compare_articles(by_id[link.source], by_id[link.derived])), "utf-8")
        targets.append(("compare", page.as_uri()))
    return targets


def shoot(targets: Iterable[tuple[str, str]], browser: object) -> list[Path]:
    written = []
    for name, url in targets:
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            # reduced motion: the page jumps to its #fragment at once (report.css scrolls smoothly otherwise, and a long
            # page is still scrolling when the shot is taken)
            ctx = browser.new_context(  # type: ignore[attr-defined]
                viewport=viewport, device_scale_factor=1, reduced_motion="reduce"
            )
            page = ctx.new_page()
            page.goto(url)
            page.wait_for_timeout(900)  # let a smooth scroll to the #fragment finish
            path = OUT / f"{name}-{device}.png"
            page.screenshot(path=str(path), full_page=False)
            written.append(path)
            ctx.close()
    return written


def main() -> int:
    if chromium_path() is None:
        print("screens: Chromium not found (apt-get install -y chromium); nothing written")
        return 1
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("report*.png"):
        old.unlink()
    cleanups: list[Callable[[], None]] = []
    with tempfile.TemporaryDirectory(prefix="storytrace-screens-") as tmp, sync_playwright() as p:
        browser = launch(p)
        try:
            targets = build_report(Path(tmp))
            for make in WEB_TARGETS:
                more, cleanup = make()
                cleanups.append(cleanup)
                targets += list(more)
            written = shoot(targets, browser)
        finally:
            for cleanup in cleanups:
                cleanup()
            browser.close()
    for path in written:
        print(f"screens: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
