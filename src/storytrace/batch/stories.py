"""Per-story work on Ray Data: each task takes one shard of stories with only its members' records (a shuffle of
the parsed rows by story), makes each story's headline and ties from the story's own rows of the feature table
(``describe``), runs ``story_isolated`` (reuse, source groups, cross-check, verdicts), and either writes the
shard's files or sends the stories back (a one-dossier run)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from storytrace.batch.grouping import resolved, table_of
from storytrace.batch.output import index_row, write_shard
from storytrace.batch.rows import Batch, dumps, in_worker, ints, loads, objects
from storytrace.dossier import build_dossier
from storytrace.options import Options
from storytrace.pipeline import story_isolated
from storytrace.records import Article, Skipped, Story
from storytrace.stories import describe
from storytrace.stories.features import with_keys


def attach_story(batch: Batch, holder: list[Any], per_shard: int) -> Batch:
    """Each parsed row with its story (position in story order), the story's shard and, for English rows, the
    article's row in the feature table."""
    in_worker()
    ids, story_of_row, apart_key = (resolved([ref]) for ref in holder)
    english = batch["english"].astype(bool)
    row = np.full(len(english), -1, dtype=np.int64)
    row[english] = np.searchsorted(ids, batch["id"][english].astype(str))
    story = np.array(
        [int(story_of_row[r]) if e else apart_key[str(i)] for r, e, i in zip(row, english, batch["id"], strict=True)],
        dtype=np.int64,
    )
    return {"story": story, "shard": story // per_shard, "row": row, "english": english, "blob": batch["blob"]}


def _one_story(
    key: int, rows: list[int], batch: Batch, table: list[Any] | None, apart: dict[int, Any], options: Options
) -> tuple[Story | None, list[Article], list[Skipped]]:
    records = sorted((loads(batch["blob"][r]) for r in rows), key=lambda rec: rec[0].id)
    members: list[Article] = [a for a, _, _ in records]
    facts = {a.id: f for a, f, _ in records}
    vectors = {a.id: v for a, _, v in records}
    if key in apart:
        sg = apart[key]
    else:
        assert table is not None
        t = table_of(table)
        f = with_keys(t.view(np.searchsorted(t.ids, [a.id for a in members])), members, facts)
        (sg,) = describe([list(range(len(members)))], f, members, facts, vectors, options.stories)
    left_out: list[Skipped] = []
    story = story_isolated(sg, {a.id: a for a in members}, facts, vectors, options, left_out)
    gone = {s.origin for s in left_out}
    return story, [a for a in members if a.origin not in gone], left_out


def shard_task(
    batch: Batch, table: list[Any] | None, apart: list[Any], options: Options, out_dir: str | None, fmt: str
) -> Batch:
    """One shard of stories. With ``out_dir``: write its files, send back counts and skipped rows; else send back
    each story and its kept articles, pickled."""
    in_worker()
    apart_groups = resolved(apart)
    keys = ints(batch["story"])
    rows_of: dict[int, list[int]] = {}
    for r, k in enumerate(keys):
        rows_of.setdefault(int(k), []).append(r)
    out: list[dict[str, Any]] = []
    written: list[tuple[int, str, str, int, str]] = []
    index: list[dict[str, Any]] = []
    n_articles = 0
    for key in sorted(rows_of):
        story, kept, left_out = _one_story(key, rows_of[key], batch, table, apart_groups, options)
        out += [
            {"kind": "skipped", "story": key, "sub": k, "blob": dumps(s), "count": 0} for k, s in enumerate(left_out)
        ]
        if story is None:
            continue
        n_articles += len(kept)
        if out_dir is None:
            out.append({"kind": "story", "story": key, "sub": 0, "blob": dumps((story, kept)), "count": 1})
            continue
        line = json.dumps(build_dossier(kept, [story], [], options).to_dict(), ensure_ascii=False)
        written.append((key, story.id, story.headline, len(kept), line))
        index += [index_row(a, story.id) for a in kept]
    if out_dir is not None:
        files = write_shard(out_dir, int(batch["shard"][0]), fmt, written, index)
        out.append(
            {"kind": "written", "story": -1, "sub": 0, "blob": dumps((files, n_articles)), "count": len(written)}
        )
    return {
        "kind": objects([o["kind"] for o in out]),
        "story": ints([o["story"] for o in out]),
        "sub": ints([o["sub"] for o in out]),
        "blob": objects([o["blob"] for o in out]),
        "count": ints([o["count"] for o in out]),
    }
