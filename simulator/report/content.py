"""What the review says, once: the content both the HTML page and the Markdown document are rendered from.

:func:`review_content` reads the spec (and, when asked, the exhaustive walk,
the diagrams, the sign-offs and the diff against the signed revision) into
plain dataclasses. Everything a product owner reads is in plain words: screens
by the names the device shows, events by their labels, guards by their diagram
labels. Internal ids (transitions, screens, events, article steps) are kept
beside the words (``ids``) for tooltips and the engineers' fold, never in them.

Nothing is said twice: each transition is said under the first article step
that names it, else under "what else can happen" for its screen, else under
the second region (the spec's ``account:``, named by its variable); each screen's device view is drawn once,
where the reader first meets it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..draw.views import guard_phrase, load_views, view_edges
from ..play.phone import PhoneView, phone_view
from ..spec.check import assumption_screens, assumption_trace, kb_trace
from ..spec.model import Spec, Transition
from ..spec.texts import initial_values, reader_names, region_noun
from .signoff import DecisionState, decision_snapshot, fingerprint

__all__ = ["Move", "Phone", "Step", "Section", "Decision", "Guarantees", "Part", "Changes", "ReviewContent",
           "review_content", "move_text"]


@dataclass
class Move:
    """One transition in words; ``ids`` for the tooltip and the engineers' fold."""

    transition: str
    anchor: str
    text: str
    note: str  # the spec's own explanation of it ('' when none)
    ids: str  # e.g. "keypad.enter_wrong_pin.2 · pin.1, lock.1"
    decisions: tuple[str, ...]
    parts: tuple[str, ...]  # the diagrams that draw it
    where: str  # the reader's name of the screen it starts on ('' for the second region)


@dataclass
class Phone:
    """A screen as the phone shows it, and the moves it offers (said in the same place)."""

    screen: str
    anchor: str
    name: str  # the reader's name
    view: PhoneView
    moves: list[Move] = field(default_factory=list)
    shown_at: str = ""  # the anchor where this screen's phone is drawn, when it is drawn elsewhere


@dataclass
class Step:
    """One step of the article: its words, the screens met there, and the moves it names that were not said yet."""

    id: str
    number: int
    anchor: str
    text: str
    phones: list[Phone]
    moves: list[Move]  # moves not said under a phone (account moves, or on screens already shown)
    same_as: str = ""  # the anchor of an earlier step with the same moves ('' when it has its own)
    same_as_text: str = ""


@dataclass
class Section:
    title: str
    steps: list[Step]


@dataclass
class Decision:
    id: str
    anchor: str
    title: str
    decision: str
    alternative: str
    why: str
    shapes: list[tuple[str, str, int]]  # (where, in words; anchor; how many moves there)
    screens: list[tuple[str, str]]  # screens whose content it shapes: (name, anchor)
    parts: list[tuple[str, str]]  # diagrams drawing what it shapes: (title, anchor)
    transitions: tuple[str, ...]
    state: DecisionState
    fingerprint: str


@dataclass
class Guarantees:
    configurations: int
    starts: int
    steps: int
    results: list[tuple[str, str, bool, int]]  # (name, text, holds, violations)

    @property
    def held(self) -> int:
        return sum(holds for _, _, holds, _ in self.results)


@dataclass
class Part:
    """One diagram: a part of the flow (or the whole of it)."""

    name: str
    anchor: str
    title: str
    doc: str
    overview: bool
    svg: str = ""  # inline SVG (HTML only)


@dataclass
class Changes:
    """What changed since the last sign-off (from diff_specs against the signed revision)."""

    revision: str
    lines: list[tuple[str, str]]  # (in words, as kmsflow diff says it)
    scenario: list[str]  # the distinguishing sequence in words
    note: str = ""  # why nothing is listed (no sign-off yet, revision not found...)


@dataclass
class ReviewContent:
    spec: Spec
    title: str
    source: list[tuple[str, str]]
    parts: list[Part]
    guarantees: Guarantees | None
    keeps: list[tuple[str, str]]  # what the flow keeps track of: (name in words, sentence)
    sections: list[Section]
    elsewhere: list[Phone]  # screens and moves the article does not name
    account: list[Move]
    account_states: list[tuple[str, str]]
    decisions: list[Decision]
    changes: Changes | None
    moves: dict[str, Move]
    values: dict[str, Any]  # what the screens' texts are filled with


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2] != text[1:2].upper() or len(text) < 2 else text


