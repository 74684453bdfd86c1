"""Run the pipeline on Ray Data, for piles of articles too big for one process.

The stages are the same functions the in-process pipeline calls (``storytrace.pipeline``); only the wiring differs:

1. ingest: the user's paths are expanded on the driver (directories, globs), then each batch of inputs is read in a
   ``map_batches`` task with ``read_inputs``; a bad input becomes a ``Skipped`` record, never a failed task.
   Standard input (``-``) is read on the driver, which owns it. The same text read twice is merged on the driver.
2. parse and embed: ``extract_facts`` and ``embed_articles`` per batch of articles, in ``map_batches``.
3. stories: ``group_stories`` on the driver (it needs every article at once), then one ``map_batches`` row per story
   runs ``find_reuse``, ``source_groups`` and ``crosscheck``.
4. ``build_dossier`` on the driver.

Records cross Ray's boundaries pickled in a binary column (records are plain dataclasses, vectors numpy arrays), each
row tagged with its position so that the driver restores input order: the result is the same dossier as
``storytrace.pipeline.analyze`` for the same inputs and options.

Ray is the optional extra ``[ray]``: nothing here imports it until ``analyze_with_ray`` runs.
"""

from __future__ import annotations

import logging
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from storytrace.claims import extract_facts
from storytrace.claims.sources import attach_sources_cited
from storytrace.dossier import build_dossier
from storytrace.embed import embed_articles
from storytrace.errors import MissingExtra
from storytrace.ingest import merge_reading, read_inputs
from storytrace.ingest.sources import expand
from storytrace.options import Options
from storytrace.pipeline import EMBEDDER_FAILED, PARSER_FAILED, each_isolated, story_isolated
from storytrace.records import Article, ArticleFacts, Dossier, Skipped
from storytrace.stories import group_stories

Progress = Callable[[str, int, int], None]  # (stage, done, total), as in storytrace.pipeline

# Rows per task. Ingest and parsing are cheap per item, so batches amortise the task overhead; a story is one row
# because stories differ a lot in size and the slowest one should not hold others back.
INGEST_BATCH = 16
ARTICLE_BATCH = 32

__all__ = ["analyze_with_ray", "ray_session"]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise MissingExtra("Ray", "ray") from exc
    return ray


