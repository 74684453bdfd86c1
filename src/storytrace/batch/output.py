"""A batch's output directory: sharded dossiers, one story a row, and an index; written by the Ray tasks, read back
by anyone (nothing here needs Ray).

    index.json                 what the run read and wrote: counts, shard files, settings
    stories-00000.jsonl ...    one story a line: a whole ``storytrace/dossier@1`` document of that story and its
                               articles (stories in story order: biggest first, shards in name order)
    articles-00000.jsonl ...   one article a line: id, origins, title, outlet, published, language, story id
    skipped.jsonl              one input or article left out a line: origin, reason

With ``--format parquet`` the shards are Parquet files (``stories-*.parquet``: position, story, headline, articles,
dossier as JSON text; ``articles-*.parquet``: the index columns).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from storytrace.errors import MissingExtra, UsageError
from storytrace.records import Article, Skipped

INDEX_SCHEMA = "storytrace/batch@1"
FORMATS = ("jsonl", "parquet")
INDEX_FIELDS = ("id", "story", "origin", "origins", "title", "outlet", "published", "language", "format")


def index_row(article: Article, story: str) -> dict[str, Any]:
    return {
        "id": article.id, "story": story, "origin": article.origin, "origins": list(article.origins),
        "title": article.title, "outlet": article.outlet, "published": article.published,
        "language": article.language, "format": article.format,
    }  # fmt: skip


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise MissingExtra("pyarrow (for Parquet)", "export") from exc
    return pyarrow


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"--format wants jsonl or parquet, got {fmt!r}")
    if fmt == "parquet":
        _pyarrow()


def _replace(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)  # a shard appears whole or not at all


def write_shard(
    out_dir: str, shard: int, fmt: str, stories: Sequence[tuple[int, str, str, int, str]], index: Sequence[dict]
) -> list[str]:
    """Write one shard: ``stories`` as ``(position, story id, headline, articles, dossier JSON)`` in story order,
    ``index`` as :func:`index_row` dicts. Returns the file names written."""
    out = Path(out_dir)
    names = [f"stories-{shard:05d}.{fmt}", f"articles-{shard:05d}.{fmt}"]
    tmp = [out / f".{name}.tmp" for name in names]
    if fmt == "jsonl":
        with open(tmp[0], "w", encoding="utf-8") as fh:
            fh.writelines(line + "\n" for *_, line in stories)
        with open(tmp[1], "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in index)
    else:
        pa = _pyarrow()
        table = pa.table({
            "position": pa.array([s[0] for s in stories], pa.int64()),
            "story": pa.array([s[1] for s in stories], pa.string()),
            "headline": pa.array([s[2] for s in stories], pa.string()),
            "articles": pa.array([s[3] for s in stories], pa.int64()),
            "dossier": pa.array([s[4] for s in stories], pa.string()),
        })  # fmt: skip
        pa.parquet.write_table(table, tmp[0])
        columns = {k: [row[k] for row in index] for k in INDEX_FIELDS}
        types = {k: pa.list_(pa.string()) if k == "origins" else pa.string() for k in INDEX_FIELDS}
        pa.parquet.write_table(pa.table({k: pa.array(v, types[k]) for k, v in columns.items()}), tmp[1])
    for t, name in zip(tmp, names, strict=True):
        _replace(t, out / name)
    return names


def write_index(out_dir: str, manifest: dict[str, Any], skipped: Sequence[Skipped]) -> None:
    out = Path(out_dir)
    with open(out / ".skipped.jsonl.tmp", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in skipped)
    _replace(out / ".skipped.jsonl.tmp", out / "skipped.jsonl")
    (out / ".index.json.tmp").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _replace(out / ".index.json.tmp", out / "index.json")


def read_manifest(out_dir: str | Path) -> dict[str, Any]:
    path = Path(out_dir) / "index.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no batch output here (index.json is missing)") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a batch index ({exc.__class__.__name__})") from exc
    if data.get("schema") != INDEX_SCHEMA:
        raise UsageError(f"{path}: not a {INDEX_SCHEMA} index")
    return data


def _rows(out_dir: str | Path, kind: str) -> Iterator[dict[str, Any]]:
    """The rows of every ``kind`` shard in name order; a JSON Lines story row is the dossier itself, a Parquet one
    carries it as text in ``dossier``."""
    manifest = read_manifest(out_dir)
    for name in manifest["files"][kind]:
        path = Path(out_dir) / name
        if manifest["format"] == "jsonl":
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    yield json.loads(line)
        elif kind == "stories":
            for row in _pyarrow().parquet.read_table(path, columns=["dossier"]).to_pylist():
                yield json.loads(row["dossier"])
        else:
            yield from _pyarrow().parquet.read_table(path).to_pylist()


def read_stories(out_dir: str | Path) -> Iterator[dict[str, Any]]:
    """Each story's dossier (a ``storytrace/dossier@1`` dict with one story), in story order."""
    yield from _rows(out_dir, "stories")


def read_articles(out_dir: str | Path) -> Iterator[dict[str, Any]]:
    """The index: one dict per article (:data:`INDEX_FIELDS`), story by story."""
    yield from _rows(out_dir, "articles")


def read_skipped(out_dir: str | Path) -> list[Skipped]:
    read_manifest(out_dir)
    with open(Path(out_dir) / "skipped.jsonl", encoding="utf-8") as fh:
        return [Skipped.from_dict(json.loads(line)) for line in fh]
