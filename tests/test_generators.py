"""Generator functions, compiled (a Cython generator behind a trampoline that is itself a
generator: compat.py) vs interpreted: tests/corpus_generators.py loaded twice, both copies
driven through the same script of next(), send(), throw(), close() and changes to the
arguments between steps; every step's outcome (value, StopIteration value, exception type,
message and args), the arguments and the module's LOG afterwards are compared."""
from __future__ import annotations

import copy
import inspect
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import jitcy
from jitcy import pipeline
from jitcy.profiler.arrays import TupleType
from .conftest import TESTS, fresh_pair
from .test_differential import (SETTINGS, Pair, args, assert_swapped, big_ints, bools, floats,
                                small_ints, texts)

pytestmark = pytest.mark.slow

CORPUS = TESTS / "corpus_generators.py"


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield Pair(ref, jit)


# A script step: ("next",), ("send", value), ("throw", message) (a ValueError),
# ("close",), ("append", k, value): argument k (a list) gets value appended.
sent = st.none() | small_ints | floats | big_ints
steps = st.one_of(st.just(("next",)), st.tuples(st.just("send"), sent),
                  st.tuples(st.just("throw"), st.sampled_from(["boom", "again"])),
                  st.just(("close",)))
nexts = st.lists(st.just(("next",)), min_size=1, max_size=40)
scripts = st.lists(steps, max_size=12).map(lambda s: [("next",)] + s + [("next",)] * 30)


def drive(func, call_args, script, log):
    """Run ``script`` on ``func(*call_args)``: the outcome of each step, in order."""
    log.clear()
    try:
        gen = func(*call_args)
    except Exception as exc:  # noqa: BLE001
        return [("raise", exc)]
    out = []
    for step in script:
        try:
            if step[0] == "append":
                call_args[step[1]].append(step[2])
                continue
            if step[0] == "next":
                value = next(gen)
            elif step[0] == "send":
                value = gen.send(step[1])
            elif step[0] == "throw":
                value = gen.throw(ValueError(step[1]))
            else:
                value = gen.close()
            out.append(("ok", value))
        except StopIteration as stop:
            out.append(("stop", stop.value))
        except Exception as exc:  # noqa: BLE001  (an outcome to compare)
            out.append(("raise", exc))
    return out


def compare_drive(pair, name, call_args, script):
    results, after = [], []
    for module in (pair.ref, pair.jit):
        a = copy.deepcopy(list(call_args))
        results.append(drive(getattr(module, name), a, script, module.LOG))
        after.append((a, list(module.LOG)))
    what = f"{name}{tuple(call_args)!r} {script!r}"
    assert len(results[0]) == len(results[1]), f"{what}: {results}"
    for k, (r, j) in enumerate(zip(*results)):
        if r[0] == "stop" and j[0] == "stop":
            assert pair.same(r[1], j[1]), f"{what}: step {k}: StopIteration {r[1]!r} vs {j[1]!r}"
        else:
            pair.assert_same_outcome(r, j, what=f"{what}: step {k}")
    assert pair.same(after[0][0], after[1][0]), f"{what}: arguments after differ"
    assert pair.same(after[0][1], after[1][1]), f"{what}: LOG differs: {after}"


def compile_generator(func, sample):
    """threshold=1 under JITCY_SYNC: the first call's first next() builds; the second call
    runs the compiled body."""
    jitcy.hot(func, threshold=1)
    for _ in range(2):
        try:
            list(func(*copy.deepcopy(sample)))
        except Exception:  # noqa: BLE001  (a sample that raises still compiles)
            pass
    stats = jitcy.stats(func)
    assert_swapped(stats)
    return stats


def assert_runs_compiled(func, sample):
    """The generator the call makes delegates to a compiled (Cython) generator."""
    gen = func(*copy.deepcopy(sample))
    try:
        next(gen)
    except (StopIteration, Exception):  # noqa: BLE001
        pass
    inner = gen.gi_yieldfrom
    assert inner is not None and not inspect.isgenerator(inner), (
        f"{func.__name__}: the call did not run the compiled body ({inner!r})")
    gen.close()


