"""``kmsflow mutate``'s report as text: a row per operator, the score, each survivor and its killer."""
from __future__ import annotations

from .analysis import MutationReport
from .operators import OPERATORS

__all__ = ["format_mutation_report"]


def format_mutation_report(report: MutationReport, killers: dict[int, str] | None = None) -> str:
    """The table (killed / equivalent / survived per operator), the score, and the survivors.

    ``killers``: mutant number -> the file its killer was written to.
    """
    killers = killers or {}
    operators = [op for op in OPERATORS if any(r.operator == op for r in report.results)]
    width = max([len("operator"), len("total")] + [len(op) for op in operators])
    lines = [f"kmsflow mutate: {len(report.results)} mutants of {report.spec.name} ({report.spec.path}), "
             f"suite of {report.suite_size} scenarios", "",
             f"{'operator'.ljust(width)}  mutants  killed  equivalent  survived"]
    for op in operators + [None]:
        total = sum(op is None or r.operator == op for r in report.results)
        lines.append(f"{(op or 'total').ljust(width)}  {total:7d}  {report.count('killed', op):6d}  "
                     f"{report.count('equivalent', op):10d}  {report.count('survived', op):8d}")
    by = {"check": 0, "scenario": 0, "feature": 0, "walk": 0}
    for r in report.results:
        if r.status == "killed":
            kind = r.killer.split(":")[0].split(" ")[0]
            by[kind] = by.get(kind, 0) + 1
    relevant = len(report.results) - report.count("equivalent")
    lines += ["", f"score: {report.count('killed')} of {relevant} non-equivalent mutants killed "
                  f"({report.score:.1f} %); killed by check {by['check']}, scenario files {by['scenario']}, "
                  f"Gherkin scenarios {by['feature']}, the walk {by['walk']}"]
    if report.survivors:
        lines += ["", "survivors (the shortest scenario that kills each: --write-killers DIR):"]
        for r in report.survivors:
            extra = f"; breaks {', '.join(r.properties)}" if r.properties else ""
            where = f" -> {killers[r.number]}" if r.number in killers else ""
            lines.append(f"  {r.number:3d} {r.where}: {r.description}{extra}{where}")
    equivalent = [r for r in report.results if r.status == "equivalent"]
    if equivalent:
        lines += ["", "equivalent (no scenario can tell them from the spec):"]
        for r in equivalent:
            extra = f"; yet breaks {', '.join(r.properties)}" if r.properties else ""
            lines.append(f"  {r.number:3d} {r.where}: {r.description}{extra}")
    return "\n".join(lines)
