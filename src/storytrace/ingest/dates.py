"""Publication dates as written in metadata or page furniture, to ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from storytrace.datewords import MONTHS

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY_MONTH_YEAR = re.compile(rf"^{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I)
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_SLASHED = re.compile(r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})\b")
# What may follow a date on a "Published" line: a time, a zone, "GMT+1", a separator.
_TAIL = re.compile(
    r"^[\s,|·•–—-]*(?:(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}(?:[+-]\d+)?)?)?\s*$",
    re.I,
)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: object, strict: bool = True) -> str | None:
    """ISO date for a date as metadata or a page writes it, or None.

    ``strict``: the whole string must be the date (plus a time); otherwise a date at the start is enough.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return None
    s = " ".join(str(value).split())
    if not s:
        return None
    for rx in (_ISO, _SLASHED):
        m = rx.match(s)
        if m:
            return _iso(int(m["year"]), int(m["month"]), int(m["day"]))
    for rx in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        m = rx.match(s)
        if m and (not strict or _TAIL.match(s[m.end() :])):
            return _iso(int(m["year"]), MONTHS[m["month"].lower()], int(m["day"]))
    try:
        parsed = email.utils.parsedate_to_datetime(s)  # RSS: "Wed, 12 Mar 2025 06:40:00 +0100"
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat() if parsed else None
