"""The interactive session: play a spec like its device, with world controls, undo and save.

One core, :class:`PlaySession`, takes every input as a line of text (an event
name, a number from the list of allowed events, a softkey, or a world command)
and answers with a :class:`Reply`. Two drivers use it: :func:`run_lines` for
piped input (prints each screen as plain text) and the terminal UI in
:mod:`simulator.play.terminal` (keys, arrows, a live screen).

World controls are the spec's own environment events, fired like any event
(by name, by label, or by the ``command`` words the spec gives them, such as
``battery low``), so the trace records them and a saved session replays them. The
one the spec marks as its ``clock`` is repeated by ``COMMAND N`` (``minute 5``).

Anything that wants to follow the session (a live diagram, say) registers with
:meth:`PlaySession.add_listener` and is called with the session after every
change; :attr:`PlaySession.path` is the path taken so far.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, TextIO

from ..errors import FlowRuntimeError, Loc, Problem, UsageError
from ..output import write_atomic
from ..runtime.given import constraint_problems, validate_world_values
from ..runtime.scenario import Scenario, Step, run_scenario, scenario_text, spec_reference
from ..runtime.simulate import Simulator, TraceStep
from ..spec.load import did_you_mean
from ..spec.project import project_spec_path
from ..spec.model import Spec
from ..spec.texts import reader_name, reader_names
from ..spec.yamlsafe import whole_number
from .phone import PHONE_WIDTH, PhoneView, phone_text, phone_view, softkey_event

__all__ = ["PlaySession", "Reply", "COMMANDS", "parse_given", "session_from_scenario", "format_session",
           "background_lines", "world_commands_hint", "example_pair",
           "format_world_line", "format_allowed", "format_recent_steps", "run_lines", "scenario_yaml"]

#: The most units of time one ``COMMAND N`` passes (a guard against a typo such as ``minute 50000000``).
MAX_DAYS = 10_000

#: The commands besides events, as the help shows them: (syntax, what it does).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("NUMBER", "choose the allowed event with that number"),
    ("EVENT", "send an event by name or by its label"),
    ("[  or  left", "press the left softkey"),
    ("]  or  right", "press the right softkey"),
    ("set VAR=VALUE ...", "set world variables or parameters (checked like --given); after steps, the world "
                          "then is where a saved scenario starts"),
    ("undo", "step back over the last action (events and world changes alike)"),
    ("reset", "go back to where the session started (undo brings the steps back)"),
    ("save FILE", "write the session as a scenario that `kmsflow simulate FILE` replays (its name is asked)"),
    ("help", "show this help"),
    ("quit", "end the session"),
)



@dataclass
class Reply:
    """What the session says back to one input line."""

    message: str = ""
    changed: bool = False  # the screen or the world changed: draw it again
    refused: bool = False  # the input was not accepted and changed nothing
    quit: bool = False


class PlaySession:
    """A spec being played from a given world: the state, the steps taken, undo, save.

    ``start_steps`` are replayed first (``--from SCENARIO``): they become part
    of the path, so a later save replays from the same given world.
    Raises FlowRuntimeError if ``start_steps`` make the spec stuck.
    """

    def __init__(self, spec: Spec, given: dict[str, Any] | None = None, start_steps: Iterable[str] = (),
                 name: str = "played session"):
        self.spec = spec
        self.name = name
        self.given_values = dict(given or {})
        self._listeners: list[Callable[[PlaySession], str | None]] = []
        self.sim = Simulator(spec, self.given_values)
        # Each entry undoes one action: ("events", count) or ("reset", what the reset put aside: the simulator,
        # the steps, the undo entries, and the saved-steps count with the save it was counted for).
        # Nothing here is copied or replayed per step, so a step costs the same in a long session.
        self._undo_stack: list[tuple] = []
        self.steps: list[str] = []
        self.saved_steps: list[str] = []  # the steps a file already holds (the scenario we started from)
        self._common = 0  # how many of the first steps are saved_steps' first ones (kept up to date, not recounted)
        self._saves = 0
        self._view: tuple | None = None  # (screen and values, view) of the last view asked for
        # Asks a person a question and returns the answer (``input`` when one types the lines); None: nobody to ask.
        self.ask: Callable[[str], str] | None = None
        self._reader_names: dict[str, str] | None = None
        for event in start_steps:
            self._fire_checked(event)
            self._undo_stack.append(("events", 1))
        self.start_steps = list(self.steps)
        self._start_undo = list(self._undo_stack)
        self.saved_steps = list(self.steps)
        self._common = len(self.steps)
        self.saved_to: str | None = None

    # -- reading -------------------------------------------------------------------
    @property
    def screen(self) -> str:
        return self.sim.screen

    @property
    def world(self) -> dict[str, Any]:
        return self.sim.world

    @property
    def values(self) -> dict[str, Any]:
        """What screen texts are filled with now: the parameters and the world."""
        return {**self.sim.parameters, **self.sim.world}

    @property
    def view(self) -> PhoneView:
        """The phone's view of the current screen, its texts filled from the world now.

        Made once per screen and world: guards read only the world variables and
        parameters, so the allowed events (the costly part) cannot differ.
        """
        values = self.values
        key = (self.sim.screen, tuple(values.items()))
        if self._view is None or self._view[0] != key:
            self._view = (key, phone_view(self.spec, self.sim.screen, self.sim.allowed_events(), values))
        return self._view[1]

    @property
    def reader_names(self) -> dict[str, str]:
        """The screens' names for readers (:func:`simulator.spec.texts.reader_name`), made once per session."""
        if self._reader_names is None:
            self._reader_names = reader_names(self.spec)
        return self._reader_names

    @property
    def path(self) -> list[TraceStep]:
        """Every accepted step from the given world to now (system steps are in each step's ``taken``)."""
        return [step for step in self.sim.trace if step.accepted]

    @property
    def unsaved_steps(self) -> int:
        """Steps taken since the last save (or since the scenario the session started from)."""
        return len(self.steps) - self._common

    def add_listener(self, callback: Callable[["PlaySession"], str | None], call_now: bool = True) -> None:
        """Call ``callback(session)`` after every change (and now, unless ``call_now`` is false).

        What the callback returns after a change, if anything, is added to the reply as a line of
        its own (a live diagram that could not be written says so there).
        """
        self._listeners.append(callback)
        if call_now:
            callback(self)

    # -- acting --------------------------------------------------------------------
    def handle(self, line: str, highlighted: str | None = None) -> Reply:
        """Carry out one input line; ``highlighted`` is the event the UI's selection is on (for Select).

        Never raises for bad input: a refused or unknown input returns a Reply
        that explains itself and changes nothing.
        """
        text = line.strip()
        words = text.lower().split()
        if not words:
            return Reply()
        if re.fullmatch(r"[0-9]{1,9}", text):  # a longer number is no event's
            action = self.view.action(int(text))
            if action is None:
                return self._refuse(f"there is no event number {text} here.")
            return self.fire(action.event)
        if text in ("[", "]") or words == ["left"] or words == ["right"]:
            side = 0 if text == "[" or words == ["left"] else 1
            event = softkey_event(self.spec, self.view, side, highlighted)
            if event is None:
                label = self.view.softkeys[side]
                what = f"the {('left', 'right')[side]} softkey"
                return self._refuse(f"{what} ({label}) does nothing here." if label else f"{what} is blank here.")
            return self.fire(event)
        head, rest = words[0], words[1:]
        clock = self._clock()
        if clock is not None and head in (clock.command, clock.clock):
            if not rest:
                return self.pass_days(1)
            if len(rest) == 1 and re.fullmatch(r"[0-9]{1,9}", rest[0]) and 1 <= int(rest[0]) <= MAX_DAYS:
                return self.pass_days(int(rest[0]))
            return self._refuse(f"'{text}': {clock.command} takes a number of {clock.clock} from 1 to {MAX_DAYS}, "
                                f"e.g. '{clock.command} 5'.")
        commands = self._world_commands()
        if " ".join(words) in commands:
            return self.fire(commands[" ".join(words)])
        if words in (["undo"], ["u"]):
            return self.undo()
        if words == ["reset"]:
            return self.reset()
        if words in (["help"], ["h"], ["?"]):
            return Reply(self.help_text())
        if words in (["quit"], ["q"]):
            return Reply(quit=True)
        if head == "set":
            pairs = text.split()[1:]
            return self.set_values(pairs) if pairs else self._refuse(f"set needs VAR=VALUE, e.g. "
                                                                     f"'set {example_pair(self.spec)}'.")
        if head == "save":
            path = text.split(None, 1)[1].strip() if len(words) > 1 else ""
            return self.save(path) if path else self._refuse("save needs a file name, e.g. 'save session.yaml'.")
        event = self._event_named(text)
        if event is None:
            known = list(self.spec.events) + list(self._world_commands()) + ["set", "undo", "reset", "save",
                                                                             "help", "quit"]
            return self._refuse(f"unknown input '{text}'{did_you_mean(text, known)}; type help for the commands.")
        return self.fire(event)

    def fire(self, event: str) -> Reply:
        """Send one user or environment event; refused (changing nothing) when it is not allowed here."""
        kind = self.spec.events[event].kind if event in self.spec.events else None
        if kind not in ("user", "environment"):
            why = (f"{event} is a {kind} event: the app sends it by itself." if kind else f"unknown event {event}.")
            return self._refuse(why)
        if not self.sim.is_allowed(event):
            return self._refuse(f"{event} is not allowed on {screen_phrase(self.spec, self.screen, self.values)}.")
        step = self._fire_guarded(event)
        if isinstance(step, Reply):
            return step
        self._undo_stack.append(("events", 1))
        lines = [describe_step(self.spec, step, self.reader_names), *background_lines(self.spec, step)]
        return self._changed("\n".join(lines))

    def _world_commands(self) -> dict[str, str]:
        """The spec's world controls: each environment event's ``command`` (and its words run together)."""
        out: dict[str, str] = {}
        for name, event in self.spec.events.items():
            if event.command:
                out[event.command] = name
                out.setdefault(event.command.replace(" ", ""), name)
        return out

    def _clock(self):
        """The spec's environment event that passes time (``clock:``), or None."""
        return next((event for event in self.spec.events.values() if event.clock), None)

    def pass_days(self, days: int) -> Reply:
        """Pass ``days`` units of time (the spec's clock event, that many times), undone as one action."""
        clock = self._clock()
        if clock is None:
            return self._refuse("time does not pass in this spec (no environment event says clock:).")
        event = clock.name
        if not self.sim.is_allowed(event):
            return self._refuse(f"{event} is not allowed on {screen_phrase(self.spec, self.screen, self.values)}.")
        before = self.world
        fired = 0
        background: list[str] = []
        for _ in range(days):
            if not self.sim.is_allowed(event):
                break
            step = self._fire_guarded(event)
            if isinstance(step, Reply):
                if fired:
                    self._undo_stack.append(("events", fired))
                return step
            fired += 1
            background += [line.replace("in the background:", f"{clock.command} {fired}, in the background:", 1)
                           for line in background_lines(self.spec, step)]
        self._undo_stack.append(("events", fired))
        after = self.world
        changes = ", ".join(f"{k}: {_shown(before[k])} -> {_shown(after[k])}" for k in after if before[k] != after[k])
        unit = clock.command if fired == 1 else clock.clock
        return self._changed("\n".join([f"{fired} {unit} passed" + (f": {changes}" if changes else ""), *background]))

    def undo(self) -> Reply:
        """Step back over the last action: an event, a ``day N``, or a reset."""
        if not self._undo_stack:
            return self._refuse("nothing to undo: this is where the session started.")
        entry = self._undo_stack.pop()
        if entry[0] == "events":
            for _ in range(entry[1]):
                self.sim.undo()
                undone = self._pop_step()
            what = f"undid {undone}" + (f" x{entry[1]}" if entry[1] > 1 else "")
        elif entry[0] == "set":
            (_, self.sim, self.steps, self._undo_stack, common, saves, self.given_values, self.start_steps,
             self._start_undo, _) = entry
            self._common = common if saves == self._saves else _common_prefix(self.steps, self.saved_steps)
            what = "undid the set"
        else:
            _, self.sim, self.steps, self._undo_stack, common, saves = entry
            self._common = common if saves == self._saves else _common_prefix(self.steps, self.saved_steps)
            what = "undid the reset"
        return self._changed(what)

    def reset(self) -> Reply:
        """Go back to where the session started; undo brings the steps back."""
        entry = ("reset", self.sim, self.steps, self._undo_stack, self._common, self._saves)
        self._replay(self.start_steps)
        self._undo_stack = list(self._start_undo) + [entry]
        return self._changed("back to the start of the session")

    def set_values(self, pairs: list[str]) -> Reply:
        """Set world variables or parameters (``wrong_tries=2``), checked like ``--given``; undone like a step.

        Before any step the values change the world the session starts from. After steps, a world a
        scenario could not replay to begins here: the session goes on from the current screen and
        world with the values set, as if started there (undo brings the steps back).
        """
        try:
            values = parse_given(self.spec, pairs)
        except UsageError as exc:
            return self._refuse("; ".join(f"{p.loc.file.replace('--given', 'set', 1)}: {p.message}"
                                          for p in exc.problems) + ".")
        defaults = {name: p.default for name, p in self.spec.parameters.items()}
        if self.steps:
            world = {k: v for k, v in self.sim.world.items() if k in self.spec.variables}
            parameters = {k: v for k, v in self.sim.parameters.items() if v != defaults[k]}
            given = {"screen": self.screen, **world, **parameters, **values}
        else:
            given = {**self.given_values, **values}
        try:
            sim = Simulator(self.spec, given)
            problems = constraint_problems(self.spec, {**sim.world, **sim.parameters}, Loc("set"))
            if problems:
                raise UsageError(problems)
        except UsageError as exc:
            return self._refuse("; ".join(p.message for p in exc.problems) + ".")
        entry = ("set", self.sim, self.steps, self._undo_stack, self._common, self._saves, self.given_values,
                 self.start_steps, self._start_undo, self.saved_steps)
        restarted = bool(self.steps)
        self.sim, self.given_values, self.steps, self.start_steps, self._start_undo = sim, given, [], [], [entry]
        self._common = 0
        self._undo_stack = [entry]
        said = ", ".join(f"{k}={v}" for k, v in values.items())
        return self._changed(f"set {said}" + (": a saved scenario starts here, from this screen and world"
                                              if restarted else ""))

    def save(self, path: str, name: str | None = None) -> Reply:
        """Write the steps so far as a scenario file (written atomically; refused with no steps).

        ``name``: the scenario's name; when None and a person can be asked (:attr:`ask`), they are.
        """
        if not self.steps:
            return self._refuse("nothing to save yet: no steps taken.")
        if name is None and self.ask is not None:
            try:
                name = self.ask(f"Name of the scenario (Enter: {self.name}): ").strip()
            except (EOFError, KeyboardInterrupt):
                name = ""
        if name:
            self.name = name
        try:
            write_atomic(path, scenario_yaml(self, path))
        except UsageError as exc:  # the place cannot be written: say so, keep the session going
            return self._refuse(f"could not save to {path}: {exc.problems[0].message}.")
        self.saved_steps = list(self.steps)
        self._common = len(self.steps)
        self._saves += 1
        self.saved_to = path
        return Reply(f"saved {len(self.steps)} steps to {path}; replay with: kmsflow simulate {path}")

    # -- help ----------------------------------------------------------------------
    def allowed_text(self) -> str:
        """The allowed events, numbered, on one line."""
        return "; ".join(f"{a.number} {a.label} ({a.event})" for a in self.view.actions) or "nothing"

    def help_text(self) -> str:
        # The world controls are the spec's own (its environment events' commands), after the cursor keys.
        world = [(f"{e.command} [N]", f"{e.label}: once, or N {e.clock} at once") if e.clock else (e.command, e.label)
                 for e in self.spec.events.values() if e.command]
        commands = [*COMMANDS[:4], *world, *COMMANDS[4:]]
        user = next((e for e in self.spec.events.values() if e.kind == "user"), None)
        if user is not None:  # an example from the spec itself
            commands[1] = ("EVENT", f"send an event by name ({user.name}) or by its label ({user.label.lower()})")
        width = max(len(syntax) for syntax, _ in commands)
        lines = ["Type a line (or use the keys in the terminal):"]
        lines += [f"  {syntax.ljust(width)}  {what}" for syntax, what in commands]
        parameters = ", ".join(f"{k}={v}" for k, v in self.sim.parameters.items())
        if parameters:
            lines.append(f"Parameters: {parameters}")
        lines.append(f"Allowed here: {self.allowed_text()}")
        return "\n".join(lines)

    # -- inside --------------------------------------------------------------------
    def _event_named(self, text: str) -> str | None:
        if text in self.spec.events:
            return text
        lowered = text.lower()
        if lowered in self.spec.events:
            return lowered
        # A label ("Yes", "open the app"); several events may share one, so prefer the one allowed here.
        matches = [name for name, e in self.spec.events.items() if e.label.lower() == lowered]
        allowed = [name for name in matches if self.sim.is_allowed(name)]
        return (allowed or matches or [None])[0]

    def _refuse(self, why: str) -> Reply:
        return Reply(f"Refused: {why} Nothing changed. Allowed here: {self.allowed_text()}", refused=True)

    def _changed(self, message: str) -> Reply:
        notes = [note for note in (callback(self) for callback in self._listeners) if note]
        return Reply("\n".join([message, *notes]), changed=True)

    def _fire_checked(self, event: str) -> TraceStep:
        step = self.sim.fire(event)
        if not step.accepted:
            raise FlowRuntimeError(f"{event} is not allowed on {step.screen_before}")
        common = self._common
        if common == len(self.steps) < len(self.saved_steps) and self.saved_steps[common] == event:
            self._common = common + 1  # still walking the saved steps
        self.steps.append(event)
        return step

    def _pop_step(self) -> str:
        event = self.steps.pop()
        self._common = min(self._common, len(self.steps))
        return event

    def _fire_guarded(self, event: str) -> TraceStep | Reply:
        """Fire; if the spec gets stuck, say why (the simulator has put everything back as it was)."""
        try:
            return self._fire_checked(event)
        except FlowRuntimeError as exc:
            return Reply(f"Refused: the spec got stuck: {exc}. Nothing changed.", refused=True)

    def _replay(self, steps: list[str]) -> None:
        self.sim = Simulator(self.spec, self.given_values)
        self.steps = []
        self._common = 0
        for event in steps:
            self._fire_checked(event)


