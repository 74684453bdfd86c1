"""METER benchmark for the reuse stage as it ships (``make bench-reuse``).

Headline: what the dossier says. Each METER story (a day + catchline folder) is a pile of its Press Association
files and its newspaper articles, written as JSON Lines (text, title, outlet, published) and read by the real ingest
(``storytrace.ingest.read_inputs``), so each article is what a user would get. Facts come from
``storytrace.claims.extract_facts``, vectors from ``storytrace.embed.embed_articles`` (both cached under
``bench/work/``), and the links from ``storytrace.reuse.find_reuse`` over the story's articles with default
``ReuseOptions``. Each newspaper is scored by the dossier's links: a copy or rewrite link between a PA article and it
(PA as ``from``, or either way round when the direction is undecided) -> wholly derived, a partial one -> partially
derived, none (or links to other papers only) -> non-derived. Nothing is tuned here.

Split: as ``bench/trust.py``, a story folder is dev when ``_h(folder) % 2 == 0``, test otherwise; the headline is
the test split, dev beside it. Baseline in the same run: unigram containment of the paper's words in the story's
pooled PA words, two cut points chosen on dev. Span agreement: the dossier's evidence sentences (verbatim /
paraphrase, else new) against METER's Verbatim / Rewrite / New tags, on the annotated articles.

Experiments (``experiments`` in the JSON, never the headline): classifiers over the reuse stage's alignment features
of each paper against its story's pooled PA copy (the random forest that used to be quoted), cross-validated and
dev -> test. They live only in this file; the pipeline does not run them.

Data traps handled here: latin-1 texts; PA files open with a wire header and mark paragraph ends with ``<`` inside
hard-wrapped lines (``bench/trust.py``'s ``_pa_body``); ``#`` stands for the pound sign; index files have CRLF
endings and a stray leading space and name paths under ``meter_corpus/``; one PA file is ``*.sub``; one story
(courts/08.12.99/policeman) has no PA folder, so its papers can only be non-derived.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shipped import ShippedCache
from storytrace.ingest import read_inputs
from storytrace.options import ReuseOptions
from storytrace.records import Article, Reuse
from storytrace.reuse import align_params, find_reuse
from storytrace.reuse.align import align
from storytrace.reuse.relation import FEATURE_NAMES, features
from storytrace.reuse.text import tokens_of
from trust import _h, _iso, _pa_body

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))
WORK = ROOT / "bench" / "work"
PILES = WORK / "meter_reuse"
RESULTS = ROOT / "bench" / "results" / "reuse.json"
KIND_TO_LABEL = {"copy": "wholly", "rewrite": "wholly", "partial": "partially", None: "non"}
RANK = {"wholly": 2, "partially": 1, "non": 0}
LABELS = ("wholly", "partially", "non")
_INDEX = {"wholly_derived.txt": "wholly", "partially_derived.txt": "partially", "non_derived.txt": "non"}
PUBLISHED = {"clough_2002_macro_f1": 0.664}


@dataclass
class MeterItem:
    path: str  # relative to the corpus root
    domain: str
    date: str
    catchline: str
    label: str

    @property
    def folder(self) -> str:  # the story, named as bench/trust.py names it (and hashes it for the split)
        return str(Path(self.path).parent)


@dataclass
class MeterStory:
    folder: str
    domain: str
    date: str
    catchline: str
    papers: list[MeterItem]
    split: str = ""
    articles: list[Article] = field(default_factory=list)
    keys_of: dict[str, list[str]] = field(default_factory=dict)  # article id -> pile keys (one text, many files)
    pa_ids: set[str] = field(default_factory=set)
    reuse: list[Reuse] = field(default_factory=list)


def load_index(root: Path) -> list[MeterItem]:
    items: list[MeterItem] = []
    seen: set[str] = set()
    for domain in ("courts", "showbiz"):
        for name, label in _INDEX.items():
            raw = (root / "file_index" / domain / name).read_bytes().decode("latin-1")
            for line in raw.splitlines():
                line = line.strip()
                if not line:
                    continue
                rel = line.removeprefix("/").removeprefix("meter_corpus/")
                if rel in seen:
                    continue
                seen.add(rel)
                parts = rel.split("/")  # newspapers/rawtexts/<domain>/<date>/<catchline>/<file>
                items.append(MeterItem(rel, parts[2], parts[3], parts[4], label))
    items.sort(key=lambda it: it.path)
    return items


def load_stories(items: list[MeterItem]) -> list[MeterStory]:
    by_folder: dict[str, MeterStory] = {}
    for it in items:
        st = by_folder.setdefault(it.folder, MeterStory(it.folder, it.domain, it.date, it.catchline, []))
        st.papers.append(it)
    for st in by_folder.values():
        st.split = "dev" if _h(st.folder) % 2 == 0 else "test"
    return sorted(by_folder.values(), key=lambda s: s.folder)


def paper_text(raw: str) -> str:
    """A newspaper file's paragraphs (as bench/trust.py writes them)."""
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\s)", raw) if p.strip())


