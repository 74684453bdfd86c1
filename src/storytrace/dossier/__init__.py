"""The dossier: the public, versioned JSON contract (``storytrace/dossier@1``) and its renderings.

``schema.json`` beside this module is the contract; ``validate()`` checks a dossier against it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from storytrace import __version__
from storytrace.errors import SchemaError
from storytrace.options import Options
from storytrace.records import Article, Dossier, Generator, Skipped, Story

SCHEMA_ID = "storytrace/dossier@1"

__all__ = ["SCHEMA_ID", "build_dossier", "dossier_json", "load_schema", "validate"]


def build_dossier(
    articles: Sequence[Article], stories: Sequence[Story], skipped: Sequence[Skipped], options: Options
) -> Dossier:
    return Dossier(
        schema=SCHEMA_ID,
        generator=Generator("storytrace", __version__),
        settings=options.settings(),
        articles=sorted(articles, key=lambda a: a.id),
        stories=list(stories),
        skipped=list(skipped),
    )


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    text = resources.files("storytrace.dossier").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(data: dict[str, Any]) -> None:
    """Raise ``SchemaError`` naming the first problem when ``data`` is not a valid dossier."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        raise SchemaError(f"dossier does not match {SCHEMA_ID} at {where}: {e.message}")


def dossier_json(dossier: Dossier) -> str:
    """The dossier as JSON text: stable key order, so the same input gives the same bytes."""
    return json.dumps(dossier.to_dict(), ensure_ascii=False, indent=2) + "\n"
