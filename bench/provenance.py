"""Provenance benchmark (``make bench-provenance``): the sources each article cites, whether a reuse credits its
source, each article's verdict and timing, and how well the padding score finds filler — against hand labels.

The shipped pipeline (``storytrace.pipeline.analyze``, default options) runs on the piles of ``bench/trust.py``
(ECB+, NeuS/AllSides, METER, OneStopEnglish: the same loaders and the same dev/test splits, by topic or story) and
on one pile of its own, ``summ``: the model summaries of SummEdits and XSumFaith that the padding labels name, each
beside its source document. Each pile is written as JSON Lines and read by the real ingest. The dossiers are kept
under ``bench/work/provenance/`` so ``python bench/provenance.py score`` scores new labels without a rerun.

Labels are in ``bench/provenance/labels/*.jsonl``, written by reading the texts (rules: ``bench/provenance/
LABELLING.md``); METER's verdicts come from the corpus's own derivation classes. Five figures, test split:

* ``sources_cited_f1`` — the dossier's ``articles[].sources_cited`` against the hand list per article, F1 over
  (article, source) pairs; names match when one's words hold the other's (aliases in the label's ``also``), the
  kind is scored apart (``kind_accuracy``, ``strict_f1``); optional labels neither count nor cost;
* ``credited_accuracy`` — ``Reuse.credited`` on the hand-labelled (source, derived) pairs the dossier joins by a
  decided link (credit is a property of an arrow); one drawn the wrong way, or one that leaves ``credited`` None, is
  wrong; ``coverage`` (``linked`` of ``pairs``) beside it, and the strict figure over all pairs
  (``accuracy_all_pairs``) and the first measurement's over any link (``accuracy_any_link``) in ``details``;
* ``verdict_accuracy`` — ``Story.verdicts[].verdict`` against METER's classes (wholly derived: copy or rewrite;
  partially: derivative; non-derived: original) and the hand labels of NeuS/ECB+; a missing verdict is wrong;
* ``timing_accuracy`` — ``Verdict.timing`` against hand labels (preview / report / follow-up);
* ``padding_auc`` — per-sentence padding against filler/content labels, ROC AUC. The score of a sentence is the
  verdict stage's own (``storytrace.verdicts.padding``: ``sentence_padding`` when it exists, else 1 for a sentence
  outside ``checkable_sentences`` and 0 inside); before that stage existed it fell back to the article's
  ``Verdict.padding``. ``details`` says which one was used.

    make bench-provenance                   # or: .venv/bin/python bench/provenance.py [bench|score] [--split dev]
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import trust  # noqa: E402  (the trust bench's piles, loaders and splits)
from shipped import ShippedCache  # noqa: E402
from storytrace.pipeline import analyze  # noqa: E402
from storytrace.records import Article, Dossier, Story, StoryFindings, Verdict  # noqa: E402

DATA = trust.DATA
WORK = ROOT / "bench" / "work" / "provenance"
LABELS = ROOT / "bench" / "provenance" / "labels"
RESULTS = ROOT / "bench" / "results" / "provenance.json"
PILES = (*trust.PILES, "summ")
SPLITS = ("dev", "test")

# METER's derivation classes as verdicts. The corpus does not tell a copy from a rewrite (both are "wholly
# derived": PA is the only source), so either counts.
METER_VERDICTS = {"wholly": ("copy", "rewrite"), "partially": ("derivative",), "non": ("original",)}


KINDS = frozenset({"wire", "outlet", "media", "agency", "person", "document"})
VERDICTS = frozenset({"original", "copy", "rewrite", "derivative", "aggregation", "commentary"})
TIMINGS = frozenset({"preview", "report", "follow-up"})
MAX_SPAN_WORDS = 30  # labels quote short spans, never whole articles


def _label_problem(name: str, row: dict[str, Any]) -> str | None:
    if row.get("split") not in SPLITS:
        return f"split {row.get('split')!r} is not dev or test"
    spans = [row.get("span") or "", row.get("sentence") or ""]
    if name == "sources_cited":
        if any(s.get("kind") not in KINDS for s in row["sources"]):
            return "a source kind outside " + ", ".join(sorted(KINDS))
        spans += [s.get("span") or "" for s in row["sources"]]
    if name == "verdicts" and not {row["verdict"], *row.get("accept", [])} <= VERDICTS:
        return "a verdict outside " + ", ".join(sorted(VERDICTS))
    if name == "timing" and not {row["timing"], *row.get("accept", [])} <= TIMINGS:
        return "a timing outside " + ", ".join(sorted(TIMINGS))
    if name == "padding" and row["label"] not in ("filler", "content"):
        return "label is not filler or content"
    if any(len(s.split()) > MAX_SPAN_WORDS for s in spans):
        return f"a span longer than {MAX_SPAN_WORDS} words"
    return None


def read_labels(name: str) -> list[dict[str, Any]]:
    """One label file's rows; a malformed row stops the bench with its file, line and problem."""
    path = LABELS / f"{name}.jsonl"
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            problem = _label_problem(name, row)
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            problem = f"not a label row ({type(e).__name__})"
        if problem:
            raise SystemExit(f"{path.relative_to(ROOT)}:{n}: {problem}")
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------------------------------ piles


