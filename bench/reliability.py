"""Reliability under hostile input: a seeded fuzzer through the real readers, and a 1 GB input in bounded memory.

.venv/bin/python bench/reliability.py                 # 10,000 fuzzed inputs + the 1 GB inputs -> results/reliability.json
.venv/bin/python bench/reliability.py --inputs 500    # a short run while developing
.venv/bin/python bench/reliability.py --no-big        # skip the 1 GB inputs

The fuzzer (plain ``random``, seeded: the same seed gives the same inputs) starts from one small valid document per
format (txt, md, html, json, jsonl, rss, atom, warc, warc.gz, gz) and mutates it: byte flips, truncation, splices
of other seeds, repeated slices, and the hostile tokens of issue 13 (lone surrogate escapes, terminal escapes, long
words, runs of blank lines, deep nesting, 5,000-digit numbers, impossible dates, extra <body> tags, broken WARC
lengths). Each input is written to a file with its format's extension and read with ``storytrace.ingest.read_inputs``
in this process, as the CLI reads it. Per input:

- crash: ``read_inputs`` raised;
- traceback: a traceback or an exception's text reached stderr or a skipped reason;
- hang: the input took longer than ``HANG_S`` (a watchdog thread ends the run and records it if one never returns);
- its time, for ``max_seconds_per_small_input`` (every fuzzed input is at most ``MAX_INPUT_BYTES``).

The 1 GB inputs (a plain text file, a gzip bomb and a .warc.gz bomb that decompress to 1 GB) are generated in a
temporary directory and read in a child process each, with the default options; ``peak_rss_mb_1gb_input`` is the
largest peak resident set of those children. Inputs that crash or leak are saved under bench/work/reliability/.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "reliability.json"
WORK = ROOT / "bench" / "work" / "reliability"

# An input slower than this is a hang (issue 13's goal: no small input over 2 s; 10 s is far past any legitimate one).
HANG_S = 10.0
# Inputs slower than this are kept for a look (the goal is none over 2 s).
SLOW_S = 1.0
# The watchdog gives up on an input that never returns after this long (the readers' own budget is 30 s plus 5 s per MB).
WATCHDOG_S = 90.0
# Fuzzed inputs are "small": at most this many bytes (a long news page is 100-300 KB of HTML).
MAX_INPUT_BYTES = 256 * 1024
BIG_BYTES = 1 << 30  # the 1 GB input of issue 13
_LEAK = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b|File \"")

ARTICLE = (
    "Harbour fire closes Port Valmora\n\n"
    "PORT VALMORA, Estland (MP) — A fire broke out in a warehouse at the harbour on Tuesday, officials said. "
    "Dr. Ilse Marrant, the port authority's director, said 40 workers were evacuated at 6 a.m.\n\n"
    '"We expect to reopen on March 12, 2025," she told reporters. The U.S. consulate said no citizens were hurt.\n'
)
BODY = ARTICLE.split("\n\n", 1)[1]


def _warc_record(uri: str, html: str, length_delta: int = 0) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}".encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        f"WARC-Date: 2025-03-11T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + length_delta}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


HTML = (
    "<html><head><title>Harbour fire closes Port Valmora</title></head><body><article><h1>Harbour fire closes Port "
    f"Valmora</h1><p>{BODY.replace(chr(10), '</p><p>')}</p></article><footer>Cookie policy</footer></body></html>"
)
SEEDS: dict[str, bytes] = {
    "txt": ARTICLE.encode(),
    "md": f"---\ntitle: Harbour fire\nauthor: Ana Ruiz\ndate: 2025-03-11\n---\n# Harbour fire\n\n**{BODY}**\n\n"
    "- [link](http://x.invalid) and `code`\n".encode(),
    "html": HTML.encode(),
    "json": json.dumps(
        {"title": "Harbour fire", "text": BODY, "published": "2025-03-11", "author": ["A", "B"]}
    ).encode(),
    "jsonl": "\n".join(json.dumps({"headline": f"Fire {n}", "content": BODY + str(n)}) for n in range(3)).encode(),
    "rss": (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title><item><title>Harbour fire</title>'
        f"<description><![CDATA[<p>{BODY}</p>]]></description><pubDate>Tue, 11 Mar 2025 06:40:00 +0100</pubDate>"
        "</item></channel></rss>"
    ).encode(),
    "atom": (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title><entry>'
        f'<title>Harbour fire</title><content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content>'
        "<updated>2025-03-11T06:40:00Z</updated></entry></feed>"
    ).encode(),
    "warc": _warc_record("http://courier.invalid/fire", HTML),
}
EXT = {"txt": ".txt", "md": ".md", "html": ".html", "json": ".json", "jsonl": ".jsonl", "rss": ".rss"}
EXT |= {"atom": ".atom", "warc": ".warc", "warc.gz": ".warc.gz", "gz": ".gz"}
FORMATS = list(EXT)
HOSTILE: list[bytes] = [
    b"\\ud800",
    b'"\\udfff"',
    b"\xed\xa0\x80",
    b"\x1b[2J\x1b]0;pwned\x07",
    b"\xc2\x9b31m",
    b"\x00",
    b"\r",
    b"\n" * 5000,
    b"a" * 10000 + b". ",
    b"Sentence. " * 2000,
    b"[" * 3000,
    b"{" * 3000,
    b"1" * 5000,
    b"2025-13-45",
    b"0000-00-00",
    b"<body>",
    b"</body><body>",
    b"<!--",
    b"<![CDATA[",
    b"<div>" * 2000,
    b"**" * 2000,
    b"Content-Length: 99999999\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\u202e".decode("unicode_escape").encode(),
    b"# " * 1000,
    b"By ",
    b"\xe2\x80\x94 ",
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randint(0, len(out))
        if op < 0.05:  # one hostile token repeated up to the whole input size: the quadratic cases of issue 13
            token = rng.choice(HOSTILE)
            out[pos:pos] = token * rng.randint(2, MAX_INPUT_BYTES // len(token))
        elif op < 0.35:
            out[pos:pos] = rng.choice(HOSTILE)
        elif op < 0.55 and out:
            for _ in range(rng.randint(1, 8)):
                out[rng.randrange(len(out))] = rng.randrange(256)
        elif op < 0.65:
            del out[pos:]
        elif op < 0.8 and out:
            a = rng.randrange(len(out))
            piece = bytes(out[a : a + rng.randint(1, 200)])
            out[pos:pos] = piece * rng.randint(2, 200)
        elif op < 0.9:
            other = SEEDS[rng.choice(list(SEEDS))]
            out[pos:pos] = other[: rng.randint(0, len(other))]
        else:
            out[pos : pos + rng.randint(0, 50)] = b""
    return bytes(out[:MAX_INPUT_BYTES])


def fuzz_input(rng: random.Random, fmt: str) -> bytes:
    """One fuzzed input of format ``fmt`` (the bytes as they go into the file)."""
    if fmt == "warc.gz":
        records = [
            _mutate(rng, SEEDS["warc"]) if rng.random() < 0.7 else SEEDS["warc"] for _ in range(rng.randint(1, 3))
        ]
        data = b"".join(gzip.compress(r) for r in records)
        return _corrupt(rng, data)
    if fmt == "gz":
        inner = _mutate(rng, SEEDS[rng.choice(["txt", "html", "json"])])
        return _corrupt(rng, gzip.compress(inner))
    if fmt == "warc" and rng.random() < 0.3:  # a wrong Content-Length: warcio's multi-line warning
        return _warc_record("http://courier.invalid/a", HTML, rng.randint(-50, 50)) + SEEDS["warc"]
    return _mutate(rng, SEEDS[fmt])


def _corrupt(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.3 and len(data) > 20:
        b = bytearray(data)
        b[rng.randrange(10, len(b))] = rng.randrange(256)
        if rng.random() < 0.5:
            del b[rng.randrange(10, len(b)) :]
        return bytes(b)
    return data


class Watchdog:
    """Ends the run, with what was measured so far, if one input never returns (a hang in C code)."""

    def __init__(self, on_hang: Any) -> None:
        self.started: float | None = None
        self.on_hang = on_hang
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(1.0)
            if self.started is not None and time.monotonic() - self.started > WATCHDOG_S:
                self.on_hang()
                os._exit(3)


def run_fuzz(n_inputs: int, seed: int, work: Path) -> dict[str, Any]:
    from storytrace.ingest import read_inputs

    rng = random.Random(seed)
    stats: dict[str, Any] = {
        "fuzz_inputs": 0,
        "fuzz_crashes": 0,
        "fuzz_tracebacks": 0,
        "fuzz_hangs": 0,
        "max_seconds_per_small_input": 0.0,
        "fuzz_articles": 0,
        "fuzz_skipped": 0,
        "fuzz_by_format": dict.fromkeys(FORMATS, 0),
        "fuzz_slowest": [],
        "fuzz_seed": seed,
    }
    current: dict[str, Any] = {}

    def on_hang() -> None:
        stats["fuzz_hangs"] += 1
        _save(current.get("data", b""), current.get("fmt", "txt"), "hang")
        write(stats)

    dog = Watchdog(on_hang)
    tmp = work / "inputs"
    tmp.mkdir(parents=True, exist_ok=True)
    # warm up: the first read of a format imports its libraries, once per process; the first HTML page with a
    # date-like string in its heading makes htmldate import dateparser (about 3 s on this machine)
    warm = [*SEEDS.items(), ("html", HTML.replace("<h1>Harbour", "<h1>Harbour 2025-13-45").encode())]
    for fmt, data in warm:
        (tmp / f"seed{EXT[fmt]}").write_bytes(data)
        read_inputs([str(tmp / f"seed{EXT[fmt]}")])
    for i in range(n_inputs):
        fmt = FORMATS[i % len(FORMATS)]
        data = fuzz_input(rng, fmt)
        path = tmp / f"input{i % 50}{EXT[fmt]}"
        path.write_bytes(data)
        current.update(fmt=fmt, data=data)
        err = io.StringIO()
        dog.started = time.monotonic()
        t0 = time.perf_counter()
        crashed = False
        try:
            with contextlib.redirect_stderr(err):
                articles, skipped = read_inputs([str(path)])
        except BaseException:
            crashed = True
            articles, skipped = [], []
        seconds = time.perf_counter() - t0
        dog.started = None
        stats["fuzz_inputs"] += 1
        stats["fuzz_by_format"][fmt] += 1
        stats["fuzz_articles"] += len(articles)
        stats["fuzz_skipped"] += len(skipped)
        stats["max_seconds_per_small_input"] = max(stats["max_seconds_per_small_input"], seconds)
        stats["fuzz_slowest"] = sorted([*stats["fuzz_slowest"], [round(seconds, 3), fmt, len(data)]], reverse=True)[:5]
        leaked = bool(_LEAK.search(err.getvalue())) or any(_LEAK.search(s.reason) for s in skipped)
        if not articles and not skipped and not crashed:
            leaked = True  # an input that ends as nothing at all: silent, counted with the tracebacks
        if crashed:
            stats["fuzz_crashes"] += 1
            _save(data, fmt, "crash")
        elif leaked:
            stats["fuzz_tracebacks"] += 1
            _save(data, fmt, "traceback")
        if seconds > HANG_S:
            stats["fuzz_hangs"] += 1
            _save(data, fmt, "hang")
        elif seconds > SLOW_S:
            _save(data, fmt, "slow")
        if (i + 1) % 1000 == 0:
            print(f"  {i + 1} inputs, max {stats['max_seconds_per_small_input']:.2f} s", file=sys.stderr, flush=True)
    stats["max_seconds_per_small_input"] = round(stats["max_seconds_per_small_input"], 3)
    return stats


def _save(data: bytes, fmt: str, kind: str) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    n = len(list(WORK.glob(f"{kind}-*")))
    if n < 20:
        (WORK / f"{kind}-{n}{EXT[fmt]}").write_bytes(data)


# --------------------------------------------------------------------------------------------------------------------
# The 1 GB inputs


def _write_big(path: Path) -> None:
    """A 1 GB file of prose (written in 1 MiB blocks: the generator itself stays small)."""
    block = (BODY.replace("\n", " ") * (1 + (1 << 20) // len(BODY))).encode()[: 1 << 20]
    with open(path, "wb") as fh:
        for _ in range(BIG_BYTES // len(block)):
            fh.write(block)


def _write_bomb(path: Path, warc: bool) -> None:
    """A gzip file that decompresses to 1 GB (zeros, or one WARC record whose HTML body is 1 GB of spaces)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = (b" " if warc else b"\0") * (1 << 20)
    with open(path, "wb") as fh:
        if warc:
            head = _warc_record("http://bomb.invalid/", "", BIG_BYTES).split(b"HTTP/1.1", 1)[0]
            fh.write(comp.compress(head + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"))
        for _ in range(BIG_BYTES // len(zeros)):
            fh.write(comp.compress(zeros))
        fh.write(comp.flush())


def run_big(work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    peak = 0.0
    for name, make in (
        ("big.txt", _write_big),
        ("bomb.txt.gz", lambda p: _write_bomb(p, warc=False)),
        ("bomb.warc.gz", lambda p: _write_bomb(p, warc=True)),
    ):
        path = work / name
        make(path)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--big-child", str(path)], capture_output=True, text=True, timeout=600
        )
        seconds = time.perf_counter() - t0
        path.unlink()
        try:
            child = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            child = {"error": proc.stderr[-500:], "peak_rss_mb": None}
        child["seconds"] = round(seconds, 2)
        child["exit_code"] = proc.returncode
        results[name] = child
        peak = max(peak, child.get("peak_rss_mb") or 0.0)
    return {"peak_rss_mb_1gb_input": round(peak, 1), "big_inputs": results}


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ``getrusage``: on Linux its ru_maxrss survives exec, so a child
    started by a large parent would report the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the best there is


def big_child(path: str) -> None:
    from storytrace.ingest import read_inputs

    articles, skipped = read_inputs([path])
    result = {
        "articles": len(articles),
        "skipped": [s.reason for s in skipped],
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    print(json.dumps(result))


# The figures of issue 13 this bench measures (the README's results table reads them); everything else is detail.
FIGURES = (
    "fuzz_inputs",
    "fuzz_crashes",
    "fuzz_tracebacks",
    "fuzz_hangs",
    "max_seconds_per_small_input",
    "peak_rss_mb_1gb_input",
)


def write(stats: dict[str, Any]) -> None:
    """``{"figures": ..., "details": ...}`` as the other benches write it."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    figures = {k: stats[k] for k in FIGURES if k in stats}
    details = {k: v for k, v in stats.items() if k not in FIGURES}
    OUT.write_text(json.dumps({"figures": figures, "details": details}, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inputs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--big-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.big_child:
        big_child(args.big_child)
        return
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="storytrace-reliability-") as tmp:
        stats = run_fuzz(args.inputs, args.seed, Path(tmp))
        stats["fuzz_seconds"] = round(time.perf_counter() - t0, 1)
        # without the 1 GB inputs, no figure for them: an older run's must not stand next to this run's
        stats |= {"peak_rss_mb_1gb_input": None, "big_inputs": None} if args.no_big else run_big(Path(tmp))
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    write(stats)
    keys = ("fuzz_inputs", "fuzz_crashes", "fuzz_tracebacks", "fuzz_hangs", "max_seconds_per_small_input")
    print(json.dumps({k: stats.get(k) for k in (*keys, "peak_rss_mb_1gb_input")}))


if __name__ == "__main__":
    main()
