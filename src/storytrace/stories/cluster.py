"""The precise decision: score candidate pairs, then cluster without knowing the number of stories.

A pair's score is a logistic model over agreement features (content words, names, places, stated dates, the lead's
embedding, publication dates). The "both have" flags let disagreement count: two earthquake reports that both name
a place and share none, or both state dates and share none, are pushed apart even when their words agree.

Clustering: candidate pairs scoring at least ``link_floor`` form a sparse graph; inside each connected component
(a bounded set of plausible same-story articles) every pair is scored and average-linkage agglomerative clustering
cuts the dendrogram at ``1 - threshold``. Components never interact, so the work is pairwise only inside them.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components

from storytrace.forking import fork_workers
from storytrace.stories.features import StoryFeatures

FEATURES = (
    "words",
    "names",
    "places",
    "places_both",
    "dates",
    "dates_both",
    "lead",
    "lead_both",
    "published",
    "published_both",
    "words_x_names",
    "words_contained",
    "names_contained",
)


@dataclass(frozen=True)
class PairModel:
    """Logistic weights over :data:`FEATURES` (tuned on ECB+ topics 1-35 by ``bench/stories.py --tune``)."""

    weights: tuple[float, ...]
    bias: float

    def score(self, x: np.ndarray) -> np.ndarray:
        # each row's products summed on their own: a pair's score must not depend on which pairs share the call (a
        # matrix-vector product takes another path for a call's last rows, which moves the last bits; a Ray batch
        # scores the pile's pairs in other calls than one process does)
        z = (x * np.asarray(self.weights, dtype=np.float64)).sum(axis=1) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


# fitted by `python bench/stories.py --tune` on ECB+ topics 1-35 (see docs/stories.md), before the two containment
# features existed (refitting with them scored lower on 1-35, so they stay at 0). ECB+ has no publication dates: the
# published weights (+1 proximity, -1 both-known) are a hand-set prior, not fitted.
DEFAULT_MODEL = PairModel(
    weights=(8.264, 4.366, 1.073, -0.606, 6.235, -0.608, 7.243, -1.071, 1.0, -1.0, -1.338, 0.0, 0.0),
    bias=-4.617,
)


_BLOCK_CELLS = 1 << 23  # dense scatter block for pair dot products (32 MiB of float32)


def pair_dots(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, sequential: bool = False) -> np.ndarray:
    """``<m[i[k]], m[j[k]]>`` per pair as float32, without gathering both rows of every pair.

    Pairs are grouped by their endpoint with more entries; a block of those rows is scattered into a dense buffer and
    the other endpoint's entries are gathered from it, so the work is ``sum(min(nnz_i, nnz_j))``. ``m`` must have
    sorted indices. The products are summed in column order like scipy's kernels: pairwise (``np.add.reduceat``, as
    ``m[i].multiply(m[j]).sum(1)``) or ``sequential`` (as the sparse product ``m @ m.T``), so figures are
    bit-for-bit those of the scipy formulation."""
    out = np.zeros(len(i), dtype=np.float32)
    n_col = m.shape[1]
    if not len(i) or n_col == 0 or m.nnz == 0:
        return out
    indptr = m.indptr.astype(np.int64)
    nnz = np.diff(indptr)
    swap = nnz[i] < nnz[j]
    a = np.where(swap, j, i)
    b = np.where(swap, i, j)
    order = np.argsort(a, kind="stable")
    order = order[nnz[b[order]] > 0]
    a_s, b_s = a[order], b[order]
    first = np.flatnonzero(np.r_[True, a_s[1:] != a_s[:-1]]) if len(a_s) else np.zeros(0, dtype=np.int64)
    ua = a_s[first]
    first = np.append(first, len(a_s))
    per = max(1, _BLOCK_CELLS // n_col)
    dense = np.zeros(min(per, len(ua)) * n_col, dtype=m.dtype)  # flat: 1-d takes are much faster than 2-d indexing
    indices = m.indices.astype(np.int64)
    for s in range(0, len(ua), per):
        rows = ua[s : s + per]
        p0, p1 = first[s], first[min(s + per, len(ua))]
        src = _segments(indptr[rows], nnz[rows])
        at = np.repeat(np.arange(len(rows), dtype=np.int64) * n_col, nnz[rows]) + np.take(indices, src)
        dense[at] = np.take(m.data, src)
        pb = b_s[p0:p1]
        lens = nnz[pb]
        pos = _segments(indptr[pb], lens)
        base = np.repeat(np.searchsorted(rows, a_s[p0:p1]) * n_col, lens)
        prod = np.take(dense, base + np.take(indices, pos)) * np.take(m.data, pos)
        if sequential:
            ip = np.zeros(len(pb) + 1, dtype=np.int64)
            np.cumsum(lens, out=ip[1:])
            res = sparse.csr_matrix((prod, np.zeros(prod.size, dtype=np.int32), ip), shape=(len(pb), 1)) @ np.ones(
                1, dtype=m.dtype
            )
        else:
            hit = prod != 0
            cnt = np.bincount(np.repeat(np.arange(len(pb)), lens)[hit], minlength=len(pb))
            res = np.zeros(len(pb), dtype=m.dtype)
            ok = cnt > 0
            if ok.any():
                res[ok] = np.add.reduceat(prod[hit], (np.cumsum(cnt) - cnt)[ok])
        out[order[p0:p1]] = res
        dense[at] = 0
    return out


def _segments(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The positions ``starts[k] .. starts[k] + lens[k] - 1`` of every segment, concatenated."""
    off = np.repeat(starts - (np.cumsum(lens) - lens), lens)
    return off + np.arange(off.size, dtype=np.int64)


