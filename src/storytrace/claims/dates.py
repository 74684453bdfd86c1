"""Dates as written, resolved against an anchor (publication date, dateline, or a date stated in the article).

Rules:
- Absolute dates ("March 3, 2016", "3 March 2016", "2016-03-03") resolve on their own (anchor "absolute");
  "March 3" without a year is read the way the verb it hangs from points: ahead ("will play Dublin on June 9th",
  "the tour starts June 9") the first such day on or after the anchor, back ("was arrested on June 9") the last on
  or before it, and with no verb to say (a list of tour dates, "the ruling of March 3") the nearest one, within six
  months of the anchor; "March 2016" / "in March" have month precision.
- A bare weekday ("on Friday", "Tuesday night") in a past-tense sentence is the most recent such day on or before
  the anchor (0–6 days before); with future wording (will, is set to, is expected to, plans to, next, scheduled)
  the first such day on or after it (0–6 days after); "next Friday" is 1–7 days after, "last Friday" 1–7 before.
- "yesterday"/"today"/"tomorrow" ±1 day; "this week"/"earlier this week"/"later this week" the anchor's week,
  "last week"/"next week" the week before/after (precision week, value the Monday); "this/last/next month" the
  anchor's month, the one before, the one after (precision month); "last year"/"next year" precision year.
- With nothing to anchor a relative date, its value is None.
"""

from __future__ import annotations

import datetime as dt
import re

from storytrace.datewords import MONTHS, WEEKDAYS
from storytrace.records import DateMention

__all__ = ["anchor_date", "find_dates", "resolve_relative"]

