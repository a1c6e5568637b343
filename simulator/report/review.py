"""Review material for product owners: the spec as a Markdown document, no code to read.

It follows the spec's own order — the article step by step with what the app
does at each, the decisions to sign off (with their alternatives), the screens
as the phone shows them, the account lifecycle — and says every transition as a
sentence built from the spec's labels and guard and effect sentences. The text
is generated, deterministic and committed beside the spec, so a change of the
spec shows up as a readable change of this document.
"""
from __future__ import annotations

from typing import Any

from ..check import assumption_screens, assumption_trace, kb_trace
from ..spec.model import Spec, Transition
from ..spec.texts import TEXT_KEYS, initial_values, reader_names, screen_texts, template_names

__all__ = ["render_review", "describe_transition"]


def _screen_name(names: dict[str, str], name: str) -> str:
    """A screen as the document names it: its name for readers (shared titles told apart), then its spec name."""
    return f"**{names[name]}** (`{name}`)" if name in names else f"`{name}`"


def _names_in(template: str) -> tuple[str, ...]:
    try:
        return template_names(template)
    except ValueError:  # a malformed template: check reports it; the document shows it as written
        return ()


def _cell(text: str) -> str:
    return text.replace("|", "/")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def describe_transition(spec: Spec, t: Transition) -> str:
    """One transition in plain words: what happens, where, where it leads, under which condition, with what effect."""
    names = reader_names(spec)
    event = spec.events.get(t.trigger)
    label = event.label if event else t.trigger
    what = {"system": f"the app: **{label}**", "signal": f"signal **{label}**"}.get(
        event.kind if event else "", f"**{label}**")
    if t.region == "account":
        where = "in any state" if t.sources == ("*",) else "while the subscription is " + " or ".join(
            f"*{s}*" for s in t.sources)
        leads = "" if t.dest is None or t.dest in t.sources else f" → becomes *{t.dest}*"
    else:
        sources = list(spec.screens) if t.sources == ("*",) else t.sources
        where = "on " + " or ".join(_screen_name(names, s) for s in sources)
        leads = "" if t.dest is None else f" → {_screen_name(names, t.dest)}"
    conditions = [_sentence(spec.guards[g].doc) if g in spec.guards else g for g in t.conditions]
    conditions += [f"not ({_sentence(spec.guards[g].doc)})" if g in spec.guards else f"not {g}" for g in t.unless]
    when = f", if {'; and '.join(conditions)}" if conditions else ""
    effects = [_sentence(spec.effects[e].doc) if e in spec.effects else e for e in t.effects]
    effects += [f"tell the account: {s}" for s in t.send]
    then = f"; then: {'; '.join(effects)}" if effects else ""
    refs = ", ".join(list(t.kb) + list(t.assumptions))
    return f"{what} {where}{leads}{when}{then}. _({refs}; `{t.id}`)_"


def _diagrams_section(spec: Spec, folder: str) -> list[str]:
    from ..draw.views import load_views  # drawing is optional here: imported only when asked for

    out = ["## The flow at a glance", ""]
    for view in load_views(spec).views:
        out += [f"**{view.title}**" + (f" — {view.doc}" if view.doc else ""), "",
                f"![{view.title}]({folder.rstrip('/')}/{view.name}.svg)", ""]
    return out


def _properties_section(spec: Spec, max_configurations: int | None = None) -> list[str]:
    from ..walk.explore import explore_spec  # the walk is optional here: imported only when asked for
    from ..walk.properties import check_properties, parse_properties

    props = parse_properties(spec)
    if not props.properties:
        return []
    graph = explore_spec(spec, flows=props.flows, max_configurations=max_configurations)
    results = check_properties(graph, props)
    held = sum(r.holds for r in results)
    out = ["## What the flow guarantees", "",
           f"Checked by `kmsflow explore` on every reachable situation ({len(graph.nodes):,} of them, from "
           f"{len(graph.initial)} starting worlds): {held} of {len(results)} hold.", ""]
    out += [f"- {'holds' if r.holds else '**VIOLATED**'}: {r.text}" for r in results]
    return out + [""]


