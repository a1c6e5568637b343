"""Graphviz DOT from a :class:`~simulator.draw.diagram_model.Diagram`, built with the ``graphviz`` package.

The DOT text is deterministic (element order is the diagram's, which is the
spec's; no dates, no paths) so a diff of a ``.dot`` file is a diff of the spec.
:func:`render_image` lays it out with Graphviz into SVG or PNG.

Layout engine: ``dot`` draws the clearest flow diagrams but its run time grows
steeply on large tangled graphs (about 28 s at 100 states, no result at 500),
so :func:`choose_engine` switches bigger diagrams to ``sfdp`` and records the
choice in the file (graph attribute ``layout``), so ``dot -Tsvg file.dot``
uses it too.
"""
from __future__ import annotations

import html
import re
from dataclasses import replace

import graphviz

from .diagram_model import ACCOUNT_CLUSTER, Cluster, Diagram, Edge, Node, coverage_band
from ..errors import Loc, Problem, UsageError
from ..spec.sections import OVERVIEW

__all__ = ["render_dot", "render_image", "choose_engine", "DOT_NODE_LIMIT", "IMAGE_FORMATS"]

#: Above this many nodes (or four times as many edges) a diagram is laid out with sfdp, not dot.
DOT_NODE_LIMIT = 60
IMAGE_FORMATS = ("svg", "png")

