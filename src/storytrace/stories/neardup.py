"""Near-duplicate candidates at pile scale: bulk word shingling, one-permutation MinHash, LSH banding.

Everything runs on whole chunks of articles at once in numpy, never one Python call per word:

1. The chunk's texts are joined, lower-cased and encoded once; word boundaries come from a byte mask.
2. Each word gets a position-independent polynomial hash from one prefix sum over the bytes
   (``h(word) = (S[end] - S[start]) * p^-start mod 2^64``), so hashing costs a few vector passes per chunk.
3. Word ``k``-shingles combine ``k`` neighbouring word hashes (never across an article boundary).
4. Signatures are one-permutation MinHash (Li, Owen & Zhang 2012) with optimal densification (Shrivastava 2017):
   each shingle is hashed once, its top bits pick one of ``num_perm`` bins, and the bin keeps the minimum of the
   low bits. That is ``O(shingles)`` instead of ``O(shingles x num_perm)`` and estimates Jaccard like classic
   MinHash. Empty bins (short texts) borrow from a bin chosen by a hash of (bin, attempt) that is the same for
   every article, which keeps the signatures comparable (LSH-consistent).
5. LSH: ``bands x rows`` band keys, bucketed with a sort; pairs in a bucket are candidates, verified by the share of
   equal bins (the MinHash Jaccard estimate).

Chunks are signed in worker processes (``workers``) when the pile is large. All hash parameters come from
``seed``: the output is deterministic and does not depend on the machine or ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.forking import fork_workers

_M64 = (1 << 64) - 1
_EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class NearDupParams:
    num_perm: int = 128
    shingle_size: int = 3
    bands: int = 32  # 32 bands x 4 rows: candidate threshold ~ (1/32)^(1/4) = 0.42, verified at ``threshold``
    threshold: float = 0.5
    seed: int = 1
    chunk_size: int = 500
    max_bucket: int = 200  # a bucket larger than this links its members to its first member only


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads polynomial hashes over all 64 bits (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@functools.lru_cache(maxsize=8)
def _constants(seed: int) -> tuple[int, int, int, int, int]:
    rng = np.random.default_rng(seed)
    vals = [int(v) | 1 for v in rng.integers(1 << 62, 1 << 63, size=4, dtype=np.int64)]
    base = vals[0] * 2 + 1 & _M64  # odd, so that it has an inverse mod 2^64
    inv = pow(base, -1, 1 << 64)
    salt = int(rng.integers(0, 1 << 62)) * 4 + 3
    return base, inv, vals[1], vals[2], salt


def _powers(base: int, n: int) -> np.ndarray:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(out, dtype=np.uint64)


_TABLES: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _power_tables(base: int, inv: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``base^j`` and ``base^-j`` mod 2^64 for ``j < n`` (cached, grown by doubling: chunks have similar sizes)."""
    have = _TABLES.get((base, inv))
    if have is None or len(have[0]) < n:
        size = max(n, 2 * len(have[0]) if have else 1 << 20)
        have = (_powers(base, size), _powers(inv, size))
        _TABLES[(base, inv)] = have
    return have


_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
_IS_WORD = np.zeros(256, dtype=bool)
_IS_WORD[48:58] = _IS_WORD[97:123] = _IS_WORD[128:] = True


def _word_mask(b: np.ndarray) -> np.ndarray:
    word = _IS_WORD[b]
    # U+2000-U+207F (dashes, curly quotes, ellipsis) and U+0080-U+00BF (no-break space, pound, guillemets) are
    # punctuation, not letters: blank every byte of those UTF-8 sequences (found from their rare lead bytes)
    n = len(b)
    c2 = np.flatnonzero(b[:-1] == 0xC2)
    word[c2] = False
    word[c2 + 1] = False
    e2 = np.flatnonzero(b[:-2] == 0xE2)
    e2 = e2[(b[e2 + 1] == 0x80) | (b[e2 + 1] == 0x81)]
    for k in range(3):
        word[np.minimum(e2 + k, n - 1)] = False
    return word


