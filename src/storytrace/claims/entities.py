"""People, organisations and places: mentions per article, normalised within the article and linked across a story.

Within an article (``article_entities``):
- spaCy's named entities (PERSON, ORG, GPE, LOC, FAC, NORP, EVENT, ...); honorifics ("Dr", "Ms", "Sen.") are cut
  off the name; a surname or first-name-only mention takes the full name mentioned in the article ("Ruiz" ->
  "Ana Ruiz").
- The role or title attached to a name ("port authority director Ana Ruiz", "Ana Ruiz, the fire chief") is kept in
  ``Entity.role``; a later "the fire chief" / "the director" then names that person (a role mention entity).
- Pronouns resolve to the last person mentioned before them ("she" -> "Ana Ruiz"); with honorifics known
  (Mr/Ms/Mrs), to the last person of matching gender.

Across a story (``link_entities(facts_list)``, called per story by the cross-check): every mention of one person
gets one ``key`` ("person:ana-ruiz"), also in an article that never names them and says only "the port authority
director" — linked through the role attached to the name in another article. Unresolved role mentions keep a
"role:<role>" key; everything is deterministic.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storytrace.nlp import sentence_index
from storytrace.records import ArticleFacts, Entity, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["ArticleEntities", "article_entities", "entity_key", "link_entities"]

KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})
HONORIFICS = frozenset(
    [
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "miss",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "sir",
        "dame",
        "lord",
        "lady",
        "sen",
        "sen.",
        "rep",
        "rep.",
        "gov",
        "gov.",
        "gen",
        "gen.",
        "col",
        "col.",
        "capt",
        "capt.",
        "lt",
        "lt.",
        "sgt",
        "sgt.",
        "rev",
        "rev.",
        "fr",
        "fr.",
        "president",
        "senator",
        "governor",
        "mayor",
        "minister",
        "chancellor",
        "judge",
        "justice",
        "chief",
        "inspector",
        "detective",
        "officer",
        "councillor",
        "councilor",
        "commissioner",
        "secretary",
        "director",
        "captain",
        "sheriff",
    ]
)
PERSON_ROLES = frozenset(
    [
        "director",
        "chief",
        "minister",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "officer",
        "mayor",
        "governor",
        "president",
        "secretary",
        "commissioner",
        "manager",
        "captain",
        "inspector",
        "chairman",
        "chairwoman",
        "chair",
        "head",
        "leader",
        "executive",
        "ceo",
        "founder",
        "owner",
        "superintendent",
        "sheriff",
        "judge",
        "prosecutor",
        "attorney",
        "lawyer",
        "senator",
        "councillor",
        "councilor",
        "adviser",
        "advisor",
        "analyst",
        "economist",
        "expert",
        "researcher",
        "scientist",
        "professor",
        "doctor",
        "surgeon",
        "nurse",
        "witness",
        "resident",
        "survivor",
        "firefighter",
        "engineer",
        "coordinator",
        "administrator",
        "commander",
        "general",
        "admiral",
        "ambassador",
        "envoy",
        "negotiator",
        "treasurer",
        "representative",
        "harbourmaster",
        "harbormaster",
        "captain",
        "skipper",
        "sailor",
        "dockworker",
        "worker",
        "steward",
        "organiser",
        "organizer",
        "activist",
        "campaigner",
    ]
)
_FEMALE = frozenset({"ms", "ms.", "mrs", "mrs.", "miss", "dame", "lady"})
_MALE = frozenset({"mr", "mr.", "sir", "lord"})
_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_ROLE_DEPS = frozenset({"compound", "amod", "nmod"})
# a definite noun that stands for an organisation named before it ('YouTube ... the company said', 'the People's Bank
# of China ... the central bank said'); nouns that an organisation's own name contains (bank, ministry) must appear in
# it, the generic ones (company, firm) take the organisation last named
ORG_NOUNS_IN_NAME = frozenset(
    ["bank", "ministry", "department", "agency", "commission", "council", "committee", "union", "university",
     "hospital", "club", "court", "authority", "institute", "foundation", "association", "federation", "party"]
)  # fmt: skip
ORG_NOUNS_GENERIC = frozenset(
    ["company", "firm", "group", "chain", "giant", "platform", "network", "retailer", "airline", "carrier", "maker",
     "studio", "broadcaster", "regulator", "watchdog", "charity", "organisation", "organization", "business"]
)  # fmt: skip
# how far back (characters) a bare 'the company' looks for the organisation it stands for: about two paragraphs;
# the real-news dev labels had the name within 400 characters each time (YouTube, Facebook, People's Bank of China)
ORG_ANTECEDENT_CHARS = 1200
_ORG_LABELS = frozenset({"ORG"})
# small words an acronym may keep or skip ('PBOC' People's Bank Of China, 'WHO' World Health Organization)
_ACRONYM_SMALL = frozenset({"of", "and", "for", "the", "&"})


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def entity_key(label: str, name: str) -> str:
    kind = "person" if label == "PERSON" else "place" if label in ("GPE", "LOC", "FAC") else "org"
    return f"{kind}:{_slug(name)}"


def _clean_name(text: str) -> tuple[str, str | None]:
    """('Ana Ruiz', gender) from 'Dr. Ana Ruiz's'."""
    words = text.replace("’s", "").replace("'s", "").split()
    gender = None
    while len(words) > 1 and (
        words[0].lower() in HONORIFICS
        or words[0].lower() in PERSON_ROLES
        or words[0].lower() in ("fire", "police", "port", "harbour", "harbor")
    ):
        w = words.pop(0).lower()
        gender = "f" if w in _FEMALE else "m" if w in _MALE else gender
    if words and words[0].lower() == "the":
        words.pop(0)
    return " ".join(words), gender


