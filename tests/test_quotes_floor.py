"""Floors for the PolNeAR direct-quote figures on a fixed sample of 8 dev articles (the full run: make bench-quotes)."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT, shared_data

SAMPLE = 8  # every 11th dev article in name order, 8 of them: fixed, 18 gold quotes, ~8 s of parsing
STEP = 11


def _bench():
    spec = importlib.util.spec_from_file_location("bench_quotes", ROOT / "bench" / "quotes.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_quotes"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_quote_floors_on_dev_sample(monkeypatch):
    shared_data("polnear")
    monkeypatch.delenv("QUOTES_CACHE", raising=False)
    result = _bench().score("dev", SAMPLE, None, STEP)
    assert result["gold"] >= 10
    assert result["f1"] >= FLOOR_F1, result
    assert result["speaker_acc"] >= FLOOR_SPEAKER, result


# measured on this sample: F1 0.865 (P 0.842, R 0.889), speaker accuracy 1.0 (16 of 16)
FLOOR_F1 = 0.84
FLOOR_SPEAKER = 0.93
