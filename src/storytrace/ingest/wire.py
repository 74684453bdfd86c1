"""Raw wire copy as a news agency's desk system exports it (the Press Association's, as in the METER corpus).

What tells it apart from a plain text file, whatever its name: a page header ("16:54 01/03/00: Page 1 (ZSM) COURTS
Burstein", between rules of dashes) and paragraphs that end in a ``<`` mark, with lines hard-wrapped at about 75
characters inside them. The reader

- cuts the rules and the page header (into ``removed``) and takes the header's filing date as the publication date;
- rebuilds each paragraph from its wrapped lines; the first paragraph is the headline when it is set in capitals
  (later pages of a story start with body text and have none);
- cuts notes to the desks above the story ("(ADVISORY: Note correct spelling of ...)") and the desk's sign-off
  marks at the end ("end", "ends", "mf", "mfl": more follows, the sub-editor's initials);
- reads the 7-bit typewriter conventions: ````quoted''`` as curly quotes, a backquote as an opening single quote,
  ``#`` before a figure as the pound sign, `` _ `` as a dash; the terminal control characters the export leaves (``\\x19``) go.

The "By Stephen Howard, PA News" line is a byline like any other: the copy editor (``clean``) moves it out of the
body and reads "PA News" as the wire.
"""

from __future__ import annotations

import re

from storytrace.errors import InputError
from storytrace.ingest.draft import Batch, Draft

# "16:54 01/03/00: Page 1 (ZSM) COURTS Burstein": filing time, date, page of the story, desk code, desk, catchline
_PAGE_HEADER = re.compile(
    r"^[^\S\n]*(?P<time>\d{1,2}:\d{2})[^\S\n]+(?P<date>\d{1,2}/\d{1,2}/\d{2,4})[^\S\n]*:[^\S\n]*Page[^\S\n]+\d+\b"
    r"[^\n]*$",
    re.M,
)
_RULE = re.compile(r"^[^\S\n]*-{10,}[^\S\n]*$", re.M)
_PARAGRAPH_MARK = re.compile(r"<[^\S\n]*(?:\n|\Z)")
# the HTML page some exports are wrapped in (a search tool's <PRE> block): its tags only, never the "<" marks
_WRAPPER_TAG = re.compile(r"</?(?:html|head|title|body|hr|img|br|center|pre|h\d|p)\b[^<>\n]*>", re.I)
_WRAPPER_TITLE = re.compile(r"<title>[^<>\n]{0,200}</title>", re.I)  # the search tool's page title, not the story's
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# the desk's sign-off at the foot of a page: "end", "ends", "more", "mf"/"mfl" (more follows), initials ("mr")
_SIGN_OFF = re.compile(r"^(?:(?i:ends?|more|mfl?)(?:[^\S\n]+[a-z]{2,3})?|[a-z]{2,3}|[A-Z]{2,3})$")
# a note to the desks above the story: "(ADVISORY: Note correct spelling of ...)", "(corrected repetition, ...)",
# "(Memo to CSEs: ...)", "EMBARGOED until 00.01 Tuesday"
_DESK_NOTE = re.compile(
    r"^(?:\((?=[^\n]{0,800}\))[^()]*(?:\([^()]*\)[^()]*)*\)\.?(?:\s+|$)|(?i:embargo(?:ed)?\b.{0,120})$)", re.S
)
_WITH_PICTURES = re.compile(r"^\(?with pi[cx]s?\)?$", re.I)
# a paragraph mark is at the end of about a third of the lines of a PA file (0.1 to 0.8 across METER's 773); plain
# prose never ends a line with "<"
_MIN_MARKS = 3
_MIN_MARK_SHARE = 0.15
_HEAD_LINES = 15  # the page header sits in the first lines, under its rules


def looks_like_wire_copy(text: str) -> bool:
    """A desk system's export: a page header near the top, or lines that end in paragraph marks."""
    head = [ln for ln in _WRAPPER_TAG.sub("\n", text[:4000]).splitlines() if ln.strip()][:_HEAD_LINES]
    if _PAGE_HEADER.search("\n".join(head)):
        return True
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    marks = sum(ln.endswith("<") for ln in lines)
    return marks >= _MIN_MARKS and marks >= _MIN_MARK_SHARE * len(lines)


def _filing_date(date: str) -> str | None:
    """ISO date of a header's "01/03/00": day first (a British desk) unless the second field cannot be a month;
    two-digit years before 50 are in this century."""
    d, m, y = (int(p) for p in date.split("/"))
    if m > 12 and d <= 12:
        d, m = m, d
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    if y < 100:
        y += 2000 if y < 50 else 1900
    return f"{y:04d}-{m:02d}-{d:02d}"


def _typewriter(par: str) -> str:
    par = par.replace("``", "“").replace("''", "”").replace("`", "‘").replace(" _ ", " – ")
    par = re.sub(r"‘([^‘’'\n]{1,200}?)'(?!\w)", r"‘\1’", par)  # the "'" that closes a backquote's quote
    return re.sub(r"#(?=\d)", "£", par)


def _is_headline(par: str) -> bool:
    letters = [c for c in par if c.isalpha()]
    return (
        len(letters) >= 3
        and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
        and len(par.split()) <= 25
        and not par.endswith(".")
    )


def read_wire(text: str, origin: str) -> Batch:
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    text = _WRAPPER_TAG.sub("\n", _WRAPPER_TITLE.sub("", text))
    removed: list[str] = []
    published: str | None = None
    lines = text.split("\n")
    cut = 0
    seen = 0  # lines with something on them: blank lines and stripped tags do not count towards the header block
    for i, line in enumerate(lines):
        seen += bool(line.strip())
        if seen > _HEAD_LINES:
            break
        if _RULE.match(line):
            cut = i + 1
        elif _PAGE_HEADER.match(line):
            removed.append(line.strip())
            published = published or _filing_date(_PAGE_HEADER.match(line)["date"])  # type: ignore[index]
            cut = i + 1
        elif line.strip() and cut:
            break  # the body has begun under the header block
    body = "\n".join(lines[cut:])
    paragraphs: list[str] = []
    for chunk in _PARAGRAPH_MARK.split(body):
        for block in re.split(r"\n[^\S\n]*\n", chunk):  # a blank line also ends a paragraph
            par = " ".join(block.split())
            if par:
                paragraphs.append(_typewriter(par))
    tail: list[str] = []
    while paragraphs and (_SIGN_OFF.match(paragraphs[-1]) or _WITH_PICTURES.match(paragraphs[-1])):
        tail.insert(0, paragraphs.pop())
    removed += [p for p in paragraphs if _WITH_PICTURES.match(p)] + tail
    paragraphs = [p for p in paragraphs if not _WITH_PICTURES.match(p)]
    while paragraphs and (note := _DESK_NOTE.match(paragraphs[0])):
        removed.append(note.group().strip())
        rest = paragraphs[0][note.end() :]
        if rest:  # the headline run on after the note: "(Corrected repetition ...) MISSING WIFE ..."
            paragraphs[0] = rest
        else:
            paragraphs.pop(0)
    if not paragraphs and any(_DESK_NOTE.match(r) for r in removed):
        raise InputError(origin, "a note to the desks (wire advisory), no story")
    title = None
    if paragraphs and _is_headline(paragraphs[0]):
        title = paragraphs.pop(0)
    return Batch(
        [
            Draft(
                origin=origin,
                format="txt",
                paragraphs=paragraphs,
                title=title,
                published=published,
                removed=removed,
            )
        ]
    )
