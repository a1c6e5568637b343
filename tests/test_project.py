"""The project keeps its own rules: layers and acyclic imports, lint, and references that point at real files."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        found = shutil.which(name)
    assert found, f"{name} is a test dependency (pip install -e '.[test]')"
    return str(found)


def test_project_layers_and_acyclic_imports_hold():
    # The contracts are in pyproject.toml ([tool.importlinter]).
    run = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_project_ruff_check_passes():
    run = subprocess.run([_tool("ruff"), "check", "--output-format", "concise", "simulator", "tests", "bench"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


# Paths the documentation and build name: files of this repository, relative to its top.
_PATH = re.compile(r"(?<![\w./-])((?:simulator|spec|tests|bench|tools|diagrams|\.ci)/[\w./-]*[\w])")


def _referenced_paths(text: str) -> set[str]:
    found = set()
    for match in _PATH.finditer(text):
        path = match.group(1).rstrip(".")
        if any(ch in path for ch in "*{}<>$") or path.endswith("/"):
            continue
        found.add(path)
    return found


@pytest.mark.parametrize("document", ["README.md", "Makefile"])
def test_project_references_in_docs_point_at_files_that_exist(document):
    paths = _referenced_paths((ROOT / document).read_text())
    assert paths, f"{document} names no file: the pattern is wrong"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{document} names files that do not exist: {missing}"


def test_project_references_in_tests_point_at_files_that_exist():
    missing = {}
    for test_file in sorted((ROOT / "tests").glob("*.py")):
        text = test_file.read_text()
        # Paths built inside tests on purpose (tmp files, generated outputs) are not references.
        refs = {p for p in _referenced_paths(text)
                if p.endswith((".py", ".yaml", ".md", ".json", ".dot", ".mmd", ".svg", ".png"))
                and not p.startswith("tests/fixtures/generated")}
        gone = sorted(p for p in refs if not (ROOT / p).exists())
        if gone:
            missing[test_file.name] = gone
    assert not missing