def _common_prefix(steps: list[str], saved: list[str]) -> int:
    """How many of the first ``steps`` are the first ``saved`` ones."""
    common = 0
    for mine, theirs in zip(steps, saved):
        if mine != theirs:
            break
        common += 1
    return common


def _shown(value: Any) -> str:
    return "-" if value is None else str(value)


def screen_phrase(spec: Spec, screen: str, values: dict[str, Any] | None = None) -> str:
    """``Wrong PIN (note_wrong_pin)``: the screen's name for readers, and its name in the spec."""
    name = reader_name(spec, screen, values)
    return name if name.endswith(f"({screen})") else f"{name} ({screen})"


def background_lines(spec: Spec, step: TraceStep) -> list[str]:
    """What happened in the background during ``step``, a line each: the second region's transitions run
    by a signal that change something or that the source describes, said by their doc (one that changes
    nothing is still told when the source tells of it).
    """
    lines = []
    for transition_id in step.taken:
        t = spec.transition(transition_id)
        event = spec.events.get(t.trigger)
        told = t.after or t.before or (t.dest is not None and t.dest not in t.sources) or t.kb
        if t.region == "account" and event is not None and event.kind == "signal" and told:
            lines.append(f"      in the background: {event.label}: {t.doc or t.id}")
    return lines


