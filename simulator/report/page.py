"""The review as one self-contained HTML page: read, play and sign off the flow, offline.

Rendered from :class:`~simulator.report.content.ReviewContent` (the Markdown
document's content too), plus what only a page can do:

- every diagram inline (SVG from simulator.draw), zoomable and movable with the
  wheel, the buttons and the keyboard;
- a phone to play the flow: it follows the product graph of the exhaustive walk
  (:mod:`.page_graph`), embedded as data, so it does what the spec does without
  an engine of its own; "Save as scenario" downloads a file ``kmsflow simulate``
  replays;
- sign-off: a verdict per decision, exported as a file ``kmsflow signoff
  --import`` merges.

CSS and JavaScript live in ``simulator/report/assets/`` and are inlined, so the
file needs nothing but itself: no network, no CDN. The same spec and sign-offs
give the same bytes.
"""
from __future__ import annotations

import html
import json
import os
import re
from importlib import resources
from typing import Any

from ..play.phone import PhoneView, _item_event
from ..spec.model import Spec
from ..spec.texts import reader_names, region_noun, source_noun
from .content import Decision, Move, Phone, ReviewContent
from .page_graph import PAGE_MAX_CONFIGURATIONS, pack_graph
from .review import signoff_summary, state_words
from .signoff import VERDICTS

__all__ = ["render_page", "page_data", "script_json"]

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _asset(name: str) -> str:
    return resources.files("simulator.report").joinpath("assets", name).read_text(encoding="utf-8")