def move_text(spec: Spec, labels: dict, names: dict[str, str], t: Transition) -> str:
    """A transition as a reader says it: the key or happening, when, where it leads, what it does."""
    event = spec.events.get(t.trigger)
    label = event.label if event and event.label else t.trigger.replace("_", " ")
    kind = event.kind if event else ""
    phrase = guard_phrase(spec, labels, t)
    if t.region == "account":
        where = "" if t.sources == ("*",) else f" while the {region_noun(spec)} is " + " or ".join(t.sources)
        head = {"signal": f"When the app says **{label}**", "environment": f"When **{label}**"}.get(
            kind, f"**{label}**") + where
        leads = f", it becomes **{t.dest}**" if t.dest is not None and t.dest not in t.sources else ""
    else:
        head = {"system": f"The app by itself: **{label}**", "environment": f"When **{label}**"}.get(
            kind, f"**{label}**")
        leads = f" → **{names.get(t.dest, t.dest)}**" if t.dest is not None else ""
    when = f" ({phrase})" if phrase else ""
    effects = [_lower_first(spec.effects[e].doc) if e in spec.effects else e.replace("_", " ") for e in t.effects]
    signals = [spec.events[s].label if s in spec.events else s for s in t.send]
    effects += [f"the {region_noun(spec)}: {s}" for s in signals]
    then = f" — {'; '.join(effects)}" if effects else ""
    return f"{head}{when}{leads}{then}."


def _anchor(kind: str, name: str) -> str:
    return f"{kind}-" + "".join(c if c.isalnum() else "-" for c in name).strip("-")


def _sources(t: Transition, spec: Spec) -> tuple[str, ...]:
    return tuple(spec.screens) if t.sources == ("*",) and t.region == "screens" else t.sources