def summ_items(split: str) -> list[trust.Item]:
    """The model summaries the padding labels name, each with its source document (one story per document)."""
    keys = sorted({r["article"] for r in read_labels("padding") if r["split"] == split})
    items: list[trust.Item] = []
    xsum = sorted({k.split("/")[1] for k in keys if k.startswith("xsum/")})
    for bbcid in xsum:
        doc = json.loads((DATA / "frank" / "articles-wbertscore-json" / f"{bbcid}.json").read_text(encoding="utf-8"))
        story = {"story": f"xsum-{bbcid}"}
        items.append(trust.Item(f"xsum/{bbcid}/article", doc["article"].replace("\\'", "'"), gold=story))
        for key in keys:
            if key.startswith(f"xsum/{bbcid}/"):
                items.append(trust.Item(key, doc[key.rsplit("/", 1)[1]].replace("\\'", "'"), gold=story))
    wanted = {k.split("/")[1] for k in keys if k.startswith("summedits/")}
    if wanted:
        rows = json.loads((DATA / "summedits-news" / "summedits_news.json").read_text(encoding="utf-8"))
        for row in rows:
            if row["id"] in wanted:
                story = {"story": f"summedits-{row['id']}"}
                items.append(trust.Item(f"summedits/{row['id']}/doc", row["doc"], gold=story))
                items.append(trust.Item(f"summedits/{row['id']}/summary", row["summary"], gold=story))
    return items


LOADERS = {**trust.LOADERS, "summ": summ_items}


def write_pile(pile: str, split: str, items: list[trust.Item]) -> Path:
    out = WORK / split / f"{pile}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for it in items:
            row = {"text": it.text, "title": it.title, "outlet": it.outlet, "published": it.published}
            fh.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
    return out


def keys_of(dossier: Dossier, items: list[trust.Item]) -> dict[str, str]:
    """Article id -> the item's key. Ingest names each JSON Lines record "<file>#<line>"."""
    out: dict[str, str] = {}
    for a in dossier.articles:
        for origin in a.origins:
            m = re.search(r"#(\d+)$", origin)
            out.setdefault(a.id, items[int(m.group(1)) - 1 if m else 0].key)
    return out


class Run:
    """One split: every pile's items and dossier, with lookups by item key."""

    def __init__(
        self, split: str, piles: dict[str, tuple[list[trust.Item], Dossier]], seconds: dict[str, float]
    ) -> None:
        self.split = split
        self.seconds = seconds  # the pipeline's time per pile, from the run that made the dossiers
        self.items: dict[str, trust.Item] = {}
        self.article: dict[str, Article] = {}  # item key -> article
        self.key: dict[str, str] = {}  # article id -> item key
        self.story_of: dict[str, Story] = {}  # item key -> its story
        self.verdict: dict[str, Verdict] = {}  # item key -> its verdict
        self.links: list[tuple[str, str, Any]] = []  # (source key, derived key, Reuse)
        for items, dossier in piles.values():
            self.items.update({it.key: it for it in items})
            key_of = keys_of(dossier, items)
            self.key.update(key_of)
            for a in dossier.articles:
                self.article.setdefault(key_of[a.id], a)
            for story in dossier.stories:
                for aid in story.articles:
                    if aid in key_of:
                        self.story_of.setdefault(key_of[aid], story)
                for v in story.verdicts:
                    if v.article in key_of:
                        self.verdict.setdefault(key_of[v.article], v)
                for r in story.reuse:
                    if r.source in key_of and r.derived in key_of:
                        self.links.append((key_of[r.source], key_of[r.derived], r))


