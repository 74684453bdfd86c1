"""The batch's driver: read, parse, group, then per story; one dossier back (``analyze_with_ray``) or a directory
of shards (``run_batch``). The driver holds paths, article ids and the partition; every text, record, vector and
candidate edge stays in Ray's object store and in the tasks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storytrace import __version__
from storytrace.batch.grouping import GROUPING_STEPS, Grouping, group
from storytrace.batch.ingest import CROSSCHECK, parse, read
from storytrace.batch.output import INDEX_SCHEMA, check_format, write_index
from storytrace.batch.rows import loads
from storytrace.batch.session import ray_session
from storytrace.batch.settings import RaySettings
from storytrace.batch.stories import attach_story, shard_task
from storytrace.dossier import build_dossier
from storytrace.errors import UsageError
from storytrace.options import Options
from storytrace.records import Article, Dossier, Skipped, Story

Progress = Callable[[str, int, int], None]  # (stage, done, total), as in storytrace.pipeline

SHARD_NAME = re.compile(r"(stories|articles)-\d{5}\.(jsonl|parquet)")
STORIES_PER_SHARD = 500  # stories per output file (and per story task): files of a few MB, enough tasks to share


def _noop(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class BatchReport:
    """What a ``run_batch`` read and wrote."""

    out_dir: str
    articles: int
    stories: int
    skipped: list[Skipped] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _skipped(ds: Any, extra: Sequence[tuple[int, int, int, Skipped]] = ()) -> list[Skipped]:
    """Skipped lines in the order the in-process run reports them: read, parser, embedder, cross-check; each in input
    (or story) order."""
    rows = list(extra)
    if ds is not None:
        for b in ds.iter_batches(batch_format="numpy", batch_size=None):
            for st, o, s, blob in zip(b["stage"], b["order"], b["sub"], b["blob"], strict=True):
                rows.append((int(st), int(o), int(s), loads(blob)))
    return [s for *_, s in sorted(rows, key=lambda r: r[:3])]


def _stories(ray: Any, parsed: Any, grouping: Grouping, options: Options, out_dir: str | None, fmt: str) -> Any:
    holder = [ray.put(grouping.ids), ray.put(grouping.story_of_row), ray.put(grouping.apart_key)]
    table = [grouping.table] if grouping.table is not None else None
    shards = max(1, -(-len(grouping.sizes) // STORIES_PER_SHARD))
    return (
        parsed.map_batches(attach_story, batch_format="numpy", fn_kwargs={"holder": holder, "per_shard": STORIES_PER_SHARD})
        .groupby("shard", num_partitions=min(shards, 1024))
        .map_groups(
            shard_task, batch_format="numpy",
            fn_kwargs={"table": table, "apart": [ray.put(grouping.apart)], "options": options, "out_dir": out_dir,
                       "fmt": fmt},
        )
    )  # fmt: skip


def _prepare(ray: Any, paths: Sequence[str], options: Options, settings: RaySettings, progress: Progress) -> Any:
    articles, skipped = read(ray, paths, options, settings, progress)
    if articles is None:
        return None, skipped, None
    parsed, parse_skipped = parse(ray, articles, options, settings, progress)
    skipped = skipped.union(parse_skipped) if parse_skipped is not None else skipped
    if parsed is None:
        return None, skipped, None
    done = [0]

    def step(name: str) -> None:
        progress("group", done[0], len(GROUPING_STEPS))
        done[0] += 1

    grouping = group(ray, parsed, options, settings, step)
    progress("group", len(GROUPING_STEPS), len(GROUPING_STEPS))
    return parsed, skipped, grouping


def analyze_with_ray(
    paths: Sequence[str],
    options: Options | None = None,
    num_cpus: int | None = None,
    progress: Progress = _noop,
    settings: RaySettings | None = None,
) -> Dossier:
    """Read ``paths`` and build the dossier on Ray Data: the same dossier as ``storytrace.pipeline.analyze``.

    For piles whose dossier fits in memory; :func:`run_batch` writes a directory of shards instead. Uses the running
    Ray session if there is one, else joins ``settings.address`` or starts a local one with ``num_cpus`` (all cores
    when None) and shuts it down afterwards. Raises ``MissingExtra`` when Ray is not installed."""
    options = options or Options()
    settings = settings or RaySettings(num_cpus=num_cpus)
    with ray_session(settings.num_cpus, settings.address, settings.object_store_memory) as ray:
        parsed, skipped_ds, grouping = _prepare(ray, paths, options, settings, progress)
        stories: list[tuple[int, Story]] = []
        articles: list[Article] = []
        extra: list[tuple[int, int, int, Skipped]] = []
        if grouping is not None and grouping.sizes:
            progress("stories", 0, len(grouping.sizes))
            for b in _stories(ray, parsed, grouping, options, None, "jsonl").iter_batches(
                batch_format="numpy", batch_size=None
            ):
                for kind, key, sub, blob in zip(b["kind"], b["story"], b["sub"], b["blob"], strict=True):
                    if kind == "skipped":
                        extra.append((CROSSCHECK, int(key), int(sub), loads(blob)))
                    else:
                        story, kept = loads(blob)
                        stories.append((int(key), story))
                        articles += kept
                progress("stories", len(stories), len(grouping.sizes))
        skipped = _skipped(skipped_ds, extra)
    return build_dossier(articles, [s for _, s in sorted(stories, key=lambda s: s[0])], skipped, options)


def run_batch(
    paths: Sequence[str],
    out_dir: str | Path,
    options: Options | None = None,
    fmt: str = "jsonl",
    settings: RaySettings | None = None,
    progress: Progress = _noop,
) -> BatchReport:
    """Read ``paths`` and write the stories to ``out_dir`` as shards, one story a row, with an index (see
    :mod:`storytrace.batch.output`). ``out_dir`` must be writable by every Ray worker (on a cluster: a shared
    volume). ``UsageError`` for a bad format or an output path that is a file."""
    options = options or Options()
    settings = settings or RaySettings()
    check_format(fmt)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: a file is in the way (want a directory)")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if SHARD_NAME.fullmatch(old.name):
            old.unlink()  # a rerun into the same directory must not leave the last run's shards beside the new ones
    with ray_session(settings.num_cpus, settings.address, settings.object_store_memory) as ray:
        parsed, skipped_ds, grouping = _prepare(ray, paths, options, settings, progress)
        files: list[str] = []
        n_stories = n_articles = 0
        extra: list[tuple[int, int, int, Skipped]] = []
        if grouping is not None and grouping.sizes:
            progress("stories", 0, len(grouping.sizes))
            for b in _stories(ray, parsed, grouping, options, str(out.resolve()), fmt).iter_batches(
                batch_format="numpy", batch_size=None
            ):
                for kind, key, sub, blob, count in zip(
                    b["kind"], b["story"], b["sub"], b["blob"], b["count"], strict=True
                ):
                    if kind == "skipped":
                        extra.append((CROSSCHECK, int(key), int(sub), loads(blob)))
                    else:
                        names, arts = loads(blob)
                        files += names
                        n_stories += int(count)
                        n_articles += arts
                progress("stories", n_stories, len(grouping.sizes))
        skipped = _skipped(skipped_ds, extra)
    files.sort()
    manifest = {
        "schema": INDEX_SCHEMA,
        "generator": {"name": "storytrace", "version": __version__},
        "settings": options.settings(),
        "format": fmt,
        "articles": n_articles,
        "stories": n_stories,
        "skipped": len(skipped),
        "files": {
            "stories": [f for f in files if f.startswith("stories-")],
            "articles": [f for f in files if f.startswith("articles-")],
            "skipped": "skipped.jsonl",
        },
    }
    write_index(str(out), manifest, skipped)
    return BatchReport(str(out), n_articles, n_stories, skipped, files)


__all__ = ["BatchReport", "analyze_with_ray", "run_batch"]
