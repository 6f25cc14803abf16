"""Per-function state: COLD -> PROFILING -> BUILDING -> SWAPPED | FAILED, with its stats.

One :class:`HotFunction` per user function object. It is reachable from the function only
through the trampoline's constants (never an attribute on the function: ``functools.wraps``
would copy it to wrappers), and it holds the function weakly, so dropping the function
frees both.

Who changes ``f.__code__``, and when:

* :meth:`start` installs the profiling trampoline (COLD -> PROFILING).
* the trampoline counts calls down in ``skip`` and sends one call in a while (see
  :mod:`jitcy.profiler.probe`) to the probe; the probe calls :meth:`became_hot` at a call
  boundary; the pipeline builds
  (PROFILING -> BUILDING), on the background thread or, with ``JITCY_SYNC=1``, right there.
* a finished build swaps the compiled trampoline in at once (BUILDING -> SWAPPED), so the
  next call runs compiled and ``jitcy.wait()`` returning means "swapped". Assigning
  ``__code__`` is atomic under the GIL and a frame keeps the code object it started with, so
  a thread already inside the old code simply finishes there (design.md asks for the swap at
  a call boundary; any moment between two bytecodes is one).
* a failed build restores the original code: a failed function pays nothing (-> FAILED).
* when enough interpreted calls were timed, the swap first installs a measuring trampoline;
  after a few dozen timed compiled calls it installs the compiled trampoline, or, if the
  compiled code is clearly slower, puts the original code back (-> REVERTED, with figures).
  A generator function is measured by its generators' steps (a call only makes the
  generator): :meth:`measured_steps`.
* :meth:`unswap` restores the original code for good.
* :meth:`ignore` (``@jitcy.ignore``) restores the original code and never compiles (-> IGNORED).
* :meth:`suspend` / :meth:`resume` (``jitcy.disable()`` / ``jitcy.enable()``) put the
  original code back and later re-install the code the current state wants; the state
  machine keeps running while suspended (a build that finishes is recorded, not installed).

jitcy never overwrites a ``__code__`` it did not put there: if the user assigned their own,
that assignment stays and the function is left alone.
"""
from __future__ import annotations

import bisect
import collections
import dataclasses
import enum
import math
import statistics
import threading
import time
import types
import weakref

from . import compat
from .profiler import make_probe
from .profiler.probe import STEPS_PER_SAMPLE, window_order
from .profiler.probe import PLAIN_SIGNATURES
from .profiler.arrays import stable_tuples

#: Other signatures an entry tries itself on a guard miss (a linear scan, in C).
MAX_ALTS = 4
#: Distinct raw signatures remembered by the miss dispatcher before it stops caching.
_DISPATCH_CACHE_LIMIT = 64


def _noop() -> None:
    pass


class SkipCounter:
    """The profiling trampoline's countdown (a slot: the cheapest attribute to update)."""

    __slots__ = ("skip",)

    def __init__(self):
        self.skip = 0


#: Keep only what pays (issue 3, item 9). Right after the swap the compiled code's call time
#: is measured (through the same kind of timed call as the interpreted one while profiling)
#: and compared with the interpreted call time: medians, a clear margin and a rank test, so
#: noise never undoes a real speedup.
MIN_INTERPRETED_SAMPLES = 9     # fewer timed calls while profiling: no measuring, swap stays
CHEAP_CALL_SECONDS = 20e-6      # measured only if an interpreted call costs less (else the
                                # call boundary cannot decide, and the window would run
                                # slow interpreted calls)
MEASURED_CALLS = 31             # compiled (and as many interpreted) calls timed
EARLY_KEEP_CALLS = 5            # ... or this many, if compiled is already 2x faster
WARMUP_CALLS = 16              # each side's first calls of the window, not timed (see measured)
SLOWER_MARGIN = 1.25            # compiled median above 1.25x the interpreted median: revert
SLOWER_RANK_Z = 2.33            # ... if the rank test says compiled is slower (p < 0.01)
                                # ... in two rounds of samples running (see _confirmed)


_overhead: list = []


def _timer_overhead() -> float:
    """Seconds the probe's timing adds around a call: the cheapest of a few timed calls of
    an empty function (measured once per process)."""
    if not _overhead:
        def empty():
            pass
        perf_counter, best = time.perf_counter, float("inf")
        for _ in range(51):
            t0 = perf_counter()
            try:
                empty()
            finally:
                best = min(best, perf_counter() - t0)
        _overhead.append(best)
    return _overhead[0]


