"""The profiling probe: counts calls, samples argument types and time, decides hotness.

While a function is profiled its ``__code__`` is the profiling trampoline (see
:func:`jitcy.compat.make_profile_trampoline`). Most calls take its cheap path: decrement
``s.skip`` and call the original code, with no Python call into jitcy. When ``s.skip`` is 0 the
call is *sampled*: it goes to the probe generated here for the function's argument layout. For
``def f(a, b=1)`` the probe is::

    def probe(s, p0, p1):
        w = s.batch                      # calls this sample stands for
        sig = (type(p0), type(p1))
        if sig not in plain:             # a NumPy array: (dtype, ndim, layout), see arrays.py
            sig = refine(sig, (p0, p1))
        sigs = s.sigs
        sigs[sig] = sigs.get(sig, 0) + w
        if not s.profiling:              # hot already (building): time 1 call in SAMPLE
            ...                          # until SAMPLES calls were timed, then stop
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
            dt = perf_counter() - t0
            s.seconds += dt * w
            ... keep dt in s.samples (the interpreted call time, see hotfunc.py)
            if n >= s.threshold or s.seconds >= s.time_limit:
                s.became_hot()

So the call count is exact (the threshold-th call is always a sampled one), the argument
types and the cumulative time are estimated from the samples (the first calls are all
sampled, so a function with one long call is still hot after that call), and a function that
never gets hot pays the trampoline's cheap path plus one sampled call in ``SAMPLE``.

``s`` is the function's :class:`jitcy.hotfunc.HotFunction`. After the swap, a call whose
types the compiled guard rejects arrives in the *miss* function generated the same way,
which tries the other specializations and otherwise runs the original code. *passthrough*
just runs the original code. Right after the swap, *measure* runs calls compiled and
interpreted in pairs (one of each, in a random order: see ``window_order``; both called
from C) and times each (``HotFunction.measured``: a specialization slower than the
interpreter is dropped); *measure_other* does the same, through the miss dispatcher, for a
specialization of another signature (``HotFunction.OtherWindow``).
"""
from __future__ import annotations

import collections
import functools
import operator
import os
import time

from ..compat import SignatureShape
from .arrays import make_refiner

perf_counter = time.perf_counter

#: Signatures known to hold no NumPy array (shared by every probe; see arrays.py).
_PLAIN: set = set()
PLAIN_SIGNATURES = _PLAIN       # (read by hotfunc.py: which misses an entry may serve in C)
_REFINE = make_refiner(_PLAIN)

#: At most one call in SAMPLE is timed and has its argument types recorded.
SAMPLE = 64
#: ``skip`` once the function is hot and SAMPLES calls were timed: no more samples.
QUIET = 1 << 62
#: Timed interpreted calls kept (``s.samples``) for "keep only what pays" (hotfunc.py):
#: while the function builds, one call in SAMPLE is still timed until there are this many.
SAMPLES = 64

