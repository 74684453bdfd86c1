"""Print the README's results table from bench/results/*.json (the figures are never typed by hand).

.venv/bin/python bench/results_table.py            # print the table
.venv/bin/python bench/results_table.py --write    # replace the table between the markers in README.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
START, END = "<!-- results:start -->", "<!-- results:end -->"

# (file, key, what it measures, data and split, published / baseline, goal, command)
ROWS: list[tuple[str, str, str, str, str, str, str]] = [
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
        "wholly / partially / non-derived, macro-F1 (5-fold CV)",
        "METER, 945 articles",
        "Clough et al. 2002: 0.664; unigram containment 0.632",
        "≥ 0.85",
        "make bench-reuse",
    ),
    (
        "reuse",
        "meter_binary_f1",
        "derived vs not, F1 (5-fold CV)",
        "METER, 945 articles",
        "unigram containment 0.867",
        "",
        "make bench-reuse",
    ),
    (
        "reuse",
        "meter_span_accuracy",
        "sentence labels vs METER Verbatim/Rewrite/New tags, accuracy",
        "METER, 441 annotated articles",
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
        "derived text consistent with its source, balanced accuracy",
        "SummEdits news, all 819",
        "GPT-4 0.833, QAFactEval 0.744, SummaC-Conv 0.619, rules 0.59",
        "≥ 0.80",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "summedits_test_bacc",
        "same, balanced accuracy",
        "SummEdits news, test split (686)",
        "",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "frank_bacc",
        "summary consistent (Factuality = 1), balanced accuracy",
        "FRANK test",
        "SummaC-Conv 0.816",
        "",
        "make bench-crosscheck",
    ),
    (
        "crosscheck",
        "xsumfaith_bacc",
        "summary faithful, balanced accuracy",
        "XSumFaith (articles available)",
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
]


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def table() -> str:
    lines = [
        "| figure | measures | data | ours | published / baseline | goal | reproduce |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, key, what, data, published, goal, command in ROWS:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            continue
        figures = json.loads(path.read_text(encoding="utf-8"))["figures"]
        if key not in figures:
            continue
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
