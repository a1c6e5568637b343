"""Sign-offs that last: recorded beside the spec, merged from the page's export, stale when the decision changes."""
import pytest

from simulator import load_spec
from simulator.cli import main
from simulator.report.signoff import (decision_snapshot, decision_states, fingerprint, load_signoffs, signoff_path,
                                      signoffs_text)

from .conftest import KMS_SPEC


def copy_kms_spec(folder):
    """The KMS spec copied into ``folder``, with the scenarios it names beside it (its views draw some)."""
    path = folder / "kms.yaml"
    path.write_text(KMS_SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "scenarios").symlink_to(KMS_SPEC.parent / "scenarios", target_is_directory=True)
    return path


@pytest.fixture
def spec_file(tmp_path):
    return copy_kms_spec(tmp_path)


def _sign(spec_file, decision, *args):
    return main(["signoff", str(spec_file), decision, *args, "--date", "2026-11-29"])


def _states(spec_file):
    spec = load_spec(str(spec_file))
    return {s.decision: s for s in decision_states(spec, load_signoffs(spec))}


def test_signoff_records_a_verdict_that_reads_back(spec_file, capsys):
    assert _sign(spec_file, "A3", "--keep", "--by", "Ann Lee", "--comment", "price shown: good") == 0
    spec = load_spec(str(spec_file))
    entry = load_signoffs(spec).entries["A3"]
    assert (entry.verdict, entry.by, entry.date) == ("keep", "Ann Lee", "2026-11-29")
    assert entry.comment == "price shown: good"
    assert entry.fingerprint == fingerprint(decision_snapshot(spec, "A3"))
    states = _states(spec_file)
    assert states["A3"].state == "keep" and states["A1"].state == "unsigned"
    # Written whole and deterministically: the same sign-offs give the same bytes.
    text = open(signoff_path(spec), encoding="utf-8").read()
    assert text == signoffs_text(spec, load_signoffs(spec))


def test_signoff_gate_waits_for_unsigned_and_questioned_decisions(spec_file, capsys):
    assert main(["review", str(spec_file), "--require-signoff"]) == 1
    spec = load_spec(str(spec_file))
    for decision in spec.assumptions:
        assert _sign(spec_file, decision, "--keep", "--by", "Ann") == 0
    assert _sign(spec_file, "A5", "--alternative", "--by", "Bo") == 0  # taking the alternative is a decision too
    capsys.readouterr()
    assert main(["review", str(spec_file), "--require-signoff"]) == 0
    assert _sign(spec_file, "A4", "--question", "--by", "Bo", "--comment", "retry?") == 0
    capsys.readouterr()
    assert main(["review", str(spec_file), "--require-signoff"]) == 1
    assert "not signed off: A4 " in capsys.readouterr().err


def test_signoff_goes_stale_when_the_decision_text_or_what_it_shapes_changes(spec_file, capsys):
    for decision in ("A3", "A2"):
        assert _sign(spec_file, decision, "--keep", "--by", "Ann") == 0
    text = spec_file.read_text(encoding="utf-8")
    old = "alternative: \"The valid branch resumes without showing the price screen.\""
    assert old in text
    text = text.replace(old, "alternative: \"The valid branch skips the price screen.\"")
    # A2 shapes No on the Unsubscribe question: it now leads elsewhere.
    text = text.replace("  - {trigger: press_no, source: confirm_unsubscribe, dest: license_menu, assumption: A2}",
                        "  - {trigger: press_no, source: confirm_unsubscribe, dest: main_menu, assumption: A2}")
    spec_file.write_text(text, encoding="utf-8")
    states = _states(spec_file)
    assert states["A3"].state == "stale"
    assert any("The valid branch resumes without showing" in c and "skips the price screen" in c
               for c in states["A3"].changes)
    assert states["A2"].state == "stale" and any("No" in c and "Unsubscribe" in c for c in states["A2"].changes)
    capsys.readouterr()
    assert main(["review", str(spec_file), "--require-signoff"]) == 1
    assert "A3 One-Click Buy: resume or subscribe: changed since signed" in capsys.readouterr().err


