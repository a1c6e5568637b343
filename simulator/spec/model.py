"""The loaded spec as plain dataclasses: no behaviour, no third-party imports.

Everything here mirrors a section of the spec file and remembers where it was
written (``loc``), so every later check can point back at a line.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Loc, Problem, UsageError

__all__ = [
    "EVENT_KINDS", "Parameter", "Variable", "KbStep", "Assumption", "Named", "Event",
    "Screen", "Transition", "Region", "NameRef", "NameChoice", "GuardLabel", "ViewDecl", "ViewsDecl",
    "SOFTKEYS", "NoteKind", "NotesDecl",
    "ValueExpr", "DomainValues", "DomainBound", "DomainDecl", "HistoryStep", "FlowDecl", "CheckDecl",
    "PropertyDecl", "PropertiesDecl", "Spec",
]

#: user: a key the user presses; environment: the world changes (allowed on any
#: screen); system: a step the app takes by itself on a system screen; signal: a
#: message a screen transition sends to the account region.
EVENT_KINDS = ("user", "environment", "system", "signal")
#: The two softkeys under a screen, in the order a screen lists their labels.
SOFTKEYS = ("left", "right")
#: Words `kmsflow play` reads itself: an environment event's ``command`` may not begin with one.
PLAY_WORDS = frozenset({"undo", "u", "reset", "help", "h", "quit", "q", "set", "save", "left", "right"})
#: How a property's message names the ``properties.watched`` variables when the spec gives no ``watched_called``.
WATCHED_CALLED = "the watched variables"


@dataclass
class Parameter:
    name: str
    default: int
    doc: str
    loc: Loc
    tester: str = ""  # how a tester sets or reads it, a template over {value}: "a coffee costs {value} coins"


@dataclass
class Variable:
    """A world variable: an int with bounds, or one of a fixed set of values."""

    name: str
    type: str  # "int" or "enum"
    initial: int | str
    doc: str
    loc: Loc
    values: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    # How a tester sets it up or checks it (simulator.walk.phrases): a template over {value}, or (an
    # enum) one phrase per value. "": the exports fall back to the doc.
    tester: str | dict[str, str] = ""


@dataclass
class KbStep:
    """One step or statement of the source article, in our own words."""

    id: str
    section: str
    text: str
    loc: Loc


@dataclass
class Assumption:
    """A product decision where the article is silent: what, the alternative, why."""

    id: str
    title: str
    decision: str
    alternative: str
    why: str
    loc: Loc


@dataclass
class Named:
    """A guard or an effect: a name the spec uses and the sentence that defines it.

    ``code`` is its expression when the spec writes it out (``when:`` of a guard, ``do:``
    of an effect, or a condition written in place of a name); None when a rule book
    implements it in Python.
    """

    name: str
    doc: str
    loc: Loc
    code: str | None = None
    code_loc: Loc | None = None


@dataclass
class Event:
    """An event; a user event may say which softkey it is or which menu item it selects."""

    name: str
    kind: str
    label: str
    doc: str
    loc: Loc
    softkey: str | None = None  # one of SOFTKEYS: the screen shows ``label`` on that key where it is taken
    item: str | None = None  # the item label a screen's ``items`` lists where it is taken
    tester: str = ""  # an environment event as a tester causes it ("turn off mobile data"), over the parameters
    command: str = ""  # an environment event: the words `kmsflow play` takes for it ("net down")
    clock: str = ""  # the environment event that passes time, and its unit in the plural ("days"): play's
    #                  `COMMAND N` and the review page's "let N ... pass" repeat it


@dataclass(slots=True)  # slots: a big spec holds hundreds of thousands
class Screen:
    """A state of the device's UI region.

    ``kind`` says how it looks (menu, query, list, note, system, closed); a
    system screen is never resting: the app leaves it by itself.
    """

    name: str
    kind: str
    title: str
    loc: Loc
    parent: str | None = None
    text: str = ""  # a template: may name parameters and world variables ({price}); see spec.texts
    status: str = ""  # a template: the status line shown above the body (a menu's items)
    caption: str = ""  # a short phrase telling it apart from screens with the same title (spec.texts)
    items: tuple[str, ...] = ()
    softkeys: tuple[str, str] = ("", "")
    note: str | None = None
    doc: str = ""
    initial: bool = False
    assumptions: tuple[str, ...] = ()  # decisions that shape what the screen shows
    # Where each key stands; read-only (a spec from the cache makes each place when asked: spec.cache).
    key_locs: Mapping[str, Loc] = field(default_factory=dict, repr=False, compare=False)

    def loc_of(self, key: str) -> Loc:
        return self.key_locs.get(key, self.loc)

    @property
    def is_system(self) -> bool:
        return self.kind == "system"


@dataclass(slots=True)  # slots: a big spec holds hundreds of thousands
class Transition:
    """One spec transition; the field names are those of the ``transitions`` package."""

    id: str  # stable, unique: region/source/trigger/n
    region: str  # "screens" or "account"
    trigger: str
    sources: tuple[str, ...]  # ("*",) means every state of the region
    dest: str | None  # None: internal (the state stays, nothing exits or enters)
    loc: Loc
    conditions: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    send: tuple[str, ...] = ()
    kb: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    doc: str = ""
    # Where each key stands; read-only (a spec from the cache makes each place when asked: spec.cache).
    key_locs: Mapping[str, Loc] = field(default_factory=dict, repr=False, compare=False)

    def loc_of(self, key: str) -> Loc:
        return self.key_locs.get(key, self.loc)

    @property
    def guards(self) -> tuple[str, ...]:
        return self.conditions + self.unless

    @property
    def effects(self) -> tuple[str, ...]:
        return self.before + self.after


@dataclass
class Region:
    """The account lifecycle: a second machine over one enum world variable."""

    variable: str
    states: dict[str, str]  # name -> sentence
    state_locs: dict[str, Loc]
    transitions: list[Transition]
    loc: Loc
    called: str = ""  # what readers call the region ("account"); "" names it by its variable


# -- the sections later stages build on: views, domain, properties -------------------
#
# The loader checks their shape (keys, types) and keeps what it found wrong in the
# section's ``problems`` instead of raising: a bad diagram or walk setting must not
# stop the simulator. Names they use are resolved against the rest of the spec by
# :mod:`simulator.spec.resolve`, which also reports unknown ones.


@dataclass(frozen=True)
class NameRef:
    """A name a section writes (a screen, an event, a variable, ...) and where."""

    name: str
    loc: Loc


@dataclass(frozen=True)
class NameChoice:
    """The screens, account states or events a view picks: listed names, or ``all``."""

    names: tuple[NameRef, ...]
    loc: Loc
    every: bool = False


@dataclass(frozen=True)
class GuardLabel:
    """How a guard reads on an arrow: as a condition, and as an ``unless`` ('' = "not" + the first)."""

    guard: str
    when: str
    unless: str
    loc: Loc


@dataclass(frozen=True)
class ViewDecl:
    """One diagram of the ``views:`` section, as written (names not yet resolved)."""

    name: str
    title: str  # '' only for the overview, which has a default
    doc: str
    loc: Loc
    screens: NameChoice
    account: NameChoice
    events: NameChoice | None  # None: every event
    start: NameRef | None = None
    end: tuple[NameRef, ...] = ()
    end_loc: Loc | None = None
    path: tuple[NameRef, ...] | str | None = None  # the how-to path drawn numbered: events from start, or a scenario
    path_loc: Loc | None = None
    article: NameRef | None = None  # number the path's steps by this article's step numbers (<article>.<n>)

    @property
    def is_overview(self) -> bool:
        return self.name == "overview"


@dataclass(frozen=True)
class ViewsDecl:
    guard_labels: tuple[GuardLabel, ...]
    diagrams: tuple[ViewDecl, ...]
    loc: Loc
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ValueExpr:
    """A value the walk uses: a whole number, an enum value or an expression over parameters (``2 * price``)."""

    text: int | str
    loc: Loc


@dataclass(frozen=True)
class DomainValues:
    variable: str
    values: tuple[ValueExpr, ...]
    loc: Loc


@dataclass(frozen=True)
class DomainBound:
    variable: str
    value: ValueExpr
    loc: Loc


@dataclass(frozen=True)
class DomainDecl:
    """The ``domain:`` section: start values, bounds and counters of the exhaustive walk."""

    initial: tuple[DomainValues, ...]
    bounds: tuple[DomainBound, ...]
    counters: tuple[NameRef, ...]
    loc: Loc
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class HistoryStep:
    """A flag of a remembered flow: set when one of ``events`` fires on one of ``screens``."""

    flag: str
    screens: tuple[str, ...]
    events: tuple[str, ...]
    loc: Loc
    screen_loc: Loc
    event_loc: Loc


@dataclass(frozen=True)
class FlowDecl:
    """A flow whose steps a configuration remembers while it stays on the flow's screens."""

    name: str
    screens: tuple[NameRef, ...]
    steps: tuple[HistoryStep, ...]
    loc: Loc

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(step.flag for step in self.steps)