CASES = [
    ("squares", args(st.integers(-3, 40) | st.sampled_from([2**61, 2**62, 2**63 + 5])),
     (5,), scripts, [((2**62,), [("next",)] * 3), ((3,), [("next",), ("send", 7),
                                                           ("throw", "x"), ("next",)])]),
    ("running_sum", args(st.lists(floats | small_ints | big_ints | bools, max_size=6),
                         floats | small_ints), ([1.0, 2.0], 0.5), scripts,
     [(([1.0, 2**63, True], 1.0), [("next",)] * 5), (([1.0], math.nan), [("next",)] * 3)]),
    ("fib_gen", args(st.integers(-2, 120)), (10,), nexts.map(lambda s: s * 3),
     [((100,), [("next",)] * 101)]),
    ("accumulate_sent", args(small_ints | big_ints | floats, st.integers(0, 6)), (1, 3),
     scripts, [((2**62, 4), [("next",), ("send", 2**62), ("next",), ("send", "s")])]),
    ("divide_each", args(st.lists(floats | small_ints, max_size=5),
                         st.sampled_from([0.0, 1.0, 2.0, -0.0, 3.0]) | floats),
     ([1.0, 2.0], 1.0), nexts, [(([1.0, 2.0, 3.0], 2.0), [("next",)] * 5),
                                (([1.0, "a"], 3.0), [("next",)] * 3)]),
    ("enumerate_pairs", args(st.lists(small_ints | floats, max_size=5)), ([1, 2],),
     st.lists(st.just(("next",)) | st.tuples(st.just("append"), st.just(0), small_ints)
              | st.just(("close",)), max_size=25).map(lambda s: s + [("next",)] * 60),
     [(([1, 2],), [("next",), ("append", 0, 5), ("next",), ("next",), ("next",)])]),
    ("each_item", args(st.lists(small_ints, max_size=4)), ([1],),
     st.lists(st.just(("next",)) | st.tuples(st.just("append"), st.just(0), small_ints),
              max_size=20).map(lambda s: s + [("next",)] * 30), []),
    ("delegate", args(st.lists(floats | small_ints, max_size=4), st.integers(-1, 5)),
     ([1.0, 2.0], 3), scripts, [(([1.0], 2), [("next",), ("send", 5)] + [("next",)] * 8)]),
    ("tree_walk", args(st.recursive(st.tuples(small_ints, st.just([])),
                                    lambda kids: st.tuples(small_ints, st.lists(kids, max_size=3)),
                                    max_leaves=8), small_ints), ((1, [(2, []), (3, [])]), 0),
     nexts.map(lambda s: s * 2), []),
    ("guarded_finally", args(st.lists(small_ints | floats, max_size=4), small_ints),
     ([1, 2, 3], 0), scripts, [(([1, 2, 3], 1), [("next",), ("throw", "x"), ("next",),
                                                  ("close",), ("next",)])]),
    ("stop_inside", args(st.lists(small_ints, max_size=4)), ([1, 2],), nexts, []),
    ("maybe_unbound", args(bools, small_ints), (True, 2), nexts, [((False, 3), [("next",)] * 3)]),
    ("math_stream", args(st.lists(floats, max_size=4)), ([1.0, 4.0],), nexts,
     [(([4.0, -1.0, 0.0],), [("next",)] * 4), (([-2.0],), [("next",)] * 2),
      (([math.inf, math.nan],), [("next",)] * 3)]),
    ("char_runs", args(texts), ("aabccc",), nexts, [(("\U0001f600\U0001f600é",), [("next",)] * 4)]),
    ("solutions", args(st.integers(0, 6)), (4,), nexts.map(lambda s: s * 3), []),
    ("permutations", args(st.lists(small_ints, max_size=4), st.none() | st.integers(0, 4)),
     ([1, 2, 3], None), nexts.map(lambda s: s * 2), [(([1, 2, 3], 2), [("next",)] * 8)]),
]


@pytest.mark.parametrize("name, strategy, sample, script_strategy, examples", CASES,
                         ids=[c[0] for c in CASES])
def test_generator_against_the_interpreter(pair, name, strategy, sample, script_strategy,
                                           examples):
    f_jit = getattr(pair.jit, name)
    stats = compile_generator(f_jit, sample)
    before = jitcy.stats(f_jit)["compiled_calls"]
    assert_runs_compiled(f_jit, sample)
    assert jitcy.stats(f_jit)["compiled_calls"] > before, "the compiled entry did not count the call"

    @SETTINGS
    @given(strategy, script_strategy)
    def check(call_args, script):
        compare_drive(pair, name, call_args, script)

    for ex_args, ex_script in examples:
        check = example(ex_args, ex_script)(check)
    check()
    assert jitcy.stats(f_jit)["state"] == "swapped", stats


