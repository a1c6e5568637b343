"""The terminal UI of ``kmsflow play``: the device on screen, keys to act, a line to type commands.

Built on prompt_toolkit (a full-screen Application): it reads keys through any
real terminal or pseudo-terminal (arrows, Enter, Ctrl-C and Ctrl-D arrive as
keys, not signals), reflows to the terminal's width on every redraw, and keeps
all state in :class:`~simulator.play.session.PlaySession`, so what a key does here is
exactly what the same line does when piped.

Keys: Up/Down move the highlight over the allowed events, Enter chooses it (or
runs the typed line), a digit chooses that event at once, ``[`` and ``]`` are
the left and right softkeys; anything else is typed into the command line
(``day 5``, ``net down``, ``undo``, ``save FILE`` ...). Ctrl-C or Ctrl-D leaves,
first offering to save when there are unsaved steps.
"""
from __future__ import annotations

import os
import textwrap

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.key_binding.bindings.basic import load_basic_bindings
from prompt_toolkit.key_binding.bindings.emacs import load_emacs_bindings
from prompt_toolkit.layout import Dimension, HSplit, Layout, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.styles import Style

from .phone import PHONE_WIDTH, render_phone
from .session import PlaySession, Reply, format_recent_steps, format_world_line, world_commands_hint

__all__ = ["TerminalUI", "run_terminal", "default_save_name"]

_STYLE = Style.from_dict({
    "title": "bold",
    "status": "italic",
    "selected": "reverse",
    "softkeys": "bold",
    "heading": "bold",
    "refused": "ansired bold",
    "leaving": "ansiyellow bold",
    "hint": "ansibrightblack",
    "prompt": "bold",
})

def _hint(spec) -> str:
    """The keys, then what one may type: the spec's own world controls first (``minute 5, battery low``)."""
    world = world_commands_hint(spec)
    return ("Up/Down move, Enter choose, 1-9 number, [ ] softkeys; type: " + (f"{world}, " if world else "")
            + "undo, reset, save FILE, help; Ctrl-D quit")
#: Below this many columns the session drops event names and shows only the latest step.
_NARROW = 40

#: The hint on a terminal too narrow for the whole one in two lines.
_SHORT_HINT = "type help; Ctrl-D quits"


def _wrap(text: str, columns: int) -> str:
    """Wrap at word boundaries (the window would cut words at the edge), keeping the text's own lines."""
    return "\n".join(textwrap.fill(part, max(columns, 10)) if part else "" for part in text.split("\n"))


def default_save_name(folder: str = ".") -> str:
    """``session.yaml``, or the first ``session-N.yaml`` that does not exist yet in ``folder``."""
    name, number = "session.yaml", 1
    while os.path.exists(os.path.join(folder, name)):
        number += 1
        name = f"session-{number}.yaml"
    return name


