"""pytest-bdd step definitions for the features kmsflow exports: ``pytest DIR`` runs them on the spec.

An exported Gherkin folder (``kmsflow paths --format gherkin -o DIR``) holds a
``conftest.py`` that imports everything here, and a test module that collects
the features. The vocabulary is the spec's own (:mod:`simulator.walk.phrases`),
read when the run starts, so the step definitions are three patterns that
hand each sentence to :class:`~simulator.walk.feature_run.PhoneRun`: a
sentence no form of the spec's vocabulary reads fails its scenario, naming it.

The spec is the one the folder's manifest records (found again when the
folder moved; refused when it changed since the export), or the one given
with ``pytest --kmsflow-spec SPEC`` (option added by kmsflow's pytest plugin).
"""
from __future__ import annotations

import os

import pytest
from pytest_bdd import given, parsers, then, when

from .check import load_checked_spec
from .errors import KmsflowError
from .rules import load_rules, register_rule_book
from .walk.feature_run import PhoneRun
from .walk.manifest import suite_spec_path
from .walk.phrases import Phrases

_LOADED: dict[str, tuple] = {}  # spec path -> (spec, phrases): one load per run, not one per scenario


def _spec_for(path: str):
    key = os.path.abspath(path)
    if key not in _LOADED:
        spec = load_checked_spec(path)
        if spec.rules:  # found by name at every scenario's start otherwise, reading the entry points each time
            register_rule_book(load_rules(spec.rules))
        _LOADED[key] = (spec, Phrases(spec))
    return _LOADED[key]


def register_tags(config, conftest_file: str) -> None:
    """Register the tags of the feature files beside ``conftest_file`` as markers (pytest warns of unknown ones)."""
    from .walk.feature_run import feature_files, read_features
    folder = os.path.dirname(os.path.abspath(conftest_file))
    try:
        scenarios = read_features(feature_files([folder]))
    except KmsflowError:
        return  # pytest-bdd reports the broken feature itself, when it collects it
    for tag in sorted({tag for scenario in scenarios for tag in scenario.tags}):
        config.addinivalue_line("markers", f"{tag.lstrip('@')}: a tag of the exported features")


@pytest.fixture
def kmsflow_device(request) -> PhoneRun:
    """The device one scenario runs on: the spec of the folder the test module is in."""
    override = request.config.getoption("--kmsflow-spec", default=None) or os.environ.get("KMSFLOW_SPEC")
    spec, phrases = _spec_for(suite_spec_path(str(request.path.parent), override))
    return PhoneRun(spec, phrases)


@given(parsers.re(r"(?P<sentence>.*)"))
def kmsflow_given(kmsflow_device: PhoneRun, sentence: str) -> None:
    kmsflow_device.given(sentence)


@when(parsers.re(r"(?P<sentence>.*)"))
def kmsflow_when(kmsflow_device: PhoneRun, sentence: str) -> None:
    kmsflow_device.when(sentence)


@then(parsers.re(r"(?P<sentence>.*)"))
def kmsflow_then(kmsflow_device: PhoneRun, sentence: str) -> None:
    kmsflow_device.then(sentence)


# pytest-bdd registers each step as a fixture of this module under a generated name; a conftest that
# imports * must get those too.
__all__ = ["kmsflow_device", "register_tags", "kmsflow_given", "kmsflow_when", "kmsflow_then"]
__all__.extend(sorted(name for name in dir() if name.startswith("pytestbdd_")))
