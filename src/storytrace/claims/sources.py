"""Sources cited: the wires, outlets and other media an article credits or attributes its information to, and the
bodies, people and documents it says its information comes from.

``sources_cited(article, doc, ents, found)`` reads what ingest already found (the dateline's wire tag, credit lines,
the byline) and the article's parse (the claims stage's own ``Doc``), and returns one ``SourceCited`` per (name,
sentence). Rules, in the newsroom's words (docs/claims.md, "Sources cited"):

- Tags ingest moved out of the body: a dateline's bracketed tag ("(AP)"), a credit line naming a wire or an outlet
  ("Reuters contributed to this report"), a wire named in the byline. Their ``sentence`` is ``[]``: the words are
  in ``Article.dateline`` / ``credits`` / ``byline``, not in the text. They are listed on the wire's own items too:
  the tag says whose copy the article is. A wire tag in brackets left in the body ("(AFP)") counts the same.
- Any kind of source: "according to X", "citing X"; a document that shows ("court documents show", "figures
  released by the ministry show"); a document's author is the source ("a report by the UN agency found",
  "according to the ministry's figures"). Pieces of work (an investigation, an article, an interview) are a source
  only through their author: "investigations showed" cites no one.
- Media only (a wire, a named outlet, unnamed media): X reported / said / wrote / noted / first reported; reported,
  published, quoted, seen or obtained by X; told X, speaking to X, confirmed to X, in an interview with X; an article
  in X, as reported in X, first appeared in X; "the newspaper said" after a medium was named (within about two
  paragraphs). A body or a person in those places is a speaker or a subject, not a source: "police said" is on the
  claim, "told police" is an audience.
- Never: the speaker of a direct quote (that stays on the quote) unless it is a medium; an outlet that is the
  subject of a story ("the Herald fired its editor", "the station's owner", "the BBC's director general said", "the
  newspapers now claim" in a libel case): none of them is in the places above; a journalist of a medium ("CNN
  correspondent Sanjay Gupta") is a person, not the medium; words inside quote marks (the speaker's citation, not
  the article's); the article's own outlet named in its text ("told the Herald" in the Herald, "this newspaper");
  "X has learned" (an outlet claiming its own scoop).

Kinds: ``wire`` (a news agency in the wire alias table, ``storytrace.ingest.clean.WIRES``), ``outlet`` (a named paper,
broadcaster or site: a known broadcaster's name, a name with a paper's word, "the Sun" and "the Post" only with the
article), ``media`` (unnamed: "local media", "state television", "media reports"), ``agency`` (a body speaking for
itself: police, a ministry, officials, a company; also "a spokesman for the ministry": the body he speaks for),
``person`` (a named person or an individual as the origin of information: "according to a witness"; "a spokesman"
for no named body), ``document`` (a report, records, filings, figures, with no author named).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from storytrace.claims.entities import ORG_ANTECEDENT_CHARS, PERSON_ROLES, ArticleEntities
from storytrace.claims.quotes import SPEECH_VERBS, FoundQuote
from storytrace.ingest.clean import wire_name
from storytrace.nlp import load_nlp, sentence_index
from storytrace.records import Article, ArticleFacts, SourceCited, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["MEDIA_NAMES", "attach_sources_cited", "same_source", "source_name", "sources_cited"]

Kind = Literal["wire", "outlet", "media", "agency", "person", "document"]
MEDIUM_KINDS = frozenset({"wire", "outlet", "media"})

# Broadcasters and sites whose names carry no word that says "newspaper" or "radio"; a name whose first word is one
# of these is an outlet ("BBC Radio 4", "CNN's State of the Union"). Wires are in the wire alias table instead.
MEDIA_NAMES = frozenset(
    ["BBC", "CNN", "NPR", "PBS", "ITV", "ABC", "CBS", "NBC", "MSNBC", "CNBC", "Fox", "Sky", "Al Jazeera", "RTE",
     "RTÉ", "CBC", "Deutsche Welle", "DW", "France 24", "Euronews", "Politico", "Axios", "Vox", "BuzzFeed",
     "HuffPost", "Breitbart", "TMZ", "Bild", "Der Spiegel", "Spiegel", "Le Monde", "Le Figaro", "Haaretz", "El País",
     "Kathimerini", "Corriere della Sera", "La Repubblica", "Asahi", "Yomiuri", "Newsweek", "Time"]
)  # fmt: skip
# Capitalised words that, in a proper name, make it a paper, a broadcaster or a site ("Channel 9", "Northvale Daily",
# "the Harbour Herald"). Only read in the places a source is cited.
OUTLET_WORDS = frozenset(
    ["times", "herald", "gazette", "tribune", "journal", "news", "daily", "chronicle", "telegraph", "inquirer",
     "press", "radio", "tv", "television", "channel", "broadcasting", "magazine", "weekly", "digest", "wire",
     "online", "newspaper", "gazeta", "zeitung", "tageblatt", "pravda", "izvestia"]
)  # fmt: skip
# Words that make a paper's name only with the article before it: "the Sun", "the Post", "the Mirror" are papers,
# "Jeremy Post" is a person and "Sun Life" a company.
DEFINITE_OUTLET_WORDS = frozenset(
    ["post", "star", "sun", "mail", "express", "mirror", "standard", "independent", "guardian", "observer", "globe",
     "record", "register", "review", "echo", "examiner", "bulletin", "sentinel", "advertiser", "courier", "argus",
     "dispatch", "economist", "spectator", "scotsman", "age", "nation", "hindu", "reporter"]
)  # fmt: skip
# Common nouns that say the name next to them is a medium ("the daily Kathimerini", "broadcaster RTL"); alone and
# definite ("the newspaper said") they stand for the medium named last before them.
MEDIA_NOUNS = frozenset(
    ["newspaper", "paper", "daily", "tabloid", "broadsheet", "weekly", "magazine", "broadcaster", "station", "channel",
     "network", "website", "site", "outlet", "agency", "programme", "program", "show", "publication"]
)  # fmt: skip
# the medium nouns that make the proper name beside them a medium ('agency' does not: "the UN agency")
_NAMING_MEDIA_NOUNS = MEDIA_NOUNS - {"agency", "site", "show", "programme", "program", "outlet"}
# Heads of unnamed media: "local media", "state television", "the local press", "media reports".
UNNAMED_MEDIA = frozenset(["media", "press", "television", "tv", "radio", "newspapers", "outlets", "tabloids"])
_REPORT_MODIFIERS = frozenset(["media", "news", "press", "newspaper", "television", "tv", "radio"])
# Words that make a name a body rather than a medium, checked before the outlet words ("Independent Police Complaints
# Commission", "Press Complaints Commission").
AGENCY_WORDS = frozenset(
    ["police", "official", "officials", "authority", "authorities", "ministry", "department", "government", "council",
     "agency", "office", "service", "services", "coastguard", "army", "military", "navy", "court", "prosecutor",
     "prosecutors", "commission", "committee", "board", "company", "firm", "hospital", "university", "union",
     "organisation", "organization", "regulator", "watchdog", "institute", "bureau", "administration", "embassy",
     "parliament", "congress", "senate", "force", "brigade", "inspectorate", "tribunal", "trust", "foundation",
     "association", "federation", "party", "corporation", "group", "bank", "fund", "centre", "center"]
)  # fmt: skip
# Nouns for people who can be the origin of information ("according to witnesses", "a grain trader"); the titles of
# claims.entities.PERSON_ROLES count too.
PERSON_NOUNS = frozenset(
    ["witness", "eyewitness", "resident", "source", "people", "person", "relative", "friend", "neighbour", "neighbor",
     "colleague", "family", "trader", "employee", "worker", "passenger", "lawyer", "diplomat", "insider", "member",
     "man", "woman", "local", "villager", "student", "teacher", "parent", "driver", "fisherman", "crew"]
)  # fmt: skip
# people who work for a medium: "CNN chief medical correspondent Sanjay Gupta" is a person, not CNN
_JOURNALISTS = frozenset(
    ["correspondent", "reporter", "editor", "anchor", "host", "journalist", "columnist", "presenter", "writer",
     "producer", "commentator", "critic", "owner", "publisher", "staff"]
)  # fmt: skip
_SPOKES_NOUNS = frozenset(["spokesman", "spokeswoman", "spokesperson", "representative", "official"])
# Documents that are a source on their own: "court documents show", "according to police records"
DOCUMENT_NOUNS = frozenset(
    ["document", "record", "filing", "report", "study", "survey", "data", "figure", "statistic", "census", "poll",
     "minute", "transcript", "log", "email", "letter", "memo", "indictment", "complaint", "lawsuit", "affidavit",
     "warrant", "statement", "release", "excerpt", "testimony", "submission", "paper", "dossier", "file", "estimate",
     "order", "resolution", "decree", "ruling", "judgment", "judgement", "constitution", "charter"]
)  # fmt: skip
# ... and pieces of work that are one only with an author named: "an investigation by the Herald found" cites the
# Herald, "investigations showed" cites no one
AUTHORED_NOUNS = frozenset(
    ["investigation", "inquiry", "analysis", "review", "audit", "assessment", "research", "finding", "evidence",
     "article", "story", "piece", "column", "editorial", "interview", "op-ed", "documentary"]
)  # fmt: skip
# "figures" are people too ("conservative figures"): figures are a document with an author or one of these
_FIGURE_MODIFIERS = frozenset(
    ["official", "latest", "new", "provisional", "preliminary", "final", "monthly", "annual", "weekly", "quarterly",
     "government", "police", "ministry", "census", "sales", "trade", "economic", "unemployment", "casualty"]
)  # fmt: skip
# a document in these says what is in it: "court documents show", "a report by the UN agency found"
_SHOW_VERBS = frozenset(
    ["show", "reveal", "say", "find", "indicate", "suggest", "state", "conclude", "estimate", "confirm", "warn",
     "note", "list", "detail", "describe", "allege", "claim", "report", "put", "record", "give", "outline", "read",
     "stipulate", "specify"]
)  # fmt: skip
# verbs whose subject, when a medium, is cited: "the Herald reported", "state media said", "Reuters quoted him"
_MEDIUM_VERBS = frozenset(
    ["report", "say", "write", "publish", "broadcast", "air", "quote", "cite", "reveal", "claim", "carry", "add",
     "note", "tweet", "post", "break", "run", "confirm", "print", "headline", "describe", "contribute", "state"]
)  # fmt: skip
# verbs of a journalist's work: "the Herald's Michael Silverman wrote" cites the Herald ("the BBC's director general
# said" does not: an executive speaks for the company)
_BYLINE_VERBS = frozenset(["report", "write", "reveal", "publish", "break", "broadcast", "note"])
# passives whose agent, when a medium, is cited: "first reported by the Times", "documents seen by Reuters"
_AGENT_VERBS = frozenset(
    ["report", "publish", "broadcast", "air", "quote", "cite", "reveal", "obtain", "see", "carry", "interview",
     "print", "run", "release", "review", "contact", "ask", "break"]
)  # fmt: skip
# verbs of speaking to someone: their "to X" / indirect object, when a medium, is cited ("told the BBC")
_TOLD_VERBS = frozenset(
    ["tell", "speak", "talk", "say", "confirm", "explain", "describe", "write", "give", "deny", "insist", "admit"]
)  # fmt: skip
# pieces whose author may stand after "in"/"of" or before them: "a report in the Herald", "a statement of the
# organisers", "this L.A. Times story"
_PIECES = frozenset(["article", "story", "piece", "column", "editorial", "report", "interview", "letter"])
_DOC_AUTHOR_VERBS = frozenset(["publish", "release", "issue", "compile", "prepare", "commission", "produce", "file"])
_SELF_DETERMINERS = frozenset(["this", "our"])
_DETERMINERS = frozenset(["the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"])
_NAME_LABELS = frozenset(["ORG", "PERSON", "GPE", "NORP", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LOC"])
_PHRASE_DEPS = frozenset(["compound", "amod", "nmod", "nummod", "poss", "case", "det", "quantmod", "npadvmod"])
_TAG = re.compile(r"\(([^()]{1,40})\)")
_POSSESSIVE = re.compile(r"\s*['’]s?$")
_EDGE = " ,;:()[]-–—\"“”'‘’"


@dataclass(frozen=True)
class _Found:
    name: str
    kind: Kind
    tokens: tuple[int, int]  # first and last token of the phrase (author included)
    start: int  # character offset where the medium's name starts, for "named last" look-backs


def source_name(text: str) -> str:
    """The name a source goes by: no leading article or possessive, wire aliases resolved ("the AP's" ->
    "Associated Press", "The Harbour Herald" -> "Harbour Herald")."""
    name = " ".join(text.split())
    name = re.sub(r"\s+of\s+(?:\w+\.?\s+)?\d.*$", "", name)  # "the Guardian of Oct 20, 1994": the paper, not its issue
    name = re.sub(r"(?<=\S)\s+\([^()]*\)$", "", name)  # "NBC News (Online)": the outlet, not its section
    while True:  # until nothing more comes off: "the AP's" and "(The AP)" both end as "AP"
        bare = _POSSESSIVE.sub("", name.strip(_EDGE))
        if not re.search(r"\b[A-Z]\.$", bare):  # "F.B.I." keeps its last full stop; a sentence's goes
            bare = bare.rstrip(".")
        bare = re.sub(r"^(?:the|a|an)\s+", "", bare, flags=re.I).strip()
        if bare == name:
            break
        name = bare
    return wire_name(name) or name


def _words(name: str) -> list[str]:
    return re.findall(r"[\w]+", name.casefold())


def same_source(a: str, b: str) -> bool:
    """Two names of one source: equal once normalised, one wire under two aliases, or one a run of the other's
    words ending it ("Herald" and "Coastal Herald", "Valmora Courier" and "The Valmora Courier")."""
    na, nb = source_name(a), source_name(b)
    wa, wb = _words(na), _words(nb)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    # the distinctive tail of an outlet's name ("the Herald" for "Coastal Herald"); a lone generic word ("news",
    # "press", "daily") names nothing on its own
    if len(short) == 1 and short[0] in ("news", "press", "daily", "media", "radio", "tv", "online", "wire"):
        return False
    return long_[-len(short) :] == short


def _kind_of_name(name: str, definite: bool) -> Kind | None:
    """The kind a name alone tells (wire, a known broadcaster, a body, a paper), or None. ``definite``: written with
    "the" before it, as papers' names are ("the Post"; "Jeremy Post" is a person)."""
    if wire_name(name):
        return "wire"
    words = name.split()
    if not words:
        return None
    if name in MEDIA_NAMES or words[0] in MEDIA_NAMES or " ".join(words[:2]) in MEDIA_NAMES:
        return "outlet"
    low = [w.casefold() for w in re.findall(r"[\w]+", name)]
    if any(w in AGENCY_WORDS for w in low):
        return "agency"
    capitals = [w for w in re.findall(r"[\w]+", name) if w[:1].isupper() or w.isdigit()]
    words_of_papers = OUTLET_WORDS | DEFINITE_OUTLET_WORDS if definite else OUTLET_WORDS
    if any(w.casefold() in words_of_papers for w in capitals):
        return "outlet"
    return None


