"""NumPy arrays as typed memoryviews (issue 3, item 5): interpreted vs compiled.

tests/corpus_arrays.py is loaded twice: the reference copy stays interpreted, the other
copy's functions are compiled for the arrays of the first call. Hypothesis draws the
arrays and indexes. "The same answer" here: equal values of the same type (an element
read is the NumPy scalar, np.float64/np.int64/np.int32, in both), NaN == NaN, the sign of
zero, the same exception type and message, the same arrays afterwards (values and dtype).
NumPy scalar arithmetic itself is tested in tests/test_npscalars.py.
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings

import pytest

np = pytest.importorskip("numpy")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import jitcy  # noqa: E402
from jitcy.profiler.arrays import ArrayType, describe  # noqa: E402

from .conftest import TESTS, compile_now, fresh_pair  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = TESTS / "corpus_arrays.py"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

floats = st.floats(allow_nan=True, allow_infinity=True)
f8_1d = hnp.arrays(np.float64, st.integers(0, 12), elements=floats)
i8_1d = hnp.arrays(np.int64, st.integers(0, 12))
f8_2d = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
                   elements=st.floats(-1e6, 1e6))
indexes = st.integers(-15, 15) | st.sampled_from([2**63 - 1, -2**63, 2**63, 2**70, -2**70])


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield ref, jit


def same_value(a, b) -> bool:
    """Interpreted ``a`` vs compiled ``b``: the same type (NumPy scalars included) and
    value; arrays compare by dtype and values."""
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


def outcome(func, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # NumPy's overflow warnings
        try:
            return "ok", func(*args)
        except Exception as exc:  # noqa: BLE001
            return "raise", exc


def clone(a):
    """A copy of ``a`` with the same dtype, layout (strided stays strided), class and
    writeable flag."""
    if not isinstance(a, np.ndarray) or type(a) is not np.ndarray:
        return a.copy() if isinstance(a, np.ndarray) else a
    if a.flags.c_contiguous or a.ndim == 0:
        out = a.copy()
    else:
        out = np.empty(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)[..., ::2]
        out[...] = a
    out.setflags(write=a.flags.writeable)
    return out


def check(ref_f, jit_f, *args):
    """Run both on their own copies of the arguments; compare outcome and arguments after."""
    ref_args = [clone(a) for a in args]
    jit_args = [clone(a) for a in args]
    (rk, rv), (jk, jv) = outcome(ref_f, ref_args), outcome(jit_f, jit_args)
    what = f"{ref_f.__name__}{tuple(args)!r}"
    assert rk == jk, f"{what}: interpreted {rk} {rv!r}, compiled {jk} {jv!r}"
    if rk == "ok":
        assert same_value(rv, jv), f"{what}: interpreted {rv!r}, compiled {jv!r}"
    else:
        assert type(rv) is type(jv) and str(rv) == str(jv), f"{what}: {rv!r} vs {jv!r}"
    for r, j in zip(ref_args, jit_args):
        assert same_value(r, j), f"{what}: arguments after the call differ: {r!r} vs {j!r}"


def swap(func, *sample, threshold=1):
    """Compile ``func`` for the kinds of ``sample``; with a higher ``threshold`` guard
    misses stay interpreted for that many calls before getting their own build."""
    if threshold == 1:
        stats = compile_now(func, *[clone(a) for a in sample])
    else:
        jitcy.hot(func, threshold=threshold, time_limit=1e9)
        for _ in range(threshold):
            func(*[clone(a) for a in sample])
        stats = jitcy.stats(func)
    assert stats["state"] == "swapped", (stats["reason"], stats["failures"])
    return stats


def on_compiled_path(func, before):
    after = jitcy.stats(func)
    assert after["guard_misses"] == before["guard_misses"], after
    assert after["fallbacks"] == before["fallbacks"], after


# -- the observed signature --------------------------------------------------------------
def test_probe_records_dtype_ndim_and_layout(jitcy_env):
    m = np.zeros((3, 4))
    for arg, kind in ((m, ArrayType("<f8", 2, True)), (m[:, ::2], ArrayType("<f8", 2, False)),
                      (np.arange(3, dtype=np.int32), ArrayType("<i4", 1, True))):
        def f(a, n):
            return n
        jitcy.hot(f, threshold=100)
        f(arg, 1)                       # the first call is always a sampled one
        assert set(jitcy.pipeline.lookup(f).sigs) == {(kind, int)}
    assert describe(np.zeros(0)).contiguous


# -- element reads, shape, len -------------------------------------------------------------
@SETTINGS
@given(a=f8_1d, b=f8_1d)
def test_dot_float64(pair, a, b):
    ref, jit = pair
    stats = swap(jit.dot, np.ones(3), np.ones(3))
    check(ref.dot, jit.dot, a, b)     # b shorter than a: NumPy's IndexError, same message
    on_compiled_path(jit.dot, stats)


@SETTINGS
@given(a=i8_1d)
@example(a=np.array([2**62, 2**62, -5], dtype=np.int64))         # overflow: NumPy wraps
@example(a=np.array([-2**63, -1], dtype=np.int64))
def test_int64_sum_overflow_gives_numpys_answer(pair, a):
    ref, jit = pair
    swap(jit.isum, np.arange(4))
    check(ref.isum, jit.isum, a)


@SETTINGS
@given(a=f8_1d, i=indexes)
@example(a=np.arange(5.0), i=-6)
@example(a=np.arange(5.0), i=5)
@example(a=np.arange(5.0), i=2**70)
def test_index_wraps_and_raises_numpys_index_error(pair, a, i):
    ref, jit = pair
    stats = swap(jit.get, np.arange(3.0), 1)
    check(ref.get, jit.get, a, i)
    on_compiled_path(jit.get, stats)


@SETTINGS
@given(a=i8_1d, i=indexes)
def test_int64_element_arithmetic(pair, a, i):
    ref, jit = pair
    swap(jit.get_int, np.arange(3), 1)
    check(ref.get_int, jit.get_int, a, i)


@SETTINGS
@given(m=f8_2d, i=st.integers(-6, 6), j=st.integers(-6, 6))
def test_two_dimensional_reads(pair, m, i, j):
    ref, jit = pair
    stats = swap(jit.get2, np.ones((2, 3)), 1, 1)
    check(ref.get2, jit.get2, m, i, j)
    check(ref.shape_sum, jit.shape_sum, m)
    check(ref.row, jit.row, m, i)
    on_compiled_path(jit.get2, stats)


@SETTINGS
@given(a=f8_1d)
def test_negative_indexes_in_a_loop(pair, a):
    ref, jit = pair
    swap(jit.negative_walk, np.ones(3))
    check(ref.negative_walk, jit.negative_walk, a)


# -- writes ----------------------------------------------------------------------------------
@SETTINGS
@given(a=f8_1d, i=indexes, v=floats | st.integers(-2**70, 2**70) | st.booleans())
def test_float64_writes(pair, a, i, v):
    ref, jit = pair
    swap(jit.put, np.zeros(3), 1, 2.5)
    check(ref.put, jit.put, a, i, v)


@SETTINGS
@given(a=hnp.arrays(np.int32, st.integers(1, 6)) | hnp.arrays(np.int64, st.integers(1, 6)),
       i=st.integers(-7, 7), v=st.integers(-2**40, 2**40) | st.sampled_from([2**31 - 2, -2**31]))
def test_int_writes_keep_numpys_casting_and_overflow(pair, a, i, v):
    ref, jit = pair
    swap(jit.put_int, np.zeros(3, dtype=np.int32), 1, 2)
    swap(jit.put, np.zeros(3, dtype=np.int64), 1, 2)
    check(ref.put_int, jit.put_int, a, i, v)
    check(ref.put, jit.put, a, i, v)
    check(ref.put, jit.put, a, i, float(v) + 0.5)     # a float into an int array: NumPy's cast


@SETTINGS
@given(m=f8_2d, k=floats)
def test_in_place_2d_and_two_arrays(pair, m, k):
    ref, jit = pair
    swap(jit.scale, np.ones((2, 2)), 2.0)
    swap(jit.prefix, np.ones(3), np.zeros(3))
    check(ref.scale, jit.scale, m, k)
    flat = m.ravel()
    check(ref.prefix, jit.prefix, flat, np.zeros_like(flat))
    check(ref.prefix, jit.prefix, flat, np.zeros(max(len(flat) - 1, 0)))  # IndexError mid-way


def test_non_element_indexes_stay_python(pair):
    ref, jit = pair
    swap(jit.float_index, np.ones(3), 1)
    for args in ((np.arange(4.0), 1), (np.arange(4.0), 1.5), (np.arange(4.0), True),
                 (np.arange(4.0), slice(1, 3))):
        check(ref.float_index, jit.float_index, *args)
    swap(jit.mask_index, np.ones(3), True)
    check(ref.mask_index, jit.mask_index, np.arange(3.0), False)


# -- guards: another dtype, ndim or layout never runs the wrong code --------------------------
def test_other_kinds_of_array_fall_back_or_specialize(pair):
    ref, jit = pair
    swap(jit.dot, np.ones(4), np.ones(4), threshold=20)
    others = [
        (np.arange(4, dtype=np.int64), np.ones(4)),          # dtype
        (np.arange(4, dtype=np.float32), np.ones(4)),        # a dtype jitcy leaves to NumPy
        (np.ones((4, 2)), np.ones(4)),                       # ndim
        (np.arange(8.0)[::2], np.ones(4)),                   # not contiguous
        (np.arange(4.0).astype(">f8"), np.ones(4)),           # byte order
        (np.ma.masked_array(np.arange(4.0), mask=[0, 1, 0, 0]), np.ones(4)),  # a subclass
        ([1.0, 2.0], [3.0, 4.0]),                            # not an array at all
    ]
    for args in others:
        before = jitcy.stats(jit.dot)["guard_misses"]
        check(ref.dot, jit.dot, *args)
        assert jitcy.stats(jit.dot)["guard_misses"] == before + 1, args
    assert len(jitcy.stats(jit.dot)["specializations"]) == 1


def test_a_strided_signature_seen_often_gets_its_own_specialization(pair):
    ref, jit = pair
    swap(jit.dot, np.ones(4), np.ones(4))
    for _ in range(3):
        check(ref.dot, jit.dot, np.arange(8.0)[::2], np.arange(8.0)[1::2])
    kinds = [s["types"][0] for s in jitcy.stats(jit.dot)["specializations"]]
    assert kinds == ["ndarray[<f8, 1d, C]", "ndarray[<f8, 1d, strided]"], kinds
    before = jitcy.stats(jit.dot)
    check(ref.dot, jit.dot, np.arange(12.0)[::3], np.arange(8.0)[1::2])
    check(ref.dot, jit.dot, np.arange(4.0), np.arange(4.0))
    after = jitcy.stats(jit.dot)
    assert after["fallbacks"] == before["fallbacks"], after


def test_read_only_array_runs_compiled_when_not_written(pair):
    ref, jit = pair
    stats = swap(jit.dot, np.ones(3), np.ones(3))
    a = np.arange(3.0)
    a.setflags(write=False)
    check(ref.dot, jit.dot, a, a)
    on_compiled_path(jit.dot, stats)
    swap(jit.put, np.zeros(3), 1, 2.5)
    check(ref.put, jit.put, a, 1, 2.0)      # ValueError: assignment destination is read-only


# -- NumPy stays optional ----------------------------------------------------------------------
def test_jitcy_never_imports_numpy_itself(tmp_path):
    script = (
        "import sys, jitcy\n"
        "def f(x, n):\n"
        "    s = 0.0\n"
        "    for i in range(n):\n"
        "        s += x\n"
        "    return s\n"
        "jitcy.hot(f, threshold=1)\n"
        "assert f(1.5, 3) == 4.5 and f(1.5, 4) == 6.0\n"
        "assert jitcy.stats(f)['state'] == 'swapped', jitcy.stats(f)\n"
        "assert 'numpy' not in sys.modules\n"
        "sys.modules['numpy'] = None   # as if not installed\n"
        "assert f([1.0], 0) == 0.0\n"
        "print('ok')\n")
    env = dict(os.environ, PYTHONPATH=ROOT, JITCY_SYNC="1", JITCY_STRICT="1",
               JITCY_CACHE_DIR=str(tmp_path / "cache"))
    (tmp_path / "no_numpy.py").write_text(script)
    out = subprocess.run([sys.executable, str(tmp_path / "no_numpy.py")], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr
