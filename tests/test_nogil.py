"""``with jitcy.nogil():``: a no-op interpreted; compiled, the block runs without the GIL
when everything in it is C-typed, else it keeps the GIL with a reason in the notes."""
from __future__ import annotations

import inspect
import io
import math
import re
import sys
import threading
import warnings
from math import exp
from math import sqrt as msqrt

import pytest

import jitcy
from jitcy import analyzer, pipeline
from jitcy import nogil as imported_nogil
from jitcy.translator import emit_module

from .conftest import compile_now


def logistic(n, x):
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            x = 3.7 * x * (1.0 - x)
            s += x / 2.0
    return s


def halve_until(x, y):
    out = []
    with imported_nogil():
        z = x * 1.0
        while z > 1.0:
            z = z / y
    out.append(z)           # impure: ints would stay objects, but this block has none
    return z, out


def int_sum(n):
    t = 0
    with jitcy.nogil():
        for i in range(n):
            t += i
    return t


def int_grow(n, t):
    with jitcy.nogil():
        for i in range(n):
            t = t * 3 - i      # overflows C long long quickly: Python's answer all the same
    return t


def int_floordiv(n, d):
    t = 0
    with jitcy.nogil():
        for i in range(n):
            t = t // d + i
    return t


def int_negate(a, b):
    with jitcy.nogil():
        c = -a * b
        q = a // b
    return c, q


def int_div(n):
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            s = s + i / 3       # int / int: Python's true division, through objects
    return s


def impure_loop(n, x):
    s = 0.0
    log = []
    with jitcy.nogil():
        for i in range(n):
            s += x
    log.append(s)
    return s


def divide_down(x, y):
    z = x * 1.0
    with jitcy.nogil():
        while z > 1.0:
            z = z / y
    return z


def spin(n, x):             # logistic, for the GIL test alone (each test compiles its own)
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            x = 3.7 * x * (1.0 - x)
            s += x / 2.0
    return s


def int_spin(n):
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            s = s + i / 3
    return s


def mod_zero(n, m):
    t = 0
    with jitcy.nogil():
        for i in range(n):
            t = t + i % m
    return t


def impure_int(n):
    t = 0
    log = []
    with jitcy.nogil():
        for i in range(n):
            t = t + i
    log.append(t)
    return t


def assigned_inside(x):
    with jitcy.nogil():
        y = x * 2.0
    return y


def object_inside(xs, x):
    with jitcy.nogil():
        x = x + len(xs)
    return x


def floor_inside(x):
    with jitcy.nogil():
        y = math.floor(x)
    return y


def impure_int_sqrt(n):
    s = 0.0
    log = []
    with jitcy.nogil():
        for i in range(n):
            s += math.sqrt(i)
    log.append(s)
    return s


def test_nogil_is_a_cheap_no_op_interpreted():
    assert jitcy.nogil() is jitcy.nogil()
    with jitcy.nogil() as value:
        assert value is None
    with pytest.raises(KeyError):
        with jitcy.nogil():
            raise KeyError("propagates")
    assert logistic(10, 0.25) == logistic(10, 0.25)
    assert "nogil" in jitcy.__all__


def _with_line(func):
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, text in enumerate(lines) if "nogil()" in text)


def _pyx(typed):
    """The generated module without the source-line comments."""
    return re.sub(r"  # line \d+", "", emit_module.emit_module(typed))


def _typed(func, types):
    hf = pipeline.lookup(func)          # compiled by an earlier test: its original code
    return analyzer.analyze(func, hf.original_code if hf else func.__code__, types)


def test_c_typed_block_is_emitted_with_nogil():
    typed = _typed(logistic, (int, float))
    line = _with_line(logistic)
    assert typed.c_ints and typed.nogil_blocks == {line: None}
    assert typed.notes == []
    pyx = _pyx(typed)
    assert "    with nogil:\n        for i in range(n):" in pyx
    assert "nogil()" not in pyx and "global_get(__jitcy_b, 'jitcy')" not in pyx


