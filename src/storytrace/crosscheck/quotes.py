"""Quote fidelity: how each quote compares with the other versions of it in the story.

The core is :func:`compare_quote`, a word-level diff between two versions of a quote that calls the difference
``same`` (only punctuation or case, or a sentence cut short at its end), ``close`` (an elision, small words, a
typo, a pronoun for its noun, a phrase left out) or ``altered`` (a content word or a modal verb changed, inserted
or deleted, or a negation). Contractions are expanded first, so "don't" and "do not" are the same words. :func:`quote_fidelity` then places every quote of a story: ``verbatim`` when another independent source
group carries the same words, ``close``, ``altered`` against a source or earlier version by the same speaker,
``unattested`` when a derived article quotes words its sources never had (nor any other article), else
``single_source``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from storytrace.claims.characterise import is_characterisation
from storytrace.crosscheck.context import StoryContext, first_sentence
from storytrace.crosscheck.lexicon import relation
from storytrace.crosscheck.text import content_stems, is_function_word, is_negation, overlap, short, stem, tokens
from storytrace.options import CrosscheckOptions
from storytrace.records import ArticleQuote, Conflict, ConflictSide, DiffOp, QuoteMatch, StoryQuote

ELISION = "…"
_ELISION_RE = re.compile(r"\[\s*(?:\.\s*){3}\]|\[…\]|\.\s?\.\s?\.|…|\[\s*\]")
_CONTRACTIONS = [
    (re.compile(r"\bwon['’]t\b", re.I), "will not"),
    (re.compile(r"\bcan['’]t\b", re.I), "can not"),
    (re.compile(r"\bcannot\b", re.I), "can not"),
    (re.compile(r"\bshan['’]t\b", re.I), "shall not"),
    (re.compile(r"n['’]t\b", re.I), " not"),
    (re.compile(r"\bno[- ]one\b", re.I), "nobody"),
    (re.compile(r"['’]re\b", re.I), " are"),
    (re.compile(r"['’]ll\b", re.I), " will"),
    (re.compile(r"['’]ve\b", re.I), " have"),
    (re.compile(r"['’]m\b", re.I), " am"),
    (re.compile(r"['’]d\b", re.I), " would"),
]
MATCH_MIN_SIM = 0.5
MIN_FRAGMENT_CUT = 3  # words cut at an edge for a shorter quote to count as a fragment of the longer one  # word-sequence similarity for two quotes to be versions of one another


def normalise(text: str) -> list[str]:
    """Lower-cased words, contractions expanded, elision marks kept as one "…" token, other punctuation dropped."""
    text = _ELISION_RE.sub(f" {ELISION} ", text)
    for pat, rep in _CONTRACTIONS:
        text = pat.sub(rep, text)
    out: list[str] = []
    for t in tokens(text):
        if t == ELISION:
            if not out or out[-1] != ELISION:
                out.append(ELISION)
        elif re.search(r"[A-Za-z0-9]", t):
            out.append(t.lower().replace("’", "'"))
    return out


@dataclass
class Comparison:
    verdict: str  # same | close | altered
    similarity: float
    diff: list[DiffOp]
    reason: str


def _fv(w: str) -> str:
    """ "lives"/"life", "wolves"/"wolf": the f/v plural."""
    if w.endswith("ves"):
        return w[:-3] + "f"
    if w.endswith("fe"):
        return w[:-2] + "f"
    return w


def _inflection(a: str, b: str) -> bool:
    return stem(a) == stem(b) or _fv(a) == _fv(b)


def _diff_ops(this: list[str], other: list[str]) -> list[tuple[str, list[str], list[str]]]:
    sm = difflib.SequenceMatcher(a=other, b=this, autojunk=False)
    return [(tag, other[i1:i2], this[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes()]


# Words a quote's rendering drops or adds without changing what was said: a title before a name, a spoken filler.
QUOTE_FILLERS = frozenset({"mr", "mrs", "ms", "dr", "well", "yes", "oh", "er", "um", "now", "indeed"})
# British and American spellings of one word (offence/offense, colour/color, organise/organize, centre/center,
# programme/program, travelled/traveled): compared in one spelling
_SPELLING = [
    (re.compile(r"our(s?)$"), r"or\1"),
    (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"ence(s?)$"), r"ense\1"),
    (re.compile(r"([^aeiou])re(s?)$"), r"\1er\2"),
    (re.compile(r"mme(s?)$"), r"m\1"),
    (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
]
MIN_SPELLING_WORD = 5  # shorter words ("our", "sure", "here") are not respelt


def spelling(word: str) -> str:
    """One spelling for British and American variants of a word."""
    if len(word) < MIN_SPELLING_WORD or not word.isalpha():
        return word
    for pat, rep in _SPELLING:
        word = pat.sub(rep, word)
    return word


# Two sentences of two renderings are one sentence of the statement when their words are this alike (sequence
# ratio, or containment for a cut sentence); below, they are different sentences of one speech, and what one
# rendering quotes and the other does not is no alteration. 0.5 is MATCH_MIN_SIM, the bar for two quotes to be
# versions of each other at all.
SENTENCE_MATCH_SIM = MATCH_MIN_SIM
SENTENCE_MATCH_CONTAIN = 0.8
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")


def _sentences(text: str) -> list[str]:
    return [p for p in _SENTENCE_END.split(text.strip()) if normalise(p)]


def _sentence_alike(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    contain = sum(x.size for x in sm.get_matching_blocks()) / min(len(a), len(b))
    return max(sm.ratio(), contain if contain >= SENTENCE_MATCH_CONTAIN and min(len(a), len(b)) >= 3 else 0.0)


def _matched_parts(this_text: str, other_text: str) -> tuple[list[tuple[list[str], list[str]]], bool]:
    """The sentences both renderings quote, in order, as (this, other) pairs; and whether either quotes sentences
    the other lacks. A quote of one sentence is compared whole (a single sentence cannot be another sentence of the
    same speech)."""
    ts, os_ = _sentences(this_text), _sentences(other_text)
    if len(ts) <= 1 and len(os_) <= 1:
        return [(normalise(this_text), normalise(other_text))], False
    tn, on = [normalise(t) for t in ts], [normalise(o) for o in os_]
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for i, t in enumerate(tn):
        best = max(
            ((_sentence_alike(t, o), j) for j, o in enumerate(on) if j not in used and (not pairs or j > pairs[-1][1])),
            default=(0.0, -1),
        )
        if best[0] >= SENTENCE_MATCH_SIM:
            pairs.append((i, best[1]))
            used.add(best[1])
    if not pairs:
        return [(normalise(this_text), normalise(other_text))], False
    extra = len(pairs) < max(len(tn), len(on))
    return [(tn[i], on[j]) for i, j in pairs], extra


_TITLES = ("mr", "mrs", "ms", "dr")
# Pronouns a rendering may put for the noun they stand for ("told them" / "told colleagues", "he" / "the defendant")
_PRONOUNS = frozenset({"he", "she", "they", "them", "him", "her", "his", "their", "it", "its", "we", "us"})
# the longest noun phrase a pronoun stands for in such a swap ("the defendant", "the chief constable")
MAX_PRONOUN_PHRASE = 3
# Letter-sequence similarity above which two words are one word mistyped ("mrmandelson"/"mandelson" 0.90,
# "goverment"/"government" 0.95); "affect"/"effect" (0.83) and "austrian"/"australian" (0.82) are different words
TYPO_RATIO = 0.85
MIN_TYPO_WORD = 5  # shorter words differ by a letter too often for a typo to be told from another word
# a prefix that turns a word into its opposite: "possible"/"impossible" is a change, never a typo
_NEGATING_PREFIX = re.compile(r"^(?:un|in|im|il|ir|non|dis|mis)")
# modal verbs are function words, but "can" / "must" / "will" / "may" change what was said
_MODALS = frozenset({"can", "could", "may", "might", "must", "shall", "should", "will", "would"})
# words that open a phrase a rendering may leave out without an elision mark ("any other constituency [in this
# country]", "the store area [where the produce is kept]"): a cut of such a phrase is an unmarked elision
_PHRASE_OPENERS = frozenset(
    "in on at of for with by from to into about over under after before during where which who when while as".split()  # noqa: SIM905
)
MIN_PHRASE_CUT = 2  # a single content word left out is a change ("[badly] damaged"), a phrase is a cut


def _typo(old: list[str], new: list[str]) -> bool:
    """The same words but for spacing ("it self"/"itself", "acts like"/"actslike") or one mistyped word."""
    if "".join(old) == "".join(new):
        return True
    if len(old) != 1 or len(new) != 1:
        return False
    a, b = old[0], new[0]
    if any(a == t + b or b == t + a for t in _TITLES):
        return True  # a title run into the name ("MrVarn" for "Mr Varn", the title dropped as a filler)
    if min(len(a), len(b)) < MIN_TYPO_WORD or not (a.isalpha() and b.isalpha()):
        return False
    for x, y in ((a, b), (b, a)):
        if y.endswith(x) and _NEGATING_PREFIX.match(y[: len(y) - len(x)] or "-"):
            return False
    return difflib.SequenceMatcher(a=a, b=b).ratio() >= TYPO_RATIO


def _pronoun_for_noun(old: list[str], new: list[str]) -> bool:
    for x, y in ((old, new), (new, old)):
        if x and all(w in _PRONOUNS for w in x) and 0 < len(y) <= MAX_PRONOUN_PHRASE and len(x) == 1:
            return True
    return False


# a quote cut after one of these stops short of what it said ("we will [win]", "it is [not]"): a change, not a cut
_STOPS_SHORT = frozenset(
    "will would can could may might must shall should is are was were be been am have has had do does did".split()  # noqa: SIM905
)


def _trim_edges(ops: list[tuple[str, list[str], list[str]]]) -> list[tuple[str, list[str], list[str]]]:
    """A partial quote of a sentence: words only in the longer version at either end are not changes, unless what
    is cut is a negation, or a cut at the start is only a word or two, or the shorter version stops on a verb
    ("we will win" -> "we will" is a change); a sentence cut short at its end ("does not detect [glass]", "a
    front-bench spokesman [in the House of Commons]") is a truncation."""
    if ops and ops[0][0] == "delete" and len(ops[0][1]) >= MIN_FRAGMENT_CUT and not any(map(is_negation, ops[0][1])):
        ops = ops[1:]
    if ops and ops[-1][0] == "delete" and not any(map(is_negation, ops[-1][1])):
        kept = [w for tag, _old, new in ops[:-1] for w in new if tag in ("equal", "replace", "insert")]
        if kept and kept[-1] not in _STOPS_SHORT:
            ops = ops[:-1]
    return ops


def _synonyms(old: list[str], new: list[str]) -> bool:
    """Each word swapped for a WordNet synonym of it ("swiftness" for "speed"): what was said is kept. An antonym or
    any unrelated word is a change of meaning."""

    def related(a: str, b: str) -> bool:
        # the words arrive in one spelling ("surprizing"); WordNet lists the other as well
        pairs = ((a, b), (a.replace("iz", "is"), b.replace("iz", "is")))
        return any(relation(y, x) in ("same", "synonym") for x, y in pairs)

    return len(old) == len(new) > 0 and all(related(a, b) for a, b in zip(old, new, strict=True))


def compare_quote(this_text: str, other_text: str) -> Comparison:
    """Classify how ``this_text`` differs from ``other_text`` (the reference version)."""
    parts, other_sentences = _matched_parts(this_text, other_text)
    ops: list[tuple[str, list[str], list[str]]] = []
    this_all: list[str] = []
    other_all: list[str] = []
    for this_s, other_s in parts:
        this_w = [spelling(w) for w in this_s if w not in QUOTE_FILLERS]
        other_w = [spelling(w) for w in other_s if w not in QUOTE_FILLERS]
        this_all += this_w
        other_all += other_w
        ops += _trim_edges(_diff_ops(this_w, other_w))
    diff: list[DiffOp] = []
    function_changes = 0
    content: list[str] = []
    negation = False
    elided = False
    minor = False  # a typo, a pronoun for its noun, an unmarked cut of a phrase
    for tag, old, new in ops:
        if tag == "equal":
            diff.append(DiffOp(op="=", text=" ".join(old)))
            continue
        if old:
            diff.append(DiffOp(op="-", text=" ".join(old)))
        if new:
            diff.append(DiffOp(op="+", text=" ".join(new)))
        old_w = [w for w in old if w != ELISION]
        new_w = [w for w in new if w != ELISION]
        # words left out where this version marks an elision: a faithful cut
        if ELISION in new and not new_w and not any(is_negation(w) for w in old_w):
            elided = True
            continue
        if not old_w and not new_w:
            continue
        if sum(map(is_negation, old_w)) != sum(map(is_negation, new_w)):
            negation = True
            continue
        o = [w for w in old_w if not is_negation(w)]
        n = [w for w in new_w if not is_negation(w)]
        if tag == "replace" and len(o) == len(n) and all(_inflection(a, b) for a, b in zip(o, n, strict=True)):
            function_changes += len(o)  # "ship"/"ships": an inflection, not a new word
            continue
        if tag == "replace" and (_typo(o, n) or _pronoun_for_noun(o, n) or _synonyms(o, n)):
            minor = True
            continue
        if tag == "delete" and len(o) >= MIN_PHRASE_CUT and o[0] in _PHRASE_OPENERS:
            minor = True  # a phrase left out without a mark: an elision, not a change of words
            continue
        for w in o + n:
            if is_function_word(w) and w not in _MODALS:
                function_changes += 1
            else:
                content.append(w)
    sim = difflib.SequenceMatcher(
        a=[w for w in other_all if w != ELISION], b=[w for w in this_all if w != ELISION]
    ).ratio()
    if negation:
        return Comparison("altered", sim, diff, "a negation was added or removed")
    if content:
        return Comparison("altered", sim, diff, f"content words differ: {', '.join(dict.fromkeys(content))}")
    # small words alone ("with that" / "with it", "this is about"), a typo, a pronoun or an unmarked cut keep what
    # was said: close, however many
    if function_changes:
        return Comparison("close", sim, diff, f"{function_changes} small word(s) differ")
    if minor:
        return Comparison("close", sim, diff, "a typo, a pronoun for its noun, or a phrase left out")
    if elided:
        return Comparison("close", sim, diff, "words left out, marked by an ellipsis")
    if other_sentences:
        return Comparison("close", sim, diff, "the sentences both quote match; the others are other sentences")
    if this_text.strip() != other_text.strip():
        return Comparison("same", sim, diff, "same words; punctuation or case differ")
    return Comparison("same", sim, diff, "same words")


def _related(q: ArticleQuote, other: ArticleQuote) -> float:
    """Word-sequence similarity of two quotes when they can be versions of one statement, else 0."""
    if q.speaker_key and other.speaker_key and q.speaker_key != other.speaker_key:
        return 0.0
    a, b = normalise(q.text), normalise(other.text)
    if not a or not b:
        return 0.0
    sm = difflib.SequenceMatcher(a=b, b=a, autojunk=False)
    matched = sum(block.size for block in sm.get_matching_blocks())
    contain = matched / min(len(a), len(b))
    same_speaker = bool(q.speaker_key) and q.speaker_key == other.speaker_key
    if contain >= 0.8 and min(len(a), len(b)) >= 3:
        return max(contain, sm.ratio())
    if sm.ratio() >= MATCH_MIN_SIM or (same_speaker and sm.ratio() >= 0.35 and contain >= 0.5):
        return sm.ratio()
    return 0.0


def _contained_in_text(q: ArticleQuote, ctx: StoryContext, article: str) -> bool:
    """The quote's words, however few, stand in order and together in another article's text."""
    words = [w for w in normalise(q.text) if w != ELISION]
    hay = " " + " ".join(w for w in normalise(ctx.articles[article].text) if w != ELISION) + " "
    return bool(words) and " " + " ".join(words) + " " in hay


def _find_in_text(q: ArticleQuote, ctx: StoryContext, article: str) -> bool:
    """The quote's words (≥ 5) appear, in order and contiguous, in another article's text (a quote it missed)."""
    words = [w for w in normalise(q.text) if w != ELISION]
    if len(words) < 5:
        return False
    hay = " " + " ".join(w for w in normalise(ctx.articles[article].text) if w != ELISION) + " "
    return " " + " ".join(words) + " " in hay


def _characterises(q: ArticleQuote) -> bool:
    return is_characterisation(q.text, q.partial)


def _sentences_of(q: ArticleQuote) -> list[int]:
    return q.sentence if isinstance(q.sentence, list) else [q.sentence]


def _frame(ctx: StoryContext, q: ArticleQuote) -> set[str]:
    """Content stems of the quote's sentence outside the quoted words, less the speaker's name and the cue: what the
    speaker's words are about ("described the talks as" -> talk)."""
    art = ctx.articles[q.article]
    s = first_sentence(q.sentence)
    lo, hi = art.sentences[s]
    outside = art.text[lo : max(lo, q.start)] + " " + art.text[min(hi, q.end) : hi]
    speaker = content_stems(q.speaker or "") | content_stems(q.cue or "")
    facts = ctx.facts.get(q.article)
    for e in facts.entities if facts else []:
        if e.sentence == s and q.speaker_key and e.key == q.speaker_key:
            speaker |= content_stems(e.text) | content_stems(e.role or "")  # "Foreign Minister Dana Reyes"
    return content_stems(outside) - speaker


def _same_description(ctx: StoryContext, q: ArticleQuote, o: ArticleQuote, opts: CrosscheckOptions) -> bool:
    """Two quotes of one speaker about one thing: the same speaker (both known), sentences close in meaning, and the
    same thing described outside the quote marks. A word alone says nothing of where it was said: "productive" from
    two people, or from one about two things, are two remarks."""
    if not q.speaker_key or q.speaker_key != o.speaker_key:
        return False
    sim = float(
        ctx.sentence_vector(q.article, first_sentence(q.sentence))
        @ ctx.sentence_vector(o.article, first_sentence(o.sentence))
    )
    return sim >= opts.characterisation_sentence_sim and overlap(_frame(ctx, q), _frame(ctx, o)) >= (
        opts.characterisation_frame_share
    )


def _taken_from(ctx: StoryContext, article: str, source: str, sentences: list[int]) -> bool:
    """``article`` took these sentences from ``source`` itself (a decided link: the whole article, or a partial take
    whose evidence holds them)."""
    if (article, source) not in ctx.comparable:
        return False
    reused = ctx.comparable[(article, source)]
    return reused is None or any(s in reused for s in sentences)


def _contained(short_q: ArticleQuote, long_q: ArticleQuote) -> bool:
    """The words of ``short_q`` stand, in order and together, in ``long_q``."""
    a = [w for w in normalise(short_q.text) if w != ELISION]
    b = [w for w in normalise(long_q.text) if w != ELISION]
    return bool(a) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))


