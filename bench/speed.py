"""Speed of the whole dossier, its unavoidable parts, the near-duplicate stage, the stories stage and the claims stage.

    python bench/speed.py [--copies 8] [--skip-baseline] [--skip-pipeline]

The pile: METER (newspapers + PA) and ECB+ texts, replicated; every word of copy ``c`` gets the suffix ``q<c>`` so
that copies share no shingle (and no name) with each other, while each copy keeps the originals' near-duplicates.

- ``neardup_articles_per_s``: storytrace.stories.neardup from clean text (shingling, signatures, LSH, verification),
  both cores.
- ``baseline_articles_per_s``: datasketch MinHash(num_perm=128) + MinHashLSH(threshold) over the same word 3-shingles,
  verified the same way (MinHash Jaccard estimate >= threshold), in the same run.
- precision/recall of both against exact Jaccard >= threshold: exact values are computed once on the originals;
  a pair within copy ``c`` is true when the same pair of originals is; a pair across copies is false.
- ``stories_articles_per_s``: ``group_stories`` from parsed records. Facts and lead vectors are computed once for the
  originals and reused for their copies (names suffixed like the text; vectors turned by a random rotation per copy,
  which keeps similarities within a copy and makes copies unrelated).
- ``claims_articles_per_s``: ``storytrace.claims.extract_facts`` on 200 METER articles (whatever is in the tree).
- ``rensa_articles_per_s``: rensa's RMinHash + RMinHashLSH (128 permutations, 32 bands like ours) over the same
  word 3-shingles, verified the same way, in the same run.
- ``pipeline_articles_per_s``: the whole ``storytrace.pipeline.analyze`` (ingest to dossier, default options) on a
  pile of real articles: ECB+ (topics 1-12 and 36-45), METER (50 day+catchline stories), NeuS/AllSides (80
  stories) and the 181 gold bodies of the article-extraction benchmark (unrelated pages: stories of one article),
  as one JSON Lines file. Beside it, in the same run, its unavoidable parts on the same articles:
  ``spacy_only_articles_per_s`` (the English pipeline over every article, both cores, nothing extracted) and
  ``embed_only_articles_per_s`` (MiniLM over every sentence of every article once, what a pipeline that embeds
  everything must do); ``pipeline_vs_parts_ratio`` = pipeline time / (spaCy-only time + embed-only time).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storydata import corpus
from storytrace.records import Article, ArticleFacts
from storytrace.stories import group_stories
from storytrace.stories import neardup as nd

RESULTS = Path(__file__).resolve().parent / "results" / "speed.json"
THRESHOLD = 0.5
_WORD = re.compile(r"[0-9a-z\u00c0-\u1fff\u2080-\U0010ffff]+")


def suffix(text: str, c: int) -> str:
    return _WORD.sub(lambda m: m.group(0) + f"q{c}", text) if text else text


def py_shingles(text: str, k: int = 3) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def exact_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    """All pairs with exact shingle Jaccard >= threshold (sparse incidence product: only pairs sharing a shingle)."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, t in enumerate(texts):
        for s in py_shingles(t):
            rows.append(i)
            cols.append(vocab.setdefault(s, len(vocab)))
    x = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(vocab)))
    x.data[:] = 1
    size = np.asarray(x.sum(axis=1)).ravel()
    inter = sparse.triu(x @ x.T, k=1).tocoo()
    jac = inter.data / (size[inter.row] + size[inter.col] - inter.data)
    ok = jac >= threshold
    return set(zip(inter.row[ok].tolist(), inter.col[ok].tolist(), strict=True))


def pr(pred: set[tuple[int, int]], truth0: set[tuple[int, int]], n0: int, copies: int) -> tuple[float, float]:
    tp = sum(1 for i, j in pred if i // n0 == j // n0 and (i % n0, j % n0) in truth0)
    return (tp / len(pred) if pred else 1.0), (tp / (len(truth0) * copies) if truth0 else 1.0)


def baseline(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    sigs = []
    for i, t in enumerate(texts):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode("utf-8") for s in py_shingles(t)])
        sigs.append(m)
        lsh.insert(i, m)
    out = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j > i and m.jaccard(sigs[j]) >= threshold:
                out.add((i, j))
    return out


