"""The spec format as a JSON Schema: a valid schema, shipped, and in agreement with the loader."""
from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from simulator import SpecError, load_spec
from simulator.spec.sections import CHECK_PARAMS
from simulator.spec.yamlsafe import LDict, LList, load_yaml_file, plain_data

from .conftest import ROOT, SPEC_DIR

FIXTURES = Path(__file__).parent / "fixtures"
BAD_SPECS = FIXTURES / "bad_specs"
MARK = "# <- expected here"
SCHEMA_LINE = "# yaml-language-server: $schema=../simulator/spec/schema.json"

#: Broken fixtures whose mistake is one of shape, which the schema must refuse (and why it can).
SCHEMA_PROBLEMS = {
    "missing_key": "a transition without its required 'source'",
    "unknown_key": "a transition with a key the format does not have ('dets')",
    "wrong_type": "a parameter's default is text, not a whole number",
    "yaml11_boolean": "initial: yes is the text 'yes' under YAML 1.2, not a boolean",
}
#: Broken fixtures that are not YAML data at all: the safe loader stops before any schema could look.
NOT_DATA = {
    "duplicate_key": "a mapping with the same key twice is refused by the YAML layer",
    "python_tag": "a Python tag is refused by the YAML layer",
    "yaml_syntax": "not parseable YAML",
}
#: Every other broken fixture is wrong in meaning (unknown names, graph shape, rule book, a value
#: outside a list, uniqueness): well-formed data, so the schema must accept it.
SEMANTIC = sorted(p.stem for p in BAD_SPECS.glob("*.yaml") if p.stem not in {**SCHEMA_PROBLEMS, **NOT_DATA})

SHIPPED = sorted(SPEC_DIR.glob("*.yaml"))  # spec/scenarios/ holds scenarios, not specs
SEMANTICS = Path(__file__).parent / "semantics"
ALL_SPEC_FILES = SHIPPED + sorted(FIXTURES.rglob("*.yaml")) + sorted(SEMANTICS.glob("*.yaml"))


def _data(path: Path):
    """The file as the project's safe loader reads it, turned into plain JSON-like data."""
    return plain_data(load_yaml_file(str(path)))


def _line_of(data, path) -> int:
    """The line in the file of the value a schema error's path points at."""
    node, line = data, 0
    for step in path:
        if isinstance(node, (LDict, LList)):
            line = node.loc_of(step).line
        node = node[step]
    return getattr(node, "loc", None).line if isinstance(node, (LDict, LList)) else line


def _marked_line(path: Path) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.rstrip().endswith(MARK))


def test_schema_is_a_valid_draft_2020_12_schema(validator):
    jsonschema.Draft202012Validator.check_schema(validator.schema)
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_every_top_level_section_is_described(validator):
    load_source = (ROOT / "simulator" / "spec" / "load.py").read_text()
    for key, section in validator.schema["properties"].items():
        assert f'"{key}"' in load_source, f"{key}: the schema has a section the loader does not read"
        described = section.get("description") or validator.schema["$defs"].get(
            section.get("$ref", "").rsplit("/", 1)[-1], {}).get("description")
        assert described, f"section {key!r} has no description for an editor to show"


