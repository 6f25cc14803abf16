"""The core path end to end: decorator, profiling, build, cache, swap, and every fallback."""
from __future__ import annotations

import asyncio
import inspect
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest

import jitcy
from jitcy import analyzer, config, errors, pipeline
from jitcy.translator import emit_module

from .conftest import compile_now

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def total(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def scaled(x, k):
    return x * k + 0.5


def polymorphic(a, b):
    return a + b


# -- the decorator's front door -----------------------------------------------------
@pytest.mark.parametrize("kwargs, exc, text", [
    ({"threshold": 0}, ValueError, ">= 1"),
    ({"threshold": 2.5}, TypeError, "whole number"),
    ({"threshold": True}, TypeError, "whole number"),
    ({"time_limit": -1}, ValueError, ">= 0"),
    ({"time_limit": "1"}, TypeError, "seconds"),
])
def test_bad_options_raise_at_decoration(kwargs, exc, text):
    with pytest.raises(exc, match=text):
        jitcy.hot(**kwargs)


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        jitcy.hot(thresold=3)


@pytest.mark.parametrize("thing", [len, print, int, object(), (lambda: None).__call__])
def test_non_python_callables_are_refused_clearly(thing):
    with pytest.raises(TypeError, match="expects a Python function"):
        jitcy.hot(thing)


def test_disable_returns_function_untouched(monkeypatch):
    monkeypatch.setenv("JITCY_DISABLE", "1")
    config.reload()
    try:
        def f(x):
            return x + 1
        code = f.__code__
        assert jitcy.hot(f) is f and f.__code__ is code
        with pytest.raises(ValueError, match="not a function jitcy handles"):
            jitcy.stats(f)
    finally:
        monkeypatch.delenv("JITCY_DISABLE")
        config.reload()


def test_bad_environment_value_is_explained(monkeypatch):
    """A bad value never breaks the program (one warning, the default used, as Numba does);
    under JITCY_STRICT=1 it raises."""
    from jitcy import errors
    monkeypatch.setenv("JITCY_THRESHOLD", "many")
    monkeypatch.setenv("JITCY_STRICT", "1")
    with pytest.raises(ValueError, match="JITCY_THRESHOLD='many' is not a valid int"):
        config.reload()
    monkeypatch.delenv("JITCY_STRICT")
    errors.reset_warnings()
    with pytest.warns(errors.JitcyWarning, match="JITCY_THRESHOLD='many' .*using the default, 2"):
        assert config.reload().threshold == 2
    monkeypatch.setenv("JITCY_THRESHOLD", "0")
    with pytest.warns(errors.JitcyWarning, match="JITCY_THRESHOLD='0' must be >= 1"):
        assert config.reload().threshold == 2
    monkeypatch.delenv("JITCY_THRESHOLD")
    assert config.reload().problems == ()


def test_bad_environment_value_does_not_break_the_program(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import jitcy\n"
                      "@jitcy.hot\n"
                      "def f(x):\n"
                      "    return x + 1\n"
                      "print(f(1), f(2), f(3))\n")
    env = {**os.environ, "JITCY_THRESHOLD": "lots", "JITCY_CACHE_DIR": str(tmp_path / "c"),
           "JITCY_CACHE_MAX_SIZE": "huge"}
    env.pop("JITCY_STRICT", None)
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "3", "4"]
    assert "JITCY_THRESHOLD='lots' is not a valid int" in done.stderr
    assert "JITCY_CACHE_MAX_SIZE='huge' is not a size" in done.stderr
    assert done.stderr.count("JitcyWarning") == 1, done.stderr


# -- the swap -------------------------------------------------------------------------
def test_same_object_and_earlier_references_run_compiled(jitcy_env):
    def local_total(n):
        s = 0
        for i in range(n):
            s += i * i
        return s
    original = local_total.__code__
    alias, callbacks = local_total, [local_total]
    assert jitcy.hot(local_total, threshold=1) is local_total
    assert local_total(10) == 285          # this call builds and swaps (JITCY_SYNC=1)
    st = jitcy.stats(local_total)
    assert st["state"] == "swapped" and st["specializations"][0]["types"] == ["int"]
    hf = pipeline.lookup(local_total)
    assert callbacks[0].__code__ is hf.primary.trampoline is not original
    assert local_total(3000) == total(3000)