class TerminalUI:
    """One full-screen session on a terminal; :meth:`run` returns the exit status."""

    def __init__(self, session: PlaySession, note: str | None = None, **app_options):
        self.session = session
        self.selected = 0  # index into the view's actions
        self.leaving = False  # asking whether to save before leaving
        self.naming: tuple[str, bool] | None = None  # asking the scenario's name: (file, leave once saved)
        # ``note``: what the room should know from the start (a live diagram that could not be written).
        self.message = f"Playing {session.spec.name}. Type help for the commands." + (f"\n{note}" if note else "")
        self.message_style = ""
        self.farewell = ""
        self.buffer = Buffer(multiline=False)
        # Pinned to its top: when the terminal is short, the phone stays and the last lines are cut.
        body = Window(FormattedTextControl(self._body_fragments), wrap_lines=True, get_vertical_scroll=lambda w: 0)
        # At most half the rows, so a long help text never pushes the phone off a short terminal.
        message = Window(FormattedTextControl(self._message_fragments), wrap_lines=True, dont_extend_height=True,
                         height=lambda: Dimension(max=max(3, self.app.output.get_size().rows // 2)))
        prompt = Window(BufferControl(self.buffer, input_processors=[BeforeInput(self._prompt_fragments)]),
                        height=1)
        hint = Window(FormattedTextControl(self._hint_fragments), wrap_lines=True,
                      dont_extend_height=True)
        self.app: Application = Application(
            layout=Layout(HSplit([body, message, prompt, hint]), focused_element=prompt),
            key_bindings=merge_key_bindings([load_basic_bindings(), load_emacs_bindings(), self._key_bindings()]),
            style=_STYLE, full_screen=True, mouse_support=False, **app_options)

    # -- running -------------------------------------------------------------------
    def run(self) -> int:
        status = self.app.run()
        if self.farewell:
            print(self.farewell)
        return status

    def _highlighted(self) -> str | None:
        actions = self.session.view.actions
        return actions[self.selected].event if 0 <= self.selected < len(actions) else None

    def _do(self, line: str) -> None:
        words = line.split(None, 1)
        if len(words) == 2 and words[0].lower() == "save" and self.session.steps:
            self._ask_name(words[1].strip(), leave=False)
            return
        reply: Reply = self.session.handle(line, self._highlighted())
        if reply.changed:
            self.selected = 0
        self.message = reply.message
        self.message_style = "class:refused" if reply.refused else ""
        if reply.quit:
            self._leave()

    def _leave(self) -> None:
        """Quit, or first ask whether to save when steps would be lost."""
        unsaved = self.session.unsaved_steps
        if not unsaved:
            self.app.exit(result=0)
            return
        self.leaving = True
        self.buffer.set_document(Document(default_save_name()))
        self.message = (f"{unsaved} unsaved step{'s' * (unsaved != 1)}. Save before leaving? Enter saves to the "
                        "file named below (edit it first if you like); clear the name and press Enter to leave "
                        "without saving; Esc goes back to playing.")
        self.message_style = "class:leaving"

    def _finish_leaving(self, name: str) -> None:
        if not name:
            unsaved = self.session.unsaved_steps
            self.farewell = f"Left without saving {unsaved} step{'s' * (unsaved != 1)}."
            self.app.exit(result=0)
            return
        self._ask_name(name, leave=True)

    def _ask_name(self, file: str, leave: bool) -> None:
        """Ask the scenario's name before saving to ``file`` (the line holds the current name to edit)."""
        self.naming = (file, leave)
        self.buffer.set_document(Document(self.session.name))
        self.message = (f"Name of the scenario saved to {file}: edit it and press Enter; Esc goes back"
                        f"{'' if leave else ' to playing'}.")
        self.message_style = "class:leaving"

    def _finish_naming(self, name: str) -> None:
        file, leave = self.naming
        self.naming = None
        reply = self.session.save(file, name or self.session.name)
        if reply.refused:
            self.message, self.message_style = reply.message, "class:refused"
            return
        if leave:
            self.farewell = reply.message
            self.app.exit(result=0)
            return
        self.message, self.message_style = reply.message, ""

    # -- keys ----------------------------------------------------------------------
    def _key_bindings(self) -> KeyBindings:
        kb = KeyBindings()
        playing = Condition(lambda: not self.leaving and self.naming is None)
        line_empty = Condition(lambda: not self.buffer.text)
        few_actions = Condition(lambda: len(self.session.view.actions) < 10)

        @kb.add("up", filter=playing, eager=True)
        def _up(event) -> None:
            count = len(self.session.view.actions)
            self.selected = (self.selected - 1) % count if count else 0

        @kb.add("down", filter=playing, eager=True)
        def _down(event) -> None:
            count = len(self.session.view.actions)
            self.selected = (self.selected + 1) % count if count else 0

        @kb.add("enter", eager=True)
        def _enter(event) -> None:
            text = self.buffer.text.strip()
            self.buffer.reset()
            if self.naming is not None:
                self._finish_naming(text)
            elif self.leaving:
                self._finish_leaving(text)
            elif text:
                self._do(text)
            else:
                highlighted = self._highlighted()
                if highlighted:
                    self._do(highlighted)

        for digit in "0123456789":
            @kb.add(digit, filter=playing & line_empty & few_actions, eager=True)
            def _number(event) -> None:
                self._do(event.key_sequence[0].data)

        for key in "[]":
            @kb.add(key, filter=playing, eager=True)
            def _softkey(event) -> None:
                self._do(event.key_sequence[0].data)

        @kb.add("c-c", eager=True)
        @kb.add("c-d", eager=True)
        def _quit(event) -> None:
            if self.naming is not None and not self.leaving:
                self.naming = None
                self.buffer.reset()
                self._leave()
            elif self.leaving:
                self._finish_leaving("")
            else:
                self.buffer.reset()
                self._leave()

        @kb.add("escape", eager=True)
        def _escape(event) -> None:
            self.buffer.reset()
            if self.naming is not None:
                self.naming = None
                self.message, self.message_style = ("Not saved. " if self.leaving else "") + "Back to playing.", ""
                self.leaving = False
            elif self.leaving:
                self.leaving = False
                self.message, self.message_style = "Back to playing.", ""

        return kb

    # -- drawing -------------------------------------------------------------------
    def _columns(self) -> int:
        return self.app.output.get_size().columns

    def _body_fragments(self) -> list[tuple[str, str]]:
        """Phone, world, allowed events, steps: in that order, so a short terminal cuts the least needed."""
        session = self.session
        view = session.view
        columns = self._columns()
        narrow = columns < _NARROW
        out: list[tuple[str, str]] = []
        actions = view.actions
        self.selected = min(self.selected, max(len(actions) - 1, 0))
        highlighted = self._highlighted()
        for line in render_phone(view, min(PHONE_WIDTH, columns), highlighted, unicode=True):
            style = {"title": "class:title", "status": "class:status", "selected": "class:selected",
                     "softkeys": "class:softkeys"}.get(line.role, "")
            out += [(style, line.text), ("", "\n")]
        world = _wrap("World: " + format_world_line(session), columns)
        out += [("class:heading", "World:"), ("", world[len("World:"):] + "\n")]
        out.append(("class:heading", "Allowed now:\n"))
        for index, action in enumerate(actions):
            key = f"  key {action.key}" if action.key else ""
            style = "class:selected" if index == self.selected else ""
            marker = ">" if index == self.selected else " "
            # A narrow terminal drops the event names: the labels are what the room reads.
            line = f"{marker}{action.number:>2} {action.label}" + ("" if narrow else f"  ({action.event})") + key
            out += [(style, textwrap.fill(line, max(columns, 10), subsequent_indent="    ")), ("", "\n")]
        if not actions:
            out.append(("", "  nothing\n"))
        unsaved = session.unsaved_steps
        out.append(("class:heading", f"Steps: {len(session.steps)}"))
        out.append(("", (f" ({unsaved} unsaved)" if unsaved else "") + "\n"))
        for line in format_recent_steps(session, 1 if narrow else 3):
            out.append(("", _wrap(line, columns) + "\n"))
        return out

    def _message_fragments(self) -> list[tuple[str, str]]:
        return [(self.message_style, _wrap(self.message, self._columns()))] if self.message else []

    def _hint_fragments(self) -> list[tuple[str, str]]:
        columns = self._columns()
        hint = _hint(self.session.spec)
        return [("class:hint", _wrap(hint if len(hint) <= 2 * columns - 10 else _SHORT_HINT, columns))]

    def _prompt_fragments(self) -> list[tuple[str, str]]:
        prompt = "name: " if self.naming is not None else "save as: " if self.leaving else "> "
        return [("class:prompt", prompt)]


def run_terminal(session: PlaySession, note: str | None = None) -> int:
    """Play ``session`` full-screen on the current terminal; returns the exit status (0).

    ``note`` is shown under the phone from the start.
    """
    return TerminalUI(session, note).run()