@pytest.mark.parametrize("spec_path", SHIPPED, ids=lambda p: p.name)
def test_schema_validates_the_shipped_specs(validator, spec_path):
    errors = list(validator.iter_errors(_data(spec_path)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("spec_path", SHIPPED, ids=lambda p: p.name)
def test_schema_line_heads_each_shipped_spec_and_names_the_shipped_file(spec_path):
    first = spec_path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE
    target = (spec_path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (ROOT / "simulator" / "spec" / "schema.json").resolve() and target.is_file()


@pytest.mark.parametrize("name", sorted(SCHEMA_PROBLEMS), ids=str)
def test_schema_rejects_each_fixture_that_is_a_schema_problem_at_its_line(validator, name):
    path = BAD_SPECS / f"{name}.yaml"
    data = load_yaml_file(str(path))
    errors = list(validator.iter_errors(plain_data(data)))
    assert errors, f"{name}: {SCHEMA_PROBLEMS[name]}, yet the schema accepts it"
    assert _marked_line(path) in {_line_of(data, e.absolute_path) for e in errors}
    with pytest.raises(SpecError):  # the loader refuses it too
        load_spec(str(path))


@pytest.mark.parametrize("name", sorted(NOT_DATA), ids=str)
def test_schema_fixtures_that_are_not_yaml_data_never_reach_it(name):
    with pytest.raises(Exception) as caught:
        load_yaml_file(str(BAD_SPECS / f"{name}.yaml"))
    assert getattr(caught.value, "problems", None), NOT_DATA[name]


@pytest.mark.parametrize("name", SEMANTIC, ids=str)
def test_schema_accepts_fixtures_wrong_only_in_meaning(validator, name):
    assert {"unknown_screen", "unknown_guard", "unknown_event", "duplicate_screen"} <= set(SEMANTIC)
    errors = list(validator.iter_errors(_data(BAD_SPECS / f"{name}.yaml")))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def _loader_accepts(path: Path) -> bool:
    """The loader's verdict on shape: it loads, and none of its sections recorded a problem."""
    try:
        spec = load_spec(str(path))
    except SpecError:
        return False
    return not any(section.problems for section in (spec.views, spec.domain, spec.properties, spec.notes) if section)


# Chosen when the tests are collected, so a file the loader refuses is not a skipped test but no test at all
# (the broken fixtures have tests of their own above).
LOADER_ACCEPTS = [path for path in ALL_SPEC_FILES if _loader_accepts(path)]


def test_schema_the_loader_accepts_the_shipped_specs_and_the_semantics_corpus():
    accepted = {p.relative_to(ROOT).as_posix() for p in LOADER_ACCEPTS}
    assert {"spec/kms9_subscription.yaml", "spec/trial_to_purchase.yaml"} <= accepted
    assert sum(p.startswith("tests/semantics/") for p in accepted) >= 12


@pytest.mark.parametrize("spec_path", LOADER_ACCEPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_accepts_every_spec_file_the_loader_accepts(validator, spec_path):
    errors = list(validator.iter_errors(_data(spec_path)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


# A mistake of shape in each section the later stages read: the loader records it, the schema refuses it.
SECTION_MISTAKES = {
    "views unknown key": ("views:\n  # How", "views:\n  diagram: []\n  # How"),
    "view name not lower case": ("    - name: cancel\n", "    - name: Cancel\n"),
    "view without title": ('    - name: cancel\n      title: "How to cancel the subscription"\n',
                           "    - name: cancel\n"),
    "overview with screens": ('      title: "KMS 9.0 subscription: every screen, every step, the account"\n',
                              '      title: "x"\n      screens: [main_menu]\n'),
    "guard label of one phrase in a list": ('    license_valid: ["license valid", "license expired"]',
                                           '    license_valid: ["license valid"]'),
    "domain values not a list": ("    network: [up, down]", "    network: up"),
    "domain value a boolean": ("    network: [up, down]", "    network: [true]"),
    "domain counters a name": ("  counters: [charges]  ", "  counters: charges  "),
    "properties unknown key": ("properties:\n  watched:", "properties:\n  wached: []\n  watched:"),
    "properties watched_called not text": ("  watched_called: the account", "  watched_called: [the, account]"),
    "properties watched_called blank": ("  watched_called: the account", "  watched_called: ' '"),
    "history step without event": ("terms_accepted: {screen: terms, event: press_yes}",
                                   "terms_accepted: {screen: terms}"),
    "check of unknown kind": ("check: {kind: home_reachable}", "check: {kind: home_reachble}"),
    "check parameter it does not take": ("check: {kind: home_reachable}",
                                         "check: {kind: home_reachable, flow: x}"),
    "check without a required parameter": ("check: {kind: counter_rises_after_steps, flow: one_click_buy, steps: "
                                           "[terms_accepted, price_accepted]}",
                                           "check: {kind: counter_rises_after_steps, flow: one_click_buy}"),
    "counter_rise_trades with an amount and no variable": ("adds: period_days, adds_to: days_left, ",
                                                           "adds: period_days, "),
    "counter_rise_trades with nothing to trade": (
        "adds: period_days, adds_to: days_left, slack: 1, takes: price, takes_from: balance}", "slack: 1}"),
    "note_requires without where": ("{kind: note_requires, note: no_money, where: [\"balance < price\"]}",
                                    "{kind: note_requires, note: no_money}"),
    "can_reach place without a screen or note": ("from: {screen: license_menu, where: [\"days_left == 0\"",
                                                 "from: {where: [\"days_left == 0\""),
    "counter rise by nobody": ("by: environment, guards", "by: nobody, guards"),
    "within not a range": ("within: {days_left: [1, 3]}", "within: {days_left: [1]}"),
}


# Mistakes of shape elsewhere in the file: the loader refuses them outright, as the schema does.
TOP_MISTAKES = {
    "empty screen entry": ("screens:\n", "screens:\n  - {}\n"),
    "empty event": ("events:\n", "events:\n  nothing_yet: {}\n"),
    "empty world variable": ("world:\n", "world:\n  nothing_yet: {}\n"),
    "nested source value": ('  date: "2012-07-31"', "  date: {year: 2012}"),
    "softkeys of one label": ("softkeys: [Options, Exit]", "softkeys: [Options]"),
}
SECTION_MISTAKES.update(TOP_MISTAKES)


@pytest.mark.parametrize("mistake", sorted(SECTION_MISTAKES), ids=str)
def test_schema_and_loader_agree_on_mistakes_of_shape(validator, tmp_path, mistake):
    old, new = SECTION_MISTAKES[mistake]
    text = (SPEC_DIR / "kms9_subscription.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "spec.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert not _loader_accepts(path)
    assert list(validator.iter_errors(_data(path))), f"{mistake}: the schema accepts what the loader refuses"


def test_schema_check_kinds_and_parameters_are_the_loaders(validator):
    check = validator.schema["$defs"]["check"]
    assert check["properties"]["kind"]["enum"] == list(CHECK_PARAMS)
    for clause in check["allOf"]:
        kind = clause["if"]["properties"]["kind"]["const"]
        required, optional = CHECK_PARAMS[kind]
        assert clause["then"].get("required", []) == list(required), kind
        assert set(clause["then"]["properties"]) == {"kind", *required, *optional}, kind
    assert len(check["allOf"]) == len(CHECK_PARAMS)
