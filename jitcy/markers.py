"""Markers the user writes in functions jitcy compiles; interpreted, they do nothing.

``with jitcy.nogil():`` marks a block that compiled code runs without the GIL when every
name in it is held in C (see ``analyzer/nogil_blocks.py``). Interpreted, it is a cheap
no-op context manager: ``nogil()`` returns one shared object whose ``__enter__`` and
``__exit__`` do nothing.
"""
from __future__ import annotations


class _NoGil:
    __slots__ = ()

    def __enter__(self):
        return None

    def __exit__(self, exc_type, exc, tb):
        return False

    def __repr__(self):
        return "jitcy.nogil()"


_NOGIL = _NoGil()


def nogil():
    """``with jitcy.nogil():`` -- run this block without the GIL once the function is compiled
    (when everything in it is C-typed; otherwise it keeps the GIL and ``stats``/``explain``
    say why). Interpreted, the block just runs."""
    return _NOGIL
