"""Direct-quote extraction on PolNeAR: quote-content F1 and speaker accuracy (``make bench-quotes``).

Gold: PolNeAR attributions (brat standoff) whose content is a direct quote in the guidelines' sense: every content
piece consists of quoted material only (text inside quotation marks, plus punctuation); a partial quote inside
reported speech ('he said that he doesn't “prefer” pickles') is an indirect attribution and is not scored. For
articles with several annotator files, the first annotator file (sorted by file name) is used, on every split.

Prediction: storytrace.claims.quotes.find_quotes, direct (non-partial) quotes only, the pieces bound to one cue
joined into one attribution (as PolNeAR joins '“A,” she said. “B.”').

Gold repairs (the swap is counted in the output as ``gold_source_cue_swapped``): an event's second content span (``Content2``) belongs to it; quotation
mark direction is read from context as the extractor does (a straight or ``”`` mark opening a paragraph opens a
quote, so a quote running over paragraphs with a mark reopening each one stays direct); a content span that starts
right after an opening mark is inside it (annotators sometimes leave the marks out); a Source that is only a speech
verb ('said') whose Cue is a name ('Hester') is read with the two labels swapped.

Matching: word tokens (``\\w+``) by character position; a prediction matches a gold attribution when the shared
tokens are at least half of the longer one; one-to-one, greedily by overlap. Speaker accuracy over matched pairs
whose gold attribution has a Source ('Attribution-no-source' events have nothing to compare with; they are counted
in ``matched_without_gold_source`` and the strict figure that counts them wrong is printed too): correct when the
predicted speaker mention overlaps the gold Source span, or when the two share a capitalised word (the same name
mentioned elsewhere: 'Clinton' vs 'Hillary Clinton'). A pronoun predicted where the gold Source is a name (or the
reverse) counts wrong: no coreference is assumed on either side.

Usage: python bench/quotes.py [--split test|dev|train] [--limit N] [--errors FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.claims.quotes import find_quotes  # noqa: E402
from storytrace.ingest import split_sentences  # noqa: E402
from storytrace.nlp import parse_texts  # noqa: E402

DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data")) / "polnear" / "data"
WORD = re.compile(r"\w+")
PRONOUNS = {"he", "she", "they", "we", "i", "it", "you"}
BASELINE = {"polnear_quote_f1": 0.603, "polnear_quote_p": 0.498, "polnear_quote_r": 0.765, "polnear_speaker_acc": 0.959}


@dataclass
class Attribution:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)


# an annotated Source that is only a speech verb, its Cue a name: the two labels swapped on '“…,” said Hester'
_VERB_SOURCE = re.compile(r"(?i)(said|says|say|added|adds|told|tells|wrote|writes|asked|asks|explained|continued)")


def parse_ann(path: Path) -> list[Attribution]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            pieces = []
            for chunk in offsets.split(";"):
                a, b = chunk.split()
                pieces.append((int(a), int(b)))
            spans[parts[0]] = (label, pieces)
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    out = []
    for ev in events:
        # a few attributions carry a second content span ('“A,” X said after …. “B.”'): key Content2
        content = [pc for key in sorted(ev) if key.startswith("Content") for pc in spans.get(ev[key], ("", []))[1]]
        source = spans.get(ev.get("Source", ""), ("", []))[1]
        cue = spans.get(ev.get("Cue", ""), ("", []))[1]
        if content:
            out.append(Attribution(content=content, source=source, cue=cue))
    return out


def repair_source(text: str, attr: Attribution) -> bool:
    """Swap Source and Cue where the annotator swapped them (Source 'said', Cue 'Hester'); True if swapped."""
    src = " ".join(text[a:b] for a, b in attr.source).strip()
    cue = " ".join(text[a:b] for a, b in attr.cue).strip()
    if _VERB_SOURCE.fullmatch(src) and cue[:1].isupper() and not _VERB_SOURCE.fullmatch(cue):
        attr.source, attr.cue = attr.cue, attr.source
        return True
    return False


def is_direct(text: str, pieces: list[tuple[int, int]]) -> bool:
    """Every piece is quoted material only: no word character outside quotation marks, and at least one mark (a span
    starting right after an opening mark counts as inside it: annotators sometimes leave the marks out)."""
    marks = 0
    inside = False  # PolNeAR cuts content pieces at sentence ends, so the quoted state runs across pieces
    for a, b in sorted(pieces):
        if not inside and a > 0 and text[a - 1] in '“"„«' and text[a : a + 1].isalnum():
            marks += 1  # the annotator left the opening mark out of the span: “|Sheldon and I …”
            inside = True
        for i in range(a, b):
            ch = text[i]
            if ch in '“”"«»„':
                marks += 1
                if ch in "“«„":
                    inside = True
                elif ch in "”»" and not (
                    not inside and (i == a or text[i - 1].isspace()) and text[i + 1 : i + 2].isalnum()
                ):
                    inside = False
                elif ch in "”»":  # a closing mark typed as the opener ('”Mr. Trump embodies …”')
                    inside = True
                elif (i == a or text[i - 1].isspace() or text[i - 1] in "([—–-/") and not text[i + 1 : i + 2].isspace():
                    inside = True  # a straight opener: also the one reopening each paragraph of a long quote
                else:
                    inside = not inside
            elif ch.isalnum() and not inside:
                return False
    return marks > 0


def token_set(text: str, pieces: list[tuple[int, int]]) -> set[int]:
    return {a + m.start() for a, b in pieces for m in WORD.finditer(text[a:b])}


def load_split(split: str, limit: int | None, step: int = 1) -> list[tuple[str, str, list[Attribution]]]:
    base = DATA / split
    anns: dict[str, list[Path]] = {}
    for f in sorted((base / "attributions").glob("*.ann")):
        anns.setdefault(f.name.rsplit("_", 1)[0], []).append(f)
    out = []
    for name in sorted(anns)[::step][:limit]:
        text = (base / "text" / f"{name}.txt").read_text(encoding="utf-8")
        out.append((name, text, parse_ann(anns[name][0])))
    return out


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _parse(split: str, limit: int | None, texts: list[str], sents: list) -> list:
    """Parse (or, with $QUOTES_CACHE set while tuning, reuse parsed docs from a DocBin)."""
    cache_dir = os.environ.get("QUOTES_CACHE")
    if not cache_dir:
        return list(parse_texts(texts, sents, batch_size=16))
    from spacy.tokens import DocBin

    from storytrace.nlp import load_nlp

    path = Path(cache_dir) / f"{split}-{limit}-{len(texts)}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(load_nlp().vocab))
    docs = list(parse_texts(texts, sents, batch_size=16))
    DocBin(docs=docs).to_disk(path)
    return docs


def score(split: str, limit: int | None = None, errors: Path | None = None, step: int = 1) -> dict[str, float | int]:
    arts = load_split(split, limit, step)
    sents = [split_sentences(t) for _, t, _ in arts]
    t0 = time.perf_counter()
    docs = _parse(split, limit, [t for _, t, _ in arts], sents)
    parse_s = time.perf_counter() - t0
    tp = n_gold = n_pred = spk_ok = spk_scored = no_source = swapped = 0
    err_lines: list[str] = []
    for (name, text, attrs), doc, sp in zip(arts, docs, sents, strict=True):
        gold = [a for a in attrs if is_direct(text, a.content)]
        swapped += sum(repair_source(text, g) for g in gold)
        found = find_quotes(doc, text, sp, paragraphs_of(text))
        groups: dict[int, list] = {}
        for q in found:
            if not q.partial:
                groups.setdefault(q.group, []).append(q)
        preds = list(groups.values())
        g_tok = [token_set(text, g.content) for g in gold]
        p_tok = [token_set(text, [pc for q in grp for pc in q.pieces]) for grp in preds]
        pairs = []
        for i, gt in enumerate(g_tok):
            for j, pt in enumerate(p_tok):
                shared = len(gt & pt)
                if shared and shared >= 0.5 * max(len(gt), len(pt)):
                    pairs.append((shared, i, j))
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, i, j in sorted(pairs, reverse=True):
            if i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            if not gold[i].source:
                no_source += 1  # 'Attribution-no-source': nothing to score the speaker against
                continue
            ok = speaker_ok(text, gold[i], preds[j][0].speaker_span)
            spk_ok += ok
            spk_scored += 1
            if not ok and errors:
                src = " | ".join(text[a:b] for a, b in gold[i].source)
                pr = text[slice(*preds[j][0].speaker_span)] if preds[j][0].speaker_span else None
                err_lines.append(f"SPK {name}: gold={src!r} pred={pr!r} :: {text[slice(*gold[i].content[0])][:100]!r}")
        tp += len(used_g)
        n_gold += len(gold)
        n_pred += len(preds)
        if errors:
            for i, g in enumerate(gold):
                if i not in used_g:
                    err_lines.append(f"FN {name}: {' || '.join(text[a:b] for a, b in g.content)[:300]!r}")
            for j, grp in enumerate(preds):
                if j not in used_p:
                    a = grp[0].outer[0]
                    ctx = text[max(0, a - 80) : min(len(text), grp[-1].outer[1] + 60)]
                    err_lines.append(f"FP {name}: {ctx!r}")
    if errors:
        errors.write_text("\n".join(err_lines) + "\n", encoding="utf-8")
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "f1": round(f1, 3),
        "p": round(p, 3),
        "r": round(r, 3),
        "speaker_acc": round(spk_ok / spk_scored, 3) if spk_scored else 0.0,
        "speaker_acc_counting_no_source_as_wrong": round(spk_ok / tp, 3) if tp else 0.0,
        "speaker_scored": spk_scored,
        "matched_without_gold_source": no_source,
        "gold_source_cue_swapped": swapped,
        "gold": n_gold,
        "predicted": n_pred,
        "matched": tp,
        "articles": len(arts),
        "parse_s": round(parse_s, 1),
    }


def speaker_ok(text: str, gold: Attribution, pred: tuple[int, int] | None) -> bool:
    if pred is None or not gold.source:
        return False
    if any(a < pred[1] and pred[0] < b for a, b in gold.source):
        return True
    gold_names = {w for a, b in gold.source for w in WORD.findall(text[a:b]) if w[:1].isupper()}
    pred_names = {w for w in WORD.findall(text[pred[0] : pred[1]]) if w[:1].isupper()}
    gold_names -= {"The", "A", "An", "He", "She", "They", "We", "I", "It", "Mr", "Ms", "Mrs", "Dr"}
    return bool(gold_names & pred_names)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["test", "dev", "train"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--errors", type=Path)
    args = ap.parse_args()
    if not DATA.exists():
        print(f"PolNeAR not found at {DATA} (set STORYTRACE_DATA)")
        sys.exit(1)
    if args.split:
        print(json.dumps(score(args.split, args.limit, args.errors), indent=1))
        return
    dev = score("dev")
    test = score("test")
    figures = {
        "polnear_quote_f1": test["f1"],
        "polnear_quote_p": test["p"],
        "polnear_quote_r": test["r"],
        "polnear_speaker_acc": test["speaker_acc"],
        "polnear_dev_quote_f1": dev["f1"],
        "polnear_dev_quote_p": dev["p"],
        "polnear_dev_quote_r": dev["r"],
        "polnear_dev_speaker_acc": dev["speaker_acc"],
    }
    out = {
        "figures": figures,
        "published": {"textacy_direct_quotations_sm": BASELINE, "human_alpha": 0.754},
        "details": {
            "test": test,
            "dev": dev,
            "annotator_file": "first .ann per article (sorted by name)",
            "direct_quote": (
                "every content piece (Content and Content2) is quoted material only (PolNeAR: partial quotes are"
                " indirect); mark direction read from context (a straight or ” mark opening a paragraph opens), a"
                " span starting right after an opening mark counts as inside it"
            ),
            "match": "shared \\w+ tokens (by position) >= half of the longer span, one-to-one greedy",
            "speaker": (
                "predicted mention overlaps gold Source span, or shares a capitalised name word with it; over matched"
                " quotes whose gold attribution has a Source (Attribution-no-source ones are not speaker-scored);"
                " a Source that is only a speech verb with a name as its Cue is read as swapped"
            ),
            "previous_figures": {
                "polnear_quote_f1": 0.872,
                "polnear_quote_p": 0.856,
                "polnear_quote_r": 0.888,
                "polnear_speaker_acc": 0.957,
                "polnear_dev_quote_f1": 0.87,
                "polnear_dev_speaker_acc": 0.939,
            },
            "changes": [
                "scoring: Content2 spans joined into their attribution (was dropped)",
                "scoring: direct-quote test reads straight/” openers from context and spans without their opening mark",
                "scoring: swapped Source/Cue repaired; no-source attributions left out of speaker accuracy",
                "extraction: dash credits ('“…” ― Name'), headline-dash-name colon credits ('… - Carl Bialik: “…”')",
                "extraction: a cue sentence of its own after a quote ('“…?” Clinton said. “…”')",
                "extraction: a colon frame plus a cue after the quote is direct; frames continuing reported speech"
                " ('said it is unrealistic to think that …, “…”') are partial",
                "speaker: subject of a cue ending the sentence before a stand-alone quote, before the nearest name;"
                " nouns are not cues (except says/said mis-tagged)",
            ],
        },
    }
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "quotes.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for k, v in figures.items():
        base = BASELINE.get(k.replace("_dev", ""))
        print(f"{k:28s} {v:6.3f}   textacy baseline: {base if base is not None else '-'}")


if __name__ == "__main__":
    main()