def describe_step(spec: Spec, step: TraceStep, names: dict[str, str] | None = None) -> str:
    """``press_yes: Coffee -> Enjoy  [credit: 2 -> 0, cups: 0 -> 1, note: - -> served]``.

    Screens are named for readers (:func:`simulator.spec.texts.reader_name`): the
    device's titles, told apart where two screens share one. ``names``: those
    names, computed once for the spec (default: computed here).
    """
    names = reader_names(spec) if names is None else names
    screens = [step.screen_before]
    for transition_id in step.taken:
        transition = spec.transition(transition_id)
        if transition.region == "screens" and transition.dest and transition.dest != screens[-1]:
            screens.append(transition.dest)
    shown = [names.get(screen, screen) for screen in screens]
    move = " -> ".join(shown) if len(shown) > 1 else f"stays on {shown[0]}"
    changes = ", ".join(f"{k}: {_shown(old)} -> {_shown(new)}" for k, (old, new) in step.changes.items())
    return f"{step.event}: {move}" + (f"  [{changes}]" if changes else "")


# -- starting a session ---------------------------------------------------------------
def _parse_value(text: str) -> Any:
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return whole_number(text)  # ValueError beyond 18 digits
    return None if text in ("null", "~") else text


def parse_given(spec: Spec, pairs: list[str]) -> dict[str, Any]:
    """``["wrong_tries=2", "battery=low"]`` -> a validated given world; raises UsageError naming each bad pair."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    allow = {"screen", "note"} | set(spec.parameters)
    for pair in pairs:
        loc = Loc(f"--given {pair}")
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            problems.append(Problem(loc, "error",
                                    f"expected KEY=VALUE, e.g. --given {example_pair(spec)} (a SPEC goes before "
                                    "--given)",
                                    "bad-value"))
            continue
        try:
            value = _parse_value(raw.strip())
        except ValueError as exc:
            problems.append(Problem(loc, "error", f"given: {key.strip()}: {exc}", "bad-value"))
            continue
        found = validate_world_values(spec, {key.strip(): value}, "given", allow, loc)
        problems += found
        if not found:
            values[key.strip()] = value
    if not problems:
        problems += constraint_problems(spec, values, Loc("--given"))
    if problems:
        raise UsageError(problems)
    return values


def session_from_scenario(scenario: Scenario, spec: Spec) -> PlaySession:
    """A session that starts at the end of ``scenario``; raises UsageError when the scenario fails."""
    result = run_scenario(scenario, spec)
    if not result.passed:
        raise UsageError([Problem(Loc(scenario.path), "error", f"--from: the scenario fails, so it has no end to "
                                  f"start from: {failure}", "scenario-fails") for failure in result.failures])
    steps = [event for step in scenario.steps if not step.refused for event in [step.event] * step.repeat]
    return PlaySession(spec, scenario.given, steps, name=f"{scenario.name}, then played on")


# -- saving ---------------------------------------------------------------------------
def _compressed_steps(steps: list[str]) -> list[Step]:
    """Runs of one event become one step with ``repeat`` (a ``day 30`` stays one line)."""
    out: list[Step] = []
    for event in steps:
        if out and out[-1].event == event:
            out[-1].repeat += 1
        else:
            out.append(Step(event))
    return out


def scenario_yaml(session: PlaySession, path: str) -> str:
    """The session so far as a scenario file (given world, steps, current screen and world as expect)."""
    spec = session.spec
    given = {k: v for k, v in session.sim.given.items() if not (k == "note" and v is None)}
    defaults = {name: p.default for name, p in spec.parameters.items()}
    given.update({k: v for k, v in session.sim.parameters.items() if v != defaults[k]})
    expect = {"screen": session.screen, **session.world}
    # Saved inside a project whose default is this spec, no `spec:` line: it replays there as the project's
    # other scenarios do (even after the spec file moves, when the project names the new place).
    try:
        default = os.path.realpath(spec.path) == os.path.realpath(project_spec_path(os.path.dirname(path) or "."))
    except UsageError:  # no project names a default there
        default = False
    return scenario_text(session.name, given, _compressed_steps(session.steps), expect,
                         None if default else spec_reference(spec.path, path),
                         "Saved by kmsflow play. Replay it with: kmsflow simulate " + os.path.basename(path))


# -- drawing as text ------------------------------------------------------------------
def example_pair(spec: Spec) -> str:
    """``wrong_tries=0``: a ``VAR=VALUE`` of the spec's own, for the examples in messages (its first variable)."""
    name, variable = next(iter(spec.variables.items()), ("screen", None))
    return f"{name}={spec.initial_screen if variable is None else variable.initial}"


