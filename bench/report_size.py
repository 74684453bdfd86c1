"""How big the HTML report of a pile is: bytes, and page height in Chromium as it opens (stories folded) and with
every fold opened.

    .venv/bin/python bench/report_size.py DOSSIER.json      # a dossier `storytrace analyze --json` wrote
    .venv/bin/python bench/report_size.py --analyze DIR     # analyse DIR first (the 181 pages: minutes)

The figures in docs/report.md ("Many stories") are this script on the article-extraction-benchmark's 181 saved
pages ($STORYTRACE_DATA/article-extraction-benchmark/html), on the example corpus, and on its biggest story alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_fixtures import launch  # noqa: E402
from storytrace.dossier.html import render_html  # noqa: E402
from storytrace.records import Dossier  # noqa: E402


def measure(dossier: Dossier) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    html = render_html(dossier)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri(), timeout=300_000)
        folded = page.evaluate("document.documentElement.scrollHeight")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        unfolded = page.evaluate("document.documentElement.scrollHeight")
        browser.close()
    return {
        "stories": len(dossier.stories),
        "single_article_stories": sum(len(s.articles) == 1 for s in dossier.stories),
        "articles": len(dossier.articles),
        "bytes": len(html.encode("utf-8")),
        "height_px": folded,
        "height_px_every_fold_open": unfolded,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a dossier JSON, or with --analyze a folder of articles")
    parser.add_argument("--analyze", action="store_true", help="analyse SOURCE first")
    parser.add_argument("--story", help="measure this story alone")
    args = parser.parse_args()
    if args.analyze:
        from storytrace.pipeline import analyze

        dossier = analyze([args.source])
    else:
        dossier = Dossier.from_dict(json.loads(Path(args.source).read_text(encoding="utf-8")))
    if args.story:
        dossier.stories = [s for s in dossier.stories if s.id == args.story]
        keep = {a for s in dossier.stories for a in s.articles}
        dossier.articles = [a for a in dossier.articles if a.id in keep]
    print(json.dumps(measure(dossier), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