def test_c_int_add_sub_mul_use_checked_helpers_without_gil():
    typed = _typed(int_grow, (int, int))
    assert typed.c_ints and list(typed.nogil_blocks.values()) == [None]
    pyx = _pyx(typed)
    assert "t = __jitcy_ll_sub(__jitcy_ll_mul(t, 3), i)" in pyx
    assert "cdef inline long long __jitcy_ll_mul(long long a, long long b) except? -1 nogil:" \
        in pyx


def test_negation_and_floor_division_use_checked_helpers():
    typed = _typed(int_negate, (int, int))
    assert typed.c_ints and list(typed.nogil_blocks.values()) == [None]
    pyx = _pyx(typed)
    assert "c = __jitcy_ll_mul(__jitcy_ll_sub(0, a), b)" in pyx
    assert "q = __jitcy_ll_floordiv(a, b)" in pyx


@pytest.mark.parametrize("func, types", [(halve_until, (float, float)),
                                         (impure_loop, (int, float))])
def test_block_in_impure_function_runs_without_gil(func, types):
    """Floats, and loop counters that provably fit (C even where other ints are not)."""
    typed = _typed(func, types)
    assert not typed.c_ints
    assert list(typed.nogil_blocks.values()) == [None]
    assert "with nogil:" in _pyx(typed)


@pytest.mark.parametrize("func, types, why", [
    (int_div, (int,), "C-int 'Div' (its checks need the GIL)"),
    (impure_int, (int,), "'t' is an int kept as a Python object"),
    (object_inside, (list, float), "arithmetic on Python objects"),
    (floor_inside, (float,), "a call of a Python-level function"),
    (impure_int_sqrt, (int,), "sqrt() of an int in a function that is not pure"),
])
def test_block_that_needs_the_gil_keeps_it_with_a_reason(func, types, why):
    typed = _typed(func, types)
    (line, reason), = typed.nogil_blocks.items()
    assert line == _with_line(func)
    assert why in reason
    assert (line, f"'with jitcy.nogil()' keeps the GIL: {reason}") in typed.notes
    pyx = _pyx(typed)
    assert "with nogil" not in pyx and "jitcy.nogil" not in pyx


@pytest.mark.slow
@pytest.mark.parametrize("func, args", [
    (logistic, (1000, 0.25)),
    (halve_until, (1e6, 3.0)),
    (int_sum, (1000,)),
    (int_grow, (3, 1)),
    (int_grow, (200, 1)),
    (int_floordiv, (1000, 2)),
    (int_floordiv, (1000, -3)),
    (int_negate, (7, -2)),
    (int_negate, (-2**63, -1)),        # -a and a // b overflow: Python's answer
    (int_negate, (-7, 2)),
    (int_div, (100,)),
    (mod_zero, (1000, 7)),
    (impure_loop, (50, 0.5)),
    (impure_int, (50,)),
    (assigned_inside, (1.5,)),
    (object_inside, ([1, 2], 0.5)),
])
def test_compiled_results_match_the_interpreter(jitcy_env, func, args):
    expected = func(*args)
    stats = compile_now(func, *args)
    assert stats["state"] == "swapped", stats
    assert func(*args) == expected


@pytest.mark.slow
def test_modulo_by_zero_without_the_gil_is_pythons(jitcy_env):
    assert list(_typed(mod_zero, (int, int)).nogil_blocks.values()) == [None]
    with pytest.raises(ZeroDivisionError) as interpreted:
        mod_zero(5, 0)
    compile_now(mod_zero, 10, 3)
    assert jitcy.stats(mod_zero)["state"] == "swapped"
    with pytest.raises(ZeroDivisionError) as compiled:
        mod_zero(5, 0)
    assert str(compiled.value) == str(interpreted.value)
    assert mod_zero(100, 7) == sum(i % 7 for i in range(100))


@pytest.mark.slow
def test_exception_raised_without_the_gil_is_pythons(jitcy_env):
    with pytest.raises(ZeroDivisionError) as interpreted:
        divide_down(5.0, 0.0)
    assert list(_typed(divide_down, (float, float)).nogil_blocks.values()) == [None]
    compile_now(divide_down, 1e6, 3.0)
    assert jitcy.stats(divide_down)["state"] == "swapped"
    with pytest.raises(ZeroDivisionError) as compiled:
        divide_down(5.0, 0.0)
    assert str(compiled.value) == str(interpreted.value)
    assert divide_down(9.0, 3.0) == 1.0