def _characterisation_versions(
    ctx: StoryContext, q: ArticleQuote, quotes: list[ArticleQuote], opts: CrosscheckOptions
) -> list[tuple[ArticleQuote, Comparison]]:
    """The versions a characterisation is held against: the same speaker's words about the same thing; or a longer
    quote of the same speaker that has its words. Another word for the same thing is a version only in the passage
    the article took from that very source: elsewhere the speaker may have used both words."""
    out: list[tuple[ArticleQuote, Comparison]] = []
    for o in quotes:
        if o.article == q.article or not q.speaker_key or o.speaker_key != q.speaker_key:
            continue
        if not _characterises(o):
            if _contained(q, o):
                words = " ".join(w for w in normalise(q.text) if w != ELISION)
                out.append((o, Comparison("same", 1.0, [DiffOp(op="=", text=words)], "in a longer quote of theirs")))
            continue
        if not _same_description(ctx, q, o, opts):
            continue
        comp = compare_quote(q.text, o.text)
        if comp.verdict == "altered" and not _taken_from(ctx, q.article, o.article, _sentences_of(q)):
            continue
        out.append((o, comp))
    return out


def quote_fidelity(ctx: StoryContext, options: CrosscheckOptions | None = None) -> list[StoryQuote]:
    opts = options or CrosscheckOptions()
    quotes: list[ArticleQuote] = []
    for a in ctx.article_ids:
        facts = ctx.facts.get(a)
        if facts:
            quotes.extend(q for q in facts.quotes if q.text.strip())
    out: list[StoryQuote] = []
    for q in quotes:
        a = q.article
        versions: list[tuple[ArticleQuote, Comparison]] = []
        characterisation = _characterises(q)
        if characterisation:
            versions = _characterisation_versions(ctx, q, quotes, opts)
        else:
            for o in quotes:
                # a word or two of a statement is no version to judge the statement by
                if o.article != a and not _characterises(o) and _related(q, o) > 0:
                    versions.append((o, compare_quote(q.text, o.text)))
        # a word or two found in another text is no evidence of a quote, and the words' absence no evidence of an
        # invention unless the article took that sentence from a source that has the words nowhere
        in_text = [
            o
            for o in ctx.article_ids
            if o != a
            and o not in {v.article for v, _ in versions}
            and not characterisation
            and _find_in_text(q, ctx, o)
        ]
        unattested_possible = not characterisation or (
            ctx.held_to_source(a, _sentences_of(q))
            and not any(_contained_in_text(q, ctx, s) for s in ctx.sources.get(a, set()))
        )
        fidelity, reason, ref = _decide(ctx, q, versions, in_text, unattested_possible)
        matches: list[QuoteMatch] = []
        ranked = sorted(versions, key=lambda vc: (vc[0] is not ref, -vc[1].similarity, vc[0].article))
        for o, comp in ranked:
            matches.append(
                QuoteMatch(
                    article=o.article,
                    text=o.text,
                    similarity=round(comp.similarity, 3),
                    sentence=o.sentence,
                    diff=comp.diff,
                )
            )
        for o_art in in_text:
            matches.append(
                QuoteMatch(
                    article=o_art, text=q.text, similarity=1.0, diff=[DiffOp(op="=", text=" ".join(normalise(q.text)))]
                )
            )
        out.append(
            StoryQuote(
                id=f"q{len(out) + 1}",
                text=q.text,
                speaker=q.speaker,
                cue=q.cue,
                article=a,
                sentence=q.sentence,
                fidelity=fidelity,  # type: ignore[arg-type]
                matches=matches,
                reason=reason,
            )
        )
    return out


