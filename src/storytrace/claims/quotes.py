"""Direct quotes: find quoted spans, decide whether each is a direct quote or a partial one, and bind it to a cue
and a speaker.

Rules (tuned on PolNeAR train/dev, see docs/claims.md):

- Marks: straight ``"`` and curly ``“ ” „ « »``; direction from the mark itself or, for straight marks, from the
  characters around it. Pairing is per paragraph; an opening mark left open at a paragraph's end continues when the
  next paragraph starts with an opening mark (the newsroom convention for quotes running over paragraphs).
- Direct (``partial=False``): the text of the sentence before the opening mark is empty or an attribution frame
  ending in ``:`` or ``,`` ("Ruiz said:", "As one official put it,"), and the text after the closing mark is empty
  or starts with a cue ("she said", "said Ana Ruiz, the fire chief", "the daily wrote, adding"). Anything else is a
  partial quote inside running text ("Ruiz called the blaze “a disaster”"), which PolNeAR counts as indirect.
  Also cues: a dash credit ("“…” ― Pamela Padilla"), a name right before a colon ("Pollsters agree - Carl Bialik:"),
  and a next sentence that is only a cue ("“…?” Clinton said."). A frame whose cue verb has a clause of its own
  before the mark ("Ryan said it is unrealistic to think that if …, “…”") continues reported speech: partial.
- Speaker: the subject of the cue verb ("according to X": X). A direct quote with no cue of its own continues the
  attribution of the quote just before it (same paragraph, or the previous paragraph if nothing unquoted came
  between), or takes one from a preceding sentence that ends in ``:``, or from the next quote's cue; failing that,
  the subject of a cue ending the sentence before, then the person named nearest before.
- Characterisations (``claims.characterise``): a word or short phrase a speech verb credits to somebody ("called the
  plan “reckless”", also in single marks) is a partial quote with a speaker; one with nobody to credit is dropped.
  Scare quotes ("so-called “experts”"), titles and names ("the song “bad guy”", "known as the “…”") are no quotes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storytrace.claims.characterise import (
    CHARACTERISING_VERBS,
    is_characterisation,
    names_or_scare_quotes,
    single_quoted,
)
from storytrace.claims.entities import (
    ORG_NOUNS_GENERIC,
    ORG_NOUNS_IN_NAME,
    PERSON_ROLES,
    ArticleEntities,
    article_entities,
)
from storytrace.nlp import sentence_index
from storytrace.records import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = ["SPEECH_VERBS", "FoundQuote", "find_quotes", "speaker_phrase"]

SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "write",
        "tweet",
        "post",
        "ask",
        "answer",
        "reply",
        "respond",
        "explain",
        "note",
        "insist",
        "argue",
        "claim",
        "state",
        "declare",
        "announce",
        "warn",
        "recall",
        "continue",
        "conclude",
        "joke",
        "quip",
        "shout",
        "exclaim",
        "acknowledge",
        "admit",
        "suggest",
        "complain",
        "remark",
        "observe",
        "comment",
        "testify",
        "urge",
        "predict",
        "promise",
        "vow",
        "boast",
        "emphasize",
        "emphasise",
        "stress",
        "caution",
        "concede",
        "counter",
        "contend",
        "maintain",
        "agree",
        "proclaim",
        "report",
        "confirm",
        "deny",
        "blog",
        "text",
        "email",
        "mutter",
        "whisper",
        "yell",
        "scream",
        "chant",
        "read",
        "repeat",
        "retort",
        "assert",
        "allege",
        "lament",
        "muse",
        "wonder",
        "pledge",
        "plead",
        "demand",
        "offer",
        "reason",
        "laugh",
        "sigh",
        "recount",
        "charge",
        "put",
        "quote",
        "cite",
        "describe",
        "begin",
        "tout",
        "point",
        "thunder",
        "rail",
        "fire",
        "snap",
        "scoff",
        "mock",
        "quip",
        "brag",
        "gush",
        "crow",
        "marvel",
        "opine",
        "posit",
        "interject",
        "counsel",
        "advise",
        "instruct",
        "order",
        "rule",
        "write",
        "blast",
        "slam",
        "criticize",
        "criticise",
        "praise",
        "hail",
        "welcome",
        "reiterate",
        "clarify",
        "elaborate",
        "wrote",
    ]
)
_OPEN = "“„«"
_CLOSE = "”»"
_MARKS = set('"' + _OPEN + _CLOSE)
_OPENERS_BEFORE = set(" \t\n([{—–-/:")
_WORD = re.compile(r"\w+")
_RECIPIENTS = frozenset(
    [
        "reporters",
        "journalists",
        "crowd",
        "audience",
        "supporters",
        "press",
        "interviewer",
        "host",
        "viewers",
        "listeners",
        "voters",
    ]
)
_CUE_PREP_OBJECTS = frozenset(
    [
        "statement",
        "interview",
        "post",
        "tweet",
        "email",
        "e-mail",
        "letter",
        "release",
        "twitter",
        "facebook",
        "instagram",
        "x",
        "radio",
        "television",
        "tv",
        "conference",
        "speech",
        "rally",
        "address",
        "message",
        "video",
        "note",
        "memo",
        "op-ed",
        "column",
        "blog",
        "show",
        "program",
        "programme",
        "appearance",
    ]
)


@dataclass
class FoundQuote:
    """One quoted span (maybe running over paragraphs), with what binds it to a speaker."""

    pieces: list[Span]  # character spans of the quoted words, without marks (one per paragraph)
    outer: Span  # opening mark .. closing mark (inclusive of both)
    partial: bool
    group: int = -1  # attribution group: pieces bound to one cue share it
    cue: str | None = None
    cue_span: Span | None = None
    speaker_span: Span | None = None  # the speaker mention as written ("she", "the fire chief", "Ana Ruiz")
    speaker_head: int | None = None  # token index of the mention's head in the doc
    sentences: list[int] = field(default_factory=list)
    single: bool = False  # in single quotation marks: only ever a characterisation, never a direct quote

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


def _direction(text: str, i: int, lo: int, hi: int) -> str | None:
    c = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    if c in _OPEN:
        return "open"
    if c in _CLOSE:
        if prev in _OPENERS_BEFORE and (nxt.isalnum() or nxt in "‘'…."):
            return "open"  # a curly close used as an opener by a careless keyboard
        return "close"
    if prev in _OPENERS_BEFORE and not nxt.isspace():
        return "open"
    if not prev.isspace() and (nxt.isspace() or not nxt.isalnum()):
        return "close"
    return None


def _misplaced_opener(text: str, i: int, state: int, hi: int) -> bool:
    """A curly opening mark that can only close the quote open at ``state``: one followed by a space or the paragraph
    end ('… the orchestra. “'), or one after the clause-ending comma of a quote opened by a straight mark ('"We are
    thrilled to have her, “producers said'), as text rebuilt from tokens or typed on a phone has it."""
    if text[i] not in _OPEN:
        return False
    if i + 1 >= hi or text[i + 1].isspace():
        return True
    before = text[state + 1 : i].rstrip()
    return text[state] == '"' and before[-1:] in (",", ".", "?", "!")


def _first_mark_closes(text: str, lo: int, hi: int, doc: Doc | None) -> bool:
    """The paragraph's first quotation mark closes a quote: the one left open at the end of the paragraph before
    runs on into this one without its reopening mark ('“If this rule … Service.¶We would … I-90,” said McGuire').
    Not when the words before that mark have no verb: a credit line typed inside the marks ('"Michigan is a state we
    lead.¶John Podesta, campaign chairman."', a newsletter format on PolNeAR train) is not more quoted words."""
    for i in range(lo, hi):
        if text[i] in _MARKS:
            if _direction(text, i, lo, hi) != "close":
                return False
            return doc is None or any(t.pos_ in ("VERB", "AUX") for t in _tokens(doc, lo, i))
    return False


def _pair_marks(text: str, paragraphs: Sequence[Span], doc: Doc | None = None) -> list[tuple[list[Span], Span]]:
    """Quoted spans as (pieces, outer) over the whole text."""
    out: list[tuple[list[Span], Span]] = []
    carry: tuple[list[Span], int] | None = None  # pieces so far and outer start of a quote running over paragraphs
    for p, (lo, hi) in enumerate(paragraphs):
        state: int | None = None
        pieces: list[Span] = []
        outer_start = -1
        first_mark = True
        if carry is not None and _first_mark_closes(text, lo, hi, doc):
            pieces, outer_start = carry
            state = lo - 1
            first_mark = False
        for i in range(lo, hi):
            c = text[i]
            if c not in _MARKS:
                if not c.isspace():
                    first_mark = False
                continue
            d = _direction(text, i, lo, hi)
            if d is None:
                d = "close" if state is not None else "open"
            if d == "open" and state is not None and _misplaced_opener(text, i, state, hi):
                d = "close"
            if d == "open":
                if state is None and carry is not None and first_mark:
                    pieces, outer_start = carry[0], carry[1]
                elif state is None:
                    pieces, outer_start = [], i
                state = i
            elif state is not None:
                pieces.append((state + 1, i))
                out.append((pieces, (outer_start, i + 1)))
                state = None
                pieces = []
            first_mark = False
        carry = None
        if state is not None:
            end = hi
            while end > state + 1 and text[end - 1].isspace():
                end -= 1
            pieces.append((state + 1, end))
            nxt = paragraphs[p + 1] if p + 1 < len(paragraphs) else None
            next_opens = nxt is not None and text[nxt[0] : nxt[1]].lstrip()[:1] in ('"', *_OPEN)
            if next_opens or (nxt is not None and _first_mark_closes(text, nxt[0], nxt[1], doc)):
                carry = (pieces, outer_start)
            elif end - state > 40:
                # a long quote left open with no continuation: a missing closing mark, keep it to the paragraph end
                out.append((pieces, (outer_start, end)))
    return out


def _tokens(doc: Doc, lo: int, hi: int) -> list[Token]:
    if hi <= lo:
        return []
    span = doc.char_span(lo, hi, alignment_mode="contract")
    return [t for t in span if not t.is_space] if span is not None else []


# verb forms the small model sometimes tags as plural nouns ('Trump says'); other nouns ('STATES') are not cues
_NOUN_TAGGED_CUES = frozenset(
    ["says", "said", "tells", "told", "adds", "added", "writes", "wrote", "tweets", "tweeted"]
)


def _speech_verb(t: Token) -> bool:
    if t.lemma_.lower() not in SPEECH_VERBS:
        return False
    return t.pos_ in ("VERB", "AUX") or (t.pos_ == "NOUN" and t.lower_ in _NOUN_TAGGED_CUES)


def speaker_phrase(doc: Doc, head: Token) -> SpacySpan:
    """The mention for a speaker head token: its named entity, or its noun phrase without clauses."""
    if head.lower_ in _PARTITIVE_HEADS:
        # 'one of the crowd shouted', 'some of the residents said': the 'of' phrase says who
        of = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            return doc[head.left_edge.i : of.right_edge.i + 1]
    if head.ent_type_ and head.ent_iob_ in ("B", "I"):
        for ent in doc.ents:
            if ent.start <= head.i < ent.end:
                return ent
    left = head.i
    for child in head.lefts:
        if child.dep_ in ("compound", "det", "amod", "poss", "nmod", "nummod", "quantmod", "case") or (
            child.dep_ == "punct" and child.i > left
        ):
            left = min(left, child.left_edge.i if child.dep_ in ("poss", "compound", "amod") else child.i)
    right = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat") and child.i == right + 1:
            right = child.i
    return doc[left : right + 1]


# verbs whose passive subject is who was spoken to, not who spoke ('the court was told', 'he was asked'): the
# speaker is the agent ('was cautioned by police') or nobody named
_ADDRESSEE_VERBS = frozenset(["tell", "ask", "warn", "caution", "advise", "instruct", "urge", "remind", "order"])
# entity types that name no speaker: a time, a date, a quantity, a place (a place that speaks, 'Russia said', is an
# organisation by metonymy and spaCy then tags it GPE only as the subject of a cue of its own, which _subject_of takes)
_NOT_SPEAKER_ENTS = frozenset(["DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"])


def _passive_agent(verb: Token) -> Token | None:
    """'was cautioned by police' -> police."""
    for c in verb.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _phrase_before(verb: Token) -> Token | None:
    """'“…,” a source with knowledge of the team's thinking said Saturday': the noun phrase between the closing mark
    and a cue verb spaCy left without a subject (it hung the phrase inside the quote) is who said it."""
    doc = verb.doc
    lo = verb.i
    while lo > verb.sent.start and doc[lo - 1].text not in _MARKS and doc[lo - 1].text not in ("``", "''"):
        lo -= 1
    if lo == verb.i or lo == verb.sent.start:
        return None
    ids = range(lo, verb.i)
    for t in doc[lo : verb.i]:
        if t.head.i not in ids and t.pos_ in ("NOUN", "PROPN", "PRON") and t.ent_type_ not in _NOT_SPEAKER_ENTS:
            return t
    return None


# heads that say who only with their 'of' phrase ('one of the crowd', 'some of the neighbours')
_PARTITIVE_HEADS = frozenset(["one", "some", "many", "several", "each", "two", "three", "most", "all", "none"])


def _subject_of(verb: Token) -> Token | None:
    v: Token | None = verb
    for _ in range(3):
        if v is None:
            return None
        subjects = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if (
            subjects
            and subjects[0].dep_ == "nsubjpass"
            and v.lemma_.lower() in _ADDRESSEE_VERBS
            and not any(c.dep_ == "xcomp" for c in v.children)  # 'she was quoted as saying', 'was asked to say'
        ):
            return _passive_agent(v)
        if len(subjects) > 1:
            # 'One big difference between them, said Yeager:': the name after an inverted cue is the speaker, the
            # fronted phrase before it is what was said
            after = [c for c in subjects if c.i > v.i and c.pos_ in ("PROPN", "PRON")]
            if after:
                return after[0]
        if subjects:
            return subjects[0]
        if v.dep_ in ("conj", "xcomp", "advcl", "ccomp", "parataxis", "acl") and v.head is not v:
            v = v.head
        else:
            break
    before = _phrase_before(verb)
    if before is not None:
        return before
    # inverted or mis-parsed "said Ana Ruiz": the first proper noun or noun after the verb (not 'said Saturday')
    for t in verb.doc[verb.i + 1 : min(len(verb.doc), verb.i + 6)]:
        if t.is_punct and t.text not in ("'s",):
            break
        if t.ent_type_ in _NOT_SPEAKER_ENTS:
            continue
        if t.pos_ in ("PROPN", "PRON") or (t.pos_ == "NOUN" and t.dep_ in ("nsubj", "dobj", "attr", "npadvmod")):
            return t.head if t.dep_ == "compound" and t.head.i > t.i else t
    return None


def _cue_text(doc: Doc, verb: Token) -> tuple[str, Span]:
    """'said', 'told reporters', 'wrote on X', 'said in a statement'."""
    toks = [verb]
    for child in verb.children:
        if child.dep_ == "prt":
            toks.append(child)
        elif child.dep_ in ("dative", "dobj") and child.lower_ in _RECIPIENTS and child.i > verb.i:
            toks.extend(doc[verb.i + 1 : child.i + 1])
        elif child.dep_ == "prep" and child.lower_ in ("on", "in") and child.i > verb.i:
            pobj = [g for g in child.children if g.dep_ == "pobj"]
            if pobj and (pobj[0].lower_ in _CUE_PREP_OBJECTS or pobj[0].text == "X"):
                toks.extend(doc[child.i : pobj[0].i + 1])
    lo = min(t.i for t in toks)
    hi = max(t.i for t in toks) + 1
    words = doc[lo:hi]
    return words.text, (words.start_char, words.end_char)


def _according_to(toks: list[Token]) -> tuple[Token, Token] | None:
    for t in toks:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            to = t.doc[t.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                return t, objs[0]
            if t.i + 2 < len(t.doc):
                return t, t.doc[t.i + 2]
    return None


@dataclass
class _Binding:
    cue: str
    cue_span: Span
    head: Token | None


def _bind(doc: Doc, verb: Token) -> _Binding:
    cue, span = _cue_text(doc, verb)
    return _Binding(cue, span, _subject_of(verb))


_DASHES = frozenset(["—", "―", "–", "-", "--", "−"])


def _dash_credit(toks: list[Token]) -> _Binding | None:
    """A quote credited after a dash: '“…” ― Pamela Padilla', '“…” — Albert Einstein, physicist'."""
    words = [t for t in toks if not t.is_space]
    if len(words) < 2 or words[0].text not in _DASHES:
        return None
    j = 1
    while j < len(words) and (words[j].pos_ == "PROPN" or words[j].ent_iob_ == "I" or words[j].text == "."):
        j += 1
    names = [t for t in words[1:j] if t.text != "."]
    if not names or (j < len(words) and not words[j].is_punct):
        return None
    dash = words[0]
    return _Binding(dash.text, (dash.idx, dash.idx + len(dash.text)), names[-1])


def _after_frame(doc: Doc, toks: list[Token], ended_clause: bool = False) -> _Binding | None:
    """Cue right after a closing mark: '“...,” she said', '“...,” said Ana Ruiz', '“...,” the daily wrote'."""
    credit = _dash_credit(toks)
    if credit is not None:
        return credit
    acc = _according_to(toks[:4])
    if acc is not None:
        return _Binding("according to", _span_of(acc[0], 2), acc[1])
    for n, t in enumerate(toks[:22]):
        if t.text in (".", ";", "?", "!") and n > 0:
            break
        if _speech_verb(t) and t.dep_ not in ("amod", "compound"):
            before = toks[:n]
            if any(b.pos_ == "VERB" and b.dep_ == "ROOT" for b in before):
                return None
            return _bind(doc, t)
    if not ended_clause:
        return None
    # '“Go back to Univision,” Trump barked': a quote closed by a comma, then a subject and any verb
    for n, t in enumerate(toks[:30]):
        if t.text in (".", ";", "?", "!") and n > 0:
            return None
        if t.pos_ == "VERB" and t.dep_ not in ("relcl", "acl", "amod", "compound", "xcomp", "advcl", "pcomp"):
            b = _bind(doc, t)
            lead = [x for x in toks[:4] if not x.is_punct]
            if b.head is not None and lead and b.head.i >= lead[0].i and b.head.left_edge.i <= lead[0].i + 2:
                return b
            return None
    return None


def _cue_sentence(doc: Doc, toks: list[Token]) -> _Binding | None:
    """A sentence that is only a cue, right after a quote that ended its own sentence: '“…?” Clinton said.' or
    '“…!” ― Ana Ruiz'. Not a sentence of reported speech ('Clinton said the plan would fail.')."""
    credit = _dash_credit(toks)
    if credit is not None:
        return credit
    for n, t in enumerate(toks[:8]):
        if t.text in (".", ";", "?", "!") and n > 0:
            return None
        if _speech_verb(t) and t.dep_ not in ("amod", "compound"):
            if any(
                c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and c.lower_ not in _RECIPIENTS) for c in t.children
            ):
                return None
            b = _bind(doc, t)
            return b if b.head is not None else None
    return None


def _after_last_dash(toks: list[Token]) -> list[Token]:
    for n in range(len(toks) - 1, -1, -1):
        if toks[n].text in _DASHES:
            return toks[n:]
    return []


def _text_of(toks: list[Token]) -> str:
    return toks[0].doc[toks[0].i : toks[-1].i + 1].text if toks else ""


def _span_of(t: Token, n: int) -> Span:
    last = t.doc[min(len(t.doc) - 1, t.i + n - 1)]
    return (t.idx, last.idx + len(last.text))


def _before_frame(doc: Doc, toks: list[Token]) -> _Binding | None:
    """Cue before an opening mark: 'Ruiz said:', 'As one official put it,', 'According to Ruiz,'."""
    if not toks:
        return None
    last = toks[-1].text
    if last not in (":", ",", "—", "–", "-"):
        return None
    acc = _according_to(toks)
    if acc is not None:
        return _Binding("according to", _span_of(acc[0], 2), acc[1])
    if last == ":":
        # 'Pollsters agree - Carl Bialik: “…”': a headline, a dash, then the name credited with the quote
        credit = _dash_credit(_after_last_dash(toks[:-1]))
        if credit is not None:
            colon = toks[-1]
            return _Binding(":", (colon.idx, colon.idx + 1), credit.head)
    for t in reversed(toks):
        if _speech_verb(t):
            # 'Ryan said it’s unrealistic to think that if the U.S. pulls back, “…”': the quote continues reported
            # speech (PolNeAR: indirect), unlike 'Ruiz told reporters on Friday, “…”'
            if any(x.dep_ in ("ccomp", "mark") and x.head.i >= t.i for x in toks if x.i > t.i):
                return None
            return _bind(doc, t)
    if last == ":":
        # 'More from Blumenthal and Cohen:', '- Jeffrey M. Jones:', 'pollster Daron Shaw:' (a name as the cue)
        named = toks[-2] if len(toks) > 1 else None
        if named is not None and named.ent_type_ in ("PERSON", "ORG") and named.ent_iob_ in ("B", "I"):
            colon = toks[-1]
            return _Binding(":", (colon.idx, colon.idx + 1), named)
        # 'She then addressed the supporters again: “...”'
        for t in reversed(toks):
            if t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
                return _bind(doc, t)
    return None


_EXPRESSIVE = SPEECH_VERBS | frozenset(
    [
        "call",
        "label",
        "dub",
        "term",
        "brand",
        "title",
        "entitle",
        "read",
        "chant",
        "yell",
        "shout",
        "echo",
        "mouth",
        "sing",
        "cry",
        "scream",
        "tweet",
        "thank",
        "promote",
        "denounce",
        "blast",
        "slam",
        "hail",
        "describe",
        "deem",
    ]
)
_SPEECH_NOUNS = frozenset(
    ["chant", "chants", "sign", "banner", "slogan", "headline", "message", "statement", "tweet", "words", "motto"]
)


def _governing_verb(doc: Doc, q: FoundQuote, before: list[Token], after: list[Token]) -> _Binding | None:
    """A quote that is the whole complement of a speech verb: 'she called it “a disaster”', 'the ad claims “…”',
    'a sign reading “…”'. Not when the verb's clause has words of its own inside the complement ('he said he does
    not “prefer” pickles' stays partial)."""
    inner = _tokens(doc, q.outer[0] + 1, q.outer[1] - 1)
    if not inner or not before:
        return None
    ids = {t.i for t in inner}
    root = next((t for t in inner if t.head.i not in ids), None)
    if root is None:
        return None
    gov = root.head
    if gov.i in ids or gov.i > inner[0].i:
        return None
    if gov.pos_ == "ADP" and gov.head.lemma_.lower() in _SPEECH_NOUNS:  # 'chants of “USA!”'
        return _Binding(gov.head.text, (gov.head.idx, gov.head.idx + len(gov.head.text)), None)
    if gov.lemma_.lower() not in _EXPRESSIVE or gov.pos_ not in ("VERB", "AUX"):
        return None
    # PolNeAR reads 'says that “…”', 'called Trump “unhinged”' and '“…” because …' as indirect: the quote must follow
    # the verb directly (punctuation aside) and run to the end of the sentence
    between = [t for t in before if t.i > gov.i]
    if any(not t.is_punct for t in between) or not _only_punct(after):
        return None
    return _bind(doc, gov)


def _only_punct(toks: list[Token]) -> bool:
    return all(t.is_punct or t.is_space for t in toks)


def find_quotes(
    doc: Doc,
    text: str,
    sentences: Sequence[Span],
    paragraphs: Sequence[Span] | None = None,
    ents: ArticleEntities | None = None,
) -> list[FoundQuote]:
    """Every quoted span in ``text`` (parsed as ``doc`` with the same sentence boundaries), in text order.

    ``ents``: the article's entities when the caller has them already (extraction does), so they are not built twice.
    A partial quote gets a cue and a speaker only when a speech verb of its sentence attributes it."""
    if not paragraphs:
        paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    spans = _pair_marks(text, paragraphs, doc)
    if ents is None:
        ents = article_entities(doc, sentences)
    found: list[FoundQuote] = []
    for pieces, outer in spans:
        found.append(FoundQuote(pieces=pieces, outer=outer, partial=True))
    n_groups = 0
    quoted = [q.outer for q in found]
    bindings: list[_Binding | None] = []
    for k, q in enumerate(found):
        s0 = max(0, sentence_index(sentences, q.outer[0]))
        s1 = max(s0, sentence_index(sentences, max(q.outer[0], q.outer[1] - 1)))
        q.sentences = list(range(s0, s1 + 1))
        lo = sentences[s0][0] if sentences else 0
        hi = sentences[s1][1] if sentences else len(text)
        if k > 0 and found[k - 1].outer[1] > lo:
            lo = max(lo, found[k - 1].outer[1])
        if k + 1 < len(found) and found[k + 1].outer[0] < hi:
            hi = min(hi, found[k + 1].outer[0])
        before = _tokens(doc, lo, q.outer[0])
        after = _tokens(doc, q.outer[1], hi)
        binding: _Binding | None = None
        full = False
        if _only_punct(before):
            if _only_punct(after):
                full = True
                if s1 + 1 < len(sentences) and hi == sentences[s1][1]:
                    # '“How many times?” Clinton said. “In Tulsa, …”': the cue is a sentence of its own
                    ns, ne = sentences[s1 + 1]
                    if "\n" not in text[q.outer[1] : ns]:
                        nxt_q = found[k + 1].outer[0] if k + 1 < len(found) else len(text)
                        binding = _cue_sentence(doc, _tokens(doc, ns, min(ne, nxt_q)))
            else:
                tail = text[q.outer[0] : q.outer[1] + 1].rstrip()
                binding = _after_frame(doc, after, ended_clause=tail[-2:-1] in (",", "?", "!", "—") or tail[-1:] == ",")
                full = binding is not None
        else:
            binding = _before_frame(doc, before)
            full = binding is not None and _only_punct(after)
            if binding is not None and not full and _text_of(before).rstrip().endswith(":"):
                # 'McCaskill scolded him: “…,” she said.': a colon frame and a cue of its own after the quote
                full = _after_frame(doc, after) is not None
            if not full:
                binding = _governing_verb(doc, q, before, after)
                full = binding is not None
        words = sum(len(_WORD.findall(text[a:b])) for a, b in q.pieces)
        if full and binding is None and words < 3:
            full = False  # a title or scare quote standing alone
        q.partial = not full
        bindings.append(binding)
    # bind direct quotes without a cue of their own: continuation, a preceding colon sentence, or the next quote
    for k, q in enumerate(found):
        if q.partial:
            continue
        b = bindings[k]
        if b is not None:
            # the pieces of '“A,” she said, “B.”' share one cue
            prev = found[k - 1] if k > 0 else None
            if prev is not None and not prev.partial and prev.cue_span == b.cue_span:
                q.group = prev.group
            else:
                q.group = n_groups
                n_groups += 1
            _apply(q, b, quoted)
            continue
        prev = _previous_direct(found, k, text, sentences)
        colon = _colon_intro(doc, text, sentences, q)
        if colon is not None:
            q.group = n_groups
            n_groups += 1
            _apply(q, colon, quoted)
        elif prev is not None:
            q.group = prev.group
            q.cue, q.cue_span, q.speaker_span, q.speaker_head = (
                prev.cue,
                prev.cue_span,
                prev.speaker_span,
                prev.speaker_head,
            )
        else:
            nxt = found[k + 1] if k + 1 < len(found) else None
            nb = bindings[k + 1] if k + 1 < len(found) else None
            if nxt is not None and nb is not None and not nxt.partial and _adjacent(text, sentences, q, nxt):
                _apply(q, nb, quoted)
            q.group = n_groups
            n_groups += 1
    # a direct quote still without a speaker: the subject of a cue ending the sentence before ('“… loop-hole,” she
    # said. “We have no context …”'), else the person named nearest before it, within the two sentences before
    for q in found:
        if q.partial or q.speaker_span is not None or not q.sentences:
            continue
        s0 = q.sentences[0]
        if s0 > 0 and sentences:
            subj = _closing_cue_subject(doc, sentences[s0 - 1], quoted)
            if subj is None:
                subj = _person_subject(doc, ents, sentences[s0 - 1], quoted)
            if subj is None:
                subj = _reporting_subject(doc, sentences[s0 - 1], quoted)
            if subj is not None:
                _set_speaker(q, subj)
                continue
        lo = sentences[max(0, s0 - 2)][0] if sentences else 0
        head = _nearest_name(doc, lo, q.outer[0], q.outer[0], quoted)
        if head is None:
            hi = sentences[min(len(sentences) - 1, q.sentences[-1] + 1)][1] if sentences else len(text)
            head = _nearest_name(doc, q.outer[1], hi, q.outer[1], quoted)
        if head is not None:
            _set_speaker(q, head)
    # a word or short phrase in single marks ('called the plan 'reckless''): a characterisation when a speech verb
    # attributes it, read after the double-quoted spans are bound so that it changes none of their cues
    for lo, hi in single_quoted(text, quoted):
        s0 = max(0, sentence_index(sentences, lo))
        found.append(FoundQuote(pieces=[(lo, hi)], outer=(lo - 1, hi + 1), partial=True, sentences=[s0], single=True))
    found.sort(key=lambda q: q.outer[0])
    # a partial quote: the subject of the speech verb that attributes it ('the company said there was “…”')
    for q in found:
        if q.partial:
            verb = partial_cue(doc, q.outer[0])
            subj = _partial_subject(verb) if verb is not None else None
            if verb is not None and subj is not None and not _inside(subj.idx, quoted):
                q.cue, q.cue_span = verb.text, (verb.idx, verb.idx + len(verb.text))
                _set_speaker(q, subj)
    # the mention as written stays in speaker_span; speaker_head becomes the token that names the speaker
    resolver = _Referents(doc, sentences, quoted, ents)
    for q in found:
        if q.speaker_head is None:
            continue
        mention = doc[q.speaker_head]
        ref = resolver.referent(mention)
        q.speaker_head = ref.i if ref is not None else None
        if ref is not None and mention.tag_ == "WP":
            # 'Trump, who told reporters “…”': the relative pronoun's noun is the mention
            _set_speaker(q, ref)
    # forward-bound quotes join the group of the quote whose cue they took
    by_cue: dict[Span, int] = {}
    for q in found:
        if q.partial or q.cue_span is None:
            continue
        if q.cue_span in by_cue:
            q.group = by_cue[q.cue_span]
        else:
            by_cue[q.cue_span] = q.group
    # a programme's, book's or film's title, a handle, a name or a scare quote in quotation marks is nobody's words;
    # a characterisation ('described the talks as “productive”') must have somebody to credit it to
    kept: list[FoundQuote] = []
    named_until = -1  # end of the last quote dropped as a name or a term: 'the words “murder” or “kill”' names both
    for q in found:
        if q.partial and (
            names_or_scare_quotes(doc, text, q.outer[0])
            or (named_until >= 0 and _LIST_GLUE.fullmatch(text[named_until : q.outer[0]]))
        ):
            named_until = q.outer[1]
            continue
        if q.partial and (
            _title_or_handle(text, q)
            or (q.speaker_head is None and is_characterisation(_quoted_text(text, q), True))
            or (q.single and q.cue is None)
        ):
            continue
        kept.append(q)
    return kept


_LIST_GLUE = re.compile(r"\s*(?:,\s*)?(?:(?:and|or|nor)\s+)?", re.IGNORECASE)


def _quoted_text(text: str, q: FoundQuote) -> str:
    return " ".join(text[a:b] for a, b in q.pieces)


# the longest title taken for one: "The Curious Case of Benjamin Button" is 7 words; a Title Case span longer than
# that in news copy is a headline or a slogan somebody chanted (PolNeAR train: none longer was a title)
TITLE_MAX_WORDS = 8
# short words a title leaves in lower case ("Meet the Press", "Bettie Page: The Life of a Pinup Legend")
_TITLE_SMALL_WORD = re.compile(r"(?:a|an|the|and|or|nor|but|of|in|on|at|to|for|by|with|from|as|vs|de|la|le|du)")


def _title_or_handle(text: str, q: FoundQuote) -> bool:
    """'the “Entertainment Tonight” segment', 'directing “The Golden Compass”', 'his handle “@dockwatch”': every word
    capitalised but a title's small words, or an @handle / #hashtag alone."""
    inner = " ".join(text[a:b] for a, b in q.pieces).strip(" ,.;:!?")
    words = inner.split()
    if not words or len(words) > TITLE_MAX_WORDS:
        return False
    if len(words) == 1 and words[0][:1] in "@#" and len(words[0]) > 1:
        return True
    alpha = [w.strip("\"'“”‘’()[]:,.!?-—–") for w in words]
    alpha = [w for w in alpha if w[:1].isalpha()]
    if not alpha or not alpha[0][:1].isupper():
        return False
    if all(w.isupper() for w in alpha if len(w) > 1):
        return False  # 'USA! USA!' and other shouting
    return all(w[:1].isupper() or (k > 0 and _TITLE_SMALL_WORD.fullmatch(w)) for k, w in enumerate(alpha))


# verbs that attribute a partial quote besides the speech verbs: 'called the blaze “a disaster”'
_PARTIAL_CUES = SPEECH_VERBS | frozenset(["call", "describe", "label", "dub", "term", "brand"])


def partial_cue(doc: Doc, char: int) -> Token | None:
    """The speech verb before the opening mark at ``char`` in its sentence that attributes a partial quote: the one
    the quoted words hang from ('Judge X told Gorman that, though he had admitted it, he would have gone to prison
    “for quite some time”': told, not admitted), else the nearest before the mark."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return None
    first = span[0]
    sent = first.sent
    inner = doc[first.i + 1] if first.i + 1 < sent.end else first
    cands = [t for t in reversed(doc[sent.start : first.i]) if t.lemma_.lower() in _PARTIAL_CUES and t.pos_ == "VERB"]
    # a cue after the quote that governs it: 'The requirement adds to “a well-established list,” Newsom said'
    after = [t for t in doc[first.i + 1 : sent.end] if _speech_verb(t) and t.lemma_.lower() in _PARTIAL_CUES]
    governing = [t for t in cands + after if t in inner.ancestors and not _in_subject_of(inner, t)]
    # the verb of somebody: 'the requirement adds to …' has a thing as its subject, the 'said' above it a person
    agentive = [t for t in governing if _agent_like(_partial_subject(t))]
    if agentive:
        return agentive[0]
    if governing:
        return governing[0]
    # no speech verb over the quoted words: the nearest before, unless it is in another clause that a subject of its
    # own separates from the quote ('where teachers described him as clever, Thomas was considered “streetwise”')
    if cands and not _own_clause_between(cands[0], inner):
        return cands[0]
    return None


def _in_subject_of(inner: Token, verb: Token) -> bool:
    """The quoted words sit inside the verb's subject ('Holmes, who had a reputation as a “fixer”, told …'): a
    description of the speaker, not what the verb says."""
    t = inner
    while t.head.i != t.i and t.head.i != verb.i:
        t = t.head
    return t.head.i == verb.i and t.i != verb.i and t.dep_ in ("nsubj", "nsubjpass", "csubj")


def _own_clause_between(verb: Token, inner: Token) -> bool:
    """The quoted words ``inner`` sit in a clause that has a subject of its own, other than the speech verb's, and
    that the verb does not govern."""
    subj = _partial_subject(verb)
    for a in [inner, *inner.ancestors]:
        if a is verb:
            return False
        own = next((c for c in a.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if own is not None:
            return own is not subj and verb not in a.ancestors
    return False


_PERSON_PRONOUNS = frozenset(["he", "she", "they", "we", "i", "you", "it", "who"])


def _agent_like(tok: Token | None) -> bool:
    """Whether a subject can be who spoke: a person, organisation or group named, a pronoun, a proper noun, or a
    noun that denotes people ('the official', 'the company', 'critics'); not a thing ('the requirement adds')."""
    if tok is None:
        return False
    if tok.ent_type_ in ("PERSON", "ORG", "NORP"):
        return True
    if tok.ent_type_:
        return False
    if tok.pos_ == "PRON":
        return tok.lower_ in _PERSON_PRONOUNS
    if tok.pos_ == "PROPN":
        return True
    lemma = tok.lemma_.lower()
    return lemma in PERSON_ROLES or lemma in ORG_NOUNS_IN_NAME or lemma in ORG_NOUNS_GENERIC or lemma in _PEOPLE_NOUNS


# documents that 'say' things in news copy: their words are their author's ('the statement said', 'the order states')
_DOCUMENT_NOUNS = frozenset(
    ["statement", "order", "letter", "memo", "report", "release", "tweet", "post", "filing", "notice", "complaint",
     "lawsuit", "ruling", "email", "message", "document", "proclamation", "announcement"]
)  # fmt: skip
# nouns for people that are no title (titles are in PERSON_ROLES): who a partial quote may be credited to
_PEOPLE_NOUNS = frozenset(
    ["source", "people", "person", "man", "woman", "friend", "family", "critic", "supporter", "opponent", "voter",
     "resident", "parent", "student", "teacher", "police", "officials", "team", "staff", "crowd", "fan", "teenager",
     "neighbour", "neighbor", "colleague", "relative", "victim", "member", "protester", "protestor", "authority"]
)  # fmt: skip


def _partial_subject(verb: Token) -> Token | None:
    """The verb's subject, or that of the verb it is joined to ('admitted it made a “tragic mistake”' has one;
    'the company declined to comment but said …' takes the first verb's)."""
    for v in (verb, verb.head):
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if (
            subj is not None
            and subj.dep_ == "nsubjpass"
            and v.lemma_.lower() in _ADDRESSEE_VERBS | CHARACTERISING_VERBS
        ):
            # 'the court was told': who was told did not say it; 'the shop was described by one detective as …': who
            # is described did not describe
            return _passive_agent(v)
        if subj is not None:
            return subj
        if v.dep_ not in ("conj", "xcomp"):
            break
    return None


def _closing_cue_subject(doc: Doc, sent: Span, quoted: Sequence[Span]) -> Token | None:
    """The subject of a speech verb that ends the sentence ('…,” she said.', '…, Ruiz told reporters.')."""
    toks = [t for t in _tokens(doc, sent[0], sent[1]) if not t.is_punct and not _inside(t.idx, quoted)]
    for t in reversed(toks[-6:]):
        if _speech_verb(t) and t.dep_ not in ("amod", "compound"):
            subj = _subject_of(t)
            if subj is not None and not _inside(subj.idx, quoted) and subj.i > toks[-6:][0].i - 4:
                return subj
            return None
    return None


def _person_subject(doc: Doc, ents: ArticleEntities, sent: Span, quoted: Sequence[Span]) -> Token | None:
    """The subject of the main clause of the sentence before a quote with no cue, when it is a person ('He has had a
    very positive response to the site. “Fifty people signed up …”', 'In a memo, Secretary Mayorkas said the DHS
    should …. “Our worksite enforcement …”'): the person the paragraph is about, over a name nearer the quote."""
    toks = _tokens(doc, sent[0], sent[1])
    roots = [t for t in toks if t.dep_ == "ROOT" and not _inside(t.idx, quoted)]
    if len(roots) != 1:
        return None
    subj = next((c for c in roots[0].children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or _inside(subj.idx, quoted):
        return None
    if subj.lower_ in _GENDERED or subj.ent_type_ == "PERSON":
        return subj
    if subj.pos_ == "PROPN" and ents.name_for_token(doc, subj, quoted) in ents.people:
        return subj
    return None


def _reporting_subject(doc: Doc, sent: Span, quoted: Sequence[Span]) -> Token | None:
    """The person who speaks in the sentence before a quote with no cue, when a cue inside it credits its words
    ('Rather, he said, it was equivalent to …. “It is unlikely …”'): the quote goes on with the same speaker."""
    for t in _tokens(doc, sent[0], sent[1]):
        if _inside(t.idx, quoted) or not _speech_verb(t) or t.dep_ not in ("ROOT", "parataxis"):
            continue
        subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
        if subj is not None and (subj.lower_ in _GENDERED or subj.ent_type_ == "PERSON"):
            return subj
    return None


def _inside(i: int, quoted: Sequence[Span]) -> bool:
    return any(a <= i < b for a, b in quoted)


def _set_speaker(q: FoundQuote, head: Token) -> None:
    phrase = speaker_phrase(head.doc, head)
    q.speaker_span = (phrase.start_char, phrase.end_char)
    q.speaker_head = head.i


# who a quote with no cue falls back to: people and organisations; a place named nearby ('in Iowa', 'Britain') was
# the wrong pick each time on PolNeAR train/dev (places that speak, 'Russia said', come with a cue of their own)
_FALLBACK_LABELS = frozenset(["PERSON", "ORG", "NORP"])


def _nearest_name(doc: Doc, lo: int, hi: int, anchor: int, quoted: Sequence[Span]) -> Token | None:
    """The named person/organisation (outside quotes) in [lo, hi) nearest to character ``anchor``."""
    best: tuple[int, Token] | None = None
    for ent in doc.ents:
        if ent.label_ not in _FALLBACK_LABELS or ent.start_char < lo or ent.end_char > hi:
            continue
        if _inside(ent.start_char, quoted):
            continue
        if ent.label_ != "PERSON" and ent.root.dep_ not in _SUBJECT_DEPS:
            # an organisation in an object or a place phrase ('told ABC News', 'Rep. Biggs from Arizona', 'cases of
            # COVID-19') is what somebody spoke to or about, not who spoke; as a subject it may be the speaker
            continue
        d = abs(ent.start_char - anchor) + (0 if ent.label_ == "PERSON" else 40)
        if best is None or d < best[0]:
            best = (d, ent.root)
    return best[1] if best else None


def _apply(q: FoundQuote, b: _Binding, quoted: Sequence[Span] = ()) -> None:
    q.cue, q.cue_span = b.cue, b.cue_span
    head = b.head
    if head is not None and _inside(head.idx, quoted):
        head = None
    if head is None and b.cue_span is not None:
        doc = b.head.doc if b.head is not None else None
        if doc is None:
            return
        cue_tokens = doc.char_span(b.cue_span[0], b.cue_span[1], alignment_mode="expand")
        if cue_tokens is not None:
            sent = doc[cue_tokens.start].sent
            head = _nearest_name(doc, sent.start_char, sent.end_char, b.cue_span[0], quoted)
    if head is not None:
        _set_speaker(q, head)


def _previous_direct(found: list[FoundQuote], k: int, text: str, sentences: Sequence[Span]) -> FoundQuote | None:
    """The direct quote just before ``found[k]`` if only quotes (no narrative sentence) came between them."""
    for j in range(k - 1, -1, -1):
        p = found[j]
        if p.partial:
            return None
        if p.group < 0:
            return None
        gap = text[p.outer[1] : found[k].outer[0]]
        # between them: at most the cue clause of p (maybe a sentence of its own), no other unquoted sentence
        if _unquoted_sentence_between(text, sentences, p.outer[1], found[k].outer[0], p.cue_span) or len(gap) > 400:
            return None
        return p
    return None


def _unquoted_sentence_between(text: str, sentences: Sequence[Span], lo: int, hi: int, cue: Span | None = None) -> bool:
    return any(
        s >= lo and e <= hi and _WORD.search(text[s:e]) and not (cue is not None and s <= cue[0] < e)
        for s, e in sentences
    )


def _adjacent(text: str, sentences: Sequence[Span], a: FoundQuote, b: FoundQuote) -> bool:
    return not _unquoted_sentence_between(text, sentences, a.outer[1], b.outer[0]) and b.outer[0] - a.outer[1] < 400


def _colon_intro(doc: Doc, text: str, sentences: Sequence[Span], q: FoundQuote) -> _Binding | None:
    """'Ruiz told reporters on Friday:' as the sentence (or paragraph) right before a stand-alone quote."""
    s0 = q.sentences[0] if q.sentences else 0
    if s0 == 0 or not sentences:
        return None
    ps, pe = sentences[s0 - 1]
    prev = text[ps:pe].rstrip()
    if not prev.endswith(":"):
        return None
    return _before_frame(doc, _tokens(doc, ps, pe))


# how far back (in sentences, the quote's own included) a pronoun or a bare role looks for the person it stands for:
# one paragraph of news copy; 4 was best on PolNeAR train and the trust dev labels (3 lost "he said" two sentences
# after a two-sentence quote, 6 reached past a change of speaker)
ANTECEDENT_SENTENCES = 4
_GENDERED = {"he": "m", "she": "f"}
# honorifics that give a person's gender when spaCy's entity leaves them out ('Mr Hamilton', 'Miss Portman')
_HONORIFIC_GENDER = {"mr": "m", "mr.": "m", "sir": "m", "lord": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f"}
_HONORIFIC_GENDER |= {"miss": "f", "dame": "f", "lady": "f"}
_SUBJECT_DEPS = frozenset(["nsubj", "nsubjpass"])
# dependencies that put a name inside a description of somebody else ('Ahmed Best, who plays Jar Jar Binks', 'Lennie
# Stuart, of Croydon, Surrey', 'daughter of Julie Brandau'): such a name is not who a later pronoun means
_MODIFIER_DEPS = frozenset(["relcl", "acl", "prep", "pobj", "poss"])


class _Referents:
    """Who a speaker mention stands for: the mention itself when it names somebody, else the named person it refers to
    (a pronoun's antecedent, the name in apposition to a title, a relative pronoun's noun); None for a bare pronoun
    that refers to nobody the article names (no speaker is better than "he")."""

    def __init__(
        self, doc: Doc, sentences: Sequence[Span], quoted: Sequence[Span], ents: ArticleEntities | None = None
    ) -> None:
        self.doc = doc
        self.quoted = quoted
        self.ents: ArticleEntities = ents if ents is not None else article_entities(doc, sentences)
        self.sents = list(doc.sents)

    def named(self, tok: Token) -> bool:
        return self.ents.name_for_token(self.doc, tok, self.quoted) is not None

    def referent(self, head: Token) -> Token | None:
        if head.tag_ == "WP":
            clause = head.head
            if clause.dep_ != "relcl" or clause.head.i > head.i:
                return None
            head = clause.head
        if head.pos_ == "NOUN" and not head.ent_type_:
            appos = self._appositive_name(head)
            if appos is not None:
                return appos
        gender = _GENDERED.get(head.lower_)
        if gender is not None:
            ante = self._antecedent(head, gender)
            if ante is not None:
                return ante
            return head if self.named(head) else None
        if head.pos_ == "PRON":
            return head if self.named(head) else None
        if head.lemma_.lower() in _DOCUMENT_NOUNS and not head.ent_type_:
            author = self._author(head)
            if author is not None:
                return author
        if self._bare_role(head) and not self.named(head):
            # 'Ewan McGregor … got a massive cheer. Dressed in a kilt, the star said: “…”': a definite title with no
            # name of its own stands for the person the last sentences were about
            ante = self._antecedent(head, "", subject_only=True)
            if ante is not None:
                return ante
        return head

    def _author(self, head: Token) -> Token | None:
        """'Facebook issued a statement …. “…,” the statement said': a document that speaks is its author's words;
        the author is the subject of the verb that brought the document in ('issued a statement', 'signed an
        order'), within the sentences a pronoun may reach back; None if a name or an owner is given with it."""
        if [c.lower_ for c in head.lefts if c.dep_ == "det"] != ["the"] or any(
            c.dep_ in ("poss", "compound") or c.ent_type_ for c in head.lefts
        ):
            return None
        si = next((k for k, s in enumerate(self.sents) if s.start <= head.i < s.end), 0)
        lo = self.sents[max(0, si - ANTECEDENT_SENTENCES + 1)].start
        lemma = head.lemma_.lower()
        for t in reversed(self.doc[lo : head.i]):
            if t.lemma_.lower() != lemma or t.dep_ not in ("dobj", "pobj") or _inside(t.idx, self.quoted):
                continue
            verb = t.head if t.dep_ == "dobj" else t.head.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is not None and _agent_like(subj):
                return self.referent(subj)
            return None
        return None

    def _bare_role(self, head: Token) -> bool:
        """'the judge', 'the star': a definite common noun with nothing that names or describes it further, and not
        the second mention of somebody introduced without a name ('a major-league source … the source said')."""
        if head.pos_ != "NOUN" or head.ent_type_:
            return False
        if [c.lower_ for c in head.lefts] != ["the"] or any(c.dep_ in ("prep", "acl", "relcl") for c in head.rights):
            return False
        lemma = head.lemma_.lower()
        return not any(
            t.lemma_.lower() == lemma
            and t.pos_ == "NOUN"
            and any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in t.children)
            and not _inside(t.idx, self.quoted)
            for t in self.doc[max(0, head.i - 400) : head.i]
        )

    def _appositive_name(self, head: Token) -> Token | None:
        """'the officer heading the inquiry, Detective Chief Inspector Bill Goreham, said': the name set off by commas
        inside the subject (spaCy may hang it on the last noun before it)."""
        for t in head.subtree:
            if t.dep_ == "appos" and t.ent_type_ == "PERSON" and t.i > head.i:
                return t
        return None

    def _gender(self, ent: SpacySpan) -> str | None:
        name = self.ents.mention_name.get(ent.root.i)
        person = self.ents.people.get(name) if name else None
        if person is not None and person.gender:
            return person.gender
        before = self.doc[ent.start - 1].lower_ if ent.start > 0 else ""
        return _HONORIFIC_GENDER.get(ent[0].lower_) or _HONORIFIC_GENDER.get(before)

    def _antecedent(self, pron: Token, gender: str, subject_only: bool = False) -> Token | None:
        """The person a he/she stands for: going back sentence by sentence from the pronoun, the first sentence that
        names a person of that gender (or of unknown gender) outside quotes gives it; there the subject of the highest
        clause wins over a name in an object or a description ('Ahmed Best, who plays Jar Jar Binks, said …', 'Mayor
        Ostrova threatened Dario Pell …'), and the last such name over an earlier one."""
        si = next((k for k, s in enumerate(self.sents) if s.start <= pron.i < s.end), 0)
        # 'Maycon de Mattos Batista, a financial analyst …, said …. “…,” he said': a name spaCy took for an
        # organisation, as the subject of a speech verb, when no person is named in reach
        mistagged: Token | None = None
        k = si + 1
        reach = ANTECEDENT_SENTENCES
        while k > 0 and si - k + 1 < reach:
            k -= 1
            sent = self.sents[k]
            named = [
                e for e in sent.ents if e.label_ in ("PERSON", "ORG", "NORP") and not _inside(e.start_char, self.quoted)
            ]
            if k < si and gender and not named and self._pronoun_subject(sent, gender, pron):
                # 'the star said she had …. When asked, she said …. “…,” she added': a sentence whose subject is the
                # same she and that names nobody carries the chain back and does not use up the reach
                reach += 1
            elif k < si and all(_inside(t.idx, self.quoted) for t in sent if not t.is_punct and not t.is_space):
                reach += 1  # a sentence of quoted words is the speaker's, no narrative that could change who 'she' is
            people: list[tuple[tuple[int, int, int], Token]] = []
            others: list[tuple[tuple[int, int, int], Token]] = []
            for ent in sent.ents:
                if ent.end > pron.i or _inside(ent.start_char, self.quoted):
                    continue
                if not all(t.pos_ == "PROPN" or t.ent_iob_ == "I" for t in ent if not t.is_punct):
                    continue
                root = ent.root
                rank = (self._role_rank(root), -_depth(root), root.i)
                if ent.label_ == "PERSON":
                    g = self._gender(ent)
                    if g and g != gender:
                        continue
                    people.append((rank, root))
                elif ent.label_ in ("ORG", "NORP") and rank[0] > 0 and len(ent) >= 2:
                    # a person's name spaCy took for an organisation ('Lennie Stuart'): two words or more; 'CNN'
                    # in 'he appeared on NBC's, CNN's shows' is no person's name
                    others.append((rank, root))
                    if mistagged is None and gender and rank[0] == 2 and len(ent) >= 2 and _speech_verb(root.head):
                        mistagged = root
            for t in sent:
                # 'but Thut said that the seller, who he described as …': a surname spaCy left untagged (or took for
                # something else) that names a person of the article, as a subject before the pronoun
                if (
                    t.pos_ == "PROPN"
                    and t.dep_ in _SUBJECT_DEPS
                    and t.ent_type_ != "PERSON"
                    and t.i < pron.i
                    and not _inside(t.idx, self.quoted)
                    and self.ents.name_for_token(self.doc, t, self.quoted) in self.ents.people
                ):
                    name = self.ents.name_for_token(self.doc, t, self.quoted)
                    g = self.ents.people[name].gender if name else None
                    if not g or g == gender or not gender:
                        people.append(((self._role_rank(t), -_depth(t), t.i), t))
            if subject_only:
                # a name spaCy left untagged, as the subject ('Ewan McGregor who plays … got a cheer')
                for t in sent:
                    if (
                        t.pos_ == "PROPN"
                        and t.dep_ in _SUBJECT_DEPS
                        and not t.ent_type_
                        and t.i < pron.i
                        and not _inside(t.idx, self.quoted)
                    ):
                        people.append(((2, -_depth(t), t.i), t))
            if not people and k < si and self._role_subject(sent):
                # 'A dockworkers' union representative praised the crews. “…,” he said': he is that unnamed person;
                # a name further back is somebody else (entities resolves the role, when the story names it)
                return mistagged
            if people:
                best = max(people + others, key=lambda c: c[0])
                if best[0][0] < 2 and gender and self._pronoun_subject(sent, gender, pron):
                    # 'Before his arrest he ran a firm from his home in Bracknell. “…,” he said': that sentence's
                    # subject is the same he; a name in its objects is not who he is, so keep looking back
                    continue
                if subject_only and best[0][0] < 2:
                    return None
                return best[1]
        return mistagged

    def _role_subject(self, sent: SpacySpan) -> bool:
        """The sentence's main clause has as its subject a person brought in by a title or a noun for people, with
        no name and an indefinite article ('a union representative', 'one senior official'): somebody new. A
        definite one ('the director', 'the senator') refers back to somebody named before, so the search goes on."""
        for t in sent:
            if t.dep_ not in _SUBJECT_DEPS or t.head.dep_ != "ROOT" or t.pos_ != "NOUN" or t.ent_type_:
                continue
            if t.left_edge.lower_ not in ("a", "an", "one", "another"):  # 'A dockworkers' union representative'
                continue
            if not _inside(t.idx, self.quoted) and (
                t.lemma_.lower() in PERSON_ROLES or t.lemma_.lower() in _PEOPLE_NOUNS
            ):
                return True
        return False

    def _pronoun_subject(self, sent: SpacySpan, gender: str, pron: Token) -> bool:
        """The sentence's main clause has a he/she of ``gender`` (not ``pron`` itself) or a bare title ('the star')
        as its subject."""
        for t in sent:
            if t.i == pron.i or t.dep_ not in _SUBJECT_DEPS or t.head.dep_ != "ROOT" or _inside(t.idx, self.quoted):
                continue
            if _GENDERED.get(t.lower_) == gender or (t.pos_ == "NOUN" and [c.lower_ for c in t.lefts] == ["the"]):
                return True
        return False

    @staticmethod
    def _role_rank(tok: Token) -> int:
        """2: subject of its clause; 1: any other place but a description of somebody else; 0: inside one."""
        t = tok
        while t.dep_ in ("compound", "flat", "appos") and t.head is not t:
            t = t.head
        anc = [t, *t.ancestors]
        if any(a.dep_ in _MODIFIER_DEPS for a in anc[:-1]):
            return 0
        return 2 if t.dep_ in _SUBJECT_DEPS else 1


def _depth(tok: Token) -> int:
    return sum(1 for _ in tok.ancestors)