def test_signoff_import_merges_a_page_export_and_refuses_another_version(spec_file, tmp_path, capsys):
    spec = load_spec(str(spec_file))
    export = tmp_path / "export.yaml"
    export.write_text(f"""spec: "kms9_subscription"
signoffs:
  A1:
    verdict: keep
    by: "Ann"
    date: "2026-11-29"
    comment: ""
    fingerprint: "{fingerprint(decision_snapshot(spec, 'A1'))}"
  A6:
    verdict: question
    by: "Ann"
    date: "2026-11-29"
    comment: "regional prices?"
    fingerprint: "{fingerprint(decision_snapshot(spec, 'A6'))}"
""", encoding="utf-8")
    assert main(["signoff", str(spec_file), "--import", str(export)]) == 0
    states = _states(spec_file)
    assert states["A1"].state == "keep" and states["A6"].state == "question"
    assert states["A6"].signoff.comment == "regional prices?"
    before = open(signoff_path(spec), encoding="utf-8").read()
    stale = export.read_text(encoding="utf-8").replace(fingerprint(decision_snapshot(spec, "A1")), "sha256:" + "0" * 64)
    export.write_text(stale, encoding="utf-8")
    capsys.readouterr()
    assert main(["signoff", str(spec_file), "--import", str(export)]) == 2
    err = capsys.readouterr().err
    assert f"{export}:8:" in err and "another version of the spec" in err and "Traceback" not in err
    assert open(signoff_path(spec), encoding="utf-8").read() == before  # nothing changed


@pytest.mark.parametrize("args, message", [
    (["A9", "--keep", "--by", "Ann"], "unknown decision 'A9'"),
    (["A3", "--by", "Ann"], "needs a verdict"),
    (["A3", "--keep"], "needs a verdict"),
    (["A3", "--keep", "--by", "  "], "--by: expected the name"),
], ids=["unknown-decision", "no-verdict", "no-name", "blank-name"])
def test_signoff_bad_input_exits_2_and_writes_nothing(spec_file, capsys, args, message):
    assert main(["signoff", str(spec_file), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (spec_file.parent / "kms.signoff.yaml").exists()


def test_signoff_a_decision_without_its_spec_says_how_to_name_both(capsys):
    assert main(["signoff", "A3", "--keep", "--by", "Ann"]) == 2
    assert "kmsflow signoff SPEC A3" in capsys.readouterr().err


def test_signoff_a_bad_signoff_file_is_located(spec_file, capsys):
    assert _sign(spec_file, "A3", "--keep", "--by", "Ann") == 0
    path = spec_file.parent / "kms.signoff.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("verdict: keep", "verdict: maybe"), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text().splitlines(), start=1) if "verdict:" in row)
    capsys.readouterr()
    assert main(["review", str(spec_file), "--require-signoff"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and "verdict: expected one of keep, alternative, question" in err


@pytest.mark.slow  # diff_specs walks the signed revision and the spec in lockstep
def test_signoff_review_says_what_changed_since_the_signed_revision(tmp_path):
    import subprocess

    from simulator.report.gather import changes_since_signed

    spec_file = copy_kms_spec(tmp_path)
    git = ["git", "-c", "user.email=review@example.invalid", "-c", "user.name=review"]
    for args in (["init", "-q"], ["add", "kms.yaml"], ["commit", "-q", "-m", "signed"]):
        subprocess.run(git + args, cwd=tmp_path, check=True)
    assert _sign(spec_file, "A3", "--keep", "--by", "Ann") == 0
    spec = load_spec(str(spec_file))
    assert load_signoffs(spec).entries["A3"].revision  # the commit the spec was signed at
    spec_file.write_text(spec_file.read_text().replace(
        "  - {trigger: press_no, source: terms, dest: license_menu, assumption: A3}",
        "  - {trigger: press_no, source: terms, dest: main_menu, assumption: A3}"))
    spec = load_spec(str(spec_file))
    changes = changes_since_signed(spec, load_signoffs(spec))
    assert changes.lines and not changes.note
    last = changes.scenario[-1]
    assert last.startswith("No: as signed → License") and "now → Kaspersky Mobile Security" in last
    assert not any("_" in words for words, _ in changes.lines)  # in words, not the spec's names
    assert "Added: the step “No on Terms of agreement, to Kaspersky Mobile Security”" in [w for w, _ in changes.lines]
