"""Story grouping on Ray Data: the stories stage's own functions, spread over tasks; the same stories as
``storytrace.stories.group_stories`` on the same articles.

1. **Parts** (computed in the parse actors, :mod:`storytrace.batch.ingest`): per English article its content-word
   counts, name, place and date keys, lead vector and MinHash signature — nothing that needs the rest of the pile.
2. **Feature table**: one task puts the parts together with the pile-wide weights (idf) in
   ``features_from_parts`` and leaves the table in the object store, where every later task reads it zero-copy. The
   driver holds article ids, never texts or vectors.
3. **Candidates**, as rows of pair codes: LSH band keys grouped by key (``band_keys`` / ``bucket_pairs``, verified
   by the MinHash estimate), name postings grouped by name (``posting_pairs``), and the nearest neighbours by
   content words and by lead, one block of rows per task (``topk_sparse_rows`` / ``topk_dense_rows``).
4. **Scores**: candidate pairs grouped by code (duplicates from several sources meet there) and scored in batches
   with ``pair_features``, summed the way the whole candidate set is (``summation_rule``); only pairs at or over
   ``link_floor`` are kept, as edges.
5. **Components** of those edges in one task (``components``: the driver never holds the edges), then
   average-linkage clustering per component in tasks (``cluster_components``). Components never interact, so this
   is the in-process partition exactly.
6. Editors' merges and splits (``apply_edits``) and the story order on the driver; headlines and ties are made per
   story, in the story tasks (:mod:`storytrace.batch.stories`), from the story's own rows.

Articles in another language than English are grouped per language with ``stories_apart``, one task a language.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from storytrace.batch.rows import Batch, bucket, dumps, in_worker, ints, loads, objects
from storytrace.batch.settings import RaySettings
from storytrace.options import Options
from storytrace.records import StoryGroup
from storytrace.stories import LEAD_NEIGHBOUR_SIM, WORD_NEIGHBOUR_SIM, WORD_SKETCH, neardup_params
from storytrace.stories.candidates import DayWindow, day_window, posting_pairs, topk_dense_rows, topk_sparse_rows
from storytrace.stories.cluster import (
    DEFAULT_MODEL,
    cluster_components,
    components,
    pair_features,
    summation_rule,
)
from storytrace.stories.edits import apply_edits
from storytrace.stories.features import StoryFeatures, features_from_parts, prune_rows, select_rows
from storytrace.stories.languages import stories_apart
from storytrace.stories.neardup import band_keys, bucket_pairs, estimated_jaccard

SPARSE_BLOCK = 1024  # rows per nearest-neighbour task: the in-process stage's own blocks
DENSE_BLOCK = 2048


@dataclass
class FeatureTable:
    """The pile's grouping features, row ``r`` the article ``ids[r]`` (ids sorted, as ``group_stories`` orders
    them). ``features`` keeps numbers only: the tasks that need titles or keys read them from their own records."""

    features: StoryFeatures
    ids: np.ndarray
    signatures: np.ndarray  # (n, num_perm) uint32
    sketch: sparse.csr_matrix  # each row's heaviest content words: the nearest-neighbour candidates' input
    sketch_t: sparse.csc_matrix
    lead_t: np.ndarray  # the lead matrix transposed, contiguous
    window: DayWindow | None  # the nearest-neighbour blocks' publication order and horizon (None: no dates)

    def view(self, rows: np.ndarray) -> StoryFeatures:
        return select_rows(self.features, rows, ids=[str(x) for x in self.ids[rows]])


def resolved(holder: list[Any]) -> Any:
    """``holder[0]``, fetched from the object store when it is an object ref. Tasks get refs wrapped in a list, so
    that Ray does not resolve them for every call; a caller in one process may hand the value itself."""
    value = holder[0]
    if type(value).__module__.startswith("ray"):
        import ray

        return ray.get(value)
    return value


_TABLE: dict[str, FeatureTable] = {}


def table_of(holder: list[Any]) -> FeatureTable:
    """The feature table behind ``holder`` (see :func:`resolved`), fetched once per worker process."""
    value = holder[0]
    if isinstance(value, FeatureTable):
        return value
    key = value.hex()
    if key not in _TABLE:
        _TABLE.clear()
        _TABLE[key] = resolved(holder)
    return _TABLE[key]


def feature_table(parts: Iterable[tuple[int, bytes]], ids: np.ndarray, horizon: float | None) -> FeatureTable:
    """The feature table from the parts rows ``(row, pickled (FeatureParts, signature))`` of a whole pile, read
    once (a generator lets each pickle go as soon as it is read): ``features_from_parts`` with the pile-wide
    weights."""
    n = len(ids)
    ordered: list[Any] = [None] * n
    signatures: np.ndarray | None = None
    for r, blob in parts:
        part, sig = loads(blob)
        if signatures is None:
            signatures = np.zeros((n, len(sig)), dtype=np.uint32)
        ordered[r], signatures[r] = part, sig
    assert signatures is not None and all(p is not None for p in ordered), "a row of the pile has no parts"
    f = features_from_parts(ordered)
    del ordered  # the parts' own arrays: let them go before the sketch and the transposes are made
    # the tasks never need the keys, titles or ids of the whole pile: they stay out of the shared copy
    f = dataclasses.replace(f, ids=[], titles=[], name_keys=None, date_keys=None, name_columns=None, date_columns=None)
    sketch = prune_rows(f.words, WORD_SKETCH)
    window = day_window(f.published, horizon)
    return FeatureTable(f, ids, signatures, sketch, sketch.T.tocsc(), np.ascontiguousarray(f.lead.T), window)


def build_table(blocks: list[Any], ids: np.ndarray, horizon: float | None) -> FeatureTable:
    """:func:`feature_table` from the parts dataset's blocks (a Ray task: the blocks are read here, not on the
    driver)."""
    in_worker()
    # a block at a time: the pile's pickled parts are never all held beside what is read from them
    rows = (pair for row, part in block_columns(blocks, "row", "part") for pair in zip(row, part, strict=True))
    return feature_table(rows, ids, horizon)


def block_columns(blocks: list[Any], *names: str) -> Iterator[list[np.ndarray]]:
    """The ``names`` columns of each of a dataset's Arrow blocks (refs), fetched one block at a time in a task."""
    import ray

    for ref in blocks:
        block = ray.get(ref)
        yield [block.column(name).to_numpy() for name in names]


