"""Read, merge, parse and embed on Ray Data: inputs become parsed rows (article, facts, vectors) plus each English
article's grouping parts (:class:`storytrace.stories.features.FeatureParts` and its MinHash signature).

The functions are those of the in-process pipeline: ``read_inputs`` per input, ``merge_reading`` for the same text
read twice (first origin wins), ``extract_facts``, ``attach_sources_cited`` and ``embed_articles`` per batch, each
article isolated when a batch fails (``each_isolated``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from storytrace.batch.rows import Batch, bucket, dumps, in_worker, ints, loads, objects
from storytrace.batch.settings import RaySettings
from storytrace.claims import extract_facts
from storytrace.claims.sources import attach_sources_cited
from storytrace.embed import embed, embed_articles
from storytrace.ingest import merge_reading, read_inputs
from storytrace.ingest.sources import expand
from storytrace.options import Options
from storytrace.pipeline import EMBEDDER_FAILED, PARSER_FAILED, each_isolated
from storytrace.records import Article, Skipped
from storytrace.stories import neardup_params
from storytrace.stories.features import feature_parts
from storytrace.stories.languages import read_as_english
from storytrace.stories.neardup import shingle_hashes, signatures_from_shingles

# where a left-out article sorts among the skipped lines: as the in-process run reports them (read, then the
# parser's, then the embedder's, then the cross-check's)
READ, PARSE, EMBED, CROSSCHECK = 0, 1, 2, 3

# blocks handed to the parse actors at most: beyond a few thousand, task overhead outweighs an even spread
MAX_PARSE_BLOCKS = 4096


ARTICLE_COLUMNS = ("order", "sub", "id", "bucket", "blob")
SKIPPED_COLUMNS = ("stage", "order", "sub", "blob")
PARSED_COLUMNS = ("order", "sub", "id", "english", "language", "blob", "part")
_INTS = {"order", "sub", "bucket", "stage"}


def columns(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> Batch:
    """Rows (dicts) as a numpy batch with the columns ``names``."""
    out: Batch = {}
    for c in names:
        values = [r[c] for r in rows]
        out[c] = ints(values) if c in _INTS else np.array(values, dtype=bool) if c == "english" else objects(values)
    return out


def split_read(articles: Sequence[Article], skipped: Sequence[Skipped], n: int, buckets: int) -> tuple[list, list]:
    """The article rows and skipped rows of input ``n``: each tagged with its place in the input order."""
    arts = [
        {"order": n, "sub": k, "id": a.id, "bucket": bucket(a.id, buckets), "blob": dumps(a)}
        for k, a in enumerate(articles)
    ]
    skips = [{"stage": READ, "order": n, "sub": k, "blob": dumps(s)} for k, s in enumerate(skipped)]
    return arts, skips


def read_task(batch: Batch, options: Options, buckets: int) -> Batch:
    """Read each input of the batch: article rows and skipped rows (told apart by ``kind``). A bad input is a
    skipped row, never a failed task."""
    in_worker()
    rows: list[dict[str, Any]] = []
    for n, origin in zip(batch["order"], batch["origin"], strict=True):
        articles, skipped = read_inputs([str(origin)], options.ingest)
        arts, skips = split_read(articles, skipped, int(n), buckets)
        rows += [{**r, "kind": "article", "stage": READ} for r in arts]
        rows += [{**r, "kind": "skipped", "id": "", "bucket": 0} for r in skips]
    return columns(rows, ("kind", *ARTICLE_COLUMNS, "stage"))


def keep_kind(batch: Batch, kind: str, names: Sequence[str]) -> Batch:
    keep = batch["kind"] == kind
    return {k: batch[k][keep] for k in names}


def merge_task(batch: Batch) -> Batch:
    """One shuffle bucket of articles: the same text read twice (or more) is one article, its origins in input order
    and the first reading's fields first, as ``read_inputs`` merges them."""
    in_worker()
    ranked = sorted(range(len(batch["id"])), key=lambda r: (int(batch["order"][r]), int(batch["sub"][r])))
    first: dict[str, int] = {}
    merged: dict[str, Article] = {}
    for r in ranked:
        aid = str(batch["id"][r])
        article = loads(batch["blob"][r])
        if aid in merged:
            merge_reading(merged[aid], article)
        else:
            first[aid], merged[aid] = r, article
    rows = [
        {"order": batch["order"][r], "sub": batch["sub"][r], "id": aid, "bucket": batch["bucket"][r], "blob": dumps(a)}
        for (aid, a), r in zip(merged.items(), first.values(), strict=True)
    ]
    return columns(rows, ARTICLE_COLUMNS)


