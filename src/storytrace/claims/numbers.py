"""Numbers with what they count, vague quantities as ranges, and a compatibility test between two mentions.

Exact figures are ranges of one value (low == high). Hedges widen them: "about/around/roughly/some/nearly" ±10%
(nearly/almost: 90–100% of the value), "more than/over/at least" open upwards, "fewer than/less than/under/up to"
open downwards. Vague words: "dozens" 24–99, "hundreds" 200–999, "thousands" 2,000–9,999, "millions"
2e6–1e9−1, "a dozen" 12, "two dozen" 24, "half" 0.5 ("nearly half" 0.4–0.5), "a third", "a quarter". "A third"
before the noun it ranks ("a third instance", "a third man was charged") is an ordinal, not a share, and no figure.
Percentages are kept in percent (12% -> 12); fractions as shares (half -> 0.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.datewords import MONTHS
from storytrace.records import NumberMention

__all__ = ["compatible", "find_numbers", "number_role", "parse_quantity"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
_FRACTIONS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "a quarter": 0.25, "one quarter": 0.25,
              "two thirds": 2 / 3, "two-thirds": 2 / 3, "three quarters": 0.75, "three-quarters": 0.75}  # fmt: skip
_VAGUE = {
    "dozens": (24.0, 99.0), "scores": (40.0, 99.0), "hundreds": (200.0, 999.0), "thousands": (2_000.0, 9_999.0),
    "tens of thousands": (20_000.0, 99_999.0), "hundreds of thousands": (200_000.0, 999_999.0),
    "millions": (2e6, 1e9 - 1), "a few": (2.0, 5.0), "several": (3.0, 9.0), "a handful of": (2.0, 6.0),
    "a couple of": (2.0, 3.0), "a dozen": (12.0, 12.0), "a hundred": (100.0, 100.0), "a thousand": (1000.0, 1000.0),
}  # fmt: skip
_NUMWORD = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_HEDGE = (
    r"more than|over|at least|upwards of|in excess of|fewer than|less than|under|up to|as many as|as much as|"
    r"about|around|roughly|approximately|some|nearly|almost|close to|an estimated|just over|just under|"
    r"well over|more than half|nearly half|almost half"
)
_CORE = (
    rf"(?:tens of thousands|hundreds of thousands|dozens|scores|hundreds|thousands|millions|a few|several|"
    rf"a handful of|a couple of|two dozen|three dozen|a dozen|half a dozen|"
    rf"half|a third|one third|a quarter|one quarter|two[- ]thirds|three[- ]quarters|"
    rf"\$?(?:{_DIGITS})(?:\s*(?:million|billion|trillion|thousand|bn|m)\b)?(?:\s*(?:%|percent\b|per cent\b))?|"
    rf"(?:(?:{_NUMWORD})\b(?:[- ](?:{_NUMWORD}|and)\b)*)(?:\s*(?:%|percent\b|per cent\b))?)"
)
_PATTERN = re.compile(
    rf"(?<![\w.$:/])(?:(?P<hedge>{_HEDGE})\s+)?(?P<core>{_CORE})(?P<half>[\s-]+(?:and[\s-]+)?a[\s-]+half\b)?(?![\w,]*\d)",
    re.IGNORECASE,
)
# letters glued to a figure this long are a typo or a run-together word ("24milllon"), not a unit ("24km", "11am",
# "5.56mm", "10mph"): such a figure is not read, since its scale is unknown
MIN_GLUED_WORD = 4
_GLUED = re.compile(r"[A-Za-z]+")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_COUNT_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_STOP_COUNT = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "was",
        "were",
        "is",
        "are",
        "has",
        "have",
        "had",
        "will",
        "would",
        "said",
        "says",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "who",
        "which",
        "than",
        "as",
        "per",
    ]
)
_TIME_WORDS = frozenset(["a.m.", "p.m.", "am", "pm", "o'clock", *MONTHS])


def _words_value(s: str) -> float | None:
    total = 0.0
    current = 0.0
    seen = False
    for w in re.split(r"[\s-]+", s.lower()):
        if w == "and" or not w:
            continue
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _SCALES:
            current = (current or 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


@dataclass
class Quantity:
    low: float | None
    high: float | None
    percent: bool = False


def parse_quantity(hedge: str | None, core: str, continuous: bool = False) -> Quantity | None:
    """The range a quantity expression stands for, or None if it is not a quantity. ``continuous``: the figure
    measures (years, miles, tonnes) rather than counts, so "more than four years" admits four and a half."""
    c = core.strip().lower()
    percent = bool(re.search(r"%|percent|per cent", c))
    c = re.sub(r"\s*(%|percent|per cent)$", "", c).strip()
    money = c.startswith("$")
    c = c.lstrip("$")
    low: float | None
    high: float | None
    if c in _VAGUE:
        low, high = _VAGUE[c]
    elif c in ("two dozen", "three dozen", "half a dozen"):
        v = {"two dozen": 24.0, "three dozen": 36.0, "half a dozen": 6.0}[c]
        low, high = v, v
    elif c.replace("‐", "-") in _FRACTIONS:
        v = _FRACTIONS[c.replace("‐", "-")]
        low, high = v, v
    else:
        m = re.match(rf"^({_DIGITS})\s*(million|billion|trillion|thousand|bn|m)?$", c)
        if m:
            v = float(m.group(1).replace(",", ""))
            scale = m.group(2)
            if scale:
                v *= {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "thousand": 1e3}[scale]
        else:
            wv = _words_value(c)
            if wv is None:
                return None
            v = wv
        low, high = v, v
    _ = money
    h = (hedge or "").lower()
    if h:
        base_lo: float = low if low is not None else 0.0
        base_hi: float = high if high is not None else 0.0
        if h == "over" and continuous:
            low, high = base_lo, None  # "over several months", "$160 million over eight years": across, at least
        elif h in ("more than", "over", "upwards of", "in excess of", "just over", "well over"):
            # "more than a dozen" -> 13: the next whole number above an integer, else a hair above
            whole = float(base_hi).is_integer() and base_hi >= 1 and not percent and not continuous
            low = base_hi + 1 if whole else base_hi * 1.0001
            high = None
        elif h in ("at least",):
            low, high = base_lo, None
        elif h in ("fewer than", "less than", "under", "just under"):
            low = 0.0
            whole = float(base_lo).is_integer() and base_lo > 1 and not percent and not continuous
            high = base_lo - 1 if whole else base_lo * 0.9999
        elif h in ("up to", "as many as", "as much as"):
            low, high = 0.0, base_hi
        elif h in ("nearly", "almost", "close to"):
            low, high = base_lo * (0.8 if base_lo < 1 else 0.9), base_hi
        elif h in ("nearly half", "almost half"):
            low, high = 0.4, 0.5
        elif h == "more than half":
            low, high = 0.5, 1.0
        else:  # about, around, roughly, approximately, some, an estimated
            low, high = base_lo * 0.9, base_hi * 1.1
    return Quantity(low, high, percent)


def _counts(text: str, end: int, percent: bool, verbs: frozenset[int] | None) -> str | None:
    """What a number counts: the words right after it ("17 ships", "% rise in bus fares", "of the vote")."""
    rest = text[end : end + 80]
    words: list[str] = []
    for m in _COUNT_WORD.finditer(rest):
        gap = rest[(words and m.start() - 1) or 0 : m.start()]
        if words and any(ch in gap for ch in ",.;:()\n"):
            break
        if not words and rest[: m.start()].strip(" -") not in ("",):
            break
        w = m.group(0)
        lw = w.lower()
        if words and (end + m.start() in verbs if verbs is not None else lw.endswith("ed")):
            break
        if lw in _STOP_COUNT:
            if (
                lw in ("of", "in", "the")
                and (percent or (not words and lw == "of") or words == ["of"])
                and len(words) < 6
            ):
                words.append(w)
                continue
            break
        words.append(w)
        if len(words) >= 5 or (not percent and len(lw) > 3 and lw.endswith("s") and not lw.endswith("ss")):
            break  # the counted noun is usually the first plural: '17 ships', '300 crew members'
        if not percent and len(words) >= 3:
            break
    while words and words[-1].lower() in _STOP_COUNT:
        words.pop()
    if not words:
        return "%" if percent else None
    out = " ".join(words)
    if out.lower().startswith("of ") and not percent:
        out = out[3:]
    return f"% {out}" if percent else out


# A figure that names rather than counts: "page 4", "No. 10", "Route 9", "Article 50"; a rank or ordinal ("15th",
# "fifth" is no digit form and never matches); one end of a score, record or season ("162-139", "2004-05").
_LABEL_BEFORE = re.compile(
    r"\b(?:pages?|pp?\.|no\.|nos\.|number|#|chapter|section|article|clause|paragraph|item|rule|route|flight|room|"
    r"platform|gate|channel|grade|level|rank(?:ed)?|seed(?:ed)?|version|series|season|episode|volume|vol\.|"
    r"part|act|stage|phase|line|exit|bay|lot|box|unit|ward|block|division|district|highway|interstate|"
    r"junction|tier)\s*$",
    re.IGNORECASE,
)
# a model or type name: "AK-47", "F-16", "AK 47" (tokenised text), never a count
_MODEL_BEFORE = re.compile(r"(?:\b[A-Z]{2,3}[- ]|\b[A-Z]-)$")
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_SCORE_BEFORE = re.compile(r"\d\s*[-–]\s*$")
_SCORE_AFTER = re.compile(r"^\s*[-–]\s*\d")


_CLOCK_BEFORE = re.compile(r"\d\s*:\s*$")  # the minutes of "22: 46 GMT" (tokenised text spaces the colon)
_CLOCK_AFTER = re.compile(r"^\s*:\s*\d")
_GROUP_BEFORE = re.compile(r"\d,\s+$")  # "100, 000": a thousands group split by tokenising


def _is_label(text: str, start: int, end: int, core: str) -> bool:
    if not re.match(r"^\d", core.strip()):
        return False
    before = text[max(0, start - 14) : start]
    after = text[end : end + 6]
    if re.match(r"^0\d", core.strip()) or _GROUP_BEFORE.search(before):
        return True  # "05", "000": a leading zero never starts a count
    return bool(
        _CLOCK_BEFORE.search(before)
        or _CLOCK_AFTER.match(after)
        or _LABEL_BEFORE.search(before)
        or _MODEL_BEFORE.search(before)
        or _ORDINAL_AFTER.match(after)
        or _SCORE_BEFORE.search(before)
        or _SCORE_AFTER.match(after)
    )


# What role a figure plays in its sentence. Two figures conflict only in the same role: an age is not a count of
# people, a part ("fifteen of the 19 crew") is not its whole, "four more charges" is not the total, a rate
# ("137,000 new daily cases") is not a running total, "four years ago" dates rather than measures.
_AGE_AFTER = re.compile(r"^\s*[-–]?\s*(?:years?|yrs?)\s*[-–]?\s*old\b", re.IGNORECASE)
_AGED_BEFORE = re.compile(r"\baged\s*$", re.IGNORECASE)
# "Jim Oler, 44," / "Sylvia Paterson, 55, and": a figure set off by commas right after a capitalised name
_NAME_BEFORE = re.compile(r"([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)*)\s*,\s*$")
_APPOSITION_AFTER = re.compile(r"^\s*(?:,|\)|and\b|of\b|from\b|who\b)")
_AGO_AFTER = re.compile(r"^\s*(?:[-–]\s*)?(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\s+ago\b", re.I)
_TIMES_AFTER = re.compile(r"^\s*[-–]\s*times?\b", re.IGNORECASE)
_PART_AFTER = re.compile(
    r"^\s+(?:of|out of|among)\s+(?:the|their|its|his|her|our|those|these|them|all|\d)", re.IGNORECASE
)
# "his first three seasons", "the next seven years", "a fifth straight 30-homer season": a figure placed in a
# series (first, last, next, ordinal, straight) measures a stretch or a kind, not the whole that a plain figure counts
_SPAN_BEFORE = re.compile(
    r"\b(?:first|last|past|next|previous|final|opening|coming|straight|consecutive|successive|second|third|fourth|"
    r"fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s*$",
    re.IGNORECASE,
)
_MORE_BEFORE = re.compile(r"\b(?:another|further|additional|an extra|extra)\s*$", re.IGNORECASE)
_MORE_AFTER = re.compile(r"^\s+(?:more|other|further|additional|extra|new)\b", re.IGNORECASE)
_RATE_AFTER = re.compile(
    r"^[^.,;:]{0,40}?\b(?:daily|weekly|monthly|yearly|annual(?:ly)?|a day|a week|a month|a year|an hour|"
    r"per \w+|each (?:day|week|month|year)|every (?:day|week|month|year|hour))\b",
    re.IGNORECASE,
)


def number_role(text: str, start: int, end: int) -> tuple[str, str | None]:
    """The role of the figure at ``text[start:end]`` and, for an age, whose: ("age", "paterson"), ("part", None),
    ("more", None), ("rate", None), ("ago", None), ("span", None) or ("count", None)."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 60]
    if _AGE_AFTER.match(after) or _AGED_BEFORE.search(before):
        return "age", None  # whose age is a parse away: such an age never conflicts
    m = _NAME_BEFORE.search(before)
    if m and _APPOSITION_AFTER.match(after) and re.fullmatch(r"\d{1,3}", text[start:end].strip()):
        return "age", m.group(1).split()[-1].lower().strip(".")
    if _AGO_AFTER.match(after):
        return "ago", None
    if _TIMES_AFTER.match(after):
        return "times", None  # "a five-time All-Star": honours of different kinds, not one count
    if _PART_AFTER.match(after):
        return "part", None
    if _SPAN_BEFORE.search(before):
        return "span", None
    if _RATE_AFTER.match(after):
        return "rate", None
    if _MORE_BEFORE.search(before) or _MORE_AFTER.match(after):
        return "more", None
    return "count", None