_step_overhead: list = []


def _step_timer_overhead() -> float:
    """Seconds the timing of one generator step adds (probe.timed_steps): the cheapest of a
    few timed calls of a C method with one argument, as ``inner.send(sent)`` is (the clock
    and the call; the generator's own resume is the step's cost, on both sides). Without
    it the call, the same on both sides, would hide the difference of a cheap step."""
    if not _step_overhead:
        perf_counter, best = time.perf_counter, float("inf")
        method = frozenset().__contains__
        for _ in range(51):
            t0 = perf_counter()
            method(None)
            best = min(best, perf_counter() - t0)
        _step_overhead.append(best)
    return _step_overhead[0]


def _verdict(compiled_samples: list, interpreted_samples: list, overhead: float,
             unit: str = "call"):
    """The decision of a measuring window after each sample: None (measure on), or
    ``(slower, figures)``. Medians of interleaved samples, ``overhead`` (the timer's, the
    same on both sides) taken off both: an underestimate, it only pulls the ratio towards
    1 and never invents a slowdown. Decided after EARLY_KEEP_CALLS samples of each side
    if compiled is already 2x faster, else after MEASURED_CALLS; slower means more than
    SLOWER_MARGIN x the interpreted median (and slower before the correction too), and
    the samples say so as a whole (``_rank_z``): the medians alone are not enough where
    the calls take two (or more) clearly different times, one per branch taken. There the
    median of 31 calls falls in either group by chance: richards' ``HandlerTask.fn``
    (~400 or ~1400 ns a call) came out 1322 ns compiled vs 701 ns interpreted, one side's
    median in each group, and was reverted."""
    n = min(len(compiled_samples), len(interpreted_samples))
    if n < EARLY_KEEP_CALLS or (n < MEASURED_CALLS and n != EARLY_KEEP_CALLS):
        return None
    # The first n of each side: called after every sample, the verdict comes when the
    # side behind reaches n (the window's pairs keep the other at most one ahead).
    compiled_samples, interpreted_samples = compiled_samples[:n], interpreted_samples[:n]
    raw_c = statistics.median(compiled_samples)
    raw_i = statistics.median(interpreted_samples)
    compiled, interpreted = max(raw_c - overhead, 1e-9), max(raw_i - overhead, 1e-9)
    if n < MEASURED_CALLS and compiled * 2 > interpreted:
        return None                          # not clearly faster yet: measure on
    rank_z = _rank_z(compiled_samples, interpreted_samples)
    slower = (compiled > interpreted * SLOWER_MARGIN and raw_c > raw_i
              and rank_z > SLOWER_RANK_Z)
    return slower, {
        f"interpreted_ns_per_{unit}": round(interpreted * 1e9, 1),
        f"compiled_ns_per_{unit}": round(compiled * 1e9, 1),
        "timer_ns": round(overhead * 1e9, 1),
        "rank_z": round(rank_z, 2),
        "interpreted_calls": len(interpreted_samples),
        "compiled_calls": len(compiled_samples),
        "verdict": "slower: back to the interpreter" if slower else "kept",
    }


def _rank_z(compiled: list, interpreted: list) -> float:
    """How sure the samples are that compiled calls take longer: the Mann-Whitney U
    statistic of "a compiled sample is larger than an interpreted one" (ties count half)
    as a z score, normal approximation (about 2.33 at p = 0.01, one-sided). Ranks only:
    a few spikes weigh what any other large sample weighs, and two groups of call times
    that both sides run in about the same proportions give a z near 0."""
    n1, n2 = len(compiled), len(interpreted)
    ordered = sorted(interpreted)
    u = 0.0
    for c in compiled:
        below = bisect.bisect_left(ordered, c)
        u += below + (bisect.bisect_right(ordered, c) - below) / 2
    spread = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return (u - n1 * n2 / 2) / spread if spread else 0.0


def _confirmed(window, verdict):
    """The verdict to act on, or None to measure on. A first "slower" is measured again,
    on fresh samples, and counts only if the second round says so too: a revert is for
    good (the function, or that signature, runs interpreted and is never built again),
    and one round of 31 samples can still say "slower" by chance for a function that is
    not. In one full bench_kernels run, richards' ``Task.runTask`` (its calls take
    400 to 2400 ns), ``Task.hold`` and ``TaskState.packetPending`` were reverted that
    way: richards 1.4x instead of 2.1x CPython; alone, the same functions measure
    kept. ``window``: the HotFunction (its primary's window) or an OtherWindow; the
    figures of a first round are kept as ``first_round`` in the final ones."""
    slower, figures = verdict
    if window.first_round is None and slower:
        window.first_round = figures
        return None
    if window.first_round is not None:
        figures["first_round"] = window.first_round
    return verdict


class OtherWindow:
    """Keep-what-pays for a specialization of another signature than the primary's: its
    calls come through the miss dispatcher, which sends them here while it is measured
    (profiler/probe.py, ``measure_other``: ``entry(binding, ...)`` and the original in
    pairs of a random order, the compiled side first)."""

    __slots__ = ("hf", "spec", "entry", "binding", "original", "calls", "order", "compiled",
                 "interpreted", "interpreted_all", "first_round")

    def __init__(self, hf, spec):
        self.hf, self.spec = hf, spec
        self.entry, self.binding, self.original = spec.entry, spec.binding, hf.original
        self.calls = 0
        self.order = window_order(compiled_first=True)
        self.compiled, self.interpreted = [], []
        self.interpreted_all = []     # every interpreted call's time, warm-up included
        self.first_round = None       # the figures of a first "slower" (_confirmed)

    def measured(self, seconds: float, compiled: bool) -> None:
        self.hf.measured_other(self, seconds, compiled)


class State(str, enum.Enum):
    COLD = "cold"
    PROFILING = "profiling"
    BUILDING = "building"
    SWAPPED = "swapped"
    FAILED = "failed"
    IGNORED = "ignored"
    REVERTED = "reverted"       # compiled, measured slower than interpreted: runs interpreted


@dataclasses.dataclass
class Specialization:
    """One compiled version of a function, for one tuple of argument types."""

    arg_types: tuple           # the normalized types it was built for (object = any)
    entry: object              # compiled callable: entry(binding, *parameters)
    binding: object            # its per-function state (globals, cells, fallback)
    trampoline: types.CodeType
    compile_seconds: float
    cache_hit: bool
    module_name: str
    measured: dict | None = None   # call times after the swap and the verdict (item 9)
    export: tuple | None = None    # its module's C entry for direct calls (emit_calls.py)
    direct_callees: list = dataclasses.field(default_factory=list)   # globals called in C
    install_fast: object = None    # func -> None: its calls from C enter the compiled code
    fast: object = None            # capsule of its entry for calls from C (alts, see guard_missed)
    dropped: bool = False          # measured slower: its signature runs interpreted (item 9)

    def describe(self) -> dict:
        out = {
            "types": [t.__name__ for t in self.arg_types],
            "compile_seconds": round(self.compile_seconds, 4),
            "cache": "hit" if self.cache_hit else "miss",
            "module": self.module_name,
        }
        if self.measured is not None:
            out["measured"] = dict(self.measured)
        if self.direct_callees:
            out["direct_calls"] = list(self.direct_callees)
        return out


