"""The safe YAML layer: positions kept, dangerous or surprising YAML refused."""
import pytest

from simulator.errors import KmsflowError
from simulator.spec.yamlsafe import load_yaml_text


def _codes(text):
    with pytest.raises(KmsflowError) as caught:
        load_yaml_text(text, "f.yaml")
    return [(p.loc.line, p.code) for p in caught.value.problems]


def test_yamlsafe_keeps_line_and_column_of_keys_and_items():
    data = load_yaml_text("a: 1\nb:\n  - x\n  - y\n", "f.yaml")
    assert (data.loc_of("b").line, data.loc_of("b").col) == (2, 1)
    assert [(loc.line, loc.col) for loc in data["b"].item_locs] == [(3, 5), (4, 5)]


def test_yamlsafe_reads_yaml11_booleans_as_text():
    # `no`, `yes`, `on`, `off` are ids in a spec, not booleans.
    assert load_yaml_text("a: no\nb: on\nc: yes\nd: true\n", "f.yaml") == {"a": "no", "b": "on", "c": "yes", "d": True}


def test_yamlsafe_refuses_duplicate_keys_at_the_second_one():
    assert _codes("a: 1\nb: 2\na: 3\n") == [(3, "duplicate-key")]


@pytest.mark.parametrize("text", ["x: !!python/object:os.system {}\n", "x: !!python/object/apply:os.system [ls]\n",
                                  "x: !!python/name:os.system\n", "x: !custom 1\n", "x: !!binary aGk=\n"])
def test_yamlsafe_refuses_tags(text):
    assert _codes(text) == [(1, "yaml-tag")]


def test_yamlsafe_refuses_recursive_aliases_and_alias_bombs():
    assert _codes("&a [*a]\n")[0][1] == "yaml-recursive"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
    assert _codes(bomb)[0][1] == "yaml-size"


def test_yamlsafe_reports_syntax_errors_with_position():
    assert _codes("a: [1, 2\nb: 3\n")[0][1] == "yaml-syntax"
    assert _codes("a: b: c\n") == [(1, "yaml-syntax")]


def test_yamlsafe_reports_an_empty_file():
    assert _codes("# only a comment\n") == [(1, "empty")]


@pytest.mark.parametrize("text, plain", [
    ("a: x\nb: 'y z'\nc: \"q\"\n", True),  # plain, single and double quotes without a backslash
    ("a: \"x\\ty\"\n", False),  # an escape makes a tab
    ("a: \"x\n\n  y\"\n", False),  # a blank line folds into a line break
    ("a: |\n  x\n", False),  # a block keeps its line breaks
    ("a: x\tb\n", False),  # a tab written as it is
    ("a: >\n  x\n\n  y\n", False),  # a folded block keeps the line break of a blank line
    ("a: x\n  y\n", True),  # a plain scalar over two lines folds into a space
    ("a: x\n\n  y\n", False),  # ... and a blank line inside it into a line break
    ("a: 'x | y > z'\n", True),  # block marks inside quotes make no block
])
def test_yamlsafe_says_when_no_string_can_hold_a_control_character(text, plain):
    # check_characters skips its walk over every string when this is True, so it must never be True wrongly.
    data = load_yaml_text(text, "f.yaml")
    assert data.plain_strings is plain
    if plain:
        assert not any(ord(c) < 32 or 127 <= ord(c) <= 159 for value in data.values() for c in value)


def test_yamlsafe_reads_anchors_and_aliases_as_copies_placed_at_the_anchor():
    data = load_yaml_text("a: &x {k: [1, 2]}\nb: *x\nc: &s text\nd: *s\n", "f.yaml")
    assert data["b"] == {"k": [1, 2]} and data["b"] is not data["a"] and data["d"] == "text"
    assert data["b"].loc == data["a"].loc and data["b"]["k"].item_locs == data["a"]["k"].item_locs
    assert _codes("a: *nowhere\n") == [(1, "yaml-syntax")]
    assert _codes("a: &x 1\nb: &x 2\n") == [(2, "yaml-syntax")]
    assert _codes("a: 1\n---\nb: 2\n") == [(2, "yaml-syntax")]
    assert _codes("[" * 300 + "]" * 300 + "\n")[0][1] == "yaml-size"


def test_yamlsafe_finds_tags_and_anchors_in_a_text_that_also_uses_their_marks_in_strings():
    # The reader asks events for a tag only when the text has a "!", and for an anchor only when it has a
    # "&": texts that hold those marks in strings as well must still be read whole.
    assert _codes("a: 'Hi!'\nb: !!python/object:os.system x\n") == [(2, "yaml-tag")]
    data = load_yaml_text("a: 'R&D'\nb: &x [1, 2]\nc: *x\n", "f.yaml")
    assert data["a"] == "R&D" and data["c"] == [1, 2]
    assert load_yaml_text("a: Hi!\nb: x & y\n", "f.yaml") == {"a": "Hi!", "b": "x & y"}
