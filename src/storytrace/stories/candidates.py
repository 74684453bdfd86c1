"""Cheap candidate pairs for the story decision; nothing here compares every article with every other.

- near-duplicate pairs (MinHash LSH, :mod:`storytrace.stories.neardup`);
- shared rare names: an inverted index on normalised entity keys, skipping keys so common that their posting
  list would be a pile-wide all-pairs loop;
- nearest neighbours of the content-word TF-IDF vectors and of the lead embeddings: blocked matrix products, keeping
  the top ``k`` per article (memory ``block x n`` at a time). With publication dates and a horizon
  (:class:`DayWindow`) each article's neighbours are sought only among articles published within the horizon of it
  (and the undated ones): the blocks follow the publication order and each reads only the columns its days reach, so
  the work grows with the pile times the articles of a few weeks, not with the pile squared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


def pairs_code(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keep = lo != hi
    return np.unique(lo[keep].astype(np.int64) * n + hi[keep])


def decode(code: np.ndarray, n: int) -> np.ndarray:
    return np.stack([code // n, code % n], axis=1) if len(code) else np.zeros((0, 2), dtype=np.int64)


@dataclass(frozen=True)
class DayWindow:
    """Nearest neighbours within ``horizon`` days of publication. Rows are taken in publication order (undated
    last); a block of them reads the columns whose day is within the horizon of the block's days, plus the undated
    ones, and a pair of dated rows further apart than the horizon is never a neighbour. An undated row may neighbour
    any row: nothing says it is far in time."""

    order: np.ndarray  # rows by publication day, undated last (stable: ties by row)
    days: np.ndarray  # per row, days since 1970; NaN when unknown
    sorted_days: np.ndarray  # days of the dated rows, in ``order``
    horizon: float

    @property
    def dated(self) -> int:
        return len(self.sorted_days)

    def block(self, s: int, e: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``s`` to ``e`` of the publication order and the columns they may have as neighbours."""
        rows = self.order[s:e]
        if e > self.dated:  # an undated row among them: any row may be its neighbour
            return rows, np.arange(len(self.days))
        lo = np.searchsorted(self.sorted_days, self.days[rows[0]] - self.horizon, side="left")
        hi = np.searchsorted(self.sorted_days, self.days[rows[-1]] + self.horizon, side="right")
        return rows, np.concatenate([self.order[lo:hi], self.order[self.dated :]])

    def allowed(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Which (row, column) pairs may be neighbours: not the row itself, not two dated rows over the horizon."""
        gap = np.abs(self.days[rows][:, None] - self.days[cols][None, :])
        return ~(gap > self.horizon) & (rows[:, None] != cols[None, :])  # NaN gaps compare False: allowed


def day_window(days: np.ndarray | None, horizon: float | None) -> DayWindow | None:
    """The :class:`DayWindow` of a pile with publication ``days`` (NaN when unknown), or None when there is no
    horizon or no row is dated (then every row is read against every row, as before)."""
    if days is None or horizon is None or horizon < 0 or not np.isfinite(days).any():
        return None
    days = np.asarray(days, dtype=np.float64)
    order = np.argsort(days, kind="stable")  # NaN sorts last
    dated = int(np.isfinite(days).sum())
    return DayWindow(order, days, days[order[:dated]], float(horizon))


def topk_dense(x: np.ndarray, k: int, min_sim: float, block: int = 2048, window: DayWindow | None = None) -> np.ndarray:
    """Top-``k`` cosine neighbours of each row (rows are unit vectors), as pair codes; within ``window`` when one is
    given."""
    n = len(x)
    if n < 2 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    xt = np.ascontiguousarray(x.T)  # a contiguous right operand multiplies ~1.4x faster (same figures)
    out = [topk_dense_rows(x, xt, s, min(s + block, n), k, min_sim, window) for s in range(0, n, block)]
    return np.unique(np.concatenate(out))


def topk_dense_rows(
    x: np.ndarray, xt: np.ndarray, s: int, e: int, k: int, min_sim: float, window: DayWindow | None = None
) -> np.ndarray:
    """:func:`topk_dense`'s pairs for rows ``s`` to ``e`` (``xt``: ``x.T``, contiguous; with ``window``, positions
    ``s`` to ``e`` of its publication order): one block, the unit of work a Ray task takes."""
    n = len(x)
    k = min(k, n - 1)
    out = [np.zeros(0, dtype=np.int64)]
    cols: np.ndarray | None = None
    if window is None:
        rows = np.arange(s, e)
        sims = x[s:e] @ xt
        sims[rows - s, rows] = -np.inf
    else:
        rows, cols = window.block(s, e)
        sims = x[rows] @ xt[:, cols]
        sims[~window.allowed(rows, cols)] = -np.inf

    def col(c: np.ndarray) -> np.ndarray:
        return c if cols is None else cols[c]

    # a row with at most k neighbours over min_sim keeps all of them: only the others need a top-k selection
    over = sims >= min_sim
    count = over.sum(axis=1)
    few = count <= k
    r_few, c_few = np.nonzero(over[few])
    out.append(pairs_code(rows[few][r_few], col(c_few), n))
    many = np.flatnonzero(~few)
    if len(many):
        # top k among the entries over min_sim, by (row, -sim); a row whose k-th and (k+1)-th values tie keeps the
        # full-row selection below, so the result is exactly the full top-k selection
        r_m, c_m = np.nonzero(over[many])
        v_m = sims[many[r_m], c_m]
        order = np.lexsort((-v_m, r_m))
        r_m, c_m, v_m = r_m[order], c_m[order], v_m[order]
        rank = np.arange(len(r_m)) - np.searchsorted(r_m, r_m, side="left")
        tie = np.zeros(len(many), dtype=bool)
        at_k = np.flatnonzero(rank == k)
        tie[r_m[at_k]] = v_m[at_k] == v_m[at_k - 1]
        top = (rank < k) & ~tie[r_m]
        out.append(pairs_code(rows[many][r_m[top]], col(c_m[top]), n))
        many = many[tie]
    if len(many):
        nb = np.argpartition(-sims[many], k - 1, axis=1)[:, :k]
        val = np.take_along_axis(sims[many], nb, axis=1)
        ok = val >= min_sim
        out.append(pairs_code(np.repeat(rows[many], k)[ok.ravel()], col(nb.ravel()[ok.ravel()]), n))
    return np.unique(np.concatenate(out))


def topk_sparse(
    x: sparse.csr_matrix, k: int, min_sim: float, block: int = 1024, window: DayWindow | None = None
) -> np.ndarray:
    """Top-``k`` neighbours of each row of an L2-normalised sparse matrix (blocked sparse products); within
    ``window`` when one is given."""
    n = x.shape[0]
    if n < 2 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    xt = x.T.tocsc()
    out = [topk_sparse_rows(x, xt, s, min(s + block, n), k, min_sim, window) for s in range(0, n, block)]
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def topk_sparse_rows(
    x: sparse.csr_matrix,
    xt: sparse.csc_matrix,
    s: int,
    e: int,
    k: int,
    min_sim: float,
    window: DayWindow | None = None,
) -> np.ndarray:
    """:func:`topk_sparse`'s pairs for rows ``s`` to ``e`` (``xt``: ``x.T.tocsc()``; with ``window``, positions of its
    publication order): one block."""
    n = x.shape[0]
    if window is None:
        prod = (x[s:e] @ xt).tocsr().tocoo()
        r, c, v = prod.row + s, prod.col, prod.data
        ok = (v >= min_sim) & (r != c)
    else:
        rows, cols = window.block(s, e)
        prod = (x[rows] @ xt[:, cols]).tocoo()
        r, c, v = rows[prod.row], cols[prod.col], prod.data
        ok = (v >= min_sim) & (r != c) & ~(np.abs(window.days[r] - window.days[c]) > window.horizon)
    r, c, v = r[ok], c[ok], v[ok]
    if not len(r):
        return np.zeros(0, dtype=np.int64)
    # keep the k best per row: sort by (row, -sim) and take the first k of each row
    order = np.lexsort((-v, r))
    r, c = r[order], c[order]
    first = np.searchsorted(r, r, side="left")
    rank = np.arange(len(r)) - first
    keep = rank < k
    return pairs_code(r[keep], c[keep], n)


def shared_names(names: sparse.csr_matrix, max_posting: int) -> np.ndarray:
    """Pairs of articles sharing a name whose posting list is no longer than ``max_posting`` (one sparse product
    over the eligible names: its cost is bounded by ``names x max_posting^2``)."""
    n = names.shape[0]
    binary = (names > 0).astype(np.float32).tocsc()
    counts = np.diff(binary.indptr)
    eligible = np.flatnonzero(proposes_pairs(counts, max_posting))
    if not len(eligible):
        return np.zeros(0, dtype=np.int64)
    b = binary[:, eligible].tocsr()
    prod = sparse.triu(b @ b.T, k=1).tocoo()
    return pairs_code(prod.row, prod.col, n)


def proposes_pairs(posting_sizes: np.ndarray, max_posting: int) -> np.ndarray:
    """Which names propose pairs: those two articles or more share, and at most ``max_posting``."""
    return (posting_sizes >= 2) & (posting_sizes <= max_posting)


def posting_pairs(postings: list[np.ndarray], n: int, max_posting: int) -> np.ndarray:
    """:func:`shared_names` from posting lists (the distinct rows that hold each name), as pair codes: names grouped
    by key anywhere (a Ray shuffle) give the pairs of the pile's one product."""
    distinct = [np.unique(p) for p in postings]
    sizes = np.array([len(p) for p in distinct], dtype=np.int64)
    keep = [p for p, ok in zip(distinct, proposes_pairs(sizes, max_posting), strict=True) if ok]
    if not keep:
        return np.zeros(0, dtype=np.int64)
    pairs = [(p[a], p[b]) for p in keep for a, b in [np.triu_indices(len(p), 1)]]
    return pairs_code(np.concatenate([a for a, _ in pairs]), np.concatenate([b for _, b in pairs]), n)
