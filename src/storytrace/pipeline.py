"""The main job: inputs -> articles -> facts and vectors -> stories -> reuse and groups -> findings -> dossier.

Every stage is a plain function over records; this module only wires them, so that the CLI, the web app and a Ray
Data batch run the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from storytrace.claims import extract_facts
from storytrace.claims.clauses import compared_texts
from storytrace.claims.sources import attach_sources_cited
from storytrace.crosscheck import crosscheck
from storytrace.dossier import build_dossier
from storytrace.embed import compared_vectors, complete_vectors, embed_articles
from storytrace.errors import StorytraceError
from storytrace.forking import fork_pool, fork_workers
from storytrace.ingest import read_inputs
from storytrace.options import Options
from storytrace.records import Article, ArticleFacts, Dossier, Skipped, Story, StoryGroup
from storytrace.reuse import find_reuse, source_groups
from storytrace.stories import group_stories, ties_within
from storytrace.verdicts import story_verdicts

Progress = Callable[[str, int, int], None]  # (stage, done, total)
T = TypeVar("T")


def no_progress(stage: str, done: int, total: int) -> None:
    return None


def analyze_story(
    story: StoryGroup,
    members: Sequence[Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    options: Options,
    texts: Mapping[str, np.ndarray] | None = None,
) -> Story:
    """One story's reuse, source groups, cross-check and verdicts: the per-story unit of work (in-process, Ray, the
    store). ``texts``: the vectors of the texts the cross-check compares besides sentences (``complete_stories``
    embeds them with the sentences), else embedded here for this story."""
    by_id = {a.id: a for a in members}
    if texts is None:
        texts = compared_vectors(members, facts)
    reuse = find_reuse(members, vectors, facts, options.reuse)
    groups = source_groups(story.articles, reuse, by_id, options.reuse.declarations)  # one company: one group
    findings = crosscheck(story, by_id, facts, vectors, reuse, groups, options.crosscheck, texts)
    verdicts = story_verdicts(story, by_id, facts, reuse, groups, findings, options.verdicts)
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
        verdicts=verdicts,
        ties=ties_within(story.ties, story.articles),  # an article left out takes its ties along
    )


# Plain reasons for an article left out after ingest. The exception's own text is never shown: it is internal.
PARSER_FAILED = "left out: the language parser failed on this article"
EMBEDDER_FAILED = "left out: the sentence embedder failed on this article"
CROSSCHECK_FAILED = "left out: the cross-check failed on this article's story"


def each_isolated(
    articles: Sequence[Article], stage: Callable[[list[Article]], dict[str, T]], reason: str, skipped: list[Skipped]
) -> dict[str, T]:
    """Run ``stage`` over all articles at once; when it fails, over each article alone, and leave out (with a
    Skipped line) those it fails on. Our own errors (a missing model: ``MissingExtra``) are not about one article
    and still end the run."""
    try:
        return stage(list(articles))
    except StorytraceError:
        raise
    except Exception:  # noqa: S110 - isolated below, article by article
        pass
    out: dict[str, T] = {}
    for a in articles:
        try:
            out.update(stage([a]))
        except StorytraceError:
            raise
        except Exception:
            skipped.append(Skipped(a.origin, reason))
    return out


# articles per progress step: large enough that spaCy's and the embedder's own batching stay full, small enough
# that a line every few seconds can say a rate and an ETA
PROGRESS_CHUNK = 128


def in_chunks(
    articles: Sequence[Article],
    stage: Callable[[list[Article]], dict[str, T]],
    reason: str,
    skipped: list[Skipped],
    name: str,
    progress: Progress,
) -> dict[str, T]:
    """``each_isolated`` over chunks of articles, reporting progress after each."""
    out: dict[str, T] = {}
    progress(name, 0, len(articles))
    for start in range(0, len(articles), PROGRESS_CHUNK):
        out.update(each_isolated(articles[start : start + PROGRESS_CHUNK], stage, reason, skipped))
        progress(name, min(start + PROGRESS_CHUNK, len(articles)), len(articles))
    return out


def story_isolated(
    sg: StoryGroup,
    by_id: Mapping[str, Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    options: Options,
    skipped: list[Skipped],
    texts: Mapping[str, np.ndarray] | None = None,
) -> Story | None:
    """``analyze_story``; when it fails, the story without the one article it fails on (each left out in turn), else
    no story and every member reported."""
    members = [by_id[a] for a in sg.articles]
    try:
        return analyze_story(sg, members, facts, vectors, options, texts)
    except StorytraceError:
        raise
    except Exception:  # noqa: S110 - isolated below
        pass
    for bad in members:
        rest = [a for a in members if a is not bad]
        if not rest:
            break
        try:
            story = analyze_story(
                StoryGroup(sg.id, sg.headline, [a.id for a in rest], sg.ties), rest, facts, vectors, options, texts
            )
        except StorytraceError:
            raise
        except Exception:  # noqa: S112 - not this article: try leaving out the next
            continue
        skipped.append(Skipped(bad.origin, CROSSCHECK_FAILED))
        return story
    skipped.extend(Skipped(a.origin, CROSSCHECK_FAILED) for a in members)
    return None


def parse_articles(
    articles: Sequence[Article],
    options: Options,
    progress: Progress,
    left_out: list[Skipped],
    *,
    lead: int | None = None,
) -> tuple[list[Article], dict[str, ArticleFacts], dict[str, np.ndarray]]:
    """The per-article stages (claims, embeddings): the articles they did not fail on, their facts and vectors.
    ``lead``: embed only each article's first ``lead`` sentences (``complete_stories`` adds the rest where needed)."""
    claim_options = options.claims
    facts = in_chunks(
        articles,
        lambda batch: {f.article: f for f in extract_facts(batch, claim_options)},
        PARSER_FAILED,
        left_out,
        "parse",
        progress,
    )
    kept = [a for a in articles if a.id in facts]
    attach_sources_cited(kept, facts)  # the dossier's articles[] carry what the claims stage found
    vectors = in_chunks(kept, lambda batch: embed_articles(batch, lead), EMBEDDER_FAILED, left_out, "embed", progress)
    return [a for a in kept if a.id in vectors], facts, vectors


