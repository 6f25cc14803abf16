"""The user's tools keep working on compiled functions: debuggers, coverage, profilers
(the original code runs while a trace or profile function is set) and tracebacks."""
from __future__ import annotations

import cProfile
import io
import os
import pdb
import pstats
import subprocess
import sys
import textwrap

import pytest

import jitcy
from jitcy import pipeline

from .conftest import compile_now, load_fresh_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def accumulate(n):
    total = 0
    for i in range(n):
        total += i * 2          # a line only the original code reports to a tracer
    return total


def _compiled_calls(func):
    return jitcy.stats(func)["compiled_calls"]


def _body_line(func, text):
    lines, first = __import__("inspect").getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_settrace_sees_every_line_then_compiled_code_resumes(jitcy_env):
    compile_now(accumulate, 3)
    before = _compiled_calls(accumulate)
    assert accumulate(4) == 12 and _compiled_calls(accumulate) == before + 1
    seen = []

    def tracer(frame, event, arg):
        if frame.f_code.co_name == "accumulate" and event == "line":
            seen.append(frame.f_lineno)
        return tracer
    sys.settrace(tracer)
    try:
        assert accumulate(4) == 12
    finally:
        sys.settrace(None)
    assert seen.count(_body_line(accumulate, "total += i * 2")) == 4
    assert _compiled_calls(accumulate) == before + 1        # the traced call ran interpreted
    assert accumulate(4) == 12 and _compiled_calls(accumulate) == before + 2


def test_cprofile_sees_the_function_body(jitcy_env):
    compile_now(accumulate, 3)
    before = _compiled_calls(accumulate)
    prof = cProfile.Profile()
    prof.runcall(accumulate, 1000)
    assert _compiled_calls(accumulate) == before
    st = pstats.Stats(prof)
    firstline = accumulate.__code__.co_firstlineno
    keys = [k for k in st.stats if k[2] == "accumulate" and k[1] == firstline]
    assert keys and all(k[0] == __file__ for k in keys)
    assert accumulate(10) == 90 and _compiled_calls(accumulate) == before + 1


def test_pdb_breakpoint_hits_in_compiled_function(jitcy_env):
    compile_now(accumulate, 3)
    line = _body_line(accumulate, "total += i * 2")
    out = io.StringIO()
    commands = io.StringIO(f"break {__file__}:{line}\ncontinue\np (i, total)\n"
                           "clear 1\ncontinue\n")
    debugger = pdb.Pdb(stdin=commands, stdout=out, nosigint=True)
    debugger.use_rawinput = False
    assert debugger.runcall(accumulate, 5) == 20
    text = out.getvalue()
    assert "total += i * 2" in text and "(0, 0)" in text, text
    before = _compiled_calls(accumulate)
    assert accumulate(5) == 20 and _compiled_calls(accumulate) == before + 1


COVERED = '''\
import jitcy


@jitcy.hot(threshold=1)
def branches(x):
    if x > 0:
        y = x * 2
    else:
        y = -x
    return y
'''


@pytest.mark.slow
def test_coverage_is_complete_for_compiled_functions(tmp_path, jitcy_env):
    pytest.importorskip("coverage")
    (tmp_path / "covered_mod.py").write_text(COVERED)
    script = textwrap.dedent(f"""
        import sys, json
        sys.path.insert(0, {str(tmp_path)!r})
        import coverage, jitcy
        import covered_mod as m
        m.branches(1); m.branches(2)              # hot and swapped (JITCY_SYNC=1)
        assert jitcy.stats(m.branches)["state"] == "swapped", jitcy.stats(m.branches)
        cov = coverage.Coverage(data_file=None, include=[m.__file__])
        cov.start()
        m.branches(3); m.branches(-3)
        cov.stop()
        _, statements, _, missing, _ = cov.analysis2(m.__file__)
        compiled = jitcy.stats(m.branches)["compiled_calls"]
        m.branches(4)
        print(json.dumps({{"missing": missing, "statements": statements,
                          "during": compiled,
                          "after": jitcy.stats(m.branches)["compiled_calls"]}}))
    """)
    env = dict(os.environ, PYTHONPATH=ROOT, JITCY_SYNC="1", JITCY_CACHE_DIR=str(jitcy_env))
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    import json
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # every line of the body, both branches, was recorded (1 and 4: run before cov.start())
    assert set(out["missing"]) <= {1, 4, 5} and {6, 7, 9, 10} <= set(out["statements"]), out
    assert out["after"] == out["during"] + 1    # compiled code resumed after cov.stop()


# -- tracebacks ---------------------------------------------------------------------------
def helper_raises(v):
    raise KeyError(v)


def divides(x, y):
    scale = x + 1.0
    ratio = scale / y                 # ZeroDivisionError here when y == 0
    return ratio


def calls_helper(items):
    total = 0
    for item in items:
        total += item
    helper_raises(total)              # the exception comes from an interpreted callee


def reads_missing_global(x):
    return x + not_defined_anywhere   # noqa: F821 - NameError at run time


def fact(n):
    if n < 0:
        raise ValueError("negative")  # raised deep inside direct C recursion
    return 1 if n == 0 else n * fact(n - 1)


