"""Floors for story grouping on a fixed ECB+ sample (3 test topics), so that a regression fails CI.

The full benchmark is ``make bench-stories`` (bench/results/stories.json); this sample runs in seconds.
"""

from __future__ import annotations

import sys
import time

from conftest import ROOT, shared_data

TOPICS = [39, 40, 43]
FLOOR_B3_F1 = 0.89  # measured 0.913 (P 1.000, R 0.840) with spaCy entities and MiniLM lead vectors


def test_ecb_sample_floor():
    shared_data("ecbplus")
    sys.path.insert(0, str(ROOT / "bench"))
    from stories import bcubed
    from storydata import corpus
    from storytrace.stories import group_stories

    c = corpus("ecb", TOPICS)
    t = time.perf_counter()
    groups = group_stories(c.articles, c.facts, c.vectors)
    elapsed = time.perf_counter() - t
    pred = {a: g.id for g in groups for a in g.articles}
    p, r, f1 = bcubed(pred, c.gold)
    print(f"ECB+ topics {TOPICS}: B3 P={p:.3f} R={r:.3f} F1={f1:.3f} in {elapsed:.1f}s")
    assert f1 >= FLOOR_B3_F1
    assert elapsed < 20