def _lemma(tok: Token) -> str:
    """spaCy's lemma, but "data" and "media" as written (its lemmas are "datum" and "medium")."""
    return tok.lower_ if tok.lower_ in ("data", "media") else tok.lemma_.lower()


def _called_source(tok: Token) -> bool:
    """'sources', 'a source close to the talks', 'people familiar with the matter': the press's unnamed sources."""
    lemma = _lemma(tok)
    if tok.pos_ != "NOUN":
        return False
    return lemma == "source" or (lemma in ("people", "person") and any(c.lower_ == "familiar" for c in tok.children))


def _documentish(tok: Token) -> bool:
    return tok.pos_ == "NOUN" and (_lemma(tok) in DOCUMENT_NOUNS or _lemma(tok) in AUTHORED_NOUNS)


class _Finder:
    """One article's sources, found in the places a source is cited."""

    def __init__(self, article: Article, doc: Doc, ents: ArticleEntities, found: Sequence[FoundQuote]) -> None:
        self.article = article
        self.doc = doc
        self.ents = ents
        self.quoted: list[Span] = [q.outer for q in found]
        self.speakers = {q.speaker_head for q in found if q.speaker_head is not None and not q.partial}
        self.media: list[_Found] = []  # media found so far, for "the newspaper said" further on
        self.sourced = False  # unnamed sources cited already: a bare "the sources" later are the same

    # ---- phrases

    def _inside_quote(self, tok: Token) -> bool:
        return any(a <= tok.idx < b for a, b in self.quoted)

    def _phrase(self, head: Token) -> list[Token]:
        """The noun phrase a head names: its entity when it is in one, else the head and its modifiers on the
        left (and a number after it: "Channel 9")."""
        doc = self.doc
        if head.ent_type_ in _NAME_LABELS:
            for ent in doc.ents:
                if ent.start <= head.i < ent.end:
                    return [t for t in ent if t.dep_ != "case"]
        keep: list[Token] = []
        for child in head.lefts:
            if child.dep_ in _PHRASE_DEPS:
                keep.extend(t for t in child.subtree if t.dep_ != "case")
        keep.append(head)
        keep.extend(c for c in head.rights if c.dep_ == "nummod")
        return sorted({t.i: t for t in keep}.values(), key=lambda t: t.i)

    def _name(self, toks: Sequence[Token]) -> str:
        words = list(toks)
        while words and words[0].lower_ in _DETERMINERS:
            words.pop(0)
        if not words:
            return ""
        text = self.doc[words[0].i : words[-1].i + 1].text
        if not any(t.pos_ == "PROPN" for t in words):
            text = text.lower()
        return source_name(text)

    def _proper_part(self, toks: Sequence[Token]) -> list[Token]:
        """The proper name inside a phrase with a medium noun around it: "the daily Kathimerini" -> Kathimerini."""
        return [t for t in toks if t.pos_ in ("PROPN", "NUM") or (t.text[:1].isupper() and t.i != toks[0].i)]

    # ---- what a phrase is

    def classify(self, head: Token) -> tuple[str, Kind, list[Token]] | None:
        """(name, kind, tokens) for the phrase headed by ``head``, or None when it is no source (a plan, a rule, a
        pronoun, a place)."""
        toks = self._phrase(head)
        lemma = _lemma(head)
        lowers = [t.lower_ for t in toks]
        name = self._name(toks)
        if not name or head.pos_ == "PRON":
            return None
        # "the newspaper Kathimerini", "trade magazine The Hollywood Reporter": spaCy makes the name a second subject
        # next to the medium noun, or its apposition
        if lemma in MEDIA_NOUNS:
            for nxt in self.doc[head.i + 1 : head.i + 4]:
                beside = nxt.head is head.head and nxt.dep_ == head.dep_ and nxt is not head
                if nxt.pos_ == "PROPN" and (beside or (nxt.head is head and nxt.dep_ == "appos")):
                    toks = [*toks, *self._phrase(nxt)]
                    name = self._name(self._proper_part(self._phrase(nxt)))
                    return (name, _kind_of_name(name, True) or "outlet", toks) if name else None
        owners = [c for c in head.lefts if c.dep_ == "poss" and c.pos_ != "PRON"]
        if lemma in MEDIA_NOUNS and owners:
            # "the BBC's website", "BBC's Crimewatch programme": the medium is the owner
            by = self.classify(owners[0])
            if by is not None and by[1] in MEDIUM_KINDS:
                return by[0], by[1], toks
        # a medium that owns the head, or that a person works for, is not the head: "the BBC's director general",
        # "CNN chief medical correspondent Sanjay Gupta" (a document's owner is its author, read by the caller)
        owned = {t.i for c in owners for t in c.subtree}
        people = head.pos_ == "NOUN" and (lemma in _JOURNALISTS or lemma in PERSON_NOUNS or lemma in PERSON_ROLES)
        proper = [t for t in self._proper_part(toks) if t.i not in owned and not people]
        if proper:
            pname = self._name(proper)
            before = toks[0].i - 1
            definite = "the" in lowers or (before >= 0 and self.doc[before].lower_ == "the")
            kind = _kind_of_name(pname, definite) if pname else None
            around = [t.lemma_.lower() for t in toks if t not in proper]
            if kind is None and pname and any(w in _NAMING_MEDIA_NOUNS for w in around):
                kind = "outlet"  # "the daily Kathimerini", "Kathimerini newspaper", "broadcaster RTL"
            if kind in MEDIUM_KINDS:
                return pname, kind, toks
            kind = kind or _kind_of_name(name, definite)
            if kind is not None:
                return name, kind, toks
        if head.text in MEDIA_NAMES or wire_name(head.text):
            return source_name(head.text), "wire" if wire_name(head.text) else "outlet", toks
        # unnamed media: "local media", "state television", "media reports"
        if lemma in UNNAMED_MEDIA or head.lower_ in UNNAMED_MEDIA:
            if lowers[0] in _SELF_DETERMINERS:
                return None
            if lowers == ["the", head.lower_] and head.tag_ == "NNS":
                return None  # "the newspapers now claim": papers the story named, parties to it, not a source
            return name, "media", toks
        if lemma == "report" and (any(w in _REPORT_MODIFIERS for w in lowers[:-1]) or lowers == ["reports"]):
            return name, "media", toks  # "media reports", and "Reports said": the press, unnamed
        if lemma in MEDIA_NOUNS:
            return self._anaphor(head, toks)
        if lemma in _SPOKES_NOUNS and not proper:
            body = self._spoken_for(head)
            if body is not None:
                return body[0], "agency", sorted([*toks, *body[1]], key=lambda t: t.i)
            return name, "person", toks  # 'a spokesman', 'officials', 'a senior administration official': people
        if head.pos_ == "NOUN" and (lemma in PERSON_ROLES or lemma in _JOURNALISTS):
            # "Apple senior vice president of marketing Phil Schiller": the person the title belongs to
            for t in head.subtree:
                direct = (t.dep_ == "appos" and t.head is head) or (t.dep_ == "pobj" and t.head.head is head)
                if t.i > head.i and t.ent_type_ == "PERSON" and direct:
                    span = self._phrase(t)
                    who = self.ents.name_for_token(self.doc, t, self.quoted) or self._name(span)
                    return who, "person", sorted({x.i: x for x in [*toks, *span]}.values(), key=lambda x: x.i)
        if lemma in AUTHORED_NOUNS and head.pos_ == "NOUN":
            return None  # no author named (the caller reads one): 'investigations showed' cites no one
        if lemma in DOCUMENT_NOUNS and head.pos_ == "NOUN":
            if lemma == "figure" and not any(c.lower_ in _FIGURE_MODIFIERS for c in head.lefts):
                return None
            return name, "document", toks
        if head.ent_type_ == "PERSON" or lemma in PERSON_NOUNS or lemma in PERSON_ROLES:
            person = self.ents.name_for_token(self.doc, head, self.quoted) if head.ent_type_ == "PERSON" else None
            return (person or name), "person", toks
        if head.ent_type_ in ("ORG", "NORP", "GPE") or lemma in AGENCY_WORDS or head.lower_ in AGENCY_WORDS:
            if head.ent_type_ == "ORG":
                name = self.ents.full_name(name)
            return name, "agency", toks
        return None

    def _anaphor(self, head: Token, toks: list[Token]) -> tuple[str, Kind, list[Token]] | None:
        """'the newspaper said': the medium named last before it, within about two paragraphs; an indefinite one
        ('a local newspaper') is unnamed media; 'this newspaper' is the article's own."""
        dets = [t.lower_ for t in head.lefts if t.dep_ == "det" or (t.dep_ == "poss" and t.pos_ == "PRON")]
        if any(d in _SELF_DETERMINERS for d in dets):
            return None
        if "the" not in dets or len(toks) > 2:
            if not {"a", "an"} & set(dets):
                return None  # 'her website', 'the state-run newspaper' (no name to stand for)
            return self._name(toks), "media", toks  # 'a local newspaper', 'a television station'
        for f in reversed(self.media):
            if head.idx - ORG_ANTECEDENT_CHARS <= f.start < head.idx and f.kind in ("wire", "outlet"):
                if head.lemma_.lower() == "agency" and f.kind != "wire":
                    continue  # 'the agency' after a paper is some other agency (a ministry's), not the paper
                return f.name, f.kind, toks
        return None

    def _spoken_for(self, head: Token) -> tuple[str, list[Token]] | None:
        """The body a spokesman speaks for: 'for the ministry', 'the ministry's', 'police spokeswoman'."""
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("for", "of", "at"):
                for obj in c.children:
                    if obj.dep_ == "pobj":
                        toks = self._phrase(obj)
                        return self._name(toks), [c, *toks]
            if c.dep_ == "poss" and c.pos_ != "PRON":
                toks = self._phrase(c)
                return self._name(toks), toks
        mods = [c for c in head.lefts if c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN")]
        if mods and head.lemma_.lower() != "official":  # 'police spokeswoman'; but 'port officials' are officials
            toks = sorted({t.i: t for m in mods for t in m.subtree if t.dep_ != "case"}.values(), key=lambda t: t.i)
            name = self._name(toks)
            return (name, toks) if name else None
        return None

    def _author(self, head: Token) -> Token | None:
        """Who a document is by: 'a report by X', 'figures from X', 'X's report', 'data released by X'."""
        piece = _lemma(head) in _PIECES
        for c in head.children:
            said = _lemma(head) in ("statement", "release")  # "a statement of the organisers"
            if c.dep_ == "prep" and (
                c.lower_ in ("by", "from") or (piece and c.lower_ in ("in", "of")) or (said and c.lower_ == "of")
            ):
                for obj in c.children:
                    if obj.dep_ == "pobj":
                        return obj
            if c.dep_ == "poss" and c.pos_ != "PRON" and c.ent_type_ not in ("DATE", "TIME"):
                return c  # "the ministry's figures", not "Friday's report"
            if c.dep_ == "compound" and c.pos_ == "PROPN" and piece:
                return c  # "this L.A. Times story", "a Daily Wire report"
            if c.dep_ == "acl" and c.lemma_.lower() in _DOC_AUTHOR_VERBS:
                for a in c.children:
                    if a.dep_ == "agent":
                        for obj in a.children:
                            if obj.dep_ == "pobj":
                                return obj
        return None

    # ---- the places a source is cited

    def _heads(self, tok: Token) -> Iterator[Token]:
        """A head and the heads joined to it by 'and': 'according to police and local media'."""
        yield tok
        for c in tok.children:
            if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN"):
                yield from self._heads(c)

    def cited(self) -> Iterator[tuple[_Found, Token]]:
        """Every (source, cue token) the text cites, in text order."""
        for tok in self.doc:
            if self._inside_quote(tok):
                continue
            for head, any_kind, cue, first in self._cues(tok):
                medium = False
                for h in self._heads(head):
                    if self._inside_quote(h):
                        continue
                    found = self._source(h, any_kind, cue, first)
                    if found is None and medium and h.pos_ == "PROPN" and h.ent_type_ not in ("PERSON", "GPE"):
                        # "The Hollywood Reporter and Collider are reporting": a name beside a medium, in a medium's
                        # place, is one
                        toks = self._phrase(h)
                        found = _Found(self._name(toks), "outlet", (min(cue.i, first, toks[0].i), h.i), h.idx)
                    if found is not None:
                        medium = medium or found.kind in MEDIUM_KINDS
                        if found.kind in MEDIUM_KINDS:
                            self.media.append(found)
                        yield found, cue

    def _cues(self, tok: Token) -> Iterator[tuple[Token, bool, Token, int]]:
        """(head of the source's phrase, whether any kind counts there, cue token, first token of the cue's words) for
        the cue at ``tok``."""
        low, lemma = tok.lower_, tok.lemma_.lower()
        doc = self.doc
        # according to X / citing X: any kind of source
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                yield objs[0], True, tok, tok.i
            return
        if low == "per" and tok.pos_ == "ADP":
            for c in tok.children:
                if c.dep_ == "pobj":
                    yield c, True, tok, tok.i  # "per the FlightAware tracker": "according to" in four letters
            return
        if low == "citing" or (lemma == "cite" and tok.tag_ == "VBG"):
            for c in tok.children:
                if c.dep_ == "dobj":
                    yield c, True, tok, tok.i
            return
        if tok.pos_ not in ("VERB", "AUX", "NOUN"):
            return
        if tok.pos_ == "NOUN":
            # an article in X, an interview with X, a report by X, a Daily Wire report, the Herald's story: the medium
            if _documentish(tok):
                for c in tok.children:
                    if c.dep_ == "prep" and c.lower_ in ("in", "by", "with", "on", "from", "to"):
                        for obj in c.children:
                            if obj.dep_ == "pobj":
                                yield obj, False, tok, tok.i
                    if _lemma(tok) in _PIECES and c.dep_ in ("compound", "poss") and c.pos_ == "PROPN":
                        yield c, False, tok, c.left_edge.i
            return
        # documents that show: 'court documents show', 'a report by the UN agency found'
        subjects = [c for c in tok.children if c.dep_ == "nsubj"]
        if lemma in _SHOW_VERBS:
            for s in subjects:
                if _documentish(s):
                    yield s, True, tok, s.left_edge.i  # its author, when named, is read by _source
        # a medium as the subject of a verb of reporting: 'the Herald first reported'
        if lemma in _MEDIUM_VERBS:
            for s in subjects:
                if not _documentish(s):
                    yield s, False, tok, tok.i
                if lemma in _BYLINE_VERBS:
                    # "the Boston Herald's Michael Silverman wrote", "CNN's Jake Tapper reported": their medium
                    yield from ((c, False, tok, tok.i) for c in self._employers(s))
        # sources called sources: "multiple sources have told NBC News", "said two people familiar with the talks"
        if lemma in SPEECH_VERBS or lemma in _MEDIUM_VERBS:
            for s in subjects:
                if _called_source(s):
                    yield s, True, tok, tok.i
        # a medium as the agent: 'first reported by the Times', 'documents seen by Reuters'
        if lemma in _AGENT_VERBS:
            for c in tok.children:
                if c.dep_ == "agent":
                    for obj in c.children:
                        if obj.dep_ == "pobj":
                            yield obj, False, tok, tok.i
        # where it appeared: 'as reported in the Guardian', 'writing in the Times', 'first appeared in the Post'
        if lemma in ("report", "publish", "write", "print", "run", "appear", "carry", "break"):
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "in":
                    for obj in c.children:
                        if obj.dep_ == "pobj":
                            yield obj, False, tok, tok.i
        # a medium spoken to: 'told the BBC', 'speaking to Sky News', 'confirmed to Reuters'
        if lemma in _TOLD_VERBS:
            told = [c for c in tok.children if c.dep_ in ("dative", "dobj") and lemma == "tell"]
            # 'told BBC Radio 4's Today programme': the indirect object is the medium, the object its programme
            for c in [c for c in told if c.dep_ == "dative"] or told[:1]:
                yield c, False, tok, tok.i
                yield from ((e, False, tok, tok.i) for e in self._employers(c))  # "told CNN's Jake Tapper"
            for c in tok.children:
                if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "on", "with"):
                    for obj in c.children:
                        if obj.dep_ == "pobj":
                            yield obj, False, tok, tok.i
                            yield from ((e, False, tok, tok.i) for e in self._employers(obj))

    def _employers(self, person: Token) -> list[Token]:
        """The medium a journalist or a column is named with: "CNN's Jake Tapper", "the Herald's Michael Silverman",
        "Entertainment Weekly's Hollywood Insider" (the caller keeps only media)."""
        deps = (
            ("poss", "compound", "nmod")
            if person.ent_type_ == "PERSON" or _lemma(person) in _JOURNALISTS
            else ("poss",)
        )
        return [c for c in person.children if c.dep_ in deps and c.pos_ == "PROPN"]

    def _source(self, head: Token, any_kind: bool, cue: Token, first: int) -> _Found | None:
        got = None
        if _lemma(head) in ("statement", "release") and self._author(head) is not None:
            return None  # "a statement from the ministry said": the ministry speaking, as in "said in a statement"
        if _documentish(head) and (author := self._author(head)) is not None:
            # 'according to a report by the UN agency': the author is the source
            by = self.classify(author)
            if by is not None:
                got = (
                    by[0],
                    by[1],
                    sorted({t.i: t for t in [*self._phrase(head), *by[2]]}.values(), key=lambda t: t.i),
                )
        got = got or self.classify(head)
        if got is None:
            return None
        name, kind, toks = got
        if not any_kind and kind not in MEDIUM_KINDS:
            return None
        if kind not in MEDIUM_KINDS and head.i in self.speakers and not _called_source(head):
            return None  # the speaker of a direct quote: that stays on the quote (unless called a source)
        if _called_source(head):
            if self.sourced and [t.lower_ for t in toks if t.lower_ != "the"] == [head.lower_]:
                return None  # "the sources say" after "multiple sources have told NBC News": the same sources
            self.sourced = True
        if kind in MEDIUM_KINDS and self._own(name, toks):
            return None
        lo = min([t.i for t in toks] + [cue.i, first])
        hi = max([t.i for t in toks] + [cue.i, first])
        if lo > 0 and self.doc[lo - 1].lower_ == "the" and self.doc[lo - 1].head.i in {t.i for t in toks}:
            lo -= 1  # "the Post said": the article spaCy leaves out of the name
        start = min(t.idx for t in toks)
        return _Found(name, kind, (lo, hi), start)

    def bracket_tags(self) -> Iterator[tuple[str, Token, Token]]:
        """A wire tag in brackets left in the body ('(AFP) -' where no dateline was found, '... (Reuters)')."""
        doc = self.doc
        for tok in doc:
            if tok.text != "(" or self._inside_quote(tok):
                continue
            for j in range(tok.i + 2, min(len(doc), tok.i + 6)):
                if doc[j].text == ")":
                    if (w := wire_name(doc[tok.i + 1 : j].text)) is not None:
                        yield w, tok, doc[j]
                    break

    def _own(self, name: str, toks: Sequence[Token]) -> bool:
        """The article's own outlet named in its text: the paper speaking of itself, not a source."""
        if any(t.lower_ in _SELF_DETERMINERS and t.head.pos_ == "NOUN" and _lemma(t.head) in MEDIA_NOUNS for t in toks):
            return True  # "this newspaper", "our website"
        outlet = self.article.outlet
        if not outlet:
            return False
        if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", outlet):
            # a site's address for its name ("nypost.com"): "told The Post" is the site speaking of itself
            stem = re.sub(r"^www\.", "", outlet.casefold()).split(".")[0].replace("-", "")
            letters = "".join(_words(name))
            return len(letters) >= 3 and letters in stem
        return same_source(name, outlet)