def _frames(exc):
    import traceback
    return [(f.filename, f.name, f.lineno, f.line) for f in traceback.extract_tb(exc.__traceback__)]


def _interpreted_frames(func, *args):
    with pytest.raises(BaseException) as info:
        func(*args)
    return _frames(info.value)


@pytest.mark.parametrize("func, warm, bad", [
    (divides, (1.0, 2.0), (1.0, 0.0)),
    (calls_helper, ([1, 2],), ([1, 2, 3],)),
    (reads_missing_global, (1,), (2,)),
])
def test_tracebacks_name_the_users_file_function_and_line(jitcy_env, func, warm, bad):
    import traceback
    hf_code = func.__code__
    expected = _interpreted_frames(func, *bad)[1:]        # below this test's own frame
    jitcy.hot(func, threshold=1)
    try:
        func(*warm)
    except Exception:
        pass
    assert jitcy.stats(func)["state"] == "swapped" and func.__code__ is not hf_code
    before = jitcy.stats(func)["compiled_calls"]
    with pytest.raises(BaseException) as info:
        func(*bad)
    assert jitcy.stats(func)["compiled_calls"] == before + 1       # it ran compiled
    got = _frames(info.value)[1:]
    assert got == expected                 # same file, function, line and source text
    text = "".join(traceback.format_exception(info.type, info.value, info.tb))
    assert ".pyx" not in text and "__jitcy" not in text
    assert expected[0][3] in text          # the user's source line is printed


def _format_exc_of(func, *args):
    """``traceback.format_exc()`` inside the ``except`` block around ``func(*args)``."""
    import traceback
    try:
        func(*args)
    except BaseException:
        return traceback.format_exc()
    raise AssertionError(f"{func.__name__}{args} did not raise")


def _fresh_copy(func):
    """A new function object with ``func``'s original code: not registered with jitcy."""
    import types
    hf = pipeline.lookup(func)
    code = hf.original_code if hf is not None else func.__code__
    copy = types.FunctionType(code, func.__globals__, func.__name__, func.__defaults__,
                              func.__closure__)
    copy.__qualname__ = func.__qualname__
    assert pipeline.lookup(copy) is None
    return copy


def _without_column_markers(text):
    return [line for line in text.splitlines() if line.strip(" ^~")]


@pytest.mark.parametrize("func, warm, bad", [
    (divides, (1.0, 2.0), (1.0, 0.0)),
    (calls_helper, ([1, 2],), ([1, 2, 3],)),
    (reads_missing_global, (1,), (2,)),
])
def test_format_exc_shows_the_users_source_line(jitcy_env, func, warm, bad):
    """Issue 6 item 9: ``traceback.format_exc()`` in an ``except`` block around a call of
    compiled code shows the user's source text for the line that raised, and reads like
    the interpreter's (only the ``^^^^`` column markers of compiled lines may be missing)."""
    func = _fresh_copy(func)        # the test above may have compiled the module's function
    expected = _interpreted_frames(func, *bad)[1:]
    interpreted = _format_exc_of(func, *bad)
    jitcy.hot(func, threshold=1)
    try:
        func(*warm)
    except Exception:
        pass
    assert jitcy.stats(func)["state"] == "swapped"
    before = jitcy.stats(func)["compiled_calls"]
    text = _format_exc_of(func, *bad)
    assert jitcy.stats(func)["compiled_calls"] == before + 1       # it ran compiled
    assert ".pyx" not in text and "__jitcy" not in text
    source_line = expected[0][3]                   # the line of func that raised
    assert source_line and source_line in text
    for filename, name, lineno, line in expected:
        assert f'File "{filename}", line {lineno}, in {name}\n    {line}' in text
    if sys.version_info >= (3, 11):
        assert _without_column_markers(text) == _without_column_markers(interpreted)


def test_traceback_through_direct_c_recursion(jitcy_env):
    compile_now(fact, 5)
    assert fact(10) == 3628800
    with pytest.raises(ValueError) as info:
        fact(-1)
    frames = _frames(info.value)[1:]
    assert frames == [(__file__, "fact", _body_line(fact, 'raise ValueError'),
                       'raise ValueError("negative")  # raised deep inside direct C recursion')]


def test_traceback_of_an_exception_caught_inside_compiled_code_is_untouched(jitcy_env):
    def safe(d, k):
        try:
            return d[k]
        except KeyError as exc:
            return type(exc).__name__
    compile_now(safe, {1: 2}, 1)
    assert safe({}, 3) == "KeyError" and safe({3: 4}, 3) == 4


def test_line_marks_survive_fstrings_docstrings_and_handlers():
    import ast
    from jitcy.translator.unparse_lines import line_map, unparse_with_lines
    src = ('def f(a):\n'
           '    """doc\n    string"""\n'
           '    try:\n'
           '        x = f"{a!r:>10} \\\\ {a}"\n'
           '    except KeyError as e:\n'
           '        raise\n'
           '    return x\n')
    body = ast.parse(src).body[0].body
    text = unparse_with_lines(ast.Module(body=body, type_ignores=[]))
    assert ast.parse(text)                               # still valid Python
    assert line_map(text) == {1: 2, 2: 4, 3: 5, 4: 6, 5: 7, 6: 8}
