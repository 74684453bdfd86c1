"""Trust benchmark (``make bench-trust``): how many of the dossier's accusations a careful editor would sign.

The shipped pipeline (``storytrace.pipeline.analyze``, default options) runs on piles of real news that nobody on
the team wrote, built from ``$STORYTRACE_DATA``:

* ``ecb``   ECB+ — many web outlets reporting the same events, written independently (dev topics 1–12, test 36–45);
* ``neus``  NeuS/AllSides — a left, a centre and a right outlet on one story (dev: even story ids, test: odd);
* ``meter`` METER — Press Association copy with the UK papers that took from it (wholly / partially derived) or
  wrote their own (non-derived); catchline folders split by a hash of their path;
* ``ose``   OneStopEnglish — one Guardian article and its two rewrites at lower reading levels (known direction).

Each pile is written as JSON Lines (text, title, outlet, published) and read by the real ingest, so every stage runs
as it does for a user. Every finding that accuses somebody — a reuse link (an arrow or a common-source relation), an
``unsupported_addition``, a conflict, an altered quote — is keyed by the texts it is about (``finding_key``) and
judged either by the dataset's own labels (METER's derivation classes, OneStopEnglish's levels) or by a hand label
in ``bench/trust/labels/*.jsonl`` (the rules the labellers followed are in ``bench/trust/LABELLING.md``). Quotes'
speakers are judged against hand labels too (``speaker`` rows).

``python bench/trust.py judge`` judges the last run's findings again after new labels, without rerunning the
pipeline. ``python bench/trust.py dump --split dev`` writes every finding with both texts to ``bench/work/trust/`` for
labelling; ``python bench/trust.py`` runs both splits and writes ``bench/results/trust.json`` with the test split's
figures (the dev split's beside them, under ``dev``). Unlabelled accusations on independent piles count as false:
the figure never improves by leaving a finding unread.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.pipeline import analyze  # noqa: E402
from storytrace.records import Dossier  # noqa: E402

DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))
WORK = ROOT / "bench" / "work" / "trust"
LABELS = ROOT / "bench" / "trust" / "labels"  # one JSON Lines file per labeller or finding kind
RESULTS = ROOT / "bench" / "results" / "trust.json"
PILES = ("ecb", "neus", "meter", "ose")
# piles of independent reporting: there, any accusation is false unless a hand label says it holds
INDEPENDENT = ("ecb", "neus")


@dataclass
class Item:
    """One article of a pile: ``key`` names it in labels (dataset path or id), the rest is what ingest reads."""

    key: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    gold: dict[str, str] = field(default_factory=dict)  # dataset labels: {"story": ..., "derived": ..., "level": ...}


def _h(s: str) -> int:
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


# ---------------------------------------------------------------------------------------------------------------- ECB+

_TOKEN = re.compile(r'<token t_id="\d+" sentence="(\d+)" number="\d+">(.*?)</token>')
_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m", "%"}
_NO_SPACE_AFTER = {"(", "[", "$", "#"}


def _detok(tokens: list[str]) -> str:
    """ECB+ tokens back to text. Its quote marks are all straight and unpaired per sentence, so each one is told
    opening or closing from its neighbours: at the start of a line or after a colon, comma or bracket it opens; after
    sentence punctuation or a word, with a quote open, it closes."""
    out, prev, open_quote = "", "", False
    for t in tokens:
        if t in ("``", "''", '"'):
            if t == "``":
                opening = True
            elif t == "''":
                opening = False
            else:
                opening = not open_quote and (not prev or prev in (":", ",", "(", "-", "--", "—") or not out)
                if not open_quote and prev and prev[-1] in ".,!?" and not opening:
                    opening = False  # a closing mark of a quote opened in an earlier sentence
                elif not open_quote and not opening:
                    opening = True
            t = "“" if opening else "”"
            open_quote = opening
        glue = t in _NO_SPACE_BEFORE or t == "”" or prev in _NO_SPACE_AFTER or prev == "“"
        out += ("" if not out or glue else " ") + t
        prev = t
    return out


def ecb_items(split: str) -> list[Item]:
    base = DATA / "ecbplus" / "ECB+_LREC2014" / "ECB+"
    topics = range(1, 13) if split == "dev" else range(36, 46)
    items: list[Item] = []
    for t in topics:
        tdir = base / str(t)
        if not tdir.is_dir():
            continue
        for f in sorted(tdir.glob("*.xml")):
            sents: dict[int, list[str]] = {}
            for m in _TOKEN.finditer(f.read_text(encoding="utf-8")):
                sents.setdefault(int(m.group(1)), []).append(html.unescape(m.group(2)))
            plus = f.name.endswith("ecbplus.xml")
            outlet = None
            if plus and 0 in sents:
                host = urlparse("".join(sents[0])).netloc.removeprefix("www.")
                outlet = host or None
            lines = [_detok(toks) for n, toks in sorted(sents.items()) if not (plus and n == 0)]
            lines = [x for x in lines if x.strip()]
            if len(lines) < 2:
                continue
            kind = "ecbplus" if plus else "ecb"
            items.append(Item(f"ecb/{f.stem}", "\n\n".join(lines[1:]), lines[0], outlet, gold={"story": f"{t}-{kind}"}))
    return items


# ---------------------------------------------------------------------------------------------------------------- NeuS


def neus_items(split: str, limit: int = 60) -> list[Item]:
    path = DATA / "neus-allsides" / "raw_crawled" / "headline_11_2021-10-19_crawled_all.jsonl"
    items: list[Item] = []
    stories = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if (row["id"] % 2 == 0) != (split == "dev"):
            continue
        news = row.get("news") or {}
        arts = []
        for side in ("left", "center", "right"):
            n = news.get(side)
            if not n or not n.get("newBody"):
                continue
            body = n["newBody"]
            text = "\n\n".join(p.strip() for p in (body if isinstance(body, list) else [body]) if p and p.strip())
            if len(text.split()) < 30:
                continue
            arts.append(
                Item(
                    f"neus/{row['id']}/{side}",
                    text,
                    n.get("newsTitle"),
                    n.get("newsSource"),
                    (row.get("date") or "")[:10] or None,
                    gold={"story": f"neus-{row['id']}"},
                )
            )
        if len(arts) >= 2:
            items.extend(arts)
            stories += 1
        if stories >= limit:
            break
    return items


# ---------------------------------------------------------------------------------------------------------------- METER

_METER_INDEX = {"wholly_derived.txt": "wholly", "partially_derived.txt": "partially", "non_derived.txt": "non"}


def _pa_body(raw: str) -> tuple[str | None, str]:
    """A PA file as a wire desk's export would give it to storytrace: paragraphs, no wire header."""
    lines = raw.replace("\r", "").split("\n")
    last_rule = max((i for i, x in enumerate(lines[:12]) if x.strip().startswith("-----")), default=-1)
    body = re.sub(r"[\x00-\x08\x0b-\x1f]", "", "\n".join(lines[last_rule + 1 :]))
    paras = [" ".join(p.split()) for p in body.split("<")]
    paras = [p for p in paras if len(p) > 3 and not re.fullmatch(r"\(with pi[cx]s?\)|ENDS|MORE", p, re.I)]
    title = paras[0] if paras and paras[0].isupper() else None
    if title:
        paras = paras[1:]
    if paras and re.match(r"\W*By\b.*\bPA\b", paras[0]):
        paras = paras[1:]
    text = "\n\n".join(paras)
    text = re.sub(r"#(?=\d)", "£", text).replace("``", "“").replace("''", "”")
    return (title.title() if title else None), text


def _iso(folder_date: str) -> str:
    d, m, y = folder_date.split(".")
    return f"{2000 + int(y) if int(y) < 50 else 1900 + int(y)}-{m}-{d}"


def meter_items(split: str, limit: int = 40) -> list[Item]:
    base = DATA / "meter-corpus"
    label_of: dict[str, str] = {}
    for domain in ("courts", "showbiz"):
        for name, label in _METER_INDEX.items():
            for line in (base / "file_index" / domain / name).read_bytes().decode("latin-1").splitlines():
                rel = line.strip().removeprefix("/").removeprefix("meter_corpus/")
                if rel:
                    label_of.setdefault(rel, label)
    folders: dict[str, list[str]] = {}
    for rel in sorted(label_of):
        folders.setdefault(str(Path(rel).parent), []).append(rel)
    chosen = [f for f in sorted(folders, key=_h) if (_h(f) % 2 == 0) == (split == "dev")][:limit]
    items: list[Item] = []
    for folder in sorted(chosen):
        parts = Path(folder).parts  # newspapers/rawtexts/<domain>/<date>/<catchline>
        domain, day, catchline = parts[2], parts[3], parts[4]
        story = f"{domain}/{day}/{catchline}"
        pa_dir = base / "PA" / "rawtexts" / domain / day / catchline
        if not pa_dir.is_dir():
            continue
        for f in sorted(pa_dir.iterdir()):
            if f.suffix not in (".txt", ".sub"):
                continue
            title, text = _pa_body(f.read_bytes().decode("latin-1"))
            if len(text.split()) >= 30:
                items.append(
                    Item(f"meter/PA/{story}/{f.name}", text, title, "Press Association", _iso(day), {"story": story})
                )
        for rel in folders[folder]:
            raw = (base / rel).read_bytes().decode("latin-1").replace("\r", "").strip()
            paper = Path(rel).stem.split("_")[-1]
            text = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\s)", raw) if p.strip())
            items.append(
                Item(f"meter/{rel}", text, None, paper.title(), _iso(day), {"story": story, "derived": label_of[rel]})
            )
    return items


