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
            ctx = browser.new_context(viewport=viewport, device_scale_factor=1)  # type: ignore[attr-defined]
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