_PROBE = """\
def probe(s{params}):
    w = s.batch
    sig = ({types})
    if sig not in plain:
        sig = refine(sig, ({args}))
    sigs = s.sigs
    sigs[sig] = sigs.get(sig, 0) + w
    if not s.profiling:
        samples = s.samples
        if len(samples) >= SAMPLES:
            s.skip = QUIET
            return s.original({call})
        s.skip = SAMPLE - 1
        t0 = perf_counter()
        try:
            return s.original({call})
        finally:
            samples.append(perf_counter() - t0)
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
        dt = perf_counter() - t0
        s.seconds += dt * w
        samples = s.samples
        if len(samples) < SAMPLES:
            samples.append(dt)
        if n >= s.threshold or s.seconds >= s.time_limit:
            s.became_hot()

def miss(s{params}):
    sig = ({types})
    if sig not in plain:
        sig = refine(sig, ({args}))
    target = s.dispatch.get(sig)
    if target is None:
        target = s.guard_missed(sig)
        if target is None:
            return s.original({call})
    return target[0](target[1]{params})

def passthrough(s{params}):
    return s.original({call})

def measure(s{params}):
    owner = timing.owner
    if owner is not None:                # inside a timed call: untimed (see TIMING)
        if owner is s and not timing.compiled:
            return s.original({call})
        return call(s.measured_function, {call})
    n = s.window_calls
    s.window_calls = n + 1
    compiled = s.window_order[n & ORDER_MASK]
    f = s.measured_function if compiled else s.original
    b = s.measured_binding
    hits = b.calls
    t0 = perf_counter()
    try:
        timing.owner, timing.compiled = s, compiled    # (inside: finally always undoes it)
        return call(f, {call})
    finally:
        t = perf_counter() - t0
        timing.owner = None
        s.measured(t, compiled, b.calls == hits)

def measure_other(w{params}):
    owner = timing.owner
    if owner is not None:
        if owner is w and not timing.compiled:
            return w.original({call})
        return w.entry(w.binding{params})
    n = w.calls
    w.calls = n + 1
    compiled = w.order[n & ORDER_MASK]
    t0 = perf_counter()
    try:
        timing.owner, timing.compiled = w, compiled
        if compiled:
            return w.entry(w.binding{params})
        return w.original({call})
    finally:
        t = perf_counter() - t0
        timing.owner = None
        w.measured(t, compiled)

def measure_generator(s{params}):
    owner = timing.owner
    if owner is not None:                # made inside a timed call (or step): untimed
        if owner is s and not timing.compiled:
            return s.original({call})
        return s.measured_function({call})
    n = s.window_calls
    s.window_calls = n + 1
    compiled = s.window_order[n & ORDER_MASK]
    f = s.measured_function if compiled else s.original
    return timed_steps(s, f({call}), compiled)
"""

#: A measuring window's calls, in pairs: the first call of each pair runs compiled or
#: interpreted at random, the second the other side. Not plain alternation, which any
#: period-2 pattern of the program's own would bias: a loop calling ``f(small); f(big)``
#: would time every big call on the same side, and a function called once per call of
#: another function in its window would run in lockstep with it. Pairs keep both sides'
#: counts equal at every even call, so the warm-up is the same on both sides. The order
#: repeats after ORDER_LENGTH calls (a window is decided within ~160).
ORDER_LENGTH = 256
ORDER_MASK = ORDER_LENGTH - 1


