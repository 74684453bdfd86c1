"""The copy editor: what a careful editor cuts from a body of text before anyone reads it as an article.

``edit(paragraphs, ...)`` works paragraph by paragraph on text already pulled out of its container (a text file, a
JSON field, trafilatura's output, a feed entry):

- page furniture is cut and kept in ``removed``: comment forms and their notices ("Your email address will not be
  published"), share and newsletter prompts, cookie notices, "Read more"/related links, "Advertisement", tag lines,
  breadcrumbs, lone section labels ("WORLD"), the title repeated as a body line, a paragraph repeated at once;
- metadata is moved out of the body into its field, not into ``removed``: a "By ..." line to ``byline``, a
  "Published: ..." or lone date line to ``published``, credit lines ("Meridian Press contributed to this report",
  "(Reporting by ...; Editing by ...)") to ``credits`` (and ``byline`` when there is none), the dateline at the
  head of the first paragraph ("PORT VALMORA, Estland (MP) —") to ``dateline`` and, when it names a wire service,
  to ``outlet``.

Text is NFC-normalised; curly quotes, dashes and accents are kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from storytrace.ingest.dates import parse_date

# Wire services as they appear in datelines and credit lines -> the outlet name. The fictional wires of the example
# corpus are here too: a dateline "(MP)" names Meridian Press.
WIRES: dict[str, str] = {
    "AP": "Associated Press",
    "Associated Press": "Associated Press",
    "The Associated Press": "Associated Press",
    "Reuters": "Reuters",
    "AFP": "Agence France-Presse",
    "Agence France-Presse": "Agence France-Presse",
    "dpa": "dpa",
    "DPA": "dpa",
    "UPI": "United Press International",
    "PA": "PA Media",
    "PA Media": "PA Media",
    "PA News": "PA Media",  # the Press Association's own bylines: "By Stephen Howard, PA News"
    "Press Association": "PA Media",
    "The Press Association": "PA Media",
    "Bloomberg": "Bloomberg",
    "Xinhua": "Xinhua",
    "Kyodo": "Kyodo News",
    "ANSA": "ANSA",
    "EFE": "EFE",
    "TASS": "TASS",
    "CP": "The Canadian Press",
    "The Canadian Press": "The Canadian Press",
    "AAP": "Australian Associated Press",
    "PTI": "Press Trust of India",
    "Yonhap": "Yonhap",
    "ANP": "ANP",
    # the same agencies under their full names, as "according to" and credit lines spell them (claims.sources reads
    # this table too: one alias table for datelines, credit lines and sources cited)
    "Agence France Presse": "Agence France-Presse",
    "United Press International": "United Press International",
    "Kyodo News": "Kyodo News",
    "Canadian Press": "The Canadian Press",
    "Australian Associated Press": "Australian Associated Press",
    "Press Trust of India": "Press Trust of India",
    "Xinhua News Agency": "Xinhua",
    "Yonhap News Agency": "Yonhap",
    "Deutsche Presse-Agentur": "dpa",
    "Bloomberg News": "Bloomberg",
    "Thomson Reuters": "Reuters",
    "Anadolu Agency": "Anadolu Agency",
    "Interfax": "Interfax",
    "RIA Novosti": "RIA Novosti",
    "Jiji Press": "Jiji Press",
    "MP": "Meridian Press",
    "Meridian Press": "Meridian Press",
}

_SECTION_TEXT = """news|local news|local|world|world news|national|international|politics|business|economy|money|
markets|sport|sports|opinion|comment|analysis|editorial|letters|health|science|technology|tech|culture|arts|
entertainment|lifestyle|travel|weather|environment|climate|education|crime|courts|breaking|breaking news|live|latest|
latest news|top stories|europe|africa|asia|americas|middle east|uk|us|home|region|regional|metro|city|community|
obituaries|features|feature|investigations|exclusive|video|videos|photos|gallery|podcast|podcasts|shipping|maritime|
transport|property|motoring|food|fashion|media|society|science environment"""
# Lone lines that name a section of the paper ("WORLD", "Local News"): labels, not text.
SECTION_LABELS = frozenset(s.strip() for s in _SECTION_TEXT.replace("\n", "").split("|"))

_FURNITURE = [
    re.compile(p, re.I)
    for p in (
        # comment forms
        r"your email address will not be published",
        r"required fields are marked",
        r"^(leave|post|add|write|submit) a (comment|reply)\b",
        r"^\d*\s*(comments?|replies|responses)(\s*\(\d+\))?$",
        r"^(show|view|load|read|see) (all |the )?(\d+ )?comments\b",
        r"^comments (are|have been) (closed|disabled)",
        r"^(join|start) the (conversation|discussion|debate)\b",
        r"^be the first to (comment|reply)",
        r"^(cancel reply|post comment|submit|submit comment|reply|comment|name|email|website)\s*\*?$",
        r"^save my name,? email",
        r"^you must be (logged|signed) in to (post|comment)",
        r"^(log|sign) in to (comment|reply)",
        # sharing, following, newsletters
        r"^(share|tweet|email|print|pin|save)( this)?( article| story| post| page)?"
        r"( (on|via|to) [\w .]{1,20})?(\s*[:|]\s*\w+){0,6}$",
        r"^(click|tap) to (share|print|email)\b",
        r"^copy (the )?link\b",
        r"^(follow|like|find) us on\b",
        r"\b(sign up|subscribe)\b.{0,60}\bnewsletters?\b",
        r"\bnewsletters?\b.{0,60}\b(sign up|subscribe)\b",
        r"^get (the|our) .{0,60}\b(in|to) your inbox\b",
        r"^enter your e-?mail( address)?\b",
        r"^(subscribe|sign up|subscribe now|sign up now|newsletter)\s*[.!]?$",
        # cookies, rights, ads
        r"\bwe use cookies\b",
        r"\b(this|our) (web)?site uses cookies\b",
        r"^(accept|manage|reject) (all )?(cookies|preferences)\b",
        r"\bcookie (policy|settings|preferences|consent)\b",
        r"all rights reserved",
        r"^(©|\(c\)\s|copyright\s+(©\s*)?\d{4})",
        r"^(advertisement|advertising|advert|ad|sponsored|sponsored content|promoted|promoted content)\s*[:.]?$",
        r"^(story|article) continues (below|after)\b",
        r"^scroll (down )?to continue\b",
        # onward links and furniture lines
        r"^(read more|read next|read also|also read|more reading|further reading|see also|related|related "
        r"(articles?|stories|content|coverage|links|topics)|more (from|on|about) .{1,60}|you (may|might) also "
        r"(like|enjoy)|recommended( for you)?|most (read|popular|viewed|shared)|trending( now)?|more stories|"
        r"more news|top stories|editor'?s picks?|what to read next)\s*([:\-–—>»].*)?$",
        r"^(watch|listen|video|gallery|photos?|in pictures)\s*:",
        r"^(tags?|topics?|filed under|categories|category|keywords)\s*:",
        r"^(photo|image|picture|graphic|illustration)s?( credits?)?\s*:",
        r"^\d+\s*min(ute)?s?\s+read$",
        r"^listen to (this|the) (article|story)\b",
        r"^(privacy policy|terms of (use|service)|about us|contact us|manage preferences|skip to (main )?content)$",
        r"^(click|tap) here\b",
        # link previews: a bare address, a picture's source and caption labels. An embedded post is kept: its
        # words and its "— Name (@handle) date" credit are what outlets quote (only its picture link goes, inline)
        r"^(https?://|www\.)\S+$",
        r"^([a-z0-9-]+\.)+[a-z]{2,}(/\S*)?$",
        r"^(image|media|video) (source|caption)\s*[,:]",
        r"^(getty images|ap photo|reuters|afp|pa|epa|shutterstock)(\s*/\s*[\w .]{1,40})?$",
        r"^(photograph|photo|picture)\s*:\s*[\w .,/&-]{1,60}$",
        r"^(link copied|copied to clipboard|opens in (a )?new (tab|window))[.!]?$",
    )
]
# Inside a paragraph: what a link left behind when its page was flattened to text ("(opens in new tab)").
_INLINE_JUNK = re.compile(
    r"\s*\((?:opens|open|link opens) in (?:a )?new (?:tab|window)\)|\s*\bpic\.twitter\.com/\w+", re.I
)
# A writer's biography or contact line above or below the story: "Jane Doe is a reporter for the Courier covering
# city hall.", "Contact her at ...", "He can be reached at ...". Cut only in the header lines and at the foot of the
# body, where such notes sit: in the middle of a story "X is a reporter" is news.
_ROLE = (
    r"(?:reporter|correspondent|writer|editor|journalist|columnist|contributor|producer|photographer|intern|"
    r"fellow|critic|reviewer|blogger|presenter|anchor)s?"
)
_BIO = [
    re.compile(p)
    for p in (
        # present tense: "X was a reporter for 30 years" closes an obituary, and is news
        rf"^(?:[A-Z][\w.'’-]+\s+){{1,4}}(?:is|are)\s+(?:a|an|the|our)\s+(?:[\w'’-]+\s+){{0,5}}?{_ROLE}\b",
        r"^(?i:(?:you can )?(?:contact|reach|e-?mail|follow|write to) (?:him|her|them|me|the (?:writer|author|"
        r"reporter))\b)",
        # "... can be reached at" with an address to reach: "Police can be contacted on 101" is an appeal, and news
        r"^(?=.*(?:@|\bat\s+\S+\.(?:com|org|net|co\.uk)\b)).*\b(?i:can be (?:reached|contacted|emailed) (?:at|on|via))\b",
        r"^(?i:e-?mail|contact|follow)\s*:\s*\S+$",
    )
]
_BIO_TAIL = 3  # paragraphs at the foot of a story looked at for biography and contact lines
_CREDIT_PATTERNS = [
    re.compile(p, re.I)
    for p in (
        r"^(?P<who>.{2,120}?) contributed (additional |further )?(reporting|to this (report|story|article))"
        r"( from (?P<where>.+?))?\.?$",
        r"^\(?(additional |further )?reporting by (?P<who>.{2,160}?)\.?\)?$",
        r"^\(?(written|compiled|edited|writing|editing) by (?P<who>.{2,120}?)\.?\)?$",
    )
]
_REUTERS_CREDIT = re.compile(r"^\((?P<body>(reporting|writing|editing|additional reporting)\b[^()]{3,300})\)$", re.I)
_BYLINE = re.compile(
    r"^(?i:by)\s+(?P<who>[A-Z\u00C0-\u024F][\w.'’\u00C0-\u024F-]*(?:[ ,]+(?:and\s+|&\s+)?[\w.'’\u00C0-\u024F-]+){0,7})"
    r"\s*(?:[|·•,–—-]\s*(?P<rest>.*))?$"
)
_PUBLISHED = re.compile(
    r"^(?:first\s+)?(?:published|posted|updated|last updated|date)(?:\s+on)?\s*:?\s+(?P<date>.+)$", re.I
)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_BREADCRUMB = re.compile(r"^[\w&'’ -]{1,30}(\s*[›»>/|]\s*[\w&'’ -]{1,30}){1,6}$")
_PLACE = r"[A-Z\u00C0-\u00DE][\w.'’\u00C0-\u024F-]*(?:\s+[A-Z\u00C0-\u00DE][\w.'’\u00C0-\u024F-]*){0,3}"
_DATELINE = re.compile(
    rf"^(?P<dl>(?P<place>{_PLACE})(?:,\s*(?P<region>{_PLACE}))?"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<wire>[^()]{1,40})\))?)"
    r"\s*(?P<dash>—|–|--|-)\s+(?=[\"“‘'A-Z0-9])"
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[^\S\n]+")


# A byline's parts that name no one: a role ("Legal Affairs Correspondent", "Chief Reporter", "a staff writer"), a
# biography ("is a reporter for ..."), the wire or paper it writes for.
_BYLINE_BIO = re.compile(r"\s+(?:is|was)\s+(?:a|an|the|our)\b.*$", re.S)
_BYLINE_ROLE = re.compile(rf"(?i:\b{_ROLE}\b|^(?:a|an|the|our)\s|\bstaff\b|\bchief\b|\bdesk\b)")
_DOUBLED = re.compile(r"^(?P<name>.{3,60}?)[\s,;]*(?P=name)$", re.I)


def clean_byline(byline: str | None) -> tuple[str | None, str | None]:
    """(the names a byline gives, the wire it names): "By Jo Butler, Legal Affairs Correspondent, PA News" ->
    ("Jo Butler", "PA Media"); "Jane Doe, Jane Doe" and "Jane Doe Jane Doe" -> "Jane Doe"; "Sam Lee is a reporter
    for the Courier." -> "Sam Lee". A byline with nothing to cut is kept as written; one that names no person
    ("Courier Staff", "By Reuters") stays as it is, less its "By"."""
    if not byline:
        return None, None
    text = re.sub(r"^(?i:by)\s+", "", normalize(byline)).strip(" .")
    names: list[str] = []
    wire: str | None = None
    cut = False
    for part in re.split(r"\s*(?:[,;|·•]|\band\b|&)\s*", text):
        whole = part
        part = _BYLINE_BIO.sub("", part).strip(" .")
        doubled = _DOUBLED.match(part)
        if doubled:
            part = doubled["name"].strip(" ,;")
        cut |= part != whole.strip(" .")
        if not part:
            continue
        as_wire = wire_name(part) or wire_name(re.sub(rf"(?i)\s+{_ROLE}$", "", part))
        if as_wire:
            wire, cut = wire or as_wire, True
            continue
        if (
            _BYLINE_ROLE.search(part)
            or not re.search(r"[A-Z\u00C0-\u00DE]", part)
            or part.casefold() in {n.casefold() for n in names}
        ):
            cut = True
            continue
        names.append(part)
    if not names:
        return _BYLINE_BIO.sub("", text).strip(" .,") or None, wire
    if not cut:
        return text, wire
    return (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]), wire


@dataclass
class Edited:
    """What the copy editor kept and what it took out."""

    paragraphs: list[str]
    removed: list[str] = field(default_factory=list)
    title: str | None = None
    byline: str | None = None
    credits: list[str] = field(default_factory=list)
    published: str | None = None
    dateline: str | None = None
    wire: str | None = None


def normalize(text: str) -> str:
    """NFC, no zero-width characters, one space for any run of spaces (non-breaking ones included)."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text).strip()


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def is_furniture(par: str) -> bool:
    if len(par) > 300:
        return False
    low = par.strip()
    if _key(low) in SECTION_LABELS:
        return True
    if any(p.search(low) for p in _FURNITURE):
        return True
    return bool(_BREADCRUMB.match(low)) and not re.search(r"[.!?]$", low) and len(low.split()) <= 12


