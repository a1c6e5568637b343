"""The ``kmsflow diff`` sub-command: its arguments and what it runs (the CLI registers it).

Every input is read and checked before anything is walked, and everything is
computed before anything is written: a bad input (a file that is not a spec,
an unknown git revision, a bad override) leaves the output folders as they
were and ends with a located message and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import sys

from typing import TYPE_CHECKING

from ..choices import DIAGRAM_FORMATS
from ..errors import KmsflowError, SpecError

if TYPE_CHECKING:
    from ..spec.model import Spec

__all__ = ["add_diff_command", "cmd_diff"]

EXIT_OK, EXIT_DIFFERENT = 0, 1

#: What `kmsflow check` reports that a walk can still run with (the walk reports these itself),
#: as `kmsflow explore` allows them.
_WALKABLE = {"dead-end", "unreachable-screen", "no-way-out", "kb-step-unimplemented", "unused-assumption"}


def _walkable(source: str) -> Spec:
    from ..check import check_spec
    from .source import load_spec_source
    spec = load_spec_source(source)
    errors = [p for p in check_spec(spec) if p.level == "error" and p.code not in _WALKABLE]
    if errors:
        raise SpecError(errors)
    return spec


def cmd_diff(args: argparse.Namespace) -> int:
    # Imported here, not above: the command line registers every command, and only diff needs these.
    from ..draw.diagrams import parse_formats, write_files
    from ..walk.explore import Progress
    from .behaviour import compare_behaviour, lockstep_domains, walk_both
    from .drawn import diff_diagrams, diff_files
    from .spec_diff import SpecDiff, write_scenarios
    from .structure import structural_changes
    from .text import format_diff
    problems = []
    specs = []
    for source in (args.old, args.new):
        try:
            specs.append(_walkable(source))
        except KmsflowError as exc:
            problems += exc.problems
    formats = parse_formats(args.format) if args.diagrams else ()
    if problems:
        raise SpecError(problems)
    old, new = specs
    drawings = diff_diagrams(old, new, args.view) if args.diagrams else []
    domains = lockstep_domains(old, new, args.domain or [], args.bound or [])
    progress = Progress()
    try:
        behaviour = compare_behaviour(old, new, walked=walk_both(old, new, domains, progress), progress=progress)
    finally:  # a flow error is reported on a clean line
        progress.done()
    result = SpecDiff(old, new, structural_changes(old, new), behaviour)
    files = diff_files(drawings, formats) if drawings else {}
    written = []
    if args.scenarios:
        for file, passes, fails in write_scenarios(result, args.scenarios):
            print(f"wrote {file} (passes on {passes}, fails on {fails})", file=sys.stderr)
            written.append(file)
    if files:
        written += write_files(args.diagrams, files)
        print(f"wrote {len(files)} files to {args.diagrams}", file=sys.stderr)
    if args.json:
        print(json.dumps({**result.to_json(), "files": written}, indent=2, ensure_ascii=False))
    else:
        print(format_diff(result))
    return EXIT_OK if result.equal else EXIT_DIFFERENT


def add_diff_command(commands) -> None:
    """Register ``kmsflow diff`` on the CLI's sub-parsers."""
    diff = commands.add_parser(
        "diff", help="what changed between two versions of a spec: structure, behaviour, drawing",
        description="Compare two versions of a spec. Structure: every screen, transition, event, guard, effect, "
                    "parameter, variable, assumption, article step, property, view, text and softkey added, "
                    "removed or changed, with its FILE:LINE (elements are matched by what they are: reordering "
                    "or reformatting is no change). Behaviour: both walked in lockstep from the initial worlds "
                    "valid in both; the shortest event sequence after which they differ, or 'behaviourally "
                    "equivalent over N configurations'; properties whose verdict changed.",
        epilog="OLD and NEW are spec files or REV:PATH read from git (git show), e.g. "
               "kmsflow diff HEAD~3:spec/door_keypad.yaml spec/door_keypad.yaml. "
               "Exit status: 0 the same in structure and behaviour, 1 different, 2 bad input.")
    diff.add_argument("old", metavar="OLD", help="the old version: a spec file or REV:PATH")
    diff.add_argument("new", metavar="NEW", help="the new version: a spec file or REV:PATH")
    diff.add_argument("--json", action="store_true", help="print the result as JSON (simulator/diff/schema.json)")
    diff.add_argument("--scenarios", metavar="DIR",
                      help="write the distinguishing sequence as DIR/old_not_new.yaml (passes on OLD, fails on NEW) "
                           "and DIR/new_not_old.yaml (the mirror)")
    diff.add_argument("--diagrams", metavar="DIR",
                      help="draw every view with the changes marked (added green, removed dashed red, changed "
                           "amber with the old label struck through) as DIR/VIEW.diff.EXT")
    diff.add_argument("--format", default=",".join(DIAGRAM_FORMATS), metavar="LIST",
                      help=f"formats of --diagrams, out of {', '.join(DIAGRAM_FORMATS)} (default: all)")
    diff.add_argument("--view", action="append", metavar="NAME",
                      help="with --diagrams, draw only this view (repeatable; default: every view of either)")
    diff.add_argument("--domain", action="append", metavar="VAR=V1,V2",
                      help="start values of a world variable or parameter for both walks (repeatable), as in explore")
    diff.add_argument("--bound", action="append", metavar="VAR=N",
                      help="largest value of a bounded variable for both walks (repeatable), as in explore")
    diff.set_defaults(run=cmd_diff, spec=None)