def render_review(spec: Spec, diagrams: str | None = None, walk: bool = True,
                  values: dict[str, Any] | None = None, max_configurations: int | None = None) -> str:
    """The whole review document for ``spec`` as Markdown.

    ``diagrams``: the folder holding the generated diagrams, as a link from where the
    document is written (e.g. ``../diagrams``); None leaves the diagrams out. ``walk``:
    run the exhaustive walk and say which of the spec's properties hold. ``values``: what
    the screens' texts are filled with (default: the initial world and default parameters).
    ``max_configurations``: the walk's budget (see :func:`~simulator.walk.explore.explore_spec`).
    Raises SpecError for a bad views or properties section, LimitError for a walk over its budget, and
    FlowRuntimeError
    when the walk finds the spec stuck (no document is better than one without its guarantees).
    """
    out: list[str] = [f"# Review: {spec.title}", ""]
    out.append("_Generated from the spec by `kmsflow review`; do not edit by hand — change the spec._")
    out.append("")
    if spec.source:
        out += [f"- {key.replace('_', ' ')}: {value}" for key, value in spec.source.items()] + [""]
    if diagrams is not None:
        out += _diagrams_section(spec, diagrams)
    if walk:
        out += _properties_section(spec, max_configurations)
    by_id = {t.id: t for t in spec.all_transitions()}

    out += ["## Parameters and what the flow keeps track of", ""]
    out += [f"- **{p.name}** = {p.default}: {p.doc}" for p in spec.parameters.values()]
    for v in spec.variables.values():
        domain = " / ".join(v.values) if v.type == "enum" else "a whole number" + (
            f" ≥ {v.min}" if v.min is not None else "")
        out.append(f"- **{v.name}** ({domain}; starts as {v.initial}): {v.doc}")
    out.append("")

    if spec.kb_steps:
        out += ["## The article, step by step, and what the app does", ""]
        section = None
        for step_id, ids in kb_trace(spec):
            step = spec.kb_steps[step_id]
            if step.section != section:
                section = step.section
                out += [f"### {section.capitalize()}", ""]
            out.append(f"**{step_id}** — {step.text}")
            out.append("")
            out += [f"- {describe_transition(spec, by_id[i])}" for i in ids] or [
                "- **Not implemented by any transition.**"]
            out.append("")

    if spec.assumptions:
        out += ["## Decisions to sign off (where the article is silent)", ""]
        shaped, readers = assumption_screens(spec), reader_names(spec)
        for assumption_id, ids in assumption_trace(spec):
            a = spec.assumptions[assumption_id]
            screens = shaped[assumption_id]
            out += [f"### {a.id}: {a.title}", "", f"- **Decision:** {a.decision}",
                    f"- **Alternative:** {a.alternative}", f"- **Why:** {a.why}",
                    f"- **Shapes {len(ids)} transition{'s' * (len(ids) != 1)}:** "
                    + ", ".join(f"`{i}`" for i in ids)]
            if screens:
                out.append(f"- **Shapes what {'these screens show' if len(screens) > 1 else 'this screen shows'}:** "
                           + ", ".join(f"**{readers[name]}** (`{name}`)" for name in screens))
            out += ["- Sign-off: [ ] keep the decision  [ ] take the alternative", ""]

    values = initial_values(spec) if values is None else values
    names = reader_names(spec, values)
    used = {name for s in spec.screens.values() for key in TEXT_KEYS for name in _names_in(getattr(s, key))}
    filled = ", ".join(f"{k} = {v}" for k, v in values.items() if k in used)
    out += ["## The screens", ""] + ([f"Texts filled in as the phone shows them when {filled}.", ""] if filled else [])
    out += ["| screen | kind | title | shows | softkeys (left / right) |", "| --- | --- | --- | --- | --- |"]
    for s in spec.screens.values():
        _, status, text = screen_texts(s, values)
        shows = text or ", ".join(s.items) or s.doc
        if status:
            shows = f"_{status}_ — {shows}" if shows else f"_{status}_"
        keys = " / ".join(k or "—" for k in s.softkeys) if any(s.softkeys) else "—"
        out.append(f"| `{s.name}` | {s.kind} | {_cell(names[s.name])} | {_cell(shows)} | {keys} |")
    out.append("")

    if spec.account:
        out += ["## The account lifecycle", ""]
        out += [f"- *{name}*: {doc}" for name, doc in spec.account.states.items()] + [""]
        out += [f"- {describe_transition(spec, t)}" for t in spec.account.transitions] + [""]
    return "\n".join(out).rstrip() + "\n"