@dataclass
class Person:
    name: str
    gender: str | None = None
    roles: list[str] = field(default_factory=list)


@dataclass
class ArticleEntities:
    """One article's mentions plus what resolves surnames, roles and pronouns to a full name."""

    entities: list[Entity] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)  # full name -> person
    mention_name: dict[int, str] = field(default_factory=dict)  # token index -> canonical name

    def name_for_token(self, doc: Doc, tok: Token, quoted: Sequence[Span] = ()) -> str | None:
        """The canonical name for a speaker/subject head token: a name, a role ("the fire chief") or a pronoun."""
        if tok.i in self.mention_name:
            return self.mention_name[tok.i]
        low = tok.lower_
        if low in _PRONOUNS or low in ("they", "we", "it"):
            return self._pronoun(doc, tok, quoted)
        if tok.pos_ == "PROPN":
            # a name spaCy did not tag here: a surname or first name of someone named elsewhere in the article
            hits = {n for n in self.people if len(n.split()) >= 2 and tok.text in (n.split()[0], n.split()[-1])}
            if len(hits) == 1:
                return next(iter(hits))
            if any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
                # 'But the Coroner said': a title capitalised (spaCy's proper noun) names the one person the
                # article gave that title ('coroner Dr David Bruce'); by_role gives nobody for two or none
                by_title = self.by_role(norm_role(tok.text))
                if by_title:
                    return by_title
        if tok.pos_ == "NOUN":
            role = _role_phrase(tok)
            return self.by_role(role) or self.org_for_noun(doc, tok, quoted)
        return None

    def org_for_noun(self, doc: Doc, tok: Token, quoted: Sequence[Span] = ()) -> str | None:
        """'the company' / 'the central bank' (a definite noun, nothing naming it) -> the organisation named last
        before it, outside quotes; 'bank' must be in that name, 'company' takes whichever was named last."""
        lemma = tok.lemma_.lower()
        if lemma not in ORG_NOUNS_IN_NAME and lemma not in ORG_NOUNS_GENERIC:
            return None
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.lefts):
            return None
        if any(c.dep_ in ("poss", "compound") or c.ent_type_ for c in tok.lefts):
            return None  # 'Facebook's parent company', 'the Acme company': named there, or somebody else's
        # the last organisation named as a subject ('YouTube said …, approved by … the World Health Organization.
        # … the company said'), else the last named
        subject: str | None = None
        last: str | None = None
        for ent in sorted(self.entities, key=lambda e: -e.start):
            if ent.label not in _ORG_LABELS or ent.start >= tok.idx or ent.start < tok.idx - ORG_ANTECEDENT_CHARS:
                continue
            if any(a <= ent.start < b for a, b in quoted):
                continue
            name = self.full_name(ent.text)
            if lemma in ORG_NOUNS_IN_NAME and lemma not in {w.lower().rstrip("s") for w in name.split()}:
                continue
            last = last or name
            span = doc.char_span(ent.start, ent.end, alignment_mode="expand")
            if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
                subject = name
                break
        return subject or last

    def full_name(self, name: str) -> str:
        """An acronym of an organisation the article spells out names that organisation ('WHO' -> 'World Health
        Organization'): an editor reads the full name; the acronym alone may stand for several bodies."""
        bare = name.replace(".", "")
        if not (2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()):
            return name
        for ent in self.entities:
            if ent.label not in _ORG_LABELS or ent.text == name:
                continue
            words = re.findall(r"[A-Za-z][\w'’-]*", ent.text.replace("’s", "").replace("'s", ""))
            words = words[1:] if words and words[0].lower() == "the" else words
            every = "".join(w[0] for w in words).upper()
            content = "".join(w[0] for w in words if w.lower() not in _ACRONYM_SMALL).upper()
            if len(words) >= 2 and bare.upper() in (every, content):
                return re.sub(r"^[Tt]he\s+", "", ent.text)
        return name

    def by_role(self, role: str | None) -> str | None:
        if not role:
            return None
        # within one article a bare 'the director' may name the one person introduced as '... director X'
        hits = [p.name for p in self.people.values() if any(_role_match(role, r, loose=True) for r in p.roles)]
        return hits[0] if len(set(hits)) == 1 else None

    def _pronoun(self, doc: Doc, tok: Token, quoted: Sequence[Span]) -> str | None:
        want = _PRONOUNS.get(tok.lower_)
        if want:
            # walk back to the last person mentioned (a name, a surname spaCy missed, or a role mention)
            roles = {e.start: e for e in self.entities if e.label == "PERSON" and e.key is None and e.role}
            for t in reversed(doc[max(0, tok.i - 150) : tok.i]):
                if any(a <= t.idx < b for a, b in quoted):
                    continue
                if t.i in self.mention_name:
                    name = self.mention_name[t.i]
                    if name not in self.people:
                        continue  # 'he' is a person, never the organisation named last ('he told CNN's …')
                    g = self.people[name].gender
                    if g and g != want:
                        continue
                    return name
                if t.pos_ == "PROPN":
                    hits = {n for n in self.people if len(n.split()) >= 2 and t.text in (n.split()[0], n.split()[-1])}
                    if len(hits) == 1:
                        return next(iter(hits))
                if t.left_edge.idx in roles and t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "NOUN":
                    return roles[t.left_edge.idx].text
            return None
        label_ok = ("PERSON",) if want else ("ORG", "NORP", "GPE")
        for ent in sorted(self.entities, key=lambda e: -e.start):
            if ent.start >= tok.idx or ent.label not in label_ok or ent.role == "pronoun":
                continue
            if any(a <= ent.start < b for a, b in quoted):
                continue
            if ent.label == "PERSON":
                name = ent.key or ent.text
                g = self.people.get(name).gender if name in self.people else None  # type: ignore[union-attr]
                if want and g and g != want:
                    continue
                return name
            return ent.key or ent.text
        return None


