"""The main job: inputs -> articles -> facts and vectors -> stories -> reuse and groups -> findings -> dossier.

Every stage is a plain function over records; this module only wires them, so that the CLI, the web app and a Ray
Data batch run the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storytrace.claims import extract_facts
from storytrace.crosscheck import crosscheck
from storytrace.dossier import build_dossier
from storytrace.embed import embed_articles
from storytrace.ingest import read_inputs
from storytrace.options import Options
from storytrace.records import Article, Dossier, Skipped, Story
from storytrace.reuse import find_reuse, source_groups
from storytrace.stories import group_stories

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _noop(stage: str, done: int, total: int) -> None:
    return None


def analyze_articles(
    articles: Sequence[Article], options: Options | None = None, progress: Progress = _noop
) -> list[Story]:
    """Run every stage after ingest over already-read articles."""
    options = options or Options()
    progress("parse", 0, len(articles))
    facts = {f.article: f for f in extract_facts(articles, options.claims)}
    progress("parse", len(articles), len(articles))
    progress("embed", 0, len(articles))
    vectors = embed_articles(articles)
    progress("embed", len(articles), len(articles))
    by_id = {a.id: a for a in articles}
    story_groups = group_stories(articles, facts, vectors, options.stories)
    stories: list[Story] = []
    for n, sg in enumerate(story_groups):
        progress("stories", n, len(story_groups))
        members = [by_id[a] for a in sg.articles]
        reuse = find_reuse(members, vectors, facts, options.reuse)
        groups = source_groups(sg.articles, reuse)
        findings = crosscheck(sg, by_id, facts, vectors, reuse, groups, options.crosscheck)
        stories.append(
            Story(
                id=sg.id,
                headline=sg.headline,
                articles=list(sg.articles),
                reuse=list(reuse),
                groups=[list(g) for g in groups],
                claims=findings.claims,
                quotes=findings.quotes,
                conflicts=findings.conflicts,
                off_topic=findings.off_topic,
                timeline=findings.timeline,
                summary=findings.summary,
            )
        )
    progress("stories", len(story_groups), len(story_groups))
    return stories


def analyze(paths: Sequence[str], options: Options | None = None, progress: Progress = _noop) -> Dossier:
    """Read ``paths`` (files, directories, globs, ``-`` for stdin, URLs) and build the dossier."""
    options = options or Options()
    articles, skipped = read_inputs(paths, options.ingest)
    stories = analyze_articles(articles, options, progress)
    return build_dossier(articles, stories, skipped, options)


__all__ = ["Skipped", "analyze", "analyze_articles"]
