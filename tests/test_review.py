"""The product owners' review document: complete, in plain words, and fresh."""
from simulator import kb_trace, load_spec
from simulator.cli import main
from simulator.review import describe_transition, render_review

from .conftest import KMS_SPEC, SPEC_DIR

REVIEW = SPEC_DIR / "kms9_subscription.review.md"


def test_review_committed_document_matches_the_spec():
    # Regenerate with `make review` when this fails.
    assert REVIEW.read_text() == render_review(load_spec(str(KMS_SPEC)))


def test_review_names_every_step_decision_screen_and_transition(kms_spec):
    text = render_review(kms_spec)
    for step, _ in kb_trace(kms_spec):
        assert f"**{step}**" in text
    for assumption in kms_spec.assumptions.values():
        assert f"### {assumption.id}: {assumption.title}" in text and assumption.alternative in text
    for screen in kms_spec.screens:
        assert f"| `{screen}` |" in text
    for transition in kms_spec.all_transitions():
        assert f"`{transition.id}`" in text


def test_review_says_guards_and_effects_in_words(kms_spec):
    sentence = describe_transition(kms_spec, kms_spec.transition("charging.charge.2"))
    assert sentence.startswith("the app: **server charges the price** on **Connecting...** (`charging`)")
    assert "→ **Activation failed** (`note_no_money`)" in sentence
    assert "if the phone can reach the Kaspersky server; and not (the account holds at least the price)" in sentence


def test_review_cli_writes_the_file_atomically(tmp_path, capsys):
    out = tmp_path / "review.md"
    assert main(["review", str(KMS_SPEC), "-o", str(out)]) == 0
    assert out.read_text() == REVIEW.read_text()
    assert main(["review", str(SPEC_DIR / "no-such.yaml"), "-o", str(out)]) == 2
    assert out.read_text() == REVIEW.read_text()  # untouched by the failed run
