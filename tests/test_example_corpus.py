"""The example corpus and its gold findings (examples/harbour-fire/EXPECTED.json) are consistent with each other,
and the whole pipeline runs over the corpus into a dossier that validates against the schema.

Stage-specific checks against EXPECTED.json live with each stage's tests; this file only guards the gold itself.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from storytrace.cli import app
from storytrace.dossier import validate

META_FILES = {"EXPECTED.json", "EXPECTED.md", "README.md"}
ROLES = {"wire", "copy", "rewrite", "independent", "derivative", "aggregator", "other-story"}


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
    return data


def article_files() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in META_FILES)


def readable_text(name: str) -> str:
    """The file's words as a reader sees them: JSON strings decoded, HTML entities resolved."""
    path = CORPUS / name
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        parts: list[str] = []
        for line in raw.splitlines():
            if line.strip():
                parts.extend(str(v) for v in json.loads(line).values() if isinstance(v, str))
        return "\n".join(parts)
    if path.suffix in {".html", ".htm"}:
        return html.unescape(raw)
    return raw


def assert_in(file: str, needle: str, what: str) -> None:
    assert file in article_files(), f"{what}: {file} is not a corpus file"
    assert needle in readable_text(file), f"{what}: {needle!r} does not occur in {file}"


def test_every_article_file_is_described(expected: dict[str, Any]) -> None:
    assert sorted(expected["articles"]) == article_files()
    for name, meta in expected["articles"].items():
        assert set(meta) == {"outlet", "title", "published", "dateline", "byline", "role"}, name
        assert meta["role"] in ROLES, name
        if meta["published"] is not None:
            date.fromisoformat(meta["published"])
        for key in ("title", "dateline", "byline"):
            if meta[key] is not None:
                assert_in(name, meta[key], f"articles.{key}")


def test_stories_partition_the_files(expected: dict[str, Any]) -> None:
    members = [f for story in expected["stories"] for f in story]
    assert sorted(members) == article_files()
    assert len(members) == len(set(members)), "a file is in two stories"
    other = [f for f, m in expected["articles"].items() if m["role"] == "other-story"]
    assert other and all([f] in expected["stories"] for f in other), "the other-story article forms its own story"


