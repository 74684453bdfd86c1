"""Print the README's results table from bench/results/*.json (the figures are never typed by hand).

.venv/bin/python bench/results_table.py            # print the table
.venv/bin/python bench/results_table.py --write    # replace the table between the markers in README.md
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
START, END = "<!-- results:start -->", "<!-- results:end -->"

Row = tuple[
    str, str, str, str, str, str, str
]  # (file, key, what it measures, data and split, published, goal, command)


def _grouping_rows(size: str, records: str, published: str, goal: str) -> list[Row]:
    """The three rows of one size of the Ray grouping-alone run (bench/ray_scale.py)."""
    return [
        (
            "speed", f"grouping_{size}_seconds",
            "story grouping alone on Ray Data (feature table, candidates, scores, clusters), seconds",
            f"{records} grouping records from METER + ECB+ parsed facts, replicated and perturbed, a copy a week",
            published, goal, "make bench-ray",
        ),
        (
            "speed", f"grouping_{size}_peak_mb", "same run, the driver's peak RSS, MB (ids and the partition; the edges stay in a task)",
            "same", "", "", "make bench-ray",
        ),
        (
            "speed", f"grouping_{size}_worker_peak_pss_mb",
            "same run, the largest worker's peak PSS, MB (the feature-table task)", "same", "", "", "make bench-ray",
        ),
    ]  # fmt: skip


GROUPING_ROWS = [
    *_grouping_rows("20k", "20,000", "same stories as group_stories in process", ""),
    *_grouping_rows("100k", "100,000", "", ""),
    *_grouping_rows("250k", "250,000", "", "1M records (not run: see docs/batch.md)"),
]


# (file, key, what it measures, data and split, published / baseline, goal, command)
ROWS: list[Row] = [
    (
        "extract",
        "f1",
        "article-body extraction F1 (token 4-gram shingles)",
        "article-extraction-benchmark, 181 pages",
        "trafilatura 2.3.1 default 0.960; best rs_trafilatura 0.970",
        "beat trafilatura's default",
        "make bench-extract",
    ),
    (
        "stories",
        "ecb_test_b3_f1",
        "story clustering B³-F1",
        "ECB+ subtopics, test topics 36–45",
        "TF-IDF + agglomerative 0.881",
        "≥ 0.95",
        "make bench-stories",
    ),
    (
        "stories",
        "ecb_test_ari",
        "story clustering ARI",
        "ECB+ subtopics, test topics 36–45",
        "TF-IDF + agglomerative 0.830",
        "",
        "make bench-stories",
    ),
    (
        "stories",
        "ecb_all_b3_f1",
        "story clustering B³-F1",
        "ECB+ subtopics, all 43 topics",
        "",
        "",
        "make bench-stories",
    ),
    (
        "stories",
        "meter_groups_b3_f1",
        "story clustering B³-F1",
        "METER, 265 day+catchline groups",
        "",
        "",
        "make bench-stories",
    ),
    (
        "reuse",
        "meter_macro_f1",
        "wholly / partially / non-derived, macro-F1, from the shipped dossier's reuse links (PA copy/rewrite → wholly, "
        "partial → partially, none → non)",
        "METER test stories ({details.papers.test} papers)",
        "unigram containment, cuts from dev: {figures.meter_unigram_macro_f1}; "
        "Clough et al. 2002 (5-fold CV, all 945): 0.664",
        "≥ 0.85",
        "make bench-reuse",
    ),
    (
        "reuse",
        "meter_dev_macro_f1",
        "same, dev split (nothing tuned on it)",
        "METER dev stories ({details.papers.dev} papers)",
        "unigram containment (cuts fitted here): {details.baseline.dev_in_sample.macro_f1}",
        "",
        "make bench-reuse",
    ),
    (
        "reuse",
        "meter_binary_f1",
        "derived vs not, F1, same links",
        "METER test stories",
        "unigram containment, cuts from dev: {figures.meter_unigram_binary_f1}",
        "",
        "make bench-reuse",
    ),
    (
        "reuse",
        "meter_span_accuracy",
        "the dossier's evidence sentences (verbatim / paraphrase / none) vs METER Verbatim/Rewrite/New tags, accuracy",
        "METER, {details.spans.files} annotated papers",
        "",
        "",
        "make bench-reuse",
    ),
    (
        "quotes",
        "polnear_quote_f1",
        "direct-quote content F1",
        "PolNeAR test (84 articles)",
        "textacy direct_quotations 0.603",
        "≥ 0.90",
        "make bench-quotes",
    ),
    (
        "quotes",
        "polnear_speaker_acc",
        "speaker accuracy on matched quotes",
        "PolNeAR test",
        "textacy 0.959",
        "≥ 0.97",
        "make bench-quotes",
    ),
    (
        "crosscheck",
        "summedits_bacc",
        "summary accused by the shipped cross-check (an unsupported_addition or a conflict) vs the label, balanced "
        "accuracy",
        "SummEdits news, test split ({details.summedits.test.items})",
        "GPT-4 0.833, QAFactEval 0.744, SummaC-Conv 0.619, rules 0.59 (all 819)",
        "≥ 0.80",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "summedits_dev_bacc",
        "same, evaluation split (nothing tuned on it)",
        "SummEdits news, evaluation split ({details.summedits.dev.items})",
        "",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "summedits_accusation_precision",
        "share of the accused summaries that are really inconsistent",
        "SummEdits news, test split",
        "share inconsistent: {details.summedits.test.inconsistent_share}",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "summedits_addition_precision",
        "same, accused of an unsupported_addition",
        "SummEdits news, test split",
        "",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "frank_bacc",
        "summary accused by the shipped cross-check vs Factuality = 1, balanced accuracy",
        "FRANK test ({details.frank.items} summaries)",
        "SummaC-Conv 0.816",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "frank_accusation_precision",
        "share of the accused summaries that are really inconsistent",
        "FRANK test",
        "share inconsistent: {details.frank.inconsistent_share}",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "frank_addition_precision",
        "same, accused of an unsupported_addition",
        "FRANK test",
        "",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "xsumfaith_bacc",
        "summary accused by the shipped cross-check vs faithful, balanced accuracy",
        "XSumFaith test ({details.xsumfaith.items}, articles available)",
        "SummaC-Conv 0.664",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "quote_altered_f1",
        "altered vs verbatim/close quotes, F1",
        "PolNeAR test quotes, perturbed",
        "",
        "≥ 0.95",
        "make bench-crosscheck",
    ),
    (
        "trust",
        "false_accusations_per_100",
        "accusations on independent reporting (ECB+, NeuS) a careful editor would not sign, per 100 articles",
        "bench-trust piles, test split",
        "",
        "≤ 2",
        "make bench-trust",
    ),
    (
        "trust",
        "reuse_precision",
        "reuse links that hold (dataset labels or hand labels)",
        "bench-trust piles, test split",
        "",
        "≥ 0.90",
        "make bench-trust",
    ),
    (
        "trust",
        "reuse_recall",
        "METER wholly-derived papers and OneStopEnglish rewrites linked to a true source",
        "bench-trust piles, test split",
        "",
        "≥ 0.85",
        "make bench-trust",
    ),
    (
        "trust",
        "conflict_precision",
        "conflicts that hold (hand labels; unread ones count as false)",
        "bench-trust piles, test split",
        "",
        "≥ 0.90",
        "make bench-trust",
    ),
    (
        "trust",
        "addition_precision",
        "unsupported_addition findings that hold (hand labels; unread ones count as false)",
        "bench-trust piles, test split",
        "",
        "≥ 0.90",
        "make bench-trust",
    ),
    (
        "trust",
        "speaker_accuracy_real",
        "quote speakers right, against hand labels",
        "bench-trust piles, test split",
        "",
        "≥ 0.95",
        "make bench-trust",
    ),
    (
        "provenance",
        "sources_cited_f1",
        "sources an article cites (wires, outlets, media, agencies, people, documents), F1 against hand lists",
        "{details.test.sources_cited.articles} hand-labelled articles (NeuS, ECB+, METER), test split",
        "",
        "≥ 0.90",
        "make bench-provenance",
    ),
    (
        "provenance",
        "credited_accuracy",
        "does a reuse arrow credit its source (`Reuse.credited`), on hand-labelled pairs the dossier joins by a "
        "decided link",
        "only {details.test.credited.linked} of {details.test.credited.pairs} pairs get a decided link (METER PA → "
        "papers, NeuS, ECB+), test split; over all pairs, unlinked counted wrong: "
        "{details.test.credited.accuracy_all_pairs}",
        "",
        "≥ 0.95",
        "make bench-provenance",
    ),
    (
        "provenance",
        "verdict_accuracy",
        "each article's verdict (original / copy / rewrite / derivative / aggregation / commentary) vs METER's "
        "derivation classes and hand labels",
        "{details.test.verdict.articles} articles (METER papers, NeuS, ECB+), test split",
        "",
        "≥ 0.90",
        "make bench-provenance",
    ),
    (
        "provenance",
        "timing_accuracy",
        "each article's timing (preview / report / follow-up) vs hand labels",
        "{details.test.timing.articles} NeuS and ECB+ articles, test split",
        "",
        "≥ 0.95",
        "make bench-provenance",
    ),
    (
        "provenance",
        "padding_auc",
        "per-sentence padding score vs hand-labelled filler / content sentences, ROC AUC",
        "{details.test.padding.sentences} sentences (METER, OneStopEnglish, NeuS, ECB+, model summaries), test split",
        "",
        "≥ 0.85",
        "make bench-provenance",
    ),
    (
        "speed",
        "neardup_articles_per_s",
        "near-duplicate stage, articles/s (2 cores)",
        "≥ 20,000 replicated articles",
        "",
        "≥ 20,000 and ≥ 5× baseline",
        "make bench-speed",
    ),
    (
        "speed",
        "baseline_articles_per_s",
        "datasketch MinHash + MinHashLSH, articles/s, same run",
        "same",
        "",
        "",
        "make bench-speed",
    ),
    ("speed", "neardup_speedup_vs_baseline", "speed-up over the baseline", "same", "", "≥ 5×", "make bench-speed"),
    (
        "speed",
        "stories_articles_per_s",
        "whole stories stage from parsed records, articles/s",
        "same",
        "",
        "≥ 1,000",
        "make bench-speed",
    ),
    (
        "speed",
        "claims_articles_per_s",
        "claims stage (spaCy parse + extraction), articles/s",
        "200 METER articles",
        "",
        "",
        "make bench-speed",
    ),
    (
        "speed",
        "pipeline_articles_per_s",
        "the whole `analyze`, ingest to dossier, articles/s (2 shared cores)",
        "{details.pipeline_speed.articles} real articles (ECB+, METER, NeuS, AEB), load average "
        "{details.pipeline_speed.load}",
        "spaCy alone {figures.spacy_only_articles_per_s}/s, MiniLM over every sentence alone "
        "{figures.embed_only_articles_per_s}/s",
        "≥ 30",
        "make bench-speed",
    ),
    (
        "speed",
        "pipeline_vs_parts_ratio",
        "pipeline time / (spaCy-only time + embed-only time), same articles, same run",
        "same",
        "",
        "≤ 2",
        "make bench-speed",
    ),
    (
        "speed",
        "pipeline_articles_per_cpu_s",
        "the whole `analyze`, articles per CPU-second (its forked workers included; load-independent)",
        "same",
        "spaCy alone {figures.spacy_only_articles_per_cpu_s}, MiniLM alone {figures.embed_only_articles_per_cpu_s}",
        "",
        "make bench-speed",
    ),
    (
        "speed",
        "rensa_articles_per_s",
        "rensa RMinHash + RMinHashLSH (32 bands, as ours), articles/s, same run as the near-duplicate stage",
        "≥ 20,000 replicated articles",
        "our near-duplicate stage is {figures.neardup_speedup_vs_rensa}× faster",
        "",
        "make bench-speed",
    ),
    (
        "speed",
        "ray_articles",
        "articles through the whole pipeline on Ray Data in one run (`storytrace batch`, local session, 2 shared cores)",
        "METER + ECB+ texts, JSON Lines files of 100",
        "",
        "≥ 20,000 (met)",
        "make bench-ray",
    ),
    (
        "speed",
        "ray_articles_per_s",
        "same run, articles/s (parse and embed are two thirds of it; 3.89 at 5,000)",
        "same, load average {details.ray_largest.load}",
        "in process, same machine: 5.3 (`pipeline_articles_per_s`)",
        "",
        "make bench-ray",
    ),
    (
        "speed",
        "ray_driver_peak_mb",
        "same run, the driver's peak RSS, MB (the candidate graph's edges were still on the driver in this run: 339 -> 590 MB of its own memory in the grouping step; they are in a task since, not rerun at 20,000: docs/batch.md)",
        "same",
        "300 at 500 articles, 364 at 2,000, 502 at 5,000",
        "bounded (not shown at 20,000)",
        "make bench-ray",
    ),
    (
        "speed",
        "ray_worker_peak_pss_mb",
        "same run, the largest Ray worker's peak PSS, MB (in the grouping step; a parse actor, spaCy and the embedder, peaked at 1,666)",
        "same",
        "",
        "",
        "make bench-ray",
    ),
    *GROUPING_ROWS,
    (
        "speed",
        "ingest_ms_per_article_small_store",
        "adding articles to a store (index look-up, regrouping, analysis of the stories they change), CPU ms per article",
        "{details.store_growth.new_articles} held-out ECB+ articles into {details.store_growth.small_store.articles} stored",
        "",
        "",
        "make bench-store-growth",
    ),
    (
        "speed",
        "ingest_ms_per_article_large_store",
        "same, into a store 20 times larger",
        "the same articles into {details.store_growth.large_store.articles} stored (replicated, a copy a week)",
        "",
        "",
        "make bench-store-growth",
    ),
    (
        "speed",
        "ingest_large_vs_small_ratio",
        "large store's CPU cost per article over the small one's",
        "same",
        "",
        "≤ 1.5",
        "make bench-store-growth",
    ),
    (
        "reliability",
        "fuzz_inputs",
        "hostile inputs read (txt, md, html, json, jsonl, rss, atom, warc, warc.gz, gz)",
        "seeded mutations of one valid file per format",
        "",
        "≥ 10,000",
        "make bench-reliability",
    ),
    (
        "reliability",
        "fuzz_crashes",
        "inputs on which the readers raised",
        "10,000 seeded fuzzed inputs, 10 formats",
        "",
        "0",
        "make bench-reliability",
    ),
    (
        "reliability",
        "fuzz_tracebacks",
        "inputs that leaked a traceback or exception text, or ended silently",
        "10,000 seeded fuzzed inputs, 10 formats",
        "",
        "0",
        "make bench-reliability",
    ),
    (
        "reliability",
        "fuzz_hangs",
        "inputs over 10 s",
        "10,000 seeded fuzzed inputs, 10 formats",
        "",
        "0",
        "make bench-reliability",
    ),
    (
        "reliability",
        "max_seconds_per_small_input",
        "slowest fuzzed input (≤ 256 KB), seconds",
        "10,000 seeded fuzzed inputs, 10 formats",
        "",
        "≤ 2 s",
        "make bench-reliability",
    ),
    (
        "reliability",
        "peak_rss_mb_1gb_input",
        "peak RSS reading a 1 GB input (plain, gzip bomb, .warc.gz bomb), MB",
        "generated, default --max-bytes",
        "",
        "< 2048 MB",
        "make bench-reliability",
    ),
    (
        "reliability_store",
        "kill9_runs",
        "`kill -9` at random points of `storytrace ingest` (20 on SQLite, 20 on PostgreSQL)",
        "seeded kill points, real ingest processes",
        "",
        "≥ 20",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "kill9_lost",
        "committed articles missing after a kill and the next ingest",
        "same",
        "",
        "0",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "kill9_duplicated",
        "articles stored twice after a kill",
        "same",
        "",
        "0",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "concurrent_writers",
        "concurrent `storytrace ingest` processes into one store (SQLite and PostgreSQL)",
        "overlapping and disjoint inputs",
        "",
        "8",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "concurrent_lost",
        "articles lost by the concurrent writers (also: 0 duplicated, 0 'database is locked')",
        "same",
        "",
        "0",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "xss_payloads",
        "XSS filter-evasion payloads put in every field (titles, bodies, quotes, outlets, file names)",
        "our list after the OWASP cheat sheet's categories",
        "",
        "≥ 50",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "xss_executed",
        "payloads that ran, in Chromium, in the report and every web page",
        "same",
        "",
        "0",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "web_requests",
        "loopback load test, requests at concurrency 20",
        "the web app on 127.0.0.1",
        "",
        "",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "web_error_rate",
        "share of those requests that failed",
        "same",
        "",
        "",
        "make bench-reliability-store",
    ),
    (
        "reliability_store",
        "web_p99_ms",
        "99th-percentile latency, ms (p50 in the JSON)",
        "same",
        "",
        "",
        "make bench-reliability-store",
    ),
]


def fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):  # a count (fuzz_crashes): 0, not 0.000
        return f"{value:,}"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def fill(text: str, result: dict[str, Any]) -> str:
    """Replace ``{dotted.path}`` with that value of the bench's JSON, so baselines are never typed by hand either."""

    def value(m: re.Match[str]) -> str:
        node: Any = result
        for part in m.group(1).split("."):
            node = node[part]
        return (
            fmt(node)
            if isinstance(node, float) or node is None
            else f"{node:,}"
            if isinstance(node, int)
            else str(node)
        )

    return re.sub(r"\{([\w.]+)\}", value, text)


def table() -> str:
    lines = [
        "| figure | measures | data | ours | published / baseline | goal | reproduce |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, key, what, data, published, goal, command in ROWS:
        path = RESULTS / f"{name}.json"
        if not path.exists():  # a bench not run yet (bench/results/trust.json comes from `make bench-trust`)
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        figures = result["figures"]
        if key not in figures:
            continue
        data, published = fill(data, result), fill(published, result)
        lines.append(f"| `{key}` | {what} | {data} | **{fmt(figures[key])}** | {published} | {goal} | `{command}` |")
    return "\n".join(lines)


def main() -> None:
    text = table()
    if "--write" in sys.argv:
        readme = ROOT / "README.md"
        body = readme.read_text(encoding="utf-8")
        start, end = body.index(START) + len(START), body.index(END)
        readme.write_text(body[:start] + "\n" + text + "\n" + body[end:], encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
