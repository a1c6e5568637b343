"""How a tester says a step, in the spec's own words, and how such a sentence is read back.

One vocabulary serves both directions, so what the Gherkin and CSV exports
write is exactly what the step definitions (:mod:`simulator.walk.feature_run`,
:mod:`simulator.bdd`) understand:

- *givens* set up the world as a tester does it: the screen the device is on
  (named by its title, the device by the spec's ``device:``), each world variable through its ``tester`` words
  ("the machine holds 3 coins", "the battery is low"), each parameter not at
  its default ("a coffee costs 5");
- *actions* are what a person does: press a softkey by its label, select a
  menu item by its label, an environment event through its ``tester`` words
  ("insert a coin", "replace the battery");
- *checks* say what the screen shows (its title, status line, text, the items
  it offers, the softkeys) and the world values a tester can read back;
- *refusals* say what they are: a menu that does not offer an item, a softkey
  that does nothing.

Nothing here knows a particular spec: every word comes from the spec's screens,
events and world declarations. A spec that gives no ``tester`` words for a
variable is phrased from its doc ("Minutes of lockout left: 0").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import Problem, SpecError
from ..spec.model import Spec
from ..spec.texts import TemplateError, fill, reader_names, screen_texts, template_names

__all__ = ["Shown", "Phrases", "UnknownSentence", "shown_on", "one_line"]

_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` on one line: a name holding a line break (U+2028 is one to many readers) must not split a step."""
    return _LINE_BREAKS.sub(" ", text).strip()


def _q(text: str) -> str:
    return f'"{one_line(text)}"'


class UnknownSentence(ValueError):
    """A step sentence that no form of the vocabulary reads (an undefined step)."""


@dataclass(frozen=True)
class Shown:
    """What the device shows on one screen now: title, status line, text, the items offered, the softkeys."""

    screen: str
    kind: str
    title: str
    status: str
    text: str
    items: tuple[str, ...]
    softkeys: tuple[str, str]


def shown_on(spec: Spec, screen: str, allowed: set[str] | list[str], values: Mapping[str, Any]) -> Shown:
    """The device's view of ``screen`` when the events in ``allowed`` are accepted, texts filled from ``values``.

    An item whose events are all refused is not offered (the device hides it); an
    item no event selects (a list's own entry) is always shown.
    """
    s = spec.screens[screen]
    allowed = set(allowed)
    items = []
    for item in s.items:
        events = [name for name, e in spec.events.items() if e.item == item]
        if not events or any(e in allowed for e in events):
            items.append(item)
    title, status, text = screen_texts(s, values)
    return Shown(screen, s.kind, title, status, text, tuple(items), s.softkeys)