# "a third" is a share before "of", a comparative, a preposition or the end of its clause ("cut by a third in
# 2024", "a third more", "a third of the vote"), and an ordinal before the noun it ranks ("a third instance")
_ORDINAL_FRACTIONS = frozenset({"a third", "one third"})
_SHARE_AFTER = frozenset(
    {
        *_STOP_COUNT,
        *("more", "less", "fewer", "higher", "lower", "bigger", "smaller", "larger", "greater", "cheaper"),
        *("since", "over", "after", "before", "during", "last", "this", "compared", "against", "among", "but"),
    }
)


def _ranks_a_noun(text: str, end: int) -> bool:
    m = re.match(r"[ \t]+([A-Za-z][\w'’-]*)", text[end : end + 40])
    return m is not None and m.group(1).lower() not in _SHARE_AFTER


def find_numbers(
    text: str, lo: int = 0, hi: int | None = None, verbs: frozenset[int] | None = None
) -> list[NumberMention]:
    """Quantity mentions in ``text[lo:hi]`` (offsets into ``text``); years, clock times and dates are left out.
    ``verbs``: character offsets where verbs start (from the parse), so that "300 nurses walked out" counts
    "nurses"; without it, words ending in -ed end the counted phrase."""
    hi = len(text) if hi is None else hi
    out: list[NumberMention] = []
    for m in _PATTERN.finditer(text, lo, hi):
        core = m.group("core")
        if _YEAR.match(core.strip()):
            continue
        after = text[m.end() : m.end() + 12].strip().lower()
        before = text[max(0, m.start() - 12) : m.start()].strip().lower()
        first_after = after.split(" ")[0]
        if (
            first_after in _TIME_WORDS
            or first_after.rstrip(",.") in _TIME_WORDS
            or before.split(" ")[-1] in _TIME_WORDS
        ):
            continue
        if core.lower() in ("one",) and not m.group("hedge"):
            continue  # "one of the ...": too often not a count
        if re.match(r"^\d", core) and text[m.end() : m.end() + 1] == ":":
            continue
        if _is_label(text, m.start(), m.end(), core):
            continue
        glued = _GLUED.match(text, m.end())
        if glued and len(glued.group(0)) >= MIN_GLUED_WORD and not m.group("half"):
            continue
        counts = _counts(text, m.end(), False, verbs)
        continuous = bool(counts and _MEASURE.match(counts)) or bool(m.group("half"))
        q = parse_quantity(m.group("hedge"), core, continuous)
        if q is None:
            continue
        if m.group("half"):  # "four and a half years": 4.5, not 4 and a separate "half"
            q = Quantity(
                q.low + 0.5 if q.low is not None else None, q.high + 0.5 if q.high is not None else None, q.percent
            )
        if core.lower() in _ORDINAL_FRACTIONS and _ranks_a_noun(text, m.end()):
            continue
        if core.lower() == "some" or (
            (m.group("hedge") or "").lower() == "some" and not re.search(r"\d|" + _NUMWORD, core, re.I)
        ):
            continue
        out.append(
            NumberMention(
                text=m.group(0),
                low=q.low,
                high=q.high,
                counts=_counts(text, m.end(), q.percent, verbs),
                start=m.start(),
                end=m.end(),
            )
        )
    return out


