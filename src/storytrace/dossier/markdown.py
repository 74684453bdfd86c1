"""The dossier as Markdown, for pasting into a newsroom chat or ticket."""

from __future__ import annotations

from storytrace.records import Dossier


def render_markdown(dossier: Dossier) -> str:
    lines = [f"# storytrace dossier ({len(dossier.stories)} stories, {len(dossier.articles)} articles)", ""]
    for story in dossier.stories:
        lines += [
            f"## {story.headline}",
            "",
            f"- articles: {len(story.articles)}",
            f"- independent source groups: {len(story.groups)}",
            "",
        ]
    return "\n".join(lines) + "\n"
