"""The Ray Data batch gives the same dossier as the in-process pipeline, and a bad input is a Skipped record."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS
from storytrace.batch import analyze_with_ray
from storytrace.dossier import dossier_json, validate
from storytrace.errors import MissingExtra


@pytest.fixture(scope="session")
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


def test_ray_gives_the_same_dossier_as_the_pipeline(ray_local: Any, corpus_dossier: Any, tmp_path: Path) -> None:
    """``corpus_dossier`` is ``storytrace.pipeline.analyze([CORPUS])``; the Ray run adds one missing file."""
    missing = str(tmp_path / "no-such-article.txt")
    on_ray = analyze_with_ray([str(CORPUS), missing])
    assert ray_local.is_initialized(), "the batch must leave a session it did not start running"
    validate(json.loads(dossier_json(on_ray)))
    assert [(s.origin, s.reason) for s in on_ray.skipped] == [(missing, "no such file or directory")]
    expected_files = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))["articles"]
    assert sorted(Path(a.origin).name for a in on_ray.articles) == sorted(expected_files)
    assert [s.articles for s in on_ray.stories] == [s.articles for s in corpus_dossier.stories]
    ray_data, in_process = comparable(on_ray), comparable(corpus_dossier)
    assert ray_data.pop("skipped") and not in_process.pop("skipped")
    assert ray_data == in_process


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when the extra is not installed
    with pytest.raises(MissingExtra) as info:
        analyze_with_ray([str(CORPUS)])
    assert info.value.extra == "ray"
    assert "storytrace[ray]" in str(info.value)


def test_importing_storytrace_does_not_import_ray() -> None:
    code = (
        "import sys, storytrace, storytrace.batch, storytrace.pipeline, storytrace.cli; "
        "sys.exit(1 if 'ray' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
