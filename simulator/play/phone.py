"""What the device shows: one spec screen turned into a view, and that view drawn as text.

Pure functions over the spec and the list of events allowed now; no terminal,
no session state. The interactive session (:mod:`simulator.play.session`) and its
terminal UI (:mod:`simulator.play.terminal`) draw what these return.

A screen has a title bar, a body (a menu, a list or a message) and two
softkeys under it, [left, right], as a feature phone's has. The view adds what the device itself cannot
show but a reviewer needs: every event allowed now, numbered, with the key that
presses it.

>>> from simulator import load_checked_spec
>>> from simulator.spec.starter import starter_spec_path
>>> spec = load_checked_spec(starter_spec_path())
>>> view = phone_view(spec, "confirm", ["press_yes", "press_no", "insert_coin"])
>>> view.softkeys, [a.event for a in view.actions]
(('Yes', 'No'), ['press_yes', 'press_no', 'insert_coin'])
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from ..spec.model import Spec
from ..spec.texts import initial_values, screen_texts

__all__ = ["Action", "PhoneView", "PhoneLine", "SOFTKEY_KEYS", "PHONE_WIDTH", "BODY_LINES", "phone_view",
           "softkey_event", "render_phone", "phone_text"]

#: The keys that press the left and right softkeys (shown beside their labels on the softkey bar).
SOFTKEY_KEYS = ("[", "]")

#: Width of the drawn phone, frame included; narrower terminals get a narrower phone.
PHONE_WIDTH = 32

#: The smallest phone we draw; below this the frame would leave no room for text.
_MIN_WIDTH = 12

#: Lines of body a live phone always has, so the softkeys do not jump up and down between screens.
BODY_LINES = 4


@dataclass(frozen=True)
class Action:
    """One event allowed now, as the session offers it: its number, what it says, its key."""

    number: int
    event: str
    label: str
    kind: str  # user | environment
    key: str = ""  # a softkey key from SOFTKEY_KEYS, or "" when only the number chooses it


@dataclass(frozen=True)
class PhoneView:
    """Everything needed to draw one screen and to act on it."""

    screen: str
    kind: str
    title: str
    items: tuple[str, ...]  # menu or list items shown now (menu items whose events are refused are hidden)
    item_events: tuple[str | None, ...]  # the event each shown item stands for (None: the list's own choice)
    text: str  # the message of a query or note, or what an idle/system screen says
    softkeys: tuple[str, str]
    actions: tuple[Action, ...]
    status: str = ""  # the status line above the body (filled from the world), or ""

    def action(self, number: int) -> Action | None:
        """The action with this number, or None."""
        return self.actions[number - 1] if 1 <= number <= len(self.actions) else None

    def action_for(self, event: str) -> Action | None:
        return next((a for a in self.actions if a.event == event), None)


@dataclass(frozen=True)
class PhoneLine:
    """One drawn line of the phone and what it is (so a terminal can style it)."""

    role: str  # frame | title | status | item | selected | text | softkeys
    text: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _item_event(spec: Spec, item: str) -> str | None:
    """The user event that picks a menu item: labelled "select <item>", or named select_<item>."""
    wanted_label, wanted_name = f"select {item}".lower(), f"select_{_slug(item)}"
    for name, event in spec.events.items():
        if event.kind == "user" and (event.label.lower() == wanted_label or name == wanted_name):
            return name
    return None


def _label_event(spec: Spec, label: str, allowed: list[str]) -> str | None:
    """The allowed user event whose label is the softkey's label (OK -> press_ok), if any."""
    for name in allowed:
        event = spec.events[name]
        if event.kind == "user" and label and event.label.lower() == label.lower():
            return name
    return None