class ParseStage:
    """Parse and embed a batch of articles (a Ray Data actor: spaCy and the ONNX embedder load once per worker).

    Each parsed article becomes a row with its record ``(article, facts, vectors)`` and, when it is read as English,
    its grouping parts ``(FeatureParts, MinHash signature)``; an article the parser or the embedder fails on becomes a
    skipped row."""

    def __init__(self, options: Options) -> None:
        in_worker()
        self.options = options
        warm = "The council met on Monday."
        extract_facts([Article("warm-up", "warm-up", ["warm-up"], warm, sentences=[(0, len(warm))])], options.claims)
        embed([warm])

    def __call__(self, batch: Batch) -> Batch:
        options = self.options
        ranked = sorted(range(len(batch["id"])), key=lambda r: (int(batch["order"][r]), int(batch["sub"][r])))
        articles: list[Article] = [loads(batch["blob"][r]) for r in ranked]
        position = {a.id: (int(batch["order"][r]), int(batch["sub"][r])) for a, r in zip(articles, ranked, strict=True)}
        parse_failed: list[Skipped] = []
        embed_failed: list[Skipped] = []
        claims = options.claims
        facts = each_isolated(
            articles, lambda arts: {f.article: f for f in extract_facts(arts, claims)}, PARSER_FAILED, parse_failed
        )
        kept = [a for a in articles if a.id in facts]
        attach_sources_cited(kept, facts)  # the dossier's articles[] carry what the claims stage found
        vectors = each_isolated(kept, embed_articles, EMBEDDER_FAILED, embed_failed)
        parsed = [a for a in kept if a.id in vectors]
        english = [a for a in parsed if read_as_english(a.language)]
        parts = dict(zip([a.id for a in english], self._parts(english, facts, vectors), strict=True))
        rows: list[dict[str, Any]] = []
        for a in parsed:
            order, sub = position[a.id]
            rows.append({
                "kind": "parsed", "stage": 0, "order": order, "sub": sub, "id": a.id, "english": a.id in parts,
                "language": a.language or "", "blob": dumps((a, facts[a.id], vectors[a.id])),
                "part": dumps(parts[a.id]) if a.id in parts else b"",
            })  # fmt: skip
        by_origin = {a.origin: a for a in articles}
        for stage, left in ((PARSE, parse_failed), (EMBED, embed_failed)):
            for s in left:
                order, sub = position[by_origin[s.origin].id]
                rows.append({
                    "kind": "skipped", "stage": stage, "order": order, "sub": sub, "id": "", "english": False,
                    "language": "", "blob": dumps(s), "part": b"",
                })  # fmt: skip
        return columns(rows, ("kind", "stage", *PARSED_COLUMNS))

    def _parts(self, english: list[Article], facts: Any, vectors: Any) -> list[tuple[Any, np.ndarray]]:
        if not english:
            return []
        so = self.options.stories
        p = neardup_params(so)
        texts = [(a.title or "") + "\n" + a.text for a in english]
        hashes, doc = shingle_hashes(texts, p.shingle_size, p.seed)
        sig = signatures_from_shingles(hashes, doc, len(texts), p.num_perm, p.seed)
        parts = feature_parts(english, facts, vectors, so.lead_sentences)
        return [(part, sig[k]) for k, part in enumerate(parts)]