def _decide(
    ctx: StoryContext,
    q: ArticleQuote,
    versions: list[tuple[ArticleQuote, Comparison]],
    in_text: list[str],
    unattested_possible: bool = True,
) -> tuple[str, str, ArticleQuote | None]:
    a = q.article
    mine = ctx.group_of[a]
    srcs = ctx.sources.get(a, set())
    pub = ctx.published(a)

    def label(o: str) -> str:
        return ctx.label(o)

    def earlier(o: ArticleQuote) -> bool:
        if o.article in srcs:
            return True
        if a in ctx.sources.get(o.article, set()):
            return False  # o derives from this article: this one is the earlier version
        po = ctx.published(o.article)
        return bool(pub and po and po[:10] < pub[:10])

    def best(cands: list[tuple[ArticleQuote, Comparison]]) -> tuple[ArticleQuote, Comparison] | None:
        order = {"same": 0, "close": 1, "altered": 2}
        return min(cands, key=lambda oc: (order[oc[1].verdict], -oc[1].similarity, oc[0].article), default=None)

    # 1. against the version it should have taken the words from: its source, else an earlier article
    in_src = best([(o, c) for o, c in versions if o.article in srcs])
    prior = in_src or best([(o, c) for o, c in versions if earlier(o)])
    if prior is not None:
        o, c = prior
        where = "its source" if o.article in srcs else "the earlier report in"
        if c.verdict == "same":
            return "verbatim", f"the same words as {where} {label(o.article)}", o
        if c.verdict == "close":
            return "close", f"matches {where} {label(o.article)} but for minor differences ({c.reason})", o
        return "altered", f"worded differently from {where} {label(o.article)}: {c.reason}", o
    # 2. a derived article quoting words its sources never had, nor any other article
    if ctx.is_derived(a) and not versions and not in_text and unattested_possible:
        names = ", ".join(sorted(label(s) for s in srcs))
        return "unattested", f"the article derives from {names}, which never has these words, nor does any other", None
    # 3. an original (or the earliest) version: verbatim when another independent source group carries the words
    indep = best([(o, c) for o, c in versions if ctx.group_of[o.article] != mine and c.verdict != "altered"])
    if indep is not None or any(ctx.group_of[o] != mine for o in in_text):
        who = label(indep[0].article) if indep else label(next(o for o in in_text if ctx.group_of[o] != mine))
        return "verbatim", f"an independent source ({who}) carries the same words", indep[0] if indep else None
    return "single_source", "only one source group carries these words", None


