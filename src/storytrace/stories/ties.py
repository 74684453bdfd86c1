"""Why articles were put in one story: their ties.

A story is cut from an average-linkage tree, so no single pair decides it; what a reader can check is each
article's strongest link into the story. The ties are a maximum spanning tree of the pair scores the grouping already
computed (every article is tied in, by its best pair among those that tie it to the rest), each with the pair's
score, the two parts of the score a reader can see (content words, the lead's meaning), and what the two share:
names and dates from the features the score was computed on, figures from the claims stage's numbers, and sentence
pairs close in meaning from the sentence vectors. Nothing is parsed or embedded again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from storytrace.options import StoryOptions
from storytrace.records import Article, ArticleFacts, StoryTie, TiePassage
from storytrace.stories.cluster import FEATURES
from storytrace.stories.features import StoryFeatures, name_key

_WORDS = FEATURES.index("words")
_LEAD = FEATURES.index("lead")
_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]  # fmt: skip


def spanning_pairs(sim: np.ndarray, n: int) -> np.ndarray:
    """Condensed (``triu``) indices of a maximum spanning tree of ``n`` rows whose pair scores are ``sim`` (condensed).
    Prim's algorithm from row 0; ties go to the smaller row, so the tree is deterministic."""
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    full = np.zeros((n, n))
    full[np.triu_indices(n, 1)] = sim
    full = full + full.T
    in_tree = np.zeros(n, dtype=bool)
    in_tree[0] = True
    best = full[0].copy()
    partner = np.zeros(n, dtype=np.int64)
    out = np.zeros(n - 1, dtype=np.int64)
    for k in range(n - 1):
        v = int(np.argmax(np.where(in_tree, -np.inf, best)))
        u = int(partner[v])
        a, b = min(u, v), max(u, v)
        out[k] = n * a - a * (a + 1) // 2 + (b - a - 1)
        in_tree[v] = True
        better = (full[v] > best) & ~in_tree  # strictly better: on equal scores the earlier partner stays
        partner[better] = v
        best[better] = full[v][better]
    return out


