"""Shared fixtures: paths found relative to this file, the KMS spec loaded once."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator import load_checked_spec

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
KMS_SPEC = SPEC_DIR / "kms9_subscription.yaml"
SCENARIOS = sorted((SPEC_DIR / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="session")
def kms_spec():
    return load_checked_spec(str(KMS_SPEC))