def pile_rows(root: Path, st: MeterStory) -> list[tuple[str, dict[str, str]]]:
    """(key, JSON Lines record) for the story's PA files, then its papers."""
    rows: list[tuple[str, dict[str, str]]] = []
    pa_dir = root / "PA" / "rawtexts" / st.domain / st.date / st.catchline
    day = _iso(st.date)
    if pa_dir.is_dir():
        for f in sorted(pa_dir.iterdir()):
            if f.suffix not in (".txt", ".sub"):
                continue
            title, text = _pa_body(f.read_bytes().decode("latin-1"))
            if text.strip():
                rec = {"text": text, "title": title, "outlet": "Press Association", "published": day}
                rows.append((f"PA/{f.name}", {k: v for k, v in rec.items() if v}))
    for it in st.papers:
        raw = (root / it.path).read_bytes().decode("latin-1").replace("\r", "").strip()
        paper = Path(it.path).stem.split("_")[-1]
        rows.append((it.path, {"text": paper_text(raw), "outlet": paper.title(), "published": day}))
    return rows


def ingest_story(root: Path, st: MeterStory) -> list[str]:
    """Write the story's pile and read it back with the shipped ingest; returns the skipped lines' reasons."""
    rows = pile_rows(root, st)
    path = PILES / (st.folder.replace("/", "__") + ".jsonl")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for _, r in rows), encoding="utf-8")
    articles, skipped = read_inputs([str(path)])
    st.articles = articles
    for a in articles:
        for origin in a.origins:
            m = re.search(r"#(\d+)$", origin)
            key = rows[int(m.group(1)) - 1 if m else 0][0]
            st.keys_of.setdefault(a.id, []).append(key)
    st.pa_ids = {aid for aid, keys in st.keys_of.items() if any(k.startswith("PA/") for k in keys)}
    return [s.reason for s in skipped]


# --------------------------------------------------------------------------------------------------------------------
# What the dossier says about each paper


@dataclass
class Verdict:
    label: str  # wholly | partially | non
    strict: str  # the same, counting only links with PA as `from`
    transitive: str  # the same, counting PA sources reached through other papers' links too
    links: list[Reuse]  # the links to PA that gave `label`
    note: str = ""