_FONT = "Helvetica"
_SCREEN_STYLE = {
    "menu": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fb"},
    "query": {"shape": "box", "style": "filled", "fillcolor": "#fff4d6"},
    "list": {"shape": "box", "style": "filled", "fillcolor": "#efe9fa"},
    "note": {"shape": "note", "style": "filled", "fillcolor": "#e9f5e4"},
    "system": {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": "#ffffff"},
    "closed": {"shape": "box", "style": "filled", "fillcolor": "#e0e0e0"},
}
_KIND_STYLE = {
    "account": {"shape": "ellipse", "style": "filled", "fillcolor": "#fbe7df"},
    "any": {"shape": "box", "style": "rounded,dotted", "fillcolor": "#ffffff"},
    "start": {"shape": "circle", "style": "filled", "fillcolor": "#000000", "width": "0.18", "fixedsize": "true"},
    "end": {"shape": "doublecircle", "style": "filled", "fillcolor": "#000000", "width": "0.14", "fixedsize": "true"},
}
_PATH_COLOUR, _OFF_PATH_COLOUR = "#1f5fbf", "#b0b0b0"
_VISITED_FILL, _FINAL_FILL = "#cfe0fa", "#8fb5ef"
_COVERAGE_COLOUR = {"cov-none": "#c62828", "cov-once": "#b7dfae", "cov-low": "#8fcf81", "cov-mid": "#5cb34d",
                    "cov-high": "#2e7d32"}
_COVERAGE_FILL = {"cov-none": "#fde0dc", "cov-once": "#e4f4df", "cov-low": "#cdebc5", "cov-mid": "#a9dc9c",
                  "cov-high": "#7cc46b"}
# The diff overlay (kmsflow diff --diagrams): added green, removed dashed red, changed amber.
_DIFF_COLOUR = {"added": "#2e7d32", "removed": "#c62828", "changed": "#d98200"}
_DIFF_FILL = {"added": "#e3f4e0", "removed": "#fdecea", "changed": "#fff1d6"}


def choose_engine(diagram: Diagram) -> str:
    """``dot`` for diagrams small enough for it, ``sfdp`` above :data:`DOT_NODE_LIMIT` nodes."""
    if len(diagram.nodes) <= DOT_NODE_LIMIT and len(diagram.edges) <= 4 * DOT_NODE_LIMIT:
        return "dot"
    return "sfdp"


#: Graphviz's scanner refuses a single string (quoted or HTML) longer than 16384 bytes on one line;
#: longer ones are folded into lines of at most this many characters, which Graphviz joins back.
_FOLD = 4000
_SURROGATE = re.compile("[\ud800-\udfff]")


def _esc(text: str) -> str:
    """Text for an HTML-like label, shown as written: markup escaped, a line break as <BR/>.

    Graphviz expands escapes such as ``\\N`` (the node's name) in HTML text too, so a backslash is
    doubled. It drops tabs and other characters below a space, so a tab shows as a space; a lone
    surrogate (no character at all, so no UTF-8 for it) shows as U+FFFD.
    """
    text = _SURROGATE.sub("\ufffd", text.replace("\r\n", "\n").replace("\t", " ").replace("\\", "\\\\"))
    return "<BR/>".join(_esc_line(line) for line in re.split("[\n\r\x0b\x0c\x85\u2028\u2029]", text))


def _esc_line(line: str) -> str:
    # Graphviz refuses an element whose whole text is "]" or "]]" (a syntax error); as entities it reads them.
    return "&#93;" * len(line) if line and not line.strip("]") else html.escape(line, quote=True)


def _plain(text: str) -> str:
    """An attribute value taken literally: quotes escaped by the package, line breaks as DOT's ``\\n``.

    The value is an escString, so a backslash is doubled (``\\N`` must not become the node's name).
    Graphviz reads entities in tooltips and copies ids into the SVG as they are, so '&' is written
    as ``&amp;`` (text holding ``&x;`` would otherwise make the SVG unreadable XML).
    """
    text = _SURROGATE.sub("\ufffd", text.replace("\r\n", "\n").replace("&", "&amp;"))
    text = re.sub("[\n\r\x0b\x0c\x85\u2028\u2029]", "\\\\n", text.replace("\\", "\\\\"))
    return graphviz.nohtml(_fold_quoted(text))


def _id(text: str) -> str:
    """An ``id`` attribute: the element's id in the SVG, exactly (an escString, '&' as ``&amp;``).

    Graphviz writes the second of two spaces into SVG as a no-break space; as ``&#32;`` it stays a space.
    """
    text = _SURROGATE.sub("\ufffd", text).replace("&", "&amp;").replace("\\", "\\\\")
    text = re.sub("(?<= ) ", "&#32;", text)
    return graphviz.nohtml(_fold_quoted(text))


def _fold_quoted(text: str) -> str:
    """A long quoted string cut into lines joined by DOT's backslash-newline (never inside an escape)."""
    if len(text) <= _FOLD:
        return text
    parts, start = [], 0
    while len(text) - start > _FOLD:
        cut = start + _FOLD
        while cut > start + 1 and (len(text[start:cut]) - len(text[start:cut].rstrip("\\"))) % 2:
            cut -= 1  # an odd run of backslashes before the cut would escape the newline's backslash
        parts.append(text[start:cut])
        start = cut
    parts.append(text[start:])
    return "\\\n".join(parts)


def _fold_html(label: str) -> str:
    """A long HTML-like label cut into lines, between characters of its text (Graphviz drops the breaks there)."""
    if len(label) <= _FOLD:
        return label
    out, since, depth = [], 0, 0
    for char in label:
        out.append(char)
        since += 1
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif char == "&":
            depth += 100  # inside an entity until its ';'
        elif char == ";" and depth >= 100:
            depth -= 100
        if since >= _FOLD and depth == 1 and char not in "<&":
            out.append("\n")
            since = 0
    return "".join(out)


def _node_label(node: Node) -> str:
    title = f"<B>{_esc(node.title)}</B>"
    if node.count is not None:
        title += f'<BR/><FONT POINT-SIZE="9">{"never passed" if node.count == 0 else f"passed {node.count}×"}</FONT>'
    if node.was:  # diff overlay: what the box said before, struck through
        title += f'<BR/><FONT POINT-SIZE="9" COLOR="{_DIFF_COLOUR["changed"]}">' + \
            "<BR/>".join(f"<S>{_esc(line)}</S>" for line in node.was) + "</FONT>"
    if not node.lines:
        return f"<{title}>"
    body = "<BR/>".join(_esc(line) for line in node.lines)
    return f'<{title}<BR/><FONT POINT-SIZE="9">{body}</FONT>>'


def _node_attrs(node: Node) -> dict[str, str]:
    style = dict(_SCREEN_STYLE.get(node.shape) or _KIND_STYLE.get(node.kind) or {})
    attrs: dict[str, str] = {"id": _id(node.id), **style, "tooltip": _plain(node.tooltip)}
    if node.kind in ("start", "end"):
        attrs["label"] = ""
        return attrs
    attrs["label"] = _fold_html(_node_label(node))
    if node.mark in ("visited", "final"):
        attrs.update({"class": node.mark, "fillcolor": _FINAL_FILL if node.mark == "final" else _VISITED_FILL,
                      "color": _PATH_COLOUR, "penwidth": "2"})
        if "filled" not in attrs["style"]:
            attrs["style"] += ",filled"
        if node.mark == "final":
            attrs["peripheries"] = "2"
    elif node.mark in _DIFF_COLOUR:
        attrs.update({"class": f"diff-{node.mark}", "color": _DIFF_COLOUR[node.mark],
                      "fillcolor": _DIFF_FILL[node.mark], "penwidth": "2.5"})
        styles = [part for part in attrs.get("style", "").split(",") if part] + ["filled"]
        attrs["style"] = ",".join(dict.fromkeys(styles + (["dashed"] if node.mark == "removed" else [])))
    elif node.mark in ("covered", "uncovered"):
        band = coverage_band(node.count or 0)
        attrs.update({"class": f"{node.mark} count-{node.count}", "fillcolor": _COVERAGE_FILL[band],
                      "color": _COVERAGE_COLOUR[band] if node.mark == "uncovered" else "#333333",
                      "penwidth": "2.5" if node.mark == "uncovered" else "1"})
    return attrs


def _edge_label(edge: Edge) -> str:
    lines = []
    if edge.steps:
        lines.append(f"<B>({', '.join(str(n) for n in edge.steps)})</B> {_esc(edge.event)}")
    else:
        lines.append(_esc(edge.event))
    if edge.guard:
        lines.append(f"[{_esc(edge.guard)}]")
    if edge.effect:
        lines.append(f"/ {_esc(edge.effect)}")
    if edge.count is not None:
        lines.append(f"<B>{'never' if edge.count == 0 else f'{edge.count}×'}</B>")
    if edge.was:  # diff overlay: the old label, struck through
        lines.append(f'<FONT COLOR="{_DIFF_COLOUR["changed"]}"><S>{_esc(edge.was)}</S></FONT>')
    refs = f'<BR/><FONT POINT-SIZE="8" COLOR="#666666">{_esc(edge.refs)}</FONT>' if edge.refs else ""
    return f"<{'<BR/>'.join(lines)}{refs}>"


def _edge_attrs(edge: Edge) -> dict[str, str]:
    attrs: dict[str, str] = {"id": _id(edge.id), "tooltip": _plain(edge.tooltip)}
    if not edge.is_transition:
        attrs.update({"style": "dotted" if edge.dest.startswith("end:") else "solid", "arrowsize": "0.7"})
        return attrs
    attrs["label"] = _fold_html(_edge_label(edge))
    if edge.backward:
        attrs["constraint"] = "false"
    if edge.loop_index > 1:
        # Several arrows from a state to itself: spread them over its sides so labels do not overlap.
        side = _LOOP_SIDES[(edge.loop_index - 2) % len(_LOOP_SIDES)]
        attrs.update({"tailport": side, "headport": side})
    styles = ["dashed"] if edge.dashed else []
    if edge.mark == "path":
        attrs.update({"class": " ".join(["path", *(f"step-{n}" for n in edge.steps)]), "color": _PATH_COLOUR,
                      "fontcolor": _PATH_COLOUR, "penwidth": "2.5"})
    elif edge.mark == "off-path":
        attrs.update({"class": "off-path", "color": _OFF_PATH_COLOUR, "fontcolor": "#909090"})
    elif edge.mark in _DIFF_COLOUR:
        attrs.update({"class": f"diff-{edge.mark}", "color": _DIFF_COLOUR[edge.mark],
                      "fontcolor": _DIFF_COLOUR[edge.mark], "penwidth": "2.5"})
        styles = ["dashed"] if edge.mark == "removed" else [s for s in styles if s != "dashed"]
    elif edge.mark in ("covered", "uncovered"):
        band = coverage_band(edge.count or 0)
        attrs.update({"class": f"{edge.mark} count-{edge.count}", "color": _COVERAGE_COLOUR[band],
                      "penwidth": "2.5" if edge.mark == "uncovered" else
                      {"cov-once": "1.2", "cov-low": "1.8", "cov-mid": "2.4", "cov-high": "3"}[band]})
        if edge.mark == "uncovered":
            attrs["fontcolor"] = _COVERAGE_COLOUR[band]
            styles.append("bold")
    if styles:
        attrs["style"] = ",".join(styles)
    return attrs


_LOOP_SIDES = ("w", "n", "s")


def _loops(diagram: Diagram) -> dict[str, list[Edge]]:
    """A state's transitions to itself drawn as one loop, and in the overview the transitions between the
    same two states as one arrow: the first one's id -> all of them, the others -> [].

    Graphviz puts a second loop's label over the first's or over a neighbouring arrow's (the layout check
    finds it), so each state gets one loop whose label has a line per transition; in the overview, one
    arrow per pair of states keeps the number of crossing arrows down. A drawn diff keeps its arrows
    apart: each one is coloured by what happened to it.
    """
    if diagram.overlay == "diff":
        return {}
    by_node: dict[tuple[str, str], list[Edge]] = {}
    for edge in diagram.edges:
        if edge.is_transition and (edge.source == edge.dest or diagram.name == OVERVIEW):
            by_node.setdefault((edge.source, edge.dest), []).append(edge)
    merged: dict[str, list[Edge]] = {}
    for group in by_node.values():
        if len(group) > 1:
            merged[group[0].id] = group
            merged.update({edge.id: [] for edge in group[1:]})
    return merged


def _loop_attrs(group: list[Edge]) -> dict[str, str]:
    """One loop for several transitions: a table with a row per transition, each row with the transition's id
    and tooltip (Graphviz writes them into the SVG), so every transition stays findable and explained."""
    rows = []
    for edge in group:
        colour = {"path": _PATH_COLOUR, "off-path": "#909090"}.get(edge.mark, "")
        if edge.mark in ("covered", "uncovered"):
            colour = _COVERAGE_COLOUR[coverage_band(edge.count or 0)] if edge.mark == "uncovered" else ""
        text = _edge_label(edge)[1:-1]  # the arrow's own label, without the <...> around it
        if colour:
            text = f'<FONT COLOR="{colour}">{text}</FONT>'
        rows.append(f'<TR><TD ID="{_attr(edge.id)}" TOOLTIP="{_attr(edge.tooltip)}" HREF="#">{text}</TD></TR>')
    attrs = _edge_attrs(group[0])
    attrs.pop("tailport", None)
    attrs.pop("headport", None)
    source, dest = group[0].source, group[0].dest
    attrs["id"] = _id(f"loops:{source}" if source == dest else f"arrows:{source}->{dest}")
    attrs["tooltip"] = _plain("\n".join(edge.tooltip for edge in group))
    attrs["label"] = _fold_html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}'
                                "</TABLE>>")
    steps = [n for edge in group for n in edge.steps]
    if any(edge.mark == "path" for edge in group):
        attrs.update({"class": " ".join(["path", *(f"step-{n}" for n in steps)]), "color": _PATH_COLOUR,
                      "fontcolor": _PATH_COLOUR, "penwidth": "2.5"})
    if not all(edge.dashed for edge in group):
        attrs.pop("style", None)  # dashed only when every transition on it is an assumption's
    return attrs


