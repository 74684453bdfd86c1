"""The language check (``storytrace.ingest.language``) on real text: English never set aside, other languages named.

English: every METER file (PA copy and papers) and every ECB+ document, whole and cut to their first 60, 120 and 300
characters — an English text named as another language would be set aside by the stories and claims stages.
Other languages: the labels given to the gold bodies of the article-extraction benchmark's 181 pages (160 English;
21 in Portuguese, Russian, Italian, German, Korean, Japanese and Indonesian, read by hand). Prints the figures and
the time per text.

    .venv/bin/python bench/language.py

Nothing was tuned on these texts but ``MIN_CONFIDENCE`` (0.9), read off the first part.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.ingest.language import detect_language  # noqa: E402

DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))
_TOKEN = re.compile(r"<token[^>]*>(.*?)</token>")


def english_texts() -> list[str]:
    texts = [
        p.read_bytes().decode("latin-1")
        for p in sorted((DATA / "meter-corpus").glob("*/rawtexts/**/*.txt"))
        if re.search(r"/\d\d\.\d\d\.\d\d/", str(p))
    ]
    for p in sorted((DATA / "ecbplus" / "ECB+_LREC2014" / "ECB+").glob("*/*.xml")):
        texts.append(" ".join(_TOKEN.findall(p.read_text(encoding="utf-8"))))
    return texts


def main() -> None:
    english = english_texts()
    start = time.perf_counter()
    detect_language("warm up the model: load it once before timing anything at all")
    load_s = time.perf_counter() - start
    out: dict[str, object] = {"english_texts": len(english), "model_load_s": round(load_s, 2)}
    for cut in (None, 300, 120, 60):
        t0 = time.perf_counter()
        found = Counter(detect_language(t if cut is None else t[:cut]) for t in english)
        per = (time.perf_counter() - t0) / len(english) * 1000
        key = "whole" if cut is None else f"first_{cut}"
        out[key] = {"en": found["en"], "unknown": found[None], "other": sum(found.values()) - found["en"] - found[None]}
        out[f"{key}_ms_per_text"] = round(per, 2)
    gold = json.loads((DATA / "article-extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    other = Counter(detect_language(v["articleBody"]) for v in gold.values())
    out["extraction_benchmark_pages"] = dict(sorted(other.items(), key=lambda kv: (kv[0] is None, str(kv[0]))))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
