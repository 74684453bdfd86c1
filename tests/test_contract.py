"""The dossier contract: records round-trip, and what analyze writes validates against the schema."""

from __future__ import annotations

import json

import pytest

from storytrace.dossier import SCHEMA_ID, dossier_json, load_schema, validate
from storytrace.errors import SchemaError
from storytrace.pipeline import analyze
from storytrace.records import Dossier, Reuse, ReuseEvidence


def test_reuse_uses_from_and_to_in_json() -> None:
    r = Reuse(
        source="a",
        derived="b",
        kind="copy",
        score=0.9,
        evidence=[ReuseEvidence(from_sentence=0, to_sentence=[1, 2], similarity=1.0, match="verbatim")],
    )
    d = r.to_dict()
    assert d["from"] == "a" and d["to"] == "b" and "source" not in d
    assert Reuse.from_dict(d) == r


def test_analyze_output_validates(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(
        "Fire at the harbour\n\nA fire broke out at the harbour on Monday. Nobody was hurt.\n"
    )
    (tmp_path / "b.txt").write_text("")
    dossier = analyze([str(tmp_path)])
    data = json.loads(dossier_json(dossier))
    validate(data)
    assert data["schema"] == SCHEMA_ID
    assert [s["origin"] for s in data["skipped"]] == [str(tmp_path / "b.txt")]
    assert Dossier.from_dict(data).to_dict() == data
    for story in data["stories"]:
        for key in ("reuse", "groups", "claims", "quotes", "conflicts", "off_topic", "timeline", "summary"):
            assert key in story


def test_validate_names_the_problem() -> None:
    with pytest.raises(SchemaError, match="stories"):
        validate(
            {
                "schema": SCHEMA_ID,
                "generator": {"name": "x", "version": "1"},
                "settings": {},
                "articles": [],
                "stories": "nope",
            }
        )


def test_every_schema_field_is_documented() -> None:
    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert "description" in prop or "$ref" in prop or "enum" in prop or "type" in prop, f"{path}.{name}"
                if isinstance(prop, dict) and "$ref" not in prop:
                    assert prop.get("description"), f"{path}.{name} has no description"
                walk(prop, f"{path}.{name}")
            for k in ("items",):
                if k in node:
                    walk(node[k], path + "[]")

    schema = load_schema()
    walk(schema, "")
    for name, d in schema["$defs"].items():
        walk(d, name)
