"""Every output speaks the spec's own words: the door keypad's say nothing of phones, accounts or subscriptions.

The engine takes its nouns from the spec: the device (``device:``), the second region (named by its
variable), the world controls (``command:``), the examples in its messages (the spec's own variables and
events). So what kmsflow writes for the door keypad, a spec with no phone, account, server or subscription,
must not name one; and the KMS spec's outputs still say what they said (the phone, its subscription).
Identifiers the format itself makes (``account.ready.lock_out``, an SVG's ``cluster_account``) are the spec
section's key, not wording, and are left out of the scan.
"""
from __future__ import annotations

import contextlib
import io
import re
from html.parser import HTMLParser

import pytest

from simulator import PlaySession, load_checked_spec
from simulator.cli import main
from simulator.play.session import run_lines

from .conftest import KMS_SPEC, ROOT, SPEC_DIR

DOOR = SPEC_DIR / "door_keypad.yaml"

#: Words of the KMS domain that a door keypad's outputs must not use (ids such as account.ready are skipped).
FOREIGN = re.compile(r"\b(phones?|accounts?|subscriptions?|servers?|balance|charge\w*|kaspersky|licen[cs]es?|"
                     r"money|S60|articles?)\b(?![.:][\w*|])", re.IGNORECASE)


class _VisibleText(HTMLParser):
    """What a reader of the page sees: text outside scripts and styles, and tooltips and labels."""

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        self.parts += [value for key, value in attrs if key in ("title", "xlink:title", "aria-label") and value]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return "\n".join(parser.parts)


def foreign_words(text: str) -> list[str]:
    return [f"{line.strip()[:160]!r}: {m.group(0)}" for line in text.splitlines() for m in FOREIGN.finditer(line)]


def _drawn_words(source: str) -> str:
    """A diagram's source without what only names its parts: DOT ids, Mermaid's class lines."""
    source = re.sub(r'\bid="[^"]*"', "", source)
    return "\n".join(line for line in source.splitlines() if not line.strip().startswith(("class ", "classDef ")))


