"""Property-based: whatever mangled spec or scenario arrives, the loaders raise only kmsflow's own error."""
import os
import tempfile

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import KmsflowError, check_spec, load_checked_spec, load_scenario, load_spec, run_scenario

from .conftest import KMS_SPEC, SPEC_DIR

TRIAL_TEXT = (SPEC_DIR / "trial_to_purchase.yaml").read_text()
SCENARIO_TEXT = (SPEC_DIR / "scenarios" / "subscribe_expired.yaml").read_text()
KMS = load_checked_spec(str(KMS_SPEC))
# Random examples locally (more ground covered over time); fixed ones in CI, so a landing never
# depends on luck. KMSFLOW_FUZZ_EXAMPLES raises the count for a long hunt.
FUZZ = settings(max_examples=int(os.environ.get("KMSFLOW_FUZZ_EXAMPLES", "150")), deadline=None,
                derandomize=bool(os.environ.get("CI")), suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to YAML, plus a few that matter to nobody.
YAML_ALPHABET = st.sampled_from(list(":{}[]-,&*!|>'\"#%@`?\n\t ") + list("abcxyz019_.") + ["é", "\x00", "\x85"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.text(max_size=12),
                    st.sampled_from(["home", "offer", "trial", "can_pay", "press_yes", "*", "day_passes", "T1"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)


@st.composite
def mangled_text(draw, text):
    """Up to three edits: delete a slice, insert junk, duplicate or drop a line."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate_line", "drop_line"]))
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "insert":
            text = text[:at] + draw(st.text(YAML_ALPHABET, min_size=1, max_size=12)) + text[at:]
        else:
            lines = text.split("\n")
            index = at % len(lines)
            lines[index:index + 1] = [lines[index]] * 2 if kind == "duplicate_line" else []
            text = "\n".join(lines)
    return text


def _paths(tree, prefix=()):
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _paths(value, prefix + (index,))


@st.composite
def mangled_structure(draw, text):
    """Replace or delete one value anywhere in the document, then write it back as YAML."""
    tree = yaml.safe_load(text)
    path = draw(st.sampled_from(list(_paths(tree))[1:]))
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()):
        parent[path[-1]] = draw(VALUES)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    return yaml.safe_dump(tree, allow_unicode=True)


def _with_file(text, action):
    handle, path = tempfile.mkstemp(suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        return action(path)
    finally:
        os.unlink(path)


def _load_and_check_spec(path):
    try:
        check_spec(load_spec(path))
    except KmsflowError as exc:
        assert exc.problems and all(p.loc.file == path for p in exc.problems)


def _load_and_run_scenario(path):
    try:
        scenario = load_scenario(path, KMS)
    except KmsflowError as exc:
        assert exc.problems
        return
    run_scenario(scenario, KMS)  # a valid scenario runs to a pass or a failure, never an exception


@FUZZ
@given(mangled_text(TRIAL_TEXT))
def test_fuzz_mangled_spec_text_gives_only_kmsflow_errors(text):
    _with_file(text, _load_and_check_spec)


@FUZZ
@given(mangled_structure(TRIAL_TEXT))
def test_fuzz_mangled_spec_structure_gives_only_kmsflow_errors(text):
    _with_file(text, _load_and_check_spec)


@FUZZ
@given(mangled_text(SCENARIO_TEXT))
def test_fuzz_mangled_scenario_text_gives_only_kmsflow_errors(text):
    _with_file(text, _load_and_run_scenario)


@FUZZ
@given(mangled_structure(SCENARIO_TEXT))
def test_fuzz_mangled_scenario_structure_gives_only_kmsflow_errors(text):
    _with_file(text, _load_and_run_scenario)


@FUZZ
@given(st.binary(max_size=200))
def test_fuzz_arbitrary_bytes_give_only_kmsflow_errors(data):
    def write_and_load(path):
        with open(path, "wb") as out:
            out.write(data)
        _load_and_check_spec(path)
    _with_file("", write_and_load)
