"""The calendar's words, written once: month names with their abbreviations, and weekday names."""

from __future__ import annotations

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_ABBREVIATIONS = {"sep": 9, "sept": 9} | {name[:3]: n for n, name in enumerate(MONTH_NAMES, 1)}
# month name or abbreviation (lower case, no full stop) -> month number
MONTHS: dict[str, int] = {name: n for n, name in enumerate(MONTH_NAMES, 1)} | _ABBREVIATIONS
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# weekday name -> Python's weekday number (Monday 0)
WEEKDAYS: dict[str, int] = {name: n for n, name in enumerate(WEEKDAY_NAMES)}
