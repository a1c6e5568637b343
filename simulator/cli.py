"""The ``kmsflow`` command: a thin layer over the library API.

Each sub-command parses its arguments, calls the library and prints. Every
error kmsflow raises on purpose (KmsflowError: bad input, or a spec that gets
stuck when run) is caught here, in one place, and becomes one clean message
per problem on standard error and exit status 2, with nothing written; so do
Ctrl-C (exit 130) and standard streams that are closed or cannot be written
(see :func:`main`). A bug keeps its traceback. Standard output carries each
command's own report.

Each command imports its part of the library when it runs, not when the
parser is built: ``kmsflow --help`` or a mistyped option answers in a tenth
of a second instead of loading YAML, the state machine and the walk first.
What the parser lists comes from :mod:`simulator.choices`.
"""
from __future__ import annotations

import argparse
import dataclasses
import errno
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Callable

from .choices import (CRITERIA, DIAGRAM_FORMATS, MAX_CONFIGURATIONS, MAX_PATHS, MAX_SCENARIO_STEPS, SUITE_FORMATS,
                      TAG_CHOICES)
from .errors import FlowRuntimeError, KmsflowError, Loc, Problem, ScenarioError, SpecError, UsageError

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: Interrupted (Ctrl-C, SIGINT): 128 + the signal's number, as a shell reports it.
EXIT_INTERRUPTED = 130


def cmd_init(args: argparse.Namespace) -> int:
    from .spec.starter import STARTER_SPEC, write_starter
    written = write_starter(args.folder)
    for path in written:
        print(f"wrote {path}")
    spec = os.path.join(args.folder, STARTER_SPEC)
    print(f"""
Next:
  1. Read {spec}: each section says what it is for. Rename the flow (spec:, title:)
     and replace the screens, events and transitions with your own, a few at a time.
  2. After each change:  kmsflow check {spec}
  3. Write scenarios like {os.path.join(args.folder, "scenarios", "buy_a_coffee.yaml")} and run them:
                         kmsflow simulate {os.path.join(args.folder, "scenarios")}
  4. Prove the properties over every reachable situation:  kmsflow explore {spec}
  5. Draw it for the docs:  kmsflow diagram {spec} -o {os.path.join(args.folder, "diagrams")}""")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    # Problems go to standard error, as every command's do; the summary is the report, on standard output.
    from .check import load_and_check
    from .report.text import format_problems, format_spec_summary, format_trace_table
    try:
        spec, problems = load_and_check(args.spec)
    except SpecError as exc:
        print(format_problems(exc.problems), file=sys.stderr)
        errors = sum(p.level == "error" for p in exc.problems)
        print(f"{exc.problems[0].loc.file}: {errors} error{'s' * (errors != 1)} (the file could not be read as a spec)")
        return EXIT_BAD_INPUT
    if problems:
        print(format_problems(problems), file=sys.stderr)
    print(format_spec_summary(spec, problems))
    if args.trace:
        print()
        print(format_trace_table(spec))
    return EXIT_BAD_INPUT if any(p.level == "error" for p in problems) else EXIT_OK


