"""Cross-check benchmark, as shipped (``make bench-crosscheck``): does the dossier accuse the summaries that are
really inconsistent with their document? SummEdits news, FRANK, XSumFaith; and quote fidelity on PolNeAR quotes
(bench/quote_fidelity.py, ``storytrace.crosscheck.quotes.compare_quote``).

Each (document, summary) pair is a story of two articles in which the summary is a rewrite of the document: Article
records for both (``storytrace.ingest.split_sentences`` for sentences, blank lines for paragraphs, ids from
``storytrace.ingest.article_id``), facts from ``storytrace.claims.extract_facts``, vectors from
``storytrace.embed.embed_articles`` (both cached under ``bench/work/`` by bench/shipped.py), one ``Reuse`` record
document -> summary (kind ``rewrite``, direction ``decided``), source groups from ``storytrace.reuse.source_groups``,
and then ``storytrace.crosscheck.crosscheck`` — the function the pipeline runs, default options, nothing tuned. A
summary is predicted inconsistent when the dossier accuses it: the headline counts an ``unsupported_addition`` among
its claims or a conflict naming it (the dossier's accusation set); ``additions only`` is beside it. Figures: balanced
accuracy (label 1 = consistent) and the precision of the accusation (share of accused summaries that are really
inconsistent), with the share of inconsistent summaries as the baseline for precision.

Splits: SummEdits' `test` split (686 items) is the headline, its `evaluation` split (133) beside it; FRANK's test
split (1,575 summaries); XSumFaith as SummaC splits it (only the items whose BBC article is in FRANK's files). Whole
documents are used (the old consistency bench cut them to 25 sentences).

    make bench-crosscheck          # or: .venv/bin/python bench/crosscheck.py [--quick] [--experiments]

``--experiments`` also runs the consistency judge (bench/consistency_experiment.py, not shipped) and stores its
figures under ``experiments``; without it the last stored ``experiments`` block is kept as it was.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quote_fidelity import run as run_quotes
from shipped import EmbedMemo, ShippedCache
from storytrace.crosscheck import crosscheck
from storytrace.ingest import article_id, split_sentences
from storytrace.records import Article, Reuse, StoryGroup
from storytrace.reuse import source_groups

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))
OUT = ROOT / "bench" / "results" / "crosscheck.json"
CACHE = Path(os.environ.get("STORYTRACE_BENCH_CACHE", ROOT / "bench" / "work"))
PUBLISHED = {
    "summedits_bacc": {
        "GPT-4": 0.833,
        "QAFactEval": 0.744,
        "ChatGPT": 0.744,
        "SummaC-Conv": 0.619,
        "humans": 0.900,
        "entity/number/negation rules": 0.59,
    },
    "frank_bacc": {"SummaC-Conv": 0.816, "QuestEval": 0.821, "SummaC-ZS": 0.790},
    "xsumfaith_bacc": {"SummaC-Conv": 0.664, "QuestEval": 0.664, "NER-overlap": 0.623, "SummaC-ZS": 0.584},
}
Pairs = list[tuple[str, str]]


# ---------------------------------------------------------------------------------------------------------------- data


def load_summedits() -> tuple[Pairs, np.ndarray, np.ndarray]:
    d = json.loads((DATA / "summedits-news" / "summedits_news.json").read_text())
    return (
        [(x["doc"], x["summary"]) for x in d],
        np.array([x["label"] for x in d]),
        np.array([x["split"] == "test" for x in d]),
    )


def load_frank(split: str = "test", limit: int | None = None) -> tuple[Pairs, np.ndarray]:
    base = DATA / "frank"
    ann = json.loads((base / "human_annotations.json").read_text())
    items, labels = [], []
    arts: dict[str, dict[str, Any]] = {}
    for a in ann:
        if a["split"] != split:
            continue
        f = base / "articles-wbertscore-json" / f"{a['hash']}.json"
        if not f.exists():
            continue
        if a["hash"] not in arts:
            arts[a["hash"]] = json.loads(f.read_text())
        art = arts[a["hash"]]
        summary = art.get(a["model_name"])
        if not summary:
            continue
        items.append((art["article"], summary))
        labels.append(int(a["Factuality"] == 1))
        if limit and len(items) >= limit:
            break
    return items, np.array(labels)


def load_xsumfaith(limit: int | None = None) -> tuple[Pairs, np.ndarray]:
    """SummaC's binary XSumFaith: majority label over annotators (NULL = consistent), alternating val/test by order;
    only the items whose BBC article is in FRANK's article files (251 of 500 ids) can be scored."""
    rows = list(csv.DictReader((DATA / "xsumfaith" / "hallucination_annotations_xsum_summaries.csv").open()))
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        groups.setdefault((r["bbcid"], r["system"]), []).append(r)
    items, labels = [], []
    for n, ((bbcid, _), vs) in enumerate(groups.items()):
        if n % 2 == 0:
            continue  # the validation half
        f = DATA / "frank" / "articles-wbertscore-json" / f"{bbcid}.json"
        if not f.exists():
            continue
        label = 1 if Counter(v["hallucination_type"] for v in vs).most_common(1)[0][0] == "NULL" else 0
        items.append((json.loads(f.read_text())["article"], vs[0]["summary"]))
        labels.append(label)
        if limit and len(items) >= limit:
            break
    return items, np.array(labels)