def _nonempty(m: sparse.csr_matrix) -> np.ndarray:
    return np.diff(m.indptr) > 0


def _contained(m: sparse.csr_matrix | None, mass: np.ndarray | None, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """idf mass shared by the pair over the smaller article's idf mass: 1 when a short article's words (or names)
    all appear in the long one, which a cosine under-rates. ``idf(t) * [t in j]`` summed over the terms of ``i``
    equals the idf of the shared terms (the idf of a term is the same in every row)."""
    if m is None or mass is None or not len(i):
        return np.zeros(len(i))
    shared = _shared_idf(m, i, j)
    small = np.minimum(mass[i], mass[j])
    return np.where(small > 0, shared / np.maximum(small, 1e-12), 0.0)


def _shared_idf(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(m[i].multiply(m[j].sign()).sum(axis=1)).ravel()


_DENSE_CELLS = 4_000_000  # the scipy formulation summed as a sparse product below this many local cells, else pairwise
_SPARSE = ("words", "names", "places", "dates")


def _dense_rule(m: sparse.csr_matrix, members: np.ndarray, labels: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group of rows: ``rows x used columns <= _DENSE_CELLS`` (the summation order the scipy formulation used,
    which scored each group's rows with only their used columns, as a dense Gram matrix when small)."""
    nnz = np.diff(m.indptr)[members]
    sizes = np.bincount(labels, minlength=n_groups)
    # bounds on the used columns settle most groups without counting: at most min(columns, entries), at least the
    # longest row
    most = np.minimum(np.bincount(labels, weights=nnz, minlength=n_groups), m.shape[1])
    least = np.zeros(n_groups)
    np.maximum.at(least, labels, nnz)
    dense = sizes * np.maximum(most, 1) <= _DENSE_CELLS
    unsure = ~dense & (sizes * np.maximum(least, 1) <= _DENSE_CELLS)
    if unsure.any():
        sel = unsure[labels]
        mem, lab, cnt = members[sel], labels[sel].astype(np.int64), nnz[sel]
        cols = m.indices[_segments(m.indptr[mem].astype(np.int64), cnt)].astype(np.int64)
        code = np.unique(np.repeat(lab, cnt) * max(1, m.shape[1]) + cols)
        used = np.bincount(code // max(1, m.shape[1]), minlength=n_groups)
        dense[unsure] = sizes[unsure] * np.maximum(used[unsure], 1) <= _DENSE_CELLS
    return dense


def summation_rule(f: StoryFeatures, rows: np.ndarray) -> tuple[bool, ...]:
    """How :func:`pair_features` sums the sparse dot products of pairs among ``rows`` (the distinct rows of the
    pairs, scored as one set): per matrix, as a sparse product (True) or pairwise. What a pile's candidate pairs
    need when they are scored in batches."""
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    labels = np.zeros(len(rows), dtype=np.int64)
    return tuple(bool(_dense_rule(getattr(f, name), rows, labels, 1)[0]) for name in _SPARSE)


def _dots(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, seq: np.ndarray) -> np.ndarray:
    out = np.zeros(len(i), dtype=np.float64)
    for flag in (False, True):
        sel = np.flatnonzero(seq == flag)
        if len(sel):
            out[sel] = pair_dots(m, i[sel], j[sel], sequential=flag)
    return out


_PARALLEL_PAIRS = 200_000  # pairs; below this, forking costs more than it saves
_FORKED: tuple[StoryFeatures, np.ndarray, np.ndarray, list[np.ndarray]] | None = None


def _dots_range(span: tuple[int, int]) -> list[np.ndarray]:
    assert _FORKED is not None
    f, i, j, seqs = _FORKED
    a, b = span
    return [_dots(getattr(f, name), i[a:b], j[a:b], seq[a:b]) for name, seq in zip(_SPARSE, seqs, strict=True)]


def _all_dots(f: StoryFeatures, i: np.ndarray, j: np.ndarray, seqs: list[np.ndarray]) -> list[np.ndarray]:
    """The sparse dot products of every pair; many pairs are split over two forked workers (each pair's figure
    depends only on its own two rows, so the split changes nothing)."""
    global _FORKED
    workers = fork_workers(2, len(i), _PARALLEL_PAIRS // 2)
    if workers < 2:
        return [_dots(getattr(f, name), i, j, seq) for name, seq in zip(_SPARSE, seqs, strict=True)]
    step = -(-len(i) // workers)
    spans = [(s, min(len(i), s + step)) for s in range(0, len(i), step)]
    _FORKED = (f, i, j, seqs)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_dots_range, spans)
    finally:
        _FORKED = None
    return [np.concatenate([part[k] for part in parts]) for k in range(len(_SPARSE))]


def pair_features(
    f: StoryFeatures,
    i: np.ndarray,
    j: np.ndarray,
    model: PairModel | None = None,
    groups: np.ndarray | None = None,
    summation: Sequence[bool] | None = None,
) -> np.ndarray:
    """The :data:`FEATURES` of pairs ``(i[k], j[k])``: an ``(m, len(FEATURES))`` float array. With ``model``,
    features whose weight is 0 are left at 0 (the score is the same). ``groups``: a group label per pair (pairs of
    one story or component), each group summed as if scored on its own (bit-for-bit the same figures).
    ``summation``: instead, the :func:`summation_rule` of the set these pairs are part of (some pairs of a pile's
    candidates, scored batch by batch)."""
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    need = np.ones(len(FEATURES), dtype=bool) if model is None else np.asarray(model.weights) != 0
    if summation is not None:
        seqs = [np.full(len(i), bool(flag)) for flag in summation]
    else:
        if groups is None:
            groups = np.zeros(len(i), dtype=np.int64)
        n_groups = int(groups.max()) + 1 if len(groups) else 0
        # the distinct rows of each group (its members)
        code = np.unique(np.concatenate([groups * len(f.ids) + i, groups * len(f.ids) + j]))
        labels, members = code // len(f.ids), code % len(f.ids)
        seqs = [
            _dense_rule(getattr(f, name), members, labels, n_groups)[groups] if len(i) else np.zeros(0, dtype=bool)
            for name in _SPARSE
        ]
    words, names, places, dates = _all_dots(f, i, j, seqs)
    has_places = f.has_places if f.has_places is not None else _nonempty(f.places)
    places_both = (has_places[i] & has_places[j]).astype(np.float64)
    dates_both = (f.has_dates[i] & f.has_dates[j]).astype(np.float64)
    lead_ok = f.has_lead if f.has_lead is not None else np.abs(f.lead).sum(axis=1) > 0
    lead_both = (lead_ok[i] & lead_ok[j]).astype(np.float64)
    lead = _lead_dots(f.lead, i, j)
    pub_i, pub_j = f.published[i], f.published[j]
    pub_both = ~(np.isnan(pub_i) | np.isnan(pub_j))
    gap = np.abs(np.where(pub_both, pub_i - pub_j, 0.0))
    published = np.where(pub_both, np.exp(-gap / 2.0), 0.0)
    zero = np.zeros(len(i))
    words_c = _contained(f.words_idf, f.words_mass, i, j) if need[11] else zero
    names_c = _contained(f.names_idf, f.names_mass, i, j) if need[12] else zero
    return np.stack(
        [words, names, places, places_both, dates, dates_both, lead, lead_both, published,
         pub_both.astype(np.float64), words * names, words_c, names_c],
        axis=1,
    )  # fmt: skip


def _lead_dots(lead: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 65536) -> np.ndarray:
    out = np.empty(len(i), dtype=np.float64)
    for s in range(0, len(i), chunk):
        out[s : s + chunk] = np.einsum("ij,ij->i", lead[i[s : s + chunk]], lead[j[s : s + chunk]])
    return out


def _component_pairs(members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(len(members), 1)  # the order scipy's condensed distance matrix expects
    return members[a], members[b]


def partition(
    f: StoryFeatures,
    cand: np.ndarray,
    model: PairModel,
    threshold: float,
    link_floor: float,
    max_component: int = 1500,
    merge_small: float = 1.0,
) -> list[list[int]]:
    """Partition rows of ``f`` into stories from candidate pairs ``cand`` (``(m, 2)``): lists of row indices."""
    n = len(f.ids)
    if n == 0:
        return []
    if len(cand):
        p = model.score(pair_features(f, cand[:, 0], cand[:, 1], model))
    else:
        p = np.zeros(0)
    groups, leaves = components(n, cand, p, link_floor, max_component)
    groups += cluster_components(f, model, leaves, threshold, merge_small)
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


def components(
    n: int, cand: np.ndarray, p: np.ndarray, link_floor: float, max_component: int = 1500
) -> tuple[list[list[int]], list[np.ndarray]]:
    """The connected components of ``n`` rows joined by the candidate pairs ``cand`` whose scores ``p`` reach
    ``link_floor``: ``(single rows, components to cluster)``. Reads only pairs at or over the floor: a caller may
    pass those alone (a Ray batch's components task gets only them).

    A component too big to score all its pairs is split again with the floor raised by 0.1 until it falls apart.
    Each split carries only its own edges at or over its floor, and a component's edges are let go once its parts
    have theirs: the peak is about twice the edges at ``link_floor``, however deep the splits go (copies of every
    edge at every depth, as before, took ~200 bytes an edge on a pile that was one component)."""
    keep = p >= link_floor
    groups: list[list[int]] = []
    leaves: list[np.ndarray] = []
    # depth first, children in order: the same singles and leaves, in the same order, as a recursion would give
    work: list[_Part] = [_Part(np.arange(n), cand[keep], p[keep], link_floor)]
    while work:
        part = work.pop()
        if part.edges is None:
            if len(part.rows) == 1:
                groups.append([int(part.rows[0])])
            else:
                leaves.append(part.rows)
            continue
        work.extend(reversed(_parts(part, max_component)))
    return groups, leaves


@dataclass
class _Part:
    """A set of rows (sorted) still to be cut into components (``edges`` given: the pairs among them at or over
    ``floor``, with their scores) or a finished one (``edges`` None)."""

    rows: np.ndarray
    edges: np.ndarray | None = None
    scores: np.ndarray | None = None
    floor: float = 0.0


def _parts(part: _Part, max_component: int) -> list[_Part]:
    rows, e, pe = part.rows, part.edges, part.scores
    assert e is not None and pe is not None
    m = len(rows)
    if not m:
        return []
    # rows are sorted and hold both ends of every edge: the whole pile's rows are their own positions
    local = e if m == rows[-1] + 1 else np.searchsorted(rows, e)
    graph = sparse.coo_matrix((np.ones(len(e), np.float32), (local[:, 0], local[:, 1])), shape=(m, m)).tocsr()
    _ncomp, labels = connected_components(graph, directed=False)
    del graph
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    edge_label = labels[local[:, 0]]  # an edge at or over the floor lies inside one component
    out: list[_Part] = []
    for comp_local in np.split(order, bounds):
        comp = rows[comp_local]
        if len(comp) > max_component and part.floor < 0.99:
            # too big to score every pair: raise the bar for edges inside it until it falls apart
            floor = min(0.99, part.floor + 0.1)
            inside = (edge_label == labels[comp_local[0]]) & (pe >= floor)
            out.append(_Part(comp, e[inside], pe[inside], floor))
        else:
            out.append(_Part(comp))
    return out


def cluster_components(
    f: StoryFeatures, model: PairModel, leaves: Sequence[np.ndarray], threshold: float, merge_small: float = 1.0
) -> list[list[int]]:
    """The stories inside each component (rows of ``f``): every pair scored, average linkage cut at ``threshold``,
    small clusters merged (``merge_small``). Components never interact: any batch of them gives their stories."""
    groups: list[list[int]] = []
    for comp, sim in zip(leaves, _scores_within(f, model, list(leaves)), strict=True):
        tree = linkage(1.0 - sim, method="average")
        labels_c = fcluster(tree, t=1.0 - threshold, criterion="distance")
        if merge_small < threshold:
            labels_c = _merge_small(labels_c, sim, len(comp), merge_small)
        for lab in np.unique(labels_c):
            groups.append([int(x) for x in comp[labels_c == lab]])
    return groups


def scores_within(f: StoryFeatures, model: PairModel, sets: Sequence[np.ndarray], batch: int = 1 << 21) -> list:
    """For each set of rows, the scores of all its pairs in condensed (``triu``) order; scored in batches of up to
    ``batch`` pairs, each set summed as if on its own."""
    return _scores_within(f, model, [np.asarray(x) for x in sets], batch)


Pick = Callable[[np.ndarray, int], np.ndarray]  # (condensed scores of a set, its size) -> condensed indices to keep


def scored_within(
    f: StoryFeatures, model: PairModel, sets: Sequence[np.ndarray], pick: Pick, batch: int = 1 << 21
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`scores_within`, and for the pairs ``pick`` chooses from each set's scores, their :data:`FEATURES`
    rows from the same pass: ``(scores, picked condensed indices, picked features)`` per set."""
    out = []
    for sim, kept in _scored(f, model, [np.asarray(x) for x in sets], batch, pick):
        assert kept is not None
        out.append((sim, kept[0], kept[1]))
    return out


def _scores_within(f: StoryFeatures, model: PairModel, sets: list[np.ndarray], batch: int = 1 << 21) -> list:
    return [sim for sim, _ in _scored(f, model, sets, batch, None)]


def _scored(
    f: StoryFeatures, model: PairModel, sets: list[np.ndarray], batch: int, pick: Pick | None
) -> list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]]:
    out: list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]] = []
    s = 0
    while s < len(sets):
        e, total = s, 0
        while e < len(sets) and (e == s or total + len(sets[e]) ** 2 // 2 <= batch):
            total += len(sets[e]) * (len(sets[e]) - 1) // 2
            e += 1
        pairs = [_component_pairs(x) for x in sets[s:e]]
        sizes = [len(a) for a, _ in pairs]
        i = np.concatenate([a for a, _ in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        j = np.concatenate([b for _, b in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        g = np.repeat(np.arange(e - s), sizes)
        x = pair_features(f, i, j, model, groups=g) if len(i) else np.zeros((0, len(FEATURES)))
        sim = model.score(x) if len(i) else np.zeros(0)
        starts = np.cumsum(sizes) - sizes
        for k, part in enumerate(np.split(sim, np.cumsum(sizes)[:-1])):
            if pick is None:
                out.append((part, None))
            else:
                idx = np.asarray(pick(part, len(sets[s + k])), dtype=np.int64)
                out.append((part, (idx, x[starts[k] + idx])))
        s = e
    return out


def _merge_small(labels: np.ndarray, sim: np.ndarray, n: int, bar: float, small: int = 2) -> np.ndarray:
    """Let clusters of at most ``small`` articles (short pieces, briefs that share few words with the long reports)
    join the cluster they score best with on average, if that average reaches ``bar``. Largest-first, then by
    label: deterministic."""
    full = np.zeros((n, n))
    iu = np.triu_indices(n, 1)
    full[iu] = sim
    full = full + full.T
    labels = labels.copy()
    sizes = {lab: int((labels == lab).sum()) for lab in np.unique(labels)}
    for lab in sorted(sizes, key=lambda x: (sizes[x], x)):
        if sizes[lab] > small or sizes[lab] == 0:
            continue
        rows = labels == lab
        best, best_score = None, bar
        for other in sorted(sizes):
            if other == lab or (sizes[other] <= sizes[lab] and sizes[other] <= small):
                continue
            score = float(full[np.ix_(rows, labels == other)].mean())
            if score >= best_score:
                best, best_score = other, score
        if best is not None:
            labels[rows] = best
            sizes[best] += sizes[lab]
            sizes[lab] = 0
    return labels


def candidate_pairs(codes: Sequence[np.ndarray], n: int) -> np.ndarray:
    from storytrace.stories.candidates import decode

    allc = np.unique(np.concatenate([c for c in codes if len(c)])) if any(len(c) for c in codes) else np.zeros(0)
    return decode(allc.astype(np.int64), n)
