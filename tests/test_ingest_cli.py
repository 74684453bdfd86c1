"""`storytrace analyze` as a user runs it: exit 0 when all was read, 1 when some input was skipped, 2 on usage errors;
stdin with `-`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.errors import UsageError
from storytrace.ingest.sources import size_text
from storytrace.options import IngestOptions

DATA = Path(__file__).parent / "data" / "ingest"
GOOD = str(DATA / "wire-copy.txt")
runner = CliRunner()


def test_all_read_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["analyze", GOOD, "--json", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    dossier = json.loads(out.read_text())
    assert [a["origin"] for a in dossier["articles"]] == [GOOD]


def test_skipped_inputs_exit_1_with_one_line_each(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = str(tmp_path / "missing.txt")
    pattern = str(tmp_path / "*.html")
    result = runner.invoke(app, ["analyze", GOOD, str(empty), missing, pattern, "--quiet"])
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("skipped ")]
    assert lines == [
        f"skipped {missing}: no such file or directory",
        f"skipped {pattern}: no file matches this pattern",
        f"skipped {empty}: empty file",
    ]


def test_bad_field_mapping_exits_2() -> None:
    result = runner.invoke(app, ["analyze", GOOD, "--field", "nonsense", "--quiet"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["analyze", GOOD, "--field", "headline=title", "--quiet"])
    assert result.exit_code == 2 and "unknown article field" in result.stderr


def test_stdin(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    text = (DATA / "wire-copy.txt").read_text(encoding="utf-8")
    result = runner.invoke(app, ["analyze", "-", "--json", str(out), "--quiet"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (article,) = json.loads(out.read_text())["articles"]
    assert article["origin"] == "-" and article["title"] == "Ferry strike ends after two days"


def test_unknown_field_names_it_for_every_command_and_the_api(tmp_path: Path) -> None:
    for command in (["analyze", GOOD], ["ingest", GOOD, "--db", str(tmp_path / "s.db")]):
        result = runner.invoke(app, [*command, "--field", "headline=title", "--quiet"])
        assert result.exit_code == 2
        assert "--field: unknown article field 'headline' (known: text, title, url, published, outlet, byline)" in (
            " ".join(result.stderr.split())
        )
    assert not (tmp_path / "s.db").exists()  # refused before anything was opened or read
    twice = runner.invoke(app, ["analyze", GOOD, "--field", "text=body", "--field", "text=story", "--quiet"])
    assert twice.exit_code == 2 and "--field text is given twice" in twice.stderr
    with pytest.raises(UsageError, match="unknown article field 'headline'"):
        IngestOptions(field_map={"headline": "title"})
    with pytest.raises(UsageError, match="--max-bytes must be a positive"):
        IngestOptions(max_bytes=0)


def test_size_limits_are_worded_in_readable_units() -> None:
    result = runner.invoke(app, ["analyze", GOOD, "--max-bytes", "100", "--quiet"])
    assert result.exit_code == 1
    size = size_text(Path(GOOD).stat().st_size)
    assert f"skipped {GOOD}: too large ({size}; limit 100 bytes, raise --max-bytes to read it)" in result.stderr
    assert [size_text(n) for n in (1, 999, 1_500, 40_000, 2_500_000)] == [
        "1 byte",
        "999 bytes",
        "1.5 KB",
        "40 KB",
        "2.5 MB",
    ]


GERMAN = """Stadtrat beschließt neuen Haushalt

Der Stadtrat hat am Montag nach einer langen Debatte den Haushalt für das kommende Jahr beschlossen. Die Bibliotheken
bekommen mehr Geld, die Gebühren für Busse steigen nicht, sagte die Bürgermeisterin.
"""


def test_summary_counts_in_words_and_sets_other_languages_aside(tmp_path: Path) -> None:
    pile = tmp_path / "pile"
    pile.mkdir()
    shutil.copy(GOOD, pile / "ferry.txt")
    (pile / "haushalt.txt").write_text(GERMAN, encoding="utf-8")
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["analyze", str(pile), "--json", str(out)])
    assert result.exit_code == 0, result.output
    summary = " ".join(result.stdout.split())
    assert summary.startswith(
        "2 articles, 2 stories, 0 skipped; 1 article not in English set aside (no claims read, never compared with "
        "English)"
    )
    assert ": 1 article, 1 independent group, 0 reuse links," in summary
    dossier = json.loads(out.read_text())
    languages = {a["title"]: a["language"] for a in dossier["articles"]}
    assert languages == {"Ferry strike ends after two days": "en", "Stadtrat beschließt neuen Haushalt": "de"}
    assert all(len(s["articles"]) == 1 for s in dossier["stories"])
