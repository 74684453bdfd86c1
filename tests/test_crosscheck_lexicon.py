"""The consistency judge's word relations and word-diff features on real sentences."""

from __future__ import annotations

from storytrace.crosscheck.consistency import FEATURES, Source, features
from storytrace.crosscheck.lexicon import relation


def test_relations():
    assert relation("rose", "fell") == "antonym"
    assert relation("rejected", "accepted") == "antonym"
    assert relation("daring", "audacious") == "synonym"
    assert relation("Saturday", "Wednesday") == "sibling"
    assert relation("ships", "ship") == "same"


def test_word_diff_flags_edits_not_the_faithful_copy():
    src = Source.build(
        "Sales at the company rose 5 percent on Wednesday, its chief executive said. "
        "The company declined to comment on the layoffs."
    )
    col = {f: i for i, f in enumerate(FEATURES)}
    same = features(src, "Sales at the company rose 5 percent on Wednesday.")
    flipped = features(src, "Sales at the company fell 5 percent on Wednesday.")
    negated = features(src, "Sales at the company did not rise on Wednesday.")
    assert same[col["wf_antonym"]] == 0 and same[col["wf_negation_diff"]] == 0
    assert flipped[col["wf_antonym"]] >= 1
    assert negated[col["wf_negation_diff"]] == 1