def _doc_offsets(texts: Sequence[str], b: np.ndarray) -> np.ndarray:
    """Byte offset where each text begins in the NUL-joined buffer."""
    seps = np.flatnonzero(b == 0)
    if len(seps) == len(texts) - 1:
        return np.concatenate(([0], seps + 1)).astype(np.int64)
    # a text carries NUL bytes itself: measure each text instead
    lens = np.fromiter((len(t.encode("utf-8")) for t in texts), dtype=np.int64, count=len(texts))
    out = np.zeros(len(texts), dtype=np.int64)
    out[1:] = np.cumsum(lens + 1)[:-1]
    return out


def word_hashes(texts: Sequence[str], seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every word of ``texts`` in order, hashed: ``(hashes uint64, article index int64, length in bytes int64)``.

    Words are runs of ASCII letters and digits or non-ASCII letters; ASCII is case-folded.
    """
    base, inv, *_ = _constants(seed)
    empty = (np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    raw = np.frombuffer("\x00".join(texts).encode("utf-8"), dtype=np.uint8)
    # ASCII case folding in numpy (a str.lower() pass costs more than all the hashing); other scripts keep case
    b = _LOWER[raw]
    n = len(b)
    if n == 0:
        return empty
    word = _word_mask(b)
    first = word.copy()
    first[1:] &= ~word[:-1]
    starts = np.flatnonzero(first)
    if len(starts) == 0:
        return empty
    doc = np.searchsorted(_doc_offsets(texts, b), starts, side="right") - 1
    pw, ipw = _power_tables(base, inv, n + 1)
    ends = np.flatnonzero(word & ~np.concatenate((word[1:], [False]))) + 1
    with np.errstate(over="ignore"):
        # h(word) = sum_j b_j p^(j - start): one prefix sum over the chunk, then a difference per word
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(pw[:n] * b, out=prefix[1:])
        words = _mix((prefix[ends] - prefix[starts]) * ipw[starts] + np.uint64(0x9E3779B97F4A7C15))
    return words, doc, ends - starts


def shingle_hashes(texts: Sequence[str], shingle_size: int = 3, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """All word ``shingle_size``-shingle hashes of ``texts``: ``(hashes uint64, article index int64)``.

    A text with fewer words than ``shingle_size`` gives one shingle of all its words (so short texts still match).
    """
    _, _, c1, c2, _ = _constants(seed)
    words, doc, _ = word_hashes(texts, seed)
    if len(words) == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    with np.errstate(over="ignore"):
        k = shingle_size
        if len(words) < k:
            full = np.zeros(0, dtype=np.uint64)
            fdoc = np.zeros(0, dtype=np.int64)
        else:
            m = len(words) - k + 1
            acc = words[:m].copy()
            for j in range(1, k):
                acc = acc * np.uint64(c1) + words[j : j + m] * np.uint64(c2 + j)
            ok = doc[:m] == doc[k - 1 : k - 1 + m]
            full, fdoc = _mix(acc[ok]), doc[:m][ok]
        # texts shorter than k words: one shingle of what they have
        counts = np.bincount(doc, minlength=len(texts))
        short = np.flatnonzero((counts > 0) & (counts < k))
        if len(short):
            first_word = np.searchsorted(doc, short)
            extra = np.zeros(len(short), dtype=np.uint64)
            for j in range(k - 1):
                take = counts[short] > j
                extra[take] = extra[take] * np.uint64(c1) + words[first_word[take] + j] * np.uint64(c2 + j)
            full = np.concatenate((full, _mix(extra)))
            fdoc = np.concatenate((fdoc, short))
    return full, fdoc.astype(np.int64)


def signatures_from_shingles(
    hashes: np.ndarray, doc: np.ndarray, n_docs: int, num_perm: int = 128, seed: int = 1
) -> np.ndarray:
    """One-permutation MinHash with optimal densification: ``(n_docs, num_perm)`` uint32; all-``0xFFFFFFFF`` rows
    for articles without words."""
    _, _, _, _, salt = _constants(seed)
    bits = int(num_perm).bit_length() - 1
    if 1 << bits != num_perm:
        raise ValueError("num_perm must be a power of two")
    flat = np.full(n_docs * num_perm, _EMPTY, dtype=np.uint32)
    if len(hashes):
        with np.errstate(over="ignore"):
            hv = _mix(hashes ^ np.uint64(salt))
        bins = (hv >> np.uint64(64 - bits)).astype(np.int64)
        vals = (hv & np.uint64(0xFFFFFFFE)).astype(np.uint32)  # even: never equal to the empty marker
        np.minimum.at(flat, doc * num_perm + bins, vals)
    sig = flat.reshape(n_docs, num_perm)
    _densify(sig, salt)
    return sig


@functools.lru_cache(maxsize=8)
def _borrow_table(num_perm: int, salt: int, attempts: int) -> np.ndarray:
    """``[bin, attempt] -> bin to borrow from``: depends only on (bin, attempt), the same for every article, so
    signatures stay comparable and two articles with the same filled bins fill their empty bins alike."""
    cols = np.arange(num_perm, dtype=np.uint64)[:, None] << np.uint64(32)
    tries = np.arange(1, attempts + 1, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        return (_mix(cols + tries + np.uint64(salt)) % np.uint64(num_perm)).astype(np.int64)


def _densify(sig: np.ndarray, salt: int) -> None:
    num_perm = sig.shape[1]
    attempts = 8 * num_perm
    table = _borrow_table(num_perm, salt, attempts)
    orig = sig.copy()
    empty = orig == _EMPTY
    has_any = ~empty.all(axis=1)
    rows, cols = np.nonzero(empty & has_any[:, None])
    start, batch = 0, 2
    while len(rows) and start < attempts:
        # several attempts at once (more as fewer cells remain); the first that lands on a filled bin wins
        src = table[cols, start : start + batch]
        got = orig[rows[:, None], src]
        ok = got != _EMPTY
        hit = ok.any(axis=1)
        first = np.argmax(ok, axis=1)
        sig[rows[hit], cols[hit]] = got[hit, first[hit]]
        rows, cols = rows[~hit], cols[~hit]
        start, batch = start + batch, batch * 2
    for r, c in zip(rows, cols, strict=True):  # practically never: borrow the next filled bin to the right
        nz = np.flatnonzero(orig[r] != _EMPTY)
        sig[r, c] = orig[r, nz[np.searchsorted(nz, c) % len(nz)]]


_FORKED_TEXTS: Sequence[str] = ()


def _sign_range(args: tuple[int, int, int, int, int]) -> np.ndarray:
    start, end, shingle_size, num_perm, seed = args
    texts = _FORKED_TEXTS[start:end]
    hashes, doc = shingle_hashes(texts, shingle_size, seed)
    return signatures_from_shingles(hashes, doc, len(texts), num_perm, seed)


def signatures(texts: Sequence[str], params: NearDupParams | None = None, workers: int | None = None) -> np.ndarray:
    """MinHash signatures of ``texts`` (``(n, num_perm)`` uint32), chunked over ``workers`` processes."""
    global _FORKED_TEXTS
    p = params or NearDupParams()
    if workers is None:
        workers = fork_workers(2, len(texts), max(1, p.chunk_size // 2))
    if not texts:
        return np.zeros((0, p.num_perm), dtype=np.uint32)
    ranges = [
        (i, min(i + p.chunk_size, len(texts)), p.shingle_size, p.num_perm, p.seed)
        for i in range(0, len(texts), p.chunk_size)
    ]
    _FORKED_TEXTS = texts
    base, inv, *_ = _constants(p.seed)
    _power_tables(base, inv, 1 << 22)  # built once before forking, shared by the workers
    try:
        if workers <= 1 or len(ranges) == 1 or "fork" not in mp.get_all_start_methods():
            parts = [_sign_range(r) for r in ranges]
        else:
            # forked workers see the texts without pickling them; only the small signatures travel back
            with mp.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_sign_range, ranges, chunksize=1)
    finally:
        _FORKED_TEXTS = ()
    return np.concatenate(parts)


def lsh_candidates(sig: np.ndarray, bands: int = 32, max_bucket: int = 200) -> np.ndarray:
    """Candidate pairs ``(m, 2)`` int64 (``i < j``, sorted, unique) sharing at least one LSH band bucket."""
    n = len(sig)
    keys, members = band_keys(sig, bands)
    if len(members) < 2 * bands:  # fewer than two articles with words
        return np.zeros((0, 2), dtype=np.int64)
    allp = bucket_pairs(keys, members, max_bucket)
    if not len(allp):
        return np.zeros((0, 2), dtype=np.int64)
    code = np.unique(allp[:, 0] * n + allp[:, 1])
    return np.stack([code // n, code % n], axis=1)


def band_keys(sig: np.ndarray, bands: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Every LSH band key of the rows of ``sig`` that have words: ``(keys uint64, row)``, band-major. A row's keys
    depend on its signature alone (the band number is mixed in), so keys made batch by batch bucket like the pile's."""
    num_perm = sig.shape[1]
    rows = num_perm // bands
    idx_all = np.flatnonzero(sig[:, 0] != _EMPTY)
    block = sig[idx_all, : bands * rows].astype(np.uint64).reshape(len(idx_all), bands, rows)
    with np.errstate(over="ignore"):
        key = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), (len(idx_all), bands)).copy()
        for r in range(rows):
            key = _mix(key * np.uint64(0x100000001B3) + block[:, :, r])
    return key.T.ravel(), np.tile(idx_all, bands)


