"""Per-article extraction: parse in batches, then entities, quotes, claims with their parts, and event order.

A sentence becomes a claim when it is check-worthy: the lead, or it has a figure, a date, an attribution, a
scheduled event, or a named entity with a main verb. Questions, boilerplate ("Reporting by", "Follow us",
copyright lines) and fragments are skipped. A sentence that is only a direct quote (plus its cue) gives the quote
and one attributed claim (kind "attributed", modality "reported").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storytrace.claims.dates import anchor_date, find_dates
from storytrace.claims.entities import ArticleEntities, article_entities
from storytrace.claims.numbers import find_numbers
from storytrace.claims.quotes import SPEECH_VERBS, FoundQuote, find_quotes, speaker_phrase
from storytrace.claims.sources import sources_cited
from storytrace.forking import fork_pool, fork_workers
from storytrace.ingest.language import read_as_english
from storytrace.nlp import load_nlp, parse_texts
from storytrace.options import ClaimOptions
from storytrace.records import Article, ArticleClaim, ArticleFacts, ArticleQuote, EventOrder, SentenceRef, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = ["extract_facts", "facts_for_doc"]

_BOILERPLATE = re.compile(
    r"^(reporting by|editing by|writing by|additional reporting|follow (us|him|her)|read more|click here|sign up|"
    r"subscribe|copyright|all rights reserved|share this|related:|advertisement|this story has been|"
    r"contact the author|\(c\)|©)|contributed to this report|all rights reserved",
    re.I,
)
_POSSIBLE = frozenset(
    ["may", "might", "could", "possibly", "perhaps", "likely", "unlikely", "probably", "reportedly", "allegedly"]
)
_PLANNED_AUX = frozenset({"will", "'ll", "shall", "wo"})
_PLANNED_VERBS = frozenset(["plan", "intend", "aim", "schedule", "expect", "set", "due", "prepare", "propose"])
_NEG_VERBS = frozenset(["deny", "refuse", "reject", "dismiss", "rule"])
_ORDER_START = {
    "then": "then",
    "later": "later",
    "afterwards": "afterwards",
    "after that": "after",
    "before that": "before",
    "earlier": "earlier",
    "first": "first",
    "finally": "last",
    "subsequently": "later",
}
_ORDER_MARKS = frozenset({"before", "after", "until", "following"})
_PLACE_LABELS = ("GPE", "LOC", "FAC")


def extract_facts(articles: Sequence[Article], options: ClaimOptions | None = None) -> list[ArticleFacts]:
    """One ArticleFacts per article, in input order. An article in another known language than English gets empty
    facts: the English parser would read its words as English names, figures and quotes. A big batch is split over
    ``options.n_process`` forked workers, each parsing and extracting its share; the facts are the same either way."""
    options = options or ClaimOptions()
    read = [a for a in articles if read_as_english(a.language)]
    workers = fork_workers(options.n_process, len(read), options.articles_per_process)
    if workers > 1:
        load_nlp()  # loaded once, here: the workers are forked with it
        # four shares per worker, so that the workers finish together
        step = max(options.articles_per_process, -(-len(read) // (4 * workers)))
        shares = [read[i : i + step] for i in range(0, len(read), step)]
        with fork_pool(workers) as pool:
            found = iter([f for share in pool.map(_facts_of, shares, [options] * len(shares)) for f in share])
    else:
        found = iter(_facts_of(read, options))
    return [next(found) if read_as_english(a.language) else ArticleFacts(a.id) for a in articles]


def _facts_of(articles: Sequence[Article], options: ClaimOptions) -> list[ArticleFacts]:
    docs = parse_texts([a.text for a in articles], [a.sentences for a in articles], batch_size=options.batch_size)
    return [facts_for_doc(a, doc) for a, doc in zip(articles, docs, strict=True)]


def _sentence_ref(idxs: Sequence[int]) -> SentenceRef:
    return idxs[0] if len(idxs) == 1 else list(idxs)


def _speaker_name(ents: ArticleEntities, doc: Doc, head: Token | None, quoted: Sequence[Span]) -> str | None:
    if head is None:
        return None
    for child in head.children:
        # 'the port authority's director, Ilse Marrant, told reporters': the name in apposition
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            head = child
            break
    name = ents.name_for_token(doc, head, quoted)
    if name:
        return name
    if head.pos_ == "PROPN":
        # a surname whose full name spaCy tagged as something other than a person
        full = {
            e.text for e in doc.ents if len(e) >= 2 and e[-1].text == head.text and all(t.pos_ == "PROPN" for t in e)
        }
        if not full:
            full = {
                f"{t.nbor(-1).text} {t.text}"
                for t in doc
                if t.text == head.text and t.i > 0 and t.nbor(-1).pos_ == "PROPN" and t.nbor(-1).dep_ == "compound"
            }
        if len(full) == 1:
            return next(iter(full))
    phrase = speaker_phrase(doc, head)
    text = phrase.text.strip()
    if head.ent_type_ == "ORG":
        text = ents.full_name(text)
    return text or None


def _quotes(article: Article, doc: Doc, ents: ArticleEntities, found: list[FoundQuote]) -> list[ArticleQuote]:
    quoted = [q.outer for q in found]
    out: list[ArticleQuote] = []
    for q in found:
        head = doc[q.speaker_head] if q.speaker_head is not None else None
        cue = q.cue
        if q.partial and q.cue is None:
            # a partial quote is kept only when its sentence attributes it: 'Ruiz called the fire “a disaster”'
            # (find_quotes then gives the speech verb as its cue and its subject, resolved, as its speaker)
            continue
        text = (
            "\n\n".join(article.text[a:b] for a, b in q.pieces) if len(q.pieces) > 1 else article.text[q.start : q.end]
        )
        text = text.strip().rstrip(",").strip()
        if not text:
            continue
        out.append(
            ArticleQuote(
                id=f"{article.id}:q{len(out)}",
                article=article.id,
                sentence=_sentence_ref(q.sentences or [0]),
                text=text,
                start=q.start,
                end=q.end,
                speaker=_speaker_name(ents, doc, head, quoted),
                cue=cue,
                partial=q.partial,
            )
        )
    return out


def _subject(root: Token) -> str | None:
    for c in root.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj"):
            toks = [t for t in c.subtree if t.dep_ not in ("relcl", "appos", "punct") or t is c]
            toks = toks[:8]
            return " ".join(t.text for t in toks) if toks else c.text
    return None


def _action(root: Token) -> str:
    parts = [root.lemma_.lower()]
    for c in root.children:
        if c.dep_ == "prt":
            parts.append(c.lower_)
    if root.lemma_ == "be":
        for c in root.children:
            if c.dep_ in ("attr", "acomp"):
                parts.append(c.lemma_.lower())
                break
    else:
        for c in root.children:
            if c.dep_ in ("dobj", "attr", "oprd"):
                parts.append(c.lemma_.lower())
                break
    return " ".join(parts)


def _negated(root: Token, sent: SpacySpan) -> bool:
    if any(c.dep_ == "neg" for c in root.children):
        return True
    if root.lemma_.lower() in _NEG_VERBS:
        return True
    low = sent.text.lower()
    return " no longer " in f" {low} " or " never " in f" {low} "


def _modality(root: Token, sent: SpacySpan) -> str:
    auxes = {c.lower_ for c in root.children if c.dep_ in ("aux", "auxpass")}
    if auxes & _POSSIBLE or any(t.lower_ in ("possibly", "perhaps", "likely", "reportedly", "allegedly") for t in sent):
        return "possible"
    if auxes & _PLANNED_AUX or "would" in auxes:
        return "planned"
    if root.lemma_.lower() in _PLANNED_VERBS and any(c.dep_ == "xcomp" for c in root.children):
        return "planned"
    if root.lemma_.lower() == "be" and any(c.lower_ in ("set", "due", "expected", "scheduled") for c in root.children):
        return "planned"
    if root.tag_ == "VBN" and root.lemma_.lower() in _PLANNED_VERBS and any(c.dep_ == "xcomp" for c in root.children):
        return "planned"
    if any(t.lower_ in ("going",) and t.nbor(1).lower_ == "to" for t in sent if t.i + 1 < len(t.doc)):
        return "planned"
    return "asserted"


def facts_for_doc(article: Article, doc: Doc) -> ArticleFacts:
    text = article.text
    sentences = article.sentences
    ents = article_entities(doc, sentences)
    found = find_quotes(doc, text, sentences, article.paragraphs or None, ents)
    quotes = _quotes(article, doc, ents, found)
    quoted = [q.outer for q in found]
    anchor, anchor_kind = anchor_date(article.published, article.dateline, text)
    verbs = frozenset(t.idx for t in doc if t.pos_ in ("VERB", "AUX"))
    direct_by_sentence: dict[int, FoundQuote] = {}
    for q in found:
        if not q.partial:
            for s in q.sentences:
                direct_by_sentence.setdefault(s, q)
    claims: list[ArticleClaim] = []
    order: list[EventOrder] = []
    sents = list(doc.sents)
    for i, (s, e) in enumerate(sentences):
        stext = text[s:e].strip()
        if not stext or _BOILERPLATE.search(stext) or len(stext.split()) < 4:
            continue
        if stext.rstrip("”\"’' ").endswith("?"):
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        for sent in sents:
            if sent.start <= span.start < sent.end:
                root = sent.root
                break
        numbers = find_numbers(text, s, e, verbs)
        dates = find_dates(text, s, e, anchor, anchor_kind)
        sent_ents = [x for x in ents.entities if x.sentence == i and not _in(x.start, quoted)]
        attributed_to: str | None = None
        kind = "fact"
        content_root = root
        dq = direct_by_sentence.get(i)
        if dq is not None:
            # a quote sentence: the claim is what the speaker said
            head = doc[dq.speaker_head] if dq.speaker_head is not None else None
            attributed_to = _speaker_name(ents, doc, head, quoted)
            kind = "attributed"
        elif root.lemma_.lower() in SPEECH_VERBS or root.lemma_.lower() in ("accord",):
            comp = next((c for c in root.children if c.dep_ in ("ccomp", "xcomp")), None)
            subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if comp is not None and subj is not None:
                attributed_to = _speaker_name(ents, doc, subj, quoted)
                content_root = comp
                kind = "attributed"
        else:
            acc = re.search(r"\baccording to ([^,.;]+)", stext, re.I)
            if acc:
                attributed_to = acc.group(1).strip()
                kind = "attributed"
        negated = _negated(content_root, span) or (content_root is not root and root.lemma_.lower() in _NEG_VERBS)
        modality = _modality(content_root, span)
        if kind == "attributed" and modality == "asserted":
            modality = "reported"
        check_worthy = (
            i == 0
            or numbers
            or dates
            or kind == "attributed"
            or modality == "planned"
            or (sent_ents and root.pos_ in ("VERB", "AUX"))
            # an event stated without a name or a figure ("Dockworkers were evacuated within minutes") is still a
            # checkable statement: if it is not a claim, a faithful paraphrase of it elsewhere looks like an addition
            # (but not an imperative "Read that again: ..." nor an evaluation "Drills are boring": opinion)
            or (
                root.pos_ in ("VERB", "AUX")
                and any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN") for c in root.children)
                and sum(1 for t in span if t.is_alpha) >= 6
                and span[0].tag_ != "VB"
                and not (root.lemma_ == "be" and any(c.dep_ == "acomp" for c in root.children))
            )
        )
        if not check_worthy:
            continue
        if kind == "fact":
            if i == 0:
                kind = "lead"
            elif modality == "planned" and dates:
                kind = "scheduled"
            elif numbers:
                kind = "number"
        where = next((x.text for x in sent_ents if x.label in _PLACE_LABELS), None)
        claim = ArticleClaim(
            id=f"{article.id}:c{len(claims)}",
            article=article.id,
            sentence=i,
            text=stext,
            subject=_subject(content_root) if dq is None else attributed_to,
            action=_action(content_root) if dq is None else root.lemma_.lower(),
            when=dates[0].text if dates else None,
            where=where,
            numbers=numbers,
            dates=dates,
            entities=sorted({x.key or x.text for x in sent_ents if x.key or x.label != "PERSON"}),
            negated=negated,
            modality=modality,  # type: ignore[arg-type]
            attributed_to=attributed_to,
            kind=kind,
        )
        cue = _order_cue(stext, span)
        if cue and claims:
            prev = claims[-1]
            if cue in ("before", "earlier"):
                order.append(EventOrder(article.id, claim.id, prev.id, cue, i))
            else:
                order.append(EventOrder(article.id, prev.id, claim.id, cue, i))
        claims.append(claim)
    return ArticleFacts(
        article=article.id,
        entities=ents.entities,
        claims=claims,
        quotes=quotes,
        order=order,
        sources_cited=sources_cited(article, doc, ents, found),
    )


def _in(char: int, spans: Sequence[Span]) -> bool:
    return any(a <= char < b for a, b in spans)


def _order_cue(stext: str, span: SpacySpan) -> str | None:
    """An order cue that ties this sentence to the one before: 'Then ...', 'Later, ...', 'Before that, ...'."""
    low = stext.lower()
    for words, cue in _ORDER_START.items():
        if re.match(rf"{words}\b", low):
            return cue
    if re.search(r"\b(followed by|prior to that|after that|before that)\b", low):
        return "after" if "after" in low or "followed" in low else "before"
    _ = _ORDER_MARKS
    return None