def _attr(text: str) -> str:
    """Text for an attribute of an HTML-like label (quotes and markup escaped, lines as spaces)."""
    return html.escape(re.sub("[\n\r]+", " ", _SURROGATE.sub("\ufffd", text)), quote=True)

_LEGEND_SAMPLE = {
    "edge-solid": ("──▶", None), "edge-dashed": ("- - ▶", None), "start": ("●", None), "end": ("◉", None),
    "path-edge": ("(1) ━━▶", _PATH_COLOUR), "path-visited": ("", _VISITED_FILL), "path-final": ("", _FINAL_FILL),
}


def _legend_label(diagram: Diagram) -> str:
    rows = ['<TR><TD COLSPAN="2"><B>Legend</B></TD></TR>']
    for entry in diagram.legend:
        sample, colour = _LEGEND_SAMPLE.get(entry.sample, ("", None))
        cell = f'<TD BORDER="1" WIDTH="44"{{bg}}>{_esc(sample)}</TD>'
        bg = ""
        if entry.sample.startswith("screen-"):
            bg = f' BGCOLOR="{_SCREEN_STYLE[entry.sample[7:]]["fillcolor"]}"'
        elif entry.sample == "account":
            bg = f' BGCOLOR="{_KIND_STYLE["account"]["fillcolor"]}"'
        elif entry.sample in ("path-visited", "path-final"):
            bg = f' BGCOLOR="{colour}"'
        elif entry.sample in _COVERAGE_COLOUR:
            bg = f' BGCOLOR="{_COVERAGE_FILL[entry.sample]}"'
            cell = f'<TD BORDER="1" WIDTH="44"{{bg}}><FONT COLOR="{_COVERAGE_COLOUR[entry.sample]}">━━▶</FONT></TD>'
        elif entry.sample == "path-edge":
            cell = f'<TD BORDER="1" WIDTH="44"><FONT COLOR="{colour}">{_esc(sample)}</FONT></TD>'
        elif entry.sample.startswith("diff-"):
            mark = entry.sample[5:]
            arrow = {"added": "━━▶", "removed": "- - ▶", "changed": "<S>old</S> ▶"}[mark]
            cell = (f'<TD BORDER="1" WIDTH="44" BGCOLOR="{_DIFF_FILL[mark]}"><FONT COLOR="{_DIFF_COLOUR[mark]}">'
                    f'{arrow}</FONT></TD>')
        rows.append(f'<TR>{cell.format(bg=bg)}<TD ALIGN="LEFT">{_esc(entry.meaning)}</TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">{"".join(rows)}</TABLE>>'


def _title_label(diagram: Diagram) -> str:
    parts = [f'<FONT POINT-SIZE="18"><B>{_esc(diagram.title)}</B></FONT>']
    if diagram.subtitle:
        parts.append(f'<FONT POINT-SIZE="11">{_esc(diagram.subtitle)}</FONT>')
    if diagram.caption:
        parts.append(f'<FONT POINT-SIZE="12" COLOR="#1f5fbf"><B>{_esc(diagram.caption)}</B></FONT>')
    return f"<{'<BR/>'.join(parts)}>"


def _cluster_attrs(cluster: Cluster) -> dict[str, str]:
    base = {"label": _fold_html(f"<<B>{_esc(cluster.label)}</B>>"), "fontname": _FONT, "labeljust": "l",
            "id": _id(f"cluster:{cluster.id}")}
    if cluster.kind == "account":
        return {**base, "style": "rounded,filled", "fillcolor": "#fff8f5", "color": "#d08770"}
    if cluster.kind == "flow":
        return {**base, "style": "rounded,dashed", "color": "#7a7a7a"}
    return {**base, "style": "rounded", "color": "#5b7db1"}


#: Characters a node name keeps as they are; the others are %-encoded (UTF-8 bytes), see _node_name.
_NAME_UNSAFE = re.compile(r"[%:&\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _node_name(node_id: str) -> str:
    # The graphviz package reads "a:b" in an edge end as node a, port b: the DOT node name uses '.'
    # after the kind instead. In the spec's own name '%', ':', '&', '\\', '"' and control characters are
    # %-encoded, so the name is one the package quotes safely and two names never meet.
    kind, _, name = node_id.partition(":")
    return _dot_name(f"{kind}.{name}" if kind else name)


def _dot_name(name: str) -> str:
    encoded = _NAME_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8", "surrogatepass")),
                               name)
    return graphviz.nohtml(_fold_quoted(encoded))


def render_dot(diagram: Diagram) -> str:
    """The DOT source of ``diagram`` (deterministic text, ends with a newline)."""
    engine = choose_engine(diagram)
    graph = graphviz.Digraph(name=diagram.name, strict=False)
    graph.attr("graph", label=_fold_html(_title_label(diagram)), labelloc="t", fontname=_FONT, rankdir="TB",
               nodesep="0.35", ranksep="0.45", id=_id(f"diagram:{diagram.name}"), tooltip=_plain(diagram.title))
    if engine != "dot":
        # Straight arrows: spline routing (splines=true) made sfdp run past 5 minutes at 1,000 screens.
        graph.attr("graph", layout=engine, overlap="prism")
    graph.attr("node", fontname=_FONT, fontsize="11", margin="0.12,0.06")
    graph.attr("edge", fontname=_FONT, fontsize="9", color="#404040")

    overview = diagram.name == OVERVIEW
    children: dict[str | None, list[Cluster]] = {}
    for cluster in diagram.clusters:
        children.setdefault(cluster.parent, []).append(cluster)
    members: dict[str | None, list[Node]] = {}
    for node in diagram.nodes:
        members.setdefault(node.cluster, []).append(node)

    def fill(target: graphviz.Digraph, cluster_id: str | None) -> None:
        for node in members.get(cluster_id, []):
            # The overview shows each box's title only (what it says is in the tooltip and the flow views):
            # at a documentation page's width its text stays readable.
            target.node(_node_name(node.id), **_node_attrs(replace(node, lines=()) if overview else node))
        for child in children.get(cluster_id, []):
            with target.subgraph(name=_dot_name(f"cluster_{child.id}")) as sub:
                sub.attr("graph", **_cluster_attrs(child))
                fill(sub, child.id)

    fill(graph, None)
    loops = _loops(diagram)
    # An arrow leading back is written from its head with dir=back: it keeps ranking the flow top-down, where
    # constraint=false let a dozen returns to a menu loop around the clusters (the flagship spec's overview:
    # 91 crossings measured, 6 this way; its buying view: 36, 5). A drawn diff keeps the arrows as written.
    reverse = engine == "dot" and diagram.overlay != "diff"

    def draw(edge: Edge, attrs: dict[str, str]) -> None:
        if reverse and edge.backward and edge.source != edge.dest:
            attrs.pop("constraint", None)
            graph.edge(_node_name(edge.dest), _node_name(edge.source), **attrs, dir="back")
        else:
            graph.edge(_node_name(edge.source), _node_name(edge.dest), **attrs)

    for edge in diagram.edges:
        if edge.id in loops:
            if loops[edge.id]:
                draw(edge, _loop_attrs(loops[edge.id]))
            continue
        draw(edge, _edge_attrs(edge))
    if diagram.legend:
        graph.node("legend", label=_fold_html(_legend_label(diagram)), shape="plaintext", id="legend", fontsize="10",
                   tooltip="Legend")
    if reverse and overview:
        # Screens, then the account, then the legend, one under the other: the overview fits a page's width.
        column = [_deepest_screen(diagram),
                  sorted((n for n in diagram.nodes if n.cluster == ACCOUNT_CLUSTER), key=lambda n: n.kind != "start")]
        ends = [_node_name(part[0].id if i else part[-1].id) for i, part in enumerate(column) if part]
        if len(ends) == 2:
            graph.edge(ends[0], ends[1], style="invis", id="layout:account-below-screens")
        last_account = [n for n in diagram.nodes if n.cluster == ACCOUNT_CLUSTER and n.kind == "account"][-1:]
        if last_account and diagram.legend:
            graph.edge(_node_name(last_account[0].id), "legend", style="invis", id="layout:legend-below-account")
    source = graph.source
    return source if source.endswith("\n") else source + "\n"


def _deepest_screen(diagram: Diagram) -> list[Node]:
    """The screen farthest down the flow (most forward arrows from the start; the last such in spec order)."""
    forward: dict[str, list[str]] = {}
    for edge in diagram.edges:
        if not edge.backward and edge.source != edge.dest:
            forward.setdefault(edge.source, []).append(edge.dest)
    depth = {n.id: 0 for n in diagram.nodes if n.kind == "start"}
    for _ in range(len(diagram.nodes)):  # longest forward path, bounded: forward arrows have no cycle
        changed = False
        for source, dests in forward.items():
            for dest in dests:
                if source in depth and depth.get(dest, -1) < depth[source] + 1 <= len(diagram.nodes):
                    depth[dest] = depth[source] + 1
                    changed = True
        if not changed:
            break
    screens = [n for n in diagram.nodes if n.kind == "screen"]
    return [max(reversed(screens), key=lambda n: depth.get(n.id, 0))] if screens else []


def render_image(dot_source: str, fmt: str) -> bytes:
    """Lay out DOT text with Graphviz (the engine the file names, else ``dot``) into SVG or PNG bytes.

    Raises UsageError when Graphviz is not installed (SVG and PNG need it; DOT and Mermaid do not).
    """
    if fmt not in IMAGE_FORMATS:
        raise UsageError(Problem(Loc("--format"), "error", f"unknown image format {fmt!r}; expected one of "
                                 f"{', '.join(IMAGE_FORMATS)}", "bad-value"))
    try:
        return graphviz.pipe("dot", fmt, dot_source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise UsageError(Problem(Loc("--format"), "error", f"{fmt.upper()} needs Graphviz's dot, which is not "
                                 "installed: run `apt-get install graphviz`, or ask for --format dot,mmd",
                                 "graphviz-missing")) from None
    except graphviz.CalledProcessError as exc:
        # What `check` accepts is written so that Graphviz reads it; this is Graphviz giving up
        # (out of memory, a layout it cannot finish), said in its own words.
        said = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise UsageError(Problem(Loc("--format"), "error", f"Graphviz could not draw the {fmt.upper()}: "
                                 f"{said[0] if said else f'dot exited with status {exc.returncode}'}; "
                                 "--format dot,mmd needs no Graphviz", "graphviz-failed")) from None


