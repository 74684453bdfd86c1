"""The provenance map: who copied or rewrote whom, as an inline SVG laid out in Python.

Layout: each source group is a shaded block; inside it, articles are layered by reuse (the articles that take from
no one, the original reporting, on top; what derives from them below). Blocks sit side by side and wrap onto a new
shelf when the map grows too wide. networkx holds the graph (layering, cycle breaking); the drawing is our own, so
no system binary (graphviz) is needed at run time. Every string from an article is XML-escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import networkx as nx

from storytrace.records import Article, Reuse

# Okabe-Ito hues, colour-blind safe; every node also carries its group's number as text, so colour is never the
# only cue. (border, fill)
GROUP_COLOURS: list[tuple[str, str]] = [
    ("#0072B2", "#dcebf6"),
    ("#D55E00", "#fbe5d6"),
    ("#009E73", "#d7f0e7"),
    ("#B8860B", "#f7edcc"),
    ("#CC79A7", "#f6e3ee"),
    ("#56B4E9", "#e1f2fb"),
    ("#7A5C00", "#efe8d5"),
    ("#555555", "#eeeeee"),
]

NODE_W, NODE_H = 176, 50
COL_GAP, ROW_GAP = 22, 78
PAD = 16  # inside a group block
GROUP_GAP = 22
LABEL_H = 22  # group title above its block
MAX_PER_ROW = 5  # a layer wider than this wraps inside its group
MAX_WIDTH = 1100  # wrap group blocks onto a new shelf beyond this
LEGEND_H = 64
CREDIT_LEGEND_H = 20  # one more legend line, only on maps whose arrows carry a credit label


def group_colour(index: int) -> tuple[str, str]:
    return GROUP_COLOURS[index % len(GROUP_COLOURS)]


def _x(v: str | float) -> str:
    """XML-escape text or attribute content (quotes included)."""
    return escape(str(v), quote=True)


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class MapNode:
    article: str
    label: str  # outlet (or title / file name)
    detail: str  # published date and the like, second line
    tooltip: str
    group: int
    root: bool
    x: float = 0.0
    y: float = 0.0


@dataclass
class GroupBlock:
    index: int
    members: list[str]
    rows: list[list[str]] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0


def _layers(members: Sequence[str], reuse: Sequence[Reuse]) -> dict[str, int]:
    """Longest-path layer of each article over decided reuse; cycles broken by dropping the weakest edge."""
    g: nx.DiGraph = nx.DiGraph()
    g.add_nodes_from(members)
    for r in sorted(reuse, key=lambda r: -r.score):
        if r.direction == "decided" and r.source in g and r.derived in g and r.source != r.derived:
            g.add_edge(r.source, r.derived, score=r.score)
    while True:
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            break
        weakest = min(cycle, key=lambda e: (g.edges[e[0], e[1]]["score"], e[0], e[1]))
        g.remove_edge(weakest[0], weakest[1])
    layer: dict[str, int] = {}
    for depth, generation in enumerate(nx.topological_generations(g)):
        for a in generation:
            layer[a] = depth
    return layer


def _order_rows(block: GroupBlock, layer: dict[str, int], reuse: Sequence[Reuse], order: dict[str, int]) -> None:
    """Rows of the block: layer by layer, each ordered by the mean position of its parents (fewer crossings)."""
    by_layer: dict[int, list[str]] = {}
    for a in block.members:
        by_layer.setdefault(layer.get(a, 0), []).append(a)
    parents: dict[str, list[str]] = {}
    for r in reuse:
        if r.direction == "decided":
            parents.setdefault(r.derived, []).append(r.source)
    pos: dict[str, float] = {}
    for depth in sorted(by_layer):
        items = by_layer[depth]

        def key(a: str) -> tuple[float, int]:
            ps = [pos[p] for p in parents.get(a, []) if p in pos]
            return (sum(ps) / len(ps) if ps else -1.0, order[a])

        items.sort(key=key)
        for i in range(0, len(items), MAX_PER_ROW):
            row = items[i : i + MAX_PER_ROW]
            block.rows.append(row)
            for j, a in enumerate(row):
                pos[a] = float(j)


def layout(
    members: Sequence[str], groups: Sequence[Sequence[str]], reuse: Sequence[Reuse]
) -> tuple[list[GroupBlock], dict[str, tuple[float, float, int]], float, float]:
    """Place group blocks and nodes. Returns blocks, {article: (x, y, group)}, width, height (without legend)."""
    member_set = set(members)
    order = {a: i for i, a in enumerate(members)}
    group_lists = [[a for a in g if a in member_set] for g in groups]
    grouped = {a for g in group_lists for a in g}
    # an article the reuse stage left out of every group still gets drawn, alone
    group_lists += [[a] for a in members if a not in grouped]
    group_lists = [g for g in group_lists if g]
    edges = [r for r in reuse if r.source in member_set and r.derived in member_set]
    layer = _layers(members, edges)

    blocks = []
    for i, g in enumerate(group_lists):
        block = GroupBlock(index=i, members=sorted(g, key=lambda a: order[a]))
        _order_rows(block, layer, edges, order)
        cols = max(len(r) for r in block.rows)
        block.w = PAD * 2 + cols * NODE_W + (cols - 1) * COL_GAP
        # room under the last row for an undecided link drawn as a loop between two nodes of one row
        block.h = PAD * 2 + 20 + len(block.rows) * NODE_H + (len(block.rows) - 1) * ROW_GAP
        blocks.append(block)

    # shelf packing in group order (the reuse stage sorts groups, biggest first)
    x = y = 0.0
    shelf_h = 0.0
    width = 0.0
    for block in blocks:
        if x > 0 and x + block.w > MAX_WIDTH:
            x = 0.0
            y += shelf_h + GROUP_GAP
            shelf_h = 0.0
        block.x, block.y = x, y + LABEL_H
        x += block.w + GROUP_GAP
        shelf_h = max(shelf_h, block.h + LABEL_H)
        width = max(width, block.x + block.w)
    height = y + shelf_h

    places: dict[str, tuple[float, float, int]] = {}
    for block in blocks:
        for r, row in enumerate(block.rows):
            row_w = len(row) * NODE_W + (len(row) - 1) * COL_GAP
            x0 = block.x + (block.w - row_w) / 2
            for j, a in enumerate(row):
                places[a] = (x0 + j * (NODE_W + COL_GAP), block.y + PAD + r * (NODE_H + ROW_GAP), block.index)
    return blocks, places, width, height


def _edge_path(
    a: tuple[float, float], b: tuple[float, float], undecided: bool, at: float = 0.5
) -> tuple[str, tuple[float, float], tuple[float, float]]:
    """SVG path from node a to node b, and the label point, ``at`` of the way along it (0.5: the middle). Nodes are
    given by their top-left corners."""
    ax, ay = a
    bx, by = b
    if abs(ay - by) < 1:  # same row: a loop under both nodes
        sx, sy = ax + NODE_W / 2, ay + NODE_H
        tx, ty = bx + NODE_W / 2, by + NODE_H
        dip = 34.0
        mid = ((sx + tx) / 2, sy + dip * 0.75)
        return (
            f"M{_fmt(sx)},{_fmt(sy)} C{_fmt(sx)},{_fmt(sy + dip)} {_fmt(tx)},{_fmt(ty + dip)} {_fmt(tx)},{_fmt(ty)}",
            mid,
            (tx, ty),
        )
    if by > ay:
        sx, sy = ax + NODE_W / 2, ay + NODE_H
        tx, ty = bx + NODE_W / 2, by - (0 if undecided else 2)
    else:  # a derived article drawn above its source (only when a cycle was broken)
        sx, sy = ax + NODE_W / 2, ay
        tx, ty = bx + NODE_W / 2, by + NODE_H + (0 if undecided else 2)
    my = (sy + ty) / 2
    d = f"M{_fmt(sx)},{_fmt(sy)} C{_fmt(sx)},{_fmt(my)} {_fmt(tx)},{_fmt(my)} {_fmt(tx)},{_fmt(ty)}"
    # the cubic Bezier (s, (sx, my), (tx, my), t) at parameter ``at``
    u = 1 - at
    near_s, near_t = u**3 + 3 * u * u * at, 3 * u * at * at + at**3
    lx = sx * near_s + tx * near_t
    ly = sy * u**3 + my * 3 * u * at + ty * at**3
    return d, (lx, ly), (tx, ty)


def edge_label(r: Reuse) -> str:
    return f"{r.kind} {round(r.score * 100)}%"


def credit_label(r: Reuse) -> str | None:
    """The credit an arrow shows, "credited" or "uncredited"; None when the reuse stage could not tell, or when the
    direction is undecided (with no known source, not naming one is no lapse)."""
    if r.direction != "decided" or r.credited is None:
        return None
    return "credited" if r.credited else "uncredited"


Box = tuple[float, float, float, float]  # x, y, width, height


def _overlaps(a: Box, b: Box, gap: float = 2.0) -> bool:
    return (
        a[0] < b[0] + b[2] + gap and b[0] < a[0] + a[2] + gap and a[1] < b[1] + b[3] + gap and b[1] < a[1] + a[3] + gap
    )


# where along its arrow a label may sit, the preferred place first: labels slide along their arrow until they
# touch no node, no group title and no other label; one with no free place is left out (the table has it)
LABEL_PLACES = (0.5, 0.35, 0.65, 0.2, 0.8, 0.12, 0.88)


@dataclass
class MapDrawing:
    svg: str
    labels_left_out: int  # arrows drawn without their label: no place on the arrow was free


def render_map(
    map_id: str,
    members: Sequence[str],
    groups: Sequence[Sequence[str]],
    reuse: Sequence[Reuse],
    articles: dict[str, Article],
    labels: dict[str, str],
    hrefs: dict[str, str] | None = None,
) -> str:
    """The provenance map of one story as an ``<svg>`` element (well-formed XML, safe to inline in HTML).

    ``map_id`` must be unique in the page and made of [A-Za-z0-9_-] (it prefixes the marker ids);
    ``labels`` gives each article's display name (outlet, disambiguated); ``hrefs`` makes nodes links (to the
    article's view).
    """
    return draw_map(map_id, members, groups, reuse, articles, labels, hrefs).svg


def draw_map(
    map_id: str,
    members: Sequence[str],
    groups: Sequence[Sequence[str]],
    reuse: Sequence[Reuse],
    articles: dict[str, Article],
    labels: dict[str, str],
    hrefs: dict[str, str] | None = None,
) -> MapDrawing:
    """:func:`render_map`, with how many arrow labels found no free place (so the page can open its table).

    No two labels overlap, and none covers a node or a group's title: past a dozen or so articles the arrows of a
    busy story crowd each other, and a label drawn over another reads as neither."""
    hrefs = hrefs or {}
    blocks, places, width, height = layout(members, groups, reuse)
    derived = {r.derived for r in reuse if r.direction == "decided"}
    edges = [r for r in reuse if r.source in places and r.derived in places and r.source != r.derived]
    width = max(width, 540.0)
    credits_shown = any(credit_label(r) for r in edges)
    total_h = height + LEGEND_H + 10 + (CREDIT_LEGEND_H if credits_shown else 0)
    n_groups = len(blocks)
    title = f"Provenance map: {len(places)} articles in {n_groups} independent source group{'s' * (n_groups != 1)}"
    summary = "; ".join(
        f"{labels[r.derived]} {'takes from' if r.direction == 'decided' else 'shares text with'} "
        f"{labels[r.source]} ({edge_label(r)}{', ' + c if (c := credit_label(r)) else ''})"
        for r in edges
    )

    def head(total_h: float) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="provenance-map" role="img" '
            f'viewBox="0 0 {_fmt(width + 2)} {_fmt(total_h)}" width="{_fmt(width + 2)}" height="{_fmt(total_h)}" '
            f'aria-labelledby="{map_id}-title {map_id}-desc">'
        )

    out: list[str] = [head(total_h)]
    out.append(f'<title id="{map_id}-title">{_x(title)}</title>')
    out.append(
        f'<desc id="{map_id}-desc">{_x(summary or "No reuse found: every article is its own reporting.")}</desc>'
    )
    out.append("<defs>")
    for kind, colour in (("arrow", "#333333"),):
        out.append(
            f'<marker id="{map_id}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" '
            f'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")

    for block in blocks:
        border, fill = group_colour(block.index)
        n = len(block.members)
        out.append(
            f'<g class="group"><rect x="{_fmt(block.x + 1)}" y="{_fmt(block.y)}" width="{_fmt(block.w)}" '
            f'height="{_fmt(block.h)}" rx="10" fill="{fill}" stroke="{border}" stroke-width="1"/>'
            f'<text class="group-label" x="{_fmt(block.x + 4)}" y="{_fmt(block.y - 7)}" fill="{border}">'
            f"Source group {block.index + 1} · {n} article{'s' * (n != 1)}</text></g>"
        )

    # edges under nodes; labels after nodes so they stay readable
    labels_svg: list[str] = []
    taken: list[Box] = [(x + 1, y, NODE_W, NODE_H) for x, y, _ in places.values()]
    taken += [(b.x + 4, b.y - 20, 7.5 * (26 + len(str(len(b.members)))), 16) for b in blocks]  # group titles
    left_out = 0
    fan_out = {a: sum(1 for r in edges if r.source == a) for a in places}
    fan_in = {a: sum(1 for r in edges if r.derived == a) for a in places}
    for r in sorted(edges, key=lambda r: (r.source, r.derived)):
        ax, ay, _ = places[r.source]
        bx, by, _ = places[r.derived]
        undecided = r.direction != "decided"
        # labels of arrows fanning out of one source sit near their targets, of arrows fanning into one target near
        # their sources, so that they spread apart instead of piling up where the arrows meet
        at = 0.8 if fan_out[r.source] > fan_in[r.derived] else 0.2 if fan_in[r.derived] > fan_out[r.source] else 0.5
        d, (lx, ly), _ = _edge_path((ax + 1, ay), (bx + 1, by), undecided, at)
        width_px = {"copy": 3.0, "rewrite": 2.2, "partial": 1.4}.get(r.kind, 2.0)
        dash = ' stroke-dasharray="7 5"' if undecided else ""
        marker = "" if undecided else f' marker-end="url(#{map_id}-arrow)"'
        verb = "shares text with (direction undecided)" if undecided else "takes from"
        tip = f"{labels[r.derived]} {verb} {labels[r.source]}: {r.kind}, {round(r.score * 100)}% of it explained"
        credit = credit_label(r)
        if credit is not None:
            tip += f"; {credit}: it {'names' if r.credited else 'does not name'} {labels[r.source]}"
        if r.reasons:
            tip += " (" + "; ".join(r.reasons) + ")"
        out.append(
            f'<g class="edge edge-{_x(r.kind)}{" edge-undecided" if undecided else ""}"><title>{_x(tip)}</title>'
            f'<path d="{d}" fill="none" stroke="#333333" stroke-width="{_fmt(width_px)}"{dash}{marker}/></g>'
        )
        text = edge_label(r) + ("?" if undecided else "") + (f" · {credit}" if credit else "")
        tw = (6.9 if credit == "uncredited" else 6.4) * len(text) + 10  # 11.5 px text; bold when uncredited
        place = None
        for t in (at, *(p for p in LABEL_PLACES if p != at)):
            _, (px, py), _ = _edge_path((ax + 1, ay), (bx + 1, by), undecided, t)
            box = (px - tw / 2, py - 9, tw, 17)
            if not any(_overlaps(box, other) for other in taken):
                place = (px, py, box)
                break
        if place is None:
            left_out += 1  # its arrow keeps its tooltip; the table under the map has the label
            continue
        lx, ly, box = place
        taken.append(box)
        # an uncredited arrow's label gets a red border and the word itself, so colour is never the only cue
        if credit == "uncredited":
            frame, css = 'stroke="#991b1b" stroke-width="1.2"', " uncredited"
        else:
            frame, css = 'stroke="#999999" stroke-width="0.5"', f" {credit}" if credit else ""
        labels_svg.append(
            f'<g class="edge-label{css}"><rect x="{_fmt(lx - tw / 2)}" y="{_fmt(ly - 9)}" width="{_fmt(tw)}" '
            f'height="17" rx="4" fill="#ffffff" {frame}/>'
            f'<text x="{_fmt(lx)}" y="{_fmt(ly + 4)}" text-anchor="middle">{_x(text)}</text></g>'
        )

    for a in sorted(places):
        x, y, gi = places[a]
        x += 1
        border, _fill = group_colour(gi)
        art = articles.get(a)
        root = a not in derived
        name = labels.get(a, a)
        date = (art.published or "")[:10] if art else ""
        role = "original reporting" if root else "derived"
        tip_parts = [name, (art.title if art and art.title else ""), date, f"source group {gi + 1}", role]
        tip = " — ".join(p for p in tip_parts if p)
        href = hrefs.get(a)
        out.append(
            (f'<a href="{_x(href)}" class="node{" root" if root else ""}">' if href else '<g class="node">')
            + f"<title>{_x(tip)}</title>"
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="#ffffff" '
            f'stroke="{border}" stroke-width="{3 if root else 1.5}"/>'
            f'<text x="{_fmt(x + 8)}" y="{_fmt(y + 20)}" class="node-label">{_x(_clip(name, 15))}</text>'
            f'<text x="{_fmt(x + 8)}" y="{_fmt(y + 38)}" class="node-detail">'
            f"{_x(('★ original · ' if root else '') + (date or 'no date'))}</text>"
            f'<text x="{_fmt(x + NODE_W - 7)}" y="{_fmt(y + 19)}" text-anchor="end" class="node-group" '
            f'fill="{border}">G{gi + 1}</text>' + ("</a>" if href else "</g>")
        )
    out.extend(labels_svg)

    # legend
    ly = height + 18
    out.append(f'<g class="legend" transform="translate(0,{_fmt(ly)})">')
    items = [
        ("copy", "3", "", True, "copy"),
        ("rewrite", "2.2", "", True, "rewrite"),
        ("partial", "1.4", "", True, "partial reuse"),
        ("undecided", "2", ' stroke-dasharray="7 5"', False, "direction undecided"),
    ]
    lx = 4.0
    for _kind, w, dash, arrow, text in items:
        marker = f' marker-end="url(#{map_id}-arrow)"' if arrow else ""
        out.append(
            f'<path d="M{_fmt(lx)},8 L{_fmt(lx + 34)},8" stroke="#333333" stroke-width="{w}"{dash}{marker}/>'
            f'<text x="{_fmt(lx + 42)}" y="12">{_x(text)}</text>'
        )
        lx += 62 + 8 * len(text)
    out.append(
        '<rect x="4" y="26" width="22" height="14" rx="3" fill="#ffffff" stroke="#333333" stroke-width="3"/>'
        '<text x="32" y="37">★ original reporting: takes from no other article here</text>'
    )
    if credits_shown:
        out.append('<text x="4" y="60">credited / uncredited: the reusing article names its source, or does not</text>')
    if left_out:
        arrows = f"{left_out} arrow{'s' * (left_out != 1)}"
        note = f"{arrows} drawn without {'its label' if left_out == 1 else 'their labels'} (no room): the table below has every link"
        y = 60 + (CREDIT_LEGEND_H if credits_shown else 0)
        out.append(f'<text x="4" y="{y}" class="labels-left-out">{_x(note)}</text>')
        out[0] = head(total_h + CREDIT_LEGEND_H)  # one more legend line
    out.append("</g></svg>")
    return MapDrawing("".join(out), left_out)


__all__ = [
    "GROUP_COLOURS",
    "MapDrawing",
    "credit_label",
    "draw_map",
    "edge_label",
    "group_colour",
    "layout",
    "render_map",
]