def test_the_compiled_generator_looks_like_the_interpreters(pair):
    """What a program can see of the function and its generators is unchanged."""
    f_ref, f_jit = pair.ref.running_sum, pair.jit.running_sum
    compile_generator(f_jit, ([1.0], 2.0))
    assert inspect.isgeneratorfunction(f_jit)
    g_ref, g_jit = f_ref([1.0, 2.0], 2.0), f_jit([1.0, 2.0], 2.0)
    assert type(g_jit) is type(g_ref) and inspect.isgenerator(g_jit)
    assert (g_jit.__name__, g_jit.__qualname__) == (g_ref.__name__, g_ref.__qualname__)
    assert repr(g_jit).split(" at ")[0] == repr(g_ref).split(" at ")[0]
    # Nothing runs before the first next(), in both: a bad argument raises there.
    g_ref, g_jit = f_ref(None, 1.0), f_jit(None, 1.0)
    for g in (g_ref, g_jit):
        with pytest.raises(TypeError, match="'NoneType' object is not iterable"):
            next(g)
    # The interpreter's argument binding, at the call.
    for f in (f_ref, f_jit):
        with pytest.raises(TypeError, match="missing 1 required positional argument"):
            f([1.0])


def test_other_argument_types_run_the_interpreters_generator(pair):
    """A guard miss: the call delegates to the original function's generator; a second
    signature gets its own specialization once it is hot."""
    f_jit = pair.jit.running_sum
    compile_generator(f_jit, ([1.0, 2.0], 0.5))
    gen = f_jit((1.0, 2.0), 0.5)            # a tuple: another signature
    assert next(gen) == 0.5 and inspect.isgenerator(gen.gi_yieldfrom)
    assert list(gen) == [1.5]
    assert jitcy.stats(f_jit)["guard_misses"] >= 1
    assert list(f_jit((1.0, 2.0), 0.5)) == [0.5, 1.5]
    spec_types = [s.arg_types for s in pipeline.lookup(f_jit).specializations]
    assert (TupleType((float, float)), float) in spec_types, spec_types
    gen = f_jit((1.0, 2.0), 0.5)
    assert next(gen) == 0.5
    assert gen.gi_yieldfrom is not None and not inspect.isgenerator(gen.gi_yieldfrom)


def test_a_generators_window_times_its_steps_not_its_calls(pair):
    """Keep-what-pays on a generator: its call only makes the generator, so the window
    times the steps (profiler/probe.py, timed_steps) and the figures are per step."""
    f_jit = pair.jit.squares
    jitcy.hot(f_jit, threshold=200, time_limit=1e9)    # timed calls 1, 2, 4 ... 200: 10
    for _ in range(200):
        assert list(f_jit(3)) == [0, 1, 4]
    hf = pipeline.lookup(f_jit)
    assert hf.measuring is not None and f_jit.__code__ is hf.measure_code
    gen = f_jit(3)
    assert next(gen) == 0 and gen.gi_yieldfrom.gi_code.co_name == "timed_steps"
    gen.close()
    for _ in range(300):        # one sample per generator (4 steps): 16 + 31 per side
        assert list(f_jit(3)) == [0, 1, 4]
    measured = hf.specializations[0].measured
    assert measured is not None and "compiled_ns_per_step" in measured, measured
    assert "compiled_ns_per_call" not in measured
    assert hf.measuring is None and f_jit.__code__ in (hf.specializations[0].trampoline,
                                                      hf.original_code)


def test_generator_method_and_closure(pair):
    s_ref, s_jit = pair.ref.Scaler(2.0), pair.jit.Scaler(2.0)
    jitcy.hot(pair.jit.Scaler.scaled, threshold=1)
    for _ in range(2):
        list(s_jit.scaled([1.0]))
    assert_swapped(jitcy.stats(pair.jit.Scaler.scaled))
    s_jit.seen = 0
    g_ref, g_jit = s_ref.scaled([1.0, 2.0, 3.0]), s_jit.scaled([1.0, 2.0, 3.0])
    assert (next(g_ref), next(g_jit)) == (2.0, 2.0)
    s_ref.k = s_jit.k = 10        # seen by the next step of both
    assert list(g_ref) == list(g_jit) == [20.0, 30.0]
    assert s_ref.seen == s_jit.seen == 3

    sh_ref, sh_jit = pair.ref.make_shifted(1), pair.jit.make_shifted(1)
    jitcy.hot(sh_jit, threshold=1)
    for _ in range(2):
        list(sh_jit([1]))
    assert_swapped(jitcy.stats(sh_jit))
    for xs in ([1, 2], [2**63, -1.5], ["a"]):
        outcomes = []
        for f in (sh_ref, sh_jit):
            try:
                outcomes.append(("ok", list(f(xs))))
            except TypeError as exc:
                outcomes.append(("raise", str(exc)))
        assert outcomes[0] == outcomes[1], (xs, outcomes)


