"""Quote-fidelity benchmark: real direct quotes from PolNeAR (test split), kept verbatim or perturbed.

Labels come from the perturbation: unchanged, punctuation, case, an elision mark, or one function word -> not
altered (verbatim/close); a content word swapped, inserted or deleted, a negation added or removed, or a
paraphrase (several words replaced and clauses reordered) -> altered. The score is precision/recall/F1 of
``compare_quote`` calling a version "altered" against the original. PolNeAR has no licence: the texts are read in
place and never copied into the repository; only the figures are kept.

    python bench/quote_fidelity.py            # prints figures; bench/crosscheck.py calls run()
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path
from typing import Any

from storytrace.crosscheck.quotes import compare_quote
from storytrace.crosscheck.text import FUNCTION_WORDS, is_negation

QUOTE_MARKS = '"“”'
CLOSE_KINDS = ("verbatim", "punctuation", "case", "elision", "function_word")
ALTERED_KINDS = ("content_swap", "content_insert", "content_delete", "negation", "paraphrase")
# a few everyday synonyms for the paraphrase perturbation (a paraphrase changes content words by definition)
SYNONYMS = {
    "said": "stated",
    "big": "large",
    "people": "folks",
    "country": "nation",
    "think": "believe",
    "want": "wish",
    "going": "heading",
    "great": "terrific",
    "bad": "poor",
    "get": "obtain",
    "help": "assist",
    "make": "create",
    "know": "realise",
    "need": "require",
    "good": "fine",
    "job": "work",
    "very": "extremely",
    "many": "numerous",
    "problem": "issue",
    "start": "begin",
    "end": "finish",
    "again": "once more",
}


def data_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("STORYTRACE_DATA", root.parent / "shared" / "data")) / "polnear"


def load_quotes(polnear: Path, split: str = "test", limit: int | None = None) -> list[str]:
    """Direct quotes: Content spans wrapped in quotation marks, marks stripped, 5 words or more."""
    out: list[str] = []
    seen: set[str] = set()
    ann_dir = polnear / "data" / split / "attributions"
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = re.sub(r"_[^_]+$", "", ann.stem)
        txt = polnear / "data" / split / "text" / f"{stem}.txt"
        if not txt.exists():
            continue
        text = txt.read_text(encoding="utf-8", errors="replace")
        for line in ann.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.startswith("T") or "\tContent " not in line:
                continue
            spans = line.split("\t")[1].split(" ", 1)[1]
            if ";" in spans:
                continue  # discontinuous content: not one contiguous quote
            s, e = (int(x) for x in spans.split())
            content = text[s:e].strip().rstrip(",.")
            if len(content) < 2 or content[0] not in QUOTE_MARKS or content[-1] not in QUOTE_MARKS + ",":
                continue
            quote = content.strip(QUOTE_MARKS + ", ").strip()
            if "\n" in quote or any(m in quote for m in QUOTE_MARKS) or len(quote.split()) < 5 or quote in seen:
                continue
            seen.add(quote)
            out.append(quote)
            if limit and len(out) >= limit:
                return out
    return out


def _content_positions(words: list[str]) -> list[int]:
    return [
        i
        for i, w in enumerate(words)
        if re.fullmatch(r"[A-Za-z]{3,}", w.strip(",.;:!?"))
        and w.lower().strip(",.;:!?") not in FUNCTION_WORDS
        and not is_negation(w)
    ]


def perturb(quote: str, kind: str, rng: random.Random, vocabulary: list[str]) -> str | None:
    words = quote.split()
    content = _content_positions(words)
    if kind == "verbatim":
        return quote
    if kind == "punctuation":
        if "," in quote:
            return quote.replace(",", "", 1)
        i = rng.randrange(1, len(words))
        words[i - 1] = words[i - 1].rstrip(",") + ","
        return " ".join(words)
    if kind == "case":
        return quote[0].swapcase() + quote[1:] if quote[0].isalpha() else quote.upper()
    if kind == "elision":
        if len(words) < 8:
            return None
        i = rng.randrange(2, len(words) - 4)
        n = rng.randint(1, 3)
        return " ".join([*words[:i], "...", *words[i + n :]])
    if kind == "function_word":
        fw = [i for i, w in enumerate(words) if w.lower() in {"the", "a", "an", "that", "of", "to", "in", "and", "is"}]
        op = rng.choice(["delete", "swap", "insert"]) if fw else "insert"
        if op == "delete":
            del words[rng.choice(fw)]
        elif op == "swap":
            i = rng.choice(fw)
            words[i] = {
                "the": "a",
                "a": "the",
                "an": "the",
                "that": "which",
                "of": "for",
                "to": "for",
                "in": "at",
                "and": "but",
                "is": "was",
            }[words[i].lower()]
        else:
            words.insert(rng.randrange(0, len(words)), rng.choice(["the", "that", "just", "so", "very"]))
        return " ".join(words)
    if kind == "content_swap":
        if not content:
            return None
        i = rng.choice(content)
        new = rng.choice([v for v in vocabulary if v.lower() != words[i].lower().strip(",.;:!?")])
        words[i] = new + re.sub(r"^[A-Za-z]+", "", words[i])
        return " ".join(words)
    if kind == "content_insert":
        words.insert(rng.randrange(1, len(words)), rng.choice(vocabulary))
        return " ".join(words)
    if kind == "content_delete":
        if not content:
            return None
        del words[rng.choice(content)]
        return " ".join(words)
    if kind == "negation":
        for i, w in enumerate(words):
            if w.lower() in {"not", "never"}:
                return " ".join(words[:i] + words[i + 1 :])
            if w.lower() in {
                "is",
                "are",
                "was",
                "were",
                "will",
                "can",
                "would",
                "should",
                "could",
                "do",
                "does",
                "did",
                "have",
                "has",
            }:
                return " ".join([*words[: i + 1], "not", *words[i + 1 :]])
        return None
    if kind == "paraphrase":
        changed = 0
        for i, w in enumerate(words):
            key = w.lower().strip(",.;:!?")
            if key in SYNONYMS:
                words[i] = SYNONYMS[key]
                changed += 1
        for i in rng.sample(content, min(len(content), max(0, 2 - changed))):
            words[i] = rng.choice(vocabulary)
        text = " ".join(words)
        if "," in text:  # reorder two clauses, as a rewriter does
            a, b = text.split(",", 1)
            text = f"{b.strip()}, {a.strip()}"
        return text
    raise ValueError(kind)


def build_set(quotes: list[str], seed: int = 7) -> list[tuple[str, str, str, bool]]:
    """(original, version, kind, altered) items: every quote gets one perturbation kind, in rotation."""
    rng = random.Random(seed)
    vocabulary = sorted({w.strip(",.;:!?").lower() for q in quotes for w in q.split()} - FUNCTION_WORDS)
    vocabulary = [v for v in vocabulary if re.fullmatch(r"[a-z]{4,}", v)] or ["harbour", "ministry", "budget"]
    kinds = CLOSE_KINDS + ALTERED_KINDS
    items = []
    for n, q in enumerate(quotes):
        kind = kinds[n % len(kinds)]
        version = perturb(q, kind, rng, vocabulary)
        if version is None or (kind != "verbatim" and version == q):
            continue
        items.append((q, version, kind, kind in ALTERED_KINDS))
    return items


def run(polnear: Path | None = None, limit: int | None = None) -> dict[str, Any]:
    quotes = load_quotes(polnear or data_dir(), "test", limit)
    items = build_set(quotes)
    tp = fp = fn = tn = 0
    by_kind: dict[str, list[int]] = {}
    errors = []
    for original, version, kind, altered in items:
        predicted = compare_quote(version, original).verdict == "altered"
        tp += predicted and altered
        fp += predicted and not altered
        fn += (not predicted) and altered
        tn += (not predicted) and not altered
        by_kind.setdefault(kind, [0, 0])
        by_kind[kind][0] += predicted == altered
        by_kind[kind][1] += 1
        if predicted != altered and len(errors) < 5:
            errors.append({"kind": kind, "original": original[:120], "version": version[:120]})
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    return {
        "quote_altered_f1": round(f1, 4),
        "quote_altered_precision": round(p, 4),
        "quote_altered_recall": round(r, 4),
        "items": len(items),
        "quotes": len(quotes),
        "accuracy_by_kind": {k: round(v[0] / v[1], 4) for k, v in sorted(by_kind.items())},
        "errors_sample_size": len(errors),
    }


if __name__ == "__main__":
    res = run(limit=int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(res)