def condensed_pair(index: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``(a, b)``, ``a < b``, of condensed pair indices over ``n`` rows."""
    a, b = np.triu_indices(n, 1)
    return a[index], b[index]


def _ranked(
    matrix: sparse.csr_matrix, columns: Mapping[str, int] | None, ra: int, rb: int, keys_a: list[str], keys_b: list[str]
) -> list[str]:
    """Keys both rows hold, by what each adds to the pair's cosine (the rarest in the pile first), then by key."""
    shared = sorted(set(keys_a) & set(keys_b))
    if not shared or columns is None:
        return shared

    cols = np.array([columns.get(k, -1) for k in shared])

    def weights(r: int) -> np.ndarray:
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        idx, val = matrix.indices[start:end], matrix.data[start:end]
        order = np.argsort(idx, kind="stable")
        pos = np.minimum(np.searchsorted(idx[order], cols), len(idx) - 1)  # every shared key is in both rows' bags
        return np.where(idx[order][pos] == cols, val[order][pos], 0.0)

    adds = weights(ra) * weights(rb)
    return [shared[k] for k in sorted(range(len(shared)), key=lambda k: (-float(adds[k]), shared[k]))]


def _written(facts: ArticleFacts | None) -> dict[str, str]:
    """Each name key of an article (as the features make them) -> the words of its first mention; a surname key
    (``~ruiz``) -> the surname."""
    out: dict[str, str] = {}
    for e in facts.entities if facts is not None else []:
        key = name_key(e.key or e.text)
        out.setdefault(key, e.text)
        if " " in key and e.text.split():
            out.setdefault("~" + key.rsplit(" ", 1)[-1], e.text.split()[-1])
    return out


def _date_text(key: str) -> str:
    if key.startswith("md"):
        month, day = key[2:].split("-")
        return f"{_MONTH_NAMES[int(month)]} {int(day)}"
    return key[1:]  # "y2014" -> "2014"; "v2014-03-04" -> "2014-03-04"


def _figures(facts: ArticleFacts | None) -> dict[tuple[float | None, float | None], str]:
    """Each value an article states (from the claims stage's numbers), as it first writes it."""
    out: dict[tuple[float | None, float | None], str] = {}
    for c in facts.claims if facts is not None else []:
        for m in c.numbers:
            if m.low is None and m.high is None:
                continue
            label = f"{m.text} ({m.counts})" if m.counts and m.counts not in m.text else m.text
            out.setdefault((m.low, m.high), " ".join(label.split()))
    return out


def _passages(va: np.ndarray | None, vb: np.ndarray | None, floor: float, most: int) -> list[TiePassage]:
    """Sentence pairs at least ``floor`` close, each sentence used once, closest first."""
    if va is None or vb is None or not len(va) or not len(vb) or most <= 0:
        return []
    sims = np.asarray(va, dtype=np.float32) @ np.asarray(vb, dtype=np.float32).T
    ia, ib = np.nonzero(sims >= floor)
    order = np.lexsort((ib, ia, -sims[ia, ib]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for k in order:
        a, b = int(ia[k]), int(ib[k])
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        out.append(TiePassage(a, b, round(min(1.0, float(sims[a, b])), 4)))
        if len(out) == most:
            break
    return out


def story_ties(
    rows: Sequence[int],
    picked: np.ndarray,
    features: np.ndarray,
    sim: np.ndarray,
    f: StoryFeatures,
    articles: Sequence[Article],
    facts_by_id: Mapping[str, ArticleFacts],
    vectors_by_id: Mapping[str, np.ndarray],
    options: StoryOptions,
) -> list[StoryTie]:
    """The ties of one story: ``rows`` (sorted) of ``f``, ``picked`` condensed pairs of them (see
    :func:`spanning_pairs`) with their feature rows ``features`` and all pair scores ``sim``. Strongest first."""
    rows = sorted(rows)
    la, lb = condensed_pair(picked, len(rows))
    out = []
    most, floor = options.tie_terms, options.tie_passage_similarity
    written: dict[str, dict[str, str]] = {}  # article id -> its names as written (an article is in several ties)
    for k in range(len(picked)):
        ra, rb = rows[int(la[k])], rows[int(lb[k])]
        a, b = articles[ra], articles[rb]
        fa, fb = facts_by_id.get(a.id), facts_by_id.get(b.id)
        names: list[str] = []
        if f.name_keys is not None:
            keys = _ranked(f.names, f.name_columns, ra, rb, f.name_keys[ra], f.name_keys[rb])
            # a surname ("~ruiz", or "ruiz" alone) says nothing more when the full name ("ana ruiz") is shared too
            full = [key for key in keys if " " in key and not key.startswith("~")]
            keys = [key for key in keys if not any(x.endswith(" " + key.lstrip("~")) for x in full)]
            if a.id not in written:
                written[a.id] = _written(fa)
            names = list(dict.fromkeys(written[a.id].get(key, key.lstrip("~")) for key in keys))[:most]
        dates: list[str] = []
        if f.date_keys is not None:
            keys = _ranked(f.dates, f.date_columns, ra, rb, f.date_keys[ra], f.date_keys[rb])
            dates = list(dict.fromkeys(_date_text(key) for key in keys))[:most]
        fig_a, fig_b = _figures(fa), _figures(fb)
        figures = [text for value, text in fig_a.items() if value in fig_b][:most]
        pa, pb = f.published[ra], f.published[rb]
        out.append(
            StoryTie(
                articles=[a.id, b.id],
                score=round(float(sim[int(picked[k])]), 4),
                words=round(float(features[k, _WORDS]), 4),
                lead=round(float(features[k, _LEAD]), 4),
                names=names,
                figures=figures,
                dates=dates,
                passages=_passages(vectors_by_id.get(a.id), vectors_by_id.get(b.id), floor, options.tie_passages),
                days_apart=None if np.isnan(pa) or np.isnan(pb) else float(abs(pa - pb)),
            )
        )
    return sorted(out, key=lambda t: (-t.score, t.articles))


def ties_within(ties: Sequence[StoryTie], articles: Sequence[str]) -> list[StoryTie]:
    """The ties both of whose articles are among ``articles`` (a story that lost an article loses its ties)."""
    members = set(articles)
    return [t for t in ties if all(a in members for a in t.articles)]
