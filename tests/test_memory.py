"""Compiled code leaks no references and no memory: a million calls with object arguments
and results, then the process's RSS (after warm-up) and each argument's refcount."""
from __future__ import annotations

import gc
import sys

import psutil
import pytest

import jitcy

from .conftest import compile_now

pytestmark = pytest.mark.slow

CALLS = 1_000_000
MIB = 1024 * 1024


def combine(xs, key, table, scale):
    """Object arguments (list, str, dict, float) and a fresh object result (a tuple)."""
    first = xs[0]
    found = table.get(key)
    return (first, found, key + "!", scale * 2.0, len(xs))


def raising(xs, i):
    """The exception path: a compiled IndexError, caught by the caller."""
    return xs[i]


def _rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def _measure(call, args, calls=CALLS):
    """(RSS growth in bytes, refcounts before, refcounts after) over ``calls`` calls."""
    for _ in range(20_000):          # warm-up: caches, free lists, allocator arenas
        call()
    counts = [sys.getrefcount(a) for a in args]
    before = _rss()
    for _ in range(calls):
        call()
    after = _rss()
    return after - before, counts, [sys.getrefcount(a) for a in args]


def test_compiled_function_with_object_arguments(jitcy_env):
    # A key built at run time: a one-character literal is a process-wide shared object whose
    # refcount moves whenever garbage from earlier tests is collected (flaky after others).
    key = "".join(["k", "ey"])
    xs, table, scale = [1, 2, 3], {key: object()}, 1.5
    expected = combine(xs, key, table, scale)
    stats = compile_now(combine, xs, key, table, scale)
    assert stats["state"] == "swapped", stats
    assert combine(xs, key, table, scale) == expected
    calls_before = jitcy.stats(combine).get("fallbacks", 0)
    grown, before, after = _measure(lambda: combine(xs, key, table, scale),
                                    (xs, key, table, scale, table[key]))
    assert jitcy.stats(combine).get("fallbacks", 0) == calls_before   # all calls compiled
    assert before == after
    assert grown < MIB, f"RSS grew by {grown / MIB:.2f} MiB over {CALLS} calls"


def test_compiled_exception_path_and_guard_misses(jitcy_env):
    xs = [1.0, 2.0]
    compile_now(raising, xs, 0)
    assert jitcy.stats(raising)["state"] == "swapped"
    pair = (7, 8)        # a tuple: a guard miss, run by the original code

    def call():
        try:
            raising(xs, 5)
        except IndexError:
            pass
        raising(pair, 1)

    grown, before, after = _measure(call, (xs, pair), calls=CALLS // 2)
    assert before == after
    assert grown < MIB, f"RSS grew by {grown / MIB:.2f} MiB"


INLINE_CODE = "return (xs, label + '!', values[1] + values[3], len(xs))"


def _inline_call(xs, label, values):
    return jitcy.inline(INLINE_CODE)          # captures its three parameters


def test_inline_with_object_and_array_arguments(jitcy_env):
    np = pytest.importorskip("numpy")
    xs, label, values = [1, 2], "label", np.arange(4.0)
    assert _inline_call(xs, label, values) == (xs, "label!", 4.0, 2)
    grown, before, after = _measure(lambda: _inline_call(xs, label, values),
                                    (xs, label, values))
    assert before == after
    assert grown < MIB, f"RSS grew by {grown / MIB:.2f} MiB over {CALLS} inline calls"