class HotFunction:
    def __init__(self, func: types.FunctionType, *, threshold: int, time_limit: float,
                 max_specializations: int, compile_request, normalize, once: bool = False,
                 on_error=None):
        self._func_ref = weakref.ref(func)
        self.qualname = f"{func.__module__}.{func.__qualname__}"
        self.original_code = func.__code__
        self.filename = func.__code__.co_filename
        self.firstlineno = func.__code__.co_firstlineno
        self.shape = compat.signature_shape(func.__code__)
        # The fallback: the original code as its own function object, sharing globals and
        # cells. Every parameter is passed explicitly, so defaults are never consulted.
        self.original = types.FunctionType(func.__code__, func.__globals__, func.__name__,
                                           func.__defaults__, func.__closure__)
        (self.probe, self.miss, self.passthrough, self.measure,
         self.measure_generator, self.measure_other) = make_probe(self.shape)
        self.generator = bool(func.__code__.co_flags & compat.CO_GENERATOR)
        self._on_error = on_error or _noop
        # on_error: takes the trampoline and the probe out of a traceback passing through
        self.counter = SkipCounter()
        self.profile_code = compat.make_profile_trampoline(func.__code__, self.probe, self,
                                                           self.original, on_error or _noop,
                                                           self.counter)
        self.threshold = threshold
        self.time_limit = time_limit
        self.max_specializations = 1 if once else max_specializations
        self.once = once                          # @jitcy.once: first signature only, never again
        self.suspended = False                    # jitcy.disable(): original code installed
        self._compile_request = compile_request   # pipeline: (hf, arg_types) -> None
        self._normalize = normalize               # analyzer: raw types -> guarded types

        self.lock = threading.RLock()
        self.state = State.COLD
        self.profiling = False
        self.calls = 0
        self.seconds = 0.0
        self.skip = 0            # calls the trampoline lets through before the next sample
        self.batch = 1           # calls the next sample stands for
        self.sigs: dict = {}
        self.samples: list = []              # seconds per interpreted call (the probe's)
        self.measuring: Specialization | None = None
        self.measure_code = None             # trampoline into self.measure while measuring
        self.measured_function = None        # the compiled code as a function, timed
        self.compiled_samples: list = []
        self.interpreted_samples: list = []
        self.window_calls = 0
        self.window_fallbacks = 0            # compiled-side calls that missed the guard
        self.first_round = None
        self.guard_misses = 0
        self.fallbacks = 0
        self.primary: Specialization | None = None
        self.specializations: list[Specialization] = []
        self.in_flight: set = set()
        self.dispatch: dict = {}
        self.windows: dict = {}      # id(specialization) -> its OtherWindow while measured
        self.miss_counts: collections.Counter = collections.Counter()
        self.reason: str | None = None
        self.failures: list[str] = []

    @property
    def func(self):
        return self._func_ref()

    @property
    def skip(self) -> int:
        """Calls the trampoline lets through before the next sample."""
        return self.counter.skip

    @skip.setter
    def skip(self, value: int) -> None:
        self.counter.skip = value

    # -- transitions ---------------------------------------------------------------
    def start(self) -> None:
        """COLD -> PROFILING: put the profiling trampoline in place."""
        with self.lock:
            func = self.func
            if func is None or self.state is not State.COLD:
                return
            self.state = State.PROFILING
            self.profiling = True
            self.skip, self.batch = 0, 1     # sample the next call
            if not self.suspended:
                func.__code__ = self.profile_code

    def became_hot(self) -> None:
        """Called by the probe once the call count or time limit is reached."""
        with self.lock:
            if not self.profiling:
                return
            self.profiling = False
            self.state = State.BUILDING
            if self.once:       # the first signature seen (dicts keep insertion order)
                raw = next(iter(self.sigs))
            else:
                raw = max(self.sigs.items(), key=lambda item: item[1])[0]
            arg_types = self._normalize(stable_tuples(raw, self.sigs))
            self.in_flight.add(arg_types)
        self._compile_request(self, arg_types)

    def begin_eager(self, arg_types: tuple) -> bool:
        """An eager compile (``signatures=``/``sample_args=``, ``jitcy build``) of
        ``arg_types`` starts; False if it is already compiled or in flight. Until the first
        specialization is ready the function stops profiling (it would only ask for the
        same build again) and keeps running interpreted."""
        with self.lock:
            if (self.state in (State.FAILED, State.IGNORED) or arg_types in self.in_flight
                    or any(s.arg_types == arg_types for s in self.specializations)):
                return False
            if self.primary is None and self.state is State.PROFILING:
                self.state = State.BUILDING
                self.profiling = False
            self.in_flight.add(arg_types)
            return True

    def eager_cancelled(self, arg_types: tuple) -> None:
        """A load-only eager request found nothing in the cache: profile as usual."""
        with self.lock:
            self.in_flight.discard(arg_types)
            if self.primary is None and self.state is State.BUILDING and not self.in_flight:
                self.state = State.PROFILING
                self.profiling = True
                self.skip, self.batch = 0, 1     # sample the next call

    def specialization_ready(self, spec: Specialization) -> None:
        """A build finished (any thread): swap it in, or offer it to the miss dispatcher."""
        with self.lock:
            self.in_flight.discard(spec.arg_types)
            func = self.func
            if self.state in (State.FAILED, State.IGNORED) or func is None:
                return
            self.specializations.append(spec)
            if self.primary is not None or self.state is not State.BUILDING:
                self._clear_dispatch()   # the miss dispatcher picks it up from now on
            elif func.__code__ is self.profile_code:
                self.primary = spec
                self.state = State.SWAPPED
                if len(self.samples) >= MIN_INTERPRETED_SAMPLES and (
                        self.generator or statistics.median(self.samples) < CHEAP_CALL_SECONDS):
                    # (a generator's call only makes it, so its cost says nothing: its
                    # steps are timed instead, see measured_steps)
                    self._start_measuring(func, spec)
                else:
                    func.__code__ = spec.trampoline
            elif self.suspended and func.__code__ is self.original_code:
                self.primary = spec          # installed by resume() (jitcy.enable())
                self.state = State.SWAPPED
            else:
                self._user_replaced_code()

    def specialization_failed(self, arg_types: tuple, reason: str) -> None:
        with self.lock:
            self.in_flight.discard(arg_types)
            self.failures.append(reason)
            if self.primary is not None or self.state is State.IGNORED:
                return          # the compiled code keeps running; only this signature stays slow
            if self.in_flight:
                return          # another eager signature may still succeed
            self.reason = reason
            self.state = State.FAILED
            self.profiling = False
            self._restore_original_code()

    def _add_alt(self, raw_sig: tuple, spec: Specialization) -> None:
        """Let the primary's entry call ``spec``'s itself, from C, for arguments of exactly
        these types (translator/runtime.py, TRY_ALTS): no miss dispatcher on the way.
        Only settled specializations (not measured, or measured and kept) and signatures
        of plain types (an array's is refined by dtype and layout: the dispatcher's)."""
        primary = self.primary
        if (primary is None or spec.fast is None or primary.fast is None
                or raw_sig not in PLAIN_SIGNATURES):
            return
        alts = primary.binding.alts or ()
        if len(alts) < MAX_ALTS and all(a[0] != raw_sig for a in alts):
            primary.binding.alts = alts + ((raw_sig, spec.fast, spec.binding),)

    def _clear_dispatch(self) -> None:
        """Forget where misses went (a specialization came, went or changed its verdict):
        the miss dispatcher's cache and the entries' own (alts)."""
        self.dispatch.clear()
        for spec in self.specializations:
            spec.binding.alts = None

    def guard_missed(self, raw_sig: tuple):
        """A call the primary specialization does not accept: find another one or say None."""
        with self.lock:
            self.guard_misses += 1
            arg_types = self._normalize(stable_tuples(raw_sig, self.sigs))
            for spec in self.specializations:
                if spec.arg_types == arg_types:
                    if spec.dropped:             # measured slower: the interpreter
                        target = (self.passthrough, self)
                    elif spec.measured is None and not self.generator:
                        # keep only what pays, for this one too (its calls come here)
                        window = self.windows.get(id(spec))
                        if window is None:
                            window = self.windows[id(spec)] = OtherWindow(self, spec)
                        target = (self.measure_other, window)
                    else:
                        target = (spec.entry, spec.binding)
                        self._add_alt(raw_sig, spec)
                    if len(self.dispatch) < _DISPATCH_CACHE_LIMIT:
                        self.dispatch[raw_sig] = target
                    return target
            self.fallbacks += 1
            self.miss_counts[arg_types] += 1
            wanted = (self.miss_counts[arg_types] >= self.threshold
                      and arg_types not in self.in_flight
                      and self.state is State.SWAPPED and not self.once)
            if wanted and len(self.specializations) + len(self.in_flight) >= self.max_specializations:
                self.reason = (f"megamorphic: more than {self.max_specializations} argument type "
                               f"signatures; other signatures run interpreted")
                wanted = False
            if wanted:
                self.in_flight.add(arg_types)
        if wanted:
            self._compile_request(self, arg_types)
        return None

    # -- keep only what pays ------------------------------------------------------------
    def _start_measuring(self, func, spec: Specialization) -> None:
        """Route the next calls through ``measure``, which runs them compiled and interpreted
        in pairs of a random order (each call exactly once: no call runs twice) and times
        each the same way: interleaved samples, so a change of load hits both sides alike
        (probe.py, window_order: why not plain alternation)."""
        self.measuring = spec
        self.compiled_samples = []
        self.interpreted_samples = []
        self.window_calls = 0
        self.window_order = window_order()
        self.window_fallbacks = 0
        self.first_round = None           # the figures of a first "slower" (_confirmed)
        self.warm_samples = [0, 0]        # a generator's: interpreted, compiled (measured_steps)
        self.measured_function = types.FunctionType(
            spec.trampoline, func.__globals__, func.__name__, None, func.__closure__)
        # Its entry counts only the calls that passed its guard: a compiled-side call that
        # leaves the count as it was missed the guard (probe.py, measure: no sample).
        self.measured_binding = spec.binding
        if spec.install_fast is not None:     # timed as called from C (probe.py, measure)
            spec.install_fast(self.measured_function)
        self.measure_code = compat.make_trampoline(
            self.original_code, self.measure_generator if self.generator else self.measure,
            self, on_error=self._on_error)
        func.__code__ = self.measure_code

    def measured(self, seconds: float, compiled_call: bool, fell_back: bool = False) -> None:
        """One timed call in the measuring window (from ``measure``); decide once there
        are enough. ``fell_back``: the compiled side's call missed the guard and went to the
        miss dispatcher (another signature than the one compiled: the original code, or
        another specialization, or that one's own measuring window): it timed the
        dispatcher and whatever served it, not this specialization, so it is no sample.
        When the compiled side's calls
        keep missing (chaos' ``Spline.__call__``: compiled for the int of its first call
        ``spl(0)``, then called with floats), the window ends without a verdict: the
        code stays swapped and the miss dispatcher compiles the other signature.
        The window's first WARMUP_CALLS calls of each side are no samples either: a
        freshly swapped body fills its per-site caches (attributes, methods, globals: up
        to four classes per site) on its first calls, which is not what it costs after
        (richards' small methods were reverted on those: 33-34 of 37 kept, 1.6-1.8x;
        with the warm-up 35-37 of 37, 1.9-2.2x)."""
        if self.window_calls <= 2 * WARMUP_CALLS:
            return
        self._sample(seconds, compiled_call, fell_back)

    def measured_steps(self, seconds: float, steps: int, compiled: bool,
                       fell_back: bool) -> None:
        """A chunk of ``steps`` steps (next, send, throw) of a generator in the measuring
        window, ``seconds`` inside it in all (profiler/probe.py, timed_steps): one sample of
        the time per step. Whole generators run compiled or interpreted, in pairs; each
        side's first WARMUP_CALLS chunks are no samples (the per-site caches fill on the
        first steps, as on a function's first calls)."""
        side = 1 if compiled else 0
        self.warm_samples[side] += 1
        if self.warm_samples[side] > WARMUP_CALLS:
            self._sample(seconds / steps, compiled, fell_back)

    def _sample(self, seconds: float, compiled_call: bool, fell_back: bool) -> None:
        if compiled_call and fell_back:
            self.window_fallbacks += 1
            if self.window_fallbacks >= MEASURED_CALLS:
                self._end_measuring_unmeasured()
            return
        samples = self.compiled_samples if compiled_call else self.interpreted_samples
        samples.append(seconds)
        # Both sides were timed around one Python-level call (a generator's: one step);
        # the timer and that call cost the same on both sides and hide the difference of
        # a tiny function: the cheapest such empty call is taken off (_verdict).
        overhead = _step_timer_overhead() if self.generator else _timer_overhead()
        unit = "step" if self.generator else "call"
        verdict = _verdict(self.compiled_samples, self.interpreted_samples, overhead, unit)
        if verdict is not None:
            verdict = _confirmed(self, verdict)
            if verdict is None:                       # slower once: a second round
                self.compiled_samples, self.interpreted_samples = [], []
        if verdict is None:
            return
        with self.lock:
            spec = self.measuring
            if spec is None:
                return
            slower, spec.measured = verdict
            compiled = spec.measured[f"compiled_ns_per_{unit}"] / 1e9
            interpreted = spec.measured[f"interpreted_ns_per_{unit}"] / 1e9
            self.measuring = None            # (measured_function stays: a call may be on it)
            func = self.func
            if func is None or func.__code__ is not self.measure_code:
                return                       # unswapped or replaced meanwhile
            if not slower:
                func.__code__ = spec.trampoline
                return
            func.__code__ = self.original_code
            self.state = State.REVERTED
            self.primary = None
            self._clear_dispatch()
            samples = ("calls" if unit == "call" else
                       f"samples of up to {STEPS_PER_SAMPLE} generator steps")
            self.reason = (f"compiled code measured slower than the interpreter "
                           f"({compiled * 1e9:.0f} ns per {unit} compiled vs "
                           f"{interpreted * 1e9:.0f} ns interpreted, medians of "
                           f"{spec.measured['compiled_calls']} {samples} each, interleaved; "
                           f"rank test z = {spec.measured['rank_z']:.1f}): the function "
                           f"runs interpreted")

    def measured_other(self, window: "OtherWindow", seconds: float, compiled: bool) -> None:
        """One timed call in the window of a specialization reached through the miss
        dispatcher (profiler/probe.py, measure_other): the primary's rules (warm-up,
        medians, margin), and a verdict that drops only that specialization. Interpreted
        calls of CHEAP_CALL_SECONDS or more (their median, from the third one on; or one
        call of 10x that) end the window, kept: the call boundary cannot decide there, and
        the window would run more slow interpreted calls. The first call is the compiled
        one, so a slow function pays one to three interpreted calls; one spike (a
        preemption) ends nothing, nor does a slow compiled call (its first, on cold
        caches)."""
        if not compiled:
            window.interpreted_all.append(seconds)
            slow = (seconds >= 10 * CHEAP_CALL_SECONDS
                    or len(window.interpreted_all) >= 3
                    and statistics.median(window.interpreted_all) >= CHEAP_CALL_SECONDS)
        else:
            slow = False
        if slow:
            self._end_other(window, {"verdict": "not measured: its calls cost 20 µs or "
                                                "more (the call boundary cannot decide)",
                                     "interpreted_seconds": round(statistics.median(
                                         window.interpreted_all), 6)}, slower=False)
            return
        if window.calls <= 2 * WARMUP_CALLS:
            return
        (window.compiled if compiled else window.interpreted).append(seconds)
        verdict = _verdict(window.compiled, window.interpreted, _timer_overhead())
        if verdict is not None:
            verdict = _confirmed(window, verdict)
            if verdict is None:                       # slower once: a second round
                window.compiled, window.interpreted = [], []
            else:
                self._end_other(window, verdict[1], slower=verdict[0])

    def _end_other(self, window: "OtherWindow", figures: dict, slower: bool) -> None:
        with self.lock:
            spec = window.spec
            if spec.measured is not None:
                return
            if slower:
                figures["verdict"] = "slower: this signature runs interpreted"
            spec.measured = figures
            spec.dropped = slower
            self.windows.pop(id(spec), None)
            self._clear_dispatch()        # the next miss finds the entry, or the interpreter

    def _end_measuring_unmeasured(self) -> None:
        with self.lock:
            spec = self.measuring
            if spec is None:
                return
            spec.measured = {
                "verdict": "not measured: its calls ran other signatures",
                "fallbacks": self.window_fallbacks,
                "compiled_calls": len(self.compiled_samples),
                "interpreted_calls": len(self.interpreted_samples),
            }
            self.measuring = None
            func = self.func
            if func is not None and func.__code__ is self.measure_code:
                func.__code__ = spec.trampoline

    def unswap(self) -> None:
        """Restore the original code for good (until the function is decorated again)."""
        with self.lock:
            self._restore_original_code()
            self.state = State.COLD
            self.profiling = False
            self.primary = None
            self.measuring = None
            self._clear_dispatch()
            self.reason = "unswapped by jitcy.unswap()"

    def after_fork_in_child(self) -> None:
        """In a child forked while builds were in flight: those builds belong to the
        parent and never finish here, so forget them; a function still waiting for its
        first build profiles again (it then loads the parent's entry or builds its own)."""
        self.lock = threading.RLock()   # the parent's builder thread may have held it
        self.in_flight.clear()
        if self.primary is None and self.state is State.BUILDING:
            self.state = State.PROFILING
            self.profiling = True
            self.skip, self.batch = 0, 1     # sample the next call
            self.calls = 0
            self.seconds = 0.0

    def ignore(self, reason: str = "ignored: @jitcy.ignore") -> None:
        """Never compile this function (``@jitcy.ignore``): original code, for good."""
        with self.lock:
            self._restore_original_code()
            self.state = State.IGNORED
            self.profiling = False
            self.primary = None
            self.measuring = None
            self._clear_dispatch()
            self.reason = reason

    def suspend(self) -> None:
        """``jitcy.disable()``: run the original code until :meth:`resume`."""
        with self.lock:
            self.suspended = True
            self._restore_original_code()

    def resume(self) -> None:
        """``jitcy.enable()``: re-install what the current state wants (compiled code if
        swapped, the profiling trampoline while profiling or building)."""
        with self.lock:
            self.suspended = False
            func = self.func
            if func is None or func.__code__ is not self.original_code:
                return          # never overwrite a __code__ the program assigned itself
            if self.state is State.SWAPPED and self.measuring is not None:
                func.__code__ = self.measure_code      # the measuring window goes on
            elif self.state is State.SWAPPED and self.primary is not None:
                func.__code__ = self.primary.trampoline
            elif self.state in (State.PROFILING, State.BUILDING):
                func.__code__ = self.profile_code

    # -- helpers -------------------------------------------------------------------
    def _ours(self, code) -> bool:
        return (code is self.profile_code or code is self.measure_code
                or any(code is s.trampoline for s in self.specializations))

    def _restore_original_code(self) -> None:
        func = self.func
        if func is not None and self._ours(func.__code__):
            func.__code__ = self.original_code

    def _user_replaced_code(self) -> None:
        self.state = State.FAILED
        self.profiling = False
        self.reason = "the function's __code__ was replaced by the program; jitcy leaves it alone"

    def _code_replaced(self) -> bool:
        """Did the program assign its own ``__code__`` after jitcy installed one?"""
        func = self.func
        return (func is not None and not self.suspended and self.state is State.SWAPPED
                and func.__code__ is not self.original_code and not self._ours(func.__code__))

    def calls_seen(self) -> int:
        """Calls counted by the samples plus those the trampoline let through since."""
        if self.profiling and 0 <= self.skip < self.batch:
            return self.calls + self.batch - 1 - self.skip
        return self.calls

    def stats(self) -> dict:
        with self.lock:
            if self._code_replaced():
                self._user_replaced_code()
            specs = [s.describe() for s in self.specializations]
            compiled_calls = sum(getattr(s.binding, "calls", 0) for s in self.specializations)
            samples = sum(getattr(s.binding, "samples", 0) for s in self.specializations)
            sampled = sum(getattr(s.binding, "sampled_seconds", 0.0)
                          for s in self.specializations)
            compiled_per_call = sampled / samples if samples else None
            interp_per_call = self.seconds / self.calls if self.calls and self.seconds else None
            # Time saved: compiled calls x (interpreted - compiled time per call), both
            # measured (interpreted while profiling, compiled on sampled calls).
            saved = (compiled_calls * (interp_per_call - compiled_per_call)
                     if compiled_per_call is not None and interp_per_call is not None else None)
            return {
                "function": self.qualname,
                "state": self.state.value,
                "calls": self.calls_seen(),
                "profiled_seconds": round(self.seconds, 6),
                "threshold": self.threshold,
                "specializations": specs,
                "compile_seconds": round(sum(s.compile_seconds for s in self.specializations), 4),
                "cache_hits": sum(1 for s in self.specializations if s.cache_hit),
                "cache_misses": sum(1 for s in self.specializations if not s.cache_hit),
                "guard_misses": self.guard_misses,
                "fallbacks": self.fallbacks,
                "reason": self.reason,
                "failures": list(self.failures),
                "interpreted_seconds_per_call": (self.seconds / self.calls
                                                 if self.calls and self.seconds else None),
                "compiled_calls": compiled_calls,
                "compiled_seconds_per_call": compiled_per_call,
                "saved_seconds": saved,
                "once": self.once,
                "file": self.filename,
                "line": self.firstlineno,
            }


def pending_of(func):
    """``(its own code, the hook)`` if ``func`` is watched by the import hook and was not
    called yet, else None.

    Such a function's ``__code__`` is the hook's trampoline (``compat.
    pending_trampoline_factory``), whose constants hold the original code and the hook:
    watching costs one code object and its constants tuple per function, so importing a
    module with many functions stays cheap. The first call registers the function for
    real (a :class:`HotFunction`) and puts the original code back first."""
    return compat.pending_state(func.__code__)


def restore_pending(func):
    """If ``func`` is still waiting for its first call under the hook, put its code back.
    Returns what :func:`pending_of` returned."""
    pending = pending_of(func)
    if pending is not None:
        func.__code__ = pending[0]
    return pending
