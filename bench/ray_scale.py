"""Ray Data at scale: the whole pipeline (``storytrace batch``) on real articles at several sizes, and the story
grouping alone on synthetic grouping records; time, and the driver's and the workers' peak memory.

    python bench/ray_scale.py                                   # both parts at the default sizes
    python bench/ray_scale.py --pipeline 500 2000 --grouping 100000

- Pipeline: METER and ECB+ texts (``bench/storydata.py``) written as JSON Lines files of 100 articles; beyond the
  2,699 originals, copies whose every word carries a suffix ``q<c>`` (as ``bench/speed.py`` makes them), so copies
  are new stories. ``run_batch`` on a local Ray session of all cores; the session's start is timed apart.
- Grouping alone: ``storytrace.batch.grouping.group`` on N grouping records made in Ray tasks from the originals'
  parsed facts and lead vectors (``bench/storydata.py`` caches them), replicated and perturbed as ``bench/speed.py``
  does (words and names suffixed per copy, vectors turned by a random rotation per copy), copy ``c`` published
  ``c`` weeks after its original (``week_later``).
- Memory, sampled every 0.5 s: the driver's RSS (and its peak, ``ru_maxrss``), each Ray worker process's RSS and
  PSS (RSS counts the object-store pages a worker maps, PSS shares them out), and the object store's use of
  ``/dev/shm``; per stage. Every size runs in a fresh process, so peaks do not carry over.

Figures are merged into ``bench/results/speed.json`` (other keys are kept).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

RESULTS = BENCH / "results" / "speed.json"
WORK = BENCH / "work" / "ray_scale"
ORIGINALS = WORK / "originals.pkl"
PER_FILE = 100


# ---------------------------------------------------------------------------------------------------------- memory


def _status_kb(pid: str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _ray_workers() -> list[str]:
    """Ray worker processes of this user (their command line starts with ``ray::``); raylet and GCS are not."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if fh.read(5) == b"ray::":
                    out.append(pid)
        except OSError:
            continue
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: str) -> float:
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _shm_used_mb() -> float:
    st = os.statvfs("/dev/shm")
    return (st.f_blocks - st.f_bfree) * st.f_frsize / 2**20


