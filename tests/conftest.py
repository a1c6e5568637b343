"""Shared fixtures: paths found relative to this file, the KMS spec loaded once."""
from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from simulator import load_checked_spec
from simulator.rules import register_rule_book

from .trial_rule_book import rules as trial_rules

# Every test reads its specs from the file, in this process and the ones it starts, whatever the machine's
# setting: the spec cache's own tests (tests/test_spec_cache.py) turn it on where they need it.
os.environ["KMSFLOW_CACHE"] = "off"

# The small fixtures name the rule book `trial` (rules: trial); it is the tests' own, not the package's.
register_rule_book(trial_rules)

ROOT = Path(__file__).resolve().parent.parent
#: The `trial` rule book as a file, for kmsflow run in another process (`--rules`).
TRIAL_RULES = ROOT / "tests" / "trial_rule_book.py"
SPEC_DIR = ROOT / "spec"
KMS_SPEC = SPEC_DIR / "kms9_subscription.yaml"
SCENARIOS = sorted((SPEC_DIR / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="session")
def kms_spec():
    return load_checked_spec(str(KMS_SPEC))


@pytest.fixture(scope="session")
def kms_graph(kms_spec):
    """The KMS spec walked once per test process, for the tests that only read the product graph."""
    from simulator.walk.explore import explore_spec

    return explore_spec(kms_spec)


@pytest.fixture(scope="session")
def kms_suites(kms_graph):
    """Every criterion's suite of the shared KMS walk."""
    from simulator.walk.suites import CRITERIA, generate_suite

    return {criterion: generate_suite(kms_graph, criterion) for criterion in CRITERIA}


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, started once per test process (see tests/browser.py); `make test` installs it."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, chromium_available, launch

    if not chromium_available():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make browser` (Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def validator() -> jsonschema.Draft202012Validator:
    """The shipped spec format, simulator/spec/schema.json, as a JSON Schema validator."""
    schema = json.loads(resources.files("simulator.spec").joinpath("schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)