def window_order(compiled_first: bool | None = None) -> bytes:
    """One window's order (``window_order[n & ORDER_MASK]``: 1 if its n-th call runs
    compiled). Random bits from ``os.urandom``: the ``random`` module's state is the
    user's. ``compiled_first`` fixes the first pair's order."""
    bits = int.from_bytes(os.urandom(ORDER_LENGTH // 16), "little")
    order = bytearray(ORDER_LENGTH)
    for k in range(ORDER_LENGTH // 2):
        first = (bits >> k) & 1
        order[2 * k], order[2 * k + 1] = first, 1 - first
    if compiled_first is not None:
        order[0], order[1] = (1, 0) if compiled_first else (0, 1)
    return bytes(order)

class _Timing:
    """The timed call (or generator step) in progress: at most one per process (TIMING)."""

    __slots__ = ("owner", "compiled")

    def __init__(self):
        self.owner = None        # the HotFunction (or OtherWindow) whose call is timed
        self.compiled = 0        # ... and its side


#: The window call (or generator step) being timed. A call of another function in its
#: window made inside it is not timed, nor sampled: it runs compiled, as it will once
#: decided (a call of the same function, recursing, runs on the side of the timed call;
#: a generator made there is not timed either). Else the caller's time
#: held the callee's window: its timer, its bookkeeping and each verdict's medians (a
#: timed window call of raytrace's ``mustBeVector``: 737 ns; untimed, as now: 107 ns;
#: swapped: 61 ns), on one side or the other. raytrace's ``Vector.dot``, its caller,
#: measured 892 vs 761 ns (compiled vs interpreted) with that window open and 300 vs
#: 411 ns without, and ``dot``, ``Point.__sub__`` and ``Ray.__init__`` were reverted on
#: such samples. The callee's window waits: its samples come from its
#: calls outside the caller's timed calls (once the caller is decided, at the latest).
#: One per process, not per thread: another thread's window call meanwhile runs untimed
#: too, which costs only samples.
TIMING = _Timing()

#: ``measure`` calls both sides from C (operator.call, 3.11+), as compiled callers do: the
#: compiled side is then entered through its vectorcall, without the trampoline frame
#: that a call from the interpreter pays (translator/runtime.py, FAST_EXPORT). Most calls
#: of a small hot function come from other compiled functions once its callers are hot.
_CALL = getattr(operator, "call", lambda f, *args, **kwargs: f(*args, **kwargs))

#: A generator's steps are timed in chunks of this many (one sample each, per step).
STEPS_PER_SAMPLE = 64
#: Steps of one generator timed at most: past them it runs on untimed (an endless stream
#: would otherwise pay the timing for good).
TIMED_STEPS_MAX = 1 << 16


def timed_steps(s, inner, compiled):
    """``yield from inner`` (PEP 380, written out) that times each step inside ``inner``
    (next, send, throw) and reports each chunk of STEPS_PER_SAMPLE steps (and the last,
    shorter one) to ``s.measured_steps``. A generator function's call only makes the
    generator, so its steps are what keep-what-pays compares (hotfunc.py): ``inner`` is the
    compiled side (the trampoline's generator, its delegation included, as the swapped
    function runs it) or the interpreted one, whole generators, in pairs. Once the
    window closed or after TIMED_STEPS_MAX steps, at the first step the caller asks for
    with next(), the rest is a plain ``yield from inner``."""
    b = s.measured_binding          # its entry counts the calls that passed its guard
    hits = b.calls
    fell_back = None                # known after the first step (the entry runs there)
    spent, steps, total = 0.0, 0, 0
    sent = thrown = None
    timed = True
    try:
        while timed or sent is not None or thrown is not None:
            if TIMING.owner is not None:     # a step inside a timed call: untimed
                try:
                    item = inner.send(sent) if thrown is None else inner.throw(thrown)
                except StopIteration as stop:
                    return stop.value
            else:
                t0 = perf_counter()
                try:
                    TIMING.owner, TIMING.compiled = s, compiled
                    item = inner.send(sent) if thrown is None else inner.throw(thrown)
                except StopIteration as stop:
                    spent += perf_counter() - t0
                    steps += 1
                    return stop.value
                finally:
                    TIMING.owner = None
                spent += perf_counter() - t0
                steps += 1
            if fell_back is None:
                fell_back = b.calls == hits
            if steps == STEPS_PER_SAMPLE:
                s.measured_steps(spent, steps, compiled, fell_back)
                total += steps
                spent, steps = 0.0, 0
                timed = s.measuring is not None and total < TIMED_STEPS_MAX
            thrown = None
            try:
                sent = yield item
            except GeneratorExit:
                inner.close()
                raise
            except BaseException as exc:     # noqa: B036  (thrown in: passed on, as yield from)
                thrown, sent = exc, None
    finally:
        if steps and s.measuring is not None:
            s.measured_steps(spent, steps, compiled,
                             b.calls == hits if fell_back is None else fell_back)
    return (yield from inner)


Probes = collections.namedtuple("Probes", "probe miss passthrough measure measure_generator "
                                           "measure_other")


@functools.lru_cache(maxsize=1024)
def make_probe(shape: SignatureShape) -> Probes:
    """The probe, miss and passthrough functions for this argument layout (generated once)."""
    params = [f"p{i}" for i in range(len(shape.params))]
    types_ = "".join(f"type({p}), " for p in params)
    source = _PROBE.format(
        params="".join(", " + p for p in params),
        types=types_,
        args="".join(f"{p}, " for p in params),
        call=shape.call_arguments(params),
    )
    namespace = {"perf_counter": time.perf_counter, "type": type, "SAMPLE": SAMPLE, "call": _CALL,
                 "timed_steps": timed_steps, "ORDER_MASK": ORDER_MASK, "timing": TIMING,
                 "QUIET": QUIET, "SAMPLES": SAMPLES, "plain": _PLAIN, "refine": _REFINE}
    exec(compile(source, f"<jitcy probe {shape.params}>", "exec"), namespace)
    return Probes(namespace["probe"], namespace["miss"], namespace["passthrough"],
                  namespace["measure"], namespace["measure_generator"],
                  namespace["measure_other"])