def paper_verdict(st: MeterStory, aid: str | None) -> Verdict:
    if aid is None:
        return Verdict("non", "non", "non", [], "not read by ingest")
    if aid in st.pa_ids:
        return Verdict("wholly", "wholly", "wholly", [], "same text as a PA file (one article)")
    label = strict = "non"
    links: list[Reuse] = []
    for r in st.reuse:
        from_pa = r.derived == aid and r.source in st.pa_ids
        undecided_to_pa = r.source == aid and r.derived in st.pa_ids and r.direction == "undecided"
        if not (from_pa or undecided_to_pa):
            continue
        got = KIND_TO_LABEL[r.kind]
        links.append(r)
        if RANK[got] > RANK[label]:
            label = got
        if from_pa and RANK[got] > RANK[strict]:
            strict = got
    # transitive: a paper derived from a paper derived from PA (the dossier's source groups say as much)
    transitive = label
    frontier, seen = [aid], {aid}
    while frontier:
        x = frontier.pop()
        for r in st.reuse:
            if r.derived == x and r.source not in seen:
                seen.add(r.source)
                if r.source in st.pa_ids:
                    transitive = max(transitive, KIND_TO_LABEL[r.kind], key=RANK.__getitem__)
                else:
                    frontier.append(r.source)
    note = ""
    if label == "non":
        if any(r.source == aid and r.derived in st.pa_ids and r.direction == "decided" for r in st.reuse):
            note = "PA derived from the paper (direction reversed)"
        elif any(aid in (r.source, r.derived) for r in st.reuse):
            note = "linked to other papers only"
    return Verdict(label, strict, transitive, links, note)


# --------------------------------------------------------------------------------------------------------------------
# Span agreement with METER's Verbatim / Rewrite / New tags

_TAG = re.compile(r"<(/?)(Verbatim|Rewrite|New|unclassified)\b[^>]*>", re.I)


def annotated_spans(root: Path, item: MeterItem) -> tuple[str, list[str]] | None:
    """Body text of a newspaper's annotated SGML, whitespace collapsed, and a tag per character
    (verbatim / paraphrase / new / ''). None when the file is missing or carries no lexical tags."""
    rel = item.path.replace("/rawtexts/", "/annotated/").removesuffix(".txt") + ".sgml"
    path = root / rel
    if not path.exists():
        return None
    sgml = path.read_bytes().decode("latin-1")
    m = re.search(r"<body>(.*)</body>", sgml, re.S | re.I)
    if not m or not re.search(r"<(Verbatim|Rewrite|New)\b", sgml):
        return None
    body = m.group(1)
    names = {"verbatim": "verbatim", "rewrite": "paraphrase", "new": "new", "unclassified": ""}
    chars: list[str] = []
    tags: list[str] = []
    current, pos = "", 0
    for t in [*_TAG.finditer(body), None]:
        chunk = body[pos : t.start()] if t else body[pos:]
        for ch in chunk:
            if ch.isspace():
                if not chars or chars[-1] == " ":
                    continue
                ch = " "
            chars.append(ch)
            tags.append(current)
        if t:
            current = "" if t.group(1) else names[t.group(2).lower()]
            pos = t.end()
    return "".join(chars), tags


def tags_on(article: Article, sgml_text: str, sgml_tags: list[str]) -> list[str]:
    """METER's tag for each character of the ingested article, matched word by word (a diff of the two texts' word
    lists: ingest may have cut or rejoined lines); '' where the texts differ."""
    out = [""] * len(article.text)
    a_words = [(m.group(), m.start()) for m in re.finditer(r"\S+", article.text)]
    b_words = [(m.group(), m.start()) for m in re.finditer(r"\S+", sgml_text)]
    matcher = difflib.SequenceMatcher(None, [w for w, _ in a_words], [w for w, _ in b_words], autojunk=False)
    for i, j, n in matcher.get_matching_blocks():
        for k in range(n):
            (word, sa), (_, sb) = a_words[i + k], b_words[j + k]
            for c in range(len(word)):
                out[sa + c] = sgml_tags[sb + c]
    return out