def _expand_scenario_paths(paths: list[str]) -> list[str]:
    """Files as given; folders become their *.yaml files, subfolders included (hidden ones not), sorted."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            # Hidden files and folders are skipped, as a shell's * does (kmsflow's temporaries are hidden).
            found = sorted(str(p) for p in Path(path).rglob("*.yaml")
                           if not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise UsageError(Problem(Loc(path), "error", "no *.yaml scenario files in this folder", "usage"))
            out += found
        else:
            out.append(path)
    return out


def _scenario_spec(path: str) -> str | None:
    """The spec a scenario names; for an exported suite that moved, the one its manifest finds again."""
    from .runtime.scenario import scenario_spec_path
    from .walk.manifest import MANIFEST, suite_spec_path
    try:
        return scenario_spec_path(path)
    except ScenarioError as exc:
        folder = os.path.dirname(path) or "."
        if any(p.code == "file" for p in exc.problems) and os.path.isfile(os.path.join(folder, MANIFEST)):
            return suite_spec_path(folder)
        raise


def cmd_simulate(args: argparse.Namespace) -> int:
    # Validate every file before running any, so a typo in the last file is not found after a long run.
    from .check import load_checked_spec
    from .report.text import format_scenario_result
    from .runtime.scenario import load_scenario, run_scenario
    from .spec.project import project_spec_path
    specs: dict[str, object] = {}
    loaded = []
    problems = []
    if args.max_steps < 1:
        raise UsageError(Problem(Loc("<command line>"), "error", f"--max-steps must be at least 1, found "
                                 f"{args.max_steps}", "bad-usage"))
    for path in _expand_scenario_paths(args.files):
        try:
            spec_path = args.spec or _scenario_spec(path) or project_spec_path()
            if spec_path not in specs:
                specs[spec_path] = load_checked_spec(spec_path)
            loaded.append((load_scenario(path, specs[spec_path], args.max_steps), specs[spec_path]))
        except KmsflowError as exc:
            problems += [p for p in exc.problems if p not in problems]  # "no default spec" once, not per file
    if problems:
        raise ScenarioError(problems)
    passed = 0
    for scenario, spec in loaded:
        result = run_scenario(scenario, spec)
        passed += result.passed
        print(format_scenario_result(result, verbose=not args.quiet))
    failed = len(loaded) - passed
    print(f"\n{passed} passed, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_FAILED


def cmd_review(args: argparse.Namespace) -> int:
    from .check import load_checked_spec
    from .output import write_atomic
    from .report.review_files import review_files, signoff_gate
    spec = load_checked_spec(args.spec)
    outputs = args.output or []
    if outputs or not args.require_signoff:
        files = review_files(spec, outputs, diagrams=args.diagrams, walk=not args.no_walk,
                             max_configurations=_walk_budget(args))
        for path, text in files.items():  # every text made before any is written: a failure writes nothing
            if path:
                write_atomic(path, text)
                print(f"wrote {path}", file=sys.stderr)
            else:
                sys.stdout.write(text)
    if args.require_signoff:
        waiting = signoff_gate(spec)
        for line in waiting:
            print(f"not signed off: {line}", file=sys.stderr)
        if waiting:
            return EXIT_FAILED
        print(f"every decision of {spec.path} is signed off", file=sys.stderr)
    return EXIT_OK


def cmd_signoff(args: argparse.Namespace) -> int:
    from .check import load_checked_spec
    from .report.review import state_words
    from .report.signoff import VERDICTS, decision_states, import_signoffs, load_signoffs, record_signoff, signoff_path
    if args.spec and not args.decision and not os.path.exists(args.spec) and args.spec.isalnum():
        # `kmsflow signoff A3 --keep`: the one positional argument is the spec, so say how to name the decision.
        raise UsageError(Problem(Loc(args.spec), "error", f"no such spec file; to sign decision {args.spec}, name "
                                 f"the spec first: kmsflow signoff SPEC {args.spec} ...", "bad-usage"))
    spec = load_checked_spec(args.spec)
    if args.import_file:
        if args.decision or args.verdict:
            raise UsageError(Problem(Loc("<command line>"), "error", "--import takes the verdicts from the file: "
                                     "give no decision and no --keep/--alternative/--question", "bad-usage"))
        for entry in import_signoffs(spec, args.import_file):
            print(f"{entry.decision}: {VERDICTS[entry.verdict]} by {entry.by} on {entry.date}")
        print(f"wrote {signoff_path(spec)}", file=sys.stderr)
        return EXIT_OK
    if not args.decision:
        for state in decision_states(spec, load_signoffs(spec)):
            print(f"{state.decision}: {state_words(state)}")
        return EXIT_OK
    if not args.verdict or args.by is None:
        raise UsageError(Problem(Loc("<command line>"), "error", f"signing {args.decision} needs a verdict "
                                 "(--keep, --alternative or --question) and --by NAME", "bad-usage"))
    entry = record_signoff(spec, args.decision, args.verdict, args.by, args.date or date.today().isoformat(),
                           args.comment or "")
    print(f"{entry.decision}: {VERDICTS[entry.verdict]} by {entry.by} on {entry.date}")
    print(f"wrote {signoff_path(spec)}", file=sys.stderr)
    return EXIT_OK


def cmd_play(args: argparse.Namespace) -> int:
    from .check import load_checked_spec
    from .runtime.scenario import load_scenario, scenario_spec_path
    from .spec.project import project_spec_path
    from .play.session import PlaySession, parse_given, run_lines, session_from_scenario

    if sys.stdin is None:  # closed (<&-): main() has put /dev/null behind it, but play would read nothing
        raise UsageError(Problem(Loc("<standard input>"), "error", "it is closed, and play reads its lines from "
                                 "it; give it a file, a pipe or </dev/null", "bad-usage"))
    spec_path = args.spec or (scenario_spec_path(args.from_scenario) if args.from_scenario else None) \
        or project_spec_path()
    args.spec = spec_path  # where a flow error is said to be
    spec = load_checked_spec(spec_path)
    if args.from_scenario:
        session = session_from_scenario(load_scenario(args.from_scenario, spec), spec)
    else:
        session = PlaySession(spec, parse_given(spec, args.given or []))
    note = _keep_diagram_fresh(session, args.diagram) if args.diagram else None
    if args.lines or not (sys.stdin.isatty() and sys.stdout.isatty()):
        if note:
            print(note, file=sys.stderr)
        return run_lines(session, sys.stdin, sys.stdout, ask=input if sys.stdin.isatty() else None)
    from .play.terminal import run_terminal  # prompt_toolkit is only needed on a terminal

    return run_terminal(session, note)


def _keep_diagram_fresh(session, path: str) -> str | None:
    """After every change of the session, rewrite ``path`` (an SVG) with the path so far on the overview.

    Returns what to tell the user when the first write already failed (the session starts anyway).
    """
    from .draw.views import load_views
    if not path.lower().endswith(".svg"):
        raise UsageError(Problem(Loc("--diagram"), "error", f"expected a file name ending in .svg, found {path!r}",
                                 "bad-argument"))
    if os.path.dirname(path) and not os.path.isdir(os.path.dirname(path)):
        raise UsageError(Problem(Loc("--diagram"), "error", f"no folder {os.path.dirname(path)!r} to write "
                                 f"{os.path.basename(path)!r} into", "bad-argument"))
    from .play.live_diagram import LiveDiagram

    live = LiveDiagram(path, load_views(session.spec))
    session.add_listener(live, call_now=False)
    return live(session)


def _load_overlay_inputs(args: argparse.Namespace, spec) -> tuple[list, list[dict]]:
    """Scenarios (run) and coverage records named by --highlight/--coverage; every file checked first."""
    from .runtime.scenario import load_scenario
    from .walk.coverage import read_coverage_file
    problems, scenarios, records = [], [], []
    for path in ([args.highlight] if args.highlight else []) + (args.coverage or []):
        try:
            if path.lower().endswith(".json"):
                records.append(read_coverage_file(path, spec))
            else:
                scenarios.append(load_scenario(path, spec))
        except KmsflowError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return scenarios, records


def cmd_diagram(args: argparse.Namespace) -> int:
    # Check every input before drawing anything, and draw everything before writing: a bad
    # input leaves the output folder as it was.
    from .check import load_checked_spec
    from .draw.diagrams import DiagramRequest, diagram_files, layout_reports, parse_formats, select_views, write_files
    from .draw.layout_check import format_reports
    from .draw.run_path import path_of_result
    from .draw.views import load_views
    from .runtime.scenario import run_scenario
    from .walk.coverage import coverage_json, coverage_of_results, merge_coverage
    formats = parse_formats(args.format)
    spec = load_checked_spec(args.spec)
    views = load_views(spec)
    chosen = select_views(views, args.view)
    scenarios, records = _load_overlay_inputs(args, spec)
    results = [run_scenario(scenario, spec) for scenario in scenarios]
    failed = [r for r in results if not r.passed]
    for result in failed:
        print(f"warning: scenario {result.scenario.path} failed: {'; '.join(result.failures)} "
              "(drawn as far as it went)", file=sys.stderr)
    request = DiagramRequest(chosen, formats)
    extra: dict[str, str] = {}
    if args.highlight:
        stem = os.path.splitext(os.path.basename(args.highlight))[0]
        request = DiagramRequest(chosen, formats, path=path_of_result(spec, results[0]), path_name=stem)
    elif args.coverage:
        coverage = merge_coverage(spec, records + ([coverage_of_results(spec, results)] if results else []))
        names = [os.path.basename(p) for p in args.coverage]
        sources = ", ".join(names) if len(names) <= 3 else f"{len(names)} files ({names[0]}, ...)"
        request = DiagramRequest(chosen, formats, coverage=coverage, coverage_sources=sources)
        extra["coverage.json"] = coverage_json(coverage)
    request = dataclasses.replace(request, tags=args.tags, only_article=args.only == "article")
    if args.check_layout:  # measure instead of writing: exit 1 when a drawing has overlaps or hidden labels
        reports = layout_reports(spec, views, request)
        print(format_reports(reports))
        return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED
    files = diagram_files(spec, views, request, progress=lambda line: print(line, file=sys.stderr))
    paths = write_files(args.output, {**files, **extra})
    print(f"wrote {len(paths)} files to {args.output}")
    return EXIT_FAILED if failed else EXIT_OK


#: Problems the exhaustive walk reports itself (with worlds and paths), so they do not stop it.
WALK_REPORTS = {"dead-end", "unreachable-screen", "no-way-out", "kb-step-unimplemented", "unused-assumption"}


def _load_walkable_spec(path: str | None):
    from .check import load_and_check
    spec, problems = load_and_check(path)
    errors = [p for p in problems if p.level == "error" and p.code not in WALK_REPORTS]
    if errors:
        raise SpecError(errors)
    return spec


def _walk_domain(spec, args: argparse.Namespace):
    from .walk.domain import domain_of
    return domain_of(spec, args.domain or [], args.bound or [])


def cmd_explore(args: argparse.Namespace) -> int:
    from .walk.analysis import analyse
    from .walk.explore import Progress
    spec = _load_walkable_spec(args.spec)
    progress = Progress()
    try:
        # JSON reports the coverage figures, not the suites' paths and sizes: no suite is built for it.
        analysis = analyse(spec, _walk_domain(spec, args), progress, max_configurations=_walk_budget(args),
                           build_suites=not args.json)
    finally:  # a flow error is reported on a clean line
        progress.done()
    if args.counterexamples:
        from .walk.export import write_counterexamples  # the scenario writer, loaded only to write scenarios
        violated = [(r.name, f"Property {r.name}: {r.text}\nViolated: {r.first.message}\n"
                     "Generated by kmsflow explore; replay it with kmsflow simulate.",
                     analysis.counterexamples[r.name]) for r in analysis.properties if not r.holds]
        for file in write_counterexamples(spec, args.counterexamples, violated,
                                          [r.name for r in analysis.properties]):
            print(f"wrote {file}", file=sys.stderr)
    if args.json:
        print(json.dumps(analysis.to_json(), indent=2, sort_keys=False))
    else:
        from .report.walk_report import format_analysis  # the text report retells paths with the simulator
        print(format_analysis(analysis))
    return EXIT_OK if analysis.holds else EXIT_FAILED


def cmd_paths(args: argparse.Namespace) -> int:
    from .walk.explore import Progress, explore_spec
    from .report.walk_report import format_paths, format_suite_summary
    from .walk.export import export_suite
    from .walk.suites import generate_suite
    from .walk.properties import parse_properties
    if args.format and not args.output:
        raise UsageError(Problem(Loc("<command line>"), "error", "--format needs -o DIR (where to write)",
                                 "bad-usage"))
    if args.cutoff < 1:
        raise UsageError(Problem(Loc("<command line>"), "error", f"--cutoff must be at least 1, found {args.cutoff}",
                                 "bad-usage"))
    if args.max_paths < 1:
        raise UsageError(Problem(Loc("<command line>"), "error", f"--max-paths must be at least 1, found "
                                 f"{args.max_paths}", "bad-usage"))
    spec = _load_walkable_spec(args.spec)
    progress = Progress()
    try:
        graph = explore_spec(spec, _walk_domain(spec, args), parse_properties(spec).flows, progress,
                             _walk_budget(args))
        progress(f"generating the {args.criterion} suite")
        suite = generate_suite(graph, args.criterion, cutoff=args.cutoff, max_paths=args.max_paths)
    finally:  # a flow error is reported on a clean line
        progress.done()
    print(format_suite_summary(suite))
    if args.output:
        files = export_suite(spec, suite, args.output, args.format or "scenarios", args.style)
        print(f"wrote {len(files)} file{'s' * (len(files) != 1)} to {args.output}")
    else:
        print(format_paths(suite))
    return EXIT_OK


def _walk_budget(args: argparse.Namespace) -> int:
    """``--max-configurations``, checked: the budget of every command that walks."""
    if args.max_configurations < 1:
        raise UsageError(Problem(Loc("<command line>"), "error", f"--max-configurations must be at least 1, found "
                                 f"{args.max_configurations}", "bad-usage"))
    return args.max_configurations


def _add_budget_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-configurations", type=int, default=MAX_CONFIGURATIONS, metavar="N",
                        help="stop the exhaustive walk with an error beyond N configurations "
                             f"(default: {MAX_CONFIGURATIONS:,}, about 2-4.5 GB of memory)")


def _add_domain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", action="append", metavar="VAR=V1,V2",
                        help="start values of a world variable, replacing the spec's (repeatable), "
                             "e.g. --domain credit=0,3,6")
    parser.add_argument("--bound", action="append", metavar="VAR=N",
                        help="largest value of a bounded variable (repeatable), e.g. --bound credit=40")


def _add_spec_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", nargs="?", default=None, metavar="SPEC",
                        help="spec file (default: the project's, named in pyproject.toml as [tool.kmsflow] spec)")
    parser.set_defaults(spec_from_project=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kmsflow",
        description="A product flow as a formal, executable spec: check it, simulate it, draw it, walk it.",
        epilog="With no SPEC, a command uses the spec the project names in the nearest pyproject.toml "
               "([tool.kmsflow] spec = \"path/to/flow.yaml\"). "
               "Exit status: 0 ok, 1 a check or scenario failed, 2 bad input (spec, scenario, argument) "
               "or a spec that gets stuck when run; problems are printed on standard error. "
               "A spec of 256 KiB or more is read once per change: what it holds and what its checks found are "
               "kept in $KMSFLOW_CACHE (default $XDG_CACHE_HOME/kmsflow or ~/.cache/kmsflow; "
               "KMSFLOW_CACHE=off turns this off).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = commands.add_parser("init", help="start a new flow: write a small, commented spec and a scenario",
                               description="Write a starter spec (a coffee machine: screens, guards and effects as "
                                           "expressions, a scenario, two views, two properties) into FOLDER, which "
                                           "must be new or empty. Every command accepts it as written.")
    init.add_argument("folder", metavar="FOLDER", help="the folder to create")
    init.set_defaults(run=cmd_init)

    check = commands.add_parser("check", help="check a spec: names, references, reachability, traceability",
                                description="Report every problem of a spec as FILE:LINE:COL: level: message [code].")
    _add_spec_argument(check)
    check.add_argument("--trace", action="store_true",
                       help="also list every article step and assumption with the transitions implementing it")
    check.set_defaults(run=cmd_check)

    simulate = commands.add_parser("simulate", help="run scenario files and print each trace",
                                   description="Play scenario files through the spec; exit 1 if one fails.")
    simulate.add_argument("files", nargs="+", metavar="SCENARIO", help="scenario YAML files, or folders of them")
    simulate.add_argument("--spec", default=None,
                          help="spec to run them on (default: the scenario's own 'spec:', else the project's)")
    simulate.add_argument("-q", "--quiet", action="store_true", help="print results only, not each step")
    simulate.add_argument("--max-steps", type=int, default=MAX_SCENARIO_STEPS, metavar="N",
                          help=f"refuse a scenario that sends more than N events, repeats counted "
                               f"(default: {MAX_SCENARIO_STEPS:,})")
    simulate.set_defaults(run=cmd_simulate)

    review = commands.add_parser("review", help="write the review for product owners: HTML page and/or Markdown",
                                 description="The diagrams, the guarantees the exhaustive walk proved, the article "
                                             "step by step with each screen, the decisions and their sign-off; an "
                                             "output named *.html is the offline page (play the flow, sign off), "
                                             "any other the Markdown document, both from the same content.")
    _add_spec_argument(review)
    review.add_argument("-o", "--output", metavar="FILE", action="append",
                        help="write to FILE (repeatable; *.html: the page) instead of Markdown on standard output")
    review.add_argument("--diagrams", metavar="DIR",
                        help="link the diagrams generated in DIR (by `kmsflow diagram`) from the Markdown")
    _add_budget_argument(review)
    review.add_argument("--no-walk", action="store_true",
                        help="leave out which properties hold (they come from the exhaustive walk)")
    review.add_argument("--require-signoff", action="store_true",
                        help="exit 1 while a decision is unsigned, questioned or changed since signed")
    review.set_defaults(run=cmd_review)
    signoff = commands.add_parser(
        "signoff", help="sign off a decision of the spec (or import sign-offs exported by the review page)",
        description="Record a verdict on one decision (assumption) in SPEC's sign-off file beside it "
                    "(<spec>.signoff.yaml), or merge a file the review page exported; without a decision, list "
                    "where every decision stands.")
    _add_spec_argument(signoff)
    signoff.add_argument("decision", nargs="?", metavar="DECISION", help="the decision's id, e.g. A3")
    verdict = signoff.add_mutually_exclusive_group()
    verdict.add_argument("--keep", dest="verdict", action="store_const", const="keep", help="keep the decision")
    verdict.add_argument("--alternative", dest="verdict", action="store_const", const="alternative",
                         help="take the alternative")
    verdict.add_argument("--question", dest="verdict", action="store_const", const="question",
                         help="ask a question (the release waits)")
    signoff.add_argument("--by", metavar="NAME", help="who signs")
    signoff.add_argument("--comment", metavar="TEXT", help="a comment kept with the verdict")
    signoff.add_argument("--date", metavar="YYYY-MM-DD", help="the date of the sign-off (default: today)")
    signoff.add_argument("--import", dest="import_file", metavar="FILE",
                         help="merge the sign-offs in FILE (exported by the review page)")
    signoff.set_defaults(run=cmd_signoff)
    play = commands.add_parser(
        "play", help="play the flow on its device: screens, softkeys, world controls, undo, save",
        description="An interactive session on the spec: the device's screen with its softkeys, the events allowed "
                    "now (numbered), the world and the last steps. Choose with a number, or the arrow keys and "
                    "Enter; [ and ] press the left and right softkeys; type the spec's world controls (its "
                    "environment events' command: words, such as 'minute 5'), 'undo', 'save FILE' (type 'help' in "
                    "the session for them all). When stdin is not "
                    "a terminal, lines are read from it and each screen is printed as plain text.",
        epilog="Example: printf 'enter_wrong_pin\\nok\\nminute 2\\nsave s.yaml\\nquit\\n' | kmsflow play "
               "spec/door_keypad.yaml")
    _add_spec_argument(play)
    start = play.add_mutually_exclusive_group()
    start.add_argument("--given", nargs="+", metavar="KEY=VALUE",
                       help="the starting world, as in a scenario's given (e.g. wrong_tries=2 battery=low "
                            "screen=keypad max_tries=5)")
    start.add_argument("--from", dest="from_scenario", metavar="SCENARIO",
                       help="start at the end of this scenario (its steps are kept, so a save replays them)")
    play.add_argument("--diagram", metavar="FILE.svg",
                      help="keep FILE.svg up to date: the overview with the current screen and the path so far")
    play.add_argument("--lines", action="store_true",
                      help="read lines and print plain text even on a terminal (as when piped)")
    play.set_defaults(run=cmd_play)
    diagram = commands.add_parser(
        "diagram", help="draw the spec's views as DOT, SVG, PNG and Mermaid",
        description="Draw every view the spec declares (its 'views:' section; at least the overview) into DIR. "
                    "With --highlight, draw one scenario's path on the views it passes through; with "
                    "--coverage, colour every view by how often traces passed each screen and arrow.",
        epilog="Files: VIEW.EXT; VIEW.path-SCENARIO.EXT with --highlight; VIEW.coverage.EXT (and coverage.json) "
               "with --coverage. The .dot and .mmd text is deterministic: the same spec gives the same bytes. "
               "Exit status 1 when a scenario drawn fails (its path is drawn as far as it went).")
    _add_spec_argument(diagram)
    diagram.add_argument("-o", "--output", default="diagrams", metavar="DIR",
                         help="folder to write into (default: diagrams/)")
    diagram.add_argument("--format", default=",".join(DIAGRAM_FORMATS), metavar="LIST",
                         help=f"comma-separated formats out of {', '.join(DIAGRAM_FORMATS)} (default: all)")
    diagram.add_argument("--view", action="append", metavar="NAME",
                         help="draw only this view (repeatable; default: every view)")
    diagram.add_argument("--tags", choices=TAG_CHOICES, default="all",
                         help="tags on the arrows: none, the article's steps only, or all (steps and assumption ids; "
                              "the default)")
    diagram.add_argument("--only", choices=["article"],
                         help="article: only what the article describes (leave out the arrows assumptions add)")
    diagram.add_argument("--check-layout", action="store_true",
                         help="write nothing; lay each drawing out (Graphviz for dot/svg/png, Mermaid in Chromium for "
                              "mmd) and report overlaps, hidden labels, crossings, text size; exit 1 on an overlap "
                              "or a hidden label")
    overlay = diagram.add_mutually_exclusive_group()
    overlay.add_argument("--highlight", metavar="SCENARIO",
                         help="scenario file whose path to draw: numbered steps, visited screens, the final one")
    overlay.add_argument("--coverage", nargs="+", metavar="FILE",
                         help="scenario files and/or kmsflow-coverage/1 JSON files: colour by how often each "
                              "screen and arrow was passed")
    diagram.set_defaults(run=cmd_diagram)


    explore = commands.add_parser(
        "explore", help="walk every reachable configuration: properties, coverage, structural findings",
        description="Walk every configuration (screen + world) reachable from the spec's domain of initial worlds, "
                    "check the spec's properties (each violation with a shortest counterexample), report coverage "
                    "by criterion and structural findings. Exit 1 when a property is violated.")
    _add_spec_argument(explore)
    explore.add_argument("--json", action="store_true", help="print the result as JSON")
    explore.add_argument("--counterexamples", metavar="DIR",
                         help="write each violated property's counterexample as a scenario file in DIR")
    _add_domain_arguments(explore)
    _add_budget_argument(explore)
    explore.set_defaults(run=cmd_explore)

    paths = commands.add_parser(
        "paths", help="generate test paths that cover the spec by a criterion",
        description="Generate test paths (initial world, events, expected screen and world after each step) "
                    "covering the spec by a criterion; print them, or write them with --format and -o.")
    _add_spec_argument(paths)
    paths.add_argument("--criterion", choices=CRITERIA, default="transitions",
                       help="what the suite covers (default: transitions)")
    paths.add_argument("--cutoff", type=int, default=10, help="longest simple path, in steps (default: 10)")
    paths.add_argument("--format", choices=SUITE_FORMATS,
                       help="file format to write (needs -o): gherkin and csv are short test cases in a tester's "
                            "words (csv: TestRail/Xray columns), csv-steps one row per step with the spec's names")
    paths.add_argument("--style", choices=("people", "automation"), default="people",
                       help="gherkin and csv: short cases for people (default), or each path whole for automation")
    paths.add_argument("-o", "--output", metavar="DIR", help="folder to write the suite into (default format: "
                                                              "scenarios)")
    paths.add_argument("--max-paths", type=int, default=MAX_PATHS, metavar="N",
                       help=f"stop with an error beyond N simple paths (default: {MAX_PATHS:,})")
    _add_domain_arguments(paths)
    _add_budget_argument(paths)
    paths.set_defaults(run=cmd_paths)

    from .diff.command import add_diff_command
    add_diff_command(commands)
    from .mutate.command import add_mutate_command
    add_mutate_command(commands)
    for command in commands.choices.values():  # every command, as a spec may need its own Python rules anywhere
        command.add_argument("--rules", action="append", default=[], metavar="FILE.py",
                             help="a Python rule book (a file defining rules = RuleBook(NAME)) for guards and effects "
                                  "the spec does not write as expressions; the spec names it with rules: NAME")
    return parser


class _OutputLost(Exception):
    """Standard output cannot be written (disk full, closed pipe, I/O error): the report cannot be given."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.error = error


