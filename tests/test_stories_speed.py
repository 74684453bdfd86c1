"""The fast pair scoring gives bit-for-bit the figures of the plain scipy formulation it replaced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from storytrace.stories.candidates import topk_dense
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
