"""The review as Markdown, for reading on a code host: the same content as the HTML page, without the play.

Rendered from :class:`~simulator.report.content.ReviewContent` (what the page
is rendered from too), in the same order: where the sign-offs stand, what
changed since the last sign-off, the diagrams, the guarantees, the article step
by step with each screen as the phone shows it, what else can happen, the
account, the decisions, what the flow keeps track of; internal ids only in the
engineers' fold at the end. Generated, deterministic, committed beside the spec.
"""
from __future__ import annotations

from typing import Any

from ..play.phone import phone_text
from ..spec.model import Spec
from ..spec.texts import (TEXT_KEYS, initial_values, reader_names, region_noun, screen_texts, source_noun,
                          template_names)
from .content import Move, Phone, ReviewContent
from .gather import gather_review
from .signoff import VERDICTS, DecisionState

__all__ = ["render_review", "render_markdown", "state_words", "signoff_summary"]


def state_words(state: DecisionState) -> str:
    """Where a decision's sign-off stands, in words."""
    entry = state.signoff
    if state.state == "unsigned":
        return "not signed yet"
    if state.state == "stale":
        return (f"changed since signed ({VERDICTS[entry.verdict]} by {entry.by} on {entry.date}): "
                + "; ".join(state.changes))
    said = f"{VERDICTS[state.state]} by {entry.by} on {entry.date}"
    return said + (f" — “{entry.comment}”" if entry.comment else "")


def signoff_summary(content: ReviewContent) -> str:
    counts: dict[str, int] = {}
    for d in content.decisions:
        counts[d.state.state] = counts.get(d.state.state, 0) + 1
    signed = counts.get("keep", 0) + counts.get("alternative", 0)
    parts = [f"{signed} of {len(content.decisions)} decisions signed off"]
    parts += [f"{counts[k]} {w}" for k, w in (("question", "questioned"), ("stale", "changed since signed"),
                                              ("unsigned", "not signed yet")) if counts.get(k)]
    return ", ".join(parts) + "."


def _move(move: Move, on: str = "") -> str:
    text = f"On **{move.where}**: {move.text}" if on and move.where else move.text
    return f"- {text}" + (f" _{move.note}_" if move.note else "")


def _phone(phone: Phone) -> list[str]:
    out = [f"**{phone.name}**", ""]
    if not phone.shown_at:
        out += ["```text", phone_text(phone.view), "```", ""]
    return out + [_move(m) for m in phone.moves] + [""]


def render_markdown(content: ReviewContent, diagrams: str | None = None) -> str:
    """The Markdown document; ``diagrams``: the folder of the generated SVGs as linked from the document."""
    out = [f"# Review: {content.title}", "",
           "_Generated from the spec by `kmsflow review`; do not edit by hand — change the spec. The HTML page "
           "beside this file has the same content, plays the flow and records sign-offs._", ""]
    out += [f"- {key}: {value}" for key, value in content.source] + [""]
    out += ["## Sign-off", "", signoff_summary(content), ""]
    if content.changes is not None:
        out += ["## What changed since the last sign-off", ""]
        changes = content.changes
        if changes.note:
            out += [changes.note, ""]
        out += [f"- {words}" for words, _ in changes.lines]
        if changes.scenario:
            out += ["", "A run that shows the difference:", ""]
            out += [f"{number}. {line}" for number, line in enumerate(changes.scenario, start=1)]
        out.append("")
    if diagrams is not None:
        out += ["## The flow at a glance", ""]
        for part in content.parts:
            out += [f"**{part.title}**" + (f" — {part.doc}" if part.doc else ""), "",
                    f"![{part.title}]({diagrams.rstrip('/')}/{part.name}.svg)", ""]
    if content.guarantees is not None:
        g = content.guarantees
        out += ["## What the flow guarantees", "",
                f"The exhaustive walk checked every situation the app can reach — {g.configurations:,} of them, "
                f"from {g.starts:,} starting worlds, over {g.steps:,} steps: {g.held} of {len(g.results)} "
                "guarantees hold.", ""]
        out += [f"- {'holds' if holds else f'**VIOLATED** ({violations:,} times)'}: {text}"
                for _, text, holds, violations in g.results] + [""]
    if content.sections:
        out += [f"## The {source_noun(content.spec)}, step by step, and what the app does", ""]
        for section in content.sections:
            out += [f"### {section.title}", ""]
            for step in section.steps:
                out += [f"**Step {step.number}.** {step.text}", ""]
                if step.same_as:
                    out += [f"As in {step.same_as_text}.", ""]
                    continue
                for phone in step.phones:
                    out += _phone(phone)
                out += [_move(m, on="yes") for m in step.moves]
                if step.moves:
                    out.append("")
                if not step.phones and not step.moves:
                    out += ["**Not done by any step of the flow.**", ""]
    if content.elsewhere:
        out += ["## What else can happen", ""]
        for phone in content.elsewhere:
            out += _phone(phone)
    if content.account or content.account_states:
        out += [f"## The {region_noun(content.spec)} in the background", ""]
        out += [f"- *{name}*: {doc}" for name, doc in content.account_states] + [""]
        out += [_move(m) for m in content.account] + [""]
    if content.decisions:
        out += [f"## The decisions to sign off (where the {source_noun(content.spec)} is silent)", ""]
        for d in content.decisions:
            out += [f"### {d.id}: {d.title}", "", f"- **Decision:** {d.decision}",
                    f"- **Alternative:** {d.alternative}", f"- **Why:** {d.why}",
                    "- **What it shapes:** " + "; ".join(f"{where} ({count} step{'s' * (count != 1)})"
                                                         for where, _, count in d.shapes)]
            if d.screens:
                out.append("- **What it shapes on screen:** " + ", ".join(name for name, _ in d.screens))
            if d.parts:
                out.append("- **Drawn in:** " + ", ".join(title for title, _ in d.parts))
            out += [f"- **Sign-off:** {state_words(d.state)}", ""]
    out += ["## What the flow keeps track of", ""]
    out += [f"- **{name}**: {doc}" for name, doc in content.keeps] + [""]
    out += _engineers(content)
    return "\n".join(out).rstrip() + "\n"


