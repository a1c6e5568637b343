"""Screen texts filled from the world, the status line, and screens that share a title told apart.

The behaviour is checked where a reader meets it: the template functions, ``kmsflow check``'s
located errors, the phone in ``kmsflow play``, the review document and the diagrams. The small
fixture ``tests/fixtures/priced_trial.yaml`` has a price in the offer's text, a status line on its
home menu and two notes titled "Payment" (one with a caption, one without).
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from simulator import check_spec, load_checked_spec, load_spec
from simulator.cli import main
from simulator.draw.diagram_model import build_diagram
from simulator.draw.render_dot import render_dot
from simulator.draw.render_mermaid import render_mermaid
from simulator.draw.views import load_views
from simulator.play.phone import phone_text, phone_view
from simulator.play.session import PlaySession
from simulator.report.review import render_review
from simulator.spec.texts import (TemplateError, fill, initial_values, reader_name, reader_names, template_names,
                                  text_names)

from .conftest import KMS_SPEC
from .dotparse import parse_dot

FIXTURES = Path(__file__).parent / "fixtures"
PRICED = FIXTURES / "priced_trial.yaml"
BAD = FIXTURES / "bad_specs"


@pytest.fixture(scope="module")
def priced():
    return load_checked_spec(str(PRICED))


# -- templates -------------------------------------------------------------------------

def test_fill_replaces_each_name_and_keeps_doubled_braces_literal():
    values = {"price": 5, "period_days": 30}
    assert fill("Pay {price} now for {period_days} days?", values) == "Pay 5 now for 30 days?"
    assert fill("{price}{price} {{price}} }}{{", values) == "55 {price} }{"
    assert fill("no fields at all", {}) == "no fields at all"
    assert fill("", {}) == ""


def test_template_names_are_each_name_once_in_order_of_use():
    assert template_names("{b} and {a}, then {b} again; {{c}} is no field") == ("b", "a")
    assert template_names("plain") == ()


@pytest.mark.parametrize("template, says", [
    ("{}", "positional field {}"),
    ("{0}", "positional field {0}"),
    ("{price:>3}", "format specification"),
    ("{price:}", "only plain {name}"),
    ("{price!r}", "conversion (!r)"),
    ("{world.price}", "attribute or index access"),
    ("{prices[0]}", "attribute or index access"),
    ("{ price }", "' price ' is not a name"),
    ("{price", "unmatched brace"),
    ("price}", "unmatched brace"),
    ("{price}}", "unmatched brace"),
    ("{price!}", "unmatched brace"),
])
def test_template_errors_say_what_is_wrong(template, says):
    with pytest.raises(TemplateError) as caught:
        template_names(template)
    assert says in str(caught.value)
    with pytest.raises(TemplateError):
        fill(template, {"price": 3, "world": None, "prices": [1]})


def test_fill_refuses_a_name_it_has_no_value_for():
    with pytest.raises(TemplateError, match="no value named 'price'"):
        fill("Pay {price}", {"period_days": 30})


def test_texts_may_name_parameters_and_world_variables_filled_with_defaults(priced):
    assert text_names(priced) == ["price", "days_left", "license", "balance"]
    assert initial_values(priced) == {"price": 10, "days_left": 7, "license": "trial", "balance": 10}


# -- names for readers -----------------------------------------------------------------

def test_reader_name_is_the_title_unless_another_screen_shares_it(priced):
    assert reader_name(priced, "offer") == "Buy"
    assert reader_name(priced, "note_bought") == "Payment (bought)"  # its caption
    assert reader_name(priced, "note_no_money") == "Payment (note_no_money)"  # no caption: its screen name
    assert priced.screens["note_bought"].title == "Payment"  # the phone still shows the bare title
    assert reader_names(priced) == {name: reader_name(priced, name) for name in priced.screens}
    assert reader_name(priced, "nowhere") == "nowhere"


def test_kms_screens_sharing_a_title_get_different_reader_names(kms_spec):
    titles = [screen.title for screen in kms_spec.screens.values()]
    assert titles.count("Connecting...") == 2 and titles.count("Subscription") == 3
    names = reader_names(kms_spec)
    assert len(set(names.values())) == len(names)
    for name in ("checking_license", "charging"):
        assert names[name].startswith("Connecting... (")


# -- kmsflow check ---------------------------------------------------------------------

@pytest.mark.parametrize("fixture, line, code, message", [
    ("unknown_text_name.yaml", 41, "unknown-text-name",
     "screen 'offer': text names {prise}, which is neither a parameter nor a world variable (did you mean 'price'?)"),
    ("bad_text_template.yaml", 41, "bad-text-template",
     "screen 'home': status: {days_left:>3}: a format specification is not allowed, only a plain {name}"),
    ("ambiguous_screen_name.yaml", 45, "ambiguous-screen-name",
     "screen 'note_no_money' is named 'Payment (result)' to readers, like screen 'note_bought'"),
])
def test_check_reports_a_bad_screen_text_at_its_key(fixture, line, code, message, capsys):
    path = BAD / fixture
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr()
    rows = [row for row in (out.out + out.err).splitlines() if row.endswith(f"[{code}]")]
    assert len(rows) == 1, out
    assert rows[0].startswith(f"{path}:{line}:") and f"error: {message}" in rows[0]
    assert path.read_text().splitlines()[line - 1].rstrip().endswith("# <- expected here")


def test_check_reports_every_text_key_and_accepts_good_templates(tmp_path):
    text = PRICED.read_text().replace('title: "Buy"', 'title: "Buy for {cost}"').replace(
        "License: {license}", "License: {license!s}")
    path = tmp_path / "two_mistakes.yaml"
    path.write_text(text)
    problems = check_spec(load_spec(str(path)))
    found = {(p.code, p.loc.line) for p in problems}
    lines = text.splitlines()
    title_line = next(n for n, row in enumerate(lines, 1) if "Buy for {cost}" in row)
    status_line = next(n for n, row in enumerate(lines, 1) if "{license!s}" in row)
    assert found == {("unknown-text-name", title_line), ("bad-text-template", status_line)}
    assert check_spec(load_spec(str(PRICED))) == []


# -- play ------------------------------------------------------------------------------

def test_play_fills_texts_and_the_status_line_from_the_live_world(priced):
    session = PlaySession(priced, {"price": 5})
    view = session.view
    assert view.status == "License: trial · 7 days left"
    assert "License: trial · 7 days left" in phone_text(view, 40)
    session.handle("day 2")
    assert session.view.status == "License: trial · 5 days left"
    session.handle("open_offer")
    assert session.view.text == "Pay 5 now for the full version? Your balance is 10. {no refunds}"
    assert session.view.title == "Buy"
    reply = session.handle("yes")
    assert reply.message.startswith("press_yes: Buy -> Paying... -> Payment (bought)")
    assert session.view.title == "Payment" and session.view.text == "5 paid; the full version is unlocked."


def test_phone_view_without_a_world_uses_the_defaults(priced):
    view = phone_view(priced, "offer", ["press_yes", "press_no"])
    assert view.text == "Pay 10 now for the full version? Your balance is 10. {no refunds}" and view.status == ""


def test_kmsflow_play_given_price_shows_the_given_price(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("open_offer\n"))
    assert main(["play", str(PRICED), "--given", "price=5", "balance=7"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the phone wraps its text
    assert "| License: trial · 7 days left |" in out
    assert "Pay 5 now for the full | | version? Your balance is 7." in out


def test_play_refusals_name_the_screen_for_readers(priced):
    session = PlaySession(priced, {"screen": "note_no_money", "balance": 0})
    reply = session.handle("press_yes")
    assert reply.refused
    assert "press_yes is not allowed on Payment (note_no_money)." in reply.message
    session = PlaySession(priced, {"screen": "note_bought"})
    assert "not allowed on Payment (bought) (note_bought)." in session.handle("press_yes").message


# -- review and diagrams ---------------------------------------------------------------

def _review_screen_rows(document: str) -> dict[str, list[str]]:
    section = document.split("## The screens", 1)[1].split("\n## ", 1)[0]
    rows = [row for row in section.splitlines() if row.startswith("| `")]
    return {row.split("|")[1].strip().strip("`"): [cell.strip() for cell in row.split("|")[2:-1]] for row in rows}


def test_review_shows_filled_texts_the_status_line_and_reader_names(priced):
    document = render_review(priced, walk=False)
    rows = _review_screen_rows(document)
    assert rows["offer"][2] == "Pay 10 now for the full version? Your balance is 10. {no refunds}"
    assert rows["home"][2] == "_License: trial · 7 days left_ — Buy full version"
    assert rows["note_bought"][1] == "Payment (bought)" and rows["note_no_money"][1] == "Payment (note_no_money)"
    assert "when price = 10, days_left = 7, license = trial, balance = 10." in document
    assert "→ **Payment (bought)**" in document
    given = render_review(priced, walk=False, values={**initial_values(priced), "price": 4})
    assert _review_screen_rows(given)["offer"][2].startswith("Pay 4 now")


def test_review_names_every_kms_screen_apart(kms_spec):
    rows = _review_screen_rows(render_review(kms_spec, walk=False))
    assert set(rows) == set(kms_spec.screens)
    titles = [cells[1] for cells in rows.values()]
    assert len(set(titles)) == len(titles)


def _dot_titles(spec) -> dict[str, str]:
    views = load_views(spec)
    dot = parse_dot(render_dot(build_diagram(spec, views, views.get("overview"))))
    return {node_id[len("screen:"):]: re.search(r"<B>(.*?)</B>", attrs["label"]).group(1)
            for node_id, attrs in dot.nodes.items() if node_id.startswith("screen:")}


def test_diagram_nodes_show_filled_text_status_and_reader_names(priced):
    views = load_views(priced)
    diagram = build_diagram(priced, views, views.get("overview"))
    home, offer = diagram.node("screen:home"), diagram.node("screen:offer")
    assert home.lines[0] == "License: trial · 7 days left" and "• Buy full version" in home.lines
    assert " ".join(offer.lines).startswith("Pay 10 now for the full version?")
    assert _dot_titles(priced) == {"home": "Home", "offer": "Buy", "paying": "Paying...",
                                   "note_bought": "Payment (bought)", "note_no_money": "Payment (note_no_money)"}
    mermaid = render_mermaid(diagram)
    assert "Payment (bought)" in mermaid and "Pay 10 now" in mermaid
    assert render_dot(build_diagram(priced, views, views.get("overview"))) == render_dot(diagram)  # deterministic


def test_diagram_names_every_kms_screen_apart(kms_spec):
    titles = _dot_titles(kms_spec)
    assert set(titles) == set(kms_spec.screens)
    assert len(set(titles.values())) == len(titles), titles
    clusters = [c.label for c in build_diagram(kms_spec, load_views(kms_spec), load_views(kms_spec).get("overview"))
                .clusters if c.kind == "menu"]
    assert all(label in reader_names(kms_spec).values() for label in clusters)


# -- play's step lines, for the KMS spec -----------------------------------------------

#: Worlds from which, screen by screen, every allowed user event is sent once.
_WORLDS = ({}, {"subscription": "cancelled"}, {"subscription": "none", "days_left": 0},
           {"subscription": "cancelled", "network": "down"}, {"subscription": "none", "days_left": 0, "balance": 0},
           {"subscription": "none", "days_left": 0, "network": "down"})


def _screens_passed(spec, step) -> list[str]:
    screens = [step.screen_before]
    for transition_id in step.taken:
        t = spec.transition(transition_id)
        if t.region == "screens" and t.dest and t.dest != screens[-1]:
            screens.append(t.dest)
    return screens


def test_play_step_lines_name_every_kms_screen_apart(kms_spec):
    named: dict[str, set[str]] = {}
    for world in _WORLDS:
        for screen, s in kms_spec.screens.items():
            if s.is_system:
                continue
            probe = PlaySession(kms_spec, {**world, "screen": screen})
            for action in [a for a in probe.view.actions if a.kind == "user"]:
                session = PlaySession(kms_spec, {**world, "screen": screen})
                reply = session.fire(action.event)
                if reply.refused:
                    continue
                move = reply.message.split(": ", 1)[1].split("  [", 1)[0]
                shown = [move[len("stays on "):]] if move.startswith("stays on ") else move.split(" -> ")
                passed = _screens_passed(kms_spec, session.path[-1])
                assert len(shown) == len(passed), reply.message
                for name, screen_passed in zip(shown, passed):
                    named.setdefault(name, set()).add(screen_passed)
    assert set().union(*named.values()) == set(kms_spec.screens)  # every screen was named at least once
    assert all(len(screens) == 1 for screens in named.values()), named


# -- the KMS spec: A3's prices and A7's status line --------------------------------------

def test_kms_price_screens_and_license_status_are_filled_from_the_live_world(kms_spec):
    # Issue 9: both price screens name the amount and the period, the License menu says where the
    # subscription stands; `--given price=5` shows 5.
    session = PlaySession(kms_spec, {"screen": "license_menu", "price": 5, "period_days": 7,
                                     "subscription": "none", "days_left": 0, "balance": 9})
    assert session.view.status == "Subscription: none, 0 days left"
    for command in ("select_one_click_buy", "press_yes", "press_ok"):
        session.handle(command)
    assert session.screen == "price_subscribe"
    assert "7 days" in session.view.text and "pay 5 now" in session.view.text
    session = PlaySession(kms_spec, {"screen": "price_resume", "price": 5, "period_days": 7,
                                     "subscription": "cancelled", "days_left": 12})
    assert "Nothing is paid now; 5 for 7 more days" in session.view.text
    assert "when 3 days of license remain" in session.view.text
    session.handle("day 2")
    session.handle("press_yes")
    session.handle("press_ok")
    assert session.view.status == "Subscription: active, 10 days left"


def test_kms_play_cli_given_price_shows_it_on_the_subscribe_screen(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("select_one_click_buy\npress_yes\npress_ok\n"))
    assert main(["play", "--given", "screen=license_menu", "subscription=none", "days_left=0", "price=5"]) == 0
    out = " ".join(capsys.readouterr().out.replace("|", " ").split())  # the phone wraps lines in its frame
    assert "Subscription: none, 0 days left" in out
    assert "pay 5 now?" in out and "Subscribe for 30 days" in out


def test_kms_review_shows_prices_and_the_status_line_with_the_defaults(kms_spec):
    rows = _review_screen_rows(render_review(kms_spec, walk=False))
    assert "Subscribe for 30 days and pay 3 now?" in rows["price_subscribe"][2]
    assert "Nothing is paid now; 3 for 30 more days" in rows["price_resume"][2]
    assert rows["license_menu"][2].startswith("_Subscription: active, 30 days left_")


def test_kms_a7_is_traced_to_its_transitions_and_the_license_screen(capsys):
    assert main(["check", "--trace"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("  A7 "):]
    block = block[:block.index("\n  A", 1)] if "\n  A" in block[1:] else block
    assert "Where the user sees the subscription" in block
    assert "account.active.try_payment.2" in block and "account.active.try_payment.3" in block
    assert "screen license_menu" in block


def test_check_reports_an_unknown_assumption_on_a_screen(tmp_path, capsys):
    text = KMS_SPEC.read_text().replace("    assumption: [A1, A7]\n", "    assumption: [A1, A9]\n", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    line = text.splitlines().index("    assumption: [A1, A9]") + 1
    assert f"bad.yaml:{line}:" in err and "unknown assumption 'A9'" in err and "[unknown-assumption]" in err
