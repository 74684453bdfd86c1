"""Near-duplicate hashing: finds true near-duplicates, ignores unrelated texts, estimates Jaccard, deterministic."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.stories import neardup as nd

WIRE = (
    "Fire destroyed a grain warehouse at Port Valmora on Tuesday night and left seventeen cargo ships waiting at "
    "anchor, the port authority said on Wednesday. Firefighters worked through the night to contain the blaze, "
    "which began shortly after ten o'clock in a storage hall on the eastern quay. No one was hurt, but the harbour "
    "master said the port would stay closed until inspectors had checked the damaged cranes and the quay wall. "
    "Traders warned that grain prices could rise if the closure lasted more than a few days."
)
COPY = WIRE.replace("Tuesday night", "Tuesday evening").replace("Traders warned", "Grain traders warned")
OTHER = (
    "The city council approved a new budget for public libraries on Monday after a long debate about opening hours, "
    "staff numbers and the cost of heating old buildings during the winter months, a spokeswoman said."
)
OTHER2 = (
    "A magnitude 6.1 earthquake struck the mountains east of the capital early on Sunday, damaging roads and "
    "several schools; the national seismology office said aftershocks were likely for several days."
)


def exact_jaccard(a: str, b: str, k: int = 3) -> float:
    def sh(t: str) -> set[str]:
        w = re.findall(r"[0-9a-z]+", t.lower())
        return {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)}

    x, y = sh(a), sh(b)
    return len(x & y) / len(x | y)


def test_finds_near_duplicates_and_not_unrelated_texts():
    texts = [OTHER, WIRE, OTHER2, COPY]
    pairs, est = nd.near_duplicates(texts)
    assert pairs.tolist() == [[1, 3]]
    assert abs(est[0] - exact_jaccard(WIRE, COPY)) < 0.15


def test_deterministic_and_same_with_two_workers():
    texts = [WIRE, COPY, OTHER, OTHER2] * 30
    p = nd.NearDupParams(chunk_size=16)
    a = nd.signatures(texts, p, workers=1)
    b = nd.signatures(texts, p, workers=2)
    assert np.array_equal(a, b)
    assert np.array_equal(a, nd.signatures(texts, p, workers=1))
    assert not np.array_equal(a[:1], nd.signatures(texts[:1], nd.NearDupParams(seed=2), workers=1))


def test_case_punctuation_and_chunking_do_not_change_signatures():
    t = "The Harbour Master — said “no one” was hurt… at £5 a tonne."
    sig_alone = nd.signatures([t])
    sig_mixed = nd.signatures([OTHER, t.upper().replace("£5", "£5"), WIRE], nd.NearDupParams(chunk_size=2))
    assert np.array_equal(sig_alone[0], sig_mixed[1])


def test_short_and_empty_texts():
    sig = nd.signatures(["", "two words", "Two  words!", "three more words"])
    assert (sig[0] == 0xFFFFFFFF).all()
    assert np.array_equal(sig[1], sig[2])
    assert not np.array_equal(sig[1], sig[3])
    pairs, _ = nd.near_duplicates(["", "two words", "Two  words!"])
    assert pairs.tolist() == [[1, 2]]


words = st.lists(
    st.sampled_from("port fire ship grain crane quay night day blaze harbour tide ten".split()),
    min_size=40,
    max_size=120,
)


@settings(max_examples=40, deadline=None)
@given(words, st.integers(min_value=0, max_value=30))
def test_estimate_tracks_exact_jaccard(base, edits):
    a = " ".join(base)
    b_words = list(base)
    for i in range(edits):
        b_words[(i * 7) % len(b_words)] = "changed"
    b = " ".join(b_words)
    sig = nd.signatures([a, b])
    est = float((sig[0] == sig[1]).mean())
    assert abs(est - exact_jaccard(a, b)) < 0.3