# units of measure: a figure in them is a point on a scale, not a whole count ("more than four years" admits 4.5)
_MEASURE = re.compile(
    r"^(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|seasons?|miles?|km|kilomet(?:re|er)s?|"
    r"met(?:re|er)s?|feet|foot|yards?|tonnes?|tons?|kg|kilos?|kilograms?|pounds?|litres?|liters?|gallons?|acres?|"
    r"hectares?|degrees?|mph)\b",
    re.IGNORECASE,
)
_SCALED = re.compile(r"(\d+(?:\.(\d+))?)\s*(million|billion|trillion|bn|m)\b", re.IGNORECASE)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}


def _rounding(n: NumberMention) -> float:
    """Half a unit of the last digit written in a figure with a scale word: "2.5 million" is 2.45–2.55 million,
    "$1 trillion" anything that rounds to one trillion. Other figures are taken as written."""
    m = _SCALED.search(n.text or "")
    if not m:
        return 0.0
    decimals = len(m.group(2) or "")
    return 0.5 * 10 ** (-decimals) * _SCALE[m.group(3).lower()]


def compatible(a: NumberMention, b: NumberMention, slack: float = 0.0) -> bool:
    """Whether two mentions can describe the same quantity: their ranges overlap (open ends are unbounded), each
    figure written with a scale word widened to what rounds to it."""
    ra, rb = _rounding(a), _rounding(b)
    a_lo = a.low - ra if a.low is not None else float("-inf")
    a_hi = a.high + ra if a.high is not None else float("inf")
    b_lo = b.low - rb if b.low is not None else float("-inf")
    b_hi = b.high + rb if b.high is not None else float("inf")
    return a_lo <= b_hi * (1 + slack) and b_lo <= a_hi * (1 + slack)