def test_methods_static_and_class_methods(jitcy_env):
    class Acc:
        def __init__(self):
            self.base = 10

        @jitcy.hot(threshold=1)
        def add(self, x):
            return self.base + x

        @jitcy.hot(threshold=1)
        @staticmethod
        def twice(x):
            return 2 * x

        @jitcy.hot(threshold=1)
        @classmethod
        def name(cls, suffix):
            return cls.__name__ + suffix

    acc = Acc()
    bound = acc.add                      # a bound method taken before the swap
    for _ in range(3):
        assert bound(5) == 15 and Acc.twice(4) == 8 and acc.twice(2.5) == 5.0
        assert Acc.name("!") == "Acc!"
    assert jitcy.stats(Acc.add)["state"] == "swapped"
    assert jitcy.stats(Acc.__dict__["twice"])["state"] == "swapped"
    assert jitcy.stats(Acc.__dict__["name"])["state"] == "swapped"
    acc.base = 1
    assert bound(5) == 6


def test_time_limit_makes_a_long_running_function_hot(jitcy_env):
    def slow(n):
        s = 0
        for i in range(n):
            s += i
        return s
    jitcy.hot(slow, threshold=10**9, time_limit=0.001)
    slow(200_000)                                       # one long call: hot by time
    assert jitcy.stats(slow)["calls"] == 1
    assert slow(10) == 45
    assert jitcy.stats(slow)["state"] == "swapped"


def test_unswap_restores_the_original_code(jitcy_env):
    def f(x):
        return x * 3
    original = f.__code__
    compile_now(f, 2)
    assert f(2) == 6 and f.__code__ is not original
    jitcy.unswap(f)
    assert f.__code__ is original and f(2) == 6
    assert jitcy.stats(f)["state"] == "cold"


def test_user_assigned_code_is_never_overwritten(jitcy_env, monkeypatch):
    def f(x):
        return x + 1

    def g(x):
        return x - 1
    compile_now(f, 1)
    f.__code__ = g.__code__                # the program replaces the swapped code itself
    assert f(1) == 0 and f.__code__ is g.__code__
    jitcy.unswap(f)                        # not ours any more: left alone
    assert f.__code__ is g.__code__

    def h(x):
        return x * 10
    real_compile = pipeline._compile

    def replace_during_build(hf, arg_types):
        h.__code__ = g.__code__            # while the build runs, the program swaps code
        real_compile(hf, arg_types)
    monkeypatch.setattr(pipeline, "_compile", replace_during_build)
    compile_now(h, 1)
    assert h.__code__ is g.__code__ and h(1) == 0
    st = jitcy.stats(h)
    assert st["state"] == "failed" and "replaced by the program" in st["reason"]


def test_guard_miss_runs_interpreted_then_specializes(jitcy_env):
    compile_now(polymorphic, 1, 2)
    assert polymorphic(1, 2) == 3
    assert polymorphic("a", "b") == "ab"               # guard miss: interpreted, right answer
    assert polymorphic(1.5, 2) == 3.5
    st = jitcy.stats(polymorphic)
    assert st["guard_misses"] >= 2 and st["state"] == "swapped"
    for _ in range(3):
        assert polymorphic("x", "y") == "xy"           # a second specialization is built
    kinds = [s["types"] for s in jitcy.stats(polymorphic)["specializations"]]
    assert ["str", "str"] in kinds and ["int", "int"] in kinds


def test_megamorphic_function_stops_specializing(jitcy_env, monkeypatch):
    monkeypatch.setenv("JITCY_MAX_SPECIALIZATIONS", "2")
    config.reload()

    def add(a, b):
        return a + b
    compile_now(add, 1, 2)
    for args in [(1.0, 2.0), ("a", "b"), ([1], [2]), ((1,), (2,))] * 3:
        assert add(*args) == args[0] + args[1]
    st = jitcy.stats(add)
    assert len(st["specializations"]) == 2
    assert "megamorphic" in st["reason"]


def test_big_ints_give_pythons_answer(jitcy_env):
    compile_now(total, 10)
    assert total(10) == 285
    n = 3_000_000                          # the sum of squares passes 2**63: C overflow path
    assert total(n) == sum(i * i for i in range(n))
    assert jitcy.stats(total)["state"] == "swapped"