def quote_conflicts(
    ctx: StoryContext, quotes: list[StoryQuote], claim_of_sentence: dict[tuple[str, int], str]
) -> list[Conflict]:
    """An altered quote is also a conflict of kind ``quote``: the two versions, side by side, with what changed."""
    out: list[Conflict] = []
    for q in quotes:
        if q.fidelity != "altered" or not q.matches:
            continue
        ref = q.matches[0]
        changed = [f"{'-' if op.op == '-' else '+'}“{op.text}”" for op in ref.diff if op.op != "="]
        s_this = first_sentence(q.sentence)
        s_ref = first_sentence(ref.sentence) if ref.sentence is not None else 0
        claims = [
            c for c in (claim_of_sentence.get((ref.article, s_ref)), claim_of_sentence.get((q.article, s_this))) if c
        ]
        out.append(
            Conflict(
                id="",
                kind="quote",
                severity="high",
                claims=list(dict.fromkeys(claims)),
                articles=[ref.article, q.article],
                explanation=(
                    f"{ctx.label(q.article)} quotes {q.speaker or 'the speaker'} as saying “{short(q.text)}”; "
                    f"{ctx.label(ref.article)} has “{short(ref.text)}” ({', '.join(changed[:6])})."
                ),
                sides=[
                    ConflictSide(
                        article=ref.article, sentence=ref.sentence if ref.sentence is not None else 0, text=ref.text
                    ),
                    ConflictSide(article=q.article, sentence=q.sentence, text=q.text),
                ],
            )
        )
    return out