class Sampler:
    """Peak memory per stage, from a background thread."""

    def __init__(self) -> None:
        self.stage = "start"
        self.peaks: dict[str, dict[str, float]] = {}
        self.shm0 = _shm_used_mb()
        self.cpu: dict[str, float] = {}  # worker pid -> CPU seconds (its last reading)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> None:
        workers = _ray_workers()
        for p in workers:
            self.cpu[p] = max(self.cpu.get(p, 0.0), _cpu_s(p))
        rss = [_status_kb(p, "VmRSS") / 1024 for p in workers]
        pss = [_pss_kb(p) / 1024 for p in workers]
        now = {
            "driver_rss_mb": _status_kb("self", "VmRSS") / 1024,
            # RSS counts the object-store pages the driver maps while it reads blocks; PSS shares them out, and
            # RssAnon is the driver's own memory
            "driver_pss_mb": _pss_kb("self") / 1024,
            "driver_anon_mb": _status_kb("self", "RssAnon") / 1024,
            "worker_rss_mb": max(rss, default=0.0),
            "worker_pss_mb": max(pss, default=0.0),
            "workers_pss_total_mb": sum(pss),
            "workers": float(len(workers)),
            "object_store_shm_mb": max(0.0, _shm_used_mb() - self.shm0),
        }
        peak = self.peaks.setdefault(self.stage, {})
        for k, v in now.items():
            peak[k] = round(max(peak.get(k, 0.0), v), 1)

    def cpu_seconds(self) -> float:
        """CPU seconds of the Ray workers (as last sampled, up to 0.5 s short per worker) and of this driver."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        return round(sum(self.cpu.values()) + own.ru_utime + own.ru_stime, 1)

    def overall(self) -> dict[str, float]:
        keys = {k for p in self.peaks.values() for k in p}
        return {k: max(p.get(k, 0.0) for p in self.peaks.values()) for k in sorted(keys)}


def driver_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ---------------------------------------------------------------------------------------------------------- data


def originals() -> list[tuple[Any, Any, Any]]:
    """(article, facts with entities, lead vectors) of METER and ECB+, cached under bench/work/ray_scale/."""
    if ORIGINALS.exists():
        with ORIGINALS.open("rb") as fh:
            return pickle.load(fh)
    from storydata import corpus

    out, seen = [], set()
    for name in ("meter", "ecb"):
        c = corpus(name)
        for a in c.articles:
            if a.id not in seen:  # a few texts are in the corpus twice: one record each
                seen.add(a.id)
                out.append((a, c.facts.get(a.id), c.vectors.get(a.id)))
    WORK.mkdir(parents=True, exist_ok=True)
    with ORIGINALS.open("wb") as fh:
        pickle.dump(out, fh)
    return out


def pipeline_input(n: int) -> Path:
    """N articles as JSON Lines files of PER_FILE articles (originals first, in a seeded order; then copies)."""
    from speed import suffix

    folder = WORK / f"input-{n}"
    if folder.exists() and len(list(folder.glob("*.jsonl"))) == -(-n // PER_FILE):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    base = [a for a, _, _ in originals()]
    order = np.random.default_rng(1).permutation(len(base))
    rows = []
    for k in range(n):
        c, a = divmod(k, len(base))
        art = base[int(order[a])]
        rows.append({
            "title": suffix(art.title or "", c) or None, "text": suffix(art.text, c), "outlet": art.outlet,
            "published": art.published if c == 0 else week_later(art, c),
        })  # fmt: skip
    for f in range(0, n, PER_FILE):
        with open(folder / f"part-{f // PER_FILE:05d}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[f : f + PER_FILE])
    return folder


UNDATED_BASE = datetime.date(2000, 1, 3)  # ECB+ texts carry no date: their copies count their weeks from here


def week_later(article: Any, c: int) -> str:
    """Copy ``c``'s publication date: the original's (else ``UNDATED_BASE``) plus ``c`` weeks. A feed of a million
    articles spans years, not the eleven months of METER: copies a week apart make a pile of 1M span seven years, so
    the time horizon of the nearest-neighbour search sees about nine weeks of copies at a time, as it would on a
    real feed (every record dated, as feeds and crawls are)."""
    base = datetime.date.fromisoformat(article.published[:10]) if article.published else UNDATED_BASE
    return (base + datetime.timedelta(days=7 * c)).isoformat()


class SyntheticParts:
    """Grouping records for rows of ``ray.data.range(N)``: copy ``row // n0`` of original ``row % n0``."""

    def __init__(self) -> None:
        from storytrace.batch.rows import in_worker

        in_worker()
        self.base = originals()

    def records(self, rows: Any) -> tuple[list[Any], dict[str, Any], dict[str, np.ndarray]]:
        """The articles, facts and vectors of ``rows``: copy ``c`` has every word suffixed ``q<c>`` (names too) and
        its vectors turned by rotation ``c``, as bench/speed.py makes its pile."""
        from speed import rotation, suffix
        from storytrace.records import ArticleFacts

        n0 = len(self.base)
        arts, facts, vecs = [], {}, {}
        turned: dict[int, np.ndarray] = {}
        for row in rows:
            c, k = divmod(int(row), n0)
            a, f, v = self.base[k]
            aid = f"{a.id}-c{c}"
            arts.append(dataclasses.replace(
                a, id=aid, text=suffix(a.text, c), title=suffix(a.title or "", c) or None, published=week_later(a, c),
            ))  # fmt: skip
            ents = [dataclasses.replace(e, text=suffix(e.text, c)) for e in (f.entities if f else [])]
            facts[aid] = ArticleFacts(article=aid, entities=ents)
            if v is not None and len(v):
                if c not in turned:
                    turned[c] = rotation(v.shape[1], c)
                vecs[aid] = v @ turned[c]
        return arts, facts, vecs

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from storytrace.batch.rows import dumps, objects
        from storytrace.options import StoryOptions
        from storytrace.stories import neardup_params
        from storytrace.stories.features import feature_parts
        from storytrace.stories.neardup import shingle_hashes, signatures_from_shingles

        arts, facts, vecs = self.records(batch["id"])
        so = StoryOptions()
        p = neardup_params(so)
        texts = [(a.title or "") + "\n" + a.text for a in arts]
        sig = signatures_from_shingles(*shingle_hashes(texts, p.shingle_size, p.seed), len(texts), p.num_perm, p.seed)
        parts = feature_parts(arts, facts, vecs, so.lead_sentences)
        return {
            "id": objects([a.id for a in arts]),
            "english": np.ones(len(arts), dtype=bool),
            "part": objects([dumps((part, sig[k])) for k, part in enumerate(parts)]),
        }


