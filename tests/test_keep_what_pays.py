"""Keep only what pays (issue 3, item 9): a specialization measured slower than the
interpreted code goes back to the interpreter, with the figures in ``jitcy.stats``."""
from __future__ import annotations

import threading
import time

import pytest

import jitcy
from jitcy import hotfunc, pipeline
from jitcy.profiler import probe

G = object()


def get_global(*, unused=None):
    """Keyword-only parameters: no vectorcall entry (translator/runtime.py, FAST_EXPORT),
    so every compiled call goes through the trampoline's frame and then the entry: more
    than this body costs interpreted."""
    return G


def total(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


THRESHOLD = 1000      # the probe times calls 1, 2, 4, ... 64, then one in 64: ~20 samples


def _run(func, args, calls):
    jitcy.hot(func, threshold=THRESHOLD, time_limit=1e9)
    results = [func(*args) for _ in range(calls)]
    return results, jitcy.stats(func)


def test_a_function_measured_slower_goes_back_to_the_interpreter(jitcy_env):
    """The window, end to end, with the compiled side made 2 us slower per call.
    get_global runs only ~10 ns slower compiled (its trampoline frame), with 60 ns of
    timer around each call: too close to any margin for a test on real timings (at 31
    or 101 samples a round, it failed in one full run in three). The verdict itself is
    tested on given figures below."""
    original = get_global.__code__
    jitcy.hot(get_global, threshold=THRESHOLD, time_limit=1e9)
    for _ in range(THRESHOLD):
        assert get_global() is G
    hf = pipeline.lookup(get_global)
    assert hf.measuring is not None and get_global.__code__ is hf.measure_code
    compiled = hf.measured_function

    def slowed(*args, **kwargs):
        until = time.perf_counter() + 2e-6
        while time.perf_counter() < until:
            pass
        return compiled(*args, **kwargs)
    hf.measured_function = slowed
    window = 2 * (hotfunc.WARMUP_CALLS + 2 * hotfunc.MEASURED_CALLS)    # two rounds
    results = [get_global() for _ in range(window + 5)]
    assert all(r is G for r in results)
    st = jitcy.stats(get_global)
    measured = st["specializations"][0]["measured"]
    assert st["state"] == "reverted", measured
    assert measured["verdict"] == "slower: back to the interpreter"
    assert measured["compiled_ns_per_call"] > measured["interpreted_ns_per_call"] + 1500
    assert measured["compiled_calls"] == measured["interpreted_calls"] == hotfunc.MEASURED_CALLS
    assert measured["rank_z"] > hotfunc.SLOWER_RANK_Z
    assert measured["first_round"]["verdict"] == "slower: back to the interpreter"
    assert f"{measured['compiled_ns_per_call']:.0f} ns per call compiled" in st["reason"]
    assert get_global.__code__ is original          # interpreted, at no extra cost
    assert get_global() is G


def test_function_that_pays_stays_compiled(jitcy_env):
    window = 2 * (hotfunc.WARMUP_CALLS + hotfunc.MEASURED_CALLS)
    results, st = _run(total, (300,), THRESHOLD + window)
    assert set(results) == {sum(i * i for i in range(300))}
    assert st["state"] == "swapped", st
    measured = st["specializations"][0]["measured"]
    assert measured["verdict"] == "kept"
    assert measured["compiled_ns_per_call"] * 2 < measured["interpreted_ns_per_call"]
    assert measured["compiled_calls"] == hotfunc.EARLY_KEEP_CALLS   # clearly faster: early
    assert measured["interpreted_calls"] == hotfunc.EARLY_KEEP_CALLS
    assert total.__code__ is pipeline.lookup(total).primary.trampoline


def test_too_few_timed_calls_gives_no_verdict(jitcy_env):
    def tiny():
        return G
    jitcy.hot(tiny, threshold=2)
    for _ in range(50):
        assert tiny() is G
    st = jitcy.stats(tiny)
    assert st["state"] == "swapped" and "measured" not in st["specializations"][0]


# -- the verdict on given figures: medians and a margin, so noise never undoes a speedup ----
class _Spec:
    trampoline = object()
    measured = None


class _Func:
    __code__ = None


def _verdict(interpreted, compiled, overhead=0.0):
    """Feed the window interleaved timings (interpreted, compiled, interpreted, ...)."""
    hf = object.__new__(hotfunc.HotFunction)
    func = _Func()
    hf.lock = threading.RLock()
    hf._func_ref = lambda: func
    hf.compiled_samples, hf.interpreted_samples, hf.generator = [], [], False
    hf.window_calls, hf.window_fallbacks = 2 * hotfunc.WARMUP_CALLS + 1, 0   # warmed up
    hf.first_round = None
    spec = hf.measuring = _Spec()
    hf.measure_code = func.__code__ = object()
    hf.original_code = object()
    hf.state, hf.primary, hf.dispatch, hf.reason = hotfunc.State.SWAPPED, spec, {}, None
    hf.specializations = []
    saved = hotfunc._overhead[:]
    hotfunc._overhead[:] = [overhead]
    try:
        for i, c in zip(interpreted, compiled):
            hf.measured(i, False)
            hf.measured(c, True)
        if hf.first_round is not None and spec.measured is None:
            for i, c in zip(interpreted, compiled):      # "slower": the second round
                hf.measured(i, False)
                hf.measured(c, True)
    finally:
        hotfunc._overhead[:] = saved
    return spec.measured, hf.state


def test_spikes_in_the_compiled_samples_do_not_undo_a_speedup():
    interpreted = [1000e-9, 900e-9, 5e-6] * 11             # spikes on both sides
    compiled = [300e-9, 50e-6] * 15 + [300e-9]          # every other call hit by a spike
    measured, state = _verdict(interpreted, compiled)
    assert measured["verdict"] == "kept" and state is hotfunc.State.SWAPPED


def test_a_small_slowdown_within_the_margin_is_kept():
    measured, state = _verdict([100e-9] * 31, [120e-9] * 31)
    assert measured["verdict"] == "kept"
    measured, state = _verdict([100e-9] * 31, [130e-9] * 31)
    assert measured["verdict"] == "slower: back to the interpreter"
    assert state is hotfunc.State.REVERTED


def test_two_groups_of_call_times_in_about_the_same_proportions_are_kept():
    """A function with a cheap and a costly branch (richards' HandlerTask.fn: ~400 or
    ~1400 ns): the median of 31 calls falls in either group by chance. Here compiled runs
    the costly branch 17 times, interpreted 14: its median is 3.5x the other's, and the
    rank test sees no slowdown."""
    fast, slow = 400e-9, 1400e-9
    interpreted = [fast, slow] * 14 + [fast] * 3
    compiled = [slow, fast] * 14 + [slow] * 3
    measured, state = _verdict(interpreted, compiled)
    assert measured["compiled_ns_per_call"] == 1400.0
    assert measured["interpreted_ns_per_call"] == 400.0
    assert abs(measured["rank_z"]) < hotfunc.SLOWER_RANK_Z
    assert measured["verdict"] == "kept" and state is hotfunc.State.SWAPPED


def test_the_rank_test_on_given_samples():
    same = [1e-6, 2e-6, 3e-6] * 10
    assert hotfunc._rank_z(same, same) == 0.0
    above, below = [2e-6] * 31, [1e-6] * 31
    assert round(hotfunc._rank_z(above, below), 2) == 6.76      # (961/2) / sqrt(961*63/12)
    assert hotfunc._rank_z(below, above) == -hotfunc._rank_z(above, below)
    spread = [1e-6 * (1 + k / 100) for k in range(31)]           # 1.00 to 1.30 us
    slower = [x * 1.3 for x in spread]                           # each call 30% slower
    assert hotfunc._rank_z(slower, spread) > hotfunc.SLOWER_RANK_Z


def test_slower_in_one_round_only_is_kept():
    """A first "slower" is measured again on fresh samples; kept if the second round
    does not say so too (a revert is for good)."""
    hf = object.__new__(hotfunc.HotFunction)
    hf.first_round = None
    slower = hotfunc._verdict([130e-9] * 31, [100e-9] * 31, 0.0)
    assert slower[0] and hotfunc._confirmed(hf, slower) is None
    assert hf.first_round == slower[1]
    kept = hotfunc._verdict([100e-9] * 31, [100e-9] * 31, 0.0)
    final = hotfunc._confirmed(hf, kept)
    assert final is kept and not final[0]
    assert final[1]["first_round"]["verdict"] == "slower: back to the interpreter"
    assert final[1]["verdict"] == "kept"


def test_the_timer_overhead_is_taken_off_both_sides():
    measured, _ = _verdict([160e-9] * 31, [190e-9] * 31, overhead=60e-9)
    assert measured["interpreted_ns_per_call"] == 100.0
    assert measured["compiled_ns_per_call"] == 130.0
    assert measured["verdict"] == "slower: back to the interpreter"


def test_an_expensive_function_is_not_measured(jitcy_env):
    def slow(n):
        s = 0
        for i in range(n):
            s += i
        return s
    jitcy.hot(slow, threshold=200, time_limit=1e9)
    for _ in range(260):
        assert slow(20000) == sum(range(20000))
    st = jitcy.stats(slow)
    assert st["state"] == "swapped" and "measured" not in st["specializations"][0]


def test_calls_that_miss_the_guard_are_no_samples():
    """A compiled-side call that ran the original code through the miss dispatcher timed
    the dispatcher, not the compiled code: it counts for nothing, and when the compiled
    side keeps missing the window ends without a verdict, the code left swapped."""
    hf = object.__new__(hotfunc.HotFunction)
    func = _Func()
    hf.lock = threading.RLock()
    hf._func_ref = lambda: func
    hf.compiled_samples, hf.interpreted_samples, hf.generator = [], [], False
    hf.window_calls, hf.window_fallbacks = 2 * hotfunc.WARMUP_CALLS + 1, 0
    hf.first_round = None
    spec = hf.measuring = _Spec()
    hf.measure_code = func.__code__ = object()
    hf.original_code = object()
    hf.state, hf.primary, hf.dispatch, hf.reason = hotfunc.State.SWAPPED, spec, {}, None
    hf.specializations = []
    for _ in range(hotfunc.MEASURED_CALLS - 1):
        hf.measured(100e-9, False)
        hf.measured(50e-6, True, fell_back=True)       # the dispatcher's cost, not compiled
    assert hf.compiled_samples == [] and hf.measuring is spec and spec.measured is None
    hf.measured(100e-9, False)
    hf.measured(50e-6, True, fell_back=True)
    assert spec.measured["verdict"] == "not measured: its calls ran other signatures"
    assert spec.measured["fallbacks"] == hotfunc.MEASURED_CALLS
    assert hf.measuring is None and hf.state is hotfunc.State.SWAPPED
    assert func.__code__ is spec.trampoline


def scale(x):
    return x * 3


def test_a_function_called_with_another_signature_while_measured_stays_swapped(jitcy_env):
    """scale is compiled for the ints of its first calls; then only floats come, while
    it is measured: every compiled-side call misses the guard and runs the original code
    through the miss dispatcher (slower than the interpreter alone), which used to revert
    it. Now the window ends unmeasured and it stays swapped."""
    jitcy.hot(scale, threshold=THRESHOLD, time_limit=1e9)
    for i in range(THRESHOLD + 1):
        assert scale(i) == 3 * i
    st = jitcy.stats(scale)
    assert st["state"] == "swapped" and st["specializations"][0]["types"] == ["int"], st
    for k in range(2 * (hotfunc.WARMUP_CALLS + hotfunc.MEASURED_CALLS) + 2):
        assert scale(k + 0.5) == 3 * (k + 0.5)
    st = jitcy.stats(scale)
    measured = st["specializations"][0]["measured"]
    assert st["state"] == "swapped", (st["reason"], measured)
    assert measured["verdict"] == "not measured: its calls ran other signatures"
    assert scale(4) == 12 and scale.__code__ is pipeline.lookup(scale).primary.trampoline


def test_the_first_calls_of_the_window_are_no_samples():
    """A freshly swapped body fills its caches on its first calls: the window's first
    WARMUP_CALLS calls of each side are not timed samples."""
    hf = object.__new__(hotfunc.HotFunction)
    hf.lock = threading.RLock()
    hf.compiled_samples, hf.interpreted_samples, hf.generator = [], [], False
    hf.window_calls, hf.window_fallbacks = 0, 0
    hf.first_round = None
    hf.measuring = _Spec()
    for k in range(2 * hotfunc.WARMUP_CALLS):
        hf.window_calls += 1                     # as probe.measure counts them
        hf.measured(1e-3, k & 1)                 # cold: slow
    assert hf.compiled_samples == [] and hf.interpreted_samples == []
    hf.window_calls += 1
    hf.measured(100e-9, False)
    hf.window_calls += 1
    hf.measured(50e-9, True)
    assert hf.interpreted_samples == [100e-9] and hf.compiled_samples == [50e-9]


# -- generators: judged by their steps (a call only makes the generator) -------------------
def squares(n):
    for i in range(n):
        yield i * i


def partial_sums(n, k):
    for j in range(k):
        s = 0.0
        for i in range(n):
            s += i * 0.5 + j
        yield s


def test_a_generator_measured_slower_goes_back_to_the_interpreter(jitcy_env):
    """The window, end to end, on real timings. A tiny generator is within ~1.2-1.3x of the
    interpreter either way (too close to any margin for a timing test), so its compiled
    side is made 2 us per step slower here; test_generator_chunks_are_samples_per_step
    checks the verdict itself on given figures."""
    original = squares.__code__
    jitcy.hot(squares, threshold=THRESHOLD, time_limit=1e9)
    hf = pipeline.lookup(squares)
    for _ in range(THRESHOLD):
        assert list(squares(200)) == [i * i for i in range(200)]
    assert hf.measuring is not None and squares.__code__ is hf.measure_code
    compiled = hf.measured_function

    def slowed(n):
        for item in compiled(n):
            until = time.perf_counter() + 2e-6
            while time.perf_counter() < until:
                pass
            yield item
    hf.measured_function = slowed
    for _ in range(60):                   # 4 chunks per generator (64, 64, 64, 9 steps)
        assert list(squares(200)) == [i * i for i in range(200)]
    st = jitcy.stats(squares)
    measured = st["specializations"][0]["measured"]
    assert st["state"] == "reverted", measured
    assert measured["compiled_ns_per_step"] > measured["interpreted_ns_per_step"] + 1500
    assert measured["compiled_calls"] == hotfunc.MEASURED_CALLS     # (samples: chunks)
    assert measured["interpreted_calls"] == hotfunc.MEASURED_CALLS
    assert "ns per step compiled" in st["reason"] and "generator steps" in st["reason"]
    assert squares.__code__ is original
    assert list(squares(3)) == [0, 1, 4]


def test_a_generator_that_pays_stays_compiled(jitcy_env):
    jitcy.hot(partial_sums, threshold=THRESHOLD, time_limit=1e9)
    expected = []
    for j in range(70):
        s = 0.0
        for i in range(100):
            s += i * 0.5 + j
        expected.append(s)
    for _ in range(THRESHOLD + 60):     # 2 chunks per generator (64 and 7 steps)
        assert list(partial_sums(100, 70)) == expected
    st = jitcy.stats(partial_sums)
    measured = st["specializations"][0]["measured"]
    assert st["state"] == "swapped" and measured["verdict"] == "kept", measured
    assert measured["compiled_ns_per_step"] * 2 < measured["interpreted_ns_per_step"]
    assert partial_sums.__code__ is pipeline.lookup(partial_sums).primary.trampoline


def test_generator_chunks_are_samples_per_step():
    hf = object.__new__(hotfunc.HotFunction)
    func = _Func()
    hf.lock = threading.RLock()
    hf._func_ref = lambda: func
    hf.compiled_samples, hf.interpreted_samples, hf.generator = [], [], True
    hf.window_calls, hf.window_fallbacks, hf.warm_samples = 2, 0, [0, 0]
    hf.first_round = None
    spec = hf.measuring = _Spec()
    hf.measure_code = func.__code__ = object()
    hf.original_code = object()
    hf.state, hf.primary, hf.dispatch, hf.reason = hotfunc.State.SWAPPED, spec, {}, None
    hf.specializations = []
    saved = hotfunc._step_overhead[:]
    hotfunc._step_overhead[:] = [0.0]
    try:
        for _ in range(hotfunc.WARMUP_CALLS):          # each side's first chunks: no samples
            hf.measured_steps(64 * 1e-6, 64, False, False)
            hf.measured_steps(64 * 1e-6, 64, True, False)
        assert hf.interpreted_samples == hf.compiled_samples == []
        for _ in range(2 * hotfunc.MEASURED_CALLS):      # slower: confirmed by a 2nd round
            hf.measured_steps(64 * 100e-9, 64, False, False)
            hf.measured_steps(10 * 130e-9, 10, True, False)     # a short last chunk
    finally:
        hotfunc._step_overhead[:] = saved
    assert spec.measured["interpreted_ns_per_step"] == 100.0
    assert spec.measured["compiled_ns_per_step"] == 130.0
    assert hf.state is hotfunc.State.REVERTED and func.__code__ is hf.original_code
    assert "130 ns per step compiled vs 100 ns interpreted" in hf.reason


class _Steps:
    """What probe.timed_steps reads and calls of a HotFunction."""

    class _Binding:
        """``calls``: the calls that passed the compiled entry's guard; here each read sees
        one more (every step passed it)."""

        def __init__(self):
            self.read = 0

        @property
        def calls(self):
            self.read += 1
            return self.read


    def __init__(self):
        self.measuring, self.reports = object(), []
        self.measured_binding = self._Binding()

    def measured_steps(self, seconds, steps, compiled, fell_back):
        assert seconds > 0
        self.reports.append((steps, compiled, fell_back))


def _inner(n):
    got = []
    try:
        for i in range(n):
            got.append((yield i))
    except ValueError as exc:
        got.append((yield f"caught {exc}"))
    return got


def test_timed_steps_is_yield_from():
    from jitcy.profiler import probe
    s = _Steps()
    gen = probe.timed_steps(s, _inner(3), True)
    assert (next(gen), gen.send("a"), gen.throw(ValueError("v"))) == (0, 1, "caught v")
    with pytest.raises(StopIteration) as stop:
        gen.send("b")
    assert stop.value.value == ["a", "b"]
    assert s.reports == [(4, True, False)]               # next, send, throw, send
    s = _Steps()
    assert list(probe.timed_steps(s, _inner(200), False)) == list(range(200))
    assert [r[0] for r in s.reports] == [64, 64, 64, 9]  # 200 items and the StopIteration
    closed = []

    def guarded():
        try:
            yield 1
            yield 2
        finally:
            closed.append(True)
    gen = probe.timed_steps(_Steps(), guarded(), True)
    assert next(gen) == 1
    gen.close()
    assert closed == [True]


def test_timed_steps_stops_timing_when_the_window_closes():
    from jitcy.profiler import probe
    s = _Steps()
    gen = probe.timed_steps(s, _inner(1000), True)
    assert [next(gen) for _ in range(10)] == list(range(10))
    s.measuring = None                  # the verdict came (another call): at the chunk's end,
    assert [next(gen) for _ in range(60)] == list(range(10, 70))    # timing stops
    assert s.reports == [(64, True, False)]
    inner = gen.gi_yieldfrom
    assert inner is not None and inner.gi_code is _inner.__code__   # a plain yield from
    assert gen.send("x") == 70 and list(gen) == list(range(71, 1000))
    assert s.reports == [(64, True, False)]              # nothing timed after the verdict


# -- specializations of other signatures: measured through the miss dispatcher --------------
def _scale_sum():
    """A new function object each time (each test its own jitcy state)."""
    def scale_sum(x, *, unused=None):
        s = 0.0
        for i in range(100):
            s += x * i
        return s
    return scale_sum


def _second_signature(func, first, second):
    """Hot and swapped for ``first``'s types; then ``second``'s types until they have their
    own specialization (built on a miss) and its window made its first call (compiled).
    Returns the HotFunction and that specialization."""
    jitcy.hot(func, threshold=2)
    for _ in range(3):
        func(first)
    for _ in range(3):
        func(second)
    hf = pipeline.lookup(func)
    other = [s for s in hf.specializations if s is not hf.primary]
    assert hf.state.value == "swapped" and len(other) == 1, jitcy.stats(func)
    assert other[0].measured is None and hf.windows[id(other[0])].calls == 1
    return hf, other[0]


def test_a_second_signature_that_pays_is_measured_and_kept(jitcy_env):
    scale_sum = _scale_sum()
    hf, spec = _second_signature(scale_sum, 1.0, 2)
    for k in range(200):
        assert scale_sum(k) == sum(float(k) * i for i in range(100))
    assert spec.measured["verdict"] == "kept", spec.measured
    assert spec.measured["compiled_ns_per_call"] * 2 < spec.measured["interpreted_ns_per_call"]
    assert not spec.dropped and not hf.windows
    binding_calls = spec.binding.calls
    scale_sum(3)
    assert spec.binding.calls == binding_calls + 1          # it runs compiled
    kinds = [s["types"] for s in jitcy.stats(scale_sum)["specializations"]]
    assert kinds == [["float", "object"], ["int", "object"]]


def test_a_second_signature_measured_slower_runs_interpreted(jitcy_env, monkeypatch):
    """End to end, with the window's compiled side made 10 us slower (an interpreted call
    costs ~5 us; a real slowdown of a second signature is too close to the margin for a
    timing test; the verdict itself is the primary's, tested on given figures above). No
    call counts as expensive here: a preempted call on a loaded machine must not end it."""
    monkeypatch.setattr(hotfunc, "CHEAP_CALL_SECONDS", 1.0)
    scale_sum = _scale_sum()
    hf, spec = _second_signature(scale_sum, 1.0, 2)
    window = hf.windows[id(spec)]
    entry = window.entry

    def slowed(binding, *args):
        until = time.perf_counter() + 10e-6
        while time.perf_counter() < until:
            pass
        return entry(binding, *args)
    window.entry = slowed
    for k in range(200):
        assert scale_sum(k) == sum(float(k) * i for i in range(100))
    assert spec.dropped and spec.measured["verdict"] == "slower: this signature runs interpreted"
    assert spec.measured["compiled_ns_per_call"] > spec.measured["interpreted_ns_per_call"]
    binding_calls, count = spec.binding.calls, len(hf.specializations)
    for k in range(50):
        assert scale_sum(k) == sum(float(k) * i for i in range(100))
    assert spec.binding.calls == binding_calls                # interpreted now
    assert len(hf.specializations) == count                   # and never built again
    assert hf.state.value == "swapped" and scale_sum.__code__ is hf.primary.trampoline
    assert scale_sum(1.5) == sum(1.5 * i for i in range(100))   # the primary still runs


def test_a_second_signature_of_an_expensive_function_pays_one_interpreted_call(jitcy_env):
    def slow(x, *, unused=None):
        s = 0.0
        for i in range(20000):
            s += x * i
        return s
    hf, spec = _second_signature(slow, 1.0, 2)
    window, originals = hf.windows[id(spec)], []
    original = window.original
    window.original = lambda *a, **k: originals.append(a) or original(*a, **k)
    assert slow(3) == sum(3.0 * i for i in range(20000))     # the window's interpreted call
    assert spec.measured["verdict"].startswith("not measured: its calls cost 20 µs or more")
    assert len(originals) == 1 and not spec.dropped and not hf.windows
    binding_calls = spec.binding.calls
    assert slow(4) == sum(4.0 * i for i in range(20000))
    assert len(originals) == 1 and spec.binding.calls == binding_calls + 1   # compiled


def test_one_slow_interpreted_call_does_not_end_a_second_signatures_window(jitcy_env):
    """A spike (a preemption) is one call: only the median of the interpreted calls, or a
    single call of 10x the limit, says the function is expensive."""
    scale_sum = _scale_sum()
    hf, spec = _second_signature(scale_sum, 1.0, 2)
    window = hf.windows[id(spec)]
    hf.measured_other(window, 2 * hotfunc.CHEAP_CALL_SECONDS, False)    # a spike
    assert spec.measured is None and hf.windows
    hf.measured_other(window, 1e-6, False)
    hf.measured_other(window, 1e-6, False)
    assert spec.measured is None and hf.windows                     # median: cheap
    hf.measured_other(window, 10 * hotfunc.CHEAP_CALL_SECONDS, False)
    assert spec.measured["verdict"].startswith("not measured: its calls cost 20 µs or more")


def test_calls_of_another_signature_are_no_compiled_samples_of_the_primary(jitcy_env):
    """While the primary's window is open, a compiled-side call of another signature goes
    to the miss dispatcher (here: to that signature's own specialization and its window,
    which runs the interpreter half the time): it timed none of the primary's code."""
    def f(x, *, unused=None):
        return x * 2
    jitcy.hot(f, threshold=200, time_limit=1e9)       # timed calls 1, 2, 4 ... 200: 10
    for _ in range(200):
        f(1.5)
    hf = pipeline.lookup(f)
    assert hf.measuring is not None, jitcy.stats(f)
    for _ in range(2 * hotfunc.WARMUP_CALLS + 2):    # past the window's warm-up
        f(1.5)
    hf.threshold = 2                                  # the int signature: built on a miss
    for _ in range(6):
        assert f(3) == 6
    assert any(s is not hf.primary for s in hf.specializations), jitcy.stats(f)
    assert hf.measuring is not None
    compiled, interpreted = len(hf.compiled_samples), len(hf.interpreted_samples)
    missed, n = hf.window_fallbacks, hf.window_calls
    compiled_side = sum(hf.window_order[(n + k) & probe.ORDER_MASK] for k in range(20))
    assert abs(compiled_side - 10) <= 1                           # pairs: one of each
    for _ in range(20):
        assert f(3) == 6
    assert hf.measuring is not None
    assert len(hf.compiled_samples) == compiled                  # none of them
    assert hf.window_fallbacks == missed + compiled_side         # each compiled-side call
    assert len(hf.interpreted_samples) == interpreted + 20 - compiled_side   # (all ran)


def test_window_order_runs_pairs_of_one_call_of_each_side_in_a_random_order():
    for compiled_first in (None, True, False):
        order = probe.window_order(compiled_first)
        assert len(order) == probe.ORDER_LENGTH == probe.ORDER_MASK + 1
        pairs = [order[k:k + 2] for k in range(0, len(order), 2)]
        assert set(pairs) <= {b"\0\1", b"\1\0"}
        assert 32 <= pairs.count(b"\1\0") <= 96          # 128 fair coins (p ~ 1e-8 to fail)
        if compiled_first is not None:
            assert pairs[0] == (b"\1\0" if compiled_first else b"\0\1")
    assert probe.window_order() != probe.window_order()     # independent windows


def callee(x):
    return x + 1


def caller(x):
    return callee(x) * 2


def test_a_window_call_inside_another_windows_timed_call_runs_compiled_untimed(
        jitcy_env, monkeypatch):
    """caller calls callee once per call, and both get hot on the same call (the
    THRESHOLD-th), so their windows open together. Inside caller's timed calls callee is
    neither timed nor sampled: its window's bookkeeping (~1 us) would land in caller's
    time, on one side or the other. It runs compiled, on both of caller's sides."""
    monkeypatch.setattr(hotfunc, "_verdict", lambda *args, **kwargs: None)   # windows stay
    jitcy.hot(callee, threshold=THRESHOLD, time_limit=1e9)
    jitcy.hot(caller, threshold=THRESHOLD, time_limit=1e9)
    for k in range(THRESHOLD):
        assert caller(k) == 2 * k + 2
    inner, outer = pipeline.lookup(callee), pipeline.lookup(caller)
    assert inner.measuring is not None and outer.measuring is not None
    inner_calls, outer_calls = inner.window_calls, outer.window_calls
    entry_calls = inner.measured_binding.calls
    for k in range(100):
        assert caller(k) == 2 * k + 2
    assert outer.window_calls == outer_calls + 100
    assert inner.window_calls == inner_calls                      # none timed
    assert inner.measured_binding.calls == entry_calls + 100      # all compiled
    assert probe.TIMING.owner is None
    assert callee(1) == 2 and inner.window_calls == inner_calls + 1   # outside: timed


def calls_callee(n):
    for i in range(n):
        yield callee(i)


def test_a_window_call_inside_a_timed_generator_step_runs_compiled_untimed(
        jitcy_env, monkeypatch):
    monkeypatch.setattr(hotfunc, "_verdict", lambda *args, **kwargs: None)   # windows stay
    jitcy.hot(callee, threshold=THRESHOLD, time_limit=1e9)
    jitcy.hot(calls_callee, threshold=THRESHOLD, time_limit=1e9)
    for k in range(THRESHOLD):
        assert callee(k) == k + 1
    for _ in range(THRESHOLD):
        assert list(calls_callee(3)) == [1, 2, 3]
    inner, gen = pipeline.lookup(callee), pipeline.lookup(calls_callee)
    assert inner.measuring is not None and gen.measuring is not None
    inner_calls, entry_calls = inner.window_calls, inner.measured_binding.calls
    chunks = sum(gen.warm_samples)                 # every chunk of steps (warm-up or not)
    for _ in range(20):
        assert list(calls_callee(5)) == [1, 2, 3, 4, 5]
    assert inner.window_calls == inner_calls                      # none timed
    assert inner.measured_binding.calls == entry_calls + 100      # all compiled
    assert sum(gen.warm_samples) == chunks + 20                   # its steps were timed
    assert probe.TIMING.owner is None


def countdown(n):
    return 0 if n == 0 else 1 + countdown(n - 1)


def test_a_recursive_call_inside_a_timed_call_runs_on_its_side(jitcy_env, monkeypatch):
    monkeypatch.setattr(hotfunc, "_verdict", lambda *args, **kwargs: None)
    jitcy.hot(countdown, threshold=THRESHOLD, time_limit=1e9)
    for _ in range(THRESHOLD):
        assert countdown(10) == 10
    hf = pipeline.lookup(countdown)
    assert hf.measuring is not None
    sides = set()
    for _ in range(40):
        compiled = hf.window_order[hf.window_calls & probe.ORDER_MASK]
        before = hf.measured_binding.calls
        assert countdown(10) == 10
        assert (hf.measured_binding.calls > before) == bool(compiled)   # interpreted: all
        sides.add(compiled)
    assert sides == {0, 1}


def test_the_verdict_compares_as_many_samples_of_each_side():
    """Called after every sample, the verdict comes as soon as the side behind has
    MEASURED_CALLS; of the side ahead only as many count."""
    compiled = [1e-6] * hotfunc.MEASURED_CALLS + [1e-3] * 40   # (its median: 1 ms)
    interpreted = [2e-6] * (hotfunc.MEASURED_CALLS - 1)
    assert hotfunc._verdict(compiled, interpreted, 0.0) is None
    slower, figures = hotfunc._verdict(compiled, interpreted + [2e-6], 0.0)
    assert figures["compiled_calls"] == figures["interpreted_calls"] == hotfunc.MEASURED_CALLS
    assert figures["compiled_ns_per_call"] == 1000.0 and not slower