def read(ray: Any, paths: Sequence[str], options: Options, settings: RaySettings, progress: Any) -> tuple[Any, Any]:
    """``(articles, skipped)``: the merged articles (a materialized dataset of :data:`ARTICLE_COLUMNS`) and the
    inputs that could not be read (:data:`SKIPPED_COLUMNS`); ``(None, None)`` when there is nothing at all."""
    sources, skipped = expand(paths)
    progress("read", 0, len(sources))
    buckets = settings.partitions(len(sources))
    reads = []
    items = [{"order": n, "origin": s.origin} for n, s in enumerate(sources) if s.kind != "stdin"]
    if items:
        reads.append(
            ray.data.from_items(items).map_batches(
                read_task, batch_size=settings.read_batch, batch_format="numpy",
                fn_kwargs={"options": options, "buckets": buckets},
            )
        )  # fmt: skip
    extra: list[dict[str, Any]] = []
    for n, s in enumerate(sources):
        if s.kind == "stdin":  # only the driver can read its own standard input
            arts, skips = split_read(*read_inputs([s.origin], options.ingest), n, buckets)
            extra += [{**r, "kind": "article", "stage": READ} for r in arts]
            extra += [{**r, "kind": "skipped", "id": "", "bucket": 0} for r in skips]
    # paths that name nothing come first, as in read_inputs
    extra += [
        {"kind": "skipped", "stage": READ, "order": -1, "sub": k, "id": "", "bucket": 0, "blob": dumps(s)}
        for k, s in enumerate(skipped)
    ]
    if extra:
        reads.append(ray.data.from_items(extra))
    if not reads:
        return None, None
    done = (reads[0].union(*reads[1:]) if len(reads) > 1 else reads[0]).materialize()
    read_skipped = done.map_batches(
        keep_kind, batch_format="numpy", fn_kwargs={"kind": "skipped", "names": SKIPPED_COLUMNS}
    )
    articles = (
        done.map_batches(keep_kind, batch_format="numpy", fn_kwargs={"kind": "article", "names": ARTICLE_COLUMNS})
        .groupby("bucket", num_partitions=buckets)
        .map_groups(merge_task, batch_format="numpy")
        .materialize()
    )
    progress("read", len(sources), len(sources))
    return articles, read_skipped


def parse(ray: Any, articles: Any, options: Options, settings: RaySettings, progress: Any) -> tuple[Any, Any]:
    """``(parsed, skipped)``: the parsed rows (:data:`PARSED_COLUMNS`, materialized) and the articles the parser or
    the embedder failed on (:data:`SKIPPED_COLUMNS`); ``(None, None)`` without articles. Reports ``parse`` progress
    as batches finish."""
    total = articles.count()
    progress("parse", 0, total)
    if not total:
        return None, None
    actors = settings.actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
    # an actor takes a block at a time: a pile merged into a few big blocks kept one actor busy and the others idle
    # (500 articles in one block ran on one of two cores), so blocks of one parse batch each, and the whole pool
    # started at once rather than grown from one actor as the queue fills
    blocks = max(1, min(MAX_PARSE_BLOCKS, -(-total // max(1, settings.parse_batch))))
    # materialized first: a pool holding every CPU would leave none for a lazy repartition upstream of it
    out = articles.repartition(blocks).materialize().map_batches(
        ParseStage, fn_constructor_kwargs={"options": options}, batch_size=settings.parse_batch,
        batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=min(actors, blocks)),  # no idle actor
    )  # fmt: skip
    blocks, done = [], 0
    for bundle in out.iter_internal_ref_bundles():  # the blocks stay in the object store; only refs come here
        blocks.extend(bundle.block_refs)
        done += bundle.num_rows() or 0
        progress("parse", min(done, total), total)
    rows = ray.data.from_arrow_refs(blocks)
    parsed = rows.map_batches(
        keep_kind, batch_format="numpy", fn_kwargs={"kind": "parsed", "names": PARSED_COLUMNS}
    ).materialize()
    skipped = rows.map_batches(keep_kind, batch_format="numpy", fn_kwargs={"kind": "skipped", "names": SKIPPED_COLUMNS})
    progress("parse", total, total)
    return parsed, skipped