def norm_role(text: str) -> str:
    """'the Dockworkers' Union representative' -> 'dockworker union representative' (crude, deterministic)."""
    out = []
    for w in re.findall(r"[A-Za-z][A-Za-z-]*", text.replace("’s", "").replace("'s", "")):
        lw = w.lower()
        if lw in ("the", "a", "an", "of", "this", "that", "its", "their", "his", "her", "s"):
            continue
        if len(lw) > 3 and lw.endswith("s") and not lw.endswith("ss"):
            lw = lw[:-1]
        out.append(lw)
    return " ".join(out)


def _role_phrase(tok: Token) -> str:
    words = [t.text for t in tok.lefts if t.dep_ in (*_ROLE_DEPS, "poss") and t.pos_ in ("NOUN", "PROPN", "ADJ")]
    for t in tok.lefts:
        if t.dep_ == "poss":
            words = [x.text for x in t.subtree if x.pos_ in ("NOUN", "PROPN", "ADJ")] + words[1:]
    return norm_role(" ".join([*words, tok.text]))


def _role_match(mention: str, role: str, loose: bool = False) -> bool:
    """'director' alone is too vague; 'authority director' / 'port authority director' match 'port authority
    director'; 'fire chief' matches 'fire chief'."""
    m = mention.split()
    r = role.split()
    if not m or not r:
        return False
    if m == r:
        return True
    return (len(m) >= 2 or loose) and r[-len(m) :] == m


