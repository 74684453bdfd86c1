"""One options object per run, built once (from CLI flags or code) and handed to every stage.

Each stage has its own small frozen options class; ``Options`` bundles them. ``Options.settings()`` is what the
dossier records under ``settings`` so that a reader knows how it was made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from storytrace.errors import UsageError

# The article fields a JSON/JSONL record is read into (``--field NAME=FIELD`` names one of them).
ARTICLE_FIELDS = ("text", "title", "url", "published", "outlet", "byline")


@dataclass(frozen=True)
class IngestOptions:
    max_bytes: int = 20 * 1024 * 1024
    # JSON/JSONL field mapping for non-standard names: {"text": "article_body", "outlet": "publisher", ...}
    field_map: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 20.0  # for http(s) inputs

    def __post_init__(self) -> None:
        # a bad mapping is the user's mistake, said before anything is read (UsageError: exit 2 in the CLI)
        check_field_map(self.field_map)
        if self.max_bytes <= 0:
            raise UsageError(f"--max-bytes must be a positive number of bytes, got {self.max_bytes}")


def check_field_map(field_map: dict[str, str]) -> None:
    """``UsageError`` naming the first unknown article field, or an empty JSON field name."""
    unknown = sorted(set(field_map) - set(ARTICLE_FIELDS))
    if unknown:
        raise UsageError(f"--field: unknown article field {unknown[0]!r} (known: {', '.join(ARTICLE_FIELDS)})")
    for name, src in field_map.items():
        if not src:
            raise UsageError(f"--field {name}=: the JSON field name is empty")


def _name_key(name: str | None) -> str:
    """An outlet's identity in a declaration: whitespace collapsed, case folded (as the outlets page counts them)."""
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class Declarations:
    """What an editor knows and the texts cannot show (``storytrace review``; a store keeps them and passes them in
    on every analysis): outlets that are wire services, outlets owned by one company, files that are press releases.
    Read by the reuse stage (direction, common sources) and by source grouping (independence). Empty by default: the
    tool never assumes any of these."""

    wires: tuple[str, ...] = ()  # outlet names: a wire service's copy, as a named wire's is
    owners: tuple[tuple[str, ...], ...] = ()  # each: the outlet names of one company (one source group)
    press_releases: tuple[str, ...] = ()  # article ids: a common source, never an independent report

    def wire(self, outlet: str | None) -> str | None:
        """The declared wire ``outlet`` names (as the editor spelled it), or None."""
        key = _name_key(outlet)
        return next((w for w in self.wires if key and _name_key(w) == key), None)

    def company(self, outlet: str | None) -> int | None:
        """Which declared company ``outlet`` belongs to (declarations that share an outlet are one company), or
        None: an outlet nobody declared anything about is its own."""
        key = _name_key(outlet)
        return self._companies().get(key) if key else None

    def same_company(self, a: str | None, b: str | None) -> bool:
        ca = self.company(a)
        return ca is not None and ca == self.company(b)

    def is_press_release(self, article_id: str) -> bool:
        return article_id in self.press_releases

    def _companies(self) -> dict[str, int]:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for names in self.owners:
            keys = [k for k in (_name_key(n) for n in names) if k]
            for k in keys[1:]:
                a, b = find(keys[0]), find(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        roots = sorted({find(k) for k in parent})
        return {k: roots.index(find(k)) for k in parent}


@dataclass(frozen=True)
class StoryEdit:
    """An editor's correction of the grouping, applied after it in the order given: ``merge`` keeps ``articles`` in
    one story; ``split`` takes ``articles`` out of the story they share with any of ``apart_from`` (into one story of
    their own). Article ids are hashes of the texts, so an edit holds however often the pile is regrouped."""

    kind: Literal["merge", "split"]
    articles: tuple[str, ...]
    apart_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryOptions:
    seed: int = 1
    num_perm: int = 128
    shingle_size: int = 3
    neardup_threshold: float = 0.5  # MinHash Jaccard of word shingles for a near-duplicate candidate
    threshold: float = 0.75  # average pair score at which two groups of articles are one story (tuned, ECB+ 1-35)
    link_floor: float = 0.1  # pair score below which a candidate pair does not connect articles at all
    merge_small: float = 0.2  # a story of 1-2 articles joins its best story in reach at this average score
    neighbours: int = 10  # nearest neighbours per article (content words, lead embedding) as candidates
    max_posting: int = 100  # a name shared by more articles than this is too common to propose pairs
    lead_sentences: int = 3  # sentences of the lead whose mean embedding describes the article
    # what a story's ties show (Story.ties; shown, never scored): sentence pairs at least this close in meaning, the
    # cut ReuseOptions.narrative_paraphrase uses for "says the same thing", and at most this many terms and passages
    tie_passage_similarity: float = 0.75
    tie_terms: int = 8
    tie_passages: int = 3
    # merges and splits an editor made (storytrace review), applied after the grouping; none by default
    edits: tuple[StoryEdit, ...] = ()
    # a store attaches a new article only to stories with an article within this many days of it (published, else
    # stored), and the grouping seeks nearest neighbours (by words, by lead) only among articles published within
    # this many days of each other (undated ones are near every article; near-duplicates and shared rare names are
    # not windowed): news stories run days to a few weeks, without a window an old story is reopened by every later
    # article that names the same country or minister, and the search would grow with the pile squared. 28: four
    # weeks, the span of a long-running story (a trial, a campaign) in the newsroom's sense; no shared corpus dates
    # its stories apart finely enough to tune it
    horizon_days: int = 28


@dataclass(frozen=True)
class ReuseOptions:
    prefilter: float = 0.2  # content-word containment (either way) below which a pair is not aligned at all
    min_match: int = 3  # shortest shared word run counted as verbatim
    paraphrase_score: float = 0.62  # combined cosine/lexical score for a paraphrase link
    copy_verbatim: float = 0.8  # share of the derived article inside verbatim runs for a copy
    rewrite_explained: float = 0.6  # share of the derived article explained for a rewrite
    partial_explained: float = 0.2  # share of the derived article explained for a partial take
    # copying is shown by the writer's own words: narrative passages (outside quotes and attributed statements) that
    # match in source order; below 3, independent reports of one event (ECB+, AllSides dev piles) were linked
    min_narrative_links: int = 3
    frame_run: int = 6  # words outside the quote an attributed sentence must share verbatim to count as narrative
    # a paraphrase link is narrative evidence only this close: independent reports of one fact align near 0.62-0.70
    # (METER non-derived papers, ECB+ dev); rewrites (OneStopEnglish, METER rewrites) mostly sit above 0.75
    narrative_paraphrase: float = 0.75
    # an undecided link is dropped when a third article of the story carries this share of what the two share (on
    # each side): their common source is in the pile (METER court reports sharing counsel's words with PA, dev)
    common_source_share: float = 0.6
    # wires, owners and press releases an editor declared (storytrace review); none by default
    declarations: Declarations = field(default_factory=Declarations)


@dataclass(frozen=True)
class ClaimOptions:
    batch_size: int = 32
    # forked processes that parse a batch, each its share (claims.extract; never from a thread other than the main
    # one): spaCy's parser and NER ran 11.5 articles/s on one core, 28/s over two (../shared/docs/MODELS.md). Only
    # with at least articles_per_process articles for each: on the shared machine two processes were no faster for
    # 8 or 16 articles and faster from 32 (bench/work crossover runs, docs/speed.md)
    n_process: int = 2
    articles_per_process: int = 16


@dataclass(frozen=True)
class CrosscheckOptions:
    # Off topic, a paragraph (never the lead): its MiniLM vector below this cosine to the story and to every other
    # paragraph of its article, no named entity shared with the story, and at most this share of its content stems
    # used elsewhere in the story (the values the example corpus's padding was found with; one-sentence paragraphs
    # must be further still: short sentences have noisy vectors)
    offtopic_paragraph_max_sim: float = 0.30
    offtopic_lone_sentence_max_sim: float = 0.22
    offtopic_paragraph_stem_share: float = 0.45
    # Off topic, one sentence of an on-topic paragraph, that may name one of the story's people on its way elsewhere
    # ("Smith, who also chairs the golf club, spoke about the club's new greens"): in a story of two articles or more,
    # at least this many words, no quote, no first person and no sourcing line ("spoke on condition of anonymity"),
    # and far by one of two measures. Far in meaning: below offtopic_sentence_max_sim to the other articles' centroid
    # and to its own article's, below offtopic_sentence_match_sim to every sentence of the other articles and to both
    # its neighbours, with at most offtopic_sentence_stem_share of its content stems (the story's names left out)
    # used elsewhere in the story. Or in other words altogether: the looser offtopic_foreign_* cosines, with at most
    # offtopic_foreign_stem_share of its stems in the story (a name of the story pulls a sentence's vector towards
    # the story; its words do not follow). Tuned on the bench-trust dev piles (ECB+ topics 1-12, NeuS even ids):
    # 1 of 4,606 real sentences flagged; of sentences spliced in from other stories, 103 of 187 caught, and 44 of 116
    # spliced behind a name of the host story (bench/offtopic.py, docs/crosscheck.md)
    offtopic_sentence_min_words: int = 12
    offtopic_sentence_max_sim: float = 0.20
    offtopic_sentence_match_sim: float = 0.30
    offtopic_sentence_stem_share: float = 0.25
    offtopic_foreign_max_sim: float = 0.25
    offtopic_foreign_match_sim: float = 0.40
    offtopic_foreign_stem_share: float = 0.10
    # A characterisation (a quoted word or short phrase, claims.characterise) is compared only with the same speaker
    # describing the same thing: both quotes' sentences this close in meaning (MiniLM: one sentence with another word
    # in the marks 0.82, a rewording of it 0.67, the same speaker on another thing 0.47; tests/test_crosscheck.py)
    # and sharing this share of the content stems outside the quote marks (the thing described: "the talks"), the
    # speaker's name, role and cue left out
    characterisation_sentence_sim: float = 0.6
    characterisation_frame_share: float = 0.5


@dataclass(frozen=True)
class VerdictOptions:
    # published this many calendar days or more after the story's main event: a follow-up, not the report of it. No
    # shared corpus dates its articles apart (METER, NeuS give one day per story), so this is the newsroom's rule:
    # the next morning's paper still reports the event the wire filed the day before; two days on, at least one
    # more news cycle has passed
    follow_up_days: int = 2
    # the summary says how much of the text carries nothing checkable from this share up: just above the 95th
    # percentile of full-text news on the dev piles (ECB+ 0.31, METER papers 0.32, PA copy 0.21; NeuS's truncated
    # leads reach 0.47), so it is said of about one article in 25 (bench/verdict_calibration.py, docs/verdicts.md)
    padding_notable: float = 0.35
    # the graded padding of one sentence (verdicts.padding.sentence_padding): a checkable sentence scores at most
    # this, any other at least 1 minus it, so the article's padding stays within this of the yes/no share
    # padding_notable and commentary_padding were set on. The grades' order (so bench-provenance's padding_auc) is
    # the same for any value below 0.5; on the dev piles (768 articles) 0.1 moves no commentary verdict and 3
    # padding mentions of 30 (0.25 moved 11, 0.35 14), so the smallest value that still grades: 0.1
    padding_checkable_max: float = 0.1
    # commentary (an original that is mostly opinion) needs all three shares of its text: padding, opinion
    # sentences (should/must/I think, lead-ins) and sentences where the writer says "I". Opinion alone fires on news
    # ("who should get the boosters"), first person alone on reviews; together, on the dev piles (768 articles),
    # they pick 5, every one a blog or a column on reading, and 2 of 664 on test, both columns (docs/verdicts.md)
    commentary_padding: float = 0.4
    commentary_opinion: float = 0.3
    commentary_first_person: float = 0.1
    # the source side of an undecided link whose common source is a named wire (the link's score is of the other
    # side): this share of its text in the shared passages makes it a copy or rewrite of the wire too, else it took
    # part of it, and this share of those passages verbatim makes it a copy (the reuse stage's rewrite_explained and
    # copy_verbatim, so both sides of a link are judged alike)
    common_source_whole: float = 0.6
    common_source_verbatim: float = 0.8


@dataclass(frozen=True)
class Options:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)
    reuse: ReuseOptions = field(default_factory=ReuseOptions)
    claims: ClaimOptions = field(default_factory=ClaimOptions)
    crosscheck: CrosscheckOptions = field(default_factory=CrosscheckOptions)
    verdicts: VerdictOptions = field(default_factory=VerdictOptions)
    progress: bool = False
    # forked processes the per-story work (reuse, cross-check, verdicts) is split over in pipeline.analyze_articles,
    # never from a thread other than the main one: the stories are independent, and two cores analyse them in about
    # half the time (docs/speed.md); the stories are the same either way
    processes: int = 2

    def settings(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out.pop("progress", None)
        return out
