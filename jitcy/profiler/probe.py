"""The profiling probe: counts calls, records argument types and time, decides hotness.

While a function is profiled its ``__code__`` is a trampoline (see :mod:`jitcy.compat`)
into a probe generated for its argument layout. For ``def f(a, b=1)`` the probe is::

    def probe(s, p0, p1):
        s.calls += 1
        sig = (type(p0), type(p1))
        sigs = s.sigs
        sigs[sig] = sigs.get(sig, 0) + 1
        if not s.profiling:
            return s.original(p0, p1)
        t0 = perf_counter()
        try:
            return s.original(p0, p1)
        finally:
            s.seconds += perf_counter() - t0
            if s.calls >= s.threshold or s.seconds >= s.time_limit:
                s.became_hot()

``s`` is the function's :class:`jitcy.hotfunc.HotFunction`. After the swap, a call whose
types the compiled guard rejects arrives in the *miss* function generated the same way,
which tries the other specializations and otherwise runs the original code.
"""
from __future__ import annotations

import functools
import time

from ..compat import SignatureShape

_PROBE = """\
def probe(s{params}):
    s.calls += 1
    sig = ({types})
    sigs = s.sigs
    sigs[sig] = sigs.get(sig, 0) + 1
    if not s.profiling:
        return s.original({call})
    t0 = perf_counter()
    try:
        return s.original({call})
    finally:
        s.seconds += perf_counter() - t0
        if s.calls >= s.threshold or s.seconds >= s.time_limit:
            s.became_hot()

def miss(s{params}):
    sig = ({types})
    target = s.dispatch.get(sig)
    if target is None:
        target = s.guard_missed(sig)
        if target is None:
            return s.original({call})
    return target[0](target[1]{params})
"""


@functools.lru_cache(maxsize=256)
def make_probe(shape: SignatureShape):
    """``(probe, miss)`` for functions of this argument layout (generated once per layout)."""
    params = [f"p{i}" for i in range(len(shape.params))]
    types_ = "".join(f"type({p}), " for p in params)
    source = _PROBE.format(
        params="".join(", " + p for p in params),
        types=types_,
        call=shape.call_arguments(params),
    )
    namespace = {"perf_counter": time.perf_counter, "type": type}
    exec(compile(source, f"<jitcy probe {shape.params}>", "exec"), namespace)
    return namespace["probe"], namespace["miss"]
