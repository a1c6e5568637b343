"""What a screen says to people: texts filled from the world, and a name a reader can tell apart.

A screen's ``title``, ``status`` and ``text`` are templates: they may name the
spec's parameters and world variables in braces ("Pay {price} now?"), and are
filled when the screen is shown. Only plain ``{name}`` fields are allowed; ``{{``
and ``}}`` stand for literal braces.

Screens may share a title on the device (two "Connecting..." screens); wherever a
screen is named to a reader (diagrams, the review document, play's step lines)
:func:`reader_name` tells them apart by the screen's ``caption``, or by its name
when it has none.

Pure functions over the loaded spec; nothing here knows a particular spec.

>>> fill("A coffee for {price} coins? {{sic}}", {"price": 2})
'A coffee for 2 coins? {sic}'
>>> template_names("{wrong_tries} of {max_tries} tries ({keypad}); {wrong_tries}")
('wrong_tries', 'max_tries', 'keypad')
"""
from __future__ import annotations

from collections import Counter
from string import Formatter
from typing import Any, Mapping

from .model import Screen, Spec

__all__ = ["TEXT_KEYS", "TemplateError", "template_names", "fill", "text_names", "initial_values",
           "screen_texts", "reader_name", "reader_names", "region_noun", "source_noun"]

#: The keys of a screen that are templates, in the order the device shows them.
TEXT_KEYS = ("title", "status", "text")

_LITERAL_BRACES = "write {{ or }} for a literal brace"


class TemplateError(ValueError):
    """A text that is not a template of plain ``{name}`` fields, or that names a value not given."""


def _parts(template: str) -> list[tuple[str, str | None]]:
    """(literal text, field name or None) pairs; raises TemplateError for anything but plain named fields."""
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"unmatched brace ({exc}); {_LITERAL_BRACES}") from None
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            parts.append((literal, None))
            continue
        field = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name == "" or name.isdigit():
            raise TemplateError(f"positional field {field}: name a parameter or world variable in the braces")
        if "." in name or "[" in name:
            raise TemplateError(f"{field}: attribute or index access is not allowed, only a plain {{name}}")
        if conversion:
            raise TemplateError(f"{field}: a conversion (!{conversion}) is not allowed, only a plain {{name}}")
        if spec:
            raise TemplateError(f"{field}: a format specification is not allowed, only a plain {{name}}")
        if not name.isidentifier():
            raise TemplateError(f"{field}: {name!r} is not a name; {_LITERAL_BRACES}")
        parts.append((literal, name))
    # What the parser accepts silently ("{price:}", "{price!}"...) shows up as a difference when rebuilt.
    rebuilt = "".join(literal.replace("{", "{{").replace("}", "}}") + ("{" + name + "}" if name else "")
                      for literal, name in parts)
    if rebuilt != template:
        raise TemplateError(f"only plain {{name}} fields are allowed; {_LITERAL_BRACES}")
    return parts


def template_names(template: str) -> tuple[str, ...]:
    """The names ``template`` uses, each once, in order of first use; raises TemplateError when malformed."""
    return tuple(dict.fromkeys(name for _, name in _parts(template) if name is not None))


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]``; raises TemplateError for a name not given."""
    out = []
    for literal, name in _parts(template):
        out.append(literal)
        if name is not None:
            if name not in values:
                raise TemplateError(f"{{{name}}}: no value named {name!r}")
            value = values[name]
            out.append("-" if value is None else str(value))
    return "".join(out)


def text_names(spec: Spec) -> list[str]:
    """The names a screen text may use: the parameters, then the world variables."""
    return list(spec.parameters) + [name for name in spec.variables if name not in spec.parameters]


def initial_values(spec: Spec) -> dict[str, Any]:
    """The values texts are filled with when no world is running: default parameters and the initial world."""
    values: dict[str, Any] = {name: p.default for name, p in spec.parameters.items()}
    values.update({name: v.initial for name, v in spec.variables.items()})
    return values


def _filled(template: str, values: Mapping[str, Any]) -> str:
    """Filled, or the template as written when it cannot be (a spec that ``check`` refuses)."""
    try:
        return fill(template, values)
    except TemplateError:
        return template


def screen_texts(screen: Screen, values: Mapping[str, Any]) -> tuple[str, str, str]:
    """The screen's (title, status, text), filled from ``values`` (the live world and parameters)."""
    return (_filled(screen.title or screen.name, values), _filled(screen.status, values),
            _filled(screen.text, values))


def _reader_name(screen: Screen, shared: bool, values: Mapping[str, Any]) -> str:
    title = _filled(screen.title or screen.name, values)
    if not shared:
        return title
    return f"{title} ({screen.caption or screen.name})"


def _shared_titles(spec: Spec) -> set[str]:
    counts = Counter(screen.title or screen.name for screen in spec.screens.values())
    return {title for title, count in counts.items() if count > 1}


def reader_names(spec: Spec, values: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Every screen's name for readers (see :func:`reader_name`), computed once for the whole spec."""
    shared = _shared_titles(spec)
    values = initial_values(spec) if values is None else values
    return {name: _reader_name(screen, (screen.title or name) in shared, values)
            for name, screen in spec.screens.items()}


def reader_name(spec: Spec, screen: str, values: Mapping[str, Any] | None = None) -> str:
    """How a screen is named to a reader: its title when no other screen has that title,
    else "title (caption)", or "title (screen name)" when it has no caption.

    The title is filled from ``values`` (default: :func:`initial_values`). The phone
    itself still shows the bare title. An unknown screen is named as written.
    """
    found = spec.screens.get(screen)
    if found is None:
        return screen
    title = found.title or found.name
    shared = any(other is not found and (other.title or other.name) == title for other in spec.screens.values())
    return _reader_name(found, shared, initial_values(spec) if values is None else values)


def region_noun(spec: Spec) -> str:
    """What readers call the second region (``account:``): its ``called:`` words, else its variable in words.

    The region is the part of the world that lives on in the background (a
    keypad's lock, a machine's supplies, a licence); the engine has no word of
    its own for it. Without such a region, "background".
    """
    if spec.account is None:
        return "background"
    return spec.account.called or spec.account.variable.replace("_", " ")


def source_noun(spec: Spec) -> str:
    """What readers call the document the ``kb_steps`` retell: the first key of the spec's ``source:``.

    A spec that cites ``source: {article: "...", date: ...}`` has article steps; one that cites a
    ``manual:`` has manual steps; one that cites nothing has source steps.
    """
    return next(iter(spec.source), "source").replace("_", " ")