@dataclass(frozen=True)
class CheckDecl:
    """One check of a property: a kind the walk knows and its parameters, as plain data."""

    kind: str
    params: dict[str, Any]
    loc: Loc
    key_locs: dict[str, Loc] = field(default_factory=dict, repr=False, compare=False)

    def loc_of(self, key: str) -> Loc:
        return self.key_locs.get(key, self.loc)


@dataclass(frozen=True)
class PropertyDecl:
    name: str
    text: str
    checks: tuple[CheckDecl, ...]
    loc: Loc


@dataclass(frozen=True)
class PropertiesDecl:
    """The ``properties:`` section: the watched variables, the counter, remembered flows, the promises to check."""

    watched: tuple[NameRef, ...]  # what the *_keep_watched checks say must not change
    counter: NameRef | None  # the whole-number variable the counter_* checks watch rise
    history: tuple[FlowDecl, ...]
    must_hold: tuple[PropertyDecl, ...]
    loc: Loc
    problems: tuple[Problem, ...] = ()
    watched_called: str = WATCHED_CALLED  # how the checks' messages name the watched variables


@dataclass(frozen=True)
class NoteKind:
    """A kind of note screen: what it reports, and the words (any one) its text uses to say so."""

    name: str
    doc: str
    says: tuple[str, ...]  # empty: the text is not checked
    loc: Loc