def _list(items: tuple[str, ...]) -> str:
    quoted = [_q(item) for item in items]
    if not quoted:
        return "nothing"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class Phrases:
    """The tester's vocabulary of one spec. Raises SpecError for ``tester`` words it cannot use."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.reader_names = {name: one_line(text) for name, text in reader_names(spec).items()}
        self.screen_by_reader = {text: name for name, text in self.reader_names.items()}
        counters = spec.domain.counters if spec.domain else ()
        self.counters = {ref.name for ref in counters}
        problems: list[Problem] = []
        # variable or parameter -> (enum phrases value -> sentence | None, int template | None)
        self._value_forms: dict[str, tuple[dict[str, str] | None, str | None]] = {}
        for name, variable in spec.variables.items():
            self._value_forms[name] = self._forms(name, variable.tester, variable.doc, variable.type == "enum",
                                                  variable.values, variable.loc, problems)
        for name, parameter in spec.parameters.items():
            self._value_forms[name] = self._forms(name, parameter.tester, parameter.doc, False, (), parameter.loc,
                                                  problems)
        for name, event in spec.events.items():
            if event.tester:
                try:
                    unknown = set(template_names(event.tester)) - set(spec.parameters)
                except TemplateError as exc:
                    unknown, problems = set(), problems + [Problem(event.loc, "error", f"event {name!r}: tester: "
                                                                   f"{exc}", "bad-template")]
                if unknown:
                    problems.append(Problem(event.loc, "error", f"event {name!r}: tester may name parameters only, "
                                            f"not {sorted(unknown)}", "bad-template"))
        if problems:
            raise SpecError(problems)
        # An item or softkey label that several events share (a keypad's "Enter PIN": the right PIN or a wrong
        # one) says which event is meant, by its label.
        pressed = [(e.softkey and e.label) or e.item for e in spec.events.values() if e.kind == "user"]
        self._shared = {label for label in pressed if label and pressed.count(label) > 1}
        self._int_patterns = [(name, re.compile(re.escape(template).replace(re.escape("{value}"), r"(-?[0-9]+)")))
                              for name, (_, template) in self._value_forms.items() if template]

    @staticmethod
    def _forms(name: str, tester: Any, doc: str, enum: bool, values: tuple[str, ...], loc, problems: list):
        if isinstance(tester, dict):
            missing = [v for v in values if v not in tester]
            extra = [k for k in tester if k not in values]
            if not enum or missing or extra:
                problems.append(Problem(loc, "error", f"{name}: tester: a mapping needs one phrase for each value of "
                                        f"an enum (missing {missing}, unknown {extra})", "bad-template"))
                return None, None
            return {v: one_line(tester[v]) for v in values}, None
        # Without tester words, the doc (its braces literal: a doc is no template) or the name, then the value.
        fallback = (one_line(doc).rstrip(".") or name).replace("{", "{{").replace("}", "}}")
        template = one_line(tester) if tester else f"{fallback}: {{value}}"
        try:
            names = template_names(template)
        except TemplateError as exc:
            problems.append(Problem(loc, "error", f"{name}: tester: {exc}", "bad-template"))
            return None, None
        if names != ("value",):
            problems.append(Problem(loc, "error", f"{name}: tester: expected a template naming {{value}} once, "
                                    f"found {list(names)}", "bad-template"))
            return None, None
        if enum:
            return {v: fill(template, {"value": v}) for v in values}, None
        return None, template.replace("{{", "{").replace("}}", "}")

    # -- writing -------------------------------------------------------------------
    def screen_given(self, screen: str) -> str:
        return f"the {self.spec.device} is on the {_q(self.reader_names[screen])} screen"

    def value(self, name: str, value: Any) -> str:
        """The sentence that sets up (as a given) or checks (as a then) one variable or parameter."""
        phrases, template = self._value_forms[name]
        if phrases is not None:
            return phrases[value]
        return template.replace("{value}", str(value))

    def givens(self, screen: str, world: Mapping[str, Any], parameters: Mapping[str, Any]) -> list[str]:
        """The set-up of a scenario: the screen, every world variable, every parameter off its default.

        A counter at its initial value (payments taken so far: 0) is left out: there is nothing to set up.
        """
        lines = [self.screen_given(screen)]
        for name, variable in self.spec.variables.items():
            if name in world and not (name in self.counters and world[name] == variable.initial):
                lines.append(self.value(name, world[name]))
        for name, value in parameters.items():
            if value != self.spec.parameters[name].default:
                lines.append(self.value(name, value))
        return lines

    def action(self, event: str, parameters: Mapping[str, Any]) -> str:
        """What a person does: ``I press "Yes"``, ``I select "Admin code"``, ``I replace the battery``."""
        e = self.spec.events[event]
        if e.softkey or e.item:
            shown = e.label if e.softkey else e.item
            said = f"I {'press' if e.softkey else 'select'} {_q(shown)}"
            if shown in self._shared and e.label != shown:
                said += f" to {one_line(e.label)}" if e.label[:1].islower() else f" ({one_line(e.label)})"
            return said
        if e.tester:
            return "I " + one_line(fill(e.tester, parameters))
        label = one_line(e.label or event)
        if e.kind == "user":
            return f"I {label}" if label[:1].islower() else f"I press {_q(label)}"
        return label

    def refusal(self, event: str, shown: Shown, parameters: Mapping[str, Any]) -> str:
        """A refused action said for what it is: a menu not offering an item, a key that does nothing."""
        e = self.spec.events[event]
        if e.item and shown.kind in ("menu", "list"):
            return f"the {_q(shown.title)} {shown.kind} does not offer {_q(e.item)}"
        if e.softkey:
            return f"pressing {_q(e.label)} does nothing"
        action = self.action(event, parameters)
        return f"trying to {action[2:]} does nothing" if action.startswith("I ") else f"{action} does nothing"

    def title_check(self, shown: Shown) -> str:
        return f"the {self.spec.device} shows {_q(shown.title)}"

    def status_check(self, shown: Shown) -> str:
        return f"the status line says {_q(shown.status)}"

    def text_check(self, shown: Shown) -> str:
        return f"it says {_q(shown.text)}"

    def items_check(self, shown: Shown) -> str:
        return f"the {shown.kind} offers {_list(shown.items)}"

    def softkeys_check(self, shown: Shown) -> str:
        return f"the softkeys are {_q(shown.softkeys[0])} and {_q(shown.softkeys[1])}"

    def screen_checks(self, before: Shown | None, after: Shown) -> list[str]:
        """What to check after a step: the whole screen when it is a new one, else what changed on it."""
        new = before is None or before.screen != after.screen
        lines = []
        if new or before.title != after.title:
            lines.append(self.title_check(after))
        if after.status and (new or before.status != after.status):
            lines.append(self.status_check(after))
        if after.text and (new or before.text != after.text):
            lines.append(self.text_check(after))
        if after.kind in ("menu", "list") and (new or before.items != after.items):
            lines.append(self.items_check(after))
        if new:
            lines.append(self.softkeys_check(after))
        return lines

    # -- reading -------------------------------------------------------------------
    def read_value(self, sentence: str) -> tuple[str, Any] | None:
        """(variable or parameter, value) a value sentence names, or None."""
        for name, (phrases, _) in self._value_forms.items():
            for value, phrase in (phrases or {}).items():
                if phrase == sentence:
                    return name, value
        for name, pattern in self._int_patterns:
            found = pattern.fullmatch(sentence)
            if found:
                return name, int(found.group(1))
        return None

    def read_action_elsewhere(self, sentence: str) -> str | None:
        """The environment event whose action reads ``sentence`` with other parameter values, or None."""
        for name, event in self.spec.events.items():
            if event.tester and template_names(event.tester):
                literal = [re.escape(part) for part in re.split(r"\{[^{}]*\}", one_line(event.tester))]
                if re.fullmatch("I " + "(-?[0-9]+)".join(literal), sentence):
                    return name
        return None

    def read_screen_given(self, sentence: str) -> str | None:
        # "the app is on" too: what features exported before a spec named its device said
        found = re.fullmatch(rf'the (?:app|{re.escape(self.spec.device)}) is on the "(.*)" screen', sentence)
        if not found:
            return None
        if found.group(1) not in self.screen_by_reader:
            raise UnknownSentence(f"no screen is called {found.group(1)!r}; the screens are "
                                  f"{', '.join(repr(n) for n in self.screen_by_reader)}")
        return self.screen_by_reader[found.group(1)]

    def check_form(self, sentence: str) -> str | None:
        """Which check a then sentence is: title, status, text, items, softkeys, refusal, value; None if none."""
        forms = (("title", rf'the {re.escape(self.spec.device)} shows ".*"'), ("status", r'the status line says ".*"'),
                 ("text", r'it says ".*"'), ("items", r'the (menu|list) offers (nothing|".*")'),
                 ("softkeys", r'the softkeys are ".*" and ".*"'),
                 ("refusal", r'the ".*" (menu|list) does not offer ".*"'), ("refusal", r".* does nothing"))
        if self.read_value(sentence) is not None:
            return "value"
        return next((form for form, pattern in forms if re.fullmatch(pattern, sentence)), None)
