"""jitcy.inline: capture, C types, the on-disk cache across processes, errors at the
snippet's line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

import jitcy
from jitcy import errors, pipeline
from jitcy.analyzer.snippet import c_type_of, scan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OFFSET = 10.0          # a module global the snippets capture

TYPES_SNIPPET = """
cimport cython
return cython.typeof(n), cython.typeof(x), cython.typeof(flag), cython.typeof(big), n + x
"""


# -- the analyzer's part: no compiler ------------------------------------------------
@pytest.mark.parametrize("code, free", [
    ("return a + b", {"a", "b"}),
    ("cdef double s = x * 2\nfor i in range(n):\n    s += arr[i] * k\nreturn s",
     {"x", "n", "arr", "k"}),
    ("y = x + 1\na, b = y, z\nc = f(key=v)\nreturn obj.attr + c", {"x", "z", "f", "v", "obj"}),
    ("from libc.math cimport sqrt\ncdef extern from 'm.h':\n    double cbrt(double)\n"
     "return sqrt(x) + cbrt(w)", {"x", "w"}),
    ("cdef double[:, ::1] m = arr2\ncdef long long t = 0\nfor i in range(len(m)):\n"
     "    t += 1\nreturn t", {"arr2"}),
])
def test_scan_finds_the_names_to_capture(code, free):
    assert set(scan(code).free) == free


def test_module_level_parts_are_split_off():
    plan = scan("from libc.math cimport sqrt\ncdef double sq(double v) nogil:\n"
                "    return v * v\nreturn sq(sqrt(x))")
    assert plan.module_lines == [0, 1, 2] and plan.body_lines == [3]


def test_c_types_of_values():
    np = pytest.importorskip("numpy")
    assert [c_type_of(v) for v in (1, -2**63, 2**63, 1.5, True, 1j, "s", [1], None)] == [
        "long long", "long long", "object", "double", "bint", "double complex", "object",
        "object", "object"]
    a = np.zeros((3, 4))
    assert c_type_of(a) == "double[:, ::1]"
    assert c_type_of(a[:, 1]) == "double[:]"
    assert c_type_of(np.zeros(3, dtype=np.int32)) == "int32_t[::1]"
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    assert c_type_of(frozen) == "const double[::1]"
    assert c_type_of(np.zeros(3, dtype=object)) == "object"
    assert c_type_of(np.zeros(3, dtype=">f8")) == "object"
    assert c_type_of(np.float64(1.0)) == "object"


def test_bad_input_is_refused_clearly():
    with pytest.raises(TypeError, match="takes the snippet as a str"):
        jitcy.inline(b"return 1")
    with pytest.raises(ValueError, match="reserved"):
        jitcy.inline("return 1", __jitcy_x=1)


# -- compiled ------------------------------------------------------------------------
@pytest.mark.slow
def test_captured_values_get_c_types_and_explicit_values_win(jitcy_env):
    n, x, flag, big = 3, 0.5, True, 2**70
    assert jitcy.inline(TYPES_SNIPPET) == ("long long", "double", "bint", "Python object", 3.5)
    # given explicitly: the caller's n is not used; a float n is another specialization
    assert jitcy.inline(TYPES_SNIPPET, n=2.0)[0] == "double"
    assert jitcy.inline(TYPES_SNIPPET, n=2.0)[4] == 2.5


def _globals_and_locals(n):
    return jitcy.inline("return n + OFFSET")


@pytest.mark.slow
def test_locals_shadow_globals(jitcy_env):
    assert _globals_and_locals(1.0) == 11.0
    OFFSET = 100.0    # noqa: F841  (a local, read by the snippet through capture)
    assert jitcy.inline("return OFFSET * 2") == 200.0


@pytest.mark.slow
def test_numpy_arrays_are_typed_memoryviews(jitcy_env):
    np = pytest.importorskip("numpy")
    xs = np.arange(6.0)
    code = """
cimport cython
cdef Py_ssize_t i
cdef double s = 0
for i in range(xs.shape[0]):
    s += xs[i]
    xs[i] = 2 * xs[i]
return cython.typeof(xs), s
"""
    assert jitcy.inline(code) == ("double[::1]", 15.0)
    assert xs.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]       # written in place
    with pytest.raises(IndexError) as info:
        jitcy.inline("cdef double y = 1.0\nreturn xs[10] + y")
    if sys.version_info >= (3, 11):    # the snippet's line, as a note on the exception
        assert info.value.__notes__ == ["jitcy.inline snippet, line 2: return xs[10] + y"]


@pytest.mark.slow
def test_cdef_extern_and_cimport(jitcy_env):
    x = 2.0
    code = """
from libc.math cimport sqrt
cdef extern from "math.h":
    double cbrt(double v)
cdef double twice(double v) nogil:
    return 2 * v
return twice(sqrt(x)) + cbrt(8.0)
"""
    assert jitcy.inline(code) == pytest.approx(2 * 2.0 ** 0.5 + 2.0)


@pytest.mark.slow
def test_compile_error_points_at_the_snippet_line(jitcy_env):
    x = 1.0
    code = "cdef double y = x * 2\ny = y +\nreturn y"
    with pytest.raises(errors.SnippetError) as info:
        jitcy.inline(code)
    exc = info.value
    assert isinstance(exc, SyntaxError)
    assert exc.lineno == 2 and exc.text == "y = y +"
    assert "Expected an identifier or literal" in exc.msg
    text = str(exc)
    assert "line 2 of the snippet" in text and "test_inline.py" in text
    with pytest.raises(errors.SnippetError) as info:
        jitcy.inline("return x + not_defined_anywhere")
    assert info.value.lineno == 1 and "undeclared name not builtin: not_defined_anywhere" in \
        info.value.msg


SCRIPT = textwrap.dedent("""
    import json, sys
    import jitcy
    from jitcy import pipeline
    def work(n):
        return jitcy.inline("cdef long long i, t = 0\\nfor i in range(n):\\n    t += i\\nreturn t")
    print(json.dumps({"result": work(10), **pipeline.snippet_counts}))
""")


@pytest.mark.slow
def test_second_run_of_a_program_does_not_compile(tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir(mode=0o700)
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=ROOT, JITCY_CACHE_DIR=str(cache_dir))
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                             text=True, timeout=600)
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert runs[0] == {"result": 45, "built": 1, "cache_hits": 0}
    assert runs[1] == {"result": 45, "built": 0, "cache_hits": 1}


def test_snippet_key_follows_the_cache_rules():
    plan = scan("return a")
    base = pipeline.snippet_key(plan, (("a", "double"),))
    assert base == pipeline.snippet_key(scan("return a"), (("a", "double"),))
    assert base != pipeline.snippet_key(plan, (("a", "long long"),))
    assert base != pipeline.snippet_key(scan("return a + 0"), (("a", "double"),))


@pytest.mark.slow
def test_threads_running_a_new_snippet_build_it_once(jitcy_env):
    import threading
    code = "cdef double r = k * 3.0\nreturn r"
    before = dict(pipeline.snippet_counts)
    results = []

    def run(k):
        results.append(jitcy.inline(code))

    threads = [threading.Thread(target=run, args=(float(i),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0.0, 3.0, 6.0, 9.0]
    built = pipeline.snippet_counts["built"] - before["built"]
    hits = pipeline.snippet_counts["cache_hits"] - before["cache_hits"]
    assert built + hits == 1      # one build (or one load, from an earlier session run)