def world_commands_hint(spec: Spec) -> str:
    """``minute 5, battery low, battery ok``: the world controls the spec gives play, as one types them."""
    return ", ".join(f"{e.command} 5" if e.clock else e.command for e in spec.events.values() if e.command)


def format_world_line(session: PlaySession) -> str:
    """``keypad=ready wrong_tries=0 ... note=-``: the world variables and the latest note."""
    world = session.world
    return " ".join(f"{k}={_shown(v)}" for k, v in world.items())


def format_recent_steps(session: PlaySession, count: int = 3) -> list[str]:
    """The last ``count`` steps, numbered, each with the screens it passed through."""
    recent: list[TraceStep] = []
    for step in reversed(session.sim.trace):  # from the end: the cost does not grow with the session
        if len(recent) == count:
            break
        if step.accepted:
            recent.append(step)
    recent.reverse()
    first = len(session.steps) - len(recent)
    names = session.reader_names
    return [line for number, step in enumerate(recent, start=first + 1)
            for line in [f"{number:>4}  {describe_step(session.spec, step, names)}",
                         *background_lines(session.spec, step)]]


def format_allowed(view: PhoneView, width: int = 80) -> str:
    """``Allowed: 1 Yes (press_yes, key [); 2 No (press_no, key ]); ...``, wrapped between events."""
    parts = [f"{a.number} {a.label} ({a.event}{', key ' + a.key if a.key else ''})" for a in view.actions]
    lines = ["Allowed:"]
    for index, part in enumerate(parts or ["nothing"]):
        part += ";" if index < len(parts) - 1 else ""
        if len(lines[-1]) + 1 + len(part) > width and lines[-1].strip():
            lines.append(" ")
        lines[-1] += " " + part
    return "\n".join(lines)