@dataclass(frozen=True)
class NotesDecl:
    """The ``notes:`` section: every kind a note screen may have. Read like the walk's sections (problems kept)."""

    kinds: dict[str, NoteKind]
    loc: Loc
    problems: tuple[Problem, ...] = ()


@dataclass
class Spec:
    name: str
    title: str
    path: str
    rules: str
    source: dict[str, str]
    parameters: dict[str, Parameter]
    variables: dict[str, Variable]
    constraints: tuple[str, ...]
    kb_steps: dict[str, KbStep]
    assumptions: dict[str, Assumption]
    guards: dict[str, Named]
    effects: dict[str, Named]
    events: dict[str, Event]
    screens: dict[str, Screen]
    initial_screen: str
    home_screen: str
    transitions: list[Transition]
    account: Region | None
    # None: the spec has no such section (or leaves it empty); each stage then uses its default.
    views: ViewsDecl | None = None  # the diagrams (simulator.draw)
    domain: DomainDecl | None = None  # where the exhaustive walk starts and stops (simulator.walk)
    properties: PropertiesDecl | None = None  # what the walk proves (simulator.walk)
    notes: NotesDecl | None = None  # the note kinds, declared (otherwise: whatever the note screens say)
    description: str = ""
    device: str = "device"  # what the screens are on, as readers call it ("keypad"): "the keypad shows ..."
    key_locs: dict[str, Loc] = field(default_factory=dict, repr=False)  # where each top-level key stands
    # Set by the loader when no string of the file can hold a control character (see yamlsafe), so
    # check_characters need not walk a big spec's every string; False (walk them) for a spec built otherwise.
    plain_strings: bool = field(default=False, repr=False, compare=False)

    def loc_of(self, key: str) -> Loc:
        return self.key_locs.get(key, Loc(self.path, 1, 1))

    def all_transitions(self) -> list[Transition]:
        """Screen transitions then account transitions, in spec order."""
        return self.transitions + (self.account.transitions if self.account else [])

    def events_of_kind(self, *kinds: str) -> list[str]:
        return [name for name, event in self.events.items() if event.kind in kinds]

    @property
    def note_kinds(self) -> list[str]:
        return sorted({s.note for s in self.screens.values() if s.note})

    def transition(self, transition_id: str) -> Transition:
        for transition in self.all_transitions():
            if transition.id == transition_id:
                return transition
        raise UsageError(Problem(Loc(self.path), "error", f"no transition {transition_id!r} in this spec",
                                 "unknown-transition"))
