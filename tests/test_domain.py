"""The walk's domain: the spec's section, the default one, CLI overrides, bad input."""
from __future__ import annotations

import pytest

from simulator import SpecError, UsageError, load_spec
from simulator.walk.domain import apply_overrides, domain_of, evaluate_value, initial_worlds, parse_domain
from simulator.spec.synthetic import synthetic_spec

from .conftest import KMS_SPEC


def test_domain_kms_section_evaluates_expressions_over_parameters(kms_spec):
    domain = parse_domain(kms_spec)
    assert domain.initial["balance"] == (0, 2, 3, 6)  # 0, price - 1, price, 2 * price with price 3
    assert domain.initial["days_left"] == (0, 1, 2, 3, 4, 10, 30)
    assert domain.counters == ("charges",)
    assert parse_domain(kms_spec, {"price": 5}).initial["balance"] == (0, 4, 5, 10)


def test_domain_ranges_over_parameters_each_combination_evaluated_on_its_own(kms_spec):
    domain = parse_domain(kms_spec)
    assert domain.varied == ("period_days", "price")  # spec order
    assert domain.kept_variables(kms_spec)[-2:] == ("period_days", "price")
    by_parameters = {(p["price"], p["period_days"]): (initial, bounds) for p, initial, bounds in domain.sets}
    assert set(by_parameters) == {(3, 30), (3, 7), (5, 30), (5, 7)}
    assert by_parameters[(5, 7)][0]["balance"] == (0, 4, 5, 10)
    assert by_parameters[(5, 7)][0]["days_left"] == (0, 1, 2, 3, 4, 10, 7)
    assert by_parameters[(5, 7)][1] == {"days_left": 14, "balance": 15}
    assert by_parameters[(3, 30)][1] == {"days_left": 60, "balance": 9}
    # What a report shows: the widest bounds, the first combination's values (the defaults).
    assert domain.bounds == {"days_left": 60, "balance": 15}
    assert domain.parameters == {"period_days": 30, "price": 3}
    # --domain on a parameter replaces its values; on a variable, it applies to every combination.
    narrowed = domain_of(kms_spec, ["price=4", "balance=1"], ["balance=7"])
    assert {p["price"] for p, _, _ in narrowed.sets} == {4}
    assert all(initial["balance"] == (1,) and bounds["balance"] == 7 for _, initial, bounds in narrowed.sets)
    with pytest.raises(UsageError, match="price"):
        domain_of(kms_spec, ["price=-1"])


def test_domain_initial_worlds_meet_the_constraints(kms_spec):
    worlds = initial_worlds(kms_spec, parse_domain(kms_spec))
    # 7 days x 3 subscriptions x 4 balances x 2 networks, minus active with 0 days (4 x 2), for each
    # of 2 prices x 2 periods; each world names the parameters it was made with.
    assert len(worlds) == (7 * 3 * 4 * 2 - 8) * 4
    assert {(w["price"], w["period_days"]) for w in worlds} == {(3, 30), (3, 7), (5, 30), (5, 7)}
    assert not any(w["subscription"] == "active" and w["days_left"] == 0 for w in worlds)


def test_domain_default_comes_from_the_variables(tmp_path):
    spec = synthetic_spec(str(tmp_path / "s.yaml"), 5)
    domain = parse_domain(spec)
    assert domain.initial == {"level": (0, 1, 2, 3), "mode": ("a", "b")}
    assert not domain.declared and domain.bounds == {}


def test_domain_overrides_replace_values_and_bounds(kms_spec):
    domain = domain_of(kms_spec, ["balance=0,price", "network=down"], ["days_left=40"])
    assert domain.initial["balance"] == (0, 3)
    assert domain.initial["network"] == ("down",)
    assert domain.bounds["days_left"] == 40


@pytest.mark.parametrize("values,bounds", [(["balance=lots"], []), (["nosuch=1"], []), (["network=sideways"], []),
                                           ([], ["charges=3"]), ([], ["days_left=-1"])])
def test_domain_bad_override_is_a_usage_error(kms_spec, values, bounds):
    with pytest.raises(UsageError) as caught:
        apply_overrides(kms_spec, parse_domain(kms_spec), values, bounds)
    assert "command line" in str(caught.value)


def test_domain_bad_section_names_the_line(tmp_path):
    text = KMS_SPEC.read_text().replace("balance: [0, price - 1, price, 2 * price]",
                                        "balance: [0, prise - 1]")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        parse_domain(load_spec(str(path)))
    problem = caught.value.problems[0]
    assert problem.code == "bad-domain" and "prise" in problem.message and "price" in problem.message
    assert problem.loc.line == text.splitlines().index("    balance: [0, prise - 1]") + 1


def test_domain_expressions_refuse_anything_but_arithmetic():
    assert evaluate_value("2 * price + 1", {"price": 3}) == 7
    assert evaluate_value("active", {"price": 3}) == "active"
    with pytest.raises(ValueError):
        evaluate_value("__import__('os')", {})
