"""``kmsflow play --diagram FILE.svg``: the overview with the path so far, rewritten after every change.

The diagram serves the room, not the session: a write that fails (a full disk,
the file replaced by a folder, Graphviz gone) is said once, as a line of the
step's reply, and the session goes on; when a later write works again, that is
said too. Saving the session is not affected.
"""
from __future__ import annotations

import graphviz

from ..draw.diagrams import live_path_svg
from ..draw.views import ViewSet
from ..errors import KmsflowError
from ..output import write_atomic
from .session import PlaySession

__all__ = ["LiveDiagram"]


class LiveDiagram:
    """A session listener (see :meth:`PlaySession.add_listener`) that keeps ``path`` up to date.

    Called with the session, it writes the SVG and returns a line to show, or None: the reason
    the first time a write fails (not again while it keeps failing for that reason), and a
    line when writing works again.
    """

    def __init__(self, path: str, views: ViewSet):
        self.path = path
        self.views = views
        self.failing: str | None = None  # why the latest write failed; None while writes work

    def __call__(self, session: PlaySession) -> str | None:
        try:
            write_atomic(self.path, live_path_svg(session.spec, self.views, "played session", session.sim.given,
                                                  session.path))
        except (KmsflowError, graphviz.CalledProcessError, graphviz.ExecutableNotFound, OSError) as exc:
            reason = exc.problems[0].message if isinstance(exc, KmsflowError) else str(exc).splitlines()[0]
            if reason == self.failing:
                return None
            self.failing = reason
            return (f"Note: the live diagram {self.path} could not be updated ({reason}); the session goes on "
                    "and the next step tries again.")
        if self.failing is None:
            return None
        self.failing = None
        return f"Note: the live diagram {self.path} is up to date again."