def run_split(split: str) -> Run:
    piles: dict[str, tuple[list[trust.Item], Dossier]] = {}
    seconds: dict[str, float] = {}
    for pile in PILES:
        items = LOADERS[pile](split)
        path = write_pile(pile, split, items)
        t0 = time.perf_counter()
        dossier = analyze([str(path)])
        seconds[pile] = round(time.perf_counter() - t0, 1)
        (WORK / split / f"{pile}.dossier.json").write_text(json.dumps(dossier.to_dict()), encoding="utf-8")
        piles[pile] = (items, dossier)
        print(f"  {split}/{pile}: {len(items)} articles, {len(dossier.stories)} stories, {seconds[pile]} s", flush=True)
    (WORK / split / "seconds.json").write_text(json.dumps(seconds), encoding="utf-8")
    return Run(split, piles, seconds)


def load_split(split: str) -> Run:
    piles = {}
    for pile in PILES:
        path = WORK / split / f"{pile}.dossier.json"
        if not path.is_file():
            raise SystemExit(f"{path}: no stored dossier; run `python bench/provenance.py bench` first")
        piles[pile] = (LOADERS[pile](split), Dossier.from_dict(json.loads(path.read_text(encoding="utf-8"))))
    timing = WORK / split / "seconds.json"
    return Run(split, piles, json.loads(timing.read_text(encoding="utf-8")) if timing.is_file() else {})


# ---------------------------------------------------------------------------------------------------------- sources

_NAME_NOISE = frozenset({"the", "a", "an", "of", "his", "her", "its", "their", "this", "our"})


def name_words(name: str) -> frozenset[str]:
    """A source's name as words: case, possessives, dots and articles gone; spaced initials joined (U. S. -> us)."""
    s = name.lower().replace("’", "'").replace(".", " ")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"\b(\w) (?=\w\b)", r"\1", s)
    return frozenset(w for w in re.findall(r"[\w&]+", s) if w not in _NAME_NOISE)


def names_match(gold: dict[str, Any], got: str) -> bool:
    g = name_words(got)
    if not g:
        return False
    for name in [gold["name"], *gold.get("also", [])]:
        w = name_words(name)
        if w and (w <= g or g <= w):
            return True
    return False


def prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": rnd(p), "recall": rnd(r), "f1": rnd(f)}


