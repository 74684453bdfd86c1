"""Screenshots for a person to look at: the HTML report (desktop and phone), and web-app pages added by its helper.

    make screens            # writes bench/screens/*.png

The report is built from the example corpus (``storytrace analyze examples/harbour-fire/``) when it is present,
else from the hand-built sample dossier of the tests. Web-app pages: append ``(name, url)`` pairs from a function
registered in ``WEB_TARGETS`` (each called with nothing, returning the pairs and a cleanup callable), e.g. a
function that starts ``storytrace serve`` on a free port.
"""

from __future__ import annotations

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

        targets += report_targets("report", analyze([str(CORPUS)]), directory)
    targets += report_targets("report-sample", sample_dossier(), directory)
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
