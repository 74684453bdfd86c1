"""Every quote (text + speaker), number and date listed in examples/harbour-fire/EXPECTED.json is extracted."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import CORPUS
from storytrace.claims import extract_facts, link_entities
from storytrace.ingest import read_inputs
from storytrace.records import Article, ArticleFacts

EXPECTED = CORPUS / "EXPECTED.json"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("’", "'").replace("“", '"').replace("”", '"')).strip(" ,.\"'").lower()


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[Article, ArticleFacts]]:
    articles, _ = read_inputs([str(CORPUS)])
    facts = extract_facts(articles)
    out = {}
    for a, f in zip(articles, facts, strict=True):
        for origin in a.origins:
            out[os.path.basename(origin)] = (a, f)
    # link names across each gold story, as the cross-check does
    for story in json.loads(EXPECTED.read_text(encoding="utf-8"))["stories"]:
        link_entities([out[name][1] for name in story if name in out])
    return out


def _expected(kind: str) -> list[dict]:
    return json.loads(EXPECTED.read_text(encoding="utf-8")).get(kind, []) if EXPECTED.exists() else []


def _article(corpus, item):
    if item["file"] not in corpus:
        pytest.fail(f"{item['file']} was not read by ingest")
    return corpus[item["file"]]


@pytest.mark.parametrize("item", _expected("quotes"), ids=lambda i: f"{i['file']}:{i['text'][:30]}")
def test_expected_quote(corpus, item):
    _, facts = _article(corpus, item)
    want = _norm(item["text"]).replace("...", "…")
    hits = [q for q in facts.quotes if want in _norm(q.text).replace("...", "…") or _norm(q.text) in want]
    assert hits, f"quote not found: {item['text']!r}; got {[q.text for q in facts.quotes]}"
    assert any(q.speaker == item["speaker"] for q in hits), (
        f"speaker {item['speaker']}: got {[q.speaker for q in hits]}"
    )


@pytest.mark.parametrize("item", _expected("numbers"), ids=lambda i: f"{i['file']}:{i['text']}")
def test_expected_number(corpus, item):
    _, facts = _article(corpus, item)
    nums = [n for c in facts.claims for n in c.numbers]
    hits = [n for n in nums if _norm(n.text) in _norm(item["text"]) or _norm(item["text"]) in _norm(n.text)]
    assert hits, f"number not found: {item['text']!r}; got {[n.text for n in nums]}"
    assert any(n.low == item["low"] and n.high == item["high"] and n.counts == item["counts"] for n in hits), [
        (n.text, n.low, n.high, n.counts) for n in hits
    ]


@pytest.mark.parametrize("item", _expected("dates"), ids=lambda i: f"{i['file']}:{i['text']}")
def test_expected_date(corpus, item):
    _, facts = _article(corpus, item)
    dates = [d for c in facts.claims for d in c.dates]
    hits = [d for d in dates if _norm(d.text) in _norm(item["text"])]
    assert hits, f"date not found: {item['text']!r}; got {[d.text for d in dates]}"
    assert any(d.value == item["value"] and d.precision == item["precision"] for d in hits), [
        (d.text, d.value, d.precision, d.anchor) for d in hits
    ]
