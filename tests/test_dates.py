"""Absolute and relative dates, resolved against the article's anchor date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.claims.dates import anchor_date, find_dates

FRIDAY = dt.date(2025, 3, 14)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def dates(sentence: str, anchor: dt.date | None = FRIDAY):
    return find_dates(sentence, 0, len(sentence), anchor, "published" if anchor else None)


@pytest.mark.parametrize(
    ("sentence", "text", "value", "precision"),
    [
        ("The fire broke out on Tuesday night.", "Tuesday night", "2025-03-11", "day"),
        ("Officials met Wednesday to review the damage.", "Wednesday", "2025-03-12", "day"),
        ("The port will reopen on Monday.", "Monday", "2025-03-17", "day"),
        ("The inquiry opens next Friday.", "next Friday", "2025-03-21", "day"),
        ("The crane failed last Friday.", "last Friday", "2025-03-07", "day"),
        ("Earlier this week the mayor visited the quay.", "Earlier this week", "2025-03-10", "week"),
        ("Talks on compensation resume next week.", "next week", "2025-03-17", "week"),
        ("Shipping volumes fell last month.", "last month", "2025-02", "month"),
        ("The captain was questioned yesterday.", "yesterday", "2025-03-13", "day"),
        ("The report was published on March 3, 2024.", "March 3, 2024", "2024-03-03", "day"),
        ("The warehouse was inspected on 3 February.", "3 February", "2025-02-03", "day"),
        ("The terminal opened in May 2019.", "May 2019", "2019-05", "month"),
    ],
)
def test_resolved(sentence, text, value, precision):
    found = dates(sentence)
    assert [(d.text, d.value, d.precision) for d in found] == [(text, value, precision)]


def test_unanchored_relative_date_has_no_value():
    (d,) = dates("The fire broke out on Tuesday.", anchor=None)
    assert d.value is None and d.precision == "day"


def test_anchor_sources():
    assert anchor_date("2025-03-14T09:00:00Z", None, "") == (FRIDAY, "published")
    assert anchor_date(None, "VALMORA, March 14, 2025 (Meridian)", "") == (FRIDAY, "dateline")
    assert anchor_date(None, None, "The blast on March 14, 2025 shook the city.") == (FRIDAY, "stated")
    assert anchor_date(None, None, "No date here.") == (None, None)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)), st.sampled_from(WEEKDAYS))
def test_past_weekday_within_six_days_before(anchor, weekday):
    (d,) = dates(f"The crane collapsed on {weekday}.", anchor)
    value = dt.date.fromisoformat(d.value)
    assert 0 <= (anchor - value).days <= 6
    assert value.strftime("%A") == weekday


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)), st.sampled_from(WEEKDAYS))
def test_future_weekday_within_six_days_after(anchor, weekday):
    (d,) = dates(f"The port will reopen on {weekday}.", anchor)
    value = dt.date.fromisoformat(d.value)
    assert 0 <= (value - anchor).days <= 6
    assert value.strftime("%A") == weekday


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_last_month_is_the_month_before(anchor):
    (d,) = dates("Fares rose last month.", anchor)
    first = anchor.replace(day=1) - dt.timedelta(days=1)
    assert d.value == f"{first.year:04d}-{first.month:02d}"


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_next_week_is_the_following_monday(anchor):
    (d,) = dates("Talks resume next week.", anchor)
    value = dt.date.fromisoformat(d.value)
    assert value.weekday() == 0 and 1 <= (value - anchor).days <= 7


def test_weekday_of_a_past_saying_in_a_forward_looking_sentence() -> None:
    # "said on Wednesday" dates the saying (past) even though the sentence looks ahead to "next week"
    text = "The port authority said on Wednesday it expected the harbour to reopen next week."
    found = {d.text: d.value for d in find_dates(text, 0, len(text), dt.date(2025, 3, 13), "published")}
    assert found == {"Wednesday": "2025-03-12", "next week": "2025-03-17"}
    text = "The vote is scheduled on Friday and will be public."
    assert [d.value for d in find_dates(text, 0, len(text), dt.date(2025, 3, 13), "published")] == ["2025-03-14"]


def test_a_weekday_points_the_way_of_the_verb_it_hangs_from() -> None:
    # a forward-looking sentence about Friday's meeting that recalls Tuesday's fire; a report of a past decision
    # about the coming Monday
    text = "The board is set to meet on Friday, with the quay shut since a fire destroyed the depot on Tuesday night."
    found = {d.text: d.value for d in find_dates(text, 0, len(text), dt.date(2025, 3, 13), "published")}
    assert found["Friday"] == "2025-03-14" and found["Tuesday night"] == "2025-03-11"
    text = "The board met on Friday and decided to reopen the quay to ships on Monday."
    found = {d.text: d.value for d in find_dates(text, 0, len(text), dt.date(2025, 3, 15), "published")}
    assert found["Friday"] == "2025-03-14" and found["Monday"] == "2025-03-17"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # "to" after a past verb is a preposition: the weekday is the one just gone (published Tuesday 3 Sept)
        ("The bridge was closed to traffic on Monday after a barge struck a pier.", "2024-09-02"),
        ("Workers returned to the site on Monday.", "2024-09-02"),
        # "to" after a verb that looks ahead starts what is to come
        ("The bridge is expected to reopen on Monday.", "2024-09-09"),
        ("The council agreed to meet on Monday.", "2024-09-09"),
    ],
)
def test_to_after_a_past_verb_is_not_an_infinitive(sentence: str, value: str) -> None:
    found = find_dates(sentence, 0, len(sentence), dt.date(2024, 9, 3), "published")
    assert [d.value for d in found] == [value]


PUBLISHED_NOVEMBER = dt.date(2025, 11, 20)


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # a future tour, published in November: June 9th is next June, not the last one
        ("The band will play Dublin on June 9th.", "2026-06-09"),
        ("The tour starts June 9th in Dublin.", "2026-06-09"),
        ("The band announced a 20-date tour starting June 9th.", "2026-06-09"),
        ("The retrial is set for March 3.", "2026-03-03"),
        # a report of the past: the last such day
        ("He was arrested on June 9.", "2025-06-09"),
        ("The warehouse was inspected on 3 February.", "2025-02-03"),
        ("The shop has been shut since June 9.", "2025-06-09"),
        # nothing in the clause says which way: the nearest, within six months
        ("Tour dates: June 9th, Dublin.", "2025-06-09"),
        ("He said he would appeal the ruling of March 3.", "2026-03-03"),
        ("The hearing was adjourned until March 3.", "2026-03-03"),
    ],
)
def test_a_month_day_without_a_year_points_the_way_of_its_verb(sentence: str, value: str) -> None:
    (d,) = dates(sentence, PUBLISHED_NOVEMBER)
    assert d.value == value and d.anchor == "published"


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
)
def test_month_days_ahead_and_back_fall_on_their_side_of_the_anchor(anchor, month, day):
    name = dt.date(2001, month, 1).strftime("%B")
    (ahead,) = dates(f"The band will play Dublin on {name} {day}.", anchor)
    (back,) = dates(f"The band played Dublin on {name} {day}.", anchor)
    a, b = dt.date.fromisoformat(ahead.value), dt.date.fromisoformat(back.value)
    assert 0 <= (a - anchor).days <= 366 and 0 <= (anchor - b).days <= 366
    assert (a.month, a.day) == (b.month, b.day) == (month, day)