def _words(text: str) -> str:
    """Escaped text with the content's **bold** as <b>."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _phone_html(view: PhoneView) -> str:
    body = []
    if view.status:
        body.append(f'<div class="status">{html.escape(view.status)}</div>')
    if view.kind in ("menu", "list") and view.items:
        body.append('<ol class="items">' + "".join(f'<li>{html.escape(item)}</li>' for item in view.items) + "</ol>")
    if view.text:
        body.append(f'<p class="text">{html.escape(view.text)}</p>')
    left, right = (html.escape(key) for key in view.softkeys)
    return (f'<div class="phone static"><div class="screen"><div class="title">{html.escape(view.title)}</div>'
            f'<div class="body">{"".join(body)}</div><div class="softkeys"><span>{left}</span>'
            f'<span>{right}</span></div></div></div>')


def _move_html(move: Move, on: bool = False) -> str:
    text = f"On <b>{html.escape(move.where)}</b>: {_words(move.text)}" if on and move.where else _words(move.text)
    note = f' <span class="why">{html.escape(move.note)}</span>' if move.note else ""
    return f'<li id="{move.anchor}" title="{_attr(move.ids)}">{text}{note}</li>'


def _phone_block(phone: Phone) -> str:
    moves = "".join(_move_html(m) for m in phone.moves)
    if phone.shown_at:  # drawn where the reader met it: a link, not the phone again
        return (f'<div class="screen-block" id="{phone.anchor}"><h4>On <b>{html.escape(phone.name)}</b> '
                f'<a class="seen" href="#{phone.shown_at}">(the screen)</a></h4><ul class="moves">{moves}</ul></div>')
    return (f'<div class="screen-block" id="{phone.anchor}"><h4>On <b>{html.escape(phone.name)}</b></h4>'
            f'<div class="screen-row">{_phone_html(phone.view)}<ul class="moves">{moves}</ul></div></div>')


def _svg(svg: str, name: str) -> str:
    # Ids of graphviz's elements repeat between diagrams: each diagram keeps its own, scoped by its figure.
    return svg.replace("<svg ", f'<svg data-view="{_attr(name)}" ', 1)


def _diagram(name: str, anchor: str, title: str, doc: str, svg: str, overview: bool) -> str:
    caption = f"<b>{html.escape(title)}</b>" + (f" — {html.escape(doc)}" if doc else "")
    return (f'<figure class="diagram{" overview" if overview else ""}" id="{anchor}" data-view="{_attr(name)}">'
            f'<figcaption>{caption}</figcaption><div class="zoom-controls">'
            '<button type="button" data-zoom="in" title="Zoom in (+)">+</button>'
            '<button type="button" data-zoom="out" title="Zoom out (−)">−</button>'
            '<button type="button" data-zoom="fit" title="Fit to the page (0)">Fit</button>'
            '<button type="button" data-zoom="full" title="Full size (1)">Full size</button></div>'
            f'<div class="viewport" tabindex="0" role="img" aria-label="{_attr(title)}: zoom with the wheel, + and −, '
            f'move by dragging or with the arrow keys"><div class="canvas">{_svg(svg, name)}</div></div></figure>')


def _decision_html(d: Decision) -> str:
    state = d.state.state
    shapes = "; ".join(f'<a href="#{anchor}">{html.escape(where)}</a> ({count} step{"s" * (count != 1)})'
                       for where, anchor, count in d.shapes)
    rows = [f"<dt>Decision</dt><dd>{html.escape(d.decision)}</dd>",
            f"<dt>Alternative</dt><dd>{html.escape(d.alternative)}</dd>",
            f"<dt>Why</dt><dd>{html.escape(d.why)}</dd>",
            f"<dt>What it shapes</dt><dd>{shapes}</dd>"]
    if d.screens:
        rows.append("<dt>On screen</dt><dd>" + ", ".join(f'<a href="#{a}">{html.escape(n)}</a>' for n, a in d.screens)
                    + "</dd>")
    if d.parts:
        rows.append("<dt>Drawn in</dt><dd>" + ", ".join(f'<a href="#{a}">{html.escape(t)}</a>' for t, a in d.parts)
                    + "</dd>")
    rows.append(f'<dt>Sign-off</dt><dd class="state state-{state}">{html.escape(state_words(d.state))}</dd>')
    choices = "".join(f'<label><input type="radio" name="verdict-{d.id}" value="{value}"> {label}</label>'
                      for value, label in (("keep", "Keep the decision"), ("alternative", "Take the alternative"),
                                           ("question", "I have a question")))
    form = (f'<div class="sign" data-decision="{d.id}" data-fingerprint="{d.fingerprint}">{choices}'
            f'<textarea rows="2" placeholder="Comment (optional)" aria-label="Comment on {d.id}"></textarea></div>')
    return (f'<article class="decision state-{state}" id="{d.anchor}"><h3>{d.id}: {html.escape(d.title)}'
            f'<span class="badge">{html.escape(_badge(state))}</span></h3><dl>{"".join(rows)}</dl>{form}</article>')


def _badge(state: str) -> str:
    return {"unsigned": "not signed yet", "stale": "changed since signed"}.get(state, VERDICTS.get(state, state))


def script_json(data: Any) -> str:
    """``data`` as JSON to put inside a <script> element: no "<" at all ("</script>", "<!--" would end or bend
    the element), written with JSON's own escape, so JSON.parse of the element's text gives ``data`` back."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def page_data(content: ReviewContent, graph: Any) -> dict[str, Any]:
    """What the page's script reads: the packed product graph and how each screen and event looks."""
    spec = content.spec
    names = reader_names(spec)
    screens = {}
    for s in spec.screens.values():
        screens[s.name] = {"kind": s.kind, "title": s.title or s.name, "status": s.status, "text": s.text,
                           "items": [[item, _item_event(spec, item)] for item in s.items],
                           "softkeys": list(s.softkeys), "name": names[s.name]}
    events = {name: {"kind": e.kind, "label": e.label or name} for name, e in spec.events.items()}
    transitions = {t.id: {"region": t.region, "sources": list(t.sources)} for t in spec.all_transitions()}
    packed = pack_graph(spec, graph) if graph is not None else None
    initial = {name: v.initial for name, v in spec.variables.items()}
    default_start = next((i for i, s in enumerate(packed["starts"]) if s["world"] == initial), 0) if packed else 0
    return {"spec": spec.name, "specFile": os.path.basename(spec.path), "graph": packed, "screens": screens,
            "events": events, "transitions": transitions, "defaultStart": default_start,
            "account": spec.account.variable if spec.account else None,
            "variables": {name: name.replace("_", " ") for name in spec.variables}}


