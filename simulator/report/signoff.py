"""Sign-offs of a spec's decisions: a file of their own beside the spec, that survives regeneration.

``spec/<name>.signoff.yaml`` holds, per decision (assumption) id, the verdict
(keep / alternative / question), who, the date, a comment, the spec's git
revision at signing, and what was signed: the decision's texts, the transitions
it shapes and the screens whose content it shapes, with a fingerprint of them.
A decision whose current snapshot has another fingerprint is *changed since
signed*; :func:`snapshot_changes` says what changed, in words.

The file is written by ``kmsflow signoff`` (one decision, or a file exported by
the review page, ``--import``) and read by ``kmsflow review``. Every write goes
through :func:`write_signoffs`: whole, atomically, in the spec's decision order,
so the same sign-offs always give the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from typing import Any

from ..draw.views import guard_phrase, load_views
from ..errors import KmsflowError, Loc, Problem, UsageError
from ..output import write_atomic, yaml_comment, yaml_scalar
from ..spec.check import assumption_screens, assumption_trace
from ..spec.model import Spec, Transition
from ..spec.reader import did_you_mean
from ..spec.yamlsafe import LDict, load_yaml_file, plain_data

__all__ = ["VERDICTS", "SignOff", "SignOffs", "DecisionState", "signoff_path", "decision_snapshot", "fingerprint",
           "load_signoffs", "write_signoffs", "record_signoff", "import_signoffs", "decision_states",
           "snapshot_changes", "unsettled", "spec_revision", "signoffs_text", "transition_words"]

#: Verdicts, and how the page and the review say them.
VERDICTS = {"keep": "kept", "alternative": "alternative taken", "question": "questioned"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}\Z")


@dataclass
class SignOff:
    """One decision signed: what was said about it, and what it was when signed."""

    decision: str
    verdict: str
    by: str
    date: str
    comment: str = ""
    revision: str = ""
    fingerprint: str = ""
    signed: dict[str, Any] = field(default_factory=dict)  # the decision's snapshot when signed


@dataclass
class SignOffs:
    spec: str
    entries: dict[str, SignOff]


@dataclass(frozen=True)
class DecisionState:
    """Where one decision stands now: unsigned, signed (keep / alternative / question), or changed since signed."""

    decision: str
    state: str  # unsigned | keep | alternative | question | stale
    signoff: SignOff | None
    changes: tuple[str, ...] = ()  # what changed since signed, in words (stale only)

    @property
    def settled(self) -> bool:
        """Signed, not questioned, and still the decision that was signed: a release may go on."""
        return self.state in ("keep", "alternative")


def signoff_path(spec: Spec) -> str:
    """The sign-off file of ``spec``: beside it, ``<stem>.signoff.yaml``."""
    stem, _ext = os.path.splitext(spec.path)
    return f"{stem}.signoff.yaml"


def transition_words(spec: Spec, labels: dict[str, tuple[str, str]], t: Transition) -> str:
    """A transition said in a few plain words (for "what changed"): event, where, condition, where it leads."""
    event = spec.events.get(t.trigger)
    what = event.label if event and event.label else t.trigger.replace("_", " ")
    if t.region == "account":
        variable = spec.account.variable.replace("_", " ") if spec.account else "account"
        where = "in any state" if t.sources == ("*",) else f"while the {variable} is " + " or ".join(t.sources)
        dest = f", becomes {t.dest}" if t.dest and t.dest not in t.sources else ""
    else:
        names = [spec.screens[s].title for s in t.sources if s in spec.screens] if t.sources != ("*",) else ["any"]
        where = "on " + " or ".join(names)
        dest = f", to {spec.screens[t.dest].title}" if t.dest in spec.screens else ""
    phrase = guard_phrase(spec, labels, t)
    return f"{what} {where}" + (f" when {phrase}" if phrase else "") + dest


def _rule(t: Transition) -> str:
    """A transition's behaviour, structurally: what the fingerprint covers (not its wording)."""
    parts = [t.trigger, "|".join(t.sources), t.dest or "-", "if " + ",".join(t.conditions),
             "unless " + ",".join(t.unless), "do " + ",".join(t.effects), "send " + ",".join(t.send)]
    return " ".join(parts)