def _progress_while_running(func, *args):
    """How many times the main thread ran while ``func(*args)`` was executing on another
    thread. The switch interval is made huge, so a thread holding the GIL is never asked to
    give it up: the main thread only runs if the call releases the GIL itself."""
    counter = [0]
    seen = []
    done = threading.Event()

    def worker():
        before = counter[0]
        func(*args)
        seen.append(counter[0] - before)
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        while not done.is_set():
            counter[0] += 1
            done.wait(0.0005)     # releases the GIL: the worker gets it
        thread.join()
    finally:
        sys.setswitchinterval(old)
    return seen[0]


@pytest.mark.slow
def test_compiled_block_really_releases_the_gil(jitcy_env):
    compile_now(spin, 10, 0.25)
    compile_now(int_spin, 10)
    assert jitcy.stats(spin)["state"] == jitcy.stats(int_spin)["state"] == "swapped"
    # int_spin's block keeps the GIL (int / int): the main thread cannot run meanwhile.
    assert _progress_while_running(int_spin, 3_000_000) == 0
    assert _progress_while_running(spin, 30_000_000, 0.25) > 5
    # explain says which block keeps the GIL, and why
    kept = jitcy.explain(int_spin, file=io.StringIO())
    assert f"line {_with_line(int_spin)}: 'with jitcy.nogil()' keeps the GIL: line " in kept
    assert "C-int 'Div'" in kept
    assert "keeps the GIL" not in jitcy.explain(spin, file=io.StringIO())


def test_translator_keeps_the_gil_for_a_block_that_still_needs_objects():
    """The translator's safety net: a rewrite through Python objects that the analyzer's
    rules did not foresee keeps the GIL (a Cython compile error otherwise)."""
    import ast
    from jitcy.translator import naming
    from jitcy.translator.rewrite_names import _needs_gil
    ok = ast.parse(f"x = {naming.FLOAT_DIV}(x, 2.0)\nfor i in range(n):\n    s = abs(s)").body
    assert _needs_gil(ok) is None
    bad = ast.parse(f"s = s + {naming.AS_OBJECT}(i)").body
    assert "Python objects" in _needs_gil(bad) and naming.AS_OBJECT in _needs_gil(bad)


# -- NumPy array parameters (read and written through their buffer) ---------------------
def scale_prefix(a, n):
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            s += a[i] * 2.0
            a[i] = s
    return s


def grid_sum(a):
    s = 0.0
    with jitcy.nogil():
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                s += a[i, j]
    return s


def int_total(a):
    t = a[0] * 0            # an np.int64 from the start (t = 0 would be int or np.int64)
    with jitcy.nogil():
        for i in range(a.shape[0]):
            t += a[i] * 3   # NumPy's int64 arithmetic: wraps with a RuntimeWarning
    return t


def int_total_from_zero(a):
    t = 0
    with jitcy.nogil():
        for i in range(a.shape[0]):
            t += a[i] * 3
    return t


@pytest.mark.slow
def test_array_loops_run_without_the_gil(jitcy_env):
    np = pytest.importorskip("numpy")
    from jitcy.profiler.arrays import ArrayType
    for func, types in [(scale_prefix, (ArrayType("<f8", 1, True), int)),
                        (grid_sum, (ArrayType("<f8", 2, False),)),
                        (int_total, (ArrayType("<i8", 1, True),))]:
        assert list(_typed(func, types).nogil_blocks.values()) == [None], func.__name__
    # t is an int on zero iterations and an np.int64 after one: a Python object
    [why] = _typed(int_total_from_zero, (ArrayType("<i8", 1, True),)).nogil_blocks.values()
    assert "'t' is a Python object" in why
    a, b = np.arange(10.0), np.arange(10.0)
    expected = scale_prefix(a, 10)
    compile_now(scale_prefix, np.arange(4.0), 4)
    assert jitcy.stats(scale_prefix)["state"] == "swapped"
    got = scale_prefix(b, 10)
    assert got == expected and type(got) is type(expected) and b.tolist() == a.tolist()
    grid = np.arange(12.0).reshape(3, 4)[:, ::2]           # strided
    expected_grid = grid_sum(grid)
    compile_now(grid_sum, grid)
    assert jitcy.stats(grid_sum)["state"] == "swapped" and grid_sum(grid) == expected_grid
    assert type(grid_sum(grid)) is type(expected_grid) is np.float64
    ints = np.array([1, 2, 2**62, 2**62], dtype=np.int64)    # * 3 wraps (NumPy's warning)
    small = np.arange(5, dtype=np.int64)
    expected_small = int_total(small)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_ints = int_total(ints)
        compile_now(int_total, small)
        assert jitcy.stats(int_total)["state"] == "swapped"
        assert int_total(small) == expected_small
        assert int_total(ints) == expected_ints and type(int_total(ints)) is np.int64


