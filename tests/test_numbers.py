"""Numbers with what they count, vague quantities as ranges, and compatibility between mentions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.claims.numbers import compatible, find_numbers
from storytrace.records import NumberMention


def one(sentence: str) -> NumberMention:
    found = find_numbers(sentence)
    assert len(found) == 1, [n.text for n in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "text", "low", "high", "counts"),
    [
        ("The union said 300 nurses walked out on Monday.", "300", 300, 300, "nurses"),
        ("Firefighters moved 17 ships away from the quay.", "17", 17, 17, "ships"),
        ("The council approved a 12% rise in bus fares.", "12%", 12, 12, "% rise in bus fares"),
        ("The mayor won nearly half of the vote.", "nearly half", 0.4, 0.5, "the vote"),
        ("The warehouse held about 4,000 tonnes of grain.", "about 4,000", 3600, 4400, "tonnes"),
        ("Two dozen boats left the harbour.", "Two dozen", 24, 24, "boats"),
        ("More than a dozen crew members were treated.", "More than a dozen", 13, None, "crew members"),
        ("Dozens of residents were evacuated.", "Dozens", 24, 99, "residents"),
        ("Hundreds of people gathered outside.", "Hundreds", 200, 999, "people"),
        ("Twenty-three people were rescued.", "Twenty-three", 23, 23, "people"),
        ("Fewer than 50 homes lost power.", "Fewer than 50", 0, 49, "homes"),
        ("Up to 40 percent of flights were cancelled.", "Up to 40 percent", 0, 40, "% of flights"),
        ("Repairs will cost $4.5 million, the port said.", "$4.5 million", 4.5e6, 4.5e6, None),
    ],
)
def test_quantities(sentence, text, low, high, counts):
    n = one(sentence)
    assert n.text == text
    assert n.low == pytest.approx(low) if low is not None else n.low is None
    assert n.high == pytest.approx(high) if high is not None else n.high is None
    assert n.counts == counts
    assert sentence[n.start : n.end] == n.text


@pytest.mark.parametrize(
    "sentence", ["The fire started at 3 a.m. on Tuesday.", "The port opened in 1998.", "Talks began at 10:30."]
)
def test_times_and_years_are_not_quantities(sentence):
    assert find_numbers(sentence) == []


def test_compatible():
    seventeen = one("17 ships burned.")
    dozen_plus = one("More than a dozen ships burned.")
    twelve = one("12 ships burned.")
    about = one("About 4,000 tonnes burned.")
    exact = one("4,100 tonnes burned.")
    assert compatible(seventeen, dozen_plus)
    assert not compatible(seventeen, twelve)
    assert not compatible(twelve, dozen_plus)
    assert compatible(about, exact)
    assert not compatible(exact, one("5,000 tonnes burned."))


@given(st.integers(min_value=1, max_value=100_000))
def test_exact_number_is_compatible_with_itself_and_not_with_a_neighbour(n):
    a = one(f"Officials counted {n:,} boats.")
    b = one(f"Officials counted {n + 1:,} boats.")
    assert a.low == a.high == n
    assert compatible(a, a)
    assert not compatible(a, b)


@given(st.integers(min_value=2, max_value=10_000))
def test_more_than_n_excludes_n_and_includes_n_plus_one(n):
    vague = one(f"More than {n:,} people came.")
    assert not compatible(vague, one(f"{n:,} people came."))
    assert compatible(vague, one(f"{n + 1:,} people came."))


@pytest.mark.parametrize(
    "sentence",
    ["It was a third instance of abuse at the home.", "A third man was charged on Monday.", "He won a third term."],
)
def test_a_third_before_the_noun_it_ranks_is_an_ordinal(sentence: str) -> None:
    assert find_numbers(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "low"),
    [
        ("A third of the vote went to the mayor.", 1 / 3),
        ("Sales fell by a third.", 1 / 3),
        ("Sales fell by a third in 2024.", 1 / 3),
        ("Fares rose a third more than planned.", 1 / 3),
        ("Nearly a third of homes lost power.", 0.8 / 3),
    ],
)
def test_a_third_as_a_share_is_still_a_fraction(sentence: str, low: float) -> None:
    assert one(sentence).low == pytest.approx(low)
