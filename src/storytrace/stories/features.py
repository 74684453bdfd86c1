"""Per-article features for the story decision: content words, names, dates, the lead's embedding.

All matrices are row-aligned with the (id-sorted) article list. TF-IDF weights come from the pile itself, so a word
or name that every article shares (the outlet's name, "police") counts for little.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing as mp
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from storytrace.forking import fork_workers
from storytrace.records import Article, ArticleFacts
from storytrace.stories.neardup import word_hashes

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT", "WORK_OF_ART", "LAW"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH_RE}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}\b", re.I)
_TITLES = re.compile(r"^(mr|mrs|ms|dr|sir|lord|lady|prof|president|judge|the)\.?\s+", re.I)


@dataclass
class StoryFeatures:
    ids: list[str]
    words: sparse.csr_matrix  # TF-IDF of content words, rows L2-normalised
    names: sparse.csr_matrix  # TF-IDF of normalised entity keys (+ surnames)
    places: sparse.csr_matrix  # TF-IDF of place names only
    dates: sparse.csr_matrix  # binary bag of years, month-days (L2-normalised)
    has_dates: np.ndarray  # bool: the article states at least one date
    lead: np.ndarray  # (n, d) float32 unit vectors of the lead sentences' mean (zeros when no vectors)
    published: np.ndarray  # days since 1970 of Article.published, NaN when unknown
    titles: list[str]
    words_idf: sparse.csr_matrix | None = None  # binary x idf (unnormalised): for containment of short articles
    names_idf: sparse.csr_matrix | None = None
    # per-article constants that every pair-scoring call needs (computed once here, not per call)
    has_places: np.ndarray | None = None
    has_lead: np.ndarray | None = None
    words_mass: np.ndarray | None = None
    names_mass: np.ndarray | None = None
    # the parsed keys behind ``names`` and ``dates`` and their columns: what a story's ties say two articles share
    name_keys: list[list[str]] | None = None
    date_keys: list[list[str]] | None = None
    name_columns: dict[str, int] | None = None
    date_columns: dict[str, int] | None = None


def entity_key(text: str) -> str:
    """A name as a key: case- and accent-folded, titles and possessives dropped ("Dr. Ana Ruiz's" -> "ana ruiz")."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    t = re.sub(r"['’]s\b", "", t)
    t = re.sub(r"[^\w\s-]", " ", t)
    t = " ".join(t.split())
    prev = None
    while prev != t:
        prev, t = t, _TITLES.sub("", t)
    return t


def _name_tokens(facts: ArticleFacts | None) -> tuple[list[str], list[str]]:
    """Name keys (all :data:`NAME_LABELS`) and place keys (:data:`PLACE_LABELS`) of an article, in one pass."""
    if facts is None:
        return [], []
    names: list[str] = []
    places: list[str] = []
    for e in facts.entities:
        if e.label not in NAME_LABELS:
            continue
        key = _key(e.key or e.text)
        if len(key) < 2:
            continue
        names.append(key)
        if e.label in PLACE_LABELS:
            places.append(key)
        if e.label == "PERSON" and " " in key:
            names.append("~" + key.rsplit(" ", 1)[-1])  # a later "Ruiz" meets an earlier "Ana Ruiz"
    return names, places


_key = functools.lru_cache(maxsize=1 << 16)(entity_key)
name_key = _key  # :func:`entity_key`, cached: the keys of ``StoryFeatures.name_keys``


def date_keys(article: Article, facts: ArticleFacts | None) -> list[str]:
    """Dates an article states: years, month-days, and resolved values from the claims stage when present."""
    text = article.text
    keys = ["y" + y for y in _YEAR.findall(text)]
    for m, d in _MONTH_DAY.findall(text):
        if 1 <= int(d) <= 31:
            keys.append(f"md{_MONTHS.index(m[:3].lower())}-{int(d)}")
    for d, m in _DAY_MONTH.findall(text):
        if 1 <= int(d) <= 31:
            keys.append(f"md{_MONTHS.index(m[:3].lower())}-{int(d)}")
    if facts is not None:
        for c in facts.claims:
            for dm in c.dates:
                if dm.value and dm.anchor in ("stated", "absolute"):
                    keys.append("v" + dm.value)
    return keys


def _published_days(value: str | None) -> float:
    if not value:
        return float("nan")
    try:
        return float(date.fromisoformat(value[:10]).toordinal() - 719163)
    except ValueError:
        return float("nan")


def lead_vector(vectors: np.ndarray | None, k: int) -> np.ndarray | None:
    if vectors is None or len(vectors) == 0:
        return None
    v = np.asarray(vectors[:k], dtype=np.float32).mean(axis=0)
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else None


_STOP_HASHES: dict[int, np.ndarray] = {}


def _stop_hashes(seed: int) -> np.ndarray:
    if seed not in _STOP_HASHES:
        h, _, _ = word_hashes(sorted(ENGLISH_STOP_WORDS | {"said", "says", "told", "according"}), seed)
        _STOP_HASHES[seed] = np.unique(h)
    return _STOP_HASHES[seed]


def hashed_tfidf(texts: Sequence[str], n_features: int = 1 << 20, seed: int = 1) -> sparse.csr_matrix:
    """Sublinear TF-IDF of content words (stop words and one-letter words dropped), words hashed into
    ``n_features`` columns, rows L2-normalised. Built from bulk word hashes: no Python call per word."""
    return weigh_words(*word_counts(texts, n_features, seed), len(texts), n_features)


def word_counts(
    texts: Sequence[str], n_features: int = 1 << 20, seed: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Content-word counts of ``texts``: ``(row, hashed column, count)`` sorted by row then column. A text's
    entries depend on that text alone, so counts made batch by batch concatenate to those of the whole pile."""
    words, doc, length = word_hashes(texts, seed)
    keep = (length >= 2) & ~np.isin(words, _stop_hashes(seed))
    col = (words[keep] % np.uint64(n_features)).astype(np.int64)
    code, counts = np.unique(doc[keep] * n_features + col, return_counts=True)
    return code // n_features, code % n_features, counts


def weigh_words(
    rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n: int, n_features: int = 1 << 20
) -> sparse.csr_matrix:
    """:func:`hashed_tfidf` from :func:`word_counts` of a pile of ``n`` texts: the idf needs the whole pile."""
    df = np.bincount(cols, minlength=n_features)
    idf = np.log((1.0 + n) / (1.0 + df[cols])) + 1.0
    val = ((1.0 + np.log(counts)) * idf).astype(np.float32)
    norms = np.sqrt(np.bincount(rows, weights=val.astype(np.float64) ** 2, minlength=n))
    val = val / np.maximum(norms[rows], 1e-12).astype(np.float32)
    return sparse.csr_matrix((val, (rows, cols)), shape=(n, n_features))


def compact_columns(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Drop columns no row uses (hashed words fill few of 2^20 columns); column order and values are kept."""
    used, inv = np.unique(x.indices, return_inverse=True)
    return sparse.csr_matrix((x.data, inv.astype(x.indices.dtype), x.indptr), shape=(x.shape[0], max(1, len(used))))


def idf_mass(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Binary presence weighted by idf, recovered from a TF-IDF matrix's column maxima-free form: the idf of a term
    is the same in every row, so ``sign(x) * idf`` needs only the idf vector."""
    n = x.shape[0]
    binary = (x > 0).astype(np.float32).tocsr()
    df = np.asarray(binary.sum(axis=0)).ravel()
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    return (binary @ sparse.diags(idf)).tocsr()


def prune_rows(x: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Each row's ``keep`` heaviest entries, re-normalised: a sparse sketch for nearest-neighbour candidates."""
    coo = x.tocoo()
    order = np.lexsort((-coo.data, coo.row))
    r, c, v = coo.row[order], coo.col[order], coo.data[order]
    rank = np.arange(len(r)) - np.searchsorted(r, r, side="left")
    ok = rank < keep
    out = sparse.csr_matrix((v[ok], (r[ok], c[ok])), shape=x.shape)
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    return sparse.diags(1.0 / np.maximum(norms, 1e-12)).astype(np.float32) @ out


def _bags(docs: list[list[str]], sublinear: bool = True) -> sparse.csr_matrix:
    return _bags_columns(docs, sublinear)[0]


def _bags_columns(docs: list[list[str]], sublinear: bool = True) -> tuple[sparse.csr_matrix, dict[str, int]]:
    """TF-IDF bags of keys, and the column of each key."""
    if not any(docs):
        return sparse.csr_matrix((len(docs), 1), dtype=np.float32), {}
    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=sublinear, dtype=np.float32)
    matrix = vec.fit_transform(docs).tocsr()
    columns: dict[str, int] = vec.vocabulary_
    return matrix, columns


_FORKED: tuple[Sequence[Article], Mapping[str, ArticleFacts]] | None = None
_PARALLEL_FROM = 4000  # articles; below this, forking costs more than it saves


def _parse(article: Article, facts: ArticleFacts | None) -> tuple[list[str], list[str], list[str]]:
    names, places = _name_tokens(facts)
    return names, places, sorted(set(date_keys(article, facts)))


def _parse_range(span: tuple[int, int]) -> list[tuple[list[str], list[str], list[str]]]:
    assert _FORKED is not None
    articles, facts_by_id = _FORKED
    return [_parse(a, facts_by_id.get(a.id)) for a in articles[span[0] : span[1]]]


def _parse_all(
    articles: Sequence[Article], facts_by_id: Mapping[str, ArticleFacts]
) -> list[tuple[list[str], list[str], list[str]]]:
    """Name keys, place keys and stated dates per article (regular expressions and string folding: the Python-bound
    part of the features), split over two forked workers on a big pile; the result is the same either way."""
    global _FORKED
    n = len(articles)
    workers = fork_workers(2, n, _PARALLEL_FROM // 2)
    if workers < 2:
        return [_parse(a, facts_by_id.get(a.id)) for a in articles]
    step = -(-n // (4 * workers))
    spans = [(s, min(n, s + step)) for s in range(0, n, step)]
    _FORKED = (articles, facts_by_id)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_parse_range, spans)
    finally:
        _FORKED = None
    return [x for part in parts for x in part]


def build_features(
    articles: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    lead_sentences: int = 3,
) -> StoryFeatures:
    ids = [a.id for a in articles]
    texts = [((a.title or "") + "\n" + a.text) for a in articles]
    dim = next((v.shape[1] for v in vectors_by_id.values() if v is not None and len(v)), 1)
    return assemble_features(
        ids,
        hashed_tfidf(texts),
        _parse_all(articles, facts_by_id),
        [lead_vector(vectors_by_id.get(i), lead_sentences) for i in ids],
        dim,
        [_published_days(a.published) for a in articles],
        [a.title or "" for a in articles],
    )


@dataclass
class FeatureParts:
    """What one article brings to the features, computed from it alone; the pile-wide weights (idf) come when the
    parts of a whole pile are put together (:func:`features_from_parts`). The unit a Ray batch computes per article."""

    id: str
    word_cols: np.ndarray  # hashed content-word columns, ascending (int64)
    word_counts: np.ndarray  # their counts
    names: list[str]
    places: list[str]
    dates: list[str]
    lead: np.ndarray | None
    published: float
    title: str


def feature_parts(
    articles: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    lead_sentences: int = 3,
) -> list[FeatureParts]:
    """The :class:`FeatureParts` of each article (any batch of a pile: nothing here depends on the others)."""
    rows, cols, counts = word_counts([(a.title or "") + "\n" + a.text for a in articles])
    cut = np.searchsorted(rows, np.arange(len(articles) + 1))
    out = []
    for k, a in enumerate(articles):
        names, places, dates = _parse(a, facts_by_id.get(a.id))
        lead = lead_vector(vectors_by_id.get(a.id), lead_sentences)
        span = slice(cut[k], cut[k + 1])
        published = _published_days(a.published)
        out.append(FeatureParts(a.id, cols[span], counts[span], names, places, dates, lead, published, a.title or ""))
    return out


def features_from_parts(parts: Sequence[FeatureParts]) -> StoryFeatures:
    """The features of a pile from its articles' parts (in row order): the same figures, bit for bit, as
    :func:`build_features` on the same articles."""
    n = len(parts)
    lens = np.array([len(p.word_cols) for p in parts], dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), lens)
    cols = np.concatenate([p.word_cols for p in parts]).astype(np.int64) if n else np.zeros(0, np.int64)
    counts = np.concatenate([p.word_counts for p in parts]).astype(np.int64) if n else np.zeros(0, np.int64)
    dim = next((len(p.lead) for p in parts if p.lead is not None), 1)
    return assemble_features(
        [p.id for p in parts],
        weigh_words(rows, cols, counts, n),
        [(p.names, p.places, p.dates) for p in parts],
        [p.lead for p in parts],
        dim,
        [p.published for p in parts],
        [p.title for p in parts],
    )


def assemble_features(
    ids: list[str],
    word_tfidf: sparse.csr_matrix,
    parsed: Sequence[tuple[list[str], list[str], list[str]]],
    leads: Sequence[np.ndarray | None],
    dim: int,
    published_days: Sequence[float],
    titles: list[str],
) -> StoryFeatures:
    """Put the per-article pieces of a pile together: pile-wide TF-IDF of names, places and dates, the lead
    matrix, the per-article constants."""
    words = compact_columns(word_tfidf)
    nkeys = [t for t, _, _ in parsed]
    names, name_columns = _bags_columns(nkeys)
    places = _bags([p for _, p, _ in parsed])
    dkeys = [d for _, _, d in parsed]
    dates, date_columns = _bags_columns(dkeys, sublinear=True)
    has_dates = np.array([bool(k) for k in dkeys])
    lead = np.zeros((len(ids), dim), dtype=np.float32)
    for r, v in enumerate(leads):
        if v is not None:
            lead[r] = v
    published = np.array(published_days, dtype=np.float64)
    words_idf, names_idf = idf_mass(words), idf_mass(names)
    return StoryFeatures(
        ids, words, names, places, dates, has_dates, lead, published, titles, words_idf, names_idf,
        has_places=np.diff(places.indptr) > 0, has_lead=np.abs(lead).sum(axis=1) > 0,
        words_mass=np.asarray(words_idf.sum(axis=1)).ravel(), names_mass=np.asarray(names_idf.sum(axis=1)).ravel(),
        name_keys=nkeys, date_keys=dkeys, name_columns=name_columns, date_columns=date_columns,
    )  # fmt: skip


def select_rows(f: StoryFeatures, rows: Sequence[int] | np.ndarray, ids: Sequence[str] | None = None) -> StoryFeatures:
    """The features of ``rows`` alone, with the pile's weights and columns: every pair's figures are those of the
    whole pile (a pair's score reads its two rows only). ``ids``: the rows' ids when ``f`` keeps none."""
    r = np.asarray(rows, dtype=np.int64)

    def pick(x: sparse.csr_matrix | None) -> sparse.csr_matrix | None:
        return None if x is None else x[r]

    def at(x: np.ndarray | None) -> np.ndarray | None:
        return None if x is None else x[r]

    return StoryFeatures(
        list(ids) if ids is not None else [f.ids[k] for k in r], f.words[r], f.names[r], f.places[r], f.dates[r],
        f.has_dates[r], f.lead[r], f.published[r], [f.titles[k] for k in r] if f.titles else [],
        pick(f.words_idf), pick(f.names_idf), has_places=at(f.has_places), has_lead=at(f.has_lead),
        words_mass=at(f.words_mass), names_mass=at(f.names_mass),
        name_keys=None if f.name_keys is None else [f.name_keys[k] for k in r],
        date_keys=None if f.date_keys is None else [f.date_keys[k] for k in r],
        name_columns=f.name_columns, date_columns=f.date_columns,
    )  # fmt: skip


def with_keys(f: StoryFeatures, articles: Sequence[Article], facts_by_id: Mapping[str, ArticleFacts]) -> StoryFeatures:
    """``f`` (rows of a pile that keeps no keys: a Ray batch's feature table) with its articles' titles, name and
    date keys, and the columns of those keys, read back from the articles: the same keys the features were built
    from, so a story's ties name what the pile's features hold. A row's keys, sorted, sit in its columns, ascending
    (the bags' columns follow the keys' sorted order)."""
    parsed = [_parse(a, facts_by_id.get(a.id)) for a in articles]
    name_columns: dict[str, int] = {}
    date_columns: dict[str, int] = {}
    for r, (names, _, dates) in enumerate(parsed):
        for matrix, keys, columns in ((f.names, names, name_columns), (f.dates, dates, date_columns)):
            cols = np.sort(matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]])
            columns.update(zip(sorted(set(keys)), (int(c) for c in cols), strict=True))
    return dataclasses.replace(
        f,
        titles=[a.title or "" for a in articles],
        name_keys=[names for names, _, _ in parsed],
        date_keys=[dates for _, _, dates in parsed],
        name_columns=name_columns,
        date_columns=date_columns,
    )
