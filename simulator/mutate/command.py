"""The ``kmsflow mutate`` sub-command: its arguments and what it runs (the CLI registers it).

The suite is loaded and run on the spec first: a scenario that fails there ends
the command with a located message and exit status 2, before any mutant is made.
"""
from __future__ import annotations

import argparse
import os
import sys

from ..choices import MUTATION_OPERATORS
from ..errors import Loc, Problem, UsageError

__all__ = ["add_mutate_command", "cmd_mutate"]

EXIT_OK, EXIT_BELOW = 0, 1


def _operators(text: str | None) -> list[str] | None:
    if not text:
        return None
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in MUTATION_OPERATORS]
    if unknown:
        raise UsageError(Problem(Loc("--operator"), "error", f"unknown operator {unknown[0]!r}; expected some of "
                                 f"{', '.join(MUTATION_OPERATORS)}", "bad-usage"))
    return chosen


def cmd_mutate(args: argparse.Namespace) -> int:
    # Imported here, not above: the command line registers every command, and only mutate needs these.
    from ..check import load_checked_spec
    from .analysis import analyse_mutants, load_test_suite, write_killers
    from .text import format_mutation_report
    if args.min_score is not None and not 0 <= args.min_score <= 100:
        raise UsageError(Problem(Loc("--min-score"), "error", f"expected a percentage from 0 to 100, found "
                                 f"{args.min_score}", "bad-usage"))
    if args.jobs < 1:
        raise UsageError(Problem(Loc("--jobs"), "error", f"expected at least 1 process, found {args.jobs}",
                                 "bad-usage"))
    operators = _operators(args.operator)
    spec = load_checked_spec(args.spec)
    suite = load_test_suite(spec, args.suite)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = analyse_mutants(spec, suite, operators, args.jobs, progress, args.properties, args.domain or [],
                             args.bound or [])
    killers = {}
    if args.write_killers:
        files = write_killers(report, args.write_killers)
        killers = {int(os.path.basename(f)[7:10]): f for f in files}
        print(f"wrote {len(files)} killer scenario{'s' * (len(files) != 1)} to {args.write_killers}",
              file=sys.stderr)
    print(format_mutation_report(report, killers))
    if args.min_score is not None and report.score < args.min_score:
        print(f"score {report.score:.1f} % is below --min-score {args.min_score:g} %", file=sys.stderr)
        return EXIT_BELOW
    return EXIT_OK


def add_mutate_command(commands) -> None:
    """Register ``kmsflow mutate`` on the CLI's sub-parsers."""
    mutate = commands.add_parser(
        "mutate", help="how good a test suite is: the mutants of the spec it kills",
        description="Mutation analysis: make small, located changes to the spec (mutants), run the suite on each, "
                    "and classify each as killed (by check or a scenario), equivalent (the behavioural diff finds "
                    "no difference and no screen reads otherwise) or survived (with the shortest scenario that "
                    "kills it). Exit status 1 when the score is below --min-score.")
    mutate.add_argument("spec", nargs="?", default=None, metavar="SPEC",
                        help="spec file (default: the project's, named in pyproject.toml as [tool.kmsflow] spec)")
    mutate.set_defaults(spec_from_project=True)
    mutate.add_argument("--suite", nargs="+", required=True, metavar="DIR|FILE",
                        help="scenario files (.yaml), Gherkin features (.feature), or folders of them")
    mutate.add_argument("--write-killers", metavar="DIR",
                        help="write the shortest scenario that kills each survivor into DIR")
    mutate.add_argument("--min-score", type=float, metavar="P",
                        help="exit 1 when fewer than P %% of the non-equivalent mutants are killed (for CI)")
    mutate.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                        help="processes that run mutants (default: 2, or 1 on one processor)")
    mutate.add_argument("--operator", metavar="LIST",
                        help=f"comma-separated operators (default: all): {', '.join(MUTATION_OPERATORS)}")
    mutate.add_argument("--properties", action="store_true",
                        help="also check the spec's properties on every walked mutant and name those it breaks")
    mutate.add_argument("--domain", action="append", metavar="VAR=V1,V2",
                        help="start values of the walk that decides equivalence (repeatable), as for explore")
    mutate.add_argument("--bound", action="append", metavar="VAR=N",
                        help="largest value of a bounded variable in that walk (repeatable)")
    mutate.set_defaults(run=cmd_mutate)
