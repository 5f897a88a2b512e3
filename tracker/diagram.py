"""Draw the project workflow as inline SVG, straight from the FSM declaration on ChangeProject."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tracker import workflow
from tracker.models import ChangeProject

NODE_W, NODE_H, ROW_H, WIDTH, MARGIN = 204, 40, 90, 900, 20
LABEL_CHAR_W = 6.2  # average width of one character of an 11px label


@dataclass(frozen=True)
class Edge:
    name: str
    label: str
    source: str
    target: str


def workflow_edges() -> tuple[list[Edge], list[Edge]]:
    """(edges between states, edges that leave from every non-final state) of the workflow."""
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, target, name in workflow.edges(ChangeProject):
        by_name[name].append((str(source), str(target)))
    non_final = {value for value in ChangeProject.State if value not in ChangeProject.FINAL_STATES}
    edges: list[Edge] = []
    from_anywhere: list[Edge] = []
    for name, pairs in by_name.items():
        label = str(workflow.label(ChangeProject, name))
        sources = {source for source, _target in pairs}
        if len(pairs) > 1 and sources == non_final:
            from_anywhere.extend(Edge(name, label, s, t) for s, t in pairs)
        else:
            edges.extend(Edge(name, label, s, t) for s, t in pairs)
    return edges, from_anywhere


def _ranks(edges: list[Edge]) -> dict[str, int]:
    """Longest-path depth from draft over edges that do not lead back to an earlier state."""
    rank = {ChangeProject.State.DRAFT.value: 0}
    changed = True
    while changed:
        changed = False
        for edge in edges:
            if edge.source in rank and (edge.target not in rank):
                rank[edge.target] = rank[edge.source] + 1
                changed = True
    return rank


def workflow_svg(current: str | None) -> SafeString:
    edges, from_anywhere = workflow_edges()
    rank = _ranks(edges)
    back = [edge for edge in edges if rank[edge.target] <= rank[edge.source]]
    with_back_edge = {edge.source for edge in back} | {edge.target for edge in back}
    rows: dict[int, list[str]] = defaultdict(list)
    for value in ChangeProject.State.values:
        if value in rank:
            rows[rank[value]].append(value)
    position: dict[str, tuple[float, float]] = {}
    for row, states in rows.items():
        # States with a step back go to the outside, so the curve does not cross a neighbour.
        if len(states) > 2:
            states.sort(key=lambda value: value in with_back_edge)
        gap = (WIDTH - 2 * MARGIN) / len(states)
        for index, value in enumerate(states):
            x = MARGIN + gap * index + (gap - NODE_W) / 2
            position[value] = (x, MARGIN + row * ROW_H)
    height = MARGIN * 2 + (max(rows) + 1) * ROW_H + 40
    labels = dict(ChangeProject.State.choices)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="wf-title" class="workflow-diagram">',
        f'<title id="wf-title">{escape(_("Alur kerja proyek perubahan"))}</title>',
        '<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#4f5b6b"/></marker></defs>',
    ]
    fanning = {edge.name for edge in edges if sum(e.name == edge.name for e in edges) > 1}
    for edge in edges:
        if edge in back:
            parts.append(_back_edge_svg(edge, position))
        else:
            parts.append(_forward_edge_svg(edge, position, labelled=edge.name not in fanning))
    for name in sorted(fanning):
        # One label for a decision with several outcomes, just under the deciding state.
        first = next(edge for edge in edges if edge.name == name)
        x, y = position[first.source]
        parts.append(
            f'<text class="wf-edge-label" x="{x + NODE_W / 2 + 8:.0f}" '
            f'y="{y + NODE_H + 16:.0f}">{escape(first.label)}</text>'
        )
    for value, (x, y) in position.items():
        css = "wf-node wf-node--current" if value == current else "wf-node"
        parts.append(
            f'<g class="{css}"><rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" '
            f'rx="8"/><text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 5:.0f}" '
            f'text-anchor="middle">{escape(labels[value])}</text></g>'
        )
    if from_anywhere:
        edge = from_anywhere[0]
        note = _("Dari status mana pun yang belum final: “%(action)s” → %(state)s") % {
            "action": edge.label,
            "state": labels[edge.target],
        }
        css = "wf-note wf-note--current" if current == edge.target else "wf-note"
        parts.append(f'<text class="{css}" x="{MARGIN}" y="{height - 16}">{escape(note)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text piece above is escaped


def _forward_edge_svg(edge: Edge, position, *, labelled: bool) -> str:
    sx, sy = position[edge.source]
    tx, ty = position[edge.target]
    x1, y1 = sx + NODE_W / 2, sy + NODE_H
    x2, y2 = tx + NODE_W / 2, ty
    label = ""
    if labelled:
        label = (
            f'<text class="wf-edge-label" x="{(x1 + x2) / 2 + 8:.0f}" '
            f'y="{(y1 + y2) / 2 + 4:.0f}">{escape(edge.label)}</text>'
        )
    return (
        f'<g class="wf-edge"><path d="M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}" '
        f'marker-end="url(#wf-arrow)"/>{label}</g>'
    )


def _back_edge_svg(edge: Edge, position) -> str:
    """A step back (return, revision, resubmission): a dashed curve on the outer side."""
    sx, sy = position[edge.source]
    tx, ty = position[edge.target]
    left_side = min(sx, tx) + NODE_W < WIDTH / 2
    if left_side:
        x1, x2 = sx, tx
        bulge = min(x1, x2) - 36
    else:
        x1, x2 = sx + NODE_W, tx + NODE_W
        bulge = max(x1, x2) + 36
    y1, y2 = sy + NODE_H / 2, ty + NODE_H / 2
    label_width = len(edge.label) * LABEL_CHAR_W
    if left_side:
        anchor, lx = ("end", bulge - 6) if bulge - 6 - label_width > 0 else ("start", bulge + 6)
    elif bulge + 6 + label_width < WIDTH:
        anchor, lx = "start", bulge + 6
    else:
        anchor, lx = "end", bulge - 6
    return (
        f'<g class="wf-edge wf-edge--back"><path d="M{x1:.0f},{y1:.0f} C{bulge:.0f},{y1:.0f} '
        f'{bulge:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" marker-end="url(#wf-arrow)"/>'
        f'<text class="wf-edge-label" x="{lx:.0f}" y="{(y1 + y2) / 2 + 4:.0f}" '
        f'text-anchor="{anchor}">{escape(edge.label)}</text></g>'
    )
