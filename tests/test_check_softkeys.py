"""`kmsflow check` reads the screens as the phone shows them: softkeys, menu items and note texts.

An event may say which softkey it is (``softkey: left|right``) or which item it
selects (``item: ...``); a ``notes:`` section declares the kinds of note and the
words their texts use. A screen that shows something else than what its
transitions take, or a note whose text says another outcome, is a located error
(exit 2), found by ``check`` rather than by a golden file.

The KMS cases work on a copy of the KMS spec. When the file does not declare the
softkeys, items and note kinds yet, the copy gets the declarations below, which
add no line before the end of the ``events:`` entries they extend; so these tests
hold before and after the spec declares them itself.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import check_spec, load_spec
from simulator.cli import main
from simulator.spec.check import says
from simulator.spec.yamlsafe import load_yaml_file, plain_data

from .conftest import KMS_SPEC, SPEC_DIR

TRIAL_SPEC = SPEC_DIR / "trial_to_purchase.yaml"

#: What each KMS user event is on the phone: a softkey, or a menu item it selects.
KMS_EVENT_DECLARATIONS = {
    "select_additional": ("item", '"Additional"'),
    "select_license": ("item", '"License"'),
    "select_unsubscribe": ("item", '"Unsubscribe"'),
    "select_one_click_buy": ("item", '"One-Click Buy"'),
    "press_yes": ("softkey", "left"),
    "press_no": ("softkey", "right"),
    "press_ok": ("softkey", "left"),
    "press_cancel": ("softkey", "right"),
    "press_back": ("softkey", "right"),
    "press_exit": ("softkey", "right"),
}
KMS_NOTES = """
notes:
  cancelled: {doc: "The subscription is cancelled; the days already paid still count.", says: [cancelled]}
  resumed: {doc: "The subscription is active again; payment comes automatically later.", says: [resumed]}
  activated: {doc: "The price was paid; the subscription is active for one period.", says: [activated]}
  no_money: {doc: "The balance was below the price; nothing changed.", says: ["not enough money"]}
  no_connection: {doc: "The server could not be reached; nothing changed.", says: ["cannot connect"]}
"""


def _declared(text: str) -> str:
    """The KMS spec text with the event and note declarations, added where the file lacks them."""
    lines = text.splitlines(keepends=True)
    for event, (key, value) in KMS_EVENT_DECLARATIONS.items():
        pattern = re.compile(rf"^(\s+{event}: \{{)(.*)(\}}.*)$", re.DOTALL)
        for index, line in enumerate(lines):
            found = pattern.match(line)
            if found and "kind:" in found[2]:
                if "softkey:" not in found[2] and "item:" not in found[2]:
                    lines[index] = f"{found[1]}{found[2]}, {key}: {value}{found[3]}"
                break
    text = "".join(lines)
    if not re.search(r"^notes:", text, re.MULTILINE):
        text = text.rstrip("\n") + "\n" + KMS_NOTES
    return text


@pytest.fixture
def kms_text() -> str:
    return _declared(KMS_SPEC.read_text(encoding="utf-8"))


def _write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _screen_key(text: str, screen: str, key: str) -> tuple[int, str]:
    """The line number and text of ``key`` in the entry of ``screen`` (written one key per line)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if re.match(rf"^\s*- name: {screen}\s*(#.*)?$", line))
    for n in range(start + 1, len(lines)):
        if re.match(r"^\s*- name: ", lines[n]):
            break
        if re.match(rf"^\s+{key}:", lines[n]):
            return n + 1, lines[n]
    raise AssertionError(f"screen {screen} has no {key} line")


