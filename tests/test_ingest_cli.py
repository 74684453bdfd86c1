"""`storytrace analyze` as a user runs it: exit 0 when all was read, 1 when some input was skipped, 2 on usage errors;
stdin with `-`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storytrace.cli import app

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
