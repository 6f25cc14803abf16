"""Calls of a swapped function from C skip the trampoline (translator/runtime.py, FAST_EXPORT).

A compiled function called from compiled code, from a builtin (``map``, ``sorted(key=)``)
or through a type slot (``__init__``) goes through the function object's vectorcall, which
jitcy points at the compiled entry: no trampoline frame. These tests check that it happens,
that it gives the interpreter's answers, and that everything the trampoline did still holds:
defaults, keywords, a ``__code__`` the program assigns, ``jitcy.unswap``, the recursion
limit and tracebacks.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import traceback

import pytest

import jitcy

from .conftest import compile_now

pytestmark = pytest.mark.slow


def _caller_name():
    return sys._getframe(2).f_code.co_name


@jitcy.ignore
def frame_below():
    """The name of the Python frame below the caller (the caller is compiled code, which
    has no frame: its trampoline's frame when it was called through it)."""
    return _caller_name()


class Node:
    def __init__(self, value, scale=2):
        self.value = value * scale

    def who_calls(self):
        return frame_below()

    def double(self):
        return self.value * 2


def outer(node):
    return node.who_calls()


def build(n):
    return [Node(i).value for i in range(n)]


def test_compiled_callee_called_from_compiled_code_has_no_trampoline_frame(jitcy_env):
    node = Node(1)
    for f in (Node.who_calls, outer):
        compile_now(f, node)
    assert jitcy.stats(Node.who_calls)["state"] == "swapped"
    # Called from the test (interpreted), who_calls runs behind its trampoline frame...
    assert node.who_calls() == "who_calls"
    # ...called from compiled code, it is entered from C: the frame below is outer's.
    assert outer(node) == "outer"


def test_fast_path_gives_the_interpreters_answers_with_defaults(jitcy_env):
    compile_now(Node.__init__, Node.__new__(Node), 1)
    compile_now(build, 3)
    # __init__ through the class (slot_tp_init calls the vectorcall), the default filled in
    assert build(5) == [0, 2, 4, 6, 8]
    assert Node(3, scale=5).value == 15            # a keyword: the plain path
    compile_now(Node.double, Node(1))
    nodes = [Node(i) for i in range(4)]
    assert list(map(Node.double, nodes)) == [0, 4, 8, 12]   # map: a call from C


def test_code_assigned_by_the_program_and_unswap_are_seen_by_calls_from_c(jitcy_env):
    def times_two(x):
        return x * 2

    def times_three(x):
        return x * 3

    compile_now(times_two, 1)
    assert jitcy.stats(times_two)["state"] == "swapped"
    assert list(map(times_two, [1, 2])) == [2, 4]
    times_two.__code__ = times_three.__code__          # the program's own code wins
    assert list(map(times_two, [1, 2])) == [3, 6]

    def plus_one(x):
        return x + 1

    compile_now(plus_one, 1)
    jitcy.unswap(plus_one)
    assert list(map(plus_one, [1, 2])) == [2, 3]
    assert jitcy.stats(plus_one)["state"] == "cold"


def test_traceback_of_an_error_in_a_function_called_from_c(jitcy_env):
    class Box:
        def get(self, i):
            items = [1, 2]
            return items[i]

    def fetch(box, i):
        return box.get(i)

    box = Box()
    compile_now(Box.get, box, 0)
    compile_now(fetch, box, 0)
    with pytest.raises(IndexError) as info:
        fetch(box, 5)
    text = "".join(traceback.format_exception(info.value))
    assert "in fetch" in text and "return box.get(i)" in text
    assert "in get" in text and "return items[i]" in text
    assert ".pyx" not in text and "__jitcy" not in text
    # the innermost entry names the user's file and line of the failing statement
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (last.filename, last.name, last.line) == (__file__, "get", "return items[i]")


def test_unbounded_recursion_through_calls_from_c_raises_recursion_error(tmp_path):
    script = tmp_path / "deep.py"
    script.write_text(textwrap.dedent("""
        import sys
        import jitcy

        class Walker:
            def down(self, n):
                if n == 0:
                    return 0
                return self.down(n - 1) + 1

        jitcy.hot(Walker.down, threshold=1)
        w = Walker()
        w.down(3)
        assert jitcy.stats(Walker.down)["state"] == "swapped"
        assert w.down(500) == 500
        try:
            w.down(10 ** 6)
        except RecursionError as exc:
            print("RecursionError", exc)
    """))
    env = {**__import__("os").environ, "JITCY_SYNC": "1", "JITCY_STRICT": "1",
           "JITCY_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "RecursionError maximum recursion depth exceeded"
