"""Word relations for the consistency judge: is a word the derived text uses a synonym, a near sense or an antonym of
the source's word? From a WordNet 3.0 extract shipped in ``model/lexicon.json.gz`` (built by bench/build_lexicon.py;
WordNet's notice is inside the file), plus a short hand list of news antonyms WordNet links only indirectly.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

LEXICON_PATH = Path(__file__).parent / "model" / "lexicon.json.gz"

# pairs that flip a news claim; WordNet has most as lexical antonyms but not in every inflection or sense
NEWS_ANTONYMS = """increase decrease; increase cut; rise fall; rise drop; rise decline; grow shrink; gain lose; gain loss;
win lose; win defeat; victory defeat; accept reject; approve reject; approve veto; allow ban; allow forbid;
permit ban; permit prohibit; legal illegal; open close; opened closed; start end; begin end; begin finish;
launch end; arrive depart; enter leave; hire fire; buy sell; import export; lend borrow; rich poor; high low;
higher lower; more less; more fewer; most least; many few; majority minority; first last; early late;
earlier later; before after; up down; upper lower; above below; strong weak; stronger weaker; strengthen weaken;
boost cut; expand shrink; expand contract; add remove; include exclude; join leave; support oppose; favor oppose;
for against; agree disagree; confirm deny; admit deny; guilty innocent; convict acquit; conviction acquittal;
arrest release; arrested released; charge acquit; succeed fail; success failure; pass fail; safe dangerous;
safe unsafe; alive dead; survive die; birth death; peace war; ally enemy; friend enemy; public private;
domestic foreign; internal external; local national; north south; east west; northern southern; eastern western;
left right; positive negative; optimistic pessimistic; profit loss; surplus deficit; asset liability;
boom bust; bull bear; cheap expensive; cheaper costlier; raise lower; raised lowered; hike cut; tighten ease;
tightened eased; attack defend; offense defense; guilty acquitted; full empty; heavy light; old new; older newer;
young old; younger older; past future; ancient modern; slow fast; slower faster; slowly quickly; long short;
longer shorter; large small; larger smaller; big small; bigger smaller; wide narrow; near far; inside outside;
indoor outdoor; sooner later; always never; everyone nobody; all none; true false; real fake; correct incorrect;
right wrong; legal unlawful; lawful unlawful; voluntary mandatory; voluntary compulsory; optional mandatory;
temporary permanent; partial full; partially fully; minor major; minimum maximum; worst best; worse better;
good bad; improve worsen; improved worsened; recovery recession; expansion recession; inflation deflation;
employed unemployed; employment unemployment; hot cold; warm cool; wet dry; day night; morning evening;
sunrise sunset; winter summer; spring autumn; male female; man woman; men women; boy girl; boys girls;
husband wife; father mother; son daughter; brother sister; king queen; uncle aunt; boycott promotion;
protest support; resign appoint; resigned appointed; elected defeated; upheld overturned; uphold overturn;
convicted acquitted; sentenced acquitted; found lost; finding losing; success defeat; export import;
exports imports; rally slump; surge plunge; soar plunge; soared plunged; gained lost; rose fell; climbed fell;
jumped fell; increased decreased; raised cut; higher fewer; sold bought; landed departed; departure arrival;
ascent descent; accelerate decelerate; accelerated slowed; lift impose; lifted imposed; ease tighten;
eased tightened; encourage discourage; encouraged discouraged; praise criticize; praised criticized;
welcome condemn; welcomed condemned; reward punish; benefit harm; benefits harms; help hurt; helped hurt;
protect threaten; safe risky; stable unstable; certain uncertain; likely unlikely; possible impossible;
able unable; known unknown; official unofficial; formal informal; visible invisible; present absent;
maximum minimum; export imports""".replace("\n", " ")


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, object]:
    with gzip.open(LEXICON_PATH, "rb") as fh:
        lex: dict[str, object] = json.loads(fh.read())
    lex["near_sets"] = {int(k): set(v) for k, v in lex["near"].items()}  # type: ignore[attr-defined]
    lex["hyper_sets"] = {int(k): set(v) for k, v in lex["hypernyms"].items()}  # type: ignore[attr-defined]
    lex["antonym_set"] = {tuple(p) for p in lex["antonyms"]}  # type: ignore[attr-defined]
    hand: set[frozenset[str]] = set()
    for pair in NEWS_ANTONYMS.split(";"):
        ws = pair.split()
        if len(ws) == 2:
            hand.add(frozenset(ws))
    lex["hand"] = hand
    return lex


_SUFFIXES = [
    ("ies", "y"),
    ("ses", "s"),
    ("xes", "x"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("es", "e"),
    ("es", ""),
    ("s", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("est", ""),
    ("er", "e"),
    ("est", "e"),
    ("ly", ""),
]


@functools.lru_cache(maxsize=65536)
def base_forms(word: str) -> tuple[str, ...]:
    """The word's WordNet lemmas: itself, its irregular base, and suffix-stripped forms WordNet knows."""
    lex = _lexicon()
    lemmas: dict[str, list[int]] = lex["lemmas"]  # type: ignore[assignment]
    exc: dict[str, str] = lex["exceptions"]  # type: ignore[assignment]
    w = word.lower()
    out = [w] if w in lemmas else []
    if w in exc:
        out.append(exc[w])
    for suf, rep in _SUFFIXES:
        if w.endswith(suf) and len(w) > len(suf) + 2:
            cand = w[: -len(suf)] + rep
            if cand in lemmas:
                out.append(cand)
        if suf in ("ed", "ing") and w.endswith(suf) and len(w) > len(suf) + 3 and w[-len(suf) - 1] == w[-len(suf) - 2]:
            cand = w[: -len(suf) - 1]  # doubled consonant: "stopped" -> "stop"
            if cand in lemmas:
                out.append(cand)
    return tuple(dict.fromkeys(out)) or (w,)