def _roles_of(doc: Doc, ent_start: int, ent_end: int) -> list[str]:
    """Roles attached to a name: 'port authority director Ana Ruiz', 'Ana Ruiz, the fire chief,'."""
    roles: list[str] = []
    head = doc[ent_end - 1]
    for tok in doc[ent_start:ent_end]:
        if tok.head.i >= ent_end or tok.head.i < ent_start:
            head = tok
            break
    # title words before the name inside the same noun phrase
    left: list[Token] = []
    i = ent_start - 1
    while i >= 0 and ent_start - i <= 5:
        t = doc[i]
        if t.pos_ not in ("NOUN", "PROPN", "ADJ") or t.ent_type_ == "PERSON" or head not in t.ancestors:
            break
        left.insert(0, t)
        i -= 1
    words = [t.lower_ for t in left if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.lower_ not in HONORIFICS - {"director", "chief", "minister", "secretary", "commissioner", "mayor", "governor", "president", "captain", "sheriff", "inspector", "detective", "officer", "judge"}]  # fmt: skip
    if words:
        roles.append(" ".join(words))
        roles[-1] = roles[-1]
    # 'Fire Chief Tomas Vell' where spaCy folds the title into the entity
    inside = []
    for t in doc[ent_start:ent_end]:
        if t.lower_ in PERSON_ROLES or t.lower_ in ("fire", "police", "port", "harbour", "harbor"):
            inside.append(t.text)
        else:
            break
    if inside and inside[-1].lower() in PERSON_ROLES:
        roles.append(" ".join(inside))
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            of = [
                g
                for c in child.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj"
            ]
            words = [t.text for t in child.lefts if t.dep_ in _ROLE_DEPS]
            pre = [x.text for x in of[0].subtree] if of else []
            roles.append(" ".join([*pre, *words, child.text]))
    return [r for r in (norm_role(x) for x in roles) if r]


def article_entities(doc: Doc, sentences: Sequence[Span]) -> ArticleEntities:
    out = ArticleEntities()
    ents = [e for e in doc.ents if e.label_ in KEEP_LABELS]
    # first pass: full names of people
    for e in ents:
        if e.label_ != "PERSON":
            continue
        name, gender = _clean_name(e.text)
        if len(name.split()) >= 2:
            p = out.people.setdefault(name, Person(name))
            p.gender = p.gender or gender
            for r in _roles_of(doc, e.start, e.end):
                if r not in p.roles:
                    p.roles.append(r)
    by_part: dict[str, set[str]] = {}
    for name in out.people:
        parts = name.split()
        by_part.setdefault(parts[-1].lower(), set()).add(name)
        by_part.setdefault(parts[0].lower(), set()).add(name)
    for e in ents:
        name, gender = _clean_name(e.text)
        if not name:
            continue
        key_name = name
        role = None
        if e.label_ == "PERSON":
            if len(name.split()) == 1:
                cands = by_part.get(name.lower(), set())
                if len(cands) == 1:
                    key_name = next(iter(cands))
                    if gender and out.people[key_name].gender is None:
                        out.people[key_name].gender = gender
                else:
                    out.people.setdefault(name, Person(name, gender))
            roles = _roles_of(doc, e.start, e.end)
            role = "; ".join(roles) if roles else None
            for t in e:
                out.mention_name[t.i] = key_name
        out.entities.append(
            Entity(
                text=e.text,
                label=e.label_,
                sentence=max(0, sentence_index(sentences, e.start_char)),
                start=e.start_char,
                end=e.end_char,
                key=key_name,
                role=role,
            )
        )
    # role mentions: 'the fire chief', 'the port authority director' naming a person of this article
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ != "NOUN" or root.ent_type_ or chunk[0].lower_ not in ("the", "a", "an", "this"):
            continue
        role = _role_phrase(root)
        named = out.by_role(role)
        if named is None and root.lemma_.lower() not in PERSON_ROLES:
            continue
        out.entities.append(
            Entity(
                text=chunk.text,
                label="PERSON",
                sentence=max(0, sentence_index(sentences, chunk.start_char)),
                start=chunk.start_char,
                end=chunk.end_char,
                key=named,
                role=role,
            )
        )
        if named:
            out.mention_name[root.i] = named
    out.entities.sort(key=lambda e: (e.start, e.end))
    return out


TITLE_WORDS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "gov",
        "sen",
        "rep",
        "gen",
        "col",
        "capt",
        "sgt",
        "det",
        "insp",
        "rev",
        "fr",
    ]
)
# letter-sequence similarity of two spellings of one name ("oler"/"oller" 0.89, "mohammed"/"muhammad" 0.75; two
# different surnames such as "jones"/"james" score 0.6); names shorter than 4 letters must match exactly
NAME_VARIANT_RATIO = 0.75
MIN_VARIANT_NAME = 4


def _name_parts(name: str) -> list[str]:
    return [w for w in re.split(r"[\s.]+", name.lower()) if w and w not in TITLE_WORDS]