@pytest.mark.slow
def test_array_index_error_without_the_gil_is_numpys(jitcy_env):
    np = pytest.importorskip("numpy")

    def run(func):
        with pytest.raises(IndexError) as info:
            func(np.arange(3.0), 5)
        return str(info.value)

    interpreted = run(index_past)
    compile_now(index_past, np.arange(4.0), 4)
    assert jitcy.stats(index_past)["state"] == "swapped"
    assert run(index_past) == interpreted


def index_past(a, n):
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            s += a[i]
    return s


# -- math functions and float ** (C, with Python's errors) -------------------------------
def math_mix(k, x):
    r = 0.0
    with jitcy.nogil():
        if k == 0:
            r = math.sqrt(x)
        elif k == 1:
            r = math.log(x)
        elif k == 2:
            r = exp(x)
        elif k == 3:
            r = x ** 3
        elif k == 4:
            r = math.atan2(x, -0.0)
        elif k == 5:
            r = math.copysign(1.0, x)
        elif k == 6:
            r = math.acosh(x)
        elif k == 7:
            r = math.pi * x
        elif k == 8:
            if math.isnan(x):
                r = 1.0
        else:
            r = x ** -1
    return r


def math_impure(n, x, before):
    before()                # user code: it may rebind math or msqrt
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            s += msqrt(x) * math.pi + x ** 2
    return s


def math_spin(n, x):
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            s += math.sqrt(x + 1.0) + math.sin(x) + x ** 2
            x = math.cos(s)
    return s


def _nothing():
    pass


def test_math_calls_and_float_pow_run_without_the_gil():
    line = _with_line(math_mix)
    typed = _typed(math_mix, (int, float))
    assert typed.c_ints and typed.nogil_blocks == {line: None}, typed.notes
    pyx = _pyx(typed)
    start = pyx.index("    with nogil:")
    block = pyx[start:pyx.index("\n    return r\n", start)]
    for call in ("__jitcy_m_sqrt(x)", "__jitcy_m_log(x)", "__jitcy_m_exp(x)",
                 "__jitcy_fpow(x, 3)", "__jitcy_m_isnan(x)", "__jitcy_mc_pi * x"):
        assert call in block, call
    # the helpers are nogil; only their Python fallback takes the GIL
    assert ("cdef inline double __jitcy_m_sqrt(double x) except? -1.0 nogil:" in pyx
            and "cdef double __jitcy_mpy_sqrt(double x) except? -1.0 with gil:" in pyx
            and "cdef inline double __jitcy_fpow(double x, double y) except? -1.0 nogil:" in pyx)


def test_math_in_impure_function_checks_the_names_once_before_the_block():
    """A body that runs user code checks at each use that math/msqrt are still the math
    module's; a nogil block checks once, before it, and holds the GIL if they are not."""
    typed = _typed(math_impure, (int, float, type(_nothing)))
    assert not typed.c_ints and list(typed.nogil_blocks.values()) == [None], typed.notes
    pyx = _pyx(typed)
    released = pyx[pyx.index("    if __jitcy_known_ok(__jitcy_b):\n        with nogil:"):]
    fast, slow = released.split("    else:\n", 1)
    assert ("(__jitcy_c_sqrt(x) if __jitcy_likely(__jitcy_msafe_sqrt(x)) else __jitcy_m_sqrt(x))"
            " * __jitcy_mc_pi") in fast and "known_ok" not in fast.split(
        "\n", 1)[1]
    assert "global_get(__jitcy_b, 'msqrt', " in slow.split("return s")[0]