def decision_snapshot(spec: Spec, decision: str) -> dict[str, Any]:
    """What signing ``decision`` covers: its texts, the transitions it shapes, the screens it shapes."""
    a = spec.assumptions[decision]
    labels = load_views(spec).guard_labels
    shaped = dict(assumption_trace(spec)).get(decision, [])
    by_id = {t.id: t for t in spec.all_transitions()}
    screens = {}
    for name in assumption_screens(spec).get(decision, []):
        s = spec.screens[name]
        screens[name] = " / ".join(part for part in (s.title, s.status, s.text, ", ".join(s.items)) if part)
    return {"title": a.title, "decision": a.decision, "alternative": a.alternative, "why": a.why,
            "shapes": [{"transition": tid, "rule": _rule(by_id[tid]),
                        "words": transition_words(spec, labels, by_id[tid])} for tid in shaped],
            "screens": screens}


def fingerprint(snapshot: dict[str, Any]) -> str:
    """sha256 of the snapshot's texts, transition rules and screens (wording of the transitions left out)."""
    core = {key: snapshot.get(key) for key in ("title", "decision", "alternative", "why", "screens")}
    core["shapes"] = sorted((s["transition"], s["rule"]) for s in snapshot.get("shapes", []))
    digest = hashlib.sha256(json.dumps(core, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def snapshot_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed between two snapshots of a decision, in words, most visible first."""
    out = []
    for key, name in (("title", "title"), ("decision", "decision"), ("alternative", "alternative"), ("why", "why")):
        if old.get(key) != new.get(key):
            out.append(f"its {name} changed from “{old.get(key, '')}” to “{new.get(key, '')}”")
    before = {s["transition"]: s for s in old.get("shapes", [])}
    after = {s["transition"]: s for s in new.get("shapes", [])}
    for tid, s in after.items():
        if tid not in before:
            out.append(f"it now also shapes: {s['words']}")
        elif before[tid]["rule"] != s["rule"]:
            out.append(f"a step it shapes changed: {before[tid]['words']} → now {s['words']}"
                       if before[tid]["words"] != s["words"] else f"a step it shapes behaves differently: {s['words']}")
    out += [f"it no longer shapes: {s['words']}" for tid, s in before.items() if tid not in after]
    old_screens, new_screens = old.get("screens", {}), new.get("screens", {})
    for name in sorted(set(old_screens) | set(new_screens)):
        if old_screens.get(name) != new_screens.get(name):
            out.append(f"a screen it shapes changed: “{old_screens.get(name, '(none)')}” → "
                       f"“{new_screens.get(name, '(none)')}”")
    return out


# -- reading -----------------------------------------------------------------------------------------

def _text(entry: LDict, key: str, problems: list[Problem], required: bool = True) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and key == "by":
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(Problem(entry.loc_of(key), "error", f"{key}: expected text"
                                + (", not empty" if required else ""), "bad-signoff"))
        return ""
    return value


def _read_entry(spec: Spec, decision: Any, entry: Any, loc: Loc, problems: list[Problem],
                need_signed: bool) -> SignOff | None:
    if not isinstance(decision, str) or decision not in spec.assumptions:
        known = did_you_mean(str(decision), spec.assumptions)
        problems.append(Problem(loc, "error", f"unknown decision {decision!r}{known}; "
                                f"the spec has {', '.join(spec.assumptions)}", "unknown-decision"))
        return None
    if not isinstance(entry, LDict):
        problems.append(Problem(getattr(entry, "loc", loc), "error", f"{decision}: expected a mapping with verdict, "
                                "by, date (and comment, fingerprint)", "bad-signoff"))
        return None
    known = ("verdict", "by", "date", "comment", "revision", "fingerprint", "signed")
    for key in entry:
        if key not in known:
            problems.append(Problem(entry.loc_of(key), "error", f"unknown key {key!r}{did_you_mean(str(key), known)}; "
                                    f"expected {', '.join(known)}", "unknown-key"))
    before = len(problems)
    verdict = entry.get("verdict")
    if verdict not in VERDICTS:
        problems.append(Problem(entry.loc_of("verdict"), "error", f"verdict: expected one of {', '.join(VERDICTS)}, "
                                f"found {verdict!r}", "bad-signoff"))
    by = _text(entry, "by", problems)
    date = _text(entry, "date", problems)
    if date and not _DATE.match(date):
        problems.append(Problem(entry.loc_of("date"), "error", f"date: expected YYYY-MM-DD, found {date!r}",
                                "bad-signoff"))
    comment = _text(entry, "comment", problems, required=False)
    revision = _text(entry, "revision", problems, required=False)
    print_ = _text(entry, "fingerprint", problems, required=need_signed or "fingerprint" in entry)
    if print_ and not _FINGERPRINT.match(print_):
        problems.append(Problem(entry.loc_of("fingerprint"), "error", "fingerprint: expected sha256: and 64 hex "
                                "digits, as the review page writes it", "bad-signoff"))
    signed = entry.get("signed")
    if need_signed and not isinstance(signed, LDict):
        problems.append(Problem(entry.loc_of("signed"), "error", "signed: expected the decision as it was signed",
                                "bad-signoff"))
    if len(problems) > before:
        return None
    return SignOff(decision, verdict, by, date, comment, revision, print_,
                   plain_data(signed) if isinstance(signed, LDict) else {})


def _read_signoffs(spec: Spec, data: Any, path: str, need_signed: bool) -> SignOffs:
    problems: list[Problem] = []
    if not isinstance(data, LDict) or not isinstance(data.get("signoffs"), (LDict, type(None))):
        where = data.loc_of("signoffs") if isinstance(data, LDict) else getattr(data, "loc", Loc(path, 1, 1))
        raise UsageError(Problem(where, "error", "a sign-off file is a mapping with spec: and signoffs: (decision "
                                 "id -> verdict, by, date, comment)", "bad-signoff"))
    for key in data:
        if key not in ("spec", "signoffs"):
            problems.append(Problem(data.loc_of(key), "error", f"unknown key {key!r}; expected spec, signoffs",
                                    "unknown-key"))
    if data.get("spec") != spec.name:
        problems.append(Problem(data.loc_of("spec"), "error", f"spec: these sign-offs are for {data.get('spec')!r}, "
                                f"not for {spec.name!r}", "wrong-spec"))
    entries: dict[str, SignOff] = {}
    signoffs = data.get("signoffs") or LDict()
    for decision, entry in signoffs.items():
        found = _read_entry(spec, decision, entry, signoffs.loc_of(decision), problems, need_signed)
        if found is not None:
            entries[decision] = found
    if problems:
        raise UsageError(sorted(problems))
    return SignOffs(spec.name, entries)


def load_signoffs(spec: Spec, path: str | None = None) -> SignOffs:
    """The sign-offs of ``spec`` (none when its file does not exist); UsageError, located, for a bad file."""
    path = path or signoff_path(spec)
    if not os.path.exists(path):
        return SignOffs(spec.name, {})
    try:
        data = load_yaml_file(path)
    except KmsflowError as exc:
        raise UsageError(exc.problems) from None
    return _read_signoffs(spec, data, path, need_signed=True)


# -- state ---------------------------------------------------------------------------------------

def decision_states(spec: Spec, signoffs: SignOffs) -> list[DecisionState]:
    """Every decision of the spec, in spec order, with where it stands now."""
    states = []
    for decision in spec.assumptions:
        entry = signoffs.entries.get(decision)
        if entry is None:
            states.append(DecisionState(decision, "unsigned", None))
            continue
        now = decision_snapshot(spec, decision)
        if fingerprint(now) != entry.fingerprint:
            states.append(DecisionState(decision, "stale", entry, tuple(snapshot_changes(entry.signed, now))
                                        or ("what it shapes changed",)))
        else:
            states.append(DecisionState(decision, entry.verdict, entry))
    return states


def unsettled(states: list[DecisionState]) -> list[DecisionState]:
    """The decisions a release waits for: unsigned, questioned or changed since signed."""
    return [s for s in states if not s.settled]


# -- writing -------------------------------------------------------------------------------------

def spec_revision(spec: Spec) -> str:
    """The git commit that last changed the spec file, or '' outside git (or with uncommitted changes to it)."""
    folder = os.path.dirname(os.path.abspath(spec.path))
    try:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", os.path.basename(spec.path)], cwd=folder,
                               capture_output=True, text=True, timeout=20)
        if dirty.returncode != 0 or dirty.stdout.strip():
            return ""
        found = subprocess.run(["git", "log", "-1", "--format=%H", "--", os.path.basename(spec.path)], cwd=folder,
                               capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    return found.stdout.strip() if found.returncode == 0 else ""


def _yaml_value(value: Any, indent: str) -> list[str]:
    if isinstance(value, dict):
        if not value:
            return [f"{indent}{{}}"]
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{indent}{yaml_scalar(key)}:")
                lines += _yaml_value(item, indent + "  ")
            else:
                lines.append(f"{indent}{yaml_scalar(key)}: " + ("[]" if item == [] else "{}" if item == {}
                                                                 else yaml_scalar(item)))
        return lines
    lines = []
    for item in value:
        inner = _yaml_value(item, indent + "  ")
        lines.append(f"{indent}- {inner[0].strip()}")
        lines += inner[1:]
    return lines


def signoffs_text(spec: Spec, signoffs: SignOffs) -> str:
    """The sign-off file's text: decisions in spec order, every value quoted so it reads back as itself."""
    lines = yaml_comment(f"Sign-offs of the decisions in {os.path.basename(spec.path)}: written by `kmsflow "
                         "signoff`, read by `kmsflow review`.\nA decision whose fingerprint no longer matches the "
                         "spec shows as changed since signed.")
    lines += [f"spec: {yaml_scalar(spec.name)}", "signoffs:" if signoffs.entries else "signoffs: {}"]
    for decision in spec.assumptions:
        entry = signoffs.entries.get(decision)
        if entry is None:
            continue
        lines.append(f"  {decision}:")
        body = {"verdict": entry.verdict, "by": entry.by, "date": entry.date, "comment": entry.comment,
                "revision": entry.revision, "fingerprint": entry.fingerprint, "signed": entry.signed}
        lines += _yaml_value(body, "    ")
    return "\n".join(lines) + "\n"


def write_signoffs(spec: Spec, signoffs: SignOffs, path: str | None = None) -> str:
    path = path or signoff_path(spec)
    write_atomic(path, signoffs_text(spec, signoffs))
    return path


def record_signoff(spec: Spec, decision: str, verdict: str, by: str, date: str, comment: str = "",
                   path: str | None = None) -> SignOff:
    """Sign ``decision`` of ``spec`` now and write the file; UsageError (nothing written) for bad input."""
    where = Loc("<command line>")
    problems = []
    if decision not in spec.assumptions:
        known = did_you_mean(decision, spec.assumptions)
        problems.append(Problem(where, "error", f"unknown decision {decision!r}{known}"
                                f"; the spec has {', '.join(spec.assumptions)}", "unknown-decision"))
    if verdict not in VERDICTS:
        problems.append(Problem(where, "error", f"verdict: expected one of {', '.join(VERDICTS)}", "bad-usage"))
    if not by.strip():
        problems.append(Problem(where, "error", "--by: expected the name of who signs, not empty", "bad-usage"))
    if not _DATE.match(date):
        problems.append(Problem(where, "error", f"--date: expected YYYY-MM-DD, found {date!r}", "bad-usage"))
    if problems:
        raise UsageError(problems)
    signoffs = load_signoffs(spec, path)
    snapshot = decision_snapshot(spec, decision)
    entry = SignOff(decision, verdict, by.strip(), date, comment.strip(), spec_revision(spec), fingerprint(snapshot),
                    snapshot)
    signoffs.entries[decision] = entry
    write_signoffs(spec, signoffs, path)
    return entry


def import_signoffs(spec: Spec, file: str, path: str | None = None) -> list[SignOff]:
    """Merge a file exported by the review page into the spec's sign-offs; return the entries taken.

    Each entry's fingerprint must be the decision's fingerprint now: a page made from another version of the
    spec signed something else (regenerate the page and sign again). UsageError, located, nothing written.
    """
    try:
        data = load_yaml_file(file)
    except KmsflowError as exc:
        raise UsageError(exc.problems) from None
    imported = _read_signoffs(spec, data, file, need_signed=False)
    problems = []
    signoffs_loc = data.loc_of("signoffs")
    for decision, entry in imported.entries.items():
        now = decision_snapshot(spec, decision)
        if entry.fingerprint != fingerprint(now):
            where = data["signoffs"][decision].loc_of("fingerprint") if isinstance(data["signoffs"], LDict) \
                else signoffs_loc
            problems.append(Problem(where, "error", f"{decision} was signed on a page made from another version of "
                                    "the spec (its fingerprint differs): regenerate the page and sign again",
                                    "stale-signoff"))
        entry.signed = now
        entry.revision = entry.revision or spec_revision(spec)
    if problems:
        raise UsageError(problems)
    if not imported.entries:
        raise UsageError(Problem(signoffs_loc, "error", "no sign-off in this file", "bad-signoff"))
    signoffs = load_signoffs(spec, path)
    signoffs.entries.update(imported.entries)
    write_signoffs(spec, signoffs, path)
    return list(imported.entries.values())