def _names(who: str) -> list[str]:
    who = re.sub(r"\s+in\s+[A-Z][\w\s,]*$", "", who.strip())  # "Jane Doe in London"
    parts = re.split(r"\s*(?:,\s*and\s+|,|\band\b|&)\s*", who)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _credit(par: str) -> list[str] | None:
    m = _REUTERS_CREDIT.match(par)
    if m:
        out: list[str] = []
        for part in re.split(r";", m["body"]):
            pm = re.match(r"\s*(?:additional )?(?:reporting|writing|editing)\s+by\s+(.+)", part, re.I)
            if pm:
                out.extend(_names(pm.group(1)))
        return out or None
    for rx in _CREDIT_PATTERNS:
        m = rx.match(par)
        if m and len(m["who"].split()) <= 15:
            return _names(m["who"])
    return None


def looks_like_title(line: str) -> bool:
    """A first line that reads as a headline: short, no full stop or colon at the end, not a dateline or byline."""
    s = line.strip()
    if not s or len(s) > 200 or len(s.split()) > 25:
        return False
    if s[-1] in ".,;:" and not s.endswith("..."):
        return False
    if _BYLINE.match(s) or _PUBLISHED.match(s) or _DATELINE.match(s) or is_furniture(s):
        return False
    return not parse_date(s)