# ---------------------------------------------------------------------------------------------------------------- OSE

_LEVELS = {"adv": 0, "int": 1, "ele": 2}


def ose_items(split: str, limit: int = 15) -> list[Item]:
    base = DATA / "onestopenglish" / "Texts-SeparatedByReadingLevel"
    names = sorted(p.name.rsplit("-", 1)[0] for p in (base / "Adv-Txt").glob("*-adv.txt"))
    chosen = [n for i, n in enumerate(names) if (i % 2 == 0) == (split == "dev")][:limit]
    items: list[Item] = []
    for name in chosen:
        for level, folder in (("adv", "Adv-Txt"), ("int", "Int-Txt"), ("ele", "Ele-Txt")):
            path = base / folder / f"{name}-{level}.txt"
            if not path.is_file():
                continue
            raw = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
            lines = [x.strip() for x in raw.splitlines() if x.strip()]
            if lines and lines[0].lower() in ("intermediate", "elementary", "advanced"):
                lines = lines[1:]
            items.append(
                Item(f"ose/{name}/{level}", "\n\n".join(lines), None, None, None, {"story": name, "level": level})
            )
    return items


LOADERS = {"ecb": ecb_items, "neus": neus_items, "meter": meter_items, "ose": ose_items}


# ---------------------------------------------------------------------------------------------------------------- run


def write_pile(pile: str, split: str, items: list[Item]) -> Path:
    out = WORK / split / f"{pile}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for it in items:
            row = {"text": it.text, "title": it.title, "outlet": it.outlet, "published": it.published}
            fh.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
    return out


def norm(text: str) -> str:
    return " ".join(text.split()).lower()


def finding_key(kind: str, *parts: tuple[str, str]) -> str:
    """A key for a finding that survives re-analysis: its kind and the (article key, text) pairs it is about."""
    body = "|".join(f"{a}::{norm(t)}" for a, t in sorted(parts)) if kind != "reuse" else "|".join(a for a, _ in parts)
    return kind + ":" + hashlib.sha1(body.encode()).hexdigest()[:16]


def findings(pile: str, items: list[Item], dossier: Dossier) -> list[dict[str, Any]]:
    """Every accusation and every quote of the dossier, with what a labeller needs to judge it."""
    # ingest reports each JSON Lines record as "<file>#<line>"; the line number names the item
    key_of: dict[str, str] = {}
    for a in dossier.articles:
        for origin in a.origins:
            m = re.search(r"#(\d+)$", origin)
            n = int(m.group(1)) if m else 1
            key_of.setdefault(a.id, items[n - 1].key)
    by_id = {a.id: a for a in dossier.articles}

    def sent(aid: str, ref: Any) -> str:
        refs = ref if isinstance(ref, list) else [ref]
        a = by_id[aid]
        return " ".join(a.sentence_text(r) for r in refs if 0 <= r < len(a.sentences))

    out: list[dict[str, Any]] = []
    for story in dossier.stories:
        for r in story.reuse:
            a, b = key_of[r.source], key_of[r.derived]
            first, second = sorted((a, b))
            ev = [
                {"from": sent(r.source, e.from_sentence), "to": sent(r.derived, e.to_sentence), "match": e.match}
                for e in r.evidence[:6]
            ]
            relation = "undecided" if r.direction == "undecided" else "derived"  # an arrow, or none
            out.append(
                {
                    "finding": "reuse",
                    "key": finding_key("reuse", (first, ""), (second, "")),
                    "pile": pile,
                    "source": a,
                    "derived": b,
                    "kind": r.kind,
                    "relation": relation,
                    "direction": r.direction,
                    "score": r.score,
                    "reasons": r.reasons,
                    "evidence": ev,
                }
            )
        for c in story.claims:
            if c.status != "unsupported_addition":
                continue
            for m in c.mentions[:1]:
                src = [key_of[x.source] for x in story.reuse if x.derived == m.article]
                out.append(
                    {
                        "finding": "addition",
                        "key": finding_key("addition", (key_of[m.article], m.text)),
                        "pile": pile,
                        "article": key_of[m.article],
                        "text": m.text,
                        "sources": src,
                    }
                )
        for x in story.conflicts:
            sides = [(key_of[s.article], s.text) for s in x.sides]
            out.append(
                {
                    "finding": "conflict",
                    "key": finding_key("conflict", *sides),
                    "pile": pile,
                    "kind": x.kind,
                    "sides": [{"article": k, "text": t} for k, t in sides],
                    "explanation": x.explanation,
                }
            )
        for q in story.quotes:
            art = key_of[q.article]
            if q.fidelity == "altered":
                out.append(
                    {
                        "finding": "altered_quote",
                        "key": finding_key("altered_quote", (art, q.text)),
                        "pile": pile,
                        "article": art,
                        "text": q.text,
                        "matches": [{"article": key_of[m.article], "text": m.text} for m in q.matches[:3]],
                        "reason": q.reason,
                    }
                )
            out.append(
                {
                    "finding": "speaker",
                    "key": finding_key("speaker", (art, q.text)),
                    "pile": pile,
                    "article": art,
                    "text": q.text,
                    "speaker": q.speaker,
                    "sentence": sent(q.article, q.sentence),
                }
            )
    return out