class _GuardedStream:
    """Standard output or error, with what a failed write means decided in one place.

    A failed write to standard output ends the command (:class:`_OutputLost`);
    one to standard error is dropped, and so is every later one: when the
    channel for messages is gone, the exit status is the only message left.
    Everything else is the stream's own.
    """

    def __init__(self, stream, fatal: bool):
        self._stream, self._fatal, self._lost = stream, fatal, False

    def _call(self, method: str, *args):
        if self._lost:
            return len(args[0]) if args else None
        try:
            return getattr(self._stream, method)(*args)
        except OSError as exc:
            self._lost = True
            _silence(self._stream)
            if self._fatal:
                raise _OutputLost(exc) from None
            return len(args[0]) if args else None

    def write(self, text: str):
        return self._call("write", text)

    def flush(self) -> None:
        self._call("flush")

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _silence(stream) -> None:
    """Point a failed standard stream at /dev/null, so that the interpreter's last flush cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to do
        pass


def _reopen_closed_streams() -> set[int]:
    """Open /dev/null on each standard descriptor that was closed (``>&-``, ``<&-``); return which were.

    Otherwise the next file kmsflow opens would take the free number, and
    output meant for the terminal would land in it. A closed standard input
    or error is left None in :mod:`sys`, so the commands can tell.
    """
    closed = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if 2 in closed:  # print(file=None) would write to standard output: messages go nowhere instead
        sys.stderr = open(2, "w", closefd=False)  # lives as long as the process
    return closed


def _say(message: str) -> None:
    print(message, file=sys.stderr)
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status. The one error boundary of kmsflow.

    Whatever goes wrong on purpose ends here as one message on standard error:
    bad input (2), a flow error (2), Graphviz refusing a diagram (2), standard
    output that cannot be written (2; a closed pipe ends quietly with 0, as
    ``| head`` expects), Ctrl-C (130). Files are written atomically, so an
    interrupted command leaves each as it was. Anything else is a bug and
    keeps its traceback.
    """
    if 1 in _reopen_closed_streams():
        _say(str(Problem(Loc("<standard output>"), "error", "it is closed; redirect it to a file or to /dev/null",
                         "output")))
        return EXIT_BAD_INPUT
    if hasattr(sys.stdin, "reconfigure"):  # bytes that are not UTF-8 become U+FFFD, not a traceback
        sys.stdin.reconfigure(errors="replace")
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _GuardedStream(stdout, fatal=True), _GuardedStream(stderr, fatal=False)
    try:
        status = _run_command(argv)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        _say("kmsflow: interrupted")
        return EXIT_INTERRUPTED
    except _OutputLost as exc:
        if exc.error.errno == errno.EPIPE:  # the reader has gone (`| head`): it wants no more
            return EXIT_OK
        _say(str(Problem(Loc("<standard output>"), "error", f"cannot write: {exc}", "output")))
        return EXIT_BAD_INPUT
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run_command(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one-line usage error
        return int(exc.code or 0)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        if args.rules:  # named by the user, never by a spec file
            from .rules import load_rule_book_file
            for rule_file in args.rules:
                load_rule_book_file(rule_file)
        if getattr(args, "spec_from_project", False) and args.spec is None and not getattr(args, "from_scenario",
                                                                                             None):
            from .spec.project import project_spec_path
            args.spec = project_spec_path()  # the project's default: kmsflow has no flow of its own
        return run(args)
    except FlowRuntimeError as exc:
        from .report.text import format_problems
        # The machine and the walk do not know the spec's file name; a scenario run already said it.
        print(format_problems(exc.at(getattr(args, "spec", None) or "<spec>").problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KmsflowError as exc:
        from .report.text import format_problems
        print(format_problems(exc.problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        # Graphviz is imported only by the commands that draw: an error cannot be one of its own before then.
        graphviz = sys.modules.get("graphviz")
        if graphviz is None or not isinstance(exc, graphviz.CalledProcessError):
            raise
        # The renderers say more; this is the boundary's last word.
        said = [line for line in (exc.stderr or b"").decode("utf-8", "replace").splitlines() if line.strip()]
        detail = next((line for line in said if line.startswith("Error")), said[0] if said else "no message")
        where = Loc(getattr(args, "spec", None) or "<spec>")
        print(Problem(where, "error", f"Graphviz refused a diagram of this spec: {detail[:300]}", "graphviz-refused"),
              file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