def match_dateline(par: str) -> re.Match[str] | None:
    m = _DATELINE.match(par)
    if not m:
        return None
    place = m["place"]
    letters = [c for c in place if c.isalpha()]
    if m["wire"] or (letters and all(c.isupper() for c in letters) and len(letters) >= 2):
        return m
    if m["dash"] in "—–" and len(place.split()) <= 3 and not m["region"]:
        return m  # "London — The mayor ..."
    return None


def wire_name(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip()
    return WIRES.get(name) or WIRES.get(name.title())


def _is_bio(par: str) -> bool:
    return len(par) <= 300 and any(rx.search(par) for rx in _BIO)


def _without_inline_junk(par: str, removed: list[str]) -> str:
    junk = [m.group().strip() for m in _INLINE_JUNK.finditer(par)]
    if not junk:
        return par
    removed.extend(junk)
    return _INLINE_JUNK.sub("", par).strip()


def edit(
    paragraphs: list[str], title: str | None = None, guess_title: bool = False, byline: str | None = None
) -> Edited:
    """Clean the paragraphs of one article body. ``byline``: the one the container gave (a page's author): the
    name repeated as a line above the body is cut."""
    out = Edited(paragraphs=[], title=title)
    pars = [p for p in (normalize(p) for p in paragraphs) if p]
    head = True  # still in the header lines above the first real paragraph
    given_names = {_key(n) for n in re.split(r"\s*[,;]\s*|\s+and\s+", clean_byline(byline)[0] or "") if n}
    for par in pars:
        par = _without_inline_junk(par, out.removed)
        if not par:
            continue
        key = _key(par)
        if head and key and (key in given_names or (key.startswith("by ") and key[3:] in given_names)):
            out.removed.append(par)  # the page's author repeated as a line of the body
            continue
        if head and guess_title and out.title is None and not is_furniture(par) and looks_like_title(par):
            out.title = par.lstrip("# ").strip()
            continue
        if out.title and key and key == _key(out.title):
            out.removed.append(par)
            continue
        if out.paragraphs and len(par) <= 300 and key == _key(out.paragraphs[-1]):
            out.removed.append(par)
            continue
        if (head or len(out.paragraphs) < 2) and _header_metadata(par, out):
            continue
        if head and _is_bio(par):
            out.removed.append(par)
            continue
        credit = _credit(par)
        if credit:
            out.credits.extend(c for c in credit if c not in out.credits)
            continue
        if is_furniture(par):
            out.removed.append(par)
            continue
        if head:
            head = False
            m = match_dateline(par)
            if m and len(par) > m.end() + 20:
                out.dateline = m["dl"].strip()
                out.wire = wire_name(m["wire"])
                par = par[m.end() :]
        out.paragraphs.append(par)
    foot: list[str] = []
    while len(foot) < _BIO_TAIL and len(out.paragraphs) > 1 and _is_bio(out.paragraphs[-1]):
        foot.insert(0, out.paragraphs.pop())
    out.removed += foot
    if not out.byline and out.credits:
        out.byline = ", ".join(out.credits)
    return out


def _header_metadata(par: str, out: Edited) -> bool:
    """Byline and date lines above the body: move them into their fields."""
    if len(par) > 120:
        return False
    m = _BYLINE.match(par)
    if m:
        names, wire = clean_byline(par)
        out.byline = out.byline or names
        out.wire = out.wire or wire
        if m["rest"] and not out.published:
            out.published = parse_date(m["rest"], strict=False)
        return True
    m = _PUBLISHED.match(par)
    if m and _YEAR.search(par):
        date = parse_date(m["date"], strict=False)
        if date:
            out.published = out.published or date
            return True
    if len(par) <= 60 and _YEAR.search(par):
        date = parse_date(par)
        if date:
            out.published = out.published or date
            return True
    return False