def phone_view(spec: Spec, screen: str, allowed: list[str], values: dict | None = None) -> PhoneView:
    """The view of ``screen`` when the events in ``allowed`` are accepted.

    Title, status line and text are filled from ``values`` (the world and the
    parameters now; default: the spec's initial world and default parameters).

    Menu items whose event is refused now are hidden, as the device hides them
    (a menu lists an item only while one of its events is allowed).
    Actions come in this order: the shown items, the other user events, then
    the environment events, each in the spec's order.
    """
    s = spec.screens[screen]
    items: list[str] = []
    item_events: list[str | None] = []
    for item in s.items:
        event = _item_event(spec, item)
        if event is None or event in allowed:
            items.append(item)
            item_events.append(event)
    softkeys = s.softkeys
    title, status, text = screen_texts(s, initial_values(spec) if values is None else values)
    if s.kind == "closed" and not text:
        text = "The app is closed."
    elif s.is_system and not text:
        text = "Please wait..."
    ordered = [e for e in item_events if e] + [e for e in allowed if e not in item_events]
    softkey_of = {_label_event(spec, label, allowed): key for label, key in zip(softkeys, SOFTKEY_KEYS)}
    actions = tuple(Action(number, event, spec.events[event].label or event, spec.events[event].kind,
                           softkey_of.get(event, ""))
                    for number, event in enumerate(ordered, start=1))
    return PhoneView(screen, s.kind, title, tuple(items), tuple(item_events), text, softkeys, actions, status)


def softkey_event(spec: Spec, view: PhoneView, side: int, highlighted: str | None = None) -> str | None:
    """The event a softkey press sends (side 0 = left, 1 = right), or None when it does nothing now.

    A softkey labelled like an event (Yes, OK, Back, Exit...) sends that event;
    any other label on a menu or list (Select, Options) picks the highlighted
    item (``highlighted``, else the first item).
    """
    label = view.softkeys[side]
    by_label = _label_event(spec, label, [a.event for a in view.actions])
    if by_label or not label or view.kind not in ("menu", "list"):
        return by_label
    item_events = [e for e in view.item_events if e]
    if highlighted in item_events:
        return highlighted
    return item_events[0] if item_events else None


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "~"


def render_phone(view: PhoneView, width: int = PHONE_WIDTH, highlighted: str | None = None,
                 unicode: bool = False, body_lines: int = BODY_LINES) -> list[PhoneLine]:
    """The phone drawn in ``width`` columns (at least 12): frame, title, status line, body, softkeys.

    ``highlighted`` marks the menu item of that event; ``unicode`` draws the
    frame with box-drawing characters instead of ASCII; the body is padded to
    at least ``body_lines`` lines.
    """
    width = max(width, _MIN_WIDTH)
    inner = width - 4  # "| " + text + " |"
    h, v, top, mid, bottom = (("─", "│", "┌┐", "├┤", "└┘") if unicode else ("-", "|", "++", "++", "++"))

    def row(role: str, text: str) -> PhoneLine:
        return PhoneLine(role, f"{v} {_fit(text, inner).ljust(inner)} {v}")

    def rule(corners: str) -> PhoneLine:
        return PhoneLine("frame", corners[0] + h * (width - 2) + corners[1])

    lines = [rule(top), row("title", view.title), rule(mid)]
    body: list[PhoneLine] = [row("status", part) for part in textwrap.wrap(view.status, inner)]
    if view.text:
        body += [row("text", part) for part in textwrap.wrap(view.text, inner) or [""]]
    for item, event in zip(view.items, view.item_events):
        selected = highlighted is not None and event == highlighted
        body.append(row("selected" if selected else "item", ("> " if selected else "  ") + item))
    body += [row("text", "")] * max(0, body_lines - len(body))
    lines += body
    lines.append(rule(mid))
    left, right = view.softkeys
    left_label = f"{SOFTKEY_KEYS[0]}{left}" if left else ""
    right_label = f"{right}{SOFTKEY_KEYS[1]}" if right else ""
    half = inner // 2
    if len(left_label) + len(right_label) + 1 > inner:
        left_label, right_label = _fit(left_label, half), _fit(right_label, inner - half - 1)
    gap = inner - len(left_label) - len(right_label)
    lines.append(PhoneLine("softkeys", f"{v} {left_label}{' ' * gap}{right_label} {v}"))
    lines.append(rule(bottom))
    return lines


def phone_text(view: PhoneView, width: int = PHONE_WIDTH, highlighted: str | None = None) -> str:
    """The phone as plain ASCII text, body unpadded (for piped sessions and transcripts)."""
    return "\n".join(line.text for line in render_phone(view, width, highlighted, body_lines=1))
