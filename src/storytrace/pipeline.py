"""The main job: inputs -> articles -> facts and vectors -> stories -> reuse and groups -> findings -> dossier.

Every stage is a plain function over records; this module only wires them, so that the CLI, the web app and a Ray
Data batch run the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from storytrace.claims import extract_facts
from storytrace.crosscheck import crosscheck
from storytrace.dossier import build_dossier
from storytrace.embed import embed_articles
from storytrace.ingest import read_inputs
from storytrace.options import Options
from storytrace.records import Article, ArticleFacts, Dossier, Skipped, Story, StoryGroup
from storytrace.reuse import find_reuse, source_groups
from storytrace.stories import group_stories

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def no_progress(stage: str, done: int, total: int) -> None:
    return None


def analyze_story(
    story: StoryGroup,
    members: Sequence[Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    options: Options,
) -> Story:
    """One story's reuse, source groups and cross-check: the per-story unit of work (in-process, Ray, the store)."""
    by_id = {a.id: a for a in members}
    reuse = find_reuse(members, vectors, facts, options.reuse)
    groups = source_groups(story.articles, reuse)
    findings = crosscheck(story, by_id, facts, vectors, reuse, groups, options.crosscheck)
    return Story(
        id=story.id,
        headline=story.headline,
        articles=list(story.articles),
        reuse=list(reuse),
        groups=[list(g) for g in groups],
        claims=findings.claims,
        quotes=findings.quotes,
        conflicts=findings.conflicts,
        off_topic=findings.off_topic,
        timeline=findings.timeline,
        summary=findings.summary,
    )


def analyze_articles(
    articles: Sequence[Article], options: Options | None = None, progress: Progress = no_progress
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
        stories.append(analyze_story(sg, [by_id[a] for a in sg.articles], facts, vectors, options))
    progress("stories", len(story_groups), len(story_groups))
    return stories


def analyze(paths: Sequence[str], options: Options | None = None, progress: Progress = no_progress) -> Dossier:
    """Read ``paths`` (files, directories, globs, ``-`` for stdin, URLs) and build the dossier."""
    options = options or Options()
    articles, skipped = read_inputs(paths, options.ingest)
    stories = analyze_articles(articles, options, progress)
    return build_dossier(articles, stories, skipped, options)


__all__ = ["Skipped", "analyze", "analyze_articles"]