@contextmanager
def ray_session(num_cpus: int | None = None) -> Iterator[Any]:
    """Use the running Ray session, or start a local one for the duration (and shut it down after).

    A local session gets a short temporary directory (Ray's unix sockets need paths under 108 bytes), no dashboard
    and no worker logs on the driver's terminal; Ray Data's progress bars are off.
    """
    ray = _import_ray()
    started = not ray.is_initialized()
    temp_dir = None
    if started:
        temp_dir = tempfile.mkdtemp(prefix="st-ray-", dir="/tmp")
        ray.init(
            num_cpus=num_cpus,
            include_dashboard=False,
            log_to_driver=False,
            _temp_dir=temp_dir,
            configure_logging=False,
        )
    # Ray Data logs every execution at INFO on the driver; storytrace has its own progress reporting
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    data_log.setLevel(logging.ERROR)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield ray
    finally:
        data_log.setLevel(level)
        if started:
            ray.shutdown()
            if temp_dir:
                shutil.rmtree(temp_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------------------
# Tasks: each takes a batch (a dict of numpy arrays, Ray Data's "numpy" format) and returns one.


def _loads(blob: bytes) -> Any:
    return pickle.loads(blob)  # noqa: S301 - only rows this run's own tasks pickled, never outside input


def _rows(order: list[int], kind: list[str], blob: list[bytes]) -> dict[str, np.ndarray]:
    return {
        "order": np.array(order, dtype=np.int64),
        "kind": np.array(kind, dtype=object),
        "blob": np.array(blob, dtype=object),
    }


def _read_task(batch: dict[str, np.ndarray], options: Options) -> dict[str, np.ndarray]:
    order: list[int] = []
    kind: list[str] = []
    blob: list[bytes] = []
    for n, origin in zip(batch["order"], batch["origin"], strict=True):
        articles, skipped = read_inputs([str(origin)], options.ingest)
        for a in articles:
            order.append(int(n))
            kind.append("article")
            blob.append(pickle.dumps(a))
        for s in skipped:
            order.append(int(n))
            kind.append("skipped")
            blob.append(pickle.dumps(s))
    return _rows(order, kind, blob)


def _parse_task(batch: dict[str, np.ndarray], options: Options) -> dict[str, np.ndarray]:
    articles: list[Article] = [_loads(b) for b in batch["blob"]]
    # an article the parser or the embedder fails on comes back as a Skipped row; the rest of the batch goes on
    left_out: list[Skipped] = []
    facts = each_isolated(
        articles, lambda arts: {f.article: f for f in extract_facts(arts, options.claims)}, PARSER_FAILED, left_out
    )
    vectors = each_isolated([a for a in articles if a.id in facts], embed_articles, EMBEDDER_FAILED, left_out)
    why = {s.origin: s for s in left_out}
    kinds: list[str] = []
    blobs: list[bytes] = []
    for a in articles:
        if a.id in vectors:
            kinds.append("parsed")
            blobs.append(pickle.dumps((facts[a.id], vectors[a.id])))
        else:
            kinds.append("skipped")
            blobs.append(pickle.dumps(why.get(a.origin) or Skipped(a.origin, PARSER_FAILED)))
    return _rows([int(n) for n in batch["order"]], kinds, blobs)


def _story_task(batch: dict[str, np.ndarray], options: Options) -> dict[str, np.ndarray]:
    blobs: list[bytes] = []
    kinds: list[str] = []
    orders: list[int] = []
    for n, b in zip(batch["order"], batch["blob"], strict=True):
        sg, members, facts, vectors = _loads(b)
        # a story whose cross-check fails on one article goes on without it; the article comes back as a Skipped row
        left_out: list[Skipped] = []
        story = story_isolated(sg, {a.id: a for a in members}, facts, vectors, options, left_out)
        for s in left_out:
            orders.append(int(n))
            kinds.append("skipped")
            blobs.append(pickle.dumps(s))
        if story is not None:
            orders.append(int(n))
            kinds.append("story")
            blobs.append(pickle.dumps(story))
    return _rows(orders, kinds, blobs)


# --------------------------------------------------------------------------------------------------------------------
# Driver


def _run(
    ray: Any, items: list[dict[str, Any]], task: Callable[..., Any], batch_size: int, options: Options
) -> list[tuple[int, str, Any]]:
    """Run ``task`` over ``items`` with Ray Data: ``(order, kind, record)`` back in input order (Ray Data does not
    keep the order by itself; ``sorted`` is stable, so the rows of one input keep theirs)."""
    if not items:
        return []
    ds = ray.data.from_items(items).map_batches(
        task, batch_size=batch_size, batch_format="numpy", fn_kwargs={"options": options}
    )
    rows = sorted(ds.take_all(), key=lambda r: int(r["order"]))
    return [(int(r["order"]), str(r["kind"]), _loads(r["blob"])) for r in rows]


def _read(ray: Any, paths: Sequence[str], options: Options) -> tuple[list[Article], list[Skipped]]:
    sources, skipped = expand(paths)
    items = [{"order": n, "origin": s.origin} for n, s in enumerate(sources) if s.kind != "stdin"]
    rows = _run(ray, items, _read_task, INGEST_BATCH, options)
    for n, s in enumerate(sources):
        if s.kind == "stdin":  # only the driver can read its own standard input
            arts, skips = read_inputs([s.origin], options.ingest)
            rows.extend([(n, "article", a) for a in arts] + [(n, "skipped", x) for x in skips])
    rows.sort(key=lambda r: r[0])
    by_id: dict[str, Article] = {}
    for _n, kind, rec in rows:
        if kind == "skipped":
            skipped.append(rec)
        elif rec.id in by_id:
            merge_reading(by_id[rec.id], rec)
        else:
            by_id[rec.id] = rec
    return list(by_id.values()), skipped


def analyze_with_ray(
    paths: Sequence[str], options: Options | None = None, num_cpus: int | None = None, progress: Progress = _noop
) -> Dossier:
    """Read ``paths`` and build the dossier on Ray Data; the same result as ``storytrace.pipeline.analyze``.

    Uses the running Ray session if there is one, else starts a local one with ``num_cpus`` (all cores when None)
    and shuts it down afterwards. Raises ``MissingExtra`` when Ray is not installed.
    """
    options = options or Options()
    with ray_session(num_cpus) as ray:
        progress("read", 0, len(paths))
        articles, skipped = _read(ray, paths, options)
        progress("read", len(paths), len(paths))

        progress("parse", 0, len(articles))
        items = [{"order": n, "blob": pickle.dumps(a)} for n, a in enumerate(articles)]
        parsed = _run(ray, items, _parse_task, ARTICLE_BATCH, options)
        facts: dict[str, ArticleFacts] = {}
        vectors: dict[str, np.ndarray] = {}
        kept: list[Article] = []
        for a, (_n, kind, rec) in zip(articles, parsed, strict=True):
            if kind == "skipped":
                skipped.append(rec)
                continue
            facts[a.id], vectors[a.id] = rec
            kept.append(a)
        articles = kept
        attach_sources_cited(articles, facts)  # the dossier's articles[] carry what the claims stage found
        progress("parse", len(articles), len(articles))

        story_groups = group_stories(articles, facts, vectors, options.stories)
        progress("stories", 0, len(story_groups))
        by_id = {a.id: a for a in articles}
        items = []
        for n, sg in enumerate(story_groups):
            members = [by_id[a] for a in sg.articles]
            payload = (
                sg,
                members,
                {a: facts[a] for a in sg.articles},
                {a: vectors[a] for a in sg.articles},
            )
            items.append({"order": n, "blob": pickle.dumps(payload)})
        stories = []
        gone: set[str] = set()
        for _n, kind, rec in _run(ray, items, _story_task, 1, options):
            if kind == "skipped":
                skipped.append(rec)
                gone.add(rec.origin)
            else:
                stories.append(rec)
        articles = [a for a in articles if a.origin not in gone]
        progress("stories", len(story_groups), len(story_groups))
    return build_dossier(articles, stories, skipped, options)
