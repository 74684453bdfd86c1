"""Sentence spans and article ids: worked cases, and properties that hold for every text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.ingest import article_id, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Ana Ruiz said the U.S. Navy helped. It arrived on Jan. 5 at 9 p.m. on the north quay.",
            ["Dr. Ana Ruiz said the U.S. Navy helped.", "It arrived on Jan. 5 at 9 p.m. on the north quay."],
        ),
        (
            "George W. Bush met officials in the U.S. The talks ended.",
            ["George W. Bush met officials in the U.S.", "The talks ended."],
        ),
        ("Costs rose 3.5 per cent. Fares rose 2.1 per cent.", ["Costs rose 3.5 per cent.", "Fares rose 2.1 per cent."]),
        (
            "“We will rebuild. We always have,” she said. Then she left.",
            ["“We will rebuild.", "We always have,” she said.", "Then she left."],
        ),
        ('He said: "It is done." Then he left.', ['He said: "It is done."', "Then he left."]),
        ("“Get out!” she shouted. Who knew?", ["“Get out!” she shouted.", "Who knew?"]),
        ("Acme Inc. said nothing. No. 6 pier stays shut.", ["Acme Inc. said nothing.", "No. 6 pier stays shut."]),
        ("First paragraph ends\n\nSecond one starts here.", ["First paragraph ends", "Second one starts here."]),
    ],
)
def test_worked_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


texts = st.text(alphabet=st.sampled_from(list("abcXYZ .!?\n“”\"'()0123456789,—")), max_size=300) | st.text(max_size=200)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_spans_are_ordered_disjoint_nonempty_and_inside(text: str) -> None:
    spans = split_sentences(text)
    prev_end = 0
    for start, end in spans:
        assert 0 <= prev_end <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]  # no leading or trailing white space
        assert "\n" not in text[start:end]  # paragraphs never share a sentence
        prev_end = end
    covered = "".join(text[s:e] for s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())  # every non-space character is in a sentence


@given(st.text(max_size=200), st.lists(st.sampled_from([" ", "\n", "\t", "  ", "\n\n"]), min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_article_id_ignores_white_space(text: str, spaces: list[str]) -> None:
    words = text.split()
    respaced = "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    assert article_id(" ".join(words)) == article_id(respaced) == article_id("\n" + text + "  ")


def test_article_id_tells_different_texts_apart() -> None:
    assert article_id("The fire started at 9 p.m.") != article_id("The fire started at 8 p.m.")
