"""Where an exported suite's spec is: recorded beside the suite, found again when the suite moves.

An exported folder holds ``kmsflow-suite.json``: the spec's path relative to
the folder and its absolute path, and a fingerprint of the spec's text. When
the folder is run, the spec is looked for at the relative path (the suite
moved together with the spec), then at the absolute path (the suite alone
moved); a spec found there whose fingerprint differs is refused, since the
suite was made for another version. An explicit spec (``--spec``,
``--kmsflow-spec``) overrides both the search and the fingerprint: that is how
a suite is run against a changed spec on purpose (a mutant, the next version).
"""
from __future__ import annotations

import hashlib
import json
import os

from ..errors import Loc, Problem, UsageError
from ..spec.model import Spec

__all__ = ["MANIFEST", "FORMAT", "fingerprint", "manifest_text", "suite_spec_path"]

#: The file an exported folder records its spec in.
MANIFEST = "kmsflow-suite.json"
FORMAT = "kmsflow-suite/1"


def fingerprint(path: str) -> str:
    """``sha256:<hex>`` of the file's bytes."""
    with open(path, "rb") as handle:
        return "sha256:" + hashlib.sha256(handle.read()).hexdigest()


def manifest_text(spec: Spec, folder: str) -> str:
    """The manifest of a suite of ``spec`` written into ``folder`` (sorted keys: the same spec, the same bytes).

    It names the spec only, so suites of several criteria share one folder (and one manifest).
    """
    absolute = os.path.abspath(spec.path)
    relative = os.path.relpath(absolute, os.path.abspath(folder)).replace(os.sep, "/")
    data = {"format": FORMAT, "spec": relative, "spec_absolute": absolute, "spec_name": spec.name,
            "fingerprint": fingerprint(spec.path)}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def suite_spec_path(folder: str, override: str | None = None) -> str:
    """The spec file the suite in ``folder`` runs on; UsageError (with what was tried) when there is none.

    ``override``: a spec named by the user, used as it is (its fingerprint is not compared).
    """
    if override:
        if not os.path.isfile(override):
            raise UsageError(Problem(Loc(override), "error", "no such spec file (given with --spec)", "file"))
        return override
    manifest = os.path.join(folder, MANIFEST)
    try:
        with open(manifest, encoding="utf-8") as handle:
            data = json.load(handle)
        relative, absolute, recorded = data["spec"], data["spec_absolute"], data["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(Problem(Loc(manifest), "error", f"cannot read the suite's manifest ({exc}); pass the spec "
                                 "with --spec (kmsflow) or --kmsflow-spec (pytest)", "manifest")) from None
    tried = []
    for candidate in (os.path.normpath(os.path.join(folder, relative)), absolute):
        tried.append(candidate)
        if not os.path.isfile(candidate):
            continue
        if fingerprint(candidate) != recorded:
            raise UsageError(Problem(Loc(manifest), "error", f"the spec at {candidate} is not the one this suite was "
                                     f"exported from (its fingerprint differs: it changed since); export the suite "
                                     f"again, or run it on that spec on purpose with --spec / --kmsflow-spec",
                                     "spec-changed"))
        return candidate
    raise UsageError(Problem(Loc(manifest), "error", f"the suite's spec is not where it was (looked for "
                             f"{' and '.join(tried)}); pass it with --spec (kmsflow) or --kmsflow-spec (pytest)",
                             "no-spec"))