def bucket_pairs(keys: np.ndarray, members: np.ndarray, max_bucket: int = 200) -> np.ndarray:
    """Pairs ``(m, 2)`` (``i < j``; a pair may repeat) of rows that share a band key: all pairs of a bucket, or a
    star from its smallest row when it holds more than ``max_bucket`` rows. Any set of rows that holds every row of
    each of its keys gives the pairs the whole pile gives for those keys."""
    order = np.argsort(keys, kind="stable")  # one sort buckets every band at once (band is mixed into the key)
    ks, ms = keys[order], members[order]
    if not len(ks):
        return np.zeros((0, 2), dtype=np.int64)
    brk = np.flatnonzero(ks[1:] != ks[:-1]) + 1
    starts = np.concatenate(([0], brk))
    sizes = np.diff(np.concatenate((starts, [len(ks)])))
    pairs: list[np.ndarray] = []
    two = starts[sizes == 2]
    if len(two):
        a, b = ms[two], ms[two + 1]
        pairs.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    for s, size in zip(starts[sizes > 2], sizes[sizes > 2], strict=True):
        members_s = np.unique(ms[s : s + size])
        if len(members_s) > max_bucket:  # boilerplate-sized bucket: a star keeps it connected at linear cost
            pairs.append(np.stack([np.full(len(members_s) - 1, members_s[0]), members_s[1:]], axis=1))
        else:
            i, j = np.triu_indices(len(members_s), 1)
            pairs.append(np.stack([members_s[i], members_s[j]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    allp = np.concatenate(pairs).astype(np.int64)
    return allp[allp[:, 0] != allp[:, 1]]


def estimated_jaccard(sig: np.ndarray, pairs: np.ndarray, block: int = 65536) -> np.ndarray:
    out = np.zeros(len(pairs), dtype=np.float64)
    for s in range(0, len(pairs), block):
        p = pairs[s : s + block]
        out[s : s + block] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    return out


def near_duplicates(
    texts: Sequence[str], params: NearDupParams | None = None, workers: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Near-duplicate pairs of ``texts``: ``(pairs (m, 2) int64 with i < j, estimated Jaccard (m,))``, keeping pairs
    whose MinHash estimate reaches ``params.threshold``."""
    p = params or NearDupParams()
    sig = signatures(texts, p, workers)
    cand = lsh_candidates(sig, p.bands, p.max_bucket)
    est = estimated_jaccard(sig, cand)
    keep = est >= p.threshold
    return cand[keep], est[keep]