# ---------------------------------------------------------------------------------------------------------- runs


def _session(num_cpus: int | None) -> Any:
    from storytrace.batch import ray_session

    # workers import the bench's helpers (speed.py, this file) and the package from the tree
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(BENCH), str(BENCH.parent / "src"), os.environ.get("PYTHONPATH", "")]
    )
    return ray_session(num_cpus)


def one_pipeline(n: int, num_cpus: int | None) -> dict[str, Any]:
    from storytrace.batch import RaySettings, run_batch

    folder = pipeline_input(n)
    out = WORK / f"output-{n}"
    stages: dict[str, list[float]] = {}
    t0 = time.perf_counter()
    with Sampler() as sampler, _session(num_cpus):
        t_session = time.perf_counter() - t0

        def progress(stage: str, done: int, total: int) -> None:
            sampler.stage = stage
            span = stages.setdefault(stage, [time.perf_counter(), 0.0])
            span[1] = time.perf_counter()

        t = time.perf_counter()
        report = run_batch([str(folder)], out, fmt="jsonl", settings=RaySettings(num_cpus=num_cpus), progress=progress)
        wall = time.perf_counter() - t
        sampler.stage = "end"
    return {
        "articles": n, "articles_out": report.articles, "stories": report.stories, "skipped": len(report.skipped),
        "seconds": round(wall, 1), "session_start_s": round(t_session, 1),
        "articles_per_s": round(n / wall, 2), "cpu_seconds": sampler.cpu_seconds(),
        "articles_per_cpu_s": round(n / max(sampler.cpu_seconds(), 1e-9), 3),
        "driver_peak_mb": driver_peak_mb(), "peaks": sampler.peaks,
        "overall": sampler.overall(), "stage_seconds": {k: round(b - a, 1) for k, (a, b) in stages.items()},
        "cpus": num_cpus or os.cpu_count(), "load_average": os.getloadavg(),
    }  # fmt: skip


def same_as_in_process(n: int, grouping: Any) -> bool:
    """Whether ``group_stories`` in this process puts the same N records into the same stories."""
    from storytrace.stories import group_stories

    arts, facts, vecs = SyntheticParts().records(range(n))
    expected = {frozenset(g.articles) for g in group_stories(arts, facts, vecs)}
    got: dict[int, set[str]] = {}
    for r, key in enumerate(grouping.story_of_row):
        got.setdefault(int(key), set()).add(str(grouping.ids[r]))
    return expected == {frozenset(g) for g in got.values()}