# ---------------------------------------------------------------------------------------------------------------- run


def make_article(text: str, origin: str) -> Article:
    """An Article as the pipeline's records carry it: clean text, paragraphs at blank lines, sentence spans."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.replace("\r", "")) if p.strip()]
    body, spans = "", []
    for p in paras:
        if body:
            body += "\n\n"
        spans.append((len(body), len(body) + len(p)))
        body += p
    return Article(
        id=article_id(body),
        origin=origin,
        origins=[origin],
        text=body,
        sentences=split_sentences(body),
        paragraphs=spans,
    )


def judge(pairs: Pairs, cache: ShippedCache, name: str) -> list[dict[str, Any]]:
    """The dossier's verdict on each summary: its claims' statuses and the conflicts naming it."""
    docs: dict[str, Article] = {}
    for n, (doc, _) in enumerate(pairs):
        if doc not in docs:
            docs[doc] = make_article(doc, f"{name}/doc{len(docs)}")
    sums = [make_article(s, f"{name}/summary{n}") for n, (_, s) in enumerate(pairs)]
    everything = list(docs.values()) + sums
    vectors = cache.vectors(everything)
    cache.facts(everything)  # parse once; fresh copies per pair below (the cross-check links entities in place)
    out = []
    for (doc_text, _), summ in zip(pairs, sums, strict=True):
        doc = docs[doc_text]
        if doc.id == summ.id or not summ.sentences:
            out.append({"additions": 0, "conflicts": 0, "claims": 0, "note": "summary empty or equal to its document"})
            continue
        facts = cache.facts([doc, summ])
        reuse = [Reuse(doc.id, summ.id, "rewrite", 1.0, "decided", ["the summary is a rewrite of the document"])]
        groups = source_groups([doc.id, summ.id], reuse)
        story = StoryGroup(id=summ.id, headline="", articles=[doc.id, summ.id])
        found = crosscheck(story, {doc.id: doc, summ.id: summ}, facts, vectors, reuse, groups)
        mine = [c for c in found.claims if any(m.article == summ.id for m in c.mentions)]
        additions = [c for c in mine if c.status == "unsupported_addition"]
        conflicts = [c for c in found.conflicts if summ.id in c.articles]
        out.append(
            {
                "additions": len(additions),
                "conflicts": len(conflicts),
                "conflict_kinds": sorted({c.kind for c in conflicts}),
                "claims": len(mine),
            }
        )
    return out


def bacc(y: np.ndarray, pred: np.ndarray) -> float:
    """Balanced accuracy, label 1 = consistent."""
    if not len(y):
        return 0.0
    pos, neg = y == 1, y == 0
    return round(0.5 * (float((pred[pos] == 1).mean()) + float((pred[neg] == 0).mean())), 4)


def evaluate(y: np.ndarray, verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    adds = np.array([v["additions"] > 0 for v in verdicts], dtype=bool)
    confs = np.array([v["conflicts"] > 0 for v in verdicts], dtype=bool)
    out: dict[str, Any] = {"items": len(y), "inconsistent_share": round(float((y == 0).mean()), 4) if len(y) else 0.0}
    for variant, accused in (("additions or conflicts", adds | confs), ("additions only", adds)):
        flagged = int(accused.sum())
        true_flags = int((accused & (y == 0)).sum())
        out[variant] = {
            "bacc": bacc(y, (~accused).astype(int)),
            "precision": round(true_flags / flagged, 4) if flagged else None,
            "recall": round(true_flags / max(int((y == 0).sum()), 1), 4),
            "accused": flagged,
        }
    out["summaries_without_claims"] = sum(1 for v in verdicts if not v["claims"])
    out["conflict_kinds"] = dict(Counter(k for v in verdicts for k in v.get("conflict_kinds", [])))
    return out


def main(quick: bool = False, with_experiments: bool = False) -> dict[str, Any]:
    t0 = time.time()
    cache = ShippedCache(CACHE, "crosscheck")
    limit = 150 if quick else None
    details: dict[str, Any] = {
        "headline": "the shipped cross-check (storytrace.crosscheck.crosscheck, default options) on each "
        "(document, summary) pair as a two-article story, summary a decided rewrite of the document; a summary is "
        "accused when one of its claims is an unsupported_addition or a conflict names it; nothing tuned",
    }
    seconds: dict[str, float] = {}

    memo = EmbedMemo(CACHE / "crosscheck_texts.npz")
    items, y, is_test = load_summedits()
    if quick:
        items, y, is_test = items[:120], y[:120], np.arange(120) >= 37
    t = time.time()
    with memo:
        v = judge(items, cache, "summedits")
    seconds["summedits"] = round(time.time() - t, 1)
    se = {
        "test": evaluate(y[is_test], [x for x, k in zip(v, is_test, strict=True) if k]),
        "dev": evaluate(y[~is_test], [x for x, k in zip(v, is_test, strict=True) if not k]),
        "all": evaluate(y, v),
    }
    details["summedits"] = se

    scored: dict[str, dict[str, Any]] = {}
    for key, loader in (("frank", load_frank), ("xsumfaith", load_xsumfaith)):
        its, ys = loader(limit=limit)  # type: ignore[operator]
        t = time.time()
        with memo:
            scored[key] = evaluate(ys, judge(its, cache, key))
        seconds[key] = round(time.time() - t, 1)
        details[key] = scored[key]

    head, adds = "additions or conflicts", "additions only"
    figures: dict[str, float | None] = {
        "summedits_bacc": se["test"][head]["bacc"],
        "summedits_dev_bacc": se["dev"][head]["bacc"],
        "summedits_accusation_precision": se["test"][head]["precision"],
        "summedits_addition_precision": se["test"][adds]["precision"],
        "frank_bacc": scored["frank"][head]["bacc"],
        "frank_accusation_precision": scored["frank"][head]["precision"],
        "frank_addition_precision": scored["frank"][adds]["precision"],
        "xsumfaith_bacc": scored["xsumfaith"][head]["bacc"],
    }
    t = time.time()
    q = run_quotes(limit=60 if quick else None)
    seconds["quotes"] = round(time.time() - t, 1)
    figures["quote_altered_f1"] = q["quote_altered_f1"]
    details["quotes"] = q
    details["cache"] = cache.computed

    previous: dict[str, Any] = {}
    if OUT.exists():
        previous = json.loads(OUT.read_text()).get("experiments", {})
    if with_experiments:
        from consistency_experiment import run as run_experiment

        t = time.time()
        experiments = {"consistency_judge": run_experiment(load_summedits, load_frank, load_xsumfaith, quick)}
        seconds["experiments"] = round(time.time() - t, 1)
    else:
        experiments = previous
    seconds["total"] = round(time.time() - t0, 1)
    details["seconds"] = seconds
    result = {"figures": figures, "published": PUBLISHED, "details": details, "experiments": experiments}
    if not quick:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(result, indent=1) + "\n")
    for k, val in figures.items():
        shown = "n/a" if val is None else f"{val:.4f}"
        print(f"{k:32s} {shown}   published: {PUBLISHED.get(k, {})}")
    for name, block in (("summedits test", se["test"]), ("summedits dev", se["dev"]), *scored.items()):
        print(
            f"  {name:15s} items {block['items']:5d}  inconsistent {block['inconsistent_share']:.3f}  "
            + "  ".join(
                f"{variant}: bacc {block[variant]['bacc']:.3f} P {block[variant]['precision']} "
                f"R {block[variant]['recall']:.3f} n {block[variant]['accused']}"
                for variant in (head, adds)
            )
        )
    print(f"  seconds {seconds}  computed {cache.computed}")
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv, with_experiments="--experiments" in sys.argv)
