"""Numbered how-to paths: the committed views carry their article's path, numbered as the article numbers it."""
from __future__ import annotations

import re

from .conftest import ROOT, SPEC_DIR
from .dotparse import parse_dot
from simulator.cli import main

COMMITTED = ROOT / "diagrams"


def _numbered(dot_file) -> tuple[list[tuple[int, str, str]], list[str]]:
    """(step number, from, to) of every numbered arrow in order, and the ids of the path's unnumbered arrows."""
    dot = parse_dot(dot_file.read_text(encoding="utf-8"))
    numbered, silent = [], []
    for edge_id, attrs in dot.edges.items():
        classes = attrs.get("class", "").split()
        if "path" not in classes:
            continue
        numbers = [int(c[5:]) for c in classes if c.startswith("step-")]
        if not numbers:
            silent.append(edge_id)
        for n in numbers:
            assert re.search(rf"<B>\(({n}|[\d, ]*\b{n}\b[\d, ]*)\)</B>", attrs["label"]), attrs["label"]
            ends = (attrs["_tail"], attrs["_head"])
            numbered.append((n, *(ends[::-1] if attrs.get("dir") == "back" else ends)))  # back: written from its head
    return sorted(numbered), silent


def test_committed_cancel_view_numbers_the_article_steps_1_to_5_along_the_path():
    numbered, silent = _numbered(COMMITTED / "cancel.dot")
    assert [n for n, _, _ in numbered] == [1, 2, 3, 4, 5]
    # Each numbered arrow starts where the one before it ended: a path, from the main menu back to License.
    assert [(a, b) for _, a, b in numbered] == [
        ("screen.main_menu", "screen.additional_menu"), ("screen.additional_menu", "screen.license_menu"),
        ("screen.license_menu", "screen.confirm_unsubscribe"), ("screen.confirm_unsubscribe", "screen.note_cancelled"),
        ("screen.note_cancelled", "screen.license_menu")]
    # The signal to the account is drawn on the path but not counted.
    assert silent == ["edge:account.active.cancel@active"]


def test_committed_one_click_buy_view_numbers_the_resume_article_steps_3_to_8():
    numbered, silent = _numbered(COMMITTED / "one_click_buy.dot")
    assert [n for n, _, _ in numbered] == [3, 4, 5, 6, 7, 8]
    assert numbered[0][1:] == ("screen.license_menu", "screen.terms")
    assert all(numbered[i][2] == numbered[i + 1][1] for i in range(len(numbered) - 1))
    assert len(silent) == 1 and silent[0].startswith("edge:account.")


def test_highlight_numbers_only_user_and_system_steps(capsys, tmp_path):
    code = main(["diagram", "-o", str(tmp_path), "--format", "dot", "--view", "cancel", "--highlight",
                 str(SPEC_DIR / "scenarios" / "cancel.yaml")])
    capsys.readouterr()
    assert code == 0
    numbered, silent = _numbered(tmp_path / "cancel.path-cancel.dot")
    assert [n for n, _, _ in numbered] == [1, 2, 3, 4, 5]  # OK is the article's step 5, not 6
    assert silent == ["edge:account.active.cancel@active"]
