"""Pausing Python's cyclic garbage collector while a big structure of plain objects is built.

Loading a big spec, walking it and searching its suites each create millions
of small objects (dicts, lists, tuples, positions) and no reference cycles;
every automatic collection would rescan all of them, so the time grows faster
than the size (a 50,000-screen spec loaded in 33 s with the collector on).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a big build, then give it back as it was.

    Reference counting still frees everything as usual. On the way out, what
    was built meanwhile would all sit in the youngest generation and be
    rescanned by the next collections; instead it is aged into the oldest one
    in one step (``freeze`` then ``unfreeze``, two list splices). That is done
    only when the caller has frozen nothing itself, so afterwards nothing is
    frozen and every object, the caller's included, stays collectable.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
