"""The product owners' review document: complete, in plain words, and fresh."""
from simulator import kb_trace, load_spec
from simulator.cli import main
from simulator.report.review import describe_transition, render_review
from simulator.spec.texts import reader_names

from .conftest import KMS_SPEC, SPEC_DIR

REVIEW = SPEC_DIR / "kms9_subscription.review.md"


def test_review_committed_document_matches_the_spec():
    # Regenerate with `make review` when this fails.
    assert REVIEW.read_text() == render_review(load_spec(str(KMS_SPEC)), diagrams="../diagrams")


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
    names = reader_names(kms_spec)  # "Connecting..." and "Activation failed" are each two screens: told apart
    assert names["charging"].startswith("Connecting... (") and names["note_no_money"].startswith("Activation failed (")
    assert sentence.startswith(f"the app: **server charges the price** on **{names['charging']}** (`charging`)")
    assert f"→ **{names['note_no_money']}** (`note_no_money`)" in sentence
    assert "if the phone can reach the Kaspersky server; and not (the account holds at least the price)" in sentence


def test_review_cli_writes_the_file_atomically(tmp_path, capsys):
    out = SPEC_DIR / ".review-test.md"  # beside the spec, so the diagrams link reads as in the committed file
    try:
        assert main(["review", str(KMS_SPEC), "--diagrams", str(SPEC_DIR.parent / "diagrams"), "-o", str(out)]) == 0
        assert out.read_text() == REVIEW.read_text()
        assert main(["review", str(SPEC_DIR / "no-such.yaml"), "-o", str(out)]) == 2
        assert out.read_text() == REVIEW.read_text()  # untouched by the failed run
    finally:
        out.unlink(missing_ok=True)


def test_review_shows_the_diagrams_and_what_the_walk_proved(kms_spec):
    text = render_review(kms_spec, diagrams="../diagrams")
    for name in ("overview", "cancel", "one_click_buy", "auto_renewal"):
        assert f"(../diagrams/{name}.svg)" in text and (SPEC_DIR.parent / "diagrams" / f"{name}.svg").exists()
    assert "15 of 15 hold" in text
    assert text.count("- holds: ") == 15 and "VIOLATED" not in text


def test_review_reports_a_violated_property(tmp_path):
    text = KMS_SPEC.read_text().replace("    conditions: [network_up, balance_covers_price]\n    send: activate",
                                        "    conditions: [network_up]\n    send: activate")
    mutant = tmp_path / "mutant.yaml"
    mutant.write_text(text)
    review = render_review(load_spec(str(mutant)))
    assert "- **VIOLATED**: The balance never goes negative" in review


def test_review_lists_a7_with_its_alternative_and_the_screen_it_shapes():
    text = render_review(load_spec(str(KMS_SPEC)), walk=False)
    section = text[text.index("### A7: "):]
    section = section[:section.index("Sign-off")]
    assert "- **Alternative:** A note on the next launch" in section
    assert "`account.active.try_payment.2`" in section
    assert "**License** (`license_menu`)" in section
