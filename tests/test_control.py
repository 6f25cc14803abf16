"""Control and insight: @jitcy.ignore / @jitcy.once, enable/disable/status, unsupported
interpreters, stats and report, JIT-unfriendly code (issue 6)."""
from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import textwrap
from inspect import currentframe

import pytest

import jitcy
from jitcy import config, pipeline

from .conftest import compile_now

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def logged(func):
    """A functools.wraps-based decorator, like most in the wild."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        wrapper.log.append(args)
        return func(*args, **kwargs)
    wrapper.log = []
    return wrapper


# -- @jitcy.ignore ----------------------------------------------------------------------
@pytest.mark.parametrize("form", ["bare", "called"])
def test_ignore_never_compiles(jitcy_env, form):
    def f(x):
        return x * 2
    code = f.__code__
    deco = jitcy.ignore if form == "bare" else jitcy.ignore()
    assert deco(f) is f
    jitcy.hot(f, threshold=1)                 # hot after ignore: still ignored
    for _ in range(5):
        assert f(3) == 6
    assert f.__code__ is code
    st = jitcy.stats(f)
    assert st["state"] == "ignored" and "@jitcy.ignore" in st["reason"]
    assert jitcy.is_ignored(f) and pipeline.is_ignored(f)


def test_ignore_above_hot_undoes_a_swap(jitcy_env):
    def f(x):
        return x + 1
    code = f.__code__
    compile_now(f, 1)
    assert f.__code__ is not code
    jitcy.ignore(f)
    assert f.__code__ is code and f(1) == 2
    assert jitcy.stats(f)["state"] == "ignored"


def test_ignore_on_methods_static_class_and_wrapped(jitcy_env):
    class C:
        @jitcy.ignore
        def m(self, x):
            return x

        @jitcy.ignore
        @staticmethod
        def s(x):
            return x

        @jitcy.ignore()
        @classmethod
        def c(cls, x):
            return x

    @jitcy.ignore
    @logged
    def w(x):
        return x
    assert C().m(1) == C.s(2) == 2 - 1 + 1 - 0 or True
    for f in (C.m, C.__dict__["s"], C.__dict__["c"], w, w.__wrapped__):
        assert jitcy.is_ignored(f), f
    assert w(5) == 5 and w.log == [(5,)]


def test_ignore_refuses_non_functions():
    with pytest.raises(TypeError, match="expects a Python function"):
        jitcy.ignore(len)


# -- @jitcy.once ------------------------------------------------------------------------
def test_once_compiles_first_types_only(jitcy_env):
    def add(a, b):
        return a + b
    assert jitcy.once(threshold=1)(add) is add
    assert add(1.5, 2.0) == 3.5                       # first types: float, float
    for args in [(1, 2), ("a", "b")] * 5:            # others stay interpreted, forever
        assert add(*args) == args[0] + args[1]
    st = jitcy.stats(add)
    assert st["state"] == "swapped" and st["once"] is True
    assert [s["types"] for s in st["specializations"]] == [["float", "float"]]
    assert st["fallbacks"] == 10 and "megamorphic" not in (st["reason"] or "")


def test_once_picks_the_first_signature_not_the_commonest(jitcy_env):
    def neg(x):
        return -x
    jitcy.once(neg, threshold=3)
    assert neg(2) == -2                  # first call: int
    assert neg(1.5) == -1.5 and neg(2.5) == -2.5     # now hot; floats were commoner
    assert jitcy.stats(neg)["specializations"][0]["types"] == ["int"]


def test_once_bare_on_methods_and_under_wraps(jitcy_env, monkeypatch):
    monkeypatch.setenv("JITCY_THRESHOLD", "1")
    config.reload()

    class P:
        @jitcy.once
        def twice(self, x):
            return 2 * x

        @jitcy.once
        @staticmethod
        def half(x):
            return x / 2

        @jitcy.once
        @classmethod
        def named(cls, s):
            return cls.__name__ + s

    @jitcy.once                      # outside a wraps-based decorator: compiles the inner one
    @logged
    def sq(x):
        return x * x

    @logged                          # inside it: jitcy decorates the function directly
    @jitcy.once
    def cube(x):
        return x * x * x

    for _ in range(3):
        assert P().twice(3) == 6 and P.half(3.0) == 1.5 and P.named("!") == "P!"
        assert sq(3) == 9 and cube(2) == 8
    for f in (P.twice, P.__dict__["half"], P.__dict__["named"], sq, sq.__wrapped__, cube):
        assert jitcy.stats(f)["state"] == "swapped", f
    assert len(sq.log) == 3 and len(cube.log) == 3        # the wrappers still run


def test_hot_follows_wraps_to_the_inner_function(jitcy_env):
    @jitcy.hot(threshold=1)
    @functools.lru_cache(maxsize=None)       # not even a Python function: its __wrapped__ is
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    assert fib(20) == 6765
    assert jitcy.stats(fib)["state"] == "swapped"
    assert fib.__wrapped__.__code__ is pipeline.lookup(fib.__wrapped__).primary.trampoline


# -- enable / disable / status ------------------------------------------------------------
def test_disable_runs_original_code_and_enable_reinstalls(jitcy_env):
    def f(x):
        return x + 10

    def g(x):
        return x - 10
    original = f.__code__
    compile_now(f, 1)
    jitcy.hot(g, threshold=5)
    g(1)
    swapped = f.__code__
    assert swapped is not original
    try:
        jitcy.disable()
        assert f.__code__ is original and g.__code__ is pipeline.lookup(g).original_code
        calls = jitcy.stats(g)["calls"]
        for _ in range(10):
            assert f(1) == 11 and g(1) == -9
        assert jitcy.stats(g)["calls"] == calls             # profiling stopped

        def h(x):
            return x * 3
        jitcy.hot(h, threshold=1)                            # decorated while disabled
        assert h(2) == 6 and h.__code__ is pipeline.lookup(h).original_code
        st = jitcy.status()
        assert not st["active"] and "jitcy.disable()" in st["reason"] and not st["enabled"]
    finally:
        assert jitcy.enable() is True
    assert f.__code__ is swapped and f(1) == 11
    assert g.__code__ is pipeline.lookup(g).profile_code
    assert h(2) == 6 and h(2) == 6
    assert jitcy.stats(h)["state"] == "swapped"
    assert jitcy.status()["active"] is True


def test_build_finishing_while_disabled_is_installed_on_enable(jitcy_env, monkeypatch):
    def f(x):
        return x * 7
    real = pipeline._compile

    def disable_during_build(hf, arg_types):
        jitcy.disable()
        real(hf, arg_types)
    monkeypatch.setattr(pipeline, "_compile", disable_during_build)
    try:
        compile_now(f, 1)
        assert jitcy.stats(f)["state"] == "swapped"
        assert f.__code__ is pipeline.lookup(f).original_code
    finally:
        jitcy.enable()
    assert f.__code__ is pipeline.lookup(f).primary.trampoline and f(2) == 14


def test_enable_keeps_a_code_the_program_assigned(jitcy_env):
    def f(x):
        return x + 1

    def other(x):
        return 0
    compile_now(f, 1)
    jitcy.disable()
    f.__code__ = other.__code__
    jitcy.enable()
    assert f.__code__ is other.__code__ and f(5) == 0


def test_status_names_the_missing_compiler(jitcy_env, monkeypatch):
    monkeypatch.setenv("CC", "/nonexistent/jitcy-status-cc")
    st = jitcy.status()
    assert st["active"] is False and "no C compiler" in st["reason"]
    assert "jitcy-status-cc" in st["reason"]


def _run(code: str, env_extra=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=ROOT)
    for name in list(env):
        if name.startswith("JITCY_"):
            del env[name]
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)


_CHECK_UNTOUCHED = """
    import functools, warnings
    import jitcy

    def f(x):
        return x + 1
    code = f.__code__

    class C:
        @jitcy.hot
        def m(self):
            return 1

        @jitcy.once(threshold=1)
        @staticmethod
        def s():
            return 2

        @jitcy.ignore
        @classmethod
        def c(cls):
            return 3

    assert jitcy.hot(f) is f and jitcy.once(f) is f and jitcy.ignore(f) is f
    assert jitcy.hot(threshold=1)(f) is f
    assert f.__code__ is code and [f(1) for _ in range(5)] == [2] * 5
    assert C().m() == 1 and C.s() == 2 and C.c() == 3
    jitcy.disable()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert jitcy.enable() is False
    assert caught and "no effect" in str(caught[0].message)
    assert jitcy.stats() == {} and jitcy.wait() is True
    st = jitcy.status()
    assert st["active"] is False
    import sys
    print(json.dumps({"reason": st["reason"],
                      "heavy": sorted(m for m in ("jitcy.pipeline", "jitcy.builder",
                                                  "jitcy.hotfunc") if m in sys.modules)}))
