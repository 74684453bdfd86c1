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
from storytrace.ingest.safety import display_name
from storytrace.options import IngestOptions
from storytrace.records import Skipped

# In a directory walk these are notes about the articles, not articles (an explicit path to one is still read).
NOT_ARTICLES = frozenset({"readme", "license", "licence", "copying", "expected", "source", "changelog", "manifest"})
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Source:
    origin: str  # the path or URL as the user gave it (or as found under a directory they gave), printable
    kind: Literal["file", "stdin", "url"]
    path: str = ""  # the name to open, when it differs from ``origin`` (a file name that is not UTF-8)

    @property
    def location(self) -> str:
        return self.path or self.origin


def _file_source(path: str) -> Source:
    shown = display_name(path)
    return Source(shown, "file", "" if shown == path else path)


def _reason(exc: OSError) -> str:
    """A one-line reason for an OS error, in its own words ("permission denied"), never a traceback's."""
    return exc.strerror.lower() if exc.strerror else type(exc).__name__


@dataclass
class Loaded:
    """An input's bytes, with what its transport says about them."""

    data: bytes
    name: str  # a file name to take the format from ("" when there is none)
    content_type: str | None = None


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def _walk(directory: Path, skipped: list[Skipped]) -> list[Path]:
    """Article files under ``directory``; a subdirectory that cannot be listed is a Skipped line, not left out."""
    found: list[Path] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else str(directory)
        skipped.append(Skipped(display_name(where), f"cannot read directory ({_reason(exc)})"))

    for root, dirs, files in os.walk(directory, followlinks=False, onerror=on_error):
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
            before = len(skipped)
            found = _walk(Path(p), skipped)
            if not found and len(skipped) == before:
                skipped.append(Skipped(display_name(p), "directory has no article files"))
            sources.extend(_file_source(str(f)) for f in found)
        elif os.path.lexists(p):
            sources.append(_file_source(p))
        elif _GLOB_CHARS & set(p):
            matches = sorted(glob.glob(p, recursive=True))
            files: list[str] = [m for m in matches if not os.path.isdir(m)]
            for d in (m for m in matches if os.path.isdir(m)):
                files.extend(str(f) for f in _walk(Path(d), skipped))
            if not files:
                skipped.append(Skipped(display_name(p), "no file matches this pattern"))
            sources.extend(_file_source(f) for f in files)
        else:
            skipped.append(Skipped(display_name(p), "no such file or directory"))
    unique = list(dict.fromkeys(sources))  # the same path given twice is read once
    return unique, skipped


def size_text(n: int) -> str:
    """A size as a person reads it: "512 bytes", "40 KB", "1.5 MB" (decimal units, as file managers show them)."""
    if n < 1000:
        return f"{n:,} byte{'s' * (n != 1)}"
    if n < 1_000_000:
        return f"{n / 1000:.0f} KB" if n >= 10_000 else f"{n / 1000:.1f} KB"
    return f"{n / 1_000_000:.1f} MB"


def _read_capped(stream: BinaryIO, origin: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(origin, f"too large (over {size_text(limit)}; raise --max-bytes to read it)")
    return data


def _load_file(origin: str, limit: int, path: str) -> Loaded:
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        reason = "broken symbolic link" if os.path.islink(path) else "no such file or directory"
        raise InputError(origin, reason) from exc
    except OSError as exc:
        raise InputError(origin, f"cannot read ({_reason(exc)})") from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError(origin, "is a directory")
    if not stat.S_ISREG(st.st_mode):
        kind = "named pipe" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "device"
        raise InputError(origin, f"not a regular file ({kind})")
    if st.st_size > limit:
        raise InputError(
            origin, f"too large ({size_text(st.st_size)}; limit {size_text(limit)}, raise --max-bytes to read it)"
        )
    try:
        with open(path, "rb") as fh:
            data = _read_capped(fh, origin, limit)
    except OSError as exc:
        raise InputError(origin, f"cannot read ({_reason(exc)})") from exc
    return Loaded(data, os.path.basename(origin))


def _load_stdin(limit: int) -> Loaded:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        data = _read_capped(stream, "-", limit)
    else:
        data = sys.stdin.read(limit + 1).encode("utf-8")
        if len(data) > limit:
            raise InputError("-", f"too large (over {size_text(limit)}; raise --max-bytes to read it)")
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
                    raise InputError(
                        url, f"too large (over {size_text(options.max_bytes)}; raise --max-bytes to read it)"
                    )
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
    return _load_file(source.origin, options.max_bytes, source.location)


# Decompressed bytes produced per step: the size limit is checked after each step, so a bomb never holds more than
# the limit plus one step in memory (1 MiB: small next to the 20 MB default limit, big enough to be fast).
_GUNZIP_STEP = 1 << 20


def gunzip(data: bytes, origin: str, limit: int) -> bytes:
    """Decompress a gzipped input (every member: a .warc.gz is one gzip member per record) as a stream, stopping
    as soon as the decompressed bytes pass the size limit, so that a small bomb never grows past it."""
    parts: list[bytes] = []
    size = 0
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pending = rest
        try:
            while not d.eof:
                chunk = d.decompress(pending, _GUNZIP_STEP)
                pending = d.unconsumed_tail
                if not chunk and not pending:
                    break  # all input used and nothing buffered: the stream ends inside this member
                size += len(chunk)
                if size > limit:
                    raise InputError(origin, f"too large when decompressed (over {size_text(limit)})")
                parts.append(chunk)
        except zlib.error as exc:
            if not parts:
                raise InputError(origin, "corrupt gzip data") from exc
            break  # a damaged tail: keep what decompressed (a reader decides whether it is enough)
        if not d.eof:
            break  # cut short: the stream ended inside a member
        rest = d.unused_data
        if rest.strip(b"\x00") == b"":
            break  # padding after the last member
    return b"".join(parts)


__all__ = ["Loaded", "Source", "expand", "gunzip", "is_url", "load"]
