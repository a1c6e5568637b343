"""The committed review page in Debian's Chromium, offline: read, zoom, play, save, sign off — and the same as the spec.

One page for the module (opening it costs more than most tests); each test starts its run from a chosen start
world, so none depends on another's clicks.
"""
import os
import random
import struct

import pytest

from simulator import Simulator, load_spec
from simulator.cli import main
from simulator.report.gather import gather_review
from simulator.report.page import render_page
from simulator.report.page_graph import page_graph

from .browser import offline_page
from .conftest import SPEC_DIR
from .test_signoff import copy_kms_spec

PAGE = SPEC_DIR / "kms9_subscription.review.html"
WORLD = ("days_left", "subscription", "balance", "network", "charges")


@pytest.fixture(scope="module")
def tab(chromium):
    tab = offline_page(chromium, accept_downloads=True)
    tab.page.goto(PAGE.as_uri())
    tab.page.wait_for_function("window.kmsflowReview && window.kmsflowReview.ready")
    yield tab
    tab.page.context.close()


def _start(tab, **world) -> int:
    """Start the page's run from the start world that has these values; return its index."""
    starts = tab.page.evaluate("kmsflowReview.starts()")
    index = next(i for i, s in enumerate(starts) if all(s[k] == v for k, v in world.items()))
    tab.page.select_option("#start", str(index))
    return index


def _shown(tab, variable: str) -> str:
    return tab.page.inner_text(f'#world dd[data-variable="{variable}"]')


def test_review_page_opens_offline_without_errors(tab):
    assert tab.console_errors == [] and tab.blocked_requests == []
    assert tab.page.evaluate("kmsflowReview.state().screen") == "main_menu"


def test_review_page_every_diagram_zooms_with_wheel_buttons_and_keys(tab):
    page = tab.page
    figures = page.locator("figure.diagram")
    assert figures.count() == 5
    for i in range(figures.count()):
        figure = figures.nth(i)
        scale = lambda figure=figure: float(figure.get_attribute("data-scale"))  # noqa: E731
        assert figure.locator("svg").count() == 1
        figure.locator('[data-zoom="fit"]').click()
        fit = scale()
        assert 0 < fit <= 1
        figure.locator('[data-zoom="in"]').click()
        assert scale() > fit
        figure.locator(".viewport").focus()
        page.keyboard.press("0")
        assert scale() == fit
        page.keyboard.press("+")
        assert scale() > fit
        page.keyboard.press("0")
        figure.locator(".viewport").scroll_into_view_if_needed()
        box = figure.locator(".viewport").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 40)
        page.mouse.wheel(0, -200)
        assert scale() > fit
        figure.locator('[data-zoom="full"]').click()
        assert scale() == 1
    assert tab.console_errors == []