def rensa_baseline(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    from rensa import RMinHash, RMinHashLSH

    sigs = RMinHash.from_token_sets([sorted(py_shingles(t)) for t in texts], 128, 1)
    lsh = RMinHashLSH(threshold, 128, 32)
    lsh.insert_many(sigs)
    out = set()
    for i, cands in enumerate(lsh.query_all(sigs)):
        for j in cands:
            if j > i and sigs[i].jaccard(sigs[j]) >= threshold:
                out.add((i, j))
    return out


def real_pile() -> list[dict[str, str]]:
    """The pipeline's pile: real articles from four shared corpora, as the JSON Lines rows ``analyze`` reads."""
    import trust

    items = trust.ecb_items("dev") + trust.ecb_items("test")
    items += trust.meter_items("dev", 25) + trust.meter_items("test", 25)
    items += trust.neus_items("dev", 40) + trust.neus_items("test", 40)
    rows = [{"text": i.text, "title": i.title, "outlet": i.outlet, "published": i.published} for i in items]
    gold = json.loads((trust.DATA / "article-extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    rows += [{"text": v["articleBody"]} for _, v in sorted(gold.items())]
    return [{k: v for k, v in r.items() if v} for r in rows]


def _parse_share(share: list[tuple[str, list[tuple[int, int]]]]) -> int:
    from storytrace.nlp import parse_texts

    return sum(1 for _ in parse_texts([t for t, _ in share], [s for _, s in share]))


def pipeline_figures() -> tuple[dict[str, float], dict[str, object]]:
    """The whole ``analyze`` on the real pile, then spaCy alone and MiniLM alone on the same articles."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from storytrace.embed import embed
    from storytrace.ingest import read_inputs
    from storytrace.ingest.language import read_as_english
    from storytrace.nlp import load_nlp
    from storytrace.options import Options
    from storytrace.pipeline import analyze

    rows = real_pile()
    path = Path(__file__).resolve().parent / "work" / "speed-pile.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    articles, _ = read_inputs([str(path)])
    english = [(a.text, list(a.sentences)) for a in articles if read_as_english(a.language)]
    sentences = [a.text[s:e] for a in articles for s, e in a.sentences]
    load_nlp()
    embed(["warm the session"])
    cpu0, t = cpu_seconds(), time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as pool:
        step = -(-len(english) // 8)
        parsed = sum(pool.map(_parse_share, [english[i : i + step] for i in range(0, len(english), step)]))
    t_spacy, cpu_spacy = time.perf_counter() - t, cpu_seconds() - cpu0
    assert parsed == len(english)
    print(f"spaCy only: {len(articles) / t_spacy:,.1f} articles/s ({len(english)} parsed, 2 processes)")

    cpu0, t = cpu_seconds(), time.perf_counter()
    embed(sentences)
    t_embed, cpu_embed = time.perf_counter() - t, cpu_seconds() - cpu0
    print(f"embed only: {len(articles) / t_embed:,.1f} articles/s ({len(sentences):,} sentences)")

    load = os.getloadavg()
    cpu0, t = cpu_seconds(), time.perf_counter()
    dossier = analyze([str(path)], Options())
    t_pipe, cpu_pipe = time.perf_counter() - t, cpu_seconds() - cpu0
    n = len(dossier.articles)
    alone = sum(1 for st in dossier.stories if len(st.articles) == 1)
    print(f"pipeline: {n / t_pipe:,.1f} articles/s ({n} articles, {len(dossier.stories)} stories, {alone} of one)")
    figures = {
        "pipeline_articles_per_s": round(n / t_pipe, 2),
        "spacy_only_articles_per_s": round(len(articles) / t_spacy, 2),
        "embed_only_articles_per_s": round(len(articles) / t_embed, 2),
        "pipeline_vs_parts_ratio": round(t_pipe / (t_spacy + t_embed), 3),
        "pipeline_articles_per_cpu_s": round(n / cpu_pipe, 2),
        "spacy_only_articles_per_cpu_s": round(len(articles) / cpu_spacy, 2),
        "embed_only_articles_per_cpu_s": round(len(articles) / cpu_embed, 2),
    }
    details = {
        "articles": n, "read": len(articles), "sentences": len(sentences), "stories": len(dossier.stories),
        "stories_of_one_article": alone, "pipeline_seconds": round(t_pipe, 1), "spacy_seconds": round(t_spacy, 1),
        "embed_seconds": round(t_embed, 1), "load": f"{load[0]:.1f}", "load_average_before_pipeline": load,
        "load_average_after": os.getloadavg(),
    }  # fmt: skip
    return figures, details


def cpu_seconds() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def rotation(dim: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return (q * np.sign(np.diag(r))).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--skip-pipeline", action="store_true")
    args = ap.parse_args()
    originals = corpus("meter").articles + corpus("ecb").articles
    mc, ec = corpus("meter"), corpus("ecb")
    facts = {**mc.facts, **ec.facts}
    vectors = {**mc.vectors, **ec.vectors}
    n0 = len(originals)
    texts0 = [(a.title or "") + "\n" + a.text for a in originals]
    texts = [suffix(t, c) for c in range(args.copies) for t in texts0]
    n = len(texts)
    print(f"{n} articles ({n0} originals x {args.copies} copies), os.cpu_count()={os.cpu_count()}")
    truth0 = exact_pairs(texts0, THRESHOLD)

    nd.near_duplicates(texts[:1000], nd.NearDupParams(threshold=THRESHOLD), workers=1)  # warm the caches
    cpu0 = cpu_seconds()
    t = time.perf_counter()
    pairs, _ = nd.near_duplicates(texts, nd.NearDupParams(threshold=THRESHOLD))
    t_nd = time.perf_counter() - t
    cpu_nd = cpu_seconds() - cpu0
    ours = set(map(tuple, pairs.tolist()))
    p_ours, r_ours = pr(ours, truth0, n0, args.copies)
    print(f"near-dup (ours): {n / t_nd:,.0f} articles/s; P={p_ours:.3f} R={r_ours:.3f} ({len(ours)} pairs)")

    figures: dict[str, float] = {
        "neardup_articles_per_s": round(n / t_nd, 1),
        "neardup_precision": round(p_ours, 4),
        "neardup_recall": round(r_ours, 4),
        # load-independent: articles per CPU-second of this process and its workers (the machine is shared)
        "neardup_articles_per_cpu_s": round(n / cpu_nd, 1),
    }
    if not args.skip_baseline:
        cpu0 = cpu_seconds()
        t = time.perf_counter()
        base = baseline(texts, THRESHOLD)
        t_b = time.perf_counter() - t
        cpu_b = cpu_seconds() - cpu0
        p_b, r_b = pr(base, truth0, n0, args.copies)
        print(f"datasketch baseline: {n / t_b:,.0f} articles/s; P={p_b:.3f} R={r_b:.3f} ({len(base)} pairs)")
        figures.update({
            "baseline_articles_per_s": round(n / t_b, 1),
            "baseline_articles_per_cpu_s": round(n / cpu_b, 1),
            "neardup_speedup_vs_baseline": round(t_b / t_nd, 2),
            "baseline_precision": round(p_b, 4),
            "baseline_recall": round(r_b, 4),
        })  # fmt: skip
        t = time.perf_counter()
        rensa_pairs = rensa_baseline(texts, THRESHOLD)
        t_r = time.perf_counter() - t
        p_r, r_r = pr(rensa_pairs, truth0, n0, args.copies)
        print(f"rensa baseline: {n / t_r:,.0f} articles/s; P={p_r:.3f} R={r_r:.3f} ({len(rensa_pairs)} pairs)")
        figures.update({
            "rensa_articles_per_s": round(n / t_r, 1),
            "neardup_speedup_vs_rensa": round(t_r / t_nd, 2),
            "rensa_precision": round(p_r, 4),
            "rensa_recall": round(r_r, 4),
        })  # fmt: skip

    # the whole stories stage, from parsed records
    dim = next(iter(vectors.values())).shape[1]
    arts: list[Article] = []
    facts_c: dict[str, ArticleFacts] = {}
    vecs_c: dict[str, np.ndarray] = {}
    for c in range(args.copies):
        rot = rotation(dim, c)
        for a in originals:
            aid = f"{a.id}-c{c}"
            text = suffix(a.text, c)
            arts.append(dataclasses.replace(a, id=aid, text=text, title=suffix(a.title or "", c) or None))
            f = facts.get(a.id)
            ents = [dataclasses.replace(e, text=suffix(e.text, c)) for e in (f.entities if f else [])]
            facts_c[aid] = ArticleFacts(article=aid, entities=ents)
            vecs_c[aid] = vectors[a.id] @ rot
    cpu0 = cpu_seconds()
    t = time.perf_counter()
    groups = group_stories(arts, facts_c, vecs_c)
    t_s = time.perf_counter() - t
    figures["stories_articles_per_cpu_s"] = round(len(arts) / (cpu_seconds() - cpu0), 1)
    print(f"stories stage: {len(arts) / t_s:,.0f} articles/s ({len(groups)} stories)")
    figures["stories_articles_per_s"] = round(len(arts) / t_s, 1)

    from storytrace.claims import extract_facts

    sample = mc.articles[:200]
    t = time.perf_counter()
    extract_facts(sample)
    t_c = time.perf_counter() - t
    figures["claims_articles_per_s"] = round(len(sample) / t_c, 2)
    print(f"claims stage: {len(sample) / t_c:,.1f} articles/s")

    pipeline_details = None
    if not args.skip_pipeline:
        pf, pipeline_details = pipeline_figures()
        figures.update(pf)

    # other benches write their own keys here (bench/ray_scale.py, the store's ingest figures): merged, never dropped
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    merged = {**old.get("figures", {}), **figures}
    extra = {"pipeline_speed": pipeline_details} if pipeline_details else {}
    details = {**old.get("details", {}), **extra, "stories_speed": {
        "articles": n, "originals": n0, "copies": args.copies, "threshold": THRESHOLD, "cpu_count": os.cpu_count(),
        "exact_pairs_in_originals": len(truth0), "load_average": os.getloadavg(),
    }}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = {**old, "figures": merged, "details": details, "cpu_count": os.cpu_count()}
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