def spelled_alike(a: str, b: str) -> bool:
    """ "oler"/"oller", "mohammed"/"muhammad": one letter doubled, dropped or changed in a longer name."""
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_VARIANT_NAME or a[0] != b[0]:
        return False
    return difflib.SequenceMatcher(a=a, b=b).ratio() >= NAME_VARIANT_RATIO


def same_person_name(a: str, b: str) -> bool:
    """Two full names of one person: a title, a middle name or initial, an initial for the given name, or a
    spelling variant ("Janet L. Yellen" / "Janet Yellen", "J. Oler" / "Jim Oller", "Dr Ana Ruiz" / "Ana Ruiz")."""
    wa, wb = _name_parts(a), _name_parts(b)
    if len(wa) < 2 or len(wb) < 2 or not spelled_alike(wa[-1], wb[-1]):
        return False
    ga, gb = wa[0], wb[0]
    return ga[0] == gb[0] and (len(ga) == 1 or len(gb) == 1 or spelled_alike(ga, gb))


def _merge_variants(full: dict[str, str]) -> None:
    """One key, story-wide, for every spelling of one person's name (the first spelling met names them)."""
    names = list(full)
    for i, a in enumerate(names):
        for b in names[:i]:
            if full[b] != full[a] and same_person_name(a, b):
                old, new = full[a], full[b]
                for n, k in full.items():
                    if k == old:
                        full[n] = new
                break


def link_entities(facts_list: Sequence[ArticleFacts]) -> None:
    """Give every entity of one story's articles a story-wide ``key`` (in place).

    Within each article ``Entity.key`` holds the article's canonical name (or None for a role mention it could not
    name). Here: full names become "person:ana-ruiz"; a surname or first name alone takes the one full name in the
    story that ends/starts with it; a role mention takes the one person whose attached role matches it in any
    article; quote speakers and claim attributions are re-keyed the same way.
    """
    full: dict[str, str] = {}  # lower full name -> key
    roles: dict[str, set[str]] = {}  # role -> keys
    for facts in facts_list:
        for e in facts.entities:
            if e.label == "PERSON" and e.key and len(e.key.split()) >= 2:
                full.setdefault(e.key.lower(), entity_key("PERSON", e.key))
    _merge_variants(full)
    parts: dict[str, set[str]] = {}
    for name, key in full.items():
        ws = name.split()
        parts.setdefault(ws[-1], set()).add(key)
        parts.setdefault(ws[0], set()).add(key)
    for facts in facts_list:
        for e in facts.entities:
            if e.label == "PERSON" and e.role and e.key and e.key.lower() in full:
                for r in e.role.split("; "):
                    roles.setdefault(r, set()).add(full[e.key.lower()])
    names = {key: name for name, key in full.items()}
    display: dict[str, str] = {}
    for facts in facts_list:
        for e in facts.entities:
            if e.label == "PERSON" and e.key and e.key.lower() in full:
                display.setdefault(full[e.key.lower()], e.key)
    _ = names

    def resolve(label: str, name: str | None, role: str | None) -> str | None:
        if name:
            low = name.lower()
            if low in full:
                return full[low]
            if label == "PERSON" and len(low.split()) == 1 and len(parts.get(low, ())) == 1:
                return next(iter(parts[low]))
            return entity_key(label, name)
        if role:
            hits = {k for r, ks in roles.items() for one in role.split("; ") if _role_match(one, r) for k in ks}
            if len(hits) == 1:
                return next(iter(hits))
            return f"role:{_slug(role)}"
        return None

    def speaker(text: str) -> str | None:
        words = text.split()
        if words and (words[0].lower() in ("the", "a", "an") or text.islower()):
            return resolve("PERSON", None, norm_role(text))
        return resolve("PERSON", text, None)

    by_name: dict[str, str] = {}
    for facts in facts_list:
        for e in facts.entities:
            new = resolve(e.label, e.key if e.key and ":" not in e.key else None, e.role if not e.key else None)
            if e.key and ":" in e.key:
                continue  # already linked
            if e.key:
                by_name[e.key] = new or e.key
            e.key = new
        for q in facts.quotes:
            if q.speaker:
                q.speaker_key = speaker(q.speaker)
                if q.speaker_key in display and q.speaker.lower() not in full:
                    q.speaker = display[q.speaker_key]  # 'the fire chief' named in another article
        for c in facts.claims:
            if c.attributed_to and ":" not in c.attributed_to:
                c.attributed_to = speaker(c.attributed_to) or c.attributed_to
            c.entities = sorted({by_name.get(k, k) if ":" not in k else k for k in c.entities})