def _replace_line(text: str, number: int, old: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    assert old in lines[number - 1], (old, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "".join(lines)


def _check(path: Path, capsys) -> tuple[int, list[str], str]:
    """Run ``kmsflow check`` as the command line does: exit status, problem rows, summary."""
    status = main(["check", str(path)])
    output = capsys.readouterr()
    assert "Traceback" not in output.out + output.err
    return status, output.err.splitlines(), output.out


def _rows(rows: list[str], path: Path, line: int, code: str) -> list[str]:
    return [row for row in rows if row.startswith(f"{path}:{line}:") and row.endswith(f"[{code}]")]


def _refused_edit(kms_text: str, tmp_path: Path, capsys, screen: str, key: str, old: str | None, new: str):
    """Check the KMS copy with ``old`` (None: the quoted text) made ``new`` on the line of ``screen``'s ``key``.

    The check must fail (exit 2); returns the file, the line, the line as it was and the problem rows.
    """
    line, written = _screen_key(kms_text, screen, key)
    old = re.search(r'"[^"]*"', written)[0] if old is None else old
    path = _write(tmp_path, _replace_line(kms_text, line, old, new))
    status, rows, _ = _check(path, capsys)
    assert status == 2, rows
    return path, line, written, rows


# -- the KMS spec ---------------------------------------------------------------------


def test_the_declarations_are_in_the_copy_and_the_kms_spec_passes_check(kms_text, tmp_path, capsys):
    path = _write(tmp_path, kms_text)
    spec = load_spec(str(path))
    for event, (key, value) in KMS_EVENT_DECLARATIONS.items():
        assert getattr(spec.events[event], key) == value.strip('"'), f"{event}: {key} is not {value}"
    assert spec.notes is not None and set(spec.notes.kinds) == set(spec.note_kinds)
    status, rows, summary = _check(path, capsys)
    assert (status, rows) == (0, []), rows
    assert "0 errors, 0 warnings" in summary


def test_swapped_softkeys_on_the_unsubscribe_question_are_a_located_error(kms_text, tmp_path, capsys):
    path, line, written, rows = _refused_edit(kms_text, tmp_path, capsys, "confirm_unsubscribe", "softkeys",
                                              '["Yes", "No"]', '["No", "Yes"]')
    swapped = written.replace('["Yes", "No"]', '["No", "Yes"]')
    left, right = swapped.index('"No"') + 1, swapped.index('"Yes"') + 1
    assert f"{path}:{line}:{left}: error: screen 'confirm_unsubscribe': the left softkey reads 'No', should read " \
           "'Yes'" in "\n".join(rows)
    assert any(row.startswith(f"{path}:{line}:{right}: error: screen 'confirm_unsubscribe': the right softkey reads "
                              "'Yes', should read 'No'") for row in rows), rows
    assert len(_rows(rows, path, line, "softkey-mismatch")) == 2
    assert all(row.endswith("[softkey-mismatch]") for row in rows), rows  # nothing else is reported


def test_swapped_softkeys_fail_the_real_command(kms_text, tmp_path):
    line, _ = _screen_key(kms_text, "confirm_unsubscribe", "softkeys")
    path = _write(tmp_path, _replace_line(kms_text, line, '["Yes", "No"]', '["No", "Yes"]'))
    done = subprocess.run([sys.executable, "-m", "simulator", "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert re.search(rf"^{re.escape(str(path))}:{line}:\d+: error: .*\[softkey-mismatch\]$", done.stderr, re.MULTILINE)


def test_a_softkey_missing_where_its_event_is_taken_reads_nothing(kms_text, tmp_path, capsys):
    path, line, _, rows = _refused_edit(kms_text, tmp_path, capsys, "access_point", "softkeys", "[OK, Cancel]",
                                        '[OK, ""]')
    assert any("the right softkey reads nothing, should read 'Cancel'" in row
               for row in _rows(rows, path, line, "softkey-mismatch")), rows


def test_a_cancelled_note_that_says_resumed_contradicts_its_kind(kms_text, tmp_path, capsys):
    path, line, _, rows = _refused_edit(kms_text, tmp_path, capsys, "note_cancelled", "text", None,
                                        '"Your subscription has been resumed."')
    found = _rows(rows, path, line, "note-text-contradicts-kind")
    assert any("a 'cancelled' note, yet its text says 'resumed', a word of 'resumed' notes" in row
               for row in found), rows
    assert any("says none of the words of a 'cancelled' note" in row for row in found), rows


def test_a_menu_that_does_not_list_the_item_an_event_selects(kms_text, tmp_path, capsys):
    path, line, _, rows = _refused_edit(kms_text, tmp_path, capsys, "license_menu", "items", "Unsubscribe, ", "")
    found = _rows(rows, path, line, "item-missing")
    assert len(found) == 1 and "screen 'license_menu': the items do not list 'Unsubscribe'" in found[0], rows
    assert "select_unsubscribe" in found[0]


def test_a_note_of_an_undeclared_kind(kms_text, tmp_path, capsys):
    path, line, _, rows = _refused_edit(kms_text, tmp_path, capsys, "note_cancelled", "note", "cancelled", "canceled")
    found = _rows(rows, path, line, "unknown-note-kind")
    assert len(found) == 1 and "note kind 'canceled' is not declared" in found[0], rows
    assert "(did you mean 'cancelled'?)" in found[0]


# -- the rules on the small spec, and what the reader refuses -----------------------------


def _trial(tmp_path: Path, old: str, new: str) -> Path:
    text = TRIAL_SPEC.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return _write(tmp_path, text.replace(old, new))


def _line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_the_trial_spec_declares_its_keys_and_notes():
    spec = load_spec(str(TRIAL_SPEC))
    assert spec.events["open_offer"].item == "Buy full version" and spec.events["press_no"].softkey == "right"
    assert set(spec.notes.kinds) == {"bought", "no_money"} and check_spec(spec) == []


def test_a_softkey_label_whose_event_is_not_taken_there_is_a_warning(tmp_path, capsys):
    path = _trial(tmp_path, 'text: "The full version is unlocked.", softkeys: [OK, ""]',
                  'text: "The full version is unlocked.", softkeys: [OK, "No"]')
    status, rows, _ = _check(path, capsys)
    assert status == 0
    line = _line_of(path, "name: note_bought")
    assert len(rows) == 1 and rows[0].startswith(f"{path}:{line}:") and rows[0].endswith("[softkey-unused]"), rows
    assert "the right softkey reads 'No', the label of press_no, yet no transition takes it here" in rows[0]


@pytest.mark.parametrize("old, new, fragment, code", [
    ('press_yes: {kind: user, label: "Yes", softkey: left}', 'press_yes: {kind: user, label: "Yes", softkey: middle}',
     "softkey: middle", "bad-value"),
    ('pay: {kind: system, label: "take the payment"}', 'pay: {kind: system, label: "take the payment", softkey: left}',
     "pay: {kind: system", "bad-value"),
    ('press_no: {kind: user, label: "No", softkey: right}', 'press_no: {kind: user, label: "No", softkey: [right]}',
     "softkey: [right]", "type"),
], ids=["softkey middle", "softkey of a system event", "softkey a list"])
def test_a_bad_event_declaration_is_a_located_error(tmp_path, capsys, old, new, fragment, code):
    path = _trial(tmp_path, old, new)
    status, rows, _ = _check(path, capsys)
    assert status == 2
    assert _rows(rows, path, _line_of(path, fragment), code), rows


@pytest.mark.parametrize("old, new, code", [
    ("says: [unlocked]", "says: unlocked", "type"),
    ("says: [unlocked]", "says: []", "bad-value"),
    ("says: [unlocked]", "says: [unlocked, 3]", "type"),
    ("says: [unlocked]", "say: [unlocked]", "unknown-key"),
    ('bought: {doc: "The purchase went through.", says: [unlocked]}', "bought: [unlocked]", "type"),
], ids=["says not a list", "says empty", "a word not text", "misspelt key", "kind not a mapping"])
def test_a_bad_notes_section_is_a_located_error(tmp_path, capsys, old, new, code):
    path = _trial(tmp_path, old, new)
    status, rows, _ = _check(path, capsys)
    assert status == 2
    assert _rows(rows, path, _line_of(path, new), code), rows


def test_the_words_of_a_note_are_matched_whole_ignoring_case():
    assert says("Not enough money.", "not enough money") and says("UNLOCKED!", "unlocked")
    assert not says("The subscription is inactive.", "active") and not says("unlockedness", "unlocked")


def test_a_user_event_every_screen_takes_must_be_on_every_resting_screen(tmp_path, capsys):
    path = _trial(tmp_path, "  - {trigger: press_ok, source: [note_bought, note_no_money], dest: home,",
                  "  - {trigger: press_no, source: \"*\", dest: home, assumption: T1}\n"
                  "  - {trigger: press_ok, source: [note_bought, note_no_money], dest: home,")
    status, rows, _ = _check(path, capsys)
    assert status == 2
    wrong = {row.split("'")[1] for row in rows if row.endswith("[softkey-mismatch]")}
    assert wrong == {"home", "note_bought", "note_no_money"}, rows  # offer shows No; paying is a system screen


# -- the schema agrees ----------------------------------------------------------------


def _schema_errors(validator, path: Path) -> list:
    return list(validator.iter_errors(plain_data(load_yaml_file(str(path)))))


def test_the_schema_accepts_the_declarations(validator, kms_text, tmp_path):
    # Only the sections these declarations live in: the rest of the KMS spec is test_schema's business.
    mine = [e for e in _schema_errors(validator, _write(tmp_path, kms_text)) if e.absolute_path
            and e.absolute_path[0] in ("events", "notes")]
    assert not mine, [f"{list(e.absolute_path)}: {e.message}" for e in mine]
    assert not _schema_errors(validator, TRIAL_SPEC)


@pytest.mark.parametrize("old, new", [
    ('press_yes: {kind: user, label: "Yes", softkey: left}', 'press_yes: {kind: user, label: "Yes", softkey: middle}'),
    ('pay: {kind: system, label: "take the payment"}', 'pay: {kind: system, label: "take the payment", item: x}'),
    ("says: [unlocked]", "says: unlocked"),
    ("says: [unlocked]", "says: []"),
    ('bought: {doc: "The purchase went through.", says: [unlocked]}', "bought: {says: [unlocked]}"),
], ids=["softkey middle", "item of a system event", "says not a list", "says empty", "kind without doc"])
def test_the_schema_refuses_what_the_loader_refuses(validator, tmp_path, capsys, old, new):
    path = _trial(tmp_path, old, new)
    assert _schema_errors(validator, path)
    assert _check(path, capsys)[0] == 2