def complete_stories(
    articles: Sequence[Article],
    facts: Mapping[str, ArticleFacts],
    vectors: dict[str, np.ndarray],
    options: Options,
    progress: Progress,
    left_out: list[Skipped],
) -> tuple[list[Article], list[StoryGroup], dict[str, np.ndarray]]:
    """Group ``articles`` by their leads' vectors (all that grouping reads), then embed the rest of every article
    that shares a story, with the texts the cross-check compares (``claims.clauses.compared_texts``), in one
    batched pass: a story of one article needs nothing more. ``vectors`` is completed in place. Returns the articles
    kept (an article the embedder fails on is left out), their stories and the compared texts' vectors.

    The stories are grouped again once the vectors are whole: the same partition (the leads' vectors are the same
    rows), now with ties that can point to any sentence pair."""
    by_id = {a.id: a for a in articles}
    texts: dict[str, np.ndarray] = {}
    whole: set[str] = set()
    groups = group_stories(articles, facts, vectors, options.stories)
    # a left-out article changes its story and may put others in a story: at most a few rounds
    for _ in range(len(articles) + 1):
        need = [by_id[a] for g in groups if len(g.articles) > 1 for a in g.articles if a not in whole]
        if not need:
            break

        def complete(batch: list[Article]) -> dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]:
            compared = [t for a in batch for t in compared_texts(a, facts.get(a.id))]
            full, vecs = complete_vectors(batch, vectors, compared)
            return {a.id: (full[a.id], vecs) for a in batch}

        done = in_chunks(need, complete, EMBEDDER_FAILED, left_out, "embed stories", progress)
        for aid, (full, vecs) in done.items():
            vectors[aid] = full
            texts.update(vecs)
        whole.update(a.id for a in need)
        failed = {a.id for a in need if a.id not in done}
        if failed:
            articles = [a for a in articles if a.id not in failed]
            for aid in failed:
                vectors.pop(aid, None)
        groups = group_stories(articles, facts, vectors, options.stories)
    return list(articles), groups, texts


def analyze_articles(
    articles: Sequence[Article],
    options: Options | None = None,
    progress: Progress = no_progress,
    skipped: list[Skipped] | None = None,
) -> list[Story]:
    """Run every stage after ingest over already-read articles. An article that makes the parser, the embedder or
    the cross-check fail is left out and reported in ``skipped`` (when given); the rest of the run goes on."""
    options = options or Options()
    left_out: list[Skipped] = [] if skipped is None else skipped
    articles, facts, vectors = parse_articles(
        articles, options, progress, left_out, lead=options.stories.lead_sentences
    )
    articles, story_groups, texts = complete_stories(articles, facts, vectors, options, progress, left_out)
    by_id = {a.id: a for a in articles}
    n = len(story_groups)
    work = (story_groups, by_id, facts, vectors, options, texts)
    workers = fork_workers(options.processes, n, STORIES_PER_PROCESS)
    stories: list[Story] = []
    progress("stories", 0, n)
    with _story_runner(work, workers) as run:
        for k, (story, skipped_here) in enumerate(run(range(n))):
            left_out.extend(skipped_here)
            if story is not None:
                stories.append(story)
            progress("stories", k + 1, n)
    return stories


# stories per forked process at least, else the stories are analysed in this process (a story takes from a few
# milliseconds to seconds; a fork and its results' pickling, a few milliseconds)
STORIES_PER_PROCESS = 4
_WORK: tuple[Any, ...] | None = None  # what forked workers read: set before the fork, never sent


def _story_at(k: int) -> tuple[Story | None, list[Skipped]]:
    assert _WORK is not None
    story_groups, by_id, facts, vectors, options, texts = _WORK
    skipped: list[Skipped] = []
    return story_isolated(story_groups[k], by_id, facts, vectors, options, skipped, texts), skipped


@contextmanager
def _story_runner(
    work: tuple[Any, ...], workers: int
) -> Iterator[Callable[[Iterable[int]], Iterator[tuple[Story | None, list[Skipped]]]]]:
    """``story_isolated`` over stories by index, in order: in this process, or over ``workers`` forked processes
    that inherit the records (stories come biggest first, so the longest start first). A story's cross-check links
    its own articles' entities in place; no other story shares them, so a worker's copy is as good."""
    global _WORK
    _WORK = work
    try:
        if workers < 2:
            yield lambda ks: (_story_at(k) for k in ks)
            return
        with fork_pool(workers) as pool:
            yield lambda ks: pool.map(_story_at, ks)
    finally:
        _WORK = None


def analyze(paths: Sequence[str], options: Options | None = None, progress: Progress = no_progress) -> Dossier:
    """Read ``paths`` (files, directories, globs, ``-`` for stdin, URLs) and build the dossier."""
    options = options or Options()
    articles, skipped = read_inputs(paths, options.ingest)
    left_out: list[Skipped] = []
    stories = analyze_articles(articles, options, progress, left_out)
    gone = {s.origin for s in left_out}
    kept = [a for a in articles if a.origin not in gone]
    return build_dossier(kept, stories, skipped + left_out, options)


__all__ = ["Skipped", "analyze", "analyze_articles"]
