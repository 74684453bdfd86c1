"""Article-body extraction on the Zyte/Scrapinghub article-extraction-benchmark (181 pages with gold bodies).

Scored the way that benchmark's evaluate.py scores: token 4-gram shingles of predicted vs gold ``articleBody``
(``\\w+`` tokens, multiset matching, TP/FP/FN normalised per page), precision and recall averaged over pages, F1 of
the two averages. ``accuracy``: share of pages whose token sequence equals the gold one.

    make bench-extract            # or: .venv/bin/python bench/extract.py [--variants]

Writes bench/results/extract.json. ``--variants`` also measures the configurations that were tried and not kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.ingest.clean import edit  # noqa: E402
from storytrace.ingest.html import EXTRACT_SETTINGS, RESCUE_RATIO, extract_body  # noqa: E402

DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))
PUBLISHED = {
    "rs_trafilatura": 0.970,
    "Zyte AutoExtract (2019)": 0.970,
    "go_trafilatura": 0.960,
    "trafilatura 2.0.0": 0.958,
    "newspaper4k": 0.949,
    "readability.js": 0.947,
}
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(gold: str, pred: str) -> tuple[float, float, float]:
    g, p = shingles(gold), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(g) | set(p):
        tp += min(g[key], p[key])
        fp += max(0, p[key] - g[key])
        fn += max(0, g[key] - p[key])
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def score(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    counts = [tp_fp_fn(gold[k], pred.get(k, "")) for k in gold]
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    accuracy = statistics.mean(_TOKEN.findall(gold[k]) == _TOKEN.findall(pred.get(k, "")) for k in gold)
    return {
        "f1": round(2 * precision * recall / (precision + recall), 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "accuracy": round(accuracy, 4),
    }


def load(root: Path, keys: list[str] | None = None) -> tuple[dict[str, str], dict[str, bytes]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth) if keys is None else keys
    gold = {k: truth[k].get("articleBody", "") for k in keys}
    pages = {k: gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()) for k in keys}
    return gold, pages


def furniture_cut(text: str) -> str:
    """The copy editor's furniture cuts (only those: datelines and bylines stay in the body the benchmark scores)."""
    paragraphs = text.split("\n")
    edited = edit(paragraphs)
    cut = set(edited.removed)
    return "\n".join(p for p in paragraphs if p.strip() not in cut)


Extractor = Callable[[bytes], str]


def pipeline(html: bytes) -> str:
    """What storytrace runs: the kept trafilatura settings, then the copy editor's furniture cuts."""
    return furniture_cut(extract_body(html))


def variants() -> dict[str, Extractor]:
    def with_settings(**kw: Any) -> Extractor:
        return lambda html: extract_body(html, **{**{"favor_precision": False, "include_tables": True}, **kw})

    return {
        "trafilatura default (include_comments=True)": with_settings(include_comments=True),
        "trafilatura as the benchmark runs it (no comments)": with_settings(),
        "favor_recall": with_settings(favor_recall=True),
        "no tables": with_settings(include_tables=False),
        "favor_precision": with_settings(favor_precision=True, rescue=False),
        "favor_precision, no tables": with_settings(favor_precision=True, include_tables=False, rescue=False),
        "favor_precision + furniture cuts": lambda html: furniture_cut(extract_body(html, rescue=False)),
        "favor_precision + balanced rescue": lambda html: extract_body(html),
        "favor_precision + balanced rescue + furniture cuts (kept)": pipeline,
        "default + furniture cuts": lambda html: furniture_cut(with_settings()(html)),
    }


def run(extract: Extractor, pages: dict[str, bytes]) -> dict[str, str]:
    return {k: extract(html) for k, html in pages.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", action="store_true", help="also measure the configurations tried and not kept")
    args = ap.parse_args()
    root = DATA / "article-extraction-benchmark"
    if not (root / "ground-truth.json").exists():
        print(f"article-extraction-benchmark not found at {root} (set STORYTRACE_DATA)", file=sys.stderr)
        return 2
    gold, pages = load(root)
    t0 = time.perf_counter()
    figures = score(gold, run(pipeline, pages))
    seconds = time.perf_counter() - t0
    details: dict[str, Any] = {
        "pages": len(pages),
        "seconds": round(seconds, 1),
        "settings": {**EXTRACT_SETTINGS, "rescue_ratio": RESCUE_RATIO},
    }
    if args.variants:
        details["variants"] = {name: score(gold, run(fn, pages)) for name, fn in variants().items()}
    out = ROOT / "bench" / "results" / "extract.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    if not args.variants and "variants" in previous.get("details", {}):
        details["variants"] = previous["details"]["variants"]  # keep the last --variants run's table
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {"figures": figures, "published": {"f1": PUBLISHED}, "details": details}
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"storytrace extraction on {len(pages)} pages ({seconds:.1f} s):")
    print(f"  F1 {figures['f1']:.3f}  precision {figures['precision']:.3f}  recall {figures['recall']:.3f}")
    print(f"  accuracy {figures['accuracy']:.3f}")
    print("published F1 (benchmark README):")
    for name, f1 in PUBLISHED.items():
        print(f"  {name:<28} {f1:.3f}")
    print("  trafilatura 2.3.1 as the benchmark runs it, measured here: see details.variants (--variants)")
    for name, fig in details.get("variants", {}).items():
        print(f"  variant {name:<52} F1 {fig['f1']:.4f}  P {fig['precision']:.4f}  R {fig['recall']:.4f}")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