# --------------------------------------------------------------------------------------------------------------------
# Tasks


def with_row(batch: Batch, ids: list[Any]) -> Batch:
    """The English rows of ``batch`` with their row in the pile (``ids``: the sorted ids)."""
    in_worker()
    keep = batch["english"].astype(bool)
    return {"row": ints(np.searchsorted(resolved(ids), batch["id"][keep].astype(str))), "part": batch["part"][keep]}


def codes(values: np.ndarray, buckets: int) -> Batch:
    values = ints(values)
    return {"code": values, "bucket": values % max(1, buckets)}


def band_rows(batch: Batch, bands: int, buckets: int) -> Batch:
    in_worker()
    parts = [loads(b) for b in batch["part"]]
    if not parts:
        return {"key": np.zeros(0, np.uint64), "row": ints([]), "bucket": ints([])}
    keys, members = band_keys(np.stack([sig for _, sig in parts]), bands)
    return {"key": keys, "row": ints(batch["row"][members]), "bucket": ints(keys % np.uint64(max(1, buckets)))}


def lsh_task(batch: Batch, table: list[Any], n: int, max_bucket: int, threshold: float, buckets: int) -> Batch:
    """The near-duplicate pairs of one shuffle bucket of band keys: every row of a key is here."""
    in_worker()
    pairs = bucket_pairs(batch["key"].astype(np.uint64), ints(batch["row"]), max_bucket)
    if not len(pairs):
        return codes(np.zeros(0), buckets)
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    pairs = np.stack([code // n, code % n], axis=1)
    ok = estimated_jaccard(table_of(table).signatures, pairs) >= threshold
    return codes(code[ok], buckets)


def name_rows(batch: Batch, buckets: int) -> Batch:
    in_worker()
    keys: list[str] = []
    rows: list[int] = []
    for r, blob in zip(batch["row"], batch["part"], strict=True):
        names = sorted(set(loads(blob)[0].names))
        keys += names
        rows += [int(r)] * len(names)
    return {"key": objects(keys), "row": ints(rows), "bucket": ints([bucket(k, buckets) for k in keys])}


def posting_task(batch: Batch, n: int, max_posting: int, buckets: int) -> Batch:
    """Pairs sharing a name, from the postings of one shuffle bucket of names: every row of a name is here."""
    in_worker()
    if not len(batch["key"]):
        return codes(np.zeros(0), buckets)
    _, inverse = np.unique(batch["key"].astype(str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    cuts = np.flatnonzero(np.diff(inverse[order])) + 1
    postings = np.split(ints(batch["row"])[order], cuts)
    return codes(posting_pairs(postings, n, max_posting), buckets)


def neighbour_task(batch: Batch, table: list[Any], kind: str, k: int, buckets: int) -> Batch:
    """The nearest neighbours of blocks of rows (positions in publication order when the pile has dates), within
    the table's horizon: ``topk_sparse`` / ``topk_dense``'s own blocks."""
    in_worker()
    t = table_of(table)
    out = []
    for s, e in zip(batch["start"], batch["end"], strict=True):
        if kind == "words":
            out.append(topk_sparse_rows(t.sketch, t.sketch_t, int(s), int(e), k, WORD_NEIGHBOUR_SIM, t.window))
        else:
            out.append(topk_dense_rows(t.features.lead, t.lead_t, int(s), int(e), k, LEAD_NEIGHBOUR_SIM, t.window))
    return codes(np.concatenate(out) if out else np.zeros(0), buckets)


def summation_task(blocks: list[Any], table: list[Any], n: int) -> tuple[bool, ...]:
    """How the whole candidate set sums its sparse products (it depends on the set's distinct rows): a Ray task over
    the candidates' blocks."""
    in_worker()
    return summation_of([np.asarray(code, np.int64) for (code,) in block_columns(blocks, "code")], table, n)


def summation_of(code_batches: Sequence[np.ndarray], table: list[Any], n: int) -> tuple[bool, ...]:
    seen = np.zeros(n, dtype=bool)
    for code in code_batches:
        seen[code // n] = True
        seen[code % n] = True
    return summation_rule(table_of(table).features, np.flatnonzero(seen))


def score_task(
    batch: Batch, table: list[Any], n: int, summation: tuple[bool, ...], link_floor: float, pair_batch: int
) -> Batch:
    """Score one shuffle bucket of candidate pairs (each pair once); the edges at or over ``link_floor``."""
    in_worker()
    t = table_of(table)
    code = np.unique(ints(batch["code"]))
    out_i, out_j, out_p = [ints([])], [ints([])], [np.zeros(0)]
    for s in range(0, len(code), pair_batch):
        c = code[s : s + pair_batch]
        i, j = c // n, c % n
        rows = np.unique(np.concatenate([i, j]))
        f = t.view(rows)
        p = DEFAULT_MODEL.score(
            pair_features(f, np.searchsorted(rows, i), np.searchsorted(rows, j), DEFAULT_MODEL, summation=summation)
        )
        keep = p >= link_floor
        out_i.append(i[keep])
        out_j.append(j[keep])
        out_p.append(p[keep])
    return {"i": np.concatenate(out_i), "j": np.concatenate(out_j), "p": np.concatenate(out_p)}


def components_of(
    edges: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], n: int, link_floor: float
) -> tuple[list[list[int]], list[np.ndarray], int]:
    """``components`` of the scored edges ``(i, j, p)`` batches: ``(single rows, components to cluster, edges)``."""
    parts = list(edges)
    # rows as int32 (a pile under 2^31 articles): the edges are most of what this task holds
    pairs = np.zeros((sum(len(i) for i, _, _ in parts), 2), np.int32)
    p = np.zeros(len(pairs))
    at = 0
    for i, j, pe in parts:
        pairs[at : at + len(i), 0], pairs[at : at + len(i), 1], p[at : at + len(i)] = i, j, pe
        at += len(i)
    del parts
    singles, leaves = components(n, pairs, p, link_floor)
    return singles, leaves, len(p)


def components_task(blocks: list[Any], n: int, link_floor: float) -> tuple[list[list[int]], list[np.ndarray], int]:
    """:func:`components_of` the scored blocks (a Ray task: the edges are read here, not on the driver)."""
    in_worker()
    edges = ((i, j, np.asarray(p, np.float64)) for i, j, p in block_columns(blocks, "i", "j", "p"))
    return components_of(edges, n, link_floor)


def cluster_task(batch: Batch, table: list[Any], threshold: float, merge_small: float) -> Batch:
    in_worker()
    leaves = [np.asarray(loads(b), dtype=np.int64) for b in batch["rows"]]
    rows = np.unique(np.concatenate(leaves))
    local = [np.searchsorted(rows, leaf) for leaf in leaves]
    groups = cluster_components(table_of(table).view(rows), DEFAULT_MODEL, local, threshold, merge_small)
    return {"group": objects([dumps([int(rows[x]) for x in g]) for g in groups])}


def id_columns(batch: Batch) -> Batch:
    """Only what the driver reads of the parsed rows: cut in the tasks, so that no record travels to the driver."""
    return {"id": batch["id"], "english": batch["english"]}


def other_languages(batch: Batch) -> Batch:
    keep = ~batch["english"].astype(bool)
    return {"language": batch["language"][keep], "blob": batch["blob"][keep]}


def apart_task(batch: Batch, options: Options) -> Batch:
    """The stories of one language not read as English (``stories_apart``)."""
    in_worker()
    articles = [loads(b)[0] for b in batch["blob"]]
    return {"group": objects([dumps(g) for g in stories_apart(articles, options.stories)])}


# --------------------------------------------------------------------------------------------------------------------
# Driver


@dataclass
class Grouping:
    """Where each article's story is: stories in story order (``keys``), English ones as rows of the table."""

    table: Any  # object ref of the FeatureTable (None when there is no English article)
    ids: np.ndarray  # English article ids, sorted: row r is ids[r]
    story_of_row: np.ndarray  # English row -> story key
    apart: dict[int, StoryGroup]  # story key -> story of articles not read as English
    apart_key: dict[str, int]  # their article id -> story key
    sizes: list[int]  # story key -> number of articles
    edges: int = 0  # candidate pairs at or over the link floor (the components task held them)


def _batches(ds: Any) -> Any:
    return ds.iter_batches(batch_format="numpy", batch_size=None)


def _gather(ds: Any, column: str, dtype: Any) -> np.ndarray:
    parts = [np.asarray(b[column], dtype=dtype) for b in _batches(ds)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


Step = Callable[[str], None]  # called as each step of the grouping starts (progress, and the bench's memory per step)
GROUPING_STEPS = ("parts", "table", "candidates", "scores", "components", "clusters")


def _no_step(name: str) -> None:
    return None


def group(ray: Any, parsed: Any, options: Options, settings: RaySettings, step: Step = _no_step) -> Grouping:
    """Group the parsed rows (columns ``id``, ``english``, ``part``; ``language`` and ``blob`` for articles not read
    as English) into stories; the driver ends holding ids and the partition only."""
    ids_english: list[str] = []
    other = 0
    for b in _batches(parsed.map_batches(id_columns, batch_format="numpy")):
        flags = b["english"].astype(bool)
        ids_english += [str(x) for x in b["id"][flags]]
        other += int((~flags).sum())
    ids = np.array(sorted(ids_english), dtype=str)
    n = len(ids)
    buckets = settings.partitions(n)
    groups: list[list[int]] = []
    table, edges = None, 0
    if n:
        table, groups, edges = _group_english(ray, parsed, ids, options, settings, buckets, step)
    apart_groups: list[StoryGroup] = []
    if other:
        not_english = parsed.map_batches(other_languages, batch_format="numpy")
        apart_ds = not_english.groupby("language", num_partitions=settings.partitions(other)).map_groups(
            apart_task, batch_format="numpy", fn_kwargs={"options": options}
        )
        apart_groups = [loads(b) for b in _gather(apart_ds, "group", object)]
    # story order: biggest first, then by first article id (ids are sorted, so a group's first row is its smallest)
    stories: list[tuple[int, str, int, Any]] = [(len(g), str(ids[g[0]]), 0, g) for g in groups]
    stories += [(len(g.articles), g.articles[0], 1, g) for g in apart_groups]
    stories.sort(key=lambda s: (-s[0], s[1]))
    story_of_row = np.full(n, -1, dtype=np.int64)
    apart: dict[int, StoryGroup] = {}
    apart_key: dict[str, int] = {}
    for key, (_, _, kind, g) in enumerate(stories):
        if kind == 0:
            story_of_row[g] = key
        else:
            apart[key] = g
            apart_key.update({a: key for a in g.articles})
    return Grouping(table, ids, story_of_row, apart, apart_key, [s[0] for s in stories], edges)


def _group_english(
    ray: Any, parsed: Any, ids: np.ndarray, options: Options, settings: RaySettings, buckets: int, step: Step
) -> tuple[Any, list[list[int]], int]:
    so = options.stories
    n = len(ids)
    ids_ref = [ray.put(ids)]
    step("parts")
    parts = parsed.map_batches(with_row, batch_format="numpy", fn_kwargs={"ids": ids_ref}).materialize()
    step("table")
    table = ray.remote(build_table).remote(parts.to_arrow_refs(), ids_ref[0], so.horizon_days)
    ray.wait([table], fetch_local=False)  # built before the candidates start: each step's time and memory are its own
    holder = [table]
    step("candidates")
    nd = neardup_params(so)
    sources = [
        parts.map_batches(band_rows, batch_format="numpy", fn_kwargs={"bands": nd.bands, "buckets": buckets})
        .groupby("bucket", num_partitions=buckets)
        .map_groups(
            lsh_task, batch_format="numpy",
            fn_kwargs={"table": holder, "n": n, "max_bucket": nd.max_bucket, "threshold": nd.threshold,
                       "buckets": buckets},
        ),
        parts.map_batches(name_rows, batch_format="numpy", fn_kwargs={"buckets": buckets})
        .groupby("bucket", num_partitions=buckets)
        .map_groups(
            posting_task, batch_format="numpy", fn_kwargs={"n": n, "max_posting": so.max_posting, "buckets": buckets}
        ),
    ]  # fmt: skip
    if n >= 2 and so.neighbours > 0:
        for kind, block in (("words", SPARSE_BLOCK), ("lead", DENSE_BLOCK)):
            spans = [{"start": s, "end": min(s + block, n)} for s in range(0, n, block)]
            sources.append(
                ray.data.from_items(spans).map_batches(
                    neighbour_task, batch_size=1, batch_format="numpy",
                    fn_kwargs={"table": holder, "kind": kind, "k": so.neighbours, "buckets": buckets},
                )
            )  # fmt: skip
    candidates = sources[0].union(*sources[1:]).materialize()
    step("scores")
    if candidates.count():
        summation = ray.get(ray.remote(summation_task).remote(candidates.to_arrow_refs(), holder, n))
        scored = candidates.groupby("bucket", num_partitions=buckets).map_groups(
            score_task, batch_format="numpy",
            fn_kwargs={"table": holder, "n": n, "summation": summation, "link_floor": so.link_floor,
                       "pair_batch": settings.pair_batch},
        ).materialize()  # fmt: skip
        step("components")
        # the edges go to one task, not to the driver: at 20,000 articles they were most of what the driver held
        singles, leaves, n_edges = ray.get(ray.remote(components_task).remote(scored.to_arrow_refs(), n, so.link_floor))
    else:
        step("components")
        singles, leaves, n_edges = components_of([], n, so.link_floor)
    groups = list(singles)
    step("clusters")
    if leaves:
        clustered = ray.data.from_items([{"rows": dumps(leaf)} for leaf in leaves]).map_batches(
            cluster_task, batch_size=settings.components_batch, batch_format="numpy",
            fn_kwargs={"table": holder, "threshold": so.threshold, "merge_small": so.merge_small},
        )  # fmt: skip
        groups += [loads(b) for b in _gather(clustered, "group", object)]
    groups = sorted((sorted(g) for g in groups), key=lambda g: g[0])
    if so.edits:  # an editor's merges and splits (storytrace review) overrule the scores
        groups = apply_edits(groups, [str(x) for x in ids], so.edits)
    return table, groups, n_edges
