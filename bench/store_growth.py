"""How the cost of adding articles to a store grows with the store.

    python bench/store_growth.py [--copies 20] [--new 100] [--unrelated 50]

The same ``--new`` real articles (ECB+ texts held out of the store, whose story mates are in it) are added to a
store of 1,000 articles and to one of ``--copies`` x 1,000. Both stores are built from the shared corpora's parsed
records (bench/storydata.py: ECB+ and METER texts, spaCy entities, MiniLM vectors of the first sentences, cached
under bench/work/), through the store's bulk write path for precomputed facts and vectors (``Store.add_parsed``),
then grouped and analysed by the store itself (copy by copy, ``update_stories(regroup=False)``). The large store
is the small one's 1,000 articles replicated the way bench/speed.py does it: every word of copy ``c`` gets the
suffix ``q<c>`` (so copies share no shingle and no name), its names likewise, its vectors turned by a random rotation
(similarities kept within a copy, copies unrelated to each other). Copy ``c`` is published ``c`` weeks after copy 0:
a store that grows by about 1,000 articles a week. Articles are cut to the sentences that have vectors (the cache
embeds the lead only), so each article's vectors match its sentences.

Timed (CPU time of the process, in which all the store's work runs; wall time in the details): ``add_parsed`` of
the new articles plus ``update_stories(regroup=False)`` (index look-up, regrouping of the
new articles with the stories they reach, analysis of the stories that changed, the story transaction), in ms per
new article. Parsing and embedding are left out: they cost the same per article whatever the store holds (the
claims stage's own figure is ``claims_articles_per_s``).

Also: ``--unrelated`` METER articles (another corpus, other events) added to a store of ECB+ alone, and whether any
stored story lost an article or its id.

Writes ``ingest_ms_per_article_small_store``, ``ingest_ms_per_article_large_store`` and
``ingest_large_vs_small_ratio`` into bench/results/speed.json (other keys kept) with details under
``store_growth``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import rotation, suffix
from storydata import corpus
from storytrace.options import Options
from storytrace.records import Article, ArticleFacts
from storytrace.store import open_store

RESULTS = Path(__file__).resolve().parent / "results" / "speed.json"
BASE_DAY = dt.date(2024, 1, 1)
SEED = 7


def cut(a: Article, vectors: np.ndarray, facts: ArticleFacts | None) -> tuple[Article, ArticleFacts]:
    """The article up to its last sentence with a vector (the cache embeds the lead only)."""
    n = min(len(a.sentences), len(vectors))
    end = a.sentences[n - 1][1] if n else len(a.text)
    art = dataclasses.replace(
        a,
        text=a.text[:end],
        origins=list(a.origins),
        sentences=list(a.sentences[:n]),
        paragraphs=[(s, min(e, end)) for s, e in a.paragraphs if s < end],
    )
    ents = [e for e in (facts.entities if facts else []) if e.sentence < n]
    return art, ArticleFacts(article=a.id, entities=ents)


def dated(a: Article, day: dt.date) -> Article:
    return dataclasses.replace(a, published=day.isoformat())


def copy_of(a: Article, f: ArticleFacts, v: np.ndarray, c: int) -> tuple[Article, ArticleFacts, np.ndarray]:
    """Copy ``c`` of an article (``v``: its vectors, already turned by copy ``c``'s rotation)."""
    if c == 0:
        return a, f, v
    aid = f"{a.id}-c{c}"
    art = dataclasses.replace(a, id=aid, text=suffix(a.text, c), title=suffix(a.title or "", c) or None)
    ents = [
        dataclasses.replace(e, text=suffix(e.text, c), key=suffix(e.key, c) if e.key else e.key) for e in f.entities
    ]
    return art, ArticleFacts(article=aid, entities=ents), v.astype(np.float32)


def records(pool: list[Article], facts: dict, vectors: dict) -> tuple[list[Article], dict, dict]:
    arts, fs, vs = [], {}, {}
    for a in pool:
        art, f = cut(a, vectors[a.id], facts.get(a.id))
        arts.append(art)
        fs[a.id] = f
        vs[a.id] = vectors[a.id][: len(art.sentences)]
    return arts, fs, vs


def build_base(db: str, base: list[Article], facts: dict, vectors: dict, options: Options) -> float:
    """The 1,000-article store: stored through the bulk path, grouped and analysed by the store itself."""
    t = time.perf_counter()
    with open_store(db) as store:
        store.add_parsed([dated(a, BASE_DAY) for a in base], facts, vectors, options)
        store.update_stories(options)
    return time.perf_counter() - t


def grow(db: str, base: list[Article], facts: dict, vectors: dict, copies: int, options: Options) -> float:
    """Copies 1 .. copies-1 of the base added to its store, copy ``c`` published ``c`` weeks after copy 0. Their
    stories are copy 0's analysed stories with the article ids mapped, written through the store's own story
    transaction: analysing 20,000 articles again would take an hour on two cores and measure nothing new (the
    copies' grouping is copy 0's: suffixed words, rotated vectors)."""
    from storytrace.records import Story
    from storytrace.store.store import _generation, _n_articles, _Snapshot, analysis_fingerprint
    from storytrace.stories import story_id

    dim = next(iter(vectors.values())).shape[1]
    fingerprint = analysis_fingerprint(options)
    t = time.perf_counter()
    with open_store(db) as store:
        stories0 = [store.get_story(s.id) for s in store.list_stories()]
        for c in range(1, copies):
            rot = rotation(dim, c)
            day = BASE_DAY + dt.timedelta(weeks=c)
            arts, fs, vs = [], {}, {}
            stacked = np.concatenate([vectors[a.id] for a in base]) @ rot  # one product per copy, not per article
            ends = np.cumsum([len(vectors[a.id]) for a in base])
            turned = dict(zip([a.id for a in base], np.split(stacked, ends[:-1]), strict=True))
            for a in base:
                art, f, v = copy_of(a, facts[a.id], turned[a.id], c)
                arts.append(dated(art, day))
                fs[art.id], vs[art.id] = f, v
            store.add_parsed(arts, fs, vs, options)
            fresh = []
            for s0 in stories0:
                data = json.dumps(s0.to_dict())
                for aid in s0.articles:
                    data = data.replace(f'"{aid}"', f'"{aid}-c{c}"')
                story = Story.from_dict(json.loads(data))
                story.id = story_id(story.articles)
                fresh.append(story)

            def work(conn, arts=arts, fresh=fresh):  # type: ignore[no-untyped-def]
                snap = _Snapshot(arts, {}, {}, {}, fingerprint, _generation(conn), [], {}, n_articles=_n_articles(conn))
                assert store._write_stories(conn, snap, fresh, [], fingerprint, options)

            store._write(work)
            if c % 5 == 0 or c == copies - 1:
                print(f"  copy {c + 1}/{copies}: {(c + 1) * len(base):,} articles, {time.perf_counter() - t:.0f}s")
    return time.perf_counter() - t


def add_new(db: str, new: list[Article], facts: dict, vectors: dict, options: Options) -> tuple[float, list, dict]:
    with open_store(db) as store:
        before = {s.id: set(store.get_story(s.id).articles) for s in store.list_stories()}
        t, cpu = time.perf_counter(), time.process_time()
        report = store.add_parsed([dated(a, BASE_DAY) for a in new], facts, vectors, options)
        changed, removed = store.update_stories(options, regroup=False)
        elapsed = time.perf_counter() - t
        cpu = time.process_time() - cpu
        after = {s.id: set(store.get_story(s.id).articles) for s in store.list_stories()}
    assert len(report.added) == len(new)
    where = {a: sid for sid, m in after.items() for a in m}
    moved = [sid for sid, m in before.items() if len({where.get(a) for a in m}) > 1]  # split, or an article lost
    return elapsed, changed, {"removed": removed, "moved": moved, "before": before, "after": after, "cpu": cpu}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--unrelated", type=int, default=50)
    ap.add_argument("--small", type=int, default=1000)
    args = ap.parse_args()
    ecb, meter = corpus("ecb"), corpus("meter")
    facts = {**ecb.facts, **meter.facts}
    vectors = {**ecb.vectors, **meter.vectors}
    rng = random.Random(SEED)
    ecb_arts = sorted(ecb.articles, key=lambda a: a.id)
    rng.shuffle(ecb_arts)
    new0, ecb_rest = ecb_arts[: args.new], ecb_arts[args.new :]
    meter_arts = sorted(meter.articles, key=lambda a: a.id)
    rng.shuffle(meter_arts)
    base0 = (ecb_rest + meter_arts)[: args.small]
    base, fs, vs = records(base0, facts, vectors)
    new, nfs, nvs = records(new0, facts, vectors)
    gold = {**ecb.gold, **meter.gold}
    mates = sum(1 for a in new if any(gold.get(b.id) == gold.get(a.id) for b in base))
    options = Options()
    figures: dict[str, float] = {}
    details: dict[str, object] = {"new_articles": len(new), "new_with_a_story_mate_in_store": mates}
    with tempfile.TemporaryDirectory() as tmp:
        base_db = str(Path(tmp) / "base.db")
        print(f"base store: {len(base):,} articles")
        built = build_base(base_db, base, fs, vs, options)
        print(f"  {built:.0f}s")
        for name, copies in (("small", 1), ("large", args.copies)):
            db = str(Path(tmp) / f"{name}.db")
            shutil.copy(base_db, db)
            grown = grow(db, base, fs, vs, copies, options)
            elapsed, changed, moves = add_new(db, new, nfs, nvs, options)
            # CPU time of this process (the store work runs in it): wall time on two cores shared with other work
            # swung from 0.4x to 3.5x between two runs of the same comparison; wall time is kept in the details
            ms = 1000 * moves["cpu"] / len(new)
            print(f"{name} store: {len(new)} new articles: {ms:.1f} CPU ms/article, {len(changed)} stories analysed")
            figures[f"ingest_ms_per_article_{name}_store"] = round(ms, 1)
            details[f"{name}_store"] = {
                "articles": copies * len(base), "copies": copies, "build_seconds": round(built + grown, 1),
                "ingest_seconds": round(elapsed, 2), "ingest_cpu_seconds": round(moves["cpu"], 2),
                "stories_analysed": len(changed),
                "stories_removed": len(moves["removed"]), "stories_split": len(moves["moved"]),
                "db_mb": round(os.path.getsize(db) / 1e6, 1),
            }  # fmt: skip
        small, large = details["small_store"], details["large_store"]
        details["wall_large_vs_small_ratio"] = round(large["ingest_seconds"] / small["ingest_seconds"], 3)  # type: ignore[index]
        figures["ingest_large_vs_small_ratio"] = round(
            figures["ingest_ms_per_article_large_store"] / figures["ingest_ms_per_article_small_store"], 3
        )
        # unrelated articles (METER: other events) into the base store (ECB+ articles mostly): no story may lose an
        # article or its id
        db = str(Path(tmp) / "unrelated.db")
        shutil.copy(base_db, db)
        in_base = {gold.get(a.id) for a in base}
        others = [a for a in reversed(meter_arts) if gold.get(a.id) not in in_base][: args.unrelated]
        unrelated, ufs, uvs = records(others, facts, vectors)
        _, changed, moves = add_new(db, unrelated, ufs, uvs, options)
        joined = sum(1 for sid, m in moves["after"].items() if sid in moves["before"] and m != moves["before"][sid])
        details["unrelated_into_ecb"] = {
            "store_articles": len(base), "store_ecb_articles": sum(1 for a in base if a.id in ecb.gold),
            "stories": len(moves["before"]), "unrelated": len(unrelated),
            "stories_split_or_lost_articles": len(moves["moved"]), "stories_renamed_or_removed": len(moves["removed"]),
            "stories_an_unrelated_article_joined": joined,
        }  # fmt: skip
    details["cpu_count"] = os.cpu_count()
    details["load_average"] = os.getloadavg()
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out = {**old, "figures": {**old.get("figures", {}), **figures}}
    out["details"] = {**old.get("details", {}), "store_growth": details}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps({"figures": figures, "details": details}, indent=2))


if __name__ == "__main__":
    main()