def _visible_text(tab) -> str:
    """What a reader sees: the page's text without the engineers' fold, tooltips and the diagrams' <title>s."""
    return tab.page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('details, script, style, title').forEach((n) => n.remove());
        const svgText = [...body.querySelectorAll('svg text')].map((n) => n.textContent).join('\\n');
        body.querySelectorAll('svg').forEach((n) => n.remove());
        document.documentElement.append(body);  // innerText needs a rendered element
        const text = body.innerText;
        body.remove();
        return text + '\\n' + svgText;
    }""")


def test_review_page_shows_no_internal_id_outside_tooltips_and_the_fold(tab, kms_spec):
    text = _visible_text(tab)
    assert "Cancel the subscription?" in text and "One-Click Buy" in text
    names = [t.id for t in kms_spec.all_transitions()]
    names += [n for n in [*kms_spec.screens, *kms_spec.events, *kms_spec.guards, *kms_spec.effects] if "_" in n]
    found = sorted({name for name in names if name in text})
    assert found == []


def test_review_page_says_each_step_decision_and_transition_once(tab, kms_spec):
    counts = tab.page.evaluate("""() => {
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('details').forEach((n) => n.remove());
        const ids = [...main.querySelectorAll('[id]')].filter((n) => !n.closest('svg')).map((n) => n.id);
        return {ids: ids, moves: ids.filter((i) => i.startsWith('move-')).length,
                steps: ids.filter((i) => i.startsWith('step-')).length,
                decisions: ids.filter((i) => i.startsWith('decision-')).length,
                phones: main.querySelectorAll('.phone.static').length};
    }""")
    assert len(counts["ids"]) == len(set(counts["ids"]))
    assert counts["moves"] == len(kms_spec.all_transitions())
    assert counts["steps"] == len(kms_spec.kb_steps)
    assert counts["decisions"] == len(kms_spec.assumptions)
    assert counts["phones"] == len(kms_spec.screens)  # every screen drawn once


def test_review_page_cancel_flow_clicked_through_on_the_phone(tab):
    page = tab.page
    _start(tab, days_left=30, subscription="active", balance=10, network="up")
    page.click('#phone [data-item="Additional"]')
    page.click('#phone [data-item="License"]')
    assert "Subscription: active, 30 days left" in page.inner_text("#phone")
    page.click('#phone [data-item="Unsubscribe"]')
    assert "Cancel the subscription?" in page.inner_text("#phone")
    page.click('#phone [data-softkey="left"]')  # Yes
    assert "cancelled" in page.inner_text("#phone")
    page.click('#phone [data-softkey="left"]')  # OK
    assert page.get_attribute("#phone", "data-screen") == "license_menu"
    assert _shown(tab, "subscription") == "cancelled" and _shown(tab, "days_left") == "30"
    assert page.locator('#phone [data-item="One-Click Buy"]').count() == 1  # A1: offered once not active
    assert page.locator("figure.diagram svg .on-path").count() > 0  # the path is drawn on the diagrams
    assert page.locator("#path li").count() == 5
    assert tab.console_errors == []


def test_review_page_a_day_passing_pays_at_3_days_and_undo_restores_the_world(tab):
    page = tab.page
    _start(tab, days_left=4, subscription="active", balance=6, network="up")
    page.click('#controls [data-event="day_passes"]')
    assert (_shown(tab, "days_left"), _shown(tab, "balance"), _shown(tab, "charges")) == ("33", "3", "1")
    page.click("#undo")
    assert (_shown(tab, "days_left"), _shown(tab, "balance"), _shown(tab, "charges")) == ("4", "6", "0")
    page.click('#controls [data-event="network_down"]')
    page.click('#controls [data-event="day_passes"]')  # offline: the attempt fails, tried again tomorrow
    assert (_shown(tab, "days_left"), _shown(tab, "charges")) == ("3", "0")
    _start(tab, days_left=10, subscription="active", balance=6, network="up")
    page.fill("#days", "7")
    page.click("#days-pass")  # several days at once: 10 -> 3, paid at once -> 33
    assert (_shown(tab, "days_left"), _shown(tab, "charges")) == ("33", "1")
    assert page.locator("#path li").count() == 7
    assert tab.console_errors == []


def test_review_page_saved_scenario_replays_with_kmsflow_simulate(tab, tmp_path, capsys):
    page = tab.page
    _start(tab, days_left=0, subscription="cancelled", balance=3, network="up")
    for item in ("Additional", "License", "One-Click Buy"):
        page.click(f'#phone [data-item="{item}"]')
    for _ in range(3):  # Yes on the terms, OK on the access point, Yes on the price
        page.click('#phone [data-softkey="left"]')
    page.click('#controls [data-event="day_passes"]')
    with page.expect_download() as download:
        page.click("#save")
    saved = tmp_path / "played.yaml"
    download.value.save_as(saved)
    assert main(["simulate", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "1 passed, 0 failed" in out and "charges=1" in out


@pytest.mark.slow  # the page of a copy of the spec, made twice (its product graph walked once)
def test_review_page_signoff_export_imports_as_signed_and_a3_change_shows_stale(tab, tmp_path, capsys):
    page = tab.page
    page.fill("#signer", "Ann Lee")
    page.check('input[name="verdict-A3"][value="keep"]')
    page.fill('.sign[data-decision="A3"] textarea', "the price is shown: good")
    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "export.yaml"
    download.value.save_as(exported)
    spec_file = copy_kms_spec(tmp_path)
    assert main(["signoff", str(spec_file), "--import", str(exported)]) == 0
    spec = load_spec(str(spec_file))
    graph = page_graph(spec)  # renaming A3 changes no behaviour: one walk serves both pages
    signed = render_page(gather_review(spec, walk=False), graph)
    assert 'class="decision state-keep" id="decision-A3"' in signed and "kept by Ann Lee" in signed
    assert "the price is shown: good" in signed
    spec_file.write_text(spec_file.read_text().replace("title: \"One-Click Buy: resume or subscribe\"",
                                                       "title: \"One-Click Buy: resume, or subscribe again\""))
    stale = render_page(gather_review(load_spec(str(spec_file)), walk=False), graph)
    assert 'class="decision state-stale" id="decision-A3"' in stale
    assert "changed since signed" in stale and "resume, or subscribe again" in stale
    assert tab.console_errors == []


def test_review_page_screenshot_at_1280_px(tab, tmp_path):
    # KMSFLOW_SCREENSHOTS=spec keeps it beside the page (the README's picture); by default it goes to the test's
    # own folder, so parallel runs never write one shared file.
    folder = os.environ.get("KMSFLOW_SCREENSHOTS") or str(tmp_path)
    target = os.path.join(folder, "kms9_subscription.review.png")
    page = tab.page
    _start(tab, days_left=30, subscription="active", balance=10, network="up")
    page.click('#phone [data-item="Additional"]')
    page.click('#phone [data-item="License"]')
    page.locator("#play").scroll_into_view_if_needed()
    page.screenshot(path=target)
    with open(target, "rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24])[0] == 1280


@pytest.mark.slow  # 200 runs through the page and through the simulator, compared after every step
def test_review_page_behaves_as_the_spec_on_200_random_runs(tab, kms_spec):
    starts = tab.page.evaluate("kmsflowReview.starts()")
    bounds = tab.page.evaluate("JSON.parse(document.getElementById('review-data').textContent).graph.bounds")
    events = kms_spec.events_of_kind("user", "environment")
    rng = random.Random(15)
    compared = beyond = 0
    for _ in range(200):
        start = rng.randrange(len(starts))
        sim = Simulator(kms_spec, starts[start])
        run, expected = [], []
        for _ in range(rng.randint(4, 16)):
            allowed = [e for e in sim.allowed_events() if e in events]
            event = rng.choice(allowed) if allowed and rng.random() < 0.85 else rng.choice(events)
            step = sim.fire(event)
            # A step past the walk's bounds: the page refuses it and says so; the run goes on from where it was.
            past = step.accepted and any(sim.world[k] > v for k, v in bounds.items())
            if past:
                sim.undo()
            run.append(event)
            expected.append((step.accepted and not past, past, sim.screen, {k: sim.world[k] for k in WORLD}))
        got = tab.page.evaluate("([start, events]) => kmsflowReview.run(start, events)", [start, run])
        for number, (page_step, (accepted, past, screen, world)) in enumerate(zip(got, expected), start=1):
            where = (starts[start], run[:number])
            assert (page_step["accepted"], page_step["beyond"]) == (accepted, past), where
            assert page_step["screen"] == screen, where
            assert {k: page_step["world"][k] for k in WORLD} == world, where
            compared += 1
            beyond += past
    assert compared > 1500 and 0 < beyond < compared / 10
    assert tab.console_errors == []


def test_review_page_of_another_spec_plays_it_too(chromium, tmp_path):
    # The engine is generic: the trial spec's page plays its own flow, equal to the Simulator on random runs.
    spec = load_spec(str(SPEC_DIR / "trial_to_purchase.yaml"))
    page_file = tmp_path / "trial.review.html"
    page_file.write_text(render_page(gather_review(spec, walk=False), page_graph(spec)), encoding="utf-8")
    tab = offline_page(chromium)
    try:
        tab.page.goto(page_file.as_uri())
        tab.page.wait_for_function("window.kmsflowReview && window.kmsflowReview.ready")
        starts = tab.page.evaluate("kmsflowReview.starts()")
        events = spec.events_of_kind("user", "environment")
        rng = random.Random(16)
        for _ in range(20):
            start = rng.randrange(len(starts))
            sim = Simulator(spec, starts[start])
            run = [rng.choice(events) for _ in range(12)]
            got = tab.page.evaluate("([start, events]) => kmsflowReview.run(start, events)", [start, run])
            for event, page_step in zip(run, got):
                if page_step["beyond"]:
                    break
                step = sim.fire(event)
                assert (page_step["accepted"], page_step["screen"]) == (step.accepted, sim.screen), (starts[start], run)
                assert page_step["world"] == {k: sim.world[k] for k in page_step["world"]}, (starts[start], run)
        assert tab.console_errors == [] and tab.blocked_requests == []
    finally:
        tab.page.context.close()


def test_review_page_link_to_a_run_opens_it_again(tab, chromium):
    page = tab.page
    _start(tab, days_left=30, subscription="active", balance=10, network="up")
    page.click('#phone [data-item="Additional"]')
    page.click('#controls [data-event="day_passes"]')
    page.click("#link")
    before = page.evaluate("kmsflowReview.state()")
    other = offline_page(chromium)
    try:
        other.page.goto(page.url)
        other.page.wait_for_function("window.kmsflowReview && window.kmsflowReview.ready")
        assert "#run=" in page.url and other.page.evaluate("kmsflowReview.state()") == before
        assert other.console_errors == []
    finally:
        other.page.context.close()


def test_review_page_keeps_the_readers_marks_when_opened_again(tab):
    page = tab.page
    page.fill("#signer", "Bo")
    page.check('input[name="verdict-A5"][value="question"]')
    page.fill('.sign[data-decision="A5"] textarea', "why not one attempt?")
    again = page.context.new_page()  # the same browser profile: what the reader would reopen
    try:
        again.goto(PAGE.as_uri())
        again.wait_for_function("window.kmsflowReview && window.kmsflowReview.ready")
        assert again.input_value("#signer") == "Bo"
        assert again.is_checked('input[name="verdict-A5"][value="question"]')
        assert again.input_value('.sign[data-decision="A5"] textarea') == "why not one attempt?"
        assert not again.is_disabled("#export")
    finally:
        again.close()


def test_review_page_of_a_flow_too_big_to_embed_reads_and_signs_off(chromium, kms_spec, tmp_path):
    assert page_graph(kms_spec, max_configurations=10) is None  # over the page's budget: no graph, no error
    page_file = tmp_path / "big.review.html"
    page_file.write_text(render_page(gather_review(kms_spec, walk=False), None), encoding="utf-8")
    tab = offline_page(chromium)
    try:
        tab.page.goto(page_file.as_uri())
        tab.page.wait_for_function("window.kmsflowReview && window.kmsflowReview.ready")
        assert "kmsflow play" in tab.page.inner_text("#play") and tab.page.locator("#phone").count() == 0
        tab.page.fill("#signer", "Ann")
        tab.page.check('input[name="verdict-A1"][value="keep"]')
        assert not tab.page.is_disabled("#export")
        assert tab.console_errors == []
    finally:
        tab.page.context.close()