@functools.lru_cache(maxsize=65536)
def synsets(word: str) -> frozenset[int]:
    lemmas: dict[str, list[int]] = _lexicon()["lemmas"]  # type: ignore[assignment]
    return frozenset(s for b in base_forms(word) for s in lemmas.get(b, ()))


def known(word: str) -> bool:
    return bool(synsets(word))


@functools.lru_cache(maxsize=262144)
def relation(a: str, b: str) -> str:
    """How the derived text's word ``a`` relates to the source's word ``b``: "same" (one lemma), "antonym",
    "synonym" (a shared synset, or similar-to / verb group), "broader" / "narrower" (one or two hypernym steps),
    "sibling" (a shared hypernym: Saturday / Wednesday, murder / manslaughter) or "none"."""
    lex = _lexicon()
    fa, fb = set(base_forms(a)), set(base_forms(b))
    if fa & fb:
        return "same"
    hand: set[frozenset[str]] = lex["hand"]  # type: ignore[assignment]
    if any(frozenset((x, y)) in hand for x in fa | {a.lower()} for y in fb | {b.lower()}):
        return "antonym"
    sa, sb = synsets(a), synsets(b)
    if not sa or not sb:
        return "none"
    ants: set[tuple[int, int]] = lex["antonym_set"]  # type: ignore[assignment]
    near: dict[int, set[int]] = lex["near_sets"]  # type: ignore[assignment]
    na = set(sa).union(*(near.get(s, set()) for s in sa))
    nb = set(sb).union(*(near.get(s, set()) for s in sb))
    if any((min(x, y), max(x, y)) in ants for x in sa for y in nb) or any(
        (min(x, y), max(x, y)) in ants for x in na for y in sb
    ):
        return "antonym"
    if sa & sb or na & sb or sa & nb:
        return "synonym"
    hyper: dict[int, set[int]] = lex["hyper_sets"]  # type: ignore[assignment]
    ha = set().union(*(hyper.get(s, set()) for s in na))
    hb = set().union(*(hyper.get(s, set()) for s in nb))
    ha2 = ha.union(*(hyper.get(s, set()) for s in ha))
    hb2 = hb.union(*(hyper.get(s, set()) for s in hb))
    if nb & ha2:
        return "narrower"  # a's parents hold b: a is the narrower word
    if na & hb2:
        return "broader"
    if ha & hb:
        return "sibling"
    return "none"


@functools.lru_cache(maxsize=1)
def _members() -> dict[int, list[str]]:
    lemmas: dict[str, list[int]] = _lexicon()["lemmas"]  # type: ignore[assignment]
    out: dict[int, list[str]] = {}
    for lemma, ss in lemmas.items():
        for s in ss:
            out.setdefault(s, []).append(lemma)
    return out


@functools.lru_cache(maxsize=1)
def _children() -> dict[int, list[int]]:
    hyper: dict[int, set[int]] = _lexicon()["hyper_sets"]  # type: ignore[assignment]
    out: dict[int, list[int]] = {}
    for c, ps in hyper.items():
        for p in ps:
            out.setdefault(p, []).append(c)
    return out


def alternatives(word: str, kind: str) -> list[str]:
    """Words standing in a relation to ``word`` (for making training pairs): "synonym" (same synset), "sibling"
    (another child of one of its hypernyms) or "antonym"."""
    lex = _lexicon()
    members = _members()
    ss = synsets(word)
    forms = set(base_forms(word))
    if kind == "synonym":
        cands = {m for s in ss for m in members.get(s, [])}
    elif kind == "sibling":
        hyper: dict[int, set[int]] = lex["hyper_sets"]  # type: ignore[assignment]
        parents = set().union(*(hyper.get(s, set()) for s in ss))
        kids = _children()
        children = {c for p in parents for c in kids.get(p, ()) if c not in ss}
        cands = {m for c in children for m in members.get(c, [])}
    else:
        ants: set[tuple[int, int]] = lex["antonym_set"]  # type: ignore[assignment]
        hand: set[frozenset[str]] = lex["hand"]  # type: ignore[assignment]
        other = {b if a in ss else a for a, b in ants if a in ss or b in ss}
        cands = {m for s in other for m in members.get(s, [])}
        cands |= {w for pair in hand if forms & pair for w in pair}
    return sorted(c for c in cands if c not in forms and c.isalpha())