def rnd(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def score_sources(rows: list[dict[str, Any]], run: Run) -> dict[str, Any]:
    tp = fp = fn = kind_ok = 0
    strict: Counter = Counter()
    missing = 0
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        art = run.article.get(row["article"])
        if art is None:
            missing += 1
            continue
        got: dict[frozenset[str], Any] = {}
        for s in art.sources_cited:
            got.setdefault(name_words(s.name), s)
        gold = list(row["sources"])
        used = [False] * len(gold)
        for s in got.values():
            match = next(
                (
                    i
                    for i, g in sorted(enumerate(gold), key=lambda ig: bool(ig[1].get("optional")))
                    if not used[i] and names_match(g, s.name)
                ),
                None,
            )
            if match is None:
                fp += 1
                strict["fp"] += 1
                continue
            used[match] = True
            g = gold[match]
            if g.get("optional"):
                continue
            tp += 1
            by_kind[g["kind"]]["found"] += 1
            if s.kind == g["kind"]:
                kind_ok += 1
                strict["tp"] += 1
            else:
                strict["fp"] += 1
                strict["fn"] += 1
        for i, g in enumerate(gold):
            if not used[i] and not g.get("optional"):
                fn += 1
                strict["fn"] += 1
                by_kind[g["kind"]]["missed"] += 1
    out = prf(tp, fp, fn)
    return {
        **out,
        "kind_accuracy": rnd(kind_ok / tp) if tp else None,
        "strict_f1": prf(strict["tp"], strict["fp"], strict["fn"])["f1"],
        "articles": len(rows) - missing,
        "articles_missing": missing,
        "gold_sources": tp + fn,
        "found": tp,
        "false": fp,
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
    }


# --------------------------------------------------------------------------------------------------------- credited


def score_credited(rows: list[dict[str, Any]], run: Run) -> dict[str, Any]:
    """Credit is a property of an arrow: ``Reuse.credited`` says whether the derived end names the source it took
    from, and only a decided link says it took from it (an undecided link's ``credited`` speaks of the common wire,
    if any). So the headline is scored over the pairs the dossier joins by a decided link; a decided link drawn the
    wrong way is wrong. ``coverage`` (decided links / pairs) says how many pairs that is, and the strict figure
    (``accuracy_all_pairs``: an undecided or missing link is wrong) and the first measurement's (``accuracy_any_link``:
    over any link, ``None`` wrong) stay beside it."""
    ok = decided = any_link = ok_any = 0
    outcome: Counter = Counter()
    for row in rows:
        src, der = row["source"], row["derived"]

        def is_src(key: str, src: str = src) -> bool:
            return key.startswith(src) if src.endswith("/") else key == src

        forward = [r for a, b, r in run.links if is_src(a) and b == der]
        backward = [r for a, b, r in run.links if a == der and is_src(b)]
        fwd_decided = sorted((r for r in forward if r.direction == "decided"), key=lambda r: -r.score)
        back_decided = [r for r in backward if r.direction == "decided"]
        undecided = sorted((r for r in forward + backward if r.direction != "decided"), key=lambda r: -r.score)
        if forward or backward:
            any_link += 1
            # the first measurement's reading: the forward link (decided first), else an undecided one either way
            first = (fwd_decided or sorted(forward, key=lambda r: -r.score) or undecided or [None])[0]
            ok_any += first is not None and first.credited == row["credited"]
        if fwd_decided:
            decided += 1
            got = fwd_decided[0].credited
            if got is None:
                outcome["unknown"] += 1
            elif got == row["credited"]:
                ok += 1
                outcome[f"right_{str(row['credited']).lower()}"] += 1
            else:
                outcome[f"wrong_{str(row['credited']).lower()}"] += 1
        elif back_decided:
            decided += 1
            outcome["reversed"] += 1
        elif undecided:
            outcome["undecided"] += 1
        else:
            outcome["unlinked"] += 1
    said = decided - outcome["unknown"] - outcome["reversed"]
    return {
        "accuracy": rnd(ok / decided) if decided else None,
        "coverage": rnd(decided / len(rows)) if rows else None,
        "accuracy_all_pairs": rnd(ok / len(rows)) if rows else None,
        "accuracy_any_link": rnd(ok_any / any_link) if any_link else None,
        # a decided link may still say nothing (None: a source with no known name): right where it said true or false
        "accuracy_when_said": rnd(ok / said) if said else None,
        "pairs": len(rows),
        "linked": decided,
        "any_link": any_link,
        "credited_pairs": sum(1 for r in rows if r["credited"]),
        "outcomes": dict(outcome),
    }


# --------------------------------------------------------------------------------------------------------- verdicts


def verdict_rows(rows: list[dict[str, Any]], run: Run) -> list[dict[str, Any]]:
    """The hand labels of the split, then one row per METER paper from the corpus's own class."""
    out = list(rows)
    for key, it in sorted(run.items.items()):
        derived = it.gold.get("derived")
        if key.startswith("meter/newspapers/") and derived in METER_VERDICTS:
            story = it.gold["story"]
            out.append(
                {
                    "article": key,
                    "dataset": "meter",
                    "verdict": METER_VERDICTS[derived][0],
                    "accept": list(METER_VERDICTS[derived]),
                    "source": None if derived == "non" else f"meter/PA/{story}/",
                }
            )
    return out


def score_verdicts(rows: list[dict[str, Any]], run: Run) -> dict[str, Any]:
    by_ds: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    src_ok = src_n = 0
    for row in rows:
        want = set(row.get("accept") or [row["verdict"]])
        v = run.verdict.get(row["article"])
        got = v.verdict if v else "missing"
        c = by_ds[row["dataset"]]
        c["n"] += 1
        c["right"] += got in want
        confusion[f"{row['verdict']}->{got}"] += 1
        source = row.get("source")
        if v is not None and got in want and got != "original" and source and "/" in source:
            src_n += 1
            key = run.key.get(v.source or "", "")
            src_ok += key.startswith(source) if source.endswith("/") else key == source
    n = sum(c["n"] for c in by_ds.values())
    right = sum(c["right"] for c in by_ds.values())
    return {
        "accuracy": rnd(right / n) if n else None,
        "articles": n,
        "by_dataset": {k: {"n": c["n"], "accuracy": rnd(c["right"] / c["n"])} for k, c in sorted(by_ds.items())},
        "source_accuracy": rnd(src_ok / src_n) if src_n else None,
        "source_checked": src_n,
        "confusion": dict(sorted(confusion.items())),
    }


def score_timing(rows: list[dict[str, Any]], run: Run) -> dict[str, Any]:
    right = 0
    per: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        want = set(row.get("accept") or [row["timing"]])
        v = run.verdict.get(row["article"])
        got = v.timing if v else "missing"
        ok = got in want
        right += ok
        per[row["timing"]]["n"] += 1
        per[row["timing"]]["right"] += ok
        per[row["timing"]][f"as_{got}"] += 1
    return {
        "accuracy": rnd(right / len(rows)) if rows else None,
        "articles": len(rows),
        "by_label": {k: {**dict(c), "recall": rnd(c["right"] / c["n"])} for k, c in sorted(per.items())},
    }


# ---------------------------------------------------------------------------------------------------------- padding


def auc(scores: list[float], labels: list[bool]) -> float | None:
    """ROC AUC (Mann-Whitney, ties count half): how often a filler sentence scores above a contentful one."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return None
    order = sorted(scores)
    rank: dict[float, float] = {}
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and order[j] == order[i]:
            j += 1
        rank[order[i]] = (i + j + 1) / 2  # mean of ranks i+1 .. j
        i = j
    r = sum(rank[s] for s in pos)
    return (r - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def norm(text: str) -> str:
    t = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return " ".join(t.split()).lower()


def sentence_index(article: Article, span: str) -> int | None:
    """The article's sentence that the labelled sentence starts in (the labels keep its first words)."""
    want = norm(span)
    for n in range(len(article.sentences)):
        s = norm(article.sentence_text(n))
        if not s:
            continue
        if len(want) < 24:  # "See?", "RIP Bettie!": only the sentence that starts with it
            if s.startswith(want):
                return n
        elif want[:48] in s or (len(s) >= 16 and want.startswith(s)):  # the labelled words, or its first piece
            return n
    return None


def sentence_scores(article: Article, facts: Any, story: Story, verdict: Verdict | None) -> tuple[list[float], str]:
    """Per-sentence padding as the verdict stage computes it (see the module docstring for the order tried)."""
    n = len(article.sentences)
    try:  # the module: the package binds the name ``padding`` to the function of that name
        stage = importlib.import_module("storytrace.verdicts.padding")
    except ImportError:
        stage = None
    findings = StoryFindings(
        claims=story.claims,
        quotes=story.quotes,
        conflicts=story.conflicts,
        off_topic=story.off_topic,
        timeline=story.timeline,
        summary=story.summary,
    )
    graded = getattr(stage, "sentence_padding", None)
    if graded is not None:
        return [float(x) for x in graded(article, facts, findings)], "sentence_padding"
    checkable = getattr(stage, "checkable_sentences", None)
    if checkable is not None:
        keep = checkable(article, facts, findings)
        return [0.0 if i in keep else 1.0 for i in range(n)], "checkable_sentences"
    return [verdict.padding if verdict else 0.0] * n, "article Verdict.padding"


def score_padding(rows: list[dict[str, Any]], run: Run, cache: ShippedCache) -> dict[str, Any]:
    wanted = sorted({r["article"] for r in rows if r["article"] in run.article and r["article"] in run.story_of})
    facts = cache.facts([run.article[k] for k in wanted])
    scores: dict[str, list[float]] = {}
    how: Counter = Counter()
    for key in wanted:
        art = run.article[key]
        s, used = sentence_scores(art, facts[art.id], run.story_of[key], run.verdict.get(key))
        scores[key] = s
        how[used] += 1
    got: list[float] = []
    ys: list[bool] = []
    by_ds: dict[str, tuple[list[float], list[bool]]] = defaultdict(lambda: ([], []))
    unmatched = 0
    for row in rows:
        key = row["article"]
        idx = sentence_index(run.article[key], row["sentence"]) if key in scores else None
        if idx is None:
            unmatched += 1
            continue
        filler = row["label"] == "filler"
        got.append(scores[key][idx])
        ys.append(filler)
        by_ds[row["dataset"]][0].append(scores[key][idx])
        by_ds[row["dataset"]][1].append(filler)
    flagged = [s >= 0.5 for s in got]
    return {
        "auc": rnd(auc(got, ys)),
        "sentences": len(got),
        "filler": sum(ys),
        "unmatched": unmatched,
        "score": dict(how),
        "flagged_filler": sum(1 for f, y in zip(flagged, ys, strict=True) if f and y),
        "flagged_content": sum(1 for f, y in zip(flagged, ys, strict=True) if f and not y),
        "by_dataset": {k: {"sentences": len(v[1]), "auc": rnd(auc(*v))} for k, v in sorted(by_ds.items())},
    }


# ------------------------------------------------------------------------------------------------------------ main


def score_split(run: Run, labels: dict[str, list[dict[str, Any]]], cache: ShippedCache) -> dict[str, Any]:
    def mine(name: str) -> list[dict[str, Any]]:
        return [r for r in labels[name] if r["split"] == run.split]

    return {
        "sources_cited": score_sources(mine("sources_cited"), run),
        "credited": score_credited(mine("credited"), run),
        "verdict": score_verdicts(verdict_rows(mine("verdicts"), run), run),
        "timing": score_timing(mine("timing"), run),
        "padding": score_padding(mine("padding"), run, cache),
        "seconds": run.seconds,
    }


def headline(d: dict[str, Any]) -> dict[str, float | None]:
    return {
        "sources_cited_f1": d["sources_cited"]["f1"],
        "credited_accuracy": d["credited"]["accuracy"],
        "verdict_accuracy": d["verdict"]["accuracy"],
        "timing_accuracy": d["timing"]["accuracy"],
        "padding_auc": d["padding"]["auc"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("mode", nargs="?", default="bench", choices=["bench", "score"])
    ap.add_argument("--split", choices=SPLITS, default=None)
    args = ap.parse_args()
    labels = {n: read_labels(n) for n in ("sources_cited", "credited", "verdicts", "timing", "padding")}
    cache = ShippedCache(WORK, "provenance")
    splits = [args.split] if args.split else list(SPLITS)
    details: dict[str, Any] = {}
    t0 = time.perf_counter()
    for split in splits:
        run = run_split(split) if args.mode == "bench" else load_split(split)
        details[split] = score_split(run, labels, cache)
        print(json.dumps({split: headline(details[split])}, indent=1), flush=True)
    if "test" in details and not args.split:
        counts = {n: dict(Counter(r["split"] for r in rows)) for n, rows in labels.items()}
        report = {
            "figures": headline(details["test"]),
            "dev": headline(details["dev"]),
            "details": details,
            "labels": counts,
            "pipeline_seconds": round(sum(sum(d["seconds"].values()) for d in details.values()), 1),
            "score_seconds": round(time.perf_counter() - t0, 1) if args.mode == "score" else None,
        }
        RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
