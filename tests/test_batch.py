"""The Ray Data batch: the same dossier as the in-process pipeline, sharded output that reads back, bad inputs
skipped. One local Ray session for the module (starting one costs 20-30 s on a busy machine), two runs on it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from storytrace.batch import analyze_with_ray, read_articles, read_manifest, read_skipped, read_stories, run_batch
from storytrace.batch.output import index_row, write_index, write_shard
from storytrace.cli import app
from storytrace.dossier import build_dossier, dossier_json, validate
from storytrace.errors import MissingExtra
from storytrace.options import Options

FERRY = (
    "Ferry crews walk out at Kessby over pay\n\n"
    "KESSBY — Crews on the island ferries stopped work at dawn on Thursday after talks on pay broke down, leaving "
    "hundreds of commuters stranded on the quayside.\n\n"
    "The seafarers' union said its members had been offered a rise of 2 percent, well below inflation. "
    '"Our members keep this town moving, and they cannot live on promises," union organiser Pell Arvo said.\n\n'
    "The ferry company said it regretted the walkout and hoped to resume sailings on Friday."
)
FERRY_REWRITE = (
    "Island ferries stop as crews strike over pay. Ferry crews at Kessby stopped work at dawn on Thursday when talks "
    "on pay broke down, and hundreds of commuters were left stranded. The union said the offer of a 2 percent rise "
    'was below inflation. "Our members keep this town moving, and they cannot live on promises," organiser Pell Arvo '
    "said. The company hopes to resume sailings on Friday."
)
BRIEF = (
    "The town library in Orsby will stay open until nine in the evening from next month, the council said, after a "
    "survey of readers asked for longer hours on weekdays."
)
LETTRE = (
    "Le conseil municipal de Lorvan a voté jeudi soir la rénovation complète du marché couvert. Les travaux "
    "commenceront au printemps et dureront deux ans, selon le maire, qui a promis que les commerçants pourront "
    "rester sur place pendant le chantier."
)


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The example corpus, a second story (an article and its rewrite), an unrelated brief, the same text as a
    corpus article read again, an article in French, an empty file and a path that names nothing."""
    extra = tmp_path_factory.mktemp("extra")
    (extra / "ferry-strike.txt").write_text(FERRY, encoding="utf-8")
    lines = [{"title": "Island ferries stop", "text": FERRY_REWRITE, "outlet": "Kessby Echo"}, {"text": BRIEF}]
    (extra / "wire.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    shutil.copy(CORPUS / "evening-star.txt", extra / "evening-star-again.txt")
    (extra / "lettre.txt").write_text(LETTRE, encoding="utf-8")
    (extra / "empty.txt").write_text("\n", encoding="utf-8")
    return [str(CORPUS), str(extra), str(extra / "no-such-article.txt")]


@pytest.fixture(scope="module")
def in_process(pile: list[str]) -> Any:
    from storytrace.pipeline import analyze

    return analyze(pile)


@pytest.fixture(scope="module")
def ray_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    # a short directory: Ray's unix socket paths must stay under 108 bytes
    temp = tmp_path_factory.mktemp("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _temp_dir=str(temp))
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


def comparable(dossier: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(dossier_json(dossier))
    data.pop("settings")
    return data


def test_ray_gives_the_same_dossier_as_the_pipeline(ray_local: Any, in_process: Any, pile: list[str]) -> None:
    on_ray = analyze_with_ray(pile)
    assert ray_local.is_initialized(), "the batch must leave a session it did not start running"
    validate(json.loads(dossier_json(on_ray)))
    reasons = {Path(s.origin).name: s.reason for s in on_ray.skipped}
    assert reasons.keys() == {"no-such-article.txt", "empty.txt"}
    assert reasons["no-such-article.txt"] == "no such file or directory"
    again = [a for a in on_ray.articles if len(a.origins) == 2]
    assert [sorted(Path(o).name for o in a.origins) for a in again] == [["evening-star-again.txt", "evening-star.txt"]]
    by_id = {a.id: a for a in on_ray.articles}
    ferry = [s for s in on_ray.stories if any("Kessby" in by_id[a].text for a in s.articles)]
    assert [len(s.articles) for s in ferry] == [2]
    french = [s for s in on_ray.stories if any(by_id[a].language == "fr" for a in s.articles)]
    assert [len(s.articles) for s in french] == [1]
    assert comparable(on_ray) == comparable(in_process)


def test_batch_writes_shards_that_read_back(ray_local: Any, in_process: Any, pile: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", *pile, "--out", str(out)])
    assert result.exit_code == 1, result.output  # some inputs were skipped
    assert "skipped" in result.output and "index.json" in result.output
    manifest = read_manifest(out)
    assert (manifest["format"], manifest["stories"]) == ("jsonl", len(in_process.stories))
    assert manifest["articles"] == len(in_process.articles)
    stories = list(read_stories(out))
    for d in stories:
        validate(d)
    expected = json.loads(dossier_json(in_process))
    assert [d["stories"][0] for d in stories] == expected["stories"]
    by_id = {a["id"]: a for a in expected["articles"]}
    for d in stories:
        assert d["articles"] == [by_id[a] for a in sorted(d["stories"][0]["articles"])]
    story_of = {a: s["id"] for s in expected["stories"] for a in s["articles"]}
    index = list(read_articles(out))
    assert sorted(row["id"] for row in index) == sorted(by_id)
    assert all(row["story"] == story_of[row["id"]] and row["origins"] == by_id[row["id"]]["origins"] for row in index)
    assert read_skipped(out) == in_process.skipped


def test_a_pile_with_nothing_readable_is_an_empty_index(ray_local: Any, tmp_path: Path) -> None:
    missing, empty = str(tmp_path / "gone.txt"), tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    report = run_batch([missing, str(empty)], tmp_path / "out")
    assert (report.articles, report.stories, report.files) == (0, 0, [])
    assert [Path(s.origin).name for s in report.skipped] == ["gone.txt", "empty.txt"]
    assert read_manifest(tmp_path / "out")["skipped"] == 2 and not list(read_stories(tmp_path / "out"))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shards_read_back_in_story_order(corpus_dossier: Any, tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    by_id = {a.id: a for a in corpus_dossier.articles}
    options = Options()
    rows, index = [], []
    for k, story in enumerate(corpus_dossier.stories):
        members = [by_id[a] for a in story.articles]
        line = json.dumps(build_dossier(members, [story], [], options).to_dict(), ensure_ascii=False)
        rows.append((k, story.id, story.headline, len(members), line))
        index += [index_row(a, story.id) for a in members]
    # two shards, the second one first: readers go by the index, not by when a file was written
    files = write_shard(str(tmp_path), 1, fmt, rows[2:], index[:1]) + write_shard(str(tmp_path), 0, fmt, rows[:2], [])
    manifest = {"schema": "storytrace/batch@1", "format": fmt, "files": {
        "stories": sorted(f for f in files if f.startswith("stories")),
        "articles": sorted(f for f in files if f.startswith("articles")),
    }}  # fmt: skip
    write_index(str(tmp_path), manifest, corpus_dossier.skipped)
    back = list(read_stories(tmp_path))
    assert [d["stories"][0]["id"] for d in back] == [s.id for s in corpus_dossier.stories]
    assert back[0]["stories"][0] == corpus_dossier.stories[0].to_dict()
    assert list(read_articles(tmp_path)) == index[:1]
    assert not list(tmp_path.glob(".*.tmp"))


def test_bad_batch_flags_fail_in_one_line_before_ray_starts(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(CORPUS), "--out", str(tmp_path / "o"), "--format", "xml"])
    assert result.exit_code == 2
    assert "--format wants jsonl or parquet, got 'xml'" in result.output and "Traceback" not in result.output
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(CORPUS), "--out", str(tmp_path / "a-file")])
    assert result.exit_code == 2 and "a file is in the way" in result.output


def test_reading_a_folder_that_is_not_batch_output_says_so(tmp_path: Path) -> None:
    from storytrace.errors import UsageError

    with pytest.raises(UsageError, match=r"index\.json is missing"):
        list(read_stories(tmp_path))


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when the extra is not installed
    with pytest.raises(MissingExtra) as info:
        analyze_with_ray([str(CORPUS)])
    assert info.value.extra == "ray"
    assert "storytrace[ray]" in str(info.value)


def test_importing_storytrace_does_not_import_ray() -> None:
    code = (
        "import sys, storytrace, storytrace.batch, storytrace.batch.grouping, storytrace.batch.stories, "
        "storytrace.pipeline, storytrace.cli; sys.exit(1 if 'ray' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
