"""The fast pair scoring gives bit-for-bit the figures of the plain scipy formulation it replaced; the neighbour
window and the components' splitting give what their plain definitions give, in less memory."""

from __future__ import annotations

import tracemalloc

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from storytrace.stories.candidates import day_window, topk_dense, topk_sparse
from storytrace.stories.cluster import components, pair_dots


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


def _components_reference(
    rows: list[int], cand: np.ndarray, p: np.ndarray, floor: float, max_component: int
) -> tuple[list[list[int]], list[list[int]]]:
    """Components of the pairs at or over ``floor`` (smallest row first); one over ``max_component`` rows is cut
    again with the floor 0.1 higher, in place, until the floor reaches 0.99."""
    graph = nx.Graph()
    graph.add_nodes_from(rows)
    inside = set(rows)
    graph.add_edges_from(
        (int(a), int(b)) for (a, b), s in zip(cand, p, strict=True) if s >= floor and a in inside and b in inside
    )
    singles: list[list[int]] = []
    leaves: list[list[int]] = []
    for comp in sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0]):
        if len(comp) == 1:
            singles.append(comp)
        elif len(comp) > max_component and floor < 0.99:
            s, lv = _components_reference(comp, cand, p, min(0.99, floor + 0.1), max_component)
            singles += s
            leaves += lv
        else:
            leaves.append(comp)
    return singles, leaves


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 50), st.integers(0, 300), st.integers(2, 12), st.floats(0.0, 0.95))
def test_components_are_the_plain_recursive_split(seed: int, n: int, m: int, max_component: int, floor: float) -> None:
    rng = np.random.default_rng(seed)
    cand = rng.integers(0, n, size=(m, 2)).astype(np.int32)
    p = rng.random(m)
    singles, leaves = components(n, cand, p, floor, max_component)
    assert (singles, [x.tolist() for x in leaves]) == _components_reference(
        list(range(n)), cand, p, floor, max_component
    )


def test_splitting_one_big_component_holds_no_copy_of_every_edge_per_depth() -> None:
    # a pile that is one component at every floor up to 0.9: nine splits deep, as the Ray bench's 5,000 articles
    # were (604,246 edges, one component at the link floor); the split used to copy all its edges at each depth
    rng = np.random.default_rng(3)
    n, m = 20_000, 400_000
    chain = np.stack([np.arange(n - 1), np.arange(1, n)], 1)
    cand = np.concatenate([chain, rng.integers(0, n, size=(m - len(chain), 2))]).astype(np.int32)
    p = np.concatenate([np.full(len(chain), 0.95), rng.random(m - len(chain))])
    tracemalloc.start()
    try:
        singles, leaves = components(n, cand, p, 0.1, max_component=1500)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sum(map(len, singles)) + sum(map(len, leaves)) == n
    assert peak / m < 80, f"{peak / m:.0f} bytes an edge"
