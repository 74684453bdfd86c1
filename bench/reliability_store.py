"""Reliability figures of the store and the web app (issue 13, parts 4 and 5) -> bench/results/reliability_store.json.

- kill -9: ``storytrace ingest`` SIGKILLed at seeded random moments (uniform over one uninterrupted run's length),
  on SQLite and on a throwaway PostgreSQL server; after each kill the store must pass its checks (integrity, every
  article whole and once), and after the next ingest hold exactly the articles and stories of an uninterrupted run.
- concurrent writers: 8 ``storytrace ingest`` processes started together on one database, with overlapping slices
  of the example corpus and disjoint files of their own; nothing may be lost, doubled, or reported "locked".
- web load: a fixed number of requests from CONCURRENCY threads to `storytrace serve` on 127.0.0.1 (a loopback load
  test that stops by itself), and page reads while an upload is being analysed.
- XSS: every payload of storytrace.web.hostile in every field, uploaded through the form in Chromium, then every page
  and the HTML report checked for any payload that ran or any element it injected.

Run: ``make bench-reliability-store`` (about 6 minutes on two cores). bench/reliability.py (the fuzz figures) is a
separate script; bench/results_table.py reads both files.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from storytrace.ingest import read_inputs  # noqa: E402
from storytrace.store import open_store  # noqa: E402
from storytrace.store.stress import (  # noqa: E402
    article_counter,
    ingest_and_kill,
    ingest_command,
    ingest_concurrently,
    overlapping_piles,
    write_articles,
)
from storytrace.store.verify import verify  # noqa: E402

RESULT = ROOT / "bench" / "results" / "reliability_store.json"
CORPUS = ROOT / "examples" / "harbour-fire"
SEED = 13
KILL_RUNS = {"sqlite": 20, "postgres": 20}  # issue 13 asks for at least 20 on each store
# Generated articles per killed ingest: 24 is two parse batches (16 + 8, store.PARSE_BATCH), so kills can fall
# between article commits; a run takes ~4-6 s here, which keeps 32 kill runs near two minutes.
KILL_ARTICLES = 24
KILL_DELAY_S = 0.5  # after the k-th commit: within the next batch's parse or the story update
WRITERS = 8  # issue 13: 8 concurrent ingest processes
WRITER_OWN = 2  # disjoint files of each writer's own
WRITER_WIDTH = 5  # each writer also takes 5 consecutive corpus files (wrapping): neighbours share 4
WEB_REQUESTS = 2000  # issue 13: at least 2,000 requests
CONCURRENCY = 20  # issue 13: at concurrency 20
WEB_TIMEOUT_S = 300  # the load test stops by itself after this long even if requests stall


def log(msg: str) -> None:
    print(msg, flush=True)


# -- kill -9 -----------------------------------------------------------------------------------------------------


def kill_runs(backend: str, new_db: Any, work: Path, runs: int, rng: random.Random) -> dict[str, Any]:
    inputs = [str(p) for p in write_articles(work / f"kill-{backend}", KILL_ARTICLES, f"k{backend}")]
    ref_db = new_db("ref")
    start = time.monotonic()
    subprocess.run(ingest_command(inputs, ref_db), check=True, capture_output=True)
    full_s = time.monotonic() - start
    ref = verify(ref_db)
    assert not ref.problems, ref.problems
    expected = ref.partition
    lost = duplicated = bad = mismatched = 0
    phases = {"before any article": 0, "some articles": 0, "stories pending": 0, "stories written": 0}
    for n in range(runs):
        db = new_db(f"kill{n}")
        if n % 2 == 0:  # a moment uniform over an uninterrupted run (imports and model loading included)
            run = ingest_and_kill(inputs, db, rng.uniform(0, full_s))
        else:  # once k of the articles are committed, plus up to KILL_DELAY_S: lands in every phase
            k = rng.randint(0, len(inputs))
            count = article_counter(db)
            run = ingest_and_kill(inputs, db, rng.uniform(0, KILL_DELAY_S), when=lambda k=k, c=count: c() >= k)
        committed = set(run.check.articles)
        bad += bool(run.check.problems)
        if not committed:
            phases["before any article"] += 1
        elif len(committed) < len(ref.articles):
            phases["some articles"] += 1
        elif verify(db).partition == expected:
            phases["stories written"] += 1
        else:
            phases["stories pending"] += 1
        with open_store(db) as store:  # the next ingest, the same code `storytrace ingest` runs
            store.ingest(inputs)
        after = verify(db)
        bad += bool(after.problems)
        lost += len(committed - set(after.articles)) + len(set(ref.articles) - set(after.articles))
        duplicated += len(after.duplicated) + len(after.articles) - len(set(after.articles))
        mismatched += after.partition != expected
        log(f"  {backend} kill {n + 1}/{runs} at {run.after_s:.2f}s: {len(committed)} committed, {after.problems}")
    return {
        "runs": runs,
        "full_run_s": round(full_s, 2),
        "lost": lost,
        "duplicated": duplicated,
        "failed_checks": bad,
        "stories_differ": mismatched,
        "killed_during": phases,
    }


# -- concurrent writers ------------------------------------------------------------------------------------------


def concurrent(
    backend: str, new_db: Any, piles: list[list[str]], reference: tuple[set[frozenset[str]], set[str]]
) -> dict[str, Any]:
    expected, expected_origins = reference
    db = new_db("concurrent")
    run = ingest_concurrently(piles, db)
    check = verify(db)
    with open_store(db) as store:
        origins = {o for aid in check.articles for o in store.get_article(aid).origins}
    expected_ids = set().union(*expected)
    out = {
        "writers": len(piles),
        "seconds": round(run.seconds, 1),
        "exit_codes": run.returncodes,
        "lost": len(expected_ids - set(check.articles)) + len(expected_origins - origins),
        "duplicated": len(check.duplicated) + len(set(check.articles) - expected_ids),
        "locked_or_traceback_lines": len(run.forbidden),
        "failed_checks": len(check.problems),
        "stories_differ": check.partition != expected,
    }
    log(f"  {backend} concurrent: {out}")
    return out


# -- web ---------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(db: str) -> Iterator[int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("storytrace serve did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def load_test(db: str) -> dict[str, Any]:
    with open_store(db) as store:
        stories = [s.id for s in store.list_stories()]
        articles = store.article_ids()
    urls = ["/", "/?q=fire", "/?sort=recent", "/stories.json", "/static/report.css", "/upload"]
    urls += [f"/stories/{s}" for s in stories] + [f"/stories/{s}.json" for s in stories]
    urls += [f"/articles/{a}" for a in articles] + [f"/articles/{a}.json" for a in articles[:5]]
    plan = [urls[i % len(urls)] for i in range(WEB_REQUESTS)]
    random.Random(SEED).shuffle(plan)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + WEB_TIMEOUT_S
    with serve(db) as port:

        def worker(mine: list[str]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for path in mine:
                if time.monotonic() > stop_at:
                    with lock:
                        errors.append("not sent: time limit")
                    continue
                start = time.monotonic()
                try:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    status = resp.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    status = 0
                    with lock:
                        errors.append(f"{path}: {type(exc).__name__}")
                with lock:
                    latencies.append(time.monotonic() - start)
                    if status and status != 200:
                        errors.append(f"{path}: {status}")
            conn.close()

        start = time.monotonic()
        threads = [threading.Thread(target=worker, args=(plan[k::CONCURRENCY],)) for k in range(CONCURRENCY)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - start
        during_upload = reads_during_upload(port)
    lat = sorted(latencies)
    return {
        "requests": len(plan),
        "concurrency": CONCURRENCY,
        "seconds": round(seconds, 1),
        "requests_per_s": round(len(plan) / seconds, 1),
        "error_rate": round(len(errors) / len(plan), 4),
        "errors": errors[:10],
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
        **during_upload,
    }


def reads_during_upload(port: int) -> dict[str, Any]:
    """Page reads while a dozen new articles are uploaded and analysed (the upload runs in a worker thread)."""
    from storytrace.web.hostile import hostile_uploads, payloads

    boundary = "----bench-boundary"
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="u{n}.jsonl"\r\n'.encode()
            + b"Content-Type: application/json\r\n\r\n"
            + data
            + b"\r\n"
            for n, (_, data) in enumerate(hostile_uploads(per_article=len(payloads()) // 12))
        )
        + f"--{boundary}--\r\n".encode()
    )
    took: dict[str, float] = {}

    def upload() -> None:
        start = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("POST", "/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        took["status"] = conn.getresponse().status
        took["s"] = time.monotonic() - start

    worker = threading.Thread(target=upload)
    worker.start()
    reads = []
    while worker.is_alive():
        start = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/")
        conn.getresponse().read()
        reads.append(time.monotonic() - start)
        time.sleep(0.05)
    worker.join()
    return {
        "upload_s": round(took.get("s", 0.0), 1),
        "upload_status": took.get("status"),
        "reads_during_upload": len(reads),
        "max_read_during_upload_ms": round(max(reads) * 1000, 1) if reads else None,
    }


def xss_sweep(work: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from browser_fixtures import chromium_path, launch
    from storytrace.dossier.html import render_html
    from storytrace.web.hostile import INERT_CHECK, hostile_uploads, inert_problems, payloads

    if chromium_path() is None:
        return {"skipped": "Chromium is not installed (apt-get install -y chromium)"}
    db = str(work / "xss.db")
    open_store(db).close()
    fired: set[str] = set()
    problems: list[str] = []
    pages = 0
    with serve(db) as port, sync_playwright() as p:
        browser = launch(p)
        # bypass_csp: the pages must be inert by escaping alone; the CSP is a second wall
        page = browser.new_context(bypass_csp=True).new_page()
        page.on("dialog", lambda d: (fired.add(d.message), d.dismiss()))
        url = f"http://127.0.0.1:{port}"

        def check(where: str) -> None:
            nonlocal pages
            page.wait_for_timeout(150)  # time for an autofocus, onload or animation handler to fire
            problems.extend(f"{where}: {x}" for x in inert_problems(page.evaluate(INERT_CHECK)))
            pages += 1

        page.goto(url + "/upload")
        uploads = hostile_uploads(per_article=1)
        page.set_input_files("#files", [{"name": n, "mimeType": "application/json", "buffer": d} for n, d in uploads])
        page.click("form.upload button")
        page.wait_for_url(url + "/upload", timeout=600_000)
        check("upload result")
        with open_store(db) as store:
            stories = [s.id for s in store.list_stories()]
            articles = store.article_ids()
            report = work / "xss-report.html"
            report.write_text(render_html(store.dossier()), encoding="utf-8")
        targets = [
            "/",
            "/stories.json",
            "/?sort=%3Csvg%20onload=alert(0)%3E",
            "/stories/%3Cimg%20src=x%20onerror=alert(0)%3E",
        ]
        targets += [f"/?q={p[:60]}" for p in payloads()[::8]]
        targets += [f"/stories/{s}" for s in stories] + [f"/articles/{a}" for a in articles]
        targets += [f"/articles/{a}.json" for a in articles[:3]] + [f"/stories/{s}.json" for s in stories[:3]]
        for target in targets:
            page.goto(url + target)
            check(target)
            if target.startswith("/articles/") and not target.endswith(".json"):
                page.locator("main").hover()
        page.goto(report.as_uri())
        check("report")
        browser.close()
    executed = {m for m in fired if re.fullmatch(r"\d+", m)}
    return {
        "payloads": len(payloads()),
        "articles": len(articles),
        "pages_checked": pages,
        "executed": len(executed | ({"?"} if fired - executed else set())),
        "injected_elements": len(problems),
        "problems": problems[:10],
    }


# -- main --------------------------------------------------------------------------------------------------------


def main() -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    work = Path(tempfile.mkdtemp(prefix="storytrace-reliability-"))
    results: dict[str, Any] = {}
    # the corpus's article files: those EXPECTED.json describes (not its README or EXPECTED files)
    names = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))["articles"]
    shared = sorted(str(CORPUS / name) for name in names)
    own = [[str(p) for p in write_articles(work / f"own{k}", WRITER_OWN, f"own{k}")] for k in range(WRITERS)]
    piles = overlapping_piles(shared, own, WRITER_WIDTH)
    everything = sorted({p for pile in piles for p in pile})
    log("reference ingest of everything the writers will write ...")
    ref_db = str(work / "reference.db")
    with open_store(ref_db) as store:
        store.ingest(everything)
    read, _ = read_inputs(everything)
    reference = (verify(ref_db).partition, {o for a in read for o in (a.origins or [a.origin])})

    backends: dict[str, Any] = {"sqlite": lambda name: str(work / f"{name}.db")}
    pg = None
    try:
        from pg_fixtures import PgServer, pg_bin

        if pg_bin() is not None:
            pg = PgServer(pg_bin())  # type: ignore[arg-type]
            pg.start()
            backends["postgres"] = lambda name: pg.new_database()  # type: ignore[union-attr]
    except (ImportError, RuntimeError) as exc:
        log(f"PostgreSQL not available ({exc}): its figures are skipped")
    try:
        for backend, new_db in backends.items():
            log(f"kill -9 on {backend} ...")
            results[f"kill9_{backend}"] = kill_runs(backend, new_db, work, KILL_RUNS[backend], rng)
            log(f"{WRITERS} concurrent writers on {backend} ...")
            results[f"concurrent_{backend}"] = concurrent(backend, new_db, piles, reference)
    finally:
        if pg is not None:
            pg.stop()
    if "postgres" not in backends:
        results["postgres"] = "skipped: PostgreSQL not installed (apt-get install postgresql)"
    log(f"web load test: {WEB_REQUESTS} requests at concurrency {CONCURRENCY} ...")
    results["web"] = load_test(ref_db)
    log(f"  {results['web']}")
    log("XSS sweep in Chromium ...")
    results["xss"] = xss_sweep(work)
    log(f"  {results['xss']}")
    shutil.rmtree(work, ignore_errors=True)

    kills = [v for k, v in results.items() if k.startswith("kill9_")]
    writers = [v for k, v in results.items() if k.startswith("concurrent_")]
    xss = results["xss"]
    summary = {
        "kill9_runs": sum(k["runs"] for k in kills),
        "kill9_lost": sum(k["lost"] for k in kills),
        "kill9_duplicated": sum(k["duplicated"] for k in kills),
        "kill9_failed_checks": sum(k["failed_checks"] + k["stories_differ"] for k in kills),
        "concurrent_writers": WRITERS,
        "concurrent_lost": sum(w["lost"] for w in writers),
        "concurrent_duplicated": sum(w["duplicated"] for w in writers),
        "concurrent_locked_messages": sum(w["locked_or_traceback_lines"] for w in writers),
        "xss_payloads": xss.get("payloads", 0),
        "xss_executed": xss.get("executed"),
        "web_requests": results["web"]["requests"],
        "web_error_rate": results["web"]["error_rate"],
        "web_p50_ms": results["web"]["p50_ms"],
        "web_p99_ms": results["web"]["p99_ms"],
        "seconds": round(time.monotonic() - started, 1),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps({"figures": summary, "details": results}, indent=2) + "\n", encoding="utf-8")
    log(json.dumps(summary, indent=2))
    log(f"wrote {RESULT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
