"""Run the pipeline on Ray Data, for piles of articles too big for one process.

The stages are the same functions the in-process pipeline calls; only the wiring differs (see docs/batch.md):

- :mod:`.ingest`: inputs read in tasks, the same text read twice merged in a shuffle by article id, parsed and
  embedded by actors that load spaCy and the ONNX embedder once each; per English article its grouping parts.
- :mod:`.grouping`: story grouping spread over tasks (LSH band keys and name postings grouped by key, nearest
  neighbours per block of rows, pair scores per shuffle bucket, clustering per connected component), the same
  stories as ``storytrace.stories.group_stories``.
- :mod:`.stories`: per-story work in tasks that receive only their members' records.
- :mod:`.output`: a directory of sharded dossiers, one story a row, and an index.

``analyze_with_ray`` returns one dossier (the same as ``storytrace.pipeline.analyze``); ``run_batch`` writes the
shards. Ray is the optional extra ``[ray]``: nothing here imports it until one of them runs.
"""

from __future__ import annotations

from storytrace.batch.output import read_articles, read_manifest, read_skipped, read_stories
from storytrace.batch.run import BatchReport, analyze_with_ray, run_batch
from storytrace.batch.session import ray_session
from storytrace.batch.settings import RaySettings

__all__ = [
    "BatchReport",
    "RaySettings",
    "analyze_with_ray",
    "ray_session",
    "read_articles",
    "read_manifest",
    "read_skipped",
    "read_stories",
    "run_batch",
]
