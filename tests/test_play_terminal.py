"""`kmsflow play` on a real pseudo-terminal: keys in, and the screen a person would see, checked.

pexpect runs the session on a pty of a fixed size; pyte, a terminal emulator,
turns what the program writes into the screen's rows of text, so each test
asserts on what is visible, not on escape sequences (a full-screen UI only
redraws the cells that changed).
"""
from __future__ import annotations

import os
import re
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect", reason="the pty tests need the test extras: pip install -e '.[test]'")
pyte = pytest.importorskip("pyte", reason="the pty tests need the test extras: pip install -e '.[test]'")

from simulator import load_checked_spec, load_scenario, run_scenario  # noqa: E402
from simulator.spec.texts import reader_names  # noqa: E402

from .conftest import KMS_SPEC  # noqa: E402

TIMEOUT = 20  # seconds: generous for a slow machine; each wait returns as soon as the screen shows it

UP, DOWN, ENTER, CTRL_C, CTRL_D, ESC = "\x1b[A", "\x1b[B", "\r", "\x03", "\x04", "\x1b"


class PtySession:
    """``kmsflow play ARGS`` on a pseudo-terminal of ``rows`` x ``cols``, read through a terminal emulator."""

    def __init__(self, cwd, *args: str, rows: int = 40, cols: int = 80):
        env = {**os.environ, "TERM": "xterm", "LINES": str(rows), "COLUMNS": str(cols)}
        if not (args and args[0].endswith(".yaml")):  # cwd is outside the project: name the spec it plays
            args = (str(KMS_SPEC), *args)
        self.child = pexpect.spawn(sys.executable, ["-m", "simulator", "play", *args], cwd=str(cwd), env=env,
                                   dimensions=(rows, cols), timeout=TIMEOUT)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.wait_for("Allowed now:")

    # -- reading -------------------------------------------------------------------
    def _pump(self, wait: float) -> bool:
        try:
            self.stream.feed(self.child.read_nonblocking(65536, timeout=wait))
            return True
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            return False

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, pattern: str, regex: bool = False) -> str:
        """Read until ``pattern`` is on the screen; fail with the screen shown after TIMEOUT seconds."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            text = self.text()
            if (re.search(pattern, text, re.M) if regex else pattern in text):
                # Let the rest of this redraw arrive, so the whole screen is current.
                while self._pump(0.05):
                    pass
                return self.text()
            if time.monotonic() > deadline:
                pytest.fail(f"{pattern!r} never appeared; the screen:\n{text}")
            self._pump(0.05)

    def phone(self) -> dict[str, str]:
        """The drawn phone: its title row, body and softkey row, frame removed."""
        rows = self.text().splitlines()
        top = next(i for i, row in enumerate(rows) if row.startswith("┌"))
        bottom = next(i for i, row in enumerate(rows) if row.startswith("└"))
        cleaned = [rows[i].strip()[1:-1].strip() for i in range(top + 1, bottom) if not rows[i].startswith("├")]
        return {"title": cleaned[0], "body": " ".join(row for row in cleaned[1:-1] if row), "softkeys": cleaned[-1]}

    def softkeys(self) -> tuple[str, str]:
        """(left, right) labels: "[Select      Back]" -> ("Select", "Back"); the KMS labels have no spaces."""
        match = re.fullmatch(r"(?:\[(\S*))?\s*(?:(\S+)\])?", self.phone()["softkeys"])
        return (match.group(1) or "", match.group(2) or "")

    # -- acting --------------------------------------------------------------------
    def send(self, keys: str, expect_steps: int | None = None) -> str:
        """Type ``keys``; with ``expect_steps``, wait until the session shows that many steps."""
        self.child.send(keys)
        if expect_steps is not None:
            return self.wait_for(rf"^Steps: {expect_steps}(\s|$)", regex=True)
        return self.text()

    def world(self) -> dict[str, str]:
        line = re.search(r"^World: (.*(?:\n(?!Allowed now:).*)*)", self.text(), re.M).group(1)
        return dict(pair.split("=", 1) for pair in line.split())

    def close(self) -> int:
        """Wait for the program to end; its exit status."""
        deadline = time.monotonic() + TIMEOUT
        while self.child.isalive() or self._pump(0.05):
            if time.monotonic() > deadline:
                pytest.fail(f"the session did not end; the screen:\n{self.text()}")
            self._pump(0.05)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def play(tmp_path):
    sessions: list[PtySession] = []

    def start(*args: str, rows: int = 40, cols: int = 80) -> PtySession:
        session = PtySession(tmp_path, *args, rows=rows, cols=cols)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        if session.child.isalive():
            session.child.terminate(force=True)


def test_terminal_cancel_flow_end_to_end(play):
    s = play()
    assert s.phone()["title"] == "Kaspersky Mobile Security" and s.softkeys() == ("Options", "Exit")
    s.send(ENTER, expect_steps=1)  # the highlighted item: Additional
    assert s.phone()["title"] == "Additional"
    s.send("[", expect_steps=2)  # Select
    # A7: the status line above the items, filled from the world.
    assert s.phone()["title"] == "License"
    assert s.phone()["body"] == "Subscription: active, 30 days left > Unsubscribe"
    s.send("1", expect_steps=3)
    assert s.phone()["body"] == "Cancel the subscription?" and s.softkeys() == ("Yes", "No")
    s.send("[", expect_steps=4)
    assert s.phone()["body"] == "Your subscription has been cancelled." and s.softkeys() == ("OK", "")
    assert s.world()["subscription"] == "cancelled"
    s.send("[", expect_steps=5)
    assert s.phone()["title"] == "License"
    assert s.phone()["body"] == "Subscription: cancelled, 30 days left > One-Click Buy"
    assert s.world() == {"days_left": "30", "subscription": "cancelled", "balance": "10", "network": "up",
                         "charges": "0", "note": "cancelled"}


def test_terminal_subscribe_without_enough_money(play):
    s = play("--given", "screen=license_menu", "subscription=none", "days_left=0", "balance=2")
    assert s.phone()["body"] == "Subscription: none, 0 days left > One-Click Buy"
    s.send(ENTER, expect_steps=1)
    assert s.phone()["title"] == "Terms of agreement"
    s.send("[", expect_steps=2)
    assert s.phone()["title"] == "Access point" and s.softkeys() == ("OK", "Cancel")
    s.send("[", expect_steps=3)
    assert s.phone()["title"] == "Subscribe"
    s.send("[", expect_steps=4)
    assert s.phone()["title"] == "Activation failed"
    assert s.phone()["body"] == "Not enough money on your account."
    names = reader_names(load_checked_spec(str(KMS_SPEC)))
    step = f"press_yes: {names['price_subscribe']} -> {names['charging']} -> {names['note_no_money']}"
    assert step in " ".join(s.text().split())  # the step line may wrap
    assert (s.world()["balance"], s.world()["charges"], s.world()["subscription"]) == ("2", "0", "none")


def test_terminal_days_pass_until_the_automatic_payment_and_undo_restores_the_balance(play):
    s = play("--given", "days_left=6")
    s.send("day 2" + ENTER, expect_steps=2)
    assert (s.world()["days_left"], s.world()["charges"]) == ("4", "0")
    s.send("day" + ENTER, expect_steps=3)
    assert s.world() | {"note": "-"} == {"days_left": "33", "subscription": "active", "balance": "7",
                                         "network": "up", "charges": "1", "note": "-"}
    assert "days_left: 4 -> 33, balance: 10 -> 7, charges: 0 -> 1" in " ".join(s.text().split())
    s.send("undo" + ENTER, expect_steps=2)
    assert (s.world()["days_left"], s.world()["balance"], s.world()["charges"]) == ("4", "10", "0")


def test_terminal_undo_after_a_charge_on_one_click_buy(play):
    s = play("--given", "screen=license_menu", "subscription=none", "days_left=0", "balance=5")
    for step, key in enumerate(["1", "[", "[", "["], start=1):
        s.send(key, expect_steps=step)
    assert s.phone()["body"] == "Your subscription has been activated."
    assert s.world()["balance"] == "2"
    s.send("undo" + ENTER, expect_steps=3)
    assert s.phone()["title"] == "Subscribe"
    assert (s.world()["balance"], s.world()["charges"], s.world()["days_left"]) == ("5", "0", "0")


def _above_the_message(text: str) -> str:
    return text.split("\nSteps:")[0]


def test_terminal_refused_key_leaves_the_screen_as_it_was(play):
    s = play("--given", "screen=note_cancelled", "subscription=cancelled")
    before = s.text()
    s.send("]")  # a note has no right softkey
    after = s.wait_for("Refused:")
    assert "the right softkey is blank here. Nothing changed." in after
    assert _above_the_message(after) == _above_the_message(before)
    s.send("9")
    after = s.wait_for("no event number 9")
    assert _above_the_message(after) == _above_the_message(before)
    s.send("press_back" + ENTER)
    after = s.wait_for("press_back is not allowed")
    assert "Allowed here: 1 OK (press_ok)" in " ".join(after.split())
    assert _above_the_message(after) == _above_the_message(before)


def test_terminal_arrow_keys_move_the_choice(play):
    s = play()
    s.send(DOWN)
    s.wait_for("> 2 Exit")
    s.send(DOWN + DOWN + UP)
    s.wait_for("> 3 a day passes")
    s.send(UP + ENTER, expect_steps=1)
    assert s.phone()["title"] == "Phone idle (app closed)"
    assert s.phone()["body"] == "The app is closed." and s.softkeys() == ("", "")
    s.send(ENTER, expect_steps=2)  # the closed phone's one action: open the app
    assert s.phone()["title"] == "Kaspersky Mobile Security"


def test_terminal_ctrl_d_with_unsaved_steps_offers_to_save(play, tmp_path):
    s = play()
    s.send(ENTER, expect_steps=1)
    s.send("[", expect_steps=2)
    s.send(CTRL_D)
    s.wait_for("2 unsaved steps. Save before leaving?")
    s.wait_for("save as: session.yaml")
    s.send(ENTER)
    s.wait_for("name: played session")  # the scenario's name is asked, the current one ready to edit
    s.send("\x15" + "to the License menu" + ENTER)  # Ctrl-U clears the line
    assert s.close() == 0
    assert "saved 2 steps to session.yaml" in s.text()
    spec = load_checked_spec(str(KMS_SPEC))
    result = run_scenario(load_scenario(str(tmp_path / "session.yaml"), spec), spec)
    assert result.passed and result.final_screen == "license_menu"
    assert result.scenario.name == "to the License menu"


def test_terminal_save_asks_the_name_and_set_changes_the_world(play, tmp_path):
    s = play()
    s.send("set balance=0" + ENTER)
    s.wait_for("balance=0")
    s.send(ENTER, expect_steps=1)
    s.send("save mine.yaml" + ENTER)
    s.wait_for("name: played session")
    s.send(ESC)
    s.wait_for("Back to playing.")
    assert not (tmp_path / "mine.yaml").exists()
    s.send("save mine.yaml" + ENTER)
    s.wait_for("name: ")
    s.send(ENTER)
    s.wait_for("saved 1 steps to mine.yaml")
    s.send(CTRL_D)
    assert s.close() == 0
    assert "balance: 0" in (tmp_path / "mine.yaml").read_text(encoding="utf-8")


def test_terminal_ctrl_c_offers_to_save_and_esc_goes_back(play, tmp_path):
    s = play()
    s.send(ENTER, expect_steps=1)
    s.send(CTRL_C)
    s.wait_for("1 unsaved step. Save before leaving?")
    s.send(ESC)
    s.wait_for("Back to playing.")
    s.send("]", expect_steps=2)  # still playing: Back
    assert s.phone()["title"] == "Kaspersky Mobile Security"
    s.send(CTRL_C)
    s.wait_for("save as: ")
    s.send(CTRL_C)  # a second Ctrl-C leaves without saving
    assert s.close() == 0
    assert "Left without saving 2 steps." in s.text()
    assert not list(tmp_path.iterdir())


def test_terminal_leaves_at_once_with_nothing_unsaved(play, tmp_path):
    s = play()
    s.send(CTRL_D)
    assert s.close() == 0
    assert not list(tmp_path.iterdir())


def test_terminal_narrow_terminal_still_plays(play):
    s = play(rows=36, cols=24)  # the phone is 32 columns wide
    rows = s.text().splitlines()
    assert rows[0] == "┌" + "─" * 22 + "┐"
    s.send("1", expect_steps=1)
    s.send("1", expect_steps=2)
    assert s.phone()["title"] == "License" and s.softkeys() == ("Select", "Back")
    s.send("day 3" + ENTER, expect_steps=5)
    assert s.world()["days_left"] == "27"


# Every screen of the KMS spec, in one session: the keys that lead there, then its title and softkeys.
# System screens are never at rest: they show in the steps the session lists ("a -> checking_license -> b").
WALK = [
    ([], "main_menu"),
    (["]"], "closed"),
    (["1"], "main_menu"),
    (["["], "additional_menu"),
    (["["], "license_menu"),
    (["1"], "confirm_unsubscribe"),
    (["["], "note_cancelled"),
    (["["], "license_menu"),
    (["1"], "terms"),
    (["["], "access_point"),
    (["["], "price_resume"),
    (["["], "note_resumed"),
    (["[", "1", "[", "[", "1", "["], "access_point"),
    (["net down\r", "["], "note_no_connection"),
    (["[", "net up\r", "day 30\r", "1", "[", "["], "price_subscribe"),
    (["["], "note_activated"),
    (["[", "1", "[", "[", "day 30\r", "1", "[", "[", "["], "note_no_money"),
]


def test_terminal_every_screen_is_reached_and_shows_its_softkeys(play):
    spec = load_checked_spec(str(KMS_SPEC))
    s = play("--given", "balance=3")
    names = reader_names(spec)
    system = {name for name, sc in spec.screens.items() if sc.is_system}
    steps, seen, passed_through = 0, set(), set()
    for keys, screen in WALK:
        for key in keys:
            days = re.fullmatch(r"day (\d+)\r", key)
            steps += int(days.group(1)) if days else 1
            text = s.send(key, expect_steps=steps)
            passed_through |= {name for name in system if f"-> {names[name]} ->" in " ".join(text.split())}
        expected = spec.screens[screen]
        assert s.phone()["title"] == expected.title, screen
        assert s.softkeys() == expected.softkeys, screen
        seen.add(screen)
    assert seen == set(spec.screens) - system
    assert passed_through == system
