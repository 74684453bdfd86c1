"""An editor's merges and splits (``StoryOptions.edits``), applied to the grouping after it is made.

The grouping is recomputed from the whole pile whenever articles arrive, so a correction cannot be a change to a
stored story: it is a constraint on article ids, applied every time, in the order the editor made them (a merge
after a split of the same articles undoes it, and the other way round). Ids of articles no longer in the pile are
ignored.
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.options import StoryEdit


def apply_edits(groups: Sequence[Sequence[int]], ids: Sequence[str], edits: Sequence[StoryEdit]) -> list[list[int]]:
    """``groups`` (row indices into ``ids``) with every edit applied: a merge puts the stories of its articles into
    one; a split takes its articles out of each story they share with one of ``apart_from``, into one story of
    their own. The result has the grouping's shape: each group sorted, groups ordered by their first row."""
    row = {a: n for n, a in enumerate(ids)}
    out = [set(g) for g in groups]
    for edit in edits:
        rows = {row[a] for a in edit.articles if a in row}
        if edit.kind == "merge":
            touched = [g for g in out if g & rows]
            if len(touched) > 1:
                out = [g for g in out if not g & rows] + [set().union(*touched)]
            continue
        rest = {row[a] for a in edit.apart_from if a in row}
        kept: list[set[int]] = []
        for g in out:
            moved = g & rows
            if moved and g & rest and moved != g:
                kept += [g - moved, moved]
            else:
                kept.append(g)
        out = kept
    return sorted((sorted(g) for g in out if g), key=lambda g: g[0])


__all__ = ["apply_edits"]
