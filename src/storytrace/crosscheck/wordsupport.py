"""Fine-grained support of a derived sentence by its source: align it to its best source sentences, diff the words,
and describe every word the source does not have (what replaced what, how related the two words are).

SummEdits-style edits change one or two words of an otherwise faithful sentence: a name, a figure, an antonym, a
negation, an inserted fact. Sentence vectors barely move under such an edit; a word diff against the aligned source
span shows it, and the lexicon (WordNet synonyms/antonyms/siblings) plus MiniLM vectors of the words themselves tell
a paraphrase ("audacious" -> "bold") from a swap ("Wednesday" -> "Saturday", "rise" -> "fall").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence

import numpy as np

from storytrace.crosscheck.lexicon import known, relation
from storytrace.crosscheck.text import FUNCTION_WORDS, is_negation, stem, words
from storytrace.datewords import MONTH_NAMES, WEEKDAY_NAMES

WORD_FEATURES = [
    "wf_novel",  # content words of the derived text absent from the whole source (by stem)
    "wf_novel_local",  # ...absent from the aligned source span
    "wf_moved",  # present in the source but not in the aligned span
    "wf_novel_far",  # novel words whose nearest source word (MiniLM word vectors) is far (cos < 0.5)
    "wf_min_word_sim",  # the least supported novel word: cosine to its nearest source word
    "wf_min_counterpart_sim",  # a replaced word: cosine to the source words it replaced
    "wf_antonym",  # a novel word that is an antonym of a source word in the aligned span
    "wf_sibling",  # a novel word that is a co-hyponym of the word it replaced (Saturday / Wednesday)
    "wf_synonym_share",  # share of novel words that are synonyms of a span word (paraphrase)
    "wf_unexplained",  # novel words with no synonym/broader relation in the span and word cos < 0.7
    "wf_unknown_novel",  # novel words WordNet does not know (names, jargon) and no near source word
    "wf_negation_diff",  # a negation on one side only of the aligned pair
    "wf_negation_dropped",  # the best source sentence is negated, the derived sentence is not
    "wf_novel_numbers",
    "wf_novel_names",
    "wf_inserted_run",  # longest run of inserted content words against the best source sentence
    "wf_n_content",
]
_NUM = re.compile(r"\d[\d,.]*")
_CAP = re.compile(r"\b[A-Z][a-zA-Z]+")
_MONTHS_DAYS = frozenset(MONTH_NAMES + WEEKDAY_NAMES)


def _content(ws: Sequence[str]) -> list[str]:
    return [w for w in ws if w not in FUNCTION_WORDS and not is_negation(w) and (w.isalpha() or w.isdigit())]


def sentence_features(
    sent: str,
    span_sents: Sequence[str],
    source_stems: set[str],
    source_words: Sequence[str],
    source_numbers: set[str],
    source_names: set[str],
    word_vecs: Callable[[Sequence[str]], np.ndarray],
    source_word_vecs: np.ndarray,
) -> np.ndarray:
    """Features of one derived sentence against its aligned source span (its best 1-2 source sentences)."""
    dw = words(sent)
    span_words = [w for s in span_sents for w in words(s)]
    best_words = words(span_sents[0]) if span_sents else []
    span_stems = {stem(w) for w in span_words}
    dc = _content(dw)
    novel = [w for w in dc if stem(w) not in source_stems and not w.isdigit()]
    novel_local = [w for w in dc if stem(w) not in span_stems and not w.isdigit()]
    moved = [w for w in novel_local if stem(w) in source_stems]

    # word diff against the best sentence: what each novel word replaced
    sm = difflib.SequenceMatcher(a=[stem(w) for w in best_words], b=[stem(w) for w in dw], autojunk=False)
    counterpart: dict[str, list[str]] = {}
    inserted_run = 0
    neg_diff = 0.0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        dseg, sseg = dw[j1:j2], best_words[i1:i2]
        if op in ("replace", "insert", "delete"):
            neg_d = any(is_negation(w) for w in dseg)
            neg_s = any(is_negation(w) for w in sseg)
            # a deleted source negation only counts inside the matched region (not a far clause the summary skipped)
            inside = i1 > 0 and i2 < len(best_words) and 0 < j1 <= len(dw)
            if neg_d != neg_s and (neg_d or inside):
                neg_diff = 1.0
        if op == "replace":
            sc = _content(sseg)
            for w in _content(dseg):
                counterpart[w] = sc
        elif op == "insert":
            inserted_run = max(inserted_run, len([w for w in _content(dseg) if stem(w) not in span_stems]))
    if any(is_negation(w) for w in dw) and not any(is_negation(w) for w in span_words):
        neg_diff = 1.0

    span_content = sorted(set(_content(span_words)))
    antonym = sibling = synonym = unexplained = unknown = 0
    min_sim, min_cp = 1.0, 1.0
    far = 0
    if novel_local:
        nv = word_vecs(novel_local)
        sims = nv @ source_word_vecs.T if len(source_word_vecs) else np.zeros((len(novel_local), 1))
        best_sim = sims.max(axis=1) if sims.size else np.zeros(len(novel_local))
        span_vecs = word_vecs(span_content) if span_content else np.zeros((0, nv.shape[1]))
        for k, w in enumerate(novel_local):
            is_novel = stem(w) not in source_stems
            cps = counterpart.get(w, [])
            rels = [relation(w, c) for c in span_content]
            cp_rels = [relation(w, c) for c in cps]
            if "antonym" in rels:
                antonym += 1
            if "sibling" in cp_rels or (w in _MONTHS_DAYS and any(c in _MONTHS_DAYS for c in cps)):
                sibling += 1
            is_syn = any(r in ("synonym", "broader", "same") for r in rels)
            synonym += is_syn
            local_sim = float((span_vecs @ nv[k]).max()) if len(span_vecs) else 0.0
            if cps:
                cv = word_vecs(cps)
                min_cp = min(min_cp, float((cv @ nv[k]).max()))
            if is_novel:
                min_sim = min(min_sim, float(best_sim[k]))
                far += float(best_sim[k]) < 0.5
                if not is_syn and local_sim < 0.7:
                    unexplained += 1
                if not known(w) and float(best_sim[k]) < 0.7:
                    unknown += 1
    nums = {n.strip(".,") for n in _NUM.findall(sent)}
    names = {m.group().lower() for m in _CAP.finditer(sent) if m.start() > 0}
    return np.array(
        [
            len(novel),
            len(novel_local),
            len(moved),
            far,
            min_sim,
            min_cp,
            antonym,
            sibling,
            synonym / max(len(novel_local), 1),
            unexplained,
            unknown,
            neg_diff,
            float(any(is_negation(w) for w in best_words) and not any(is_negation(w) for w in dw)),
            len(nums - source_numbers),
            sum(n not in source_names and stem(n) not in source_stems for n in names),
            inserted_run,
            len(dc),
        ],
        dtype=np.float64,
    )


def pool(rows: Sequence[np.ndarray]) -> np.ndarray:
    """A derived text's features from its sentences': counts add up, similarities take the weakest sentence."""
    if not rows:
        return np.zeros(len(WORD_FEATURES))
    m = np.stack(rows)
    out = m.sum(axis=0)
    for name in ("wf_min_word_sim", "wf_min_counterpart_sim"):
        i = WORD_FEATURES.index(name)
        out[i] = m[:, i].min()
    for name in ("wf_synonym_share", "wf_negation_diff", "wf_negation_dropped", "wf_inserted_run"):
        i = WORD_FEATURES.index(name)
        out[i] = m[:, i].max() if name != "wf_synonym_share" else m[:, i].mean()
    return out