def render_page(content: ReviewContent, graph: Any) -> str:
    """The page as one HTML text; ``graph``: the walk the phone follows (:func:`~.page_graph.page_graph`), or None
    for a page that reads and signs off but does not play (a flow too big to embed)."""
    spec: Spec = content.spec
    out = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Review: {html.escape(content.title)}</title>",
           '<meta name="generator" content="kmsflow review">', f"<style>{_asset('review.css')}</style></head>",
           "<body>", f'<header><h1>Review: {html.escape(content.title)}</h1>']
    out.append('<p class="source">' + " · ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in content.source)
               + "</p>")
    nav = [("signoff", "Sign-off"), ("changes", "What changed"), ("parts", "The flow at a glance"),
           ("play", "Play the flow"), ("guarantees", "Guarantees"), ("article", "Step by step"),
           ("elsewhere", "What else can happen"), ("account", f"The {html.escape(region_noun(spec))}"),
           ("decisions", "Decisions"),
           ("keeps", "What the flow keeps track of")]
    out.append("<nav>" + " ".join(f'<a href="#{a}">{t}</a>' for a, t in nav) + "</nav></header><main>")
    out.append('<section id="signoff"><h2>Sign-off</h2>'
               f'<p class="summary">{html.escape(signoff_summary(content))}</p>'
               f"<p>Read the flow, play it on the {html.escape(spec.device)} below, then give each decision a verdict "
               "under "
               '<a href="#decisions">Decisions</a> and press <b>Export sign-off</b>. Send the file to the team: '
               "<code>kmsflow signoff --import FILE</code> records it beside the spec, and the next page shows it. "
               "A decision that changes after you signed it shows as <b>changed since signed</b>.</p></section>")
    changes = content.changes
    out.append('<section id="changes"><h2>What changed since the last sign-off</h2>')
    if changes is not None:
        if changes.note:
            out.append(f"<p>{html.escape(changes.note)}</p>")
        if changes.lines:
            out.append("<ul>" + "".join(f'<li title="{_attr(ids)}">{html.escape(words)}</li>'
                                        for words, ids in changes.lines) + "</ul>")
        if changes.scenario:
            out.append("<p>A run that shows the difference:</p><ol>"
                       + "".join(f"<li>{html.escape(line)}</li>" for line in changes.scenario) + "</ol>")
    out.append("</section>")
    out.append('<section id="parts"><h2>The flow at a glance</h2>')
    out += [_diagram(p.name, p.anchor, p.title, p.doc, p.svg, p.overview) for p in content.parts if p.svg]
    out.append("</section>")
    overview = next((p for p in content.parts if p.overview), content.parts[0] if content.parts else None)
    out.append('<section id="play"><h2>Play the flow</h2>')
    if graph is None:
        out.append("<p>This flow has more situations than a page can carry (over "
                   f"{PAGE_MAX_CONFIGURATIONS:,}): play it with <code>kmsflow play</code>.</p>")
    else:
        at = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in graph.domain.parameters.items())
        clock = next((e for e in spec.events.values() if e.clock), None)  # the event that passes time
        days = ('<div class="controls"><label>Let <input id="days" type="number" min="1" max="60" value="7"> '
                f'{html.escape(clock.clock)} pass</label> <button type="button" id="days-pass" '
                f'data-event="{html.escape(clock.name)}">Go</button></div>' if clock else "")
        device = html.escape(spec.device)
        out.append(f"<p>Press the {device}'s keys and menu items; change the world beside it. The {device} follows the "
                   f"{len(graph.nodes):,} situations the exhaustive walk reaches from the starting worlds below"
                   f"{' (' + at + ')' if at else ''}, so it does exactly what the spec does.</p>"
                   '<div class="play"><div class="phone live" id="phone" aria-live="polite"></div>'
                   '<div class="world-panel"><label>Start from <select id="start"></select></label>'
                   f'<dl id="world"></dl><div id="controls" class="controls"></div>{days}'
                   '<div class="controls"><button type="button" id="undo">Undo</button>'
                   '<button type="button" id="reset">Reset</button>'
                   '<button type="button" id="save">Save as scenario</button>'
                   '<button type="button" id="link">Link to this run</button></div>'
                   '<p id="message" class="message" role="status"></p></div>'
                   '<div class="path-panel"><h3>The path so far</h3><ol id="path"></ol></div></div>')
        if overview is not None and overview.svg:
            out.append(_diagram(overview.name, "play-diagram", "The path on the whole flow", "", overview.svg, True))
    out.append("</section>")
    g = content.guarantees
    out.append('<section id="guarantees"><h2>What the flow guarantees</h2>')
    if g is not None:
        out.append(f'<p>The exhaustive walk checked every situation the app can reach — <b>{g.configurations:,}</b> '
                   f"of them, from <b>{g.starts:,}</b> starting worlds, over <b>{g.steps:,}</b> steps: "
                   f"<b>{g.held} of {len(g.results)}</b> guarantees hold.</p><ul class=\"guarantees\">")
        out += [f'<li class="{"holds" if holds else "violated"}" title="{_attr(name)}">'
                f'<span class="verdict">{"holds" if holds else f"VIOLATED ({violations:,} times)"}</span> '
                f"{html.escape(text)}</li>" for name, text, holds, violations in g.results]
        out.append("</ul>")
    else:
        out.append("<p>Not checked for this page (made without the walk).</p>")
    out.append("</section>")
    out.append(f'<section id="article"><h2>The {html.escape(source_noun(spec))}, step by step, and what the app '
               'does</h2>')
    for section in content.sections:
        out.append(f"<h3>{html.escape(section.title)}</h3><ol class=\"steps\">")
        for step in section.steps:
            out.append(f'<li id="{step.anchor}" title="{_attr(step.id)}"><p class="step">{html.escape(step.text)}</p>')
            if step.same_as:
                out.append(f'<p class="seen">As in <a href="#{step.same_as}">{html.escape(step.same_as_text)}</a>.</p>')
            else:
                out += [_phone_block(p) for p in step.phones]
                if step.moves:
                    out.append('<ul class="moves">' + "".join(_move_html(m, on=True) for m in step.moves) + "</ul>")
                if not step.phones and not step.moves:
                    out.append('<p class="missing">Not done by any step of the flow.</p>')
            out.append("</li>")
        out.append("</ol>")
    out.append("</section>")
    out.append('<section id="elsewhere"><h2>What else can happen</h2>')
    out += [_phone_block(p) for p in content.elsewhere]
    out.append("</section>")
    out.append(f'<section id="account"><h2>The {html.escape(region_noun(spec))} in the background</h2><ul>')
    out += [f"<li><i>{html.escape(name)}</i>: {html.escape(doc)}</li>" for name, doc in content.account_states]
    out.append('</ul><ul class="moves">' + "".join(_move_html(m) for m in content.account) + "</ul></section>")
    out.append('<section id="decisions"><h2>The decisions to sign off</h2>'
               f'<p>Where the {html.escape(source_noun(spec))} is silent, the spec decides. For each decision: keep '
               'it, take the alternative, or ask a question.</p><div class="signer"><label>Your name '
               '<input id="signer" type="text" autocomplete="name"></label> <button type="button" id="export" '
               'disabled>Export sign-off</button> <span id="export-note" class="message"></span></div>')
    out += [_decision_html(d) for d in content.decisions]
    out.append("</section>")
    out.append('<section id="keeps"><h2>What the flow keeps track of</h2><dl>')
    out += [f"<dt>{html.escape(name)}</dt><dd>{html.escape(doc)}</dd>" for name, doc in content.keeps]
    out.append("</dl></section>")
    out.append('<details class="engineers"><summary>For engineers: the spec\'s names behind the words</summary>'
               f"<table><thead><tr><th>transition</th><th>{html.escape(source_noun(spec))} steps and decisions</th>"
               "<th>said as</th></tr></thead>"
               "<tbody>")
    for move in content.moves.values():
        ids = move.ids.split(" · ", 1)
        out.append(f'<tr><td><code>{html.escape(move.transition)}</code></td>'
                   f'<td>{html.escape(ids[1] if len(ids) > 1 else "—")}</td><td>{_words(move.text)}</td></tr>')
    out.append("</tbody></table><p>Decision fingerprints (what <code>kmsflow signoff</code> records):</p><ul>")
    out += [f"<li>{d.id}: <code>{d.fingerprint}</code></li>" for d in content.decisions]
    out.append(f"</ul><p>Spec: <code>{html.escape(spec.name)}</code></p></details></main>")
    out.append(f'<script type="application/json" id="review-data">{script_json(page_data(content, graph))}</script>')
    out.append(f"<script>{_asset('review.js')}</script></body></html>")
    return "\n".join(out) + "\n"