def span_agreement(root: Path, stories: list[MeterStory], id_of: dict[str, str]) -> dict[str, Any]:
    gold: list[str] = []
    ours: list[str] = []
    files = 0
    for st in stories:
        if not st.pa_ids:
            continue
        by_id = {a.id: a for a in st.articles}
        for it in st.papers:
            got = annotated_spans(root, it)
            aid = id_of.get(it.path)
            if got is None or aid is None or aid in st.pa_ids:
                continue
            art = by_id[aid]
            tags = tags_on(art, *got)
            label_of: dict[int, str] = {}
            for r in paper_verdict(st, aid).links:
                for ev in r.evidence:
                    ref = ev.to_sentence if r.derived == aid else ev.from_sentence
                    for s in ref if isinstance(ref, list) else [ref]:
                        if label_of.get(s) != "verbatim":
                            label_of[s] = ev.match
            files += 1
            for si, (s, e) in enumerate(art.sentences):
                counts = Counter(tags[c] for c in range(s, e) if tags[c] and not art.text[c].isspace())
                if not counts:
                    continue
                gold.append(max(sorted(counts), key=lambda k: counts[k]))
                ours.append(label_of.get(si, "new"))
    classes = ["verbatim", "paraphrase", "new"]
    per = f1_score(gold, ours, labels=classes, average=None, zero_division=0)
    return {
        "files": files,
        "sentences": len(gold),
        "accuracy": float(np.mean([a == b for a, b in zip(gold, ours, strict=True)])) if gold else 0.0,
        "macro_f1": float(np.mean(per)),
        "f1": {c: float(v) for c, v in zip(classes, per, strict=True)},
        "confusion_gold_by_ours": {
            g: {o: sum(1 for a, b in zip(gold, ours, strict=True) if a == g and b == o) for o in classes}
            for g in classes
        },
    }


# --------------------------------------------------------------------------------------------------------------------
# Scores


def macro_f1(gold: list[str], pred: list[str]) -> float:
    return float(f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0))


def binary_f1(gold: list[str], pred: list[str]) -> float:
    return float(f1_score([x != "non" for x in gold], [x != "non" for x in pred], zero_division=0))


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    acc = float(np.mean([a == b for a, b in zip(gold, pred, strict=True)])) if gold else 0.0
    return {"macro_f1": macro_f1(gold, pred), "binary_f1": binary_f1(gold, pred), "accuracy": acc, "n": len(gold)}


def _confusion(gold: list[str], pred: list[str]) -> dict[str, dict[str, int]]:
    return {
        g: {p: sum(1 for a, b in zip(gold, pred, strict=True) if a == g and b == p) for p in LABELS} for g in LABELS
    }


def _cut(score: np.ndarray, t1: float, t2: float) -> list[str]:
    return [str(x) for x in np.where(score >= t2, "wholly", np.where(score >= t1, "partially", "non"))]


def _fast_macro_f1(g: np.ndarray, p: np.ndarray) -> float:
    """Macro-F1 over the three labels coded 0/1/2 (sklearn's value, without its per-call overhead)."""
    cm = np.bincount(g * 3 + p, minlength=9).reshape(3, 3)
    tp = np.diag(cm).astype(float)
    denom = cm.sum(axis=0) + cm.sum(axis=1)
    return float(np.mean(np.divide(2 * tp, denom, out=np.zeros(3), where=denom > 0)))


def fit_cuts(score: np.ndarray, gold: list[str]) -> tuple[float, float]:
    """Two cut points on one score (non < t1 <= partially < t2 <= wholly) maximising macro-F1 on ``gold``."""
    grid = np.unique(np.quantile(score, np.linspace(0, 1, 81)))
    g = np.array([LABELS.index(x) for x in gold])
    best = (-1.0, 0.0, 0.0)
    for i, t1 in enumerate(grid):
        for t2 in grid[i:]:
            p = np.where(score >= t2, 0, np.where(score >= t1, 1, 2))
            f = _fast_macro_f1(g, p)
            if f > best[0]:
                best = (f, float(t1), float(t2))
    return best[1], best[2]


def _folds(gold: list[str], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(gold)), gold))


def threshold_cv(score: np.ndarray, gold: list[str]) -> list[str]:
    pred = np.empty(len(gold), dtype=object)
    g = np.array(gold)
    for train, test in _folds(gold):
        t1, t2 = fit_cuts(score[train], list(g[train]))
        pred[test] = _cut(score[test], t1, t2)
    return [str(x) for x in pred]


