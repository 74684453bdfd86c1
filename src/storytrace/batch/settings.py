"""How a batch uses its Ray cluster. None of these changes a result: only where, and in what pieces, work runs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RaySettings:
    num_cpus: int | None = None  # CPUs of a local session (None: all the machine's)
    address: str | None = None  # a running cluster to join: "ray://head:10001" (Ray client) or "auto" (on a node)
    object_store_memory: int | None = None  # bytes of shared memory for a local session (None: Ray's 30% of RAM)
    # parse + embed actors, each loading spaCy and the ONNX model once (None: one per CPU of the cluster)
    actors: int | None = None
    read_batch: int = 16  # inputs per read task: reading is cheap per input, a batch amortises the task overhead
    parse_batch: int = 32  # articles per parse + embed call: keeps spaCy's and the embedder's batches full
    # candidate pairs per scoring call: under the 200,000 at which the stories stage forks its own workers
    pair_batch: int = 100_000
    # articles per shuffle partition (band keys, name postings, candidate pairs, stories): partitions of a few
    # thousand articles keep each task's memory small and the task count low on small piles
    rows_per_partition: int = 4000
    components_batch: int = 64  # candidate-graph components clustered per task

    def partitions(self, rows: int) -> int:
        return max(1, min(1024, rows // max(1, self.rows_per_partition)))