# -- failures never break the program --------------------------------------------------
def test_missing_compiler_keeps_functions_interpreted_with_one_warning(jitcy_env, monkeypatch,
                                                                       tmp_path):
    from jitcy import builder
    monkeypatch.setenv("CC", "/nonexistent/jitcy-test-cc")
    monkeypatch.setenv("JITCY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("JITCY_STRICT", "0")
    config.reload()
    pipeline.reset()
    builder.shutdown()                     # the worker must see the new CC

    def f1(x):
        return x + 1

    def f2(x):
        return x + 2
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for f, want in ((f1, 11), (f2, 12)):
                jitcy.hot(f, threshold=1)
                for _ in range(3):
                    assert f(10) == want
        for f in (f1, f2):
            st = jitcy.stats(f)
            assert st["state"] == "failed"
            assert "jitcy-test-cc" in st["reason"]
            assert f.__code__ is pipeline.lookup(f).original_code   # no overhead left
        ours = [w for w in caught if issubclass(w.category, errors.JitcyWarning)]
        assert len(ours) == 1, [str(w.message) for w in ours]
    finally:
        monkeypatch.delenv("CC")
        builder.shutdown()


def test_unsupported_construct_is_recorded_with_its_line(jitcy_env):
    def uses_locals(x):
        y = x + 1
        return sorted(locals())
    compile_now(uses_locals, 1)
    st = jitcy.stats(uses_locals)
    assert st["state"] == "failed"
    assert "locals()" in st["reason"] and "test_pipeline.py:" in st["reason"]
    assert uses_locals(1) == ["x", "y"]


def test_generator_is_compiled(jitcy_env):
    def gen(n):
        for i in range(n):
            yield i * 2
    jitcy.hot(gen, threshold=1)
    assert list(gen(3)) == [0, 2, 4] and list(gen(2)) == [0, 2]
    st = jitcy.stats(gen)
    assert st["state"] == "swapped" and st["compiled_calls"] == 1, st
    assert inspect.isgeneratorfunction(gen) and inspect.isgenerator(gen(1))


def test_coroutines_and_async_generators_are_refused_and_still_work(jitcy_env):
    async def coro(n):
        return n * 2

    async def agen(n):
        for i in range(n):
            yield i

    async def collect():
        return [await coro(3), [x async for x in agen(3)], await coro(4)]

    for f in (coro, agen):
        jitcy.hot(f, threshold=1)
    assert asyncio.run(collect()) == [6, [0, 1, 2], 8]
    for f in (coro, agen):
        st = jitcy.stats(f)
        assert st["state"] == "failed" and "coroutines and async generators" in st["reason"], st


def test_unusable_cache_dir_falls_back_and_still_compiles(jitcy_env, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("JITCY_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("JITCY_STRICT", "0")
    config.reload()
    pipeline.reset()

    def f(x):
        return x * 2.0
    with pytest.warns(errors.JitcyWarning, match="cache"):
        compile_now(f, 1.5)
    assert f(1.5) == 3.0 and jitcy.stats(f)["state"] == "swapped"


def test_build_error_keeps_files_and_reason(jitcy_env, monkeypatch, tmp_path):
    from jitcy.translator import emit_module
    monkeypatch.setenv("JITCY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("JITCY_STRICT", "0")
    config.reload()
    pipeline.reset()
    monkeypatch.setattr(emit_module, "emit_module", lambda fn: "def broken(:\n")

    def f(x):
        return x - 1
    with pytest.warns(errors.JitcyWarning):
        compile_now(f, 1)
    st = jitcy.stats(f)
    assert st["state"] == "failed" and st["reason"].startswith("build-failed")
    assert f(5) == 4


def test_internal_error_raises_only_under_strict(jitcy_env, monkeypatch):
    from jitcy import analyzer

    def boom(*args):
        raise RuntimeError("analyzer bug")
    monkeypatch.setattr(analyzer, "analyze", boom)

    def f(x):
        return -x
    pipeline.reset()
    monkeypatch.setattr(pipeline, "_loaded", {})
    jitcy.hot(f, threshold=1)
    with pytest.raises(RuntimeError, match="analyzer bug"):
        f(1)                                            # JITCY_STRICT=1 in jitcy_env
    assert jitcy.stats(f)["state"] == "failed"

    monkeypatch.setenv("JITCY_STRICT", "0")
    config.reload()

    def g(x):
        return -x * 2
    jitcy.hot(g, threshold=1)
    with pytest.warns(errors.JitcyWarning, match="internal error"):
        assert g(1) == -2
    assert g(2) == -4 and "internal error" in jitcy.stats(g)["reason"]


# -- threads and processes -------------------------------------------------------------
def test_threads_calling_while_the_swap_happens(jitcy_env, monkeypatch):
    monkeypatch.setenv("JITCY_SYNC", "0")
    config.reload()

    def work(n):
        s = 0
        for i in range(n):
            s += i % 7
        return s
    expected = {n: sum(i % 7 for i in range(n)) for n in range(0, 400, 7)}
    jitcy.hot(work, threshold=3)
    errors_seen = []

    def caller():
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                for n, want in expected.items():
                    got = work(n)
                    if got != want:
                        errors_seen.append((n, got, want))
                if jitcy.stats(work)["state"] in ("swapped", "failed"):
                    for n, want in expected.items():
                        assert work(n) == want
                    return
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors_seen.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert jitcy.wait(60)
    assert errors_seen == []
    assert jitcy.stats(work)["state"] == "swapped"


_SCRIPT = textwrap.dedent("""
    import json, sys, jitcy

    @jitcy.hot(threshold=1)
    def kernel(n):
        s = 0.0
        for i in range(n):
            s += i * 0.5
        return s

    kernel(10)
    kernel(10)
    print(json.dumps({"result": kernel(1000), "stats": jitcy.stats(kernel)}))
""")


@pytest.mark.slow
def test_second_process_loads_from_cache_without_compiling(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(_SCRIPT)
    env = dict(os.environ, JITCY_CACHE_DIR=str(tmp_path / "cache"), JITCY_SYNC="1",
               JITCY_STRICT="1", PYTHONPATH=ROOT)
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first, second = (r["stats"]["specializations"][0] for r in runs)
    assert first["cache"] == "miss" and second["cache"] == "hit"
    assert runs[0]["result"] == runs[1]["result"] == sum(i * 0.5 for i in range(1000))
    assert len(list((tmp_path / "cache").rglob("meta.json"))) == 1


def countdown(n):
    if n == 0:
        return 0
    return countdown(n - 1) + 1


def test_direct_c_recursion_keeps_the_recursion_limit(jitcy_env):
    compile_now(countdown, 3)
    hf = pipeline.lookup(countdown)
    assert hf.state.value == "swapped" and hf.primary is not None
    limit = sys.getrecursionlimit()
    assert countdown(limit // 4) == limit // 4
    for _ in range(2):                      # the depth is restored after the error
        with pytest.raises(RecursionError, match="maximum recursion depth exceeded"):
            countdown(limit * 5)
        assert countdown(100) == 100


def sum_down(n):
    if n < 1:
        return 0
    return sum_down(n - 1) + 1


def test_recursion_bounded_by_its_argument_runs_without_the_count(jitcy_env):
    """sum_down(n) nests at most n + 1 levels (analyzer/recursion.py): within the levels
    left, the entry calls the body without the depth count; past them, the counted body
    raises RecursionError as before."""
    compile_now(sum_down, 3)
    hf = pipeline.lookup(sum_down)
    assert hf.state.value == "swapped"
    typed = analyzer.analyze(sum_down, hf.original_code, (int,))
    assert typed.depth_bound == (0, 1)
    assert "__jitcy_impl_b(" in emit_module.emit_module(typed)
    limit = sys.getrecursionlimit()
    for n in (0, 1, limit // 2, -5):
        assert sum_down(n) == max(n, 0)
    for _ in range(2):
        with pytest.raises(RecursionError, match="maximum recursion depth exceeded"):
            sum_down(limit * 5)
        assert sum_down(limit // 2) == limit // 2


def test_exit_with_a_build_in_flight_is_quiet_and_leaves_nothing(tmp_path):
    """A short program ends while its build runs: no warning, exit code kept, no build
    directory or lock file left in the cache (the unfinished build is dropped)."""
    script = tmp_path / "short.py"
    script.write_text(textwrap.dedent("""
        import jitcy
        @jitcy.hot(threshold=1)
        def poly(n):
            s = 0
            for i in range(n):
                s += i * i % 7
            return s
        print(poly(10), poly(20))
        raise SystemExit(3)
    """))
    cache_dir = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=ROOT, JITCY_CACHE_DIR=str(cache_dir))
    for var in ("JITCY_SYNC", "JITCY_STRICT", "JITCY_DISABLE"):
        env.pop(var, None)
    started = time.monotonic()
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert out.returncode == 3 and out.stdout.split() == [
        str(sum(i * i % 7 for i in range(n))) for n in (10, 20)], out
    assert "jitcy" not in out.stderr, out.stderr
    leftovers = [p for sub in ("tmp", "locks") if (cache_dir / sub).exists()
                 for p in (cache_dir / sub).iterdir()]
    assert leftovers == [], leftovers
    assert elapsed < 60, elapsed
