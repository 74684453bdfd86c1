"""One options object per run, built once (from CLI flags or code) and handed to every stage.

Each stage has its own small frozen options class; ``Options`` bundles them. ``Options.settings()`` is what the
dossier records under ``settings`` so that a reader knows how it was made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IngestOptions:
    max_bytes: int = 20 * 1024 * 1024
    # JSON/JSONL field mapping for non-standard names: {"text": "article_body", "outlet": "publisher", ...}
    field_map: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 20.0  # for http(s) inputs


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


@dataclass(frozen=True)
class ClaimOptions:
    batch_size: int = 32
    n_process: int = 1


@dataclass(frozen=True)
class CrosscheckOptions:
    pass


@dataclass(frozen=True)
class Options:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    stories: StoryOptions = field(default_factory=StoryOptions)
    reuse: ReuseOptions = field(default_factory=ReuseOptions)
    claims: ClaimOptions = field(default_factory=ClaimOptions)
    crosscheck: CrosscheckOptions = field(default_factory=CrosscheckOptions)
    progress: bool = False

    def settings(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out.pop("progress", None)
        return out