def run_split(split: str, piles: tuple[str, ...] = PILES) -> tuple[dict[str, list[Item]], list[dict[str, Any]], dict]:
    items_by_pile: dict[str, list[Item]] = {}
    found: list[dict[str, Any]] = []
    timing: dict[str, float] = {}
    for pile in piles:
        items = LOADERS[pile](split)
        path = write_pile(pile, split, items)
        t0 = time.perf_counter()
        dossier = analyze([str(path)])
        timing[pile] = round(time.perf_counter() - t0, 1)
        items_by_pile[pile] = items
        found.extend(findings(pile, items, dossier))
        print(f"  {split}/{pile}: {len(items)} articles, {len(dossier.stories)} stories, {timing[pile]} s", flush=True)
    return items_by_pile, found, timing


# ---------------------------------------------------------------------------------------------------------------- judge


def load_labels() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(LABELS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[row["key"]] = row
    return out


def dataset_verdict(f: dict[str, Any], gold: dict[str, dict[str, str]]) -> bool | None:
    """What the dataset's own labels say about a reuse link (None: they do not say)."""
    if f["pile"] == "meter":
        a, b = f["source"], f["derived"]
        ga, gb = gold[a], gold[b]
        pa_a, pa_b = "/PA/" in a, "/PA/" in b
        if pa_a and pa_b:
            return True  # two PA files of one story: versions of one wire story share text by design
        if pa_a or pa_b:
            paper = gb if pa_a else ga
            if paper.get("derived") == "non":
                return False
            # the PA copy is the source: an arrow from the paper to PA is wrong; a common-source relation is right
            return not (f["relation"] == "derived" and pa_b)
        return None  # paper with paper: only a hand label can tell
    if f["pile"] == "ose":
        la, lb = _LEVELS[gold[f["source"]]["level"]], _LEVELS[gold[f["derived"]]["level"]]
        if gold[f["source"]]["story"] != gold[f["derived"]]["story"]:
            return False
        return not (f["relation"] == "derived" and la > lb)
    return None


def label_verdict(f: dict[str, Any], row: dict[str, Any]) -> bool:
    """A hand label's verdict on a finding as it stands now. Reuse labels are about the pair: a common source (R-R3)
    or a real copy labelled against an arrow drawn the wrong way (R-R4) makes an undecided link — no arrow, "share a
    source" — true, and any arrow between them false."""
    if f["finding"] == "reuse" and row.get("rule") in ("R-R3", "R-R4"):
        return f["relation"] != "derived"
    return bool(row["label"])


_NAME_NOISE = frozenset({"the", "a", "an", "one", "mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "of"})


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[\w'-]+", name.lower().replace("’", "'")) if w not in _NAME_NOISE}


def speaker_matches(want: str, got: str) -> bool:
    """A predicted speaker is right when it names the labelled one: the words of one name (without articles and
    honorifics) all in the other ("Mr Hamilton" / "Neil Hamilton"); both empty is right; a non-quote ("-") never."""
    if want.strip() == "-":
        return False
    w, g = _name_words(want), _name_words(got)
    if not w or not g:
        return not w and not g
    return w <= g or g <= w


def judge(found: list[dict[str, Any]], items: dict[str, list[Item]], labels: dict[str, dict]) -> dict[str, Any]:
    gold = {it.key: it.gold for its in items.values() for it in its}
    n_articles = {p: len(v) for p, v in items.items()}
    verdicts: dict[str, Counter] = {k: Counter() for k in ("reuse", "addition", "conflict", "altered_quote")}
    false_indep = 0
    unlabelled: Counter = Counter()
    for f in found:
        kind = f["finding"]
        if kind == "speaker":
            continue
        v: bool | None = None
        if kind == "reuse":
            v = dataset_verdict(f, gold)
        if v is None and f["key"] in labels:
            v = label_verdict(f, labels[f["key"]])
        if v is None:
            unlabelled[kind] += 1
            if f["pile"] in INDEPENDENT or kind != "reuse":
                v = False  # unread accusations count against us
            else:
                continue
        verdicts[kind][v] += 1
        if f["pile"] in INDEPENDENT and not v:
            false_indep += 1
    # recall of real copies: METER wholly-derived papers and OneStopEnglish rewrites, linked to a true source
    linked: set[tuple[str, str]] = set()
    for f in found:
        row = labels.get(f["key"])
        if f["finding"] == "reuse" and (dataset_verdict(f, gold) or (row and label_verdict(f, row))):
            linked.add((f["source"], f["derived"]))
            linked.add((f["derived"], f["source"]))
    real = 0
    hit = 0
    for pile in ("meter", "ose"):
        for it in items.get(pile, []):
            if it.gold.get("derived") == "wholly" or it.gold.get("level") in ("int", "ele"):
                real += 1
                if any(it.key in pair for pair in linked):
                    hit += 1
    # speakers: hand labels carry the right speaker ("" when the article names none, "-" when it is no quote)
    sp_ok = sp_n = 0
    for f in found:
        if f["finding"] == "speaker" and f["key"] in labels:
            sp_n += 1
            sp_ok += speaker_matches(labels[f["key"]].get("speaker") or "", f["speaker"] or "")

    def precision(kind: str) -> float | None:
        c = verdicts[kind]
        n = c[True] + c[False]
        return round(c[True] / n, 3) if n else None

    indep_articles = sum(n_articles.get(p, 0) for p in INDEPENDENT)
    return {
        "false_accusations_per_100": round(100 * false_indep / max(indep_articles, 1), 2),
        "reuse_precision": precision("reuse"),
        "reuse_recall": round(hit / real, 3) if real else None,
        "conflict_precision": precision("conflict"),
        "addition_precision": precision("addition"),
        "altered_quote_precision": precision("altered_quote"),
        "speaker_accuracy_real": round(sp_ok / sp_n, 3) if sp_n else None,
        "counts": {k: {"true": c[True], "false": c[False]} for k, c in verdicts.items()},
        "unlabelled": dict(unlabelled),
        "speakers_labelled": sp_n,
        "independent_articles": indep_articles,
        "articles": n_articles,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", nargs="?", default="bench", choices=["bench", "dump", "judge"])
    ap.add_argument("--split", choices=["dev", "test"], default=None)
    ap.add_argument("--piles", default=",".join(PILES))
    args = ap.parse_args()
    piles = tuple(p for p in args.piles.split(",") if p)
    labels = load_labels()
    splits = [args.split] if args.split else ["dev", "test"]
    report: dict[str, Any] = {}
    for split in splits:
        if args.mode == "judge":  # labels changed, findings not: judge the last run's findings again
            items = {p: LOADERS[p](split) for p in piles}
            path = WORK / f"findings-{split}.jsonl"
            found = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            timing = json.loads(RESULTS.read_text()).get(split, {}).get("seconds", {}) if RESULTS.is_file() else {}
        else:
            items, found, timing = run_split(split, piles)
        out = WORK / f"findings-{split}.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            for f in found:
                row = dict(f, label=labels.get(f["key"], {}).get("label"), split=split)
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        figures = judge(found, items, labels)
        figures["seconds"] = timing
        report[split] = figures
        print(json.dumps({split: figures}, indent=1))
        print(f"findings written to {out}")
    if args.mode in ("bench", "judge") and "test" in report and piles == PILES:
        test = report["test"]
        keep = (
            "false_accusations_per_100",
            "reuse_precision",
            "reuse_recall",
            "conflict_precision",
            "addition_precision",
            "speaker_accuracy_real",
        )
        RESULTS.write_text(
            json.dumps(
                {
                    "figures": {k: test[k] for k in keep},
                    "test": test,
                    "dev": report.get("dev"),
                    "labels": len(labels),
                },
                indent=1,
            )
            + "\n"
        )
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
