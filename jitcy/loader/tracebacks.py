"""Tracebacks from compiled code name the user's file, function and line.

Cython records a traceback entry for each compiled function an exception leaves, with the
generated ``.pyx`` as file, names like ``_jitcy_ab12.__jitcy_impl_obj`` and ``.pyx`` line
numbers. The swapped-in trampoline (see :func:`jitcy.compat.make_trampoline`) catches an
exception leaving the compiled entry and calls :func:`fix_traceback`, then re-raises it.
That rewrites the part of the traceback below the trampoline:

* an entry of a jitcy module (its frame's globals hold ``__jitcy_LINES``, the translator's
  ``.pyx`` line -> user line map) on a body line becomes an entry for the trampoline's own
  frame, which *is* the user's function (its code carries the user's file, name and
  qualified name, its locals are the arguments) at the user's line: ``traceback`` then
  prints the user's source text for it;
* other jitcy entries (the entry function, helpers, the profiler's miss dispatcher) are
  dropped;
* real frames (the user's code run interpreted, functions called from compiled code) stay.

A compiled function called from C (another compiled function, a builtin, ``__init__``
through the class) skips the trampoline: its module's vectorcall calls the entry directly
and, when an exception leaves it, :func:`fix_traceback_direct` does the same with a fresh
frame of the user's code standing in for the trampoline's.

On Python 3.11+ the trampoline's own entry (which points at the ``def`` line) is dropped
too, since a bare ``raise`` does not add it again: the traceback then reads exactly like
the interpreter's. On 3.10 it stays (one extra line naming the function).

This never raises: if anything is odd, the traceback is left as Cython made it.
"""
from __future__ import annotations

import sys
import types

from ..translator import naming

_DROP_FILES = ("<jitcy",)
_DROP_TRAMPOLINE_ENTRY = sys.version_info >= (3, 11)


def _rebuild(tb, user_frame):
    entries = []
    while tb is not None:
        frame = tb.tb_frame
        lines = frame.f_globals.get(naming.LINES)
        if type(lines) is dict:
            user_line = lines.get(tb.tb_lineno)
            if user_line is not None:
                entries.append((user_frame, -1, user_line))
        elif not frame.f_code.co_filename.startswith(_DROP_FILES):
            entries.append((frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    chain = None
    for frame, lasti, lineno in reversed(entries):
        chain = types.TracebackType(chain, frame, lasti, lineno)
    return chain


def fix_traceback() -> None:
    """Called in the trampoline's ``except`` block (the exception being handled)."""
    try:
        exc = sys.exc_info()[1]
        head = exc.__traceback__ if exc is not None else None
        if head is None or head.tb_next is None:
            return
        chain = _rebuild(head.tb_next, head.tb_frame)
        if chain is None:
            head.tb_next = None
        elif _DROP_TRAMPOLINE_ENTRY:
            exc.__traceback__ = chain
        else:
            head.tb_next = chain
    except Exception:  # noqa: BLE001 - a traceback fix must never change what is raised
        pass


def fix_traceback_direct(exc, user_frame) -> None:
    """The same for a compiled function called from C through its vectorcall (no trampoline
    frame; translator/runtime.py): ``user_frame`` is a fresh frame of the user's code that
    the body's entries are put on."""
    try:
        tb = exc.__traceback__
        if tb is not None:
            exc.__traceback__ = _rebuild(tb, user_frame)
    except Exception:  # noqa: BLE001 - a traceback fix must never change what is raised
        pass