def format_session(session: PlaySession, width: int = 80) -> str:
    """The session screen as plain text: the device, allowed events, world, step count.

    The steps themselves are not repeated: a piped session prints each step as it is taken.
    """
    view = session.view
    unsaved = session.unsaved_steps
    return "\n".join([
        phone_text(view, min(width, PHONE_WIDTH)),
        format_allowed(view, width),
        f"World: {format_world_line(session)}",
        f"Steps: {len(session.steps)}" + (f" ({unsaved} unsaved)" if unsaved else ""),
    ])


def run_lines(session: PlaySession, lines: Iterable[str], out: TextIO, echo: bool = True,
              ask: Callable[[str], str] | None = None) -> int:
    """Drive the session from text lines (piped stdin); print each screen as plain text. Returns 0.

    ``ask`` (``input`` when a person types the lines) is used at the end, on
    ``quit``, end of input or Ctrl-C, to offer saving unsaved steps.
    """
    if ask is not None:
        session.ask = ask  # a person types the lines: ask the scenario's name on save
    print(f"kmsflow play: {session.spec.name} (type help for the commands)", file=out)
    print(format_session(session), file=out)
    try:
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if echo:
                print(f"\n> {line.strip()}", file=out)
            reply = session.handle(line)
            if reply.message:
                print(reply.message, file=out)
            if reply.changed:
                print(format_session(session), file=out)
            out.flush()
            if reply.quit:
                break
    except KeyboardInterrupt:
        print(file=out)
    if ask is not None and session.unsaved_steps:
        _offer_to_save(session, ask, out)
    return 0


def _offer_to_save(session: PlaySession, ask: Callable[[str], str], out: TextIO) -> None:
    unsaved = session.unsaved_steps
    while True:
        try:
            name = ask(f"{unsaved} unsaved step{'s' * (unsaved != 1)}. Save to file (Enter: leave without saving): ")
        except (EOFError, KeyboardInterrupt):
            name = ""
        if not name.strip():
            print(f"Left without saving {unsaved} step{'s' * (unsaved != 1)}.", file=out)
            return
        reply = session.save(name.strip())
        print(reply.message, file=out)
        if not reply.refused:
            return