def review_content(spec: Spec, *, analysis: Any = None, signoff_states: list[DecisionState] | None = None,
                   changes: Changes | None = None, svgs: dict[str, str] | None = None,
                   values: dict[str, Any] | None = None) -> ReviewContent:
    """The review's content. ``analysis``: (graph, property results) of the walk, or None to leave it out;
    ``signoff_states``: each decision's state (default: all unsigned); ``svgs``: inline SVG per view name."""
    views = load_views(spec)
    labels = views.guard_labels
    values = initial_values(spec) if values is None else values
    names = reader_names(spec, values)
    drawn: dict[str, set[str]] = {v.name: {e.transition.id for e in view_edges(spec, v)} for v in views.views}
    parts = [Part(v.name, _anchor("part", v.name), v.title, v.doc, v.is_overview, (svgs or {}).get(v.name, ""))
             for v in views.views]
    parts = [p for p in parts if not p.overview] + [p for p in parts if p.overview]
    part_titles = {p.name: p for p in parts}
    by_id = {t.id: t for t in spec.all_transitions()}

    moves: dict[str, Move] = {}
    for t in spec.all_transitions():
        refs = ", ".join(list(t.kb) + list(t.assumptions))
        in_parts = tuple(p.name for p in parts if t.id in drawn.get(p.name, set()) and not p.overview)
        where = "" if t.region == "account" else "any screen" if t.sources == ("*",) else " or ".join(
            names[s] for s in t.sources)
        moves[t.id] = Move(t.id, _anchor("move", t.id), move_text(spec, labels, names, t), t.doc,
                           f"{t.id}" + (f" · {refs}" if refs else ""), t.assumptions, in_parts, where)

    handled: dict[str, list[str]] = {}
    for t in spec.transitions:
        for source in _sources(t, spec):
            handled.setdefault(source, []).append(t.trigger)

    def make_phone(screen: str) -> Phone:
        allowed = list(dict.fromkeys(handled.get(screen, [])))
        return Phone(screen, _anchor("screen", screen), names[screen], phone_view(spec, screen, allowed, values))

    said: set[str] = set()
    phones: dict[str, Phone] = {}
    sections: dict[str, Section] = {}
    said_at: dict[str, Step] = {}
    for step_id, ids in kb_trace(spec):
        kb = spec.kb_steps[step_id]
        section = sections.setdefault(kb.section, Section(kb.section.capitalize(), []))
        step = Step(step_id, len(section.steps) + 1, _anchor("step", step_id), kb.text, [], [])
        section.steps.append(step)
        fresh = [i for i in ids if i not in said]
        if ids and not fresh:  # said already: point there instead of saying it again
            earlier = said_at[ids[0]]
            step.same_as = earlier.anchor
            step.same_as_text = f"{sections[spec.kb_steps[earlier.id].section].title}, step {earlier.number}"
            continue
        for tid in fresh:
            t = by_id[tid]
            said.add(tid)
            said_at[tid] = step
            sources = t.sources if t.region == "screens" and t.sources != ("*",) else ()
            for name in sources:
                if name not in phones and spec.screens[name].kind != "system":
                    phones[name] = make_phone(name)
                    step.phones.append(phones[name])
            source = sources[0] if sources else None
            if source is not None and source in phones and phones[source] in step.phones:
                phones[source].moves.append(moves[tid])
            else:
                step.moves.append(moves[tid])

    elsewhere: list[Phone] = []
    for t in spec.transitions:
        if t.id in said:
            continue
        said.add(t.id)
        source = t.sources[0] if t.sources != ("*",) else spec.home_screen
        phone = next((p for p in elsewhere if p.screen == source), None)
        if phone is None:
            phone = make_phone(source) if source not in phones else Phone(
                source, _anchor("more", source), names[source], phones[source].view, shown_at=phones[source].anchor)
            elsewhere.append(phone)
        phone.moves.append(moves[t.id])
    # Screens nobody has met yet (a system screen the article names no step for) still get their phone.
    for screen in spec.screens:
        if screen not in phones and not any(p.screen == screen for p in elsewhere):
            elsewhere.append(make_phone(screen))
    account = [moves[t.id] for t in (spec.account.transitions if spec.account else []) if t.id not in said]

    states = {s.decision: s for s in signoff_states or []}
    shaped_screens = assumption_screens(spec)
    decisions = []
    for assumption_id, ids in assumption_trace(spec):
        a = spec.assumptions[assumption_id]
        where: dict[str, list[str]] = {}
        for tid in ids:
            t = by_id[tid]
            place = (f"the {region_noun(spec)}" if t.region == "account" else
                     "every screen" if t.sources == ("*",) else " or ".join(names[s] for s in t.sources))
            where.setdefault(place, []).append(tid)
        shapes = [(place, moves[tids[0]].anchor, len(tids)) for place, tids in where.items()]
        in_parts = sorted({p for tid in ids for p in moves[tid].parts}, key=lambda n: [x.name for x in parts].index(n))
        screens = [(names[s], _anchor("screen", s)) for s in shaped_screens.get(assumption_id, [])]
        state = states.get(assumption_id) or DecisionState(assumption_id, "unsigned", None)
        decisions.append(Decision(a.id, _anchor("decision", a.id), a.title, a.decision, a.alternative, a.why, shapes,
                                  screens, [(part_titles[n].title, part_titles[n].anchor) for n in in_parts],
                                  tuple(ids), state, fingerprint(decision_snapshot(spec, assumption_id))))

    guarantees = None
    if analysis is not None:
        graph, results = analysis
        guarantees = Guarantees(len(graph.nodes), len(graph.initial), graph.edge_count,
                                [(r.name, r.text, r.holds, r.violations) for r in results])
    keeps = [(p.name.replace("_", " "), f"{p.doc} Here: {p.default}.") for p in spec.parameters.values()]
    for v in spec.variables.values():
        kind = " / ".join(v.values) if v.type == "enum" else "a whole number"
        keeps.append((v.name.replace("_", " "), f"{v.doc} ({kind}; at the start: {v.initial})"))
    account_states = list(spec.account.states.items()) if spec.account else []
    source = [(key.replace("_", " "), str(value)) for key, value in spec.source.items()]
    return ReviewContent(spec, spec.title, source, parts, guarantees, keeps, list(sections.values()), elsewhere,
                         account, account_states, decisions, changes, moves, values)