def one_grouping(n: int, num_cpus: int | None, check: bool = False) -> dict[str, Any]:
    from storytrace.batch.grouping import group
    from storytrace.batch.settings import RaySettings
    from storytrace.options import Options

    originals()  # the cache the tasks read
    steps: dict[str, float] = {}
    with Sampler() as sampler, _session(num_cpus) as ray:
        sampler.stage = "generate"
        t = time.perf_counter()
        cpus = int(ray.cluster_resources().get("CPU", 1))
        records = (
            # the row numbers first: a pool of actors on every CPU would leave none for a lazy read task
            ray.data.range(n, override_num_blocks=max(1, n // 5000))
            .materialize()
            .map_batches(
                SyntheticParts, batch_size=2000, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(min_size=1, max_size=cpus),
            )
            .materialize()
        )  # fmt: skip
        t_generate = time.perf_counter() - t

        def step(name: str) -> None:
            sampler.stage = "group/" + name
            steps[name] = time.perf_counter()

        t = time.perf_counter()
        grouping = group(ray, records, Options(), RaySettings(num_cpus=num_cpus), step)
        wall = time.perf_counter() - t
        sampler.stage = "end"
    peak = driver_peak_mb()  # before the check, which builds the whole pile in this process
    same = same_as_in_process(n, grouping) if check else None
    names = [*steps, "end"]
    marks = [*steps.values(), t + wall]
    return {
        "records": n, "stories": len(grouping.sizes), "edges": grouping.edges, "same_as_group_stories": same,
        "seconds": round(wall, 1),
        "generate_seconds": round(t_generate, 1), "cpu_seconds": sampler.cpu_seconds(), "driver_peak_mb": peak,
        "peaks": sampler.peaks,
        "overall": sampler.overall(),
        "step_seconds": {names[k]: round(marks[k + 1] - marks[k], 1) for k in range(len(steps))},
        "cpus": num_cpus or os.cpu_count(), "load_average": os.getloadavg(),
    }  # fmt: skip


def in_fresh_process(flag: str, n: int, num_cpus: int | None, check_upto: int = 0) -> dict[str, Any]:
    cmd = [sys.executable, __file__, flag, str(n), "--check-upto", str(check_upto)]
    cmd += ["--cpus", str(num_cpus)] if num_cpus else []
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[1:])} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _by_size(old: list[dict[str, Any]], new: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    runs = {r[key]: r for r in old} | {r[key]: r for r in new}
    return [runs[k] for k in sorted(runs)]


def merge_results(pipeline: list[dict[str, Any]], grouping: list[dict[str, Any]]) -> dict[str, float]:
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    details = dict(old.get("details", {}))
    # runs of other sizes made earlier are kept: a size run again replaces its own
    pipeline = _by_size(details.get("ray_pipeline", []), pipeline, "articles")
    grouping = _by_size(details.get("ray_grouping", []), grouping, "records")
    figures: dict[str, float] = {}
    if pipeline:
        big = pipeline[-1]
        figures["ray_articles_per_s"] = big["articles_per_s"]
        figures["ray_articles"] = big["articles"]
        figures["ray_driver_peak_mb"] = big["driver_peak_mb"]
        figures["ray_worker_peak_rss_mb"] = big["overall"]["worker_rss_mb"]
        figures["ray_worker_peak_pss_mb"] = big["overall"]["worker_pss_mb"]
        details["ray_pipeline"] = pipeline
        # the 15-minute load average at its end: what the run shared the two cores with
        details["ray_largest"] = {"articles": big["articles"], "load": f"{big['load_average'][2]:.1f}"}
    for r in grouping:
        label = f"{r['records'] // 1000}k" if r["records"] < 1_000_000 else f"{r['records'] // 1_000_000}m"
        figures[f"grouping_{label}_seconds"] = r["seconds"]
        figures[f"grouping_{label}_peak_mb"] = r["driver_peak_mb"]
        figures[f"grouping_{label}_worker_peak_rss_mb"] = r["overall"]["worker_rss_mb"]
        figures[f"grouping_{label}_worker_peak_pss_mb"] = r["overall"]["worker_pss_mb"]
    if grouping:
        details["ray_grouping"] = grouping
    out = {**old, "figures": {**old.get("figures", {}), **figures}, "details": details}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipeline", type=int, nargs="*", default=[500, 1000, 2000])
    ap.add_argument("--grouping", type=int, nargs="*", default=[100_000, 250_000])
    ap.add_argument("--cpus", type=int, default=None)
    ap.add_argument("--one-pipeline", type=int)
    ap.add_argument("--one-grouping", type=int)
    ap.add_argument("--saved", nargs="*", default=[], help="merge these saved --one-* outputs instead of running")
    ap.add_argument("--check-upto", type=int, default=25_000, help="compare with group_stories up to this many records")
    args = ap.parse_args()
    # a run stopped from outside (timeout, kill) still shuts its Ray session down on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.one_pipeline:
        print(json.dumps(one_pipeline(args.one_pipeline, args.cpus)))
        return
    if args.one_grouping:
        print(json.dumps(one_grouping(args.one_grouping, args.cpus, args.one_grouping <= args.check_upto)))
        return
    if args.saved:
        runs = [json.loads(Path(f).read_text().strip().splitlines()[0]) for f in args.saved]
        pipeline = sorted((r for r in runs if "articles" in r), key=lambda r: r["articles"])
        grouping = sorted((r for r in runs if "records" in r), key=lambda r: r["records"])
        print(json.dumps(merge_results(pipeline, grouping), indent=2))
        return
    originals()
    pipeline, grouping = [], []
    for n in args.pipeline:
        pipeline_input(n)
        r = in_fresh_process("--one-pipeline", n, args.cpus)
        print(
            f"pipeline {n:,}: {r['seconds']} s, {r['articles_per_s']} articles/s, driver peak {r['driver_peak_mb']} MB"
        )
        pipeline.append(r)
    for n in args.grouping:
        r = in_fresh_process("--one-grouping", n, args.cpus, args.check_upto)
        print(f"grouping {n:,}: {r['seconds']} s ({r['step_seconds']}), driver peak {r['driver_peak_mb']} MB")
        grouping.append(r)
    print(json.dumps(merge_results(pipeline, grouping), indent=2))


if __name__ == "__main__":
    main()
