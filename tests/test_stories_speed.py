"""The fast pair scoring gives bit-for-bit the figures of the plain scipy formulation it replaced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from storytrace.stories.candidates import day_window, topk_dense, topk_sparse
from storytrace.stories.cluster import pair_dots


def _matrix(seed: int, n: int, cols: int, density: float) -> sparse.csr_matrix:
    m = sparse.random(n, cols, density=density, format="csr", dtype=np.float32, random_state=seed)
    m.sort_indices()
    return m


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 60), st.integers(1, 400), st.floats(0.01, 0.5))
def test_pair_dots_match_scipy_bit_for_bit(seed: int, n: int, cols: int, density: float) -> None:
    m = _matrix(seed, n, cols, density)
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, 200), rng.integers(0, n, 200)
    pairwise = np.asarray(m[i].multiply(m[j]).sum(axis=1)).ravel()
    assert np.array_equal(pair_dots(m, i, j), pairwise)
    gram = (m @ m.T).toarray()
    assert np.array_equal(pair_dots(m, i, j, sequential=True), gram[i, j])


def _topk_reference(x: np.ndarray, k: int, min_sim: float) -> set[tuple[int, int]]:
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    out = set()
    for r in range(len(x)):
        for c in np.argsort(-sims[r], kind="stable")[:k]:
            if sims[r, c] >= min_sim:
                out.add((min(r, c), max(r, c)))
    return out


def test_topk_dense_is_the_top_k_over_the_floor() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 16)).astype(np.float32)
    x[150:] = x[:150] + 0.3 * rng.standard_normal((150, 16)).astype(np.float32)  # many rows with > k close ones
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    got = topk_dense(x, 5, 0.2, block=64)
    n = len(x)
    assert {(int(c // n), int(c % n)) for c in got} == _topk_reference(x, 5, 0.2)


def _windowed_reference(sims: np.ndarray, days: np.ndarray, horizon: float, k: int, min_sim: float) -> set:
    """Each row's k most similar rows over ``min_sim``, among those not further than ``horizon`` days from it (an
    undated row is near every row), by brute force."""
    n = len(sims)
    out = set()
    for r in range(n):
        near = [c for c in range(n) if c != r and not abs(days[r] - days[c]) > horizon]
        for c in sorted(near, key=lambda c: -sims[r, c])[:k]:
            if sims[r, c] >= min_sim:
                out.add((min(r, c), max(r, c)))
    return out


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 10_000), st.integers(2, 80), st.integers(1, 40), st.floats(0.0, 0.6), st.integers(0, 60),
    st.integers(1, 6),
)  # fmt: skip
def test_neighbours_within_the_horizon_are_the_windowed_top_k(
    seed: int, n: int, block: int, undated: float, horizon: int, k: int
) -> None:
    """Blocks in publication order that read only the columns their days reach give, for any block size, exactly
    the top k among the rows within the horizon (dense lead vectors and sparse word vectors alike)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 200, n).astype(np.float64)
    days[rng.random(n) < undated] = np.nan
    x = rng.standard_normal((n, 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    window = day_window(days, float(horizon))
    assert window is not None or np.isnan(days).all()
    got = topk_dense(x, k, 0.1, block=block, window=window)
    ref = _windowed_reference(x @ x.T, days, float(horizon) if window else np.inf, k, 0.1)
    assert {(int(c // n), int(c % n)) for c in got} == ref
    m = _matrix(seed, n, 30, 0.2)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
    m = sparse.csr_matrix(sparse.diags(1 / np.where(norms > 0, norms, 1)) @ m)
    got_sparse = topk_sparse(m, k, 0.1, block=block, window=window)
    ref_sparse = _windowed_reference((m @ m.T).toarray(), days, float(horizon) if window else np.inf, k, 0.1)
    assert {(int(c // n), int(c % n)) for c in got_sparse} == ref_sparse


def test_no_dates_no_window() -> None:
    """A pile without one publication date, or no horizon, is searched whole, as before."""
    assert day_window(np.full(5, np.nan), 28.0) is None
    assert day_window(np.arange(5.0), None) is None
    assert day_window(np.arange(5.0), 28.0) is not None