def _classifier(model: str) -> Any:
    if model == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced"))
    if model == "forest":
        return RandomForestClassifier(
            n_estimators=300, min_samples_leaf=3, class_weight="balanced", random_state=0, n_jobs=1
        )
    return GradientBoostingClassifier(n_estimators=150, max_depth=2, learning_rate=0.05, random_state=0)


def classifier_cv(x: np.ndarray, gold: list[str], model: str) -> list[str]:
    """Out-of-fold predictions (5-fold, stratified, seeded)."""
    pred = np.empty(len(gold), dtype=object)
    y = np.array(gold)
    for train, test in _folds(gold):
        clf = _classifier(model)
        clf.fit(x[train], y[train])
        pred[test] = clf.predict(x[test])
    return [str(p) for p in pred]


def pooled_pa(st: MeterStory, vectors: dict[str, np.ndarray]) -> tuple[Article, np.ndarray] | None:
    """The story's PA articles as one source (text joined, sentences and vectors concatenated)."""
    pas = sorted((a for a in st.articles if a.id in st.pa_ids), key=lambda a: min(st.keys_of[a.id]))
    if not pas:
        return None
    text, spans, vecs = "", [], []
    for a in pas:
        if text:
            text += "\n\n"
        spans.extend((s + len(text), e + len(text)) for s, e in a.sentences)
        vecs.append(vectors[a.id])
        text += a.text
    art = Article(id="pooled:" + st.folder, origin=st.folder, origins=[st.folder], text=text, sentences=spans)
    return art, np.vstack(vecs)


def experiments(
    stories: list[MeterStory],
    papers: list[tuple[MeterStory, MeterItem]],
    id_of: dict[str, str],
    vectors: dict[str, np.ndarray],
    gold: list[str],
    is_test: np.ndarray,
) -> dict[str, Any]:
    """Bench-only classifiers over alignment features against the pooled PA copy. Not shipped."""
    options = ReuseOptions()
    pooled = {st.folder: pooled_pa(st, vectors) for st in stories}
    by_id = {a.id: a for st in stories for a in st.articles}
    rows: list[list[float]] = []
    for st, it in papers:
        aid = id_of.get(it.path)
        art = by_id[aid] if aid else Article(id="missing", origin=it.path, origins=[it.path], text="")
        d_tok = tokens_of(art)
        src = pooled[st.folder]
        if src is None:
            empty = Article(id="none", origin="none", origins=["none"], text="")
            al = align(d_tok, tokens_of(empty), None, None, align_params(options))
            rows.append(features(al, d_tok).vector())
            continue
        s_art, s_vec = src
        s_tok = tokens_of(s_art)
        al = align(d_tok, s_tok, vectors.get(art.id), s_vec, align_params(options))
        rows.append(features(al, d_tok, len(s_tok.words)).vector())
    x = np.array(rows)
    out: dict[str, Any] = {
        "what": "bench-only classifiers over the reuse stage's alignment features of each paper against its story's "
        "pooled PA copy; the pipeline does not run them. *_cv: 5-fold stratified CV (seed 0) over all papers, "
        "out-of-fold; *_dev_to_test: fitted on the dev stories, scored on the test stories",
        "feature_names": FEATURE_NAMES,
        "methods": {},
    }
    g = np.array(gold)
    dev = ~is_test
    for model in ("logistic", "forest", "boosting"):
        pred = classifier_cv(x, gold, model)
        clf = _classifier(model).fit(x[dev], g[dev])
        test_pred = [str(p) for p in clf.predict(x[is_test])]
        out["methods"][model] = {
            "cv_macro_f1": round(macro_f1(gold, pred), 4),
            "cv_binary_f1": round(binary_f1(gold, pred), 4),
            "dev_to_test_macro_f1": round(macro_f1(list(g[is_test]), test_pred), 4),
            "dev_to_test_binary_f1": round(binary_f1(list(g[is_test]), test_pred), 4),
        }
        if model == "forest":
            out["confusion_forest_cv"] = _confusion(gold, pred)
    explained = threshold_cv(x[:, 0], gold)
    out["methods"]["explained_cv_thresholds"] = {
        "cv_macro_f1": round(macro_f1(gold, explained), 4),
        "cv_binary_f1": round(binary_f1(gold, explained), 4),
    }
    return out


