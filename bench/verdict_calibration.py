"""Calibration of the verdict stage's shares (docs/verdicts.md): padding and opinion on real news.

Runs the shipped stages (stories, reuse, cross-check, verdicts; default options) on the ``bench/trust.py`` piles —
METER (PA copy and the papers that took from it or wrote their own), OneStopEnglish (one Guardian article at three
reading levels), NeuS/AllSides (a left, a centre and a right outlet on one story) and ECB+ (web outlets reporting
the same events) — and prints, per kind of article, the distribution of ``Verdict.padding``, of the opinion share
``verdicts.padding.opinion_share``, and the verdicts and timings given. The thresholds in ``VerdictOptions`` were read
off the dev split; ``--split test`` reports the same on the test split.

    .venv/bin/python bench/verdict_calibration.py --split dev
    .venv/bin/python bench/verdict_calibration.py --split test

Parsed articles, facts and vectors are cached per pile in ``bench/work/trust/cache-<split>-<pile>.pkl`` (the same
cache the trust harness keeps); the JSON summary goes to ``bench/work/verdicts/calibration-<split>.json``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import trust  # noqa: E402
from storytrace.claims import extract_facts  # noqa: E402
from storytrace.embed import embed_articles  # noqa: E402
from storytrace.ingest import read_inputs  # noqa: E402
from storytrace.options import Options  # noqa: E402
from storytrace.pipeline import analyze_story  # noqa: E402
from storytrace.stories import group_stories  # noqa: E402
from storytrace.verdicts.padding import first_person_share, opinion_share  # noqa: E402

WORK = ROOT / "bench" / "work"


def _load(pile: str, split: str, options: Options) -> tuple[list[trust.Item], list[Any], dict[str, Any], dict]:
    items = trust.LOADERS[pile](split)
    cache = WORK / "trust" / f"cache-{split}-{pile}.pkl"
    if cache.exists():
        articles, _skipped, facts, vectors = pickle.loads(cache.read_bytes())
    else:
        path = trust.write_pile(pile, split, items)
        articles, _skipped = read_inputs([str(path)], options.ingest)
        facts = {f.article: f for f in extract_facts(articles, options.claims)}
        vectors = embed_articles(articles)
        cache.write_bytes(pickle.dumps((articles, _skipped, facts, vectors)))
    for a in articles:  # caches written before a field was added
        if not hasattr(a, "sources_cited"):
            a.sources_cited = []
    for f in facts.values():
        if not hasattr(f, "sources_cited"):
            f.sources_cited = []
    return items, articles, facts, vectors


def _kind(pile: str, item: trust.Item | None) -> str:
    if item is None:  # ingest changed the text (boilerplate cut); only METER's kinds need the item
        return pile if pile in ("ecb", "neus") else f"{pile}/?"
    if pile == "meter":
        return "meter/PA" if "/PA/" in item.key else f"meter/paper-{item.gold.get('derived')}"
    if pile == "ose":
        return f"ose/{item.gold.get('level')}"
    return pile


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    v = np.array(values)
    return {
        "n": len(values),
        "mean": round(float(v.mean()), 3),
        "p50": round(float(np.percentile(v, 50)), 3),
        "p90": round(float(np.percentile(v, 90)), 3),
        "p95": round(float(np.percentile(v, 95)), 3),
        "max": round(float(v.max()), 3),
    }


def run(split: str) -> dict[str, Any]:
    options = Options()
    pad: dict[str, list[float]] = {}
    opinion: dict[str, list[float]] = {}
    firsts: dict[str, list[float]] = {}
    verdicts: dict[str, Counter[str]] = {}
    timings: dict[str, Counter[str]] = {}
    above: dict[str, int] = {}
    commentary: list[str] = []
    for pile in trust.PILES:
        items, articles, facts, vectors = _load(pile, split, options)
        by_text = {trust.norm(it.text): it for it in items}
        by_id = {a.id: a for a in articles}
        for sg in group_stories(articles, facts, vectors, options.stories):
            story = analyze_story(sg, [by_id[a] for a in sg.articles], facts, vectors, options)
            for v in story.verdicts:
                art = by_id[v.article]
                kind = _kind(pile, by_text.get(trust.norm(art.text)))
                pad.setdefault(kind, []).append(v.padding)
                opinion.setdefault(kind, []).append(opinion_share(art, facts.get(art.id)))
                verdicts.setdefault(kind, Counter())[v.verdict] += 1
                timings.setdefault(kind, Counter())[v.timing] += 1
                above[kind] = above.get(kind, 0) + (v.padding >= options.verdicts.padding_notable)
                share = opinion[kind][-1]
                first = first_person_share(art, facts.get(art.id))
                firsts.setdefault(kind, []).append(first)
                if v.verdict == "commentary" or share >= 0.2:
                    # the articles nearest the commentary rule, to be read by hand
                    commentary.append(
                        f"{v.verdict} {kind} opinion={share:.2f} padding={v.padding:.2f} first_person={first:.2f} "
                        f"{art.outlet or '-'}: {art.text[:100]!r}"
                    )
        print(f"  {split}/{pile}: {len(articles)} articles", flush=True)
    out = {
        "split": split,
        "padding": {k: _stats(v) for k, v in sorted(pad.items())},
        "padding_notable_share": {k: round(above[k] / len(pad[k]), 3) for k in sorted(pad)},
        "opinion": {k: _stats(v) for k, v in sorted(opinion.items())},
        "first_person": {k: _stats(v) for k, v in sorted(firsts.items())},
        "verdicts": {k: dict(sorted(c.items())) for k, c in sorted(verdicts.items())},
        "timing": {k: dict(sorted(c.items())) for k, c in sorted(timings.items())},
        "near_commentary": sorted(commentary),
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    args = ap.parse_args()
    out = run(args.split)
    path = WORK / "verdicts" / f"calibration-{args.split}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