def _names_in(template: str) -> tuple[str, ...]:
    try:
        return template_names(template)
    except ValueError:  # a malformed template: check reports it; the document shows it as written
        return ()


def _cell(text: str) -> str:
    return text.replace("|", "/")


def _screens_table(spec: Spec, values: dict[str, Any]) -> list[str]:
    names = reader_names(spec, values)
    used = {name for s in spec.screens.values() for key in TEXT_KEYS for name in _names_in(getattr(s, key))}
    filled = ", ".join(f"{k} = {v}" for k, v in values.items() if k in used)
    shown = [f"Texts filled in as the {spec.device} shows them when {filled}.", ""] if filled else []
    out = ["## The screens", "", *shown]
    out += ["| screen | kind | title | shows | softkeys (left / right) |", "| --- | --- | --- | --- | --- |"]
    for s in spec.screens.values():
        _, status, text = screen_texts(s, values)
        shows = text or ", ".join(s.items) or s.doc
        if status:
            shows = f"_{status}_ — {shows}" if shows else f"_{status}_"
        keys = " / ".join(k or "—" for k in s.softkeys) if any(s.softkeys) else "—"
        out.append(f"| `{s.name}` | {s.kind} | {_cell(names[s.name])} | {_cell(shows)} | {keys} |")
    return out + [""]


def _engineers(content: ReviewContent) -> list[str]:
    """The fold for engineers: every id the words above stand for."""
    out = ["<details><summary>For engineers: the spec's names behind the words</summary>", ""]
    out += _screens_table(content.spec, content.values)
    out += ["## The transitions", "", f"| transition | {source_noun(content.spec)} steps and decisions | said as |",
            "| --- | --- | --- |"]
    for move in content.moves.values():
        ids = move.ids.split(" · ", 1)
        out.append(f"| `{move.transition}` | {ids[1] if len(ids) > 1 else '—'} | {_cell(move.text)} |")
    out += ["", "Decision fingerprints (what `kmsflow signoff` records):", ""]
    out += [f"- {d.id}: `{d.fingerprint}`" for d in content.decisions]
    return out + ["", "</details>", ""]


def render_review(spec: Spec, diagrams: str | None = None, walk: bool = True,
                  values: dict[str, Any] | None = None, max_configurations: int | None = None) -> str:
    """The whole review document for ``spec`` as Markdown (see :func:`render_markdown`).

    ``diagrams``: the folder holding the generated diagrams, as a link from where the
    document is written (e.g. ``../diagrams``); None leaves the diagrams out. ``walk``:
    run the exhaustive walk and say which of the spec's properties hold. ``values``: what
    the screens' texts are filled with (default: the initial world and default parameters).
    Raises SpecError for a bad views or properties section, LimitError for a walk over its budget,
    FlowRuntimeError when the walk finds the spec stuck, UsageError for a bad sign-off file.
    """
    content = gather_review(spec, walk=walk, values=values or initial_values(spec),
                            max_configurations=max_configurations)
    return render_markdown(content, diagrams)
