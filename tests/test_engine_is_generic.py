"""The engine knows no flow of its own: no word of the KMS spec in any file under simulator/.

The KMS spec's words (its variables, its events, its name) belong to spec/ and tests/; the engine's code,
docstrings, messages, help and page assets speak of whatever flow they are given. `kmsflow` (and
KmsflowError) is the tool's own name, not the flagship's, so `kms` counts only when `flow` does not follow.
"""
from __future__ import annotations

import re
from pathlib import Path

from .conftest import ROOT

ENGINE = ROOT / "simulator"

#: The KMS spec's own words: its variables, its buy event, its name (charges and charged too).
KMS_WORDS = re.compile(r"days_left|subscription|balance|charge|one_click_buy|kms(?!flow)", re.IGNORECASE)

#: The one file allowed to spell them, and why: the property kinds and keys that earlier versions named after
#: payments, kept so that `kmsflow check` tells a spec of an earlier version the new names instead of misreading it.
EXEMPT = {"simulator/spec/renamed.py"}


def kms_words_in(folder: Path) -> list[str]:
    """``FILE:LINE: word`` for each KMS word in every text file under ``folder`` (bytecode and binaries skipped)."""
    hits = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue  # not text
        text = data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            hits += [f"{path.relative_to(folder.parent)}:{number}: {m.group(0)}" for m in KMS_WORDS.finditer(line)]
    return hits


def test_the_engine_has_no_kms_word_in_any_file():
    hits = [hit for hit in kms_words_in(ENGINE) if hit.split(":")[0] not in EXEMPT]
    assert not hits, f"{len(hits)} KMS words in the engine:\n" + "\n".join(hits)


def test_each_exempt_file_still_needs_its_exemption():
    # An exemption that outlives its reason would hide a new KMS word in that file.
    spelled = {hit.split(":")[0] for hit in kms_words_in(ENGINE)}
    assert EXEMPT <= spelled, f"no KMS word left in {sorted(EXEMPT - spelled)}: drop the exemption"


def test_the_scanner_finds_a_planted_word_in_any_kind_of_file(tmp_path):
    engine = tmp_path / "engine"
    (engine / "deep" / "__pycache__").mkdir(parents=True)
    (engine / "code.py").write_text('"""A flow."""\nx = w.Balance  # read\n')
    (engine / "deep" / "page.js").write_text("// fine\nwindow.kmsReview = {};\nwindow.kmsflowReview = {};\n")
    (engine / "deep" / "data.json").write_text('{"event": "one_click_buy", "charged": true}')
    (engine / "deep" / "notes.txt").write_text("KmsflowError and kmsflow are the tool's own name\n")
    (engine / "deep" / "__pycache__" / "code.pyc").write_text("balance")  # bytecode: not the engine's source
    (engine / "deep" / "logo.png").write_bytes(b"\x89PNG\0balance")  # binary
    assert kms_words_in(engine) == ["engine/code.py:2: Balance", "engine/deep/data.json:1: one_click_buy",
                                    "engine/deep/data.json:1: charge", "engine/deep/page.js:2: kms"]