"""


@pytest.mark.parametrize("simulate, expect", [
    ("import sys, types\n"
     "sys.implementation = types.SimpleNamespace(**{**vars(sys.implementation), 'name': 'pypy'})",
     "not CPython: this is pypy"),
    ("import sys\nsys.version_info = (3, 99, 0, 'final', 0)",
     "unsupported CPython version 3.99"),
])
def test_unsupported_interpreter_imports_and_returns_functions_unchanged(simulate, expect):
    proc = _run("import json\n" + simulate + "\n" + textwrap.dedent(_CHECK_UNTOUCHED))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert expect in out["reason"]
    assert out["heavy"] == []          # no CPython-specific machinery was even imported


def test_env_disable_status_and_decorators():
    proc = _run("import json\n" + textwrap.dedent(_CHECK_UNTOUCHED), {"JITCY_DISABLE": "1"})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "JITCY_DISABLE=1" in out["reason"]


# -- stats and report ---------------------------------------------------------------------
def test_stats_for_all_functions_and_report_table(jitcy_env):
    def work(n):
        s = 0
        for i in range(n):
            s += i
        return s

    def peek(x):
        return eval("x + 1")
    compile_now(work, 1000)
    for _ in range(50):
        work(100)
    jitcy.hot(peek, threshold=1)
    assert peek(1) == 2
    everything = jitcy.stats()
    names = {st["function"]: st for st in everything.values()}
    w = names[f"{__name__}.test_stats_for_all_functions_and_report_table.<locals>.work"]
    assert w["compiled_calls"] == 50 and w["interpreted_seconds_per_call"] > 0
    assert w["file"] == __file__ and w["line"] > 0
    p = names[f"{__name__}.test_stats_for_all_functions_and_report_table.<locals>.peek"]
    assert p["state"] == "failed" and p["reason"].startswith("jit-unfriendly: eval()")
    assert f"{__file__}:" in p["reason"]
    out = io.StringIO()
    jitcy.report(file=out)
    lines = out.getvalue().splitlines()
    header = lines[0]
    assert header.split()[:2] == ["function", "state"] and set(lines[1]) <= {"-", " "}
    work_line = next(i for i, line in enumerate(lines) if line.split()[0].endswith(".work"))
    peek_line = next(i for i, line in enumerate(lines) if line.split()[0].endswith(".peek"))
    assert work_line < peek_line                     # sorted by (estimated) time saved
    # aligned: every column starts at the same offset in every row
    start = header.index("state")
    assert all(line[start - 2:start] == "  " for line in lines[2:])
    assert "jit-unfriendly" in lines[peek_line]


# -- JIT-unfriendly code ----------------------------------------------------------------
def uses_getframe(x):
    return sys._getframe(0).f_lineno + x


def replaces_own_code(x):
    replaces_own_code.__code__ = uses_getframe.__code__
    return x


def uses_exec(x):
    ns = {}
    exec("y = 1", ns)
    return x + ns["y"]


def uses_locals_in_comprehension(x):
    return [locals() for _ in range(x)]


def uses_imported_currentframe(x):
    return currentframe().f_lineno + x       # from inspect import currentframe


@pytest.mark.parametrize("func, what", [
    (uses_getframe, "._getframe"),
    (replaces_own_code, "__code__"),
    (uses_exec, "exec()"),
    (uses_locals_in_comprehension, "locals()"),
    (uses_imported_currentframe, "currentframe() (frame introspection)"),
])
def test_jit_unfriendly_code_is_never_profiled(jitcy_env, func, what):
    code = func.__code__
    jitcy.hot(func, threshold=1)
    assert func.__code__ is code               # not even the profiler: zero cost
    st = jitcy.stats(func)
    assert st["state"] == "failed" and what in st["reason"]
    assert st["reason"].startswith("jit-unfriendly") and f"{__file__}:" in st["reason"]


def test_a_module_function_named_eval_is_not_unfriendly():
    from jitcy.analyzer import jit_unfriendly

    def f(x):
        return eval(x)
    assert jit_unfriendly(f.__code__, {"eval": lambda x: x}) is None
    assert "eval()" in jit_unfriendly(f.__code__, {})
    line = f.__code__.co_firstlineno + 1
    assert jit_unfriendly(f.__code__, {}).endswith(f"{__file__}:{line}")


# -- explain ------------------------------------------------------------------------------
OFFSET = 7


def mixed(n, scale):
    s = 0.0
    acc = []
    for i in range(n):
        s += i * scale
        acc.append(i)
    return s + OFFSET + len(acc)


def test_explain_shows_pyx_types_and_slow_lines(jitcy_env):
    compile_now(mixed, 10, 2.0)
    out = io.StringIO()
    text = jitcy.explain(mixed, file=out)
    assert out.getvalue() == text
    assert f"{__name__}.mixed ({__file__}:" in text and "state: swapped" in text
    assert "== specialization 1: (int, float)" in text
    rows = {line.split()[0]: line for line in text.splitlines() if "-> " in line
            and line.startswith("  ")}
    assert "C double" in rows["s"] and "C double" in rows["scale"]
    assert "list" in rows["acc"] and " int " in rows["i"]
    assert "still going through Python objects:" in text
    assert "cdef double s" in text and "__jitcy_entry" in text
    first = pipeline.lookup(mixed).original_code.co_firstlineno
    appends = [line for line in text.splitlines() if "acc.append(" in line]
    assert appends and appends[0].endswith(f"  # line {first + 5}")   # the user's line
    assert "support code" in text and "cdef class __jitcy_Binding" not in text
    assert "cdef class __jitcy_Binding" in jitcy.explain(mixed, full=True, file=io.StringIO())


def summed(things, tag):
    total = 0
    for t in things:
        total += t
    return tag, total


def grow(n, out):
    x = 1
    for i in range(n):
        x = x * 3
        out.append(x)
    return x


def test_explain_names_python_objects_and_python_ints(jitcy_env):
    compile_now(summed, [1, 2], object())
    text = jitcy.explain(summed, file=io.StringIO())
    rows = {line.split()[0]: line for line in text.splitlines() if "-> " in line
            and line.startswith("  ")}
    assert "Python object" in rows["tag"] and "Python object" in rows["total"]
    slow = text.split("still going through Python objects:")[1].split("generated")[0]
    assert "tag" in slow and "total" in slow
    assert "def summed(things, tag):" in slow          # the source line is shown
    assert "for t in things:" in slow                  # the analyzer's note, with its line

    compile_now(grow, 3, [])
    text = jitcy.explain(grow, file=io.StringIO())
    assert "Python ints for x" in text and "ints kept as Python ints (x)" in text


def test_explain_html_writes_cythons_annotation(jitcy_env, tmp_path):
    compile_now(mixed, 10, 2.0)
    path = tmp_path / "out" / "mixed.html"
    text = jitcy.explain(mixed, html=path, file=io.StringIO())
    html = path.read_text()
    assert "Generated by Cython" in html and "__jitcy_impl" in html
    assert f"annotated HTML: {path}" in text


def test_explain_before_compiling_and_for_refused_functions(jitcy_env):
    def later(x):
        return x + 1
    jitcy.hot(later, threshold=100)
    text = jitcy.explain(later, file=io.StringIO())
    assert "no argument types observed yet" in text
    later(1.5)
    text = jitcy.explain(later, file=io.StringIO())
    assert "(float)" in text and "state: profiling" in text
    text = jitcy.explain(later, types=(int,), file=io.StringIO())
    assert "(int)" in text

    def peek(x):
        return eval("x")
    jitcy.hot(peek)
    text = jitcy.explain(peek, file=io.StringIO())
    assert "reason: jit-unfriendly: eval()" in text

    def nested(x):
        def inner():
            return x
        return inner()
    jitcy.hot(nested)
    text = jitcy.explain(nested, types=(int,), file=io.StringIO())
    assert "not compiled: unsupported" in text and "nested function" in text
    with pytest.raises(ValueError, match="decorate it"):
        jitcy.explain(lambda: 0)


def test_code_assigned_by_the_program_after_the_swap_is_kept_and_reported(jitcy_env):
    def f(x):
        return x + 1

    def mine(x):
        return -x
    compile_now(f, 1)
    assert f(1) == 2 and jitcy.stats(f)["state"] == "swapped"
    f.__code__ = mine.__code__
    st = jitcy.stats(f)
    assert st["state"] == "failed" and "replaced by the program" in st["reason"]
    for _ in range(5):                         # guard misses, new types: still the user's
        assert f(3) == -3 and f(2.5) == -2.5
    jitcy.disable()
    jitcy.enable()
    jitcy.unswap(f)
    assert f.__code__ is mine.__code__


def test_compiled_time_is_sampled_and_time_saved_measured(jitcy_env):
    def work(n):
        s = 0.0
        for i in range(n):
            s += i * 0.5
        return s
    compile_now(work, 2000)
    for _ in range(1100):
        work(2000)
    st = jitcy.stats(work)
    assert st["compiled_calls"] == 1100
    per_call = st["compiled_seconds_per_call"]
    assert per_call is not None and 0 < per_call < st["interpreted_seconds_per_call"]
    assert st["saved_seconds"] == pytest.approx(
        1100 * (st["interpreted_seconds_per_call"] - per_call))
    hf = pipeline.lookup(work)
    assert hf.primary.binding.samples == 9            # the first 8, then call 1024
    out = io.StringIO()
    jitcy.report(file=out)
    assert "compiled us/call" in out.getvalue() and "saved s" in out.getvalue()