def _tags(article: Article) -> list[SourceCited]:
    """Wires and outlets in the fields ingest moved out of the body: the dateline's tag, credit lines, byline."""
    out: list[SourceCited] = []
    if article.dateline:
        for m in _TAG.finditer(article.dateline):
            name = source_name(m.group(1))
            kind = _kind_of_name(name, True)  # a dateline's tag is a wire's or a paper's, never a person's
            if kind in ("wire", "outlet"):
                out.append(SourceCited(name, kind, m.group(0), []))  # type: ignore[arg-type]
    for credit in article.credits:
        name = source_name(credit)
        kind = _kind_of_name(name, credit.casefold().startswith("the "))
        if kind in ("wire", "outlet"):
            out.append(SourceCited(name, kind, credit, []))  # type: ignore[arg-type]
    if article.byline:
        # 'By Lena Haskell, Meridian Press', 'AP': only a wire; a byline's outlet is the article's own staff
        for token in re.findall(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}", article.byline):
            if (w := wire_name(token)) is not None:
                out.append(SourceCited(w, "wire", article.byline, []))
    return out


# words in quote marks in a headline: the speaker's, not the article's ("'Told the BBC' row goes on")
_TITLE_QUOTED = re.compile(r"[\"“‘][^\"”’]*[\"”’]")