def main() -> None:
    t0 = time.time()
    root = DATA / "meter-corpus"
    if not root.exists():
        print(f"METER corpus not found at {root} (set STORYTRACE_DATA)")
        sys.exit(1)
    items = load_index(root)
    stories = load_stories(items)
    skipped: list[str] = []
    for st in stories:
        skipped += ingest_story(root, st)
    id_of = {k: aid for st in stories for aid, keys in st.keys_of.items() for k in keys}
    all_articles = [a for st in stories for a in st.articles]
    cache = ShippedCache(WORK, "meter")
    vectors = cache.vectors(all_articles)
    t_vec = time.time()
    facts = cache.facts(all_articles)
    t_facts = time.time()
    options = ReuseOptions()
    for st in stories:
        st.reuse = find_reuse(st.articles, vectors, facts, options)
    t_reuse = time.time()

    papers = [(st, it) for st in stories for it in st.papers]
    verdicts = [paper_verdict(st, id_of.get(it.path)) for st, it in papers]
    gold = [it.label for _, it in papers]
    is_test = np.array([st.split == "test" for st, _ in papers])
    split_idx = {"test": np.flatnonzero(is_test), "dev": np.flatnonzero(~is_test)}

    def on(idx: np.ndarray, pred: list[str]) -> dict[str, float]:
        return scores([gold[i] for i in idx], [pred[i] for i in idx])

    shipped = {variant: [getattr(v, variant) for v in verdicts] for variant in ("label", "strict", "transitive")}
    # unigram containment in the story's pooled PA words; cut points from dev
    pa_words: dict[str, set[str]] = {}
    for st in stories:
        pa_words[st.folder] = set().union(*(tokens_of(a).words for a in st.articles if a.id in st.pa_ids))
    by_id = {a.id: a for a in all_articles}
    unigram = []
    for st, it in papers:
        aid = id_of.get(it.path)
        words = set(tokens_of(by_id[aid]).words) if aid else set()
        unigram.append(len(words & pa_words[st.folder]) / max(len(words), 1))
    u = np.array(unigram)
    dev = split_idx["dev"]
    t1, t2 = fit_cuts(u[dev], [gold[i] for i in dev])
    base = _cut(u, t1, t2)
    base_cv = threshold_cv(u, gold)
    spans = span_agreement(root, stories, id_of)
    t_span = time.time()
    exp = experiments(stories, papers, id_of, vectors, gold, is_test)
    t_exp = time.time()

    res = {split: on(idx, shipped["label"]) for split, idx in split_idx.items()}
    res["all"] = scores(gold, shipped["label"])
    figures = {
        "meter_macro_f1": round(res["test"]["macro_f1"], 4),
        "meter_binary_f1": round(res["test"]["binary_f1"], 4),
        "meter_dev_macro_f1": round(res["dev"]["macro_f1"], 4),
        "meter_dev_binary_f1": round(res["dev"]["binary_f1"], 4),
        "meter_unigram_macro_f1": round(
            macro_f1([gold[i] for i in split_idx["test"]], [base[i] for i in split_idx["test"]]), 4
        ),
        "meter_unigram_binary_f1": round(
            binary_f1([gold[i] for i in split_idx["test"]], [base[i] for i in split_idx["test"]]), 4
        ),
        "meter_span_accuracy": round(spans["accuracy"], 4),
    }
    n_papers = {s: len(idx) for s, idx in split_idx.items()}
    n_stories = Counter(st.split for st in stories)
    kinds = Counter(r.kind for st in stories for r in st.reuse)
    out = {
        "figures": figures,
        "published": PUBLISHED,
        "details": {
            "headline": "the shipped reuse stage (storytrace.reuse.find_reuse, default ReuseOptions) over each METER "
            "story's PA files and papers read by storytrace.ingest; a paper linked from a PA article as copy/rewrite "
            "-> wholly, partial -> partially, else non (undecided links count either way round); test split, dev "
            "beside it; nothing tuned",
            "split": "story folder dev when bench/trust.py's _h(folder) % 2 == 0, else test",
            "papers": n_papers,
            "stories": dict(n_stories),
            "shipped": {k: {m: round(v, 4) for m, v in r.items()} for k, r in res.items()},
            "variants": {
                variant: {s: {m: round(v, 4) for m, v in on(idx, pred).items()} for s, idx in split_idx.items()}
                for variant, pred in shipped.items()
                if variant != "label"
            },
            "variants_note": "strict: only links with PA as `from` count; transitive: also PA reached through links "
            "between papers",
            "by_domain_test": {
                dom: {
                    m: round(v, 4)
                    for m, v in on(
                        np.array([i for i in split_idx["test"] if papers[i][1].domain == dom]), shipped["label"]
                    ).items()
                }
                for dom in ("courts", "showbiz")
            },
            "confusion_test": _confusion(
                [gold[i] for i in split_idx["test"]], [shipped["label"][i] for i in split_idx["test"]]
            ),
            "confusion_dev": _confusion(
                [gold[i] for i in split_idx["dev"]], [shipped["label"][i] for i in split_idx["dev"]]
            ),
            "notes": dict(Counter(v.note for v in verdicts if v.note)),
            "reuse_links": dict(sorted(kinds.items())),
            "undecided_links": sum(1 for st in stories for r in st.reuse if r.direction == "undecided"),
            "articles_read": len(all_articles),
            "ingest_skipped": dict(Counter(skipped)),
            "baseline": {
                "what": "unigram containment of the paper's words in its story's pooled PA words; two cut points "
                "fitted on dev (test figure) or by 5-fold CV over all papers (cv figure)",
                "cuts_from_dev": [round(t1, 4), round(t2, 4)],
                "test": {m: round(v, 4) for m, v in on(split_idx["test"], base).items()},
                "dev_in_sample": {m: round(v, 4) for m, v in on(split_idx["dev"], base).items()},
                "cv_all": {m: round(v, 4) for m, v in scores(gold, base_cv).items()},
            },
            "spans": spans,
            "seconds": {
                "ingest_and_vectors": round(t_vec - t0, 1),
                "facts": round(t_facts - t_vec, 1),
                "find_reuse": round(t_reuse - t_facts, 1),
                "baseline_and_spans": round(t_span - t_reuse, 1),
                "experiments": round(t_exp - t_span, 1),
                "computed": cache.computed,
            },
        },
        "experiments": exp,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(f"METER, shipped reuse stage ({n_papers['test']} test / {n_papers['dev']} dev papers)")
    for s in ("test", "dev"):
        r = res[s]
        print(f"  {s:4s} macro-F1 {r['macro_f1']:.3f}  binary F1 {r['binary_f1']:.3f}  accuracy {r['accuracy']:.3f}")
    b = out["details"]["baseline"]
    print(
        f"  unigram containment (cuts from dev): test macro {b['test']['macro_f1']:.3f} binary {b['test']['binary_f1']:.3f}"
    )
    print(f"  span accuracy {spans['accuracy']:.3f} ({spans['sentences']} sentences, {spans['files']} files)")
    print(f"  notes {out['details']['notes']}  links {out['details']['reuse_links']}")
    for k, r in exp["methods"].items():
        print(f"  experiment {k:24s} " + "  ".join(f"{m} {v:.3f}" for m, v in r.items()))
    print(f"  seconds {out['details']['seconds']}")
    print(f"  wrote {RESULTS}")


if __name__ == "__main__":
    main()
