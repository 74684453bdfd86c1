"""The dossier as one self-contained HTML page (no external assets)."""

from __future__ import annotations

from html import escape

from storytrace.records import Dossier


def render_html(dossier: Dossier) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>storytrace dossier</title></head><body>"
    ]
    for story in dossier.stories:
        parts.append(
            f"<h2>{escape(story.headline)}</h2><p>{len(story.articles)} articles, "
            f"{len(story.groups)} independent source groups</p>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)