def _title_sources(article: Article, ents: ArticleEntities) -> list[SourceCited]:
    """The sources a headline or a standfirst cites ("Rep confirms rehab to People", "..., according to police"),
    found by the same rules as the text's. Some piles put the lead sentence there; an editor reads it as part of
    the article. Their ``sentence`` is ``[]``: the words are in ``Article.title``, not in the text."""
    title = " ".join((article.title or "").split())
    if not title:
        return []

    doc = load_nlp()(title)  # the pipeline the claims stage parses with (cached)
    quoted = [m.span() for m in _TITLE_QUOTED.finditer(title)]
    # the article's names (its spelled-out acronyms) but not its token positions, which are the text's
    title_ents = ArticleEntities(entities=ents.entities, people=ents.people)
    finder = _Finder(article, doc, title_ents, [])
    finder.quoted = quoted
    out = []
    for f, _cue in finder.cited():
        lo, hi = f.tokens
        out.append(SourceCited(f.name, f.kind, doc[lo : hi + 1].text, []))
    return out


def sources_cited(article: Article, doc: Doc, ents: ArticleEntities, found: Sequence[FoundQuote]) -> list[SourceCited]:
    """The sources ``article`` cites, one per (name, sentence): its tags first, then the text in order."""
    out = _tags(article)
    finder = _Finder(article, doc, ents, found)
    sentences = article.sentences
    for name, first, last in finder.bracket_tags():
        out.append(
            SourceCited(name, "wire", doc[first.i : last.i + 1].text, max(0, sentence_index(sentences, first.idx)))
        )
    for f, cue in finder.cited():
        lo, hi = f.tokens
        text = doc[lo : hi + 1].text
        out.append(SourceCited(f.name, f.kind, text, max(0, sentence_index(sentences, cue.idx))))
    out.extend(_title_sources(article, ents))
    seen: set[tuple[str, str]] = set()
    kept: list[SourceCited] = []
    for s in out:
        key = (s.name.casefold(), repr(s.sentence))
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept


def attach_sources_cited(articles: Iterable[Article], facts: Mapping[str, ArticleFacts]) -> None:
    """Give each article (in place) the sources its facts found: the dossier's ``articles[].sources_cited``. The
    claims stage owns the list; the article carries a copy so that whoever reads articles (the dossier, the store's
    rows, the web app) sees it without the facts."""
    for a in articles:
        f = facts.get(a.id)
        if f is not None:
            a.sources_cited = list(f.sources_cited)