def _play(spec_path, lines: str) -> str:
    out = io.StringIO()
    session = PlaySession(load_checked_spec(str(spec_path)), {})
    run_lines(session, io.StringIO(lines), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def door_outputs(tmp_path_factory):
    """Everything kmsflow writes for the door keypad, made once: name -> text."""
    out = tmp_path_factory.mktemp("door")
    texts = {"play": _play(DOOR, "help\nenter a wrong PIN\nok\nminute 3\nbattery low\nset\nset nothing\n"
                                 "frobnicate\nundo\n[\nsave " + str(out / "played.yaml") + "\n")}
    texts["played scenario"] = (out / "played.yaml").read_text()
    changed = out / "door_changed.yaml"
    changed.write_text(DOOR.read_text().replace("lockout_minutes: {default: 5", "lockout_minutes: {default: 6"))
    for argv in (["check", "--trace"], ["explore"], ["paths", "--criterion", "transitions"], ["diff", str(changed)],
                 ["signoff"], ["simulate", str(SPEC_DIR / "scenarios" / "door")]):
        report, said = io.StringIO(), io.StringIO()
        command = [argv[0], *([] if argv[0] == "simulate" else [str(DOOR)]), *argv[1:]]
        with contextlib.redirect_stdout(report), contextlib.redirect_stderr(said):
            main(command)
        texts[" ".join(argv[:1])] = report.getvalue() + said.getvalue()
    assert main(["review", str(DOOR), "-o", str(out / "r.md"), "-o", str(out / "r.html")]) == 0
    texts["review.md"] = (out / "r.md").read_text()
    texts["review.html"] = visible_text((out / "r.html").read_text())
    assert main(["diagram", str(DOOR), "-o", str(out / "d"), "--format", "dot,mmd"]) == 0
    texts.update({f"diagram {p.name}": _drawn_words(p.read_text()) for p in sorted((out / "d").iterdir())})
    for fmt in ("gherkin", "csv", "csv-steps", "scenarios"):
        assert main(["paths", str(DOOR), "--criterion", "transitions", "--format", fmt, "-o", str(out / fmt)]) == 0
        texts.update({f"{fmt} {p.name}": p.read_text() for p in sorted((out / fmt).iterdir()) if p.is_file()})
    return texts


def test_the_door_keypads_outputs_speak_its_own_words(door_outputs, capsys):
    capsys.readouterr()  # the commands' own reports are not what this test reads
    found = {name: words for name, text in door_outputs.items() if (words := foreign_words(text))}
    assert not found, found
    # Its own words are there instead: the device, the region's variable, its world controls.
    features = "".join(t for n, t in door_outputs.items() if n.startswith("gherkin"))
    assert "Then the keypad shows" in features and 'Given the keypad is on the "Keypad" screen' in features
    assert "keypad state (in the background)" in door_outputs["diagram overview.dot"]
    assert "## The keypad in the background" in door_outputs["review.md"]
    assert "the keypad: lock out" in door_outputs["review.md"]
    assert "Texts filled in as the keypad shows them" in door_outputs["review.md"]
    assert "The keypad in the background" in door_outputs["review.html"]
    assert "Source steps and the transitions that implement them" in door_outputs["check"]
    assert "4 passed, 0 failed" in door_outputs["simulate"] and "7 of 7 properties hold" in door_outputs["explore"]


def test_door_play_messages_take_their_examples_from_the_spec(door_outputs):
    play = door_outputs["play"]
    assert "send an event by name (enter_right_pin) or by its label (enter the right pin)" in play
    assert "minute [N]" in play and "battery low" in play
    assert "set needs VAR=VALUE, e.g. 'set keypad=ready'" in play
    assert "3 minutes passed" in play


def test_the_scan_catches_a_foreign_word_and_skips_identifiers():
    assert foreign_words("Then the phone shows \"Open\"\n/ wrong tries = 0, account: lock out") != []
    assert len(foreign_words("the account: lock out; Phone idle")) == 2
    assert foreign_words("edge:account.ready.lock_out@ready cluster_account account:* account.locked_out") == []


def test_the_kms_outputs_still_say_what_they_said():
    # The committed review and diagrams (kept fresh by their own tests) name the phone, the account and the
    # subscription, as the KMS spec calls them.
    review = (SPEC_DIR / "kms9_subscription.review.md").read_text()
    assert "Texts filled in as the phone shows them" in review
    assert "## The account in the background" in review and "the account: cancel." in review
    overview = (ROOT / "diagrams" / "overview.dot").read_text()
    assert "account state (value of the subscription)" in overview and "/ account: cancel" in overview
    assert "<B>Account: subscription</B>" in overview  # the region as the spec calls it (called: account)
    play = _play(KMS_SPEC, "help\nset\n")
    assert "day [N]" in play and "net down" in play and "top up" in play
    assert "e.g. 'set days_left=30'" in play and "select_additional" in play


def test_the_region_is_called_as_the_spec_says(tmp_path, capsys):
    # account: called: names the second region in diagrams (its cluster, its signals, the legend); without it
    # the region is named by its variable ("In the background: keypad", as the committed door diagrams show).
    text = DOOR.read_text(encoding="utf-8")
    called = tmp_path / "called.yaml"
    called.write_text(text.replace("account:\n  variable: keypad\n", "account:\n  variable: keypad\n  called: lock\n"),
                      encoding="utf-8")
    assert main(["diagram", str(called), "-o", str(tmp_path / "d"), "--format", "dot", "--view", "lockout"]) == 0
    dot = (tmp_path / "d" / "lockout.dot").read_text(encoding="utf-8")
    assert "<B>Lock: keypad</B>" in dot and "lock: lock out" in dot and "lock state (value of the keypad)" in dot
    assert "In the background" not in dot
    committed = (ROOT / "diagrams" / "door_keypad" / "lockout.dot").read_text(encoding="utf-8")
    assert "<B>In the background: keypad</B>" in committed and "keypad state (in the background)" in committed
    # Blank words are refused where they stand, and nothing is drawn.
    blank = tmp_path / "blank.yaml"
    blank.write_text(text.replace("account:\n  variable: keypad\n", 'account:\n  variable: keypad\n  called: " "\n'),
                     encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(blank)]) == 2
    line = blank.read_text(encoding="utf-8").splitlines().index('  called: " "') + 1
    errors = [e for e in capsys.readouterr().err.splitlines() if "error" in e]
    assert len(errors) == 1 and errors[0].startswith(f"{blank}:{line}:") and errors[0].endswith("[bad-value]")


def test_the_trial_review_names_its_own_variable(capsys):
    # Issue 12's example: the trial spec's review once said "while the subscription is trial or expired" though
    # its variable is `license`. Its region is named by that variable now, and no subscription is spoken of.
    assert main(["review", str(SPEC_DIR / "trial_to_purchase.yaml"), "--no-walk"]) == 0
    review = capsys.readouterr().out
    assert "while the license is trial or expired" in review and "## The license in the background" in review
    assert "subscription" not in review.lower()
