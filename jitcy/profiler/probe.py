"""The profiling probe: counts calls, samples argument types and time, decides hotness.

While a function is profiled its ``__code__`` is the profiling trampoline (see
:func:`jitcy.compat.make_profile_trampoline`). Most calls take its cheap path: decrement
``s.skip`` and call the original code, with no Python call into jitcy. When ``s.skip`` is 0 the
call is *sampled*: it goes to the probe generated here for the function's argument layout. For
``def f(a, b=1)`` the probe is::

    def probe(s, p0, p1):
        w = s.batch                      # calls this sample stands for
        sig = (type(p0), type(p1))
        sigs = s.sigs
        sigs[sig] = sigs.get(sig, 0) + w
        if not s.profiling:              # hot already (building): stop sampling
            s.skip = QUIET
            return s.original(p0, p1)
        n = s.calls + w
        s.calls = n
        left = s.threshold - n
        if left > 0:                     # next sample: 1, 2, 4, ... SAMPLE calls later,
            b = n if n < SAMPLE else SAMPLE   # never past the threshold-th call
            if b > left:
                b = left
            s.batch = b
            s.skip = b - 1
        t0 = perf_counter()
        try:
            return s.original(p0, p1)
        finally:
            s.seconds += (perf_counter() - t0) * w
            if n >= s.threshold or s.seconds >= s.time_limit:
                s.became_hot()

So the call count is exact (the threshold-th call is always a sampled one), the argument
types and the cumulative time are estimated from the samples (the first calls are all
sampled, so a function with one long call is still hot after that call), and a function that
never gets hot pays the trampoline's cheap path plus one sampled call in ``SAMPLE``.

``s`` is the function's :class:`jitcy.hotfunc.HotFunction`. After the swap, a call whose
types the compiled guard rejects arrives in the *miss* function generated the same way,
which tries the other specializations and otherwise runs the original code. *passthrough*
just runs the original code.
"""
from __future__ import annotations

import collections
import functools
import time

from ..compat import SignatureShape

#: At most one call in SAMPLE is timed and has its argument types recorded.
SAMPLE = 64
#: ``skip`` once the function is hot: no more samples (the trampoline is replaced soon).
QUIET = 1 << 62

_PROBE = """\
def probe(s{params}):
    w = s.batch
    sig = ({types})
    sigs = s.sigs
    sigs[sig] = sigs.get(sig, 0) + w
    if not s.profiling:
        s.skip = QUIET
        return s.original({call})
    n = s.calls + w
    s.calls = n
    left = s.threshold - n
    if left > 0:
        b = n if n < SAMPLE else SAMPLE
        if b > left:
            b = left
        s.batch = b
        s.skip = b - 1
    t0 = perf_counter()
    try:
        return s.original({call})
    finally:
        s.seconds += (perf_counter() - t0) * w
        if n >= s.threshold or s.seconds >= s.time_limit:
            s.became_hot()

def miss(s{params}):
    sig = ({types})
    target = s.dispatch.get(sig)
    if target is None:
        target = s.guard_missed(sig)
        if target is None:
            return s.original({call})
    return target[0](target[1]{params})

def passthrough(s{params}):
    return s.original({call})
"""

Probes = collections.namedtuple("Probes", "probe miss passthrough")


@functools.lru_cache(maxsize=1024)
def make_probe(shape: SignatureShape) -> Probes:
    """The probe, miss and passthrough functions for this argument layout (generated once)."""
    params = [f"p{i}" for i in range(len(shape.params))]
    types_ = "".join(f"type({p}), " for p in params)
    source = _PROBE.format(
        params="".join(", " + p for p in params),
        types=types_,
        call=shape.call_arguments(params),
    )
    namespace = {"perf_counter": time.perf_counter, "type": type, "SAMPLE": SAMPLE,
                 "QUIET": QUIET}
    exec(compile(source, f"<jitcy probe {shape.params}>", "exec"), namespace)
    return Probes(namespace["probe"], namespace["miss"], namespace["passthrough"])