_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("mdy", re.compile(rf"\b(?:{_WD},?\s+)?(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b")),
    ("dmy", re.compile(rf"\b(?:{_WD},?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})(?:,?\s+(?P<y>\d{{4}}))?\b")),
    ("my", re.compile(rf"\b(?:in\s+)?(?P<mon>{_MON}),?\s+(?P<y>\d{{4}})\b")),  # "April 1997", "April, 1997"
    ("rel_day", re.compile(r"\b(?P<w>yesterday|today|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)),
    ("rel_week", re.compile(r"\b(?P<w>(?:earlier|later)\s+this\s+week|this\s+week|last\s+week|next\s+week)\b", re.I)),
    ("rel_month", re.compile(r"\b(?P<w>(?:earlier|later)\s+this\s+month|this\s+month|last\s+month|next\s+month)\b", re.I)),
    ("rel_year", re.compile(r"\b(?P<w>last\s+year|next\s+year|this\s+year)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(?P<mod>last|next|this|on|this\s+coming|on\s+the\s+night\s+of)\s+)?(?P<wd>{_WD}){_PART}\b", re.I)),
    ("month", re.compile(r"\b(?P<mod>(?i:in|last|next|this|early|late|since)|mid-)\s*(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)\b")),
]  # fmt: skip
# a past-tense speech verb or auxiliary right before a date phrase ("said on Wednesday", "was on Tuesday")
_PAST_VERB_BEFORE = re.compile(
    r"\b(?:said|told\s+\w+|announced|reported|confirmed|stated|added|warned|was|were|had)\s*,?\s*\Z", re.I
)
_FUTURE = re.compile(
    r"\b(will|won't|shall|'ll|is set to|are set to|is expected to|are expected to|is scheduled|are scheduled|"
    r"plans? to|planned|is due to|are due to|going to|intends? to|would|upcoming|next)\b",
    re.I,
)


def _parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month_shift(d: dt.date, n: int) -> tuple[int, int]:
    m = d.month - 1 + n
    return d.year + m // 12, m % 12 + 1


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def resolve_relative(kind: str, words: str, anchor: dt.date, future: bool) -> tuple[str, str] | None:
    """(value, precision) of a relative expression given the anchor date and whether the sentence looks ahead."""
    w = " ".join(words.lower().split())
    if kind == "rel_day":
        delta = {"yesterday": -1, "today": 0, "tomorrow": 1}[w.split()[0]]
        return (anchor + dt.timedelta(days=delta)).isoformat(), "day"
    if kind == "rel_week":
        shift = -7 if w.startswith("last") else 7 if w.startswith("next") else 0
        return (_monday(anchor) + dt.timedelta(days=shift)).isoformat(), "week"
    if kind == "rel_month":
        n = -1 if w.startswith("last") else 1 if w.startswith("next") else 0
        y, m = _month_shift(anchor, n)
        return f"{y:04d}-{m:02d}", "month"
    if kind == "rel_year":
        n = -1 if w.startswith("last") else 1 if w.startswith("next") else 0
        return f"{anchor.year + n:04d}", "year"
    if kind == "weekday":
        parts = w.split()
        wd = next(WEEKDAYS[p] for p in parts if p in WEEKDAYS)
        back = (anchor.weekday() - wd) % 7
        ahead = (wd - anchor.weekday()) % 7
        if parts[0] == "next":
            return (anchor + dt.timedelta(days=ahead or 7)).isoformat(), "day"
        if parts[0] == "last":
            return (anchor - dt.timedelta(days=back or 7)).isoformat(), "day"
        if future or parts[0:2] == ["this", "coming"]:
            return (anchor + dt.timedelta(days=ahead)).isoformat(), "day"
        return (anchor - dt.timedelta(days=back)).isoformat(), "day"
    return None


def _year_for(month: int, day: int, anchor: dt.date, way: int = 0) -> int:
    """The year of a month-day without one: ``way`` +1 the first on or after the anchor, -1 the last on or before
    it, 0 the one within six months of it."""
    best = anchor.year
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = dt.date(y, month, day)
        except ValueError:
            continue
        days = (cand - anchor).days
        if (way > 0 and 0 <= days <= 366) or (way < 0 and -366 <= days <= 0):
            return y
        if way == 0 and abs(days) <= 183:
            best = y
    return best


# Verbs that put a scheduled event ahead of the article when a month-day hangs from them: the present tense of a
# timetable ("the tour starts June 9", "the show opens on 3 May") and its -ing form ("a tour starting June 9th").
_SCHEDULE_VERBS = frozenset(
    {
        *("start", "begin", "open", "kick", "run", "play", "return", "arrive", "launch", "premiere", "resume"),
        *("close", "end", "go", "hit", "come", "reopen", "tour", "visit", "perform", "take"),
    }
)
_SCHEDULED = frozenset({"set", "due", "scheduled", "expected", "slated", "planned", "billed"})


def _schedule_verb(w: str) -> bool:
    if w.endswith("ing"):
        stem = w[:-3]
        return stem in _SCHEDULE_VERBS or stem[:-1] in _SCHEDULE_VERBS or stem + "e" in _SCHEDULE_VERBS
    return w.endswith("s") and (w[:-1] in _SCHEDULE_VERBS or (w.endswith("es") and w[:-2] in _SCHEDULE_VERBS))


def _month_day_way(before: str) -> int:
    """Which way a month-day without a year points, from the nearest verb of its own clause: +1 ahead, -1 back, 0
    when nothing there says ("would", a noun phrase: "the ruling of March 3", "tour dates: June 9th")."""
    cut = list(_CLAUSE_START.finditer(before))
    clause = before[cut[-1].end() :] if cut else before
    words = [w.lower() for w in re.findall(r"[A-Za-z'-]+", clause)[-_VERB_LOOKBACK:]]
    if words and words[-1] in ("of", "since"):
        return -1 if words[-1] == "since" else 0
    for i in range(len(words) - 1, -1, -1):
        w, prev = words[i], (words[i - 1] if i > 0 else "")
        if w in ("will", "shall", "'ll") or (prev in ("is", "are") and w in _SCHEDULED):
            return 1
        if w == "would":
            return 0
        if prev == "to" and not w.endswith("ed") and w not in _IRREGULAR_PAST:
            return 1  # "to play Dublin on June 9"
        if _schedule_verb(w):
            return 1
        participle = w.endswith("ed") and len(w) > 4 and "-" not in w
        if w in _IRREGULAR_PAST or (participle and prev not in _NOT_PAST_BEFORE):
            return -1
    return 0


def _absolute(kind: str, m: re.Match[str], anchor: dt.date | None, way: int = 0) -> tuple[str | None, str, str | None]:
    if kind == "iso":  # "2025-13-45" in a text is no date: validated like the others, never a ValueError later
        return _valid(int(m["y"]), int(m["m"]), int(m["d"])), "day", "absolute"
    month = MONTHS[m["mon"].lower().rstrip(".")]
    if kind == "my":
        return f"{int(m['y']):04d}-{month:02d}", "month", "absolute"
    day = int(m["d"])
    if m["y"]:
        return _valid(int(m["y"]), month, day), "day", "absolute"
    if anchor is None:
        return None, "day", None
    return _valid(_year_for(month, day, anchor, way), month, day), "day", "anchor"


def _valid(y: int, mo: int, d: int) -> str | None:
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def anchor_date(published: str | None, dateline: str | None, text: str) -> tuple[dt.date | None, str | None]:
    """The date relative expressions are read against, and where it came from."""
    d = _parse_iso(published)
    if d is not None:
        return d, "published"
    if dateline:
        for kind in ("iso", "mdy", "dmy"):
            m = dict(_PATTERNS)[kind].search(dateline)
            if m and (kind == "iso" or m["y"]):
                v, _, _ = _absolute(kind, m, None)
                if v:
                    return dt.date.fromisoformat(v), "dateline"
    for kind in ("iso", "mdy", "dmy"):
        m = dict(_PATTERNS)[kind].search(text)
        if m and (kind == "iso" or m["y"]):
            v, _, _ = _absolute(kind, m, None)
            if v:
                return dt.date.fromisoformat(v), "stated"
    return None, None


# the verb a weekday hangs from decides which way it points, not the sentence's mood: "shut since a fire destroyed
# it on Tuesday night" in a sentence about Friday's meeting is past; "decided to reopen it on Monday" is ahead
_CLAUSE_START = re.compile(r"[,;:()]|\b(?:and|but|after|before|since|when|while|because|as|until|which|who)\b", re.I)
_IRREGULAR_PAST = frozenset(
    {
        *("was", "were", "had", "did", "met", "made", "took", "gave", "came", "went", "began", "broke", "rose"),
        *("fell", "told", "said", "saw", "found", "left", "held", "led", "lost", "won", "shut", "struck", "hit"),
        *("sent", "spoke", "stood", "thought", "brought", "caught", "fought", "sold", "built", "kept"),
    }
)
# before a participle these make it a present passive or an adjective, not a past verb ("is scheduled", "the damaged")
_NOT_PAST_BEFORE = frozenset({"is", "are", "be", "been", "being", "'s", "the", "a", "an", "its", "their", "his", "her"})
_AHEAD_WORDS = frozenset({"will", "shall", "'ll", "would", "to"})
_VERB_LOOKBACK = 8  # words back from the weekday, within its clause


# verbs whose "to" starts what is still to come ("expected to reopen on Monday"), unlike "closed to traffic"
_FORWARD_FRAMES = frozenset(
    {
        *("expected", "scheduled", "planned", "due", "set", "going", "hoped", "intended", "aimed", "poised"),
        *("slated", "supposed", "likely", "able", "ready", "prepared", "asked", "told", "ordered", "urged"),
        *("invited", "called", "allowed", "forced", "required", "agreed", "promised", "decided", "vowed", "wanted"),
    }
)


def _to_after_past(words: list[str], k: int) -> bool:
    """Whether ``words[k]`` ("to") follows a past verb that does not look ahead: a preposition, not an infinitive."""
    if k < 1 or words[k] != "to":
        return False
    prev = words[k - 1]
    past = prev in _IRREGULAR_PAST or (prev.endswith("ed") and len(prev) > 4 and "-" not in prev)
    return past and prev not in _FORWARD_FRAMES


def _verb_tense_before(before: str, default: bool) -> bool:
    """Whether a weekday looks ahead, judged by the nearest verb before it in its clause (else ``default``)."""
    cut = list(_CLAUSE_START.finditer(before))
    clause = before[cut[-1].end() :] if cut else before
    words = re.findall(r"[A-Za-z'-]+", clause)[-_VERB_LOOKBACK:]
    lowered = [w.lower() for w in words]
    for i in range(len(words) - 1, -1, -1):
        w = lowered[i]
        before = lowered[i - 1] if i > 0 else ""
        if w == "to" and _to_after_past(lowered, i):
            continue  # "was closed to traffic on Monday": a preposition after a past verb, not an infinitive
        if before == "to" and _to_after_past(lowered, i - 1):
            continue
        if w in _AHEAD_WORDS:
            return True
        if before == "to" and not w.endswith("ed"):
            return True  # "to reopen ... on Monday"
        participle = w.endswith("ed") and len(w) > 4 and "-" not in w
        if participle and before in _NOT_PAST_BEFORE:
            return default  # "is scheduled on Friday": the sentence's own mood decides
        if w in _IRREGULAR_PAST or participle:
            return False
    return default


def find_dates(
    text: str, lo: int, hi: int, anchor: dt.date | None, anchor_kind: str | None, future: bool | None = None
) -> list[DateMention]:
    """Date mentions in ``text[lo:hi]``; ``future`` overrides the tense read from the sentence itself."""
    sentence = text[lo:hi]
    looks_ahead = (
        bool(_FUTURE.search(sentence) or re.search(r"\b(?:may|might)\b", sentence)) if future is None else future
    )
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text, lo, hi):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            if (
                kind == "month"
                and m["mon"] == "May"
                and m["mod"].lower() not in ("in", "last", "next", "early", "late")
            ):
                continue
            value: str | None
            precision: str
            src: str | None
            if kind in ("iso", "mdy", "dmy", "my"):
                if kind in ("mdy", "dmy") and m["mon"].lower().rstrip(".") == "may" and kind == "dmy" and not m["y"]:
                    continue
                way = _month_day_way(text[lo:a]) if kind in ("mdy", "dmy") and not m["y"] else 0
                value, precision, src = _absolute(kind, m, anchor, way)
                if src == "anchor":
                    src = anchor_kind
            elif kind == "month":
                if anchor is None:
                    value, precision, src = None, "month", None
                else:
                    mon = MONTHS[m["mon"].lower()]
                    mod = m["mod"].lower()
                    y = anchor.year
                    if mod == "last" or (
                        mod in ("in", "since", "early", "late", "mid-") and mon > anchor.month and not looks_ahead
                    ):
                        y -= 1 if mon >= anchor.month else 0
                    if mod == "next" and mon <= anchor.month:
                        y += 1
                    value, precision, src = f"{y:04d}-{mon:02d}", "month", anchor_kind
            else:
                key = "w" if kind != "weekday" else "wd"
                words = m.group(0) if kind == "weekday" else m[key]
                if anchor is None:
                    value, src = None, None
                    precision = {"rel_day": "day", "rel_week": "week", "rel_month": "month", "rel_year": "year"}.get(
                        kind, "day"
                    )
                else:
                    # "said on Wednesday it expected ... next week": the weekday dates the saying, which is past,
                    # whatever the rest of the sentence looks ahead to
                    ahead = looks_ahead and not (kind == "weekday" and _PAST_VERB_BEFORE.search(text, lo, a))
                    if kind == "weekday":
                        ahead = _verb_tense_before(text[lo:a], ahead)
                    res = resolve_relative(kind, words, anchor, ahead)
                    if res is None:
                        continue
                    value, precision = res
                    src = anchor_kind
            taken.append((a, b))
            lead = re.match(r"(?:on|in|since)\s+", m.group(0), re.I)
            if lead and kind in ("weekday", "month", "my"):
                a += lead.end()
            out.append(
                DateMention(
                    text=text[a:b],
                    value=value,
                    precision=precision,  # type: ignore[arg-type]
                    start=a,
                    end=b,
                    anchor=src,
                )
            )
    out.sort(key=lambda d: d.start)
    return out
