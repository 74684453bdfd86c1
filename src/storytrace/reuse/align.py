"""Sentence alignment between a (candidate) derived article and a (candidate) source article.

Two kinds of evidence:

* **verbatim**: shared word runs found by a greedy string tiling (as in Wise's Greedy String Tiling and the
  churnalism detectors): maximal common word runs of at least ``min_match`` words, taken longest first, each word of
  either text used by at most one tile. Per derived sentence we measure the share of its words inside tiles.
* **paraphrase**: per sentence pair, the embedding cosine (MiniLM vectors from ``vectors_by_id``), the containment of
  the derived sentence's content words in the source sentence (rapidfuzz's token-set ratio as a second lexical view,
  tolerant of reordered and inserted words) and agreement of numbers and names.

Each derived sentence is linked to its best source sentence, or to two adjacent source sentences when the rewrite
merged them; two consecutive derived sentences that split one source sentence become one link with two targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from storytrace.reuse.text import ArticleTokens


@dataclass(frozen=True)
class AlignParams:
    min_match: int = 3  # shortest word run counted as verbatim
    verbatim_share: float = 0.5  # a sentence is a verbatim match when this share of its words is in tiles
    paraphrase_score: float = 0.62  # combined paraphrase score needed for a paraphrase link
    min_sentence_words: int = 4  # shorter sentences (bylines, "He denied it.") are never evidence on their own
    w_cosine: float = 0.5  # weights of the paraphrase score: embedding cosine, content-word containment, rapidfuzz
    w_lexical: float = 0.3


@dataclass
class Link:
    """One derived sentence (or two, for a split) explained by one source sentence (or two, for a merge)."""

    derived: list[int]
    source: list[int]
    similarity: float
    match: str  # verbatim | paraphrase
    covered: int  # derived words explained (tile words for verbatim, all words for paraphrase)
    verbatim: float  # share of the derived sentence's words inside tiles
    cosine: float
    lexical: float


@dataclass
class Alignment:
    derived_words: int
    derived_sentences: int
    tiles: list[tuple[int, int, int]]  # (derived word index, source word index, length)
    covered: np.ndarray  # bool per derived word: inside a tile
    links: list[Link] = field(default_factory=list)
    sentence_verbatim: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per derived sentence tile share
    best_cosine: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per derived sentence
    best_lexical: np.ndarray = field(default_factory=lambda: np.zeros(0))
    best_score: np.ndarray = field(default_factory=lambda: np.zeros(0))
    best_fuzzy: np.ndarray = field(default_factory=lambda: np.zeros(0))


def tiles(derived: list[str], source: list[str], min_match: int) -> list[tuple[int, int, int]]:
    """Greedy string tiling over word lists: non-overlapping maximal common runs of ``>= min_match`` words."""
    if len(derived) < min_match or len(source) < min_match:
        return []
    index: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(source) - min_match + 1):
        index.setdefault(tuple(source[j : j + min_match]), []).append(j)
    candidates: list[tuple[int, int, int]] = []
    nd, ns = len(derived), len(source)
    for i in range(nd - min_match + 1):
        hits = index.get(tuple(derived[i : i + min_match]))
        if not hits:
            continue
        for j in hits:
            if i > 0 and j > 0 and derived[i - 1] == source[j - 1]:
                continue  # not maximal: the run starting one word earlier covers it
            k = min_match
            while i + k < nd and j + k < ns and derived[i + k] == source[j + k]:
                k += 1
            candidates.append((k, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_d = np.zeros(nd, dtype=bool)
    used_s = np.zeros(ns, dtype=bool)
    out: list[tuple[int, int, int]] = []
    for k, i, j in candidates:
        # Trim a run that overlaps earlier (longer) tiles to its still-free stretches, as GST's next round would.
        run = 0
        for t in range(k + 1):
            free = t < k and not used_d[i + t] and not used_s[j + t]
            if free:
                run += 1
                continue
            if run >= min_match:
                a = t - run
                used_d[i + a : i + t] = True
                used_s[j + a : j + t] = True
                out.append((i + a, j + a, run))
            run = 0
    out.sort()
    return out


def _lexical(d_content: frozenset[str], s_content: frozenset[str]) -> float:
    if not d_content:
        return 0.0
    return len(d_content & s_content) / len(d_content)


def align(
    derived: ArticleTokens,
    source: ArticleTokens,
    derived_vectors: np.ndarray | None,
    source_vectors: np.ndarray | None,
    params: AlignParams | None = None,
) -> Alignment:
    """Align the derived article's sentences to the source's; see the module docstring."""
    p = params or AlignParams()
    nd, ns = derived.n_sentences, source.n_sentences
    found = tiles(derived.words, source.words, p.min_match)
    covered = np.zeros(len(derived.words), dtype=bool)
    # tile words per (derived sentence, source sentence)
    pair_tiles = np.zeros((max(nd, 1), max(ns, 1)), dtype=np.int32)
    for i, j, k in found:
        covered[i : i + k] = True
        for t in range(k):
            pair_tiles[derived.sentence_of[i + t], source.sentence_of[j + t]] += 1
    result = Alignment(len(derived.words), nd, found, covered)
    if nd == 0 or ns == 0:
        result.sentence_verbatim = np.zeros(nd)
        result.best_cosine = np.zeros(nd)
        result.best_lexical = np.zeros(nd)
        result.best_score = np.zeros(nd)
        result.best_fuzzy = np.zeros(nd)
        return result

    d_len = np.array([max(derived.sentence_len(s), 1) for s in range(nd)], dtype=np.float64)
    if (
        derived_vectors is not None
        and source_vectors is not None
        and len(derived_vectors) == nd
        and len(source_vectors) == ns
    ):
        cos = np.clip(derived_vectors @ source_vectors.T, 0.0, 1.0).astype(np.float64)
    else:
        cos = np.zeros((nd, ns))
    fz = (
        process.cdist(
            [" ".join(derived.sentence_words(a)) for a in range(nd)],
            [" ".join(source.sentence_words(b)) for b in range(ns)],
            scorer=fuzz.token_set_ratio,
            dtype=np.uint8,
        ).astype(np.float64)
        / 100.0
    )
    lex = np.zeros((nd, ns))
    for a in range(nd):
        dc = derived.content[a]
        if dc:
            for b in range(ns):
                if cos[a, b] > 0.35 or pair_tiles[a, b] or not cos.any():
                    lex[a, b] = _lexical(dc, source.content[b])
    verb = pair_tiles / d_len[:, None]
    # Numbers and names that disagree pull a pair down; agreeing ones pull it up (independent reports share names, so
    # the bonus is small).
    score = p.w_cosine * cos + p.w_lexical * lex + (1.0 - p.w_cosine - p.w_lexical) * fz
    for a in range(nd):
        dn, dm = derived.numbers[a], derived.names[a]
        if not dn and not dm:
            continue
        for b in range(ns):
            if score[a, b] < 0.4:
                continue
            if dn:
                score[a, b] += 0.04 if dn <= source.numbers[b] else -0.08 if not (dn & source.numbers[b]) else 0.0
            if dm and not (dm & source.names[b]):
                score[a, b] -= 0.04
    score = np.maximum(score, verb)

    best = score.argmax(axis=1)
    rows = np.arange(nd)
    result.sentence_verbatim = pair_tiles.sum(axis=1) / d_len
    result.best_cosine = cos[rows, best]
    result.best_lexical = lex[rows, best]
    result.best_score = score[rows, best]
    result.best_fuzzy = fz[rows, best]

    links: list[Link] = []
    for a in range(nd):
        b = int(best[a])
        n_words = derived.sentence_len(a)
        src = [b]
        v = float(verb[a, b])
        s = float(score[a, b])
        # Merge: the rewrite folded two adjacent source sentences into one.
        for nb in (b - 1, b + 1):
            if 0 <= nb < ns and nb not in src:
                joint_v = float((pair_tiles[a, b] + pair_tiles[a, nb]) / d_len[a])
                joint_lex = _lexical(derived.content[a], source.content[b] | source.content[nb])
                gain_v = joint_v - v
                gain_l = joint_lex - float(lex[a, b])
                if (gain_v >= 0.25 and verb[a, nb] * d_len[a] >= p.min_match) or (
                    gain_l >= 0.25 and lex[a, nb] >= 0.3 and cos[a, nb] >= 0.5
                ):
                    src = sorted([b, nb])
                    v = max(v, joint_v)
                    s = max(s, joint_v, p.w_cosine * max(cos[a, b], cos[a, nb]) + (1 - p.w_cosine) * joint_lex)
                    break
        if n_words < p.min_sentence_words and v < 1.0:
            continue
        if v >= p.verbatim_share:
            match = "verbatim"
            words = round(v * n_words)
        elif s >= p.paraphrase_score:
            match = "paraphrase"
            words = n_words
        else:
            continue
        links.append(Link([a], src, round(min(max(s, v), 1.0), 4), match, words, v, float(cos[a, b]), float(lex[a, b])))
    result.links = _join_splits(links)
    return result


def _join_splits(links: list[Link]) -> list[Link]:
    """Two consecutive derived sentences explained by the same single source sentence: the rewrite split it."""
    out: list[Link] = []
    for link in links:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(prev.source) == 1
            and prev.source == link.source
            and len(prev.derived) == 1
            and prev.derived[0] + 1 == link.derived[0]
        ):
            out[-1] = Link(
                prev.derived + link.derived,
                prev.source,
                max(prev.similarity, link.similarity),
                "verbatim" if prev.match == link.match == "verbatim" else "paraphrase",
                prev.covered + link.covered,
                (prev.verbatim + link.verbatim) / 2,
                max(prev.cosine, link.cosine),
                max(prev.lexical, link.lexical),
            )
            continue
        out.append(link)
    return out