@pytest.mark.slow
def test_math_without_the_gil_gives_pythons_values_and_errors(jitcy_env):
    inf, nan = math.inf, math.nan
    cases = [(0, 2.0), (0, -0.0), (0, inf), (0, nan), (0, -1.0), (1, 0.0), (1, inf),
             (1, -2.0), (2, -inf), (2, 1000.0), (2, 1.5), (3, -2.0), (3, nan), (3, -inf),
             (3, 1e200), (3, -0.0), (4, -0.0), (4, nan), (5, -0.0), (5, nan), (6, 0.5),
             (6, inf), (7, -0.0), (8, nan), (8, 1.0), (9, -0.0), (9, 0.0), (9, inf),
             (9, 4.0)]

    def outcome(k, x):
        try:
            return "value", repr(math_mix(k, x))       # repr: nan, -0.0 and inf exactly
        except Exception as error:                      # noqa: BLE001
            return type(error).__name__, str(error)

    expected = [outcome(*case) for case in cases]
    kinds = {kind for kind, _ in expected}
    assert {"value", "ValueError", "OverflowError", "ZeroDivisionError"} <= kinds
    compile_now(math_mix, 0, 2.0)
    assert jitcy.stats(math_mix)["state"] == "swapped"
    before = jitcy.stats(math_mix)["compiled_calls"]
    assert [outcome(*case) for case in cases] == expected
    assert jitcy.stats(math_mix)["compiled_calls"] > before


@pytest.mark.slow
def test_math_rebound_before_the_block_is_seen(jitcy_env):
    expected = math_impure(5, 2.0, _nothing)
    compile_now(math_impure, 5, 2.0, _nothing)
    assert jitcy.stats(math_impure)["state"] == "swapped"
    assert math_impure(5, 2.0, _nothing) == expected

    def rebind():
        globals()["msqrt"] = lambda v: 10.0 * v

    try:
        interpreted = 0.0
        for _ in range(5):                  # the loop's own arithmetic, with the new msqrt
            interpreted += (10.0 * 2.0) * math.pi + 2.0 ** 2
        assert math_impure(5, 2.0, rebind) == interpreted
    finally:
        globals()["msqrt"] = math.sqrt
    assert math_impure(5, 2.0, _nothing) == expected
    assert jitcy.stats(math_impure)["fallbacks"] == 0      # the compiled code did it


@pytest.mark.slow
def test_math_block_really_releases_the_gil(jitcy_env):
    compile_now(math_spin, 10, 0.25)
    compile_now(math_impure, 5, 2.0, _nothing)
    compile_now(floor_inside, 2.5)
    assert {jitcy.stats(f)["state"] for f in (math_spin, math_impure, floor_inside)} == {
        "swapped"}
    assert _progress_while_running(math_spin, 10_000_000, 0.25) > 5
    assert _progress_while_running(math_impure, 20_000_000, 2.0, _nothing) > 5
    assert "keeps the GIL" not in jitcy.explain(math_spin, file=io.StringIO())


@pytest.mark.slow
def test_numpy_errors_and_warnings_inside_a_nogil_block(jitcy_env):
    """NumPy scalar arithmetic without the GIL takes it back to warn or raise as NumPy:
    the same value, warnings and FloatingPointError as interpreted."""
    np = pytest.importorskip("numpy")

    def run(func, mode):
        a = np.array([1.0, 1e308, 3.0])
        with warnings.catch_warnings(record=True) as caught, np.errstate(**mode):
            warnings.simplefilter("always")
            try:
                result = repr(func(a, 3))
            except FloatingPointError as exc:
                result = str(exc)
        return result, a.tolist(), [str(w.message) for w in caught]

    modes = ({}, {"all": "raise"})
    expected = [run(scale_prefix, mode) for mode in modes]
    compile_now(scale_prefix, np.arange(4.0), 4)
    assert jitcy.stats(scale_prefix)["state"] == "swapped"
    assert [run(scale_prefix, mode) for mode in modes] == expected
    assert expected[1][0] == "overflow encountered in scalar multiply"
