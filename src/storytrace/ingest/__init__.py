"""Ingest: read inputs of every common kind and clean them into ``Article`` records.

``read_inputs(paths, options)`` never raises for one bad input: it returns the articles it could read and a
``Skipped`` record (origin, reason) for each one it could not.
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest.sentences import split_sentences
from storytrace.options import IngestOptions
from storytrace.records import Article, Skipped

__all__ = ["article_id", "read_inputs", "split_sentences"]


def article_id(text: str) -> str:
    norm = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _read_text_file(path: Path, options: IngestOptions) -> Article:
    data = path.read_bytes()
    if not data.strip():
        raise InputError(str(path), "empty file")
    text = unicodedata.normalize("NFC", data.decode("utf-8")).strip()
    lines = text.splitlines()
    title = lines[0].strip() if lines and len(lines[0]) < 150 else None
    body = "\n".join(lines[1:]).strip() if title else text
    return Article(
        id=article_id(body),
        origin=str(path),
        origins=[str(path)],
        title=title,
        text=body,
        sentences=split_sentences(body),
        format="txt",
    )


def read_inputs(paths: Sequence[str], options: IngestOptions | None = None) -> tuple[list[Article], list[Skipped]]:
    """Provisional reader (plain text only); the ingest stage replaces it."""
    options = options or IngestOptions()
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        files.extend(sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path])
    articles: dict[str, Article] = {}
    skipped: list[Skipped] = []
    for f in files:
        try:
            art = _read_text_file(f, options)
        except (InputError, OSError, UnicodeDecodeError) as exc:
            skipped.append(Skipped(str(f), getattr(exc, "reason", str(exc))))
            continue
        if art.id in articles:
            articles[art.id].origins.append(art.origin)
        else:
            articles[art.id] = art
    _ = sys
    return list(articles.values()), skipped