def test_traceback_points_at_the_users_line(pair):
    import traceback
    f_jit = pair.jit.divide_each
    compile_generator(f_jit, ([1.0], 2.0))
    frames = []
    for f in (pair.ref.divide_each, f_jit):
        with pytest.raises(ZeroDivisionError) as info:
            list(f([1.0, 2.0, 3.0], 1.0))
        last = traceback.extract_tb(info.value.__traceback__)[-1]
        frames.append((last.filename, last.lineno, last.name, last.line))
    assert frames[0] == frames[1], frames


@pytest.mark.parametrize("name, strategy, sample", [
    ("accumulate_sent", args(small_ints | big_ints | floats, st.integers(0, 6)), (1, 3)),
    ("guarded_finally", args(st.lists(small_ints | floats, max_size=4), small_ints),
     ([1, 2, 3], 0)),
    ("delegate", args(st.lists(floats | small_ints, max_size=4), st.integers(-1, 5)),
     ([1.0, 2.0], 3)),
])
def test_the_measuring_window_passes_everything_through(pair, name, strategy, sample):
    """Keep-what-pays runs a generator's calls alternately compiled and interpreted, each
    step timed through a written-out yield from (profiler/probe.py, timed_steps): next,
    send, throw, close and return values must still be the interpreter's."""
    f_jit = getattr(pair.jit, name)
    jitcy.hot(f_jit, threshold=200, time_limit=1e9)    # timed calls 1, 2, 4 ... 200: 10
    for _ in range(200):
        list(f_jit(*copy.deepcopy(sample)))
    hf = pipeline.lookup(f_jit)
    assert hf.measuring is not None and f_jit.__code__ is hf.measure_code, jitcy.stats(f_jit)

    @SETTINGS
    @given(strategy, scripts)
    def check(call_args, script):
        compare_drive(pair, name, call_args, script)
    check()
    assert hf.window_calls >= 30


def test_a_yield_in_an_except_or_finally_block_is_refused(pair):
    """gen.throw() chains the thrown exception to the one being handled where the
    generator stopped (CPython 3.9+); Cython's generators do not, so such a generator
    stays interpreted, with the reason."""
    f_ref, f_jit = pair.ref.yield_in_handler, pair.jit.yield_in_handler
    jitcy.hot(f_jit, threshold=1)
    assert list(f_jit([1, 0])) == [10.0, "division by zero"]
    st = jitcy.stats(f_jit)
    assert st["state"] == "failed" and "a yield inside an except or finally block" in st["reason"]
    for f in (f_ref, f_jit):
        gen = f([0, 1])
        assert next(gen) == "division by zero"
        with pytest.raises(KeyError) as info:
            gen.throw(KeyError("k"))
        assert isinstance(info.value.__context__, ZeroDivisionError)


def test_generators_made_before_a_change_run_on_as_they_started(pair):
    """The swap, jitcy.disable()/enable() and jitcy.unswap() change what new calls make; a
    suspended generator goes on with the code it started with (as a running frame keeps
    its code object)."""
    f = pair.jit.running_sum
    expected = list(pair.ref.running_sum([1.0, 2.0, 3.0], 1.0))
    jitcy.hot(f, threshold=2)
    made = [f([1.0, 2.0, 3.0], 1.0)]
    next(made[0])                                   # interpreted (profiling)
    made.append(f([1.0, 2.0, 3.0], 1.0))
    next(made[1])                                   # the second call: built and swapped
    assert jitcy.stats(f)["state"] == "swapped"
    made.append(f([1.0, 2.0, 3.0], 1.0))
    next(made[2])
    assert not inspect.isgenerator(made[2].gi_yieldfrom)        # compiled
    jitcy.disable()
    try:
        made.append(f([1.0, 2.0, 3.0], 1.0))
        next(made[3])
        assert made[3].gi_yieldfrom is None         # the original code itself
    finally:
        jitcy.enable()
    made.append(f([1.0, 2.0, 3.0], 1.0))
    next(made[4])
    assert not inspect.isgenerator(made[4].gi_yieldfrom)
    jitcy.unswap(f)
    made.append(f([1.0, 2.0, 3.0], 1.0))
    next(made[5])
    assert made[5].gi_yieldfrom is None and inspect.isgeneratorfunction(f)
    for gen in made:
        assert [expected[0]] + list(gen) == expected
