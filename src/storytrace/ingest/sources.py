"""Where inputs come from: paths as the user gave them -> ``Source`` items -> bytes.

A path may be a file, a directory (read recursively, in sorted order; hidden files and documentation files such as
README/LICENSE/EXPECTED/SOURCE are not articles and are passed over), a glob (``corpus/**/*.html``), ``-`` for
standard input, or an http(s) URL (fetched with httpx). Anything that yields nothing — a missing path, a glob that
matches nothing, an empty directory — is a ``Skipped`` line, never an exception.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from storytrace.errors import InputError
from storytrace.options import IngestOptions
from storytrace.records import Skipped

# In a directory walk these are notes about the articles, not articles (an explicit path to one is still read).
NOT_ARTICLES = frozenset({"readme", "license", "licence", "copying", "expected", "source", "changelog", "manifest"})
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Source:
    origin: str  # the path or URL as the user gave it (or as found under a directory they gave)
    kind: Literal["file", "stdin", "url"]


@dataclass
class Loaded:
    """An input's bytes, with what its transport says about them."""

    data: bytes
    name: str  # a file name to take the format from ("" when there is none)
    content_type: str | None = None


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def _walk(directory: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.split(".")[0].lower() in NOT_ARTICLES:
                continue
            found.append(Path(root) / name)
    return sorted(found)


def expand(paths: Sequence[str]) -> tuple[list[Source], list[Skipped]]:
    """Turn the user's paths into sources, in the order given (directory contents and glob matches sorted)."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for p in paths:
        if p == "-":
            sources.append(Source("-", "stdin"))
        elif is_url(p):
            sources.append(Source(p, "url"))
        elif os.path.isdir(p):
            found = _walk(Path(p))
            if not found:
                skipped.append(Skipped(p, "directory has no article files"))
            sources.extend(Source(str(f), "file") for f in found)
        elif os.path.lexists(p):
            sources.append(Source(p, "file"))
        elif _GLOB_CHARS & set(p):
            matches = sorted(glob.glob(p, recursive=True))
            files: list[str] = [m for m in matches if not os.path.isdir(m)]
            for d in (m for m in matches if os.path.isdir(m)):
                files.extend(str(f) for f in _walk(Path(d)))
            if not files:
                skipped.append(Skipped(p, "no file matches this pattern"))
            sources.extend(Source(f, "file") for f in files)
        else:
            skipped.append(Skipped(p, "no such file or directory"))
    unique = list(dict.fromkeys(sources))  # the same path given twice is read once
    return unique, skipped


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _read_capped(stream: BinaryIO, origin: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(origin, f"too large (over {_mb(limit)}; raise --max-bytes to read it)")
    return data


def _load_file(origin: str, limit: int) -> Loaded:
    try:
        st = os.stat(origin)
    except FileNotFoundError as exc:
        reason = "broken symbolic link" if os.path.islink(origin) else "no such file or directory"
        raise InputError(origin, reason) from exc
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or type(exc).__name__})") from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError(origin, "is a directory")
    if not stat.S_ISREG(st.st_mode):
        kind = "named pipe" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "device"
        raise InputError(origin, f"not a regular file ({kind})")
    if st.st_size > limit:
        raise InputError(origin, f"too large ({_mb(st.st_size)}; limit {_mb(limit)}, raise --max-bytes to read it)")
    try:
        with open(origin, "rb") as fh:
            data = _read_capped(fh, origin, limit)
    except OSError as exc:
        raise InputError(origin, f"cannot read ({exc.strerror or type(exc).__name__})") from exc
    return Loaded(data, os.path.basename(origin))


def _load_stdin(limit: int) -> Loaded:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        data = _read_capped(stream, "-", limit)
    else:
        data = sys.stdin.read(limit + 1).encode("utf-8")
        if len(data) > limit:
            raise InputError("-", f"too large (over {_mb(limit)}; raise --max-bytes to read it)")
    return Loaded(data, "")


def _load_url(url: str, options: IngestOptions) -> Loaded:
    import httpx

    headers = {"User-Agent": "storytrace (news analysis; +https://example.invalid/storytrace)"}
    try:
        with (
            httpx.Client(timeout=options.timeout_s, follow_redirects=True, headers=headers) as client,
            client.stream("GET", url) as resp,
        ):
            if resp.status_code >= 400:
                raise InputError(url, f"HTTP {resp.status_code} {resp.reason_phrase}".strip())
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > options.max_bytes:
                    raise InputError(url, f"too large (over {_mb(options.max_bytes)}; raise --max-bytes to read it)")
                chunks.append(chunk)
            content_type = resp.headers.get("content-type")
            name = Path(resp.url.path).name
    except httpx.ConnectError as exc:
        raise InputError(url, f"cannot connect (offline or host unreachable: {exc})") from exc
    except httpx.TimeoutException as exc:
        raise InputError(url, f"timed out after {options.timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise InputError(url, f"download failed ({type(exc).__name__}: {exc})") from exc
    return Loaded(b"".join(chunks), name, content_type)


def load(source: Source, options: IngestOptions) -> Loaded:
    """The bytes of one source; ``InputError`` with a one-line reason when they cannot be had."""
    if source.kind == "stdin":
        return _load_stdin(options.max_bytes)
    if source.kind == "url":
        return _load_url(source.origin, options)
    return _load_file(source.origin, options.max_bytes)


def gunzip(data: bytes, origin: str, limit: int) -> bytes:
    """Decompress a gzipped input without letting a small bomb grow past the size limit."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(origin, "corrupt gzip data") from exc
    if len(out) > limit:
        raise InputError(origin, f"too large when decompressed (over {_mb(limit)})")
    return out


__all__ = ["Loaded", "Source", "expand", "gunzip", "is_url", "load"]
