"""The phone view: what each screen shows, which items and softkeys, drawn at any width."""
from __future__ import annotations

import pytest

from simulator import Simulator
from simulator.play.phone import SOFTKEY_KEYS, phone_text, phone_view, render_phone, softkey_event


def _view(spec, given):
    sim = Simulator(spec, given)
    return phone_view(spec, sim.screen, sim.allowed_events())


def test_phone_view_license_menu_lists_only_items_allowed_now(kms_spec):
    active = _view(kms_spec, {"screen": "license_menu", "subscription": "active"})
    cancelled = _view(kms_spec, {"screen": "license_menu", "subscription": "cancelled"})
    assert active.items == ("Unsubscribe",)
    assert cancelled.items == ("One-Click Buy",)
    assert "One-Click Buy" not in phone_text(active)
    assert "Unsubscribe" not in phone_text(cancelled)


@pytest.mark.parametrize("screen", ["main_menu", "additional_menu", "license_menu", "confirm_unsubscribe",
                                    "note_cancelled", "terms", "access_point", "price_resume", "note_no_money"])
def test_phone_view_softkeys_are_the_specs_and_drawn(kms_spec, screen):
    view = phone_view(kms_spec, screen, [])
    left, right = kms_spec.screens[screen].softkeys
    assert view.softkeys == (left, right)
    softkey_row = [line.text for line in render_phone(view) if line.role == "softkeys"][0]
    assert f"{SOFTKEY_KEYS[0]}{left}" in softkey_row
    if right:
        assert f"{right}{SOFTKEY_KEYS[1]}" in softkey_row


def test_phone_view_orders_actions_items_user_then_environment(kms_spec):
    view = _view(kms_spec, {"screen": "main_menu"})
    assert [a.event for a in view.actions] == ["select_additional", "press_exit", "day_passes", "network_down",
                                               "network_up", "top_up"]
    assert [a.number for a in view.actions] == [1, 2, 3, 4, 5, 6]
    assert view.action_for("press_exit").key == SOFTKEY_KEYS[1]
    assert view.action(7) is None and view.action(0) is None


def test_softkey_event_maps_labels_and_select(kms_spec):
    main = _view(kms_spec, {"screen": "main_menu"})
    assert softkey_event(kms_spec, main, 0) == "select_additional"  # Options opens the highlighted item
    assert softkey_event(kms_spec, main, 1) == "press_exit"
    access = _view(kms_spec, {"screen": "access_point", "subscription": "cancelled"})
    assert (softkey_event(kms_spec, access, 0), softkey_event(kms_spec, access, 1)) == ("press_ok", "press_cancel")
    note = _view(kms_spec, {"screen": "note_cancelled", "subscription": "cancelled"})
    assert softkey_event(kms_spec, note, 0) == "press_ok"
    assert softkey_event(kms_spec, note, 1) is None  # a note has no right softkey


def test_phone_view_closed_screen_offers_to_open_the_app(kms_spec):
    view = _view(kms_spec, {"screen": "closed"})
    assert view.text == "The app is closed."
    assert [(a.event, a.label) for a in view.actions][0] == ("launch", "open the app")
    assert view.softkeys == ("", "")


def test_phone_view_system_screen_says_wait(kms_spec):
    view = phone_view(kms_spec, "checking_license", [])
    assert view.title == "Connecting..." and view.text == "Please wait..."


@pytest.mark.parametrize("width", [12, 16, 20, 32, 50])
def test_render_phone_fits_any_width(kms_spec, width):
    view = _view(kms_spec, {"screen": "note_no_connection", "subscription": "cancelled", "network": "down"})
    lines = render_phone(view, width, unicode=width % 2 == 0)
    assert {len(line.text) for line in lines} == {width}
    text = "\n".join(line.text for line in lines)
    assert text.count("[") == 1  # the left softkey is always there, shortened if need be
    if width >= 32:
        assert "Cannot connect to the" in text and "[OK" in text


def test_render_phone_marks_the_highlighted_item(kms_spec):
    view = _view(kms_spec, {"screen": "license_menu", "subscription": "none", "days_left": 0})
    selected = [line for line in render_phone(view, highlighted="select_one_click_buy") if line.role == "selected"]
    assert [line.text.strip("| ").strip() for line in selected] == ["> One-Click Buy"]