def _group_of(expected: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """File -> (story, group) over every story's source groups."""
    return {f: (s, n) for s, groups in enumerate(expected["story_groups"]) for n, g in enumerate(groups) for f in g}


def test_groups_partition_the_main_story(expected: dict[str, Any]) -> None:
    main = max(expected["stories"], key=len)
    members = [f for g in expected["groups"] for f in g]
    assert sorted(members) == sorted(main)
    assert len(members) == len(set(members))
    # "story_groups" holds every story's source groups, the main story's being "groups"
    assert len(expected["story_groups"]) == len(expected["stories"])
    for story, groups in zip(expected["stories"], expected["story_groups"], strict=True):
        in_groups = [f for g in groups for f in g]
        assert sorted(in_groups) == sorted(story) and len(in_groups) == len(set(in_groups)), story
    assert expected["story_groups"][expected["stories"].index(main)] == expected["groups"]
    # every reuse link stays inside one group; every not-linked pair of one story spans two groups
    group_of = _group_of(expected)
    sources = {f: {r["from"] for r in expected["reuse"] if r["to"] == f} for f in article_files()}
    for link in expected["reuse"]:
        assert link["kind"] in {"copy", "rewrite", "partial"}
        assert group_of[link["from"]] == group_of[link["to"]], link
    for a, b in expected["not_linked"]:
        assert a in article_files() and b in article_files()
        if a in group_of and b in group_of and group_of[a] == group_of[b]:
            # two copies of one wire item: one group through the wire, yet neither took from the other
            assert sources[a] and sources[a] == sources[b], (a, b)
        assert {"from": a, "to": b} not in [{"from": r["from"], "to": r["to"]} for r in expected["reuse"]]


def test_quotes_numbers_dates_occur_verbatim(expected: dict[str, Any]) -> None:
    for q in expected["quotes"]:
        assert_in(q["file"], q["text"], "quotes.text")
        assert q["fidelity"] in {"verbatim", "close", "altered", "unattested", "single_source"}
        assert q["speaker"] and q["cue"]
    for n in expected["numbers"]:
        assert_in(n["file"], n["text"], "numbers.text")
        assert n["low"] is not None or n["high"] is not None
        if n["low"] is not None and n["high"] is not None:
            assert n["low"] <= n["high"]
    for d in expected["dates"]:
        assert_in(d["file"], d["text"], "dates.text")
        if d["precision"] == "month":
            assert re.fullmatch(r"\d{4}-\d{2}", d["value"]), d
        else:
            day = date.fromisoformat(d["value"])
            if d["precision"] == "week":
                assert day.weekday() == 0, f"a week is named by its Monday: {d}"


def test_relative_dates_resolve_against_the_publication_date(expected: dict[str, Any]) -> None:
    """A weekday without 'next'/'last' is the most recent such day on or before the publication day, unless the
    sentence looks ahead ("is set to meet on Friday", "will reopen on Monday": ``ahead``), when it is the first such
    day on or after it."""
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    checked = ahead = 0
    for d in expected["dates"]:
        published = expected["articles"][d["file"]]["published"]
        words = d["text"].lower().split()
        weekday = next((names.index(w) for w in words if w in names), None)
        if weekday is None or d["precision"] != "day" or published is None:
            continue
        pub = date.fromisoformat(published)
        resolved = date.fromisoformat(d["value"])
        assert resolved.weekday() == weekday, d
        if d.get("ahead"):
            assert 0 <= (resolved - pub).days < 7, d
            ahead += 1
        else:
            assert 0 <= (pub - resolved).days < 7, d
        checked += 1
    assert checked >= 8
    assert ahead >= 3, "the preview and the reports look ahead to named weekdays"


def test_claims_conflicts_and_the_rest_occur_verbatim(expected: dict[str, Any]) -> None:
    for c in expected["claims"]:
        assert c["status"] in {"corroborated", "single_source", "unsupported_addition"}
        for f, s in c["contains"].items():
            assert_in(f, s, f"claims[{c['about']}]")
        if c["status"] == "corroborated":
            assert c["independent_sources"] >= 2
    group_of = _group_of(expected)
    for c in expected["claims"]:
        stated_by = {group_of[f] for f in c["contains"] if f in group_of}
        if stated_by:
            assert len(stated_by) == c["independent_sources"], c["about"]
    for k in expected["conflicts"]:
        assert k["kind"] in {"number", "date", "order", "entity", "negation", "tense", "quote", "other"}
        assert k["severity"] in {"high", "low"}
        assert sorted(k["files"]) == sorted(k["contains"])
        for f, s in k["contains"].items():
            assert_in(f, s, f"conflicts[{k['kind']}]")
    for o in expected["off_topic"]:
        assert_in(o["file"], o["contains"], "off_topic")
    for b in expected["boilerplate"]:
        assert_in(b["file"], b["removed_contains"], "boilerplate")
    for c in expected["clean"]:
        assert c["what"] in {"claim", "quote", "conflict", "reuse"} and c["why"]
        assert_in(c["file"], c["contains"], "clean")
        if c["what"] == "reuse":  # the two articles share the passage, yet neither took it from the other
            assert_in(c["other"], c["contains"], "clean (reuse)")
            assert [c["file"], c["other"]] in expected["not_linked"] or [c["other"], c["file"]] in expected[
                "not_linked"
            ]
    for p in expected["same_person"]:
        assert len(set(p["names"].values())) > 1 and p["why"], "one person spelled more than one way"
        for f, who in p["names"].items():
            assert_in(f, who, "same_person")


def test_the_copy_is_not_the_same_text_as_the_wire(expected: dict[str, Any]) -> None:
    """Ingest merges identical texts into one article; each copy trims its wire item's last sentence so that it stays
    its own article (and two copies of one wire item differ from each other as well)."""
    copies = [f for f, m in expected["articles"].items() if m["role"] == "copy"]
    assert len(copies) >= 3
    texts: dict[str, str] = {}
    for c in copies:
        (wire,) = [r["from"] for r in expected["reuse"] if r["to"] == c]
        assert expected["articles"][wire]["role"] == "wire"
        wire_text = json.loads((CORPUS / wire).read_text(encoding="utf-8").splitlines()[0])["text"]
        last = wire_text.split(". ")[-1]
        assert last not in readable_text(c), c
        ends = [s.strip() for s in re.split(r"(?<=[.!?])\s+", wire_text) if s.strip() in readable_text(c)]
        assert ends, c
        texts[c] = ends[-1]  # the last wire sentence the copy keeps
    for a in copies:
        for b in copies:
            if a < b and [r["from"] for r in expected["reuse"] if r["to"] == a] == [
                r["from"] for r in expected["reuse"] if r["to"] == b
            ]:
                assert texts[a] != texts[b], f"{a} and {b} run the same wire text to the same end"


def test_analyze_writes_a_valid_dossier(tmp_path: Path) -> None:
    out = tmp_path / "dossier.json"
    result = CliRunner().invoke(app, ["analyze", f"{CORPUS}/", "--json", str(out), "--quiet"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    validate(data)
    origins = {Path(o).name for a in data["articles"] for o in a["origins"]}
    skipped = {Path(s["origin"]).name for s in data["skipped"]}
    missing = set(article_files()) - origins
    assert not missing, f"articles not read: {missing} (skipped: {skipped})"
    assert data["stories"], "no story was formed"
