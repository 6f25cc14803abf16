"""The import hook (jitcy.install/uninstall) and `jitcy run`, on real scripts in subprocesses."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import jitcy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(base, files: dict) -> None:
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def run(argv, cwd, cache=None, env=None, timeout=300):
    env = {**os.environ, "PYTHONPATH": ROOT, **(env or {})}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for var in ("JITCY_SYNC", "JITCY_THRESHOLD", "JITCY_HOOK_THRESHOLD", "JITCY_DISABLE"):
        env.pop(var, None)
    if cache is not None:
        env["JITCY_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, *argv], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=timeout)


def jrun(args, cwd, **kw):
    return run(["-m", "jitcy", "run", *args], cwd, **kw)


# A program and its package, used by several tests. `report()` says which functions are
# watched (their __code__ is a jitcy trampoline) without compiling anything.
PROGRAM = {
    "app.py": """\
        import json, sys
        import pkg.mod, pkg.other, helper
        from jitcy import compat

        def local_fn(x):
            return x + 1

        class Local:
            def meth(self):
                return 1

        def watched(f):
            return compat.is_trampoline(f.__code__)

        def report():
            funcs = {"app.local_fn": local_fn, "app.Local.meth": Local.meth,
                     "pkg.mod.f": pkg.mod.f, "pkg.mod.C.m": pkg.mod.C.m,
                     "pkg.mod.C.s": pkg.mod.C.__dict__["s"].__func__,
                     "pkg.mod.C.c": pkg.mod.C.__dict__["c"].__func__,
                     "pkg.mod.C.p.fget": pkg.mod.C.p.fget, "pkg.mod.C.p.fset": pkg.mod.C.p.fset,
                     "pkg.mod.C.Inner.i": pkg.mod.C.Inner.i, "pkg.mod.gen": pkg.mod.gen,
                     "pkg.mod.coro": pkg.mod.coro,
                     "pkg.mod.reexported": pkg.mod.reexported,
                     "pkg.mod.caller_line": pkg.mod.caller_line, "pkg.mod.warns": pkg.mod.warns,
                     "pkg.other.g": pkg.other.g, "helper.h": helper.h}
            return {k: watched(v) for k, v in funcs.items()}

        if __name__ == "__main__":
            out = {"argv": sys.argv, "path0": sys.path[0], "name": __name__, "file": __file__,
                   "watched": report(), "results": [local_fn(1), pkg.mod.f(2), helper.h(3)]}
            print(json.dumps(out))
            sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 0)
        """,
    "pkg/__init__.py": "",
    "pkg/mod.py": """\
        from json import dumps as reexported

        def f(x):
            return x * 2

        class C:
            def m(self):
                return 1
            @staticmethod
            def s():
                return 2
            @classmethod
            def c(cls):
                return 3
            @property
            def p(self):
                return 4
            @p.setter
            def p(self, v):
                pass
            class Inner:
                def i(self):
                    return 5

        def gen():
            yield 1

        async def coro():
            return 1

        def caller_line():
            import sys
            return sys._getframe(1).f_lineno

        def warns():
            import warnings
            warnings.warn("look at your caller", stacklevel=2)
        """,
    "pkg/other.py": """\
        def g():
            return 7
        """,
    "helper.py": """\
        def h(x):
            return x - 1
        """,
}


@pytest.fixture
def program(tmp_path):
    write(tmp_path, PROGRAM)
    return tmp_path


def test_run_script_is_python_script(program):
    plain = run(["app.py", "3", "x y"], program)
    out = jrun(["app.py", "3", "x y"], program)
    assert plain.returncode == out.returncode == 3, out.stderr
    p, j = json.loads(plain.stdout), json.loads(out.stdout)
    for key in ("argv", "path0", "name", "file", "results"):
        assert p[key] == j[key], key
    assert j["argv"] == ["app.py", "3", "x y"] and j["name"] == "__main__"
    assert j["path0"] == str(program) and j["file"] == str(program / "app.py")


def test_exit_paths_match_python(program):
    write(program, {"exits.py": """\
        import sys
        mode = sys.argv[1]
        if mode == "message":
            sys.exit("bye now")
        if mode == "none":
            sys.exit()
        if mode == "interrupt":
            raise KeyboardInterrupt
        print("fell off the end")
        """})
    for mode in ("message", "none", "interrupt", "end"):
        plain = run(["exits.py", mode], program)
        out = jrun(["exits.py", mode], program)
        assert (out.returncode, out.stdout) == (plain.returncode, plain.stdout), mode
        assert out.stderr == plain.stderr, mode


def test_default_scope_is_the_users_code(program):
    j = json.loads(jrun(["app.py"], program).stdout)["watched"]
    assert j == {"app.local_fn": True, "app.Local.meth": True, "pkg.mod.f": True,
                 "pkg.mod.C.m": True, "pkg.mod.C.s": True, "pkg.mod.C.c": True,
                 "pkg.mod.C.p.fget": True, "pkg.mod.C.p.fset": True,
                 "pkg.mod.C.Inner.i": True,
                 "pkg.mod.gen": True,             # a generator: its trampoline is one too
                 "pkg.mod.coro": False,           # coroutines are not compiled
                 "pkg.mod.reexported": False,     # json's function, re-exported
                 "pkg.mod.caller_line": False,    # looks at the caller's frame
                 "pkg.mod.warns": False,          # warn(stacklevel=2) names the caller
                 "pkg.other.g": True, "helper.h": True}
    # plain python: nothing is watched
    assert not any(json.loads(run(["app.py"], program).stdout)["watched"].values())


def test_include_and_exclude_patterns(program):
    out = jrun(["--include", "pkg", "--exclude", "*.other", "app.py"], program)
    j = json.loads(out.stdout)["watched"]
    assert j["pkg.mod.f"] and j["pkg.mod.C.m"]
    assert not j["pkg.other.g"] and not j["helper.h"] and not j["app.local_fn"]
    j = json.loads(jrun(["--include", "pkg.*", "--include", "helper", "app.py"],
                        program).stdout)["watched"]
    assert j["pkg.mod.f"] and j["pkg.other.g"] and j["helper.h"] and not j["app.local_fn"]
    j = json.loads(jrun(["--include", "__main__", "app.py"], program).stdout)["watched"]
    assert j["app.local_fn"] and not j["pkg.mod.f"]


def test_modules_outside_the_root_are_not_watched(program, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (program / "helper.py").unlink()
    write(elsewhere, {"helper.py": PROGRAM["helper.py"]})
    out = jrun(["app.py"], program, env={"PYTHONPATH": f"{ROOT}{os.pathsep}{elsewhere}"})
    j = json.loads(out.stdout)["watched"]
    assert not j["helper.h"] and j["pkg.mod.f"]


def test_run_module_is_python_m(program):
    write(program, {"pkg/__main__.py": """\
        import json, sys
        print(json.dumps({"argv": sys.argv, "name": __name__, "path0": sys.path[0],
                          "package": __package__, "spec": __spec__.name}))
        sys.exit(5)
        """})
    for target in ("pkg", "pkg.__main__"):
        plain = run(["-m", target, "a", "-q"], program)
        out = jrun(["-m", target, "a", "-q"], program)
        assert plain.returncode == out.returncode == 5, out.stderr
        assert json.loads(plain.stdout) == json.loads(out.stdout)
    missing = jrun(["-m", "no_such_module"], program)
    assert missing.returncode == 1 and "No module named no_such_module" in missing.stderr


def test_traceback_is_the_programs_own(program):
    write(program, {"boom.py": """\
        import pkg.mod

        def inner(x):
            return 1 // x

        def outer(x):
            return inner(x) + pkg.mod.f(x)

        for i in range(1, 5):
            outer(i)
        try:
            outer(0)
        except ZeroDivisionError as exc:
            raise KeyError("again") from exc
        """})
    plain = run(["boom.py"], program)
    out = jrun(["--threshold", "1000", "boom.py"], program)
    assert plain.returncode == out.returncode == 1
    assert out.stderr == plain.stderr
    assert "jitcy" not in out.stderr and "inner" in out.stderr


def test_profiled_functions_leave_no_jitcy_frames_in_tracebacks(program):
    """Under jitcy.install() alone (no runner to clean up), while profiling and at the
    first call, a traceback reads exactly as without jitcy."""
    write(program, {"boommod.py": """\
        def inner(x):
            return 1 // x

        def outer(x):
            return inner(x) + 1

        def main(n):
            for i in range(1, n):
                outer(i)
            outer(0)
        """,
        "driver.py": """\
        import sys
        if sys.argv[1] == "hook":
            import jitcy
            jitcy.install(threshold=1000)
        import boommod
        boommod.main(int(sys.argv[2]))
        """})
    for calls in ("1", "100"):          # first call / sampled profiling
        plain = run(["driver.py", "plain", calls], program)
        hooked = run(["driver.py", "hook", calls], program)
        assert plain.returncode == hooked.returncode == 1
        assert hooked.stderr == plain.stderr, hooked.stderr
        assert "jitcy" not in hooked.stderr and "inner" in hooked.stderr


def test_bad_flags_are_usage_errors(program):
    for args in (["--no-such-flag", "app.py"], [], ["--threshold", "0", "app.py"],
                 ["--threshold", "many", "app.py"], ["--include", "bad pattern!", "app.py"],
                 ["-m"]):
        out = jrun(args, program)
        assert out.returncode == 2, (args, out.stderr)
        assert "usage: jitcy run" in out.stderr, args
    missing = jrun(["nope.py"], program)
    assert missing.returncode == 2 and "can't open file" in missing.stderr


def test_console_script_and_python_m_agree(program):
    exe = shutil.which("jitcy")
    if exe is None:
        pytest.skip("the jitcy console script is not installed")
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run([exe, "run", "app.py", "4"], cwd=program, capture_output=True,
                         text=True, env=env, timeout=120)
    ref = jrun(["app.py", "4"], program)
    assert out.returncode == ref.returncode == 4
    assert json.loads(out.stdout) == json.loads(ref.stdout)


HOOK_API = """\
    import importlib, json, sys
    import jitcy
    from jitcy import compat
    out = {}
    h1 = jitcy.install(include=["pkg", "nspkg"])
    h2 = jitcy.install(include=["pkg", "nspkg"])
    out["same_handle"] = h1 is h2
    out["finders"] = sum(1 for f in sys.meta_path if "jitcy import hook" in repr(f))
    import pkg.mod
    out["watched"] = compat.is_trampoline(pkg.mod.f.__code__)
    out["loader"] = type(pkg.mod.__loader__).__name__
    out["spec_loader"] = type(pkg.mod.__spec__.loader).__name__
    out["cached"] = pkg.mod.__cached__ is not None
    old = pkg.mod.f
    importlib.reload(pkg.mod)
    out["reload_new"] = pkg.mod.f is not old
    out["reload_watched"] = compat.is_trampoline(pkg.mod.f.__code__)
    out["value"] = pkg.mod.f(21)
    import nspkg.leaf                  # a module of a namespace package (no __init__.py)
    out["namespace_is_namespace"] = nspkg.__file__ is None and len(set(nspkg.__path__)) == 2
    out["namespace_watched"] = compat.is_trampoline(nspkg.leaf.triple.__code__)
    out["namespace_value"] = [nspkg.leaf.triple(i) for i in range(3)]
    import nspkg.portion               # the package's other portion, another directory
    out["portion_watched"] = compat.is_trampoline(nspkg.portion.half.__code__)
    old = nspkg.leaf.triple
    importlib.reload(nspkg.leaf)
    out["namespace_reload"] = [nspkg.leaf.triple is not old,
                               compat.is_trampoline(nspkg.leaf.triple.__code__),
                               nspkg.leaf.triple(5), type(nspkg.leaf.__loader__).__name__]
    jitcy.uninstall(h1)
    jitcy.uninstall(h1)
    out["finders_after"] = sum(1 for f in sys.meta_path if "jitcy import hook" in repr(f))
    import pkg.other
    out["after_uninstall"] = compat.is_trampoline(pkg.other.g.__code__)
    import nspkg.late
    out["namespace_after_uninstall"] = compat.is_trampoline(nspkg.late.f.__code__)
    jitcy.install(include=["marked"])
    import marked
    out["ignored"] = compat.is_trampoline(marked.skip_me.__code__)
    out["not_ignored"] = compat.is_trampoline(marked.keep.__code__)
    print(json.dumps(out))
"""


def test_install_twice_uninstall_reload_and_packages(program, tmp_path_factory):
    portion = tmp_path_factory.mktemp("portion")
    write(portion, {"nspkg/portion.py": "def half(x):\n    return x / 2\n"})
    write(program, {"hookapi.py": HOOK_API,
                    "nspkg/leaf.py": "def triple(x):\n    return 3 * x\n",
                    "nspkg/late.py": "def f(x):\n    return x\n",
                    "marked.py": """\
                        import jitcy

                        @jitcy.ignore
                        def skip_me(x):
                            return x

                        def keep(x):
                            return x
                        """})
    out = run(["hookapi.py"], program,
              env={"PYTHONPATH": f"{ROOT}{os.pathsep}{program}{os.pathsep}{portion}"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "same_handle": True, "finders": 1, "watched": True,
        "loader": "SourceFileLoader", "spec_loader": "SourceFileLoader", "cached": True,
        "reload_new": True, "reload_watched": True, "value": 42,
        "namespace_is_namespace": True, "namespace_watched": True,
        "namespace_value": [0, 3, 6], "portion_watched": True,
        "namespace_reload": [True, True, 15, "SourceFileLoader"],
        "finders_after": 0, "after_uninstall": False, "namespace_after_uninstall": False,
        "ignored": False, "not_ignored": True}
    assert list((program / "pkg" / "__pycache__").glob("mod.*.pyc"))    # .pyc still written


CALLERS = """\
    import inspect, logging, sys, traceback, warnings
    import inspect as ins
    from traceback import extract_stack

    log = logging.getLogger("callers")
    stack = []                    # the module's own list, not inspect.stack

    class Machine:
        def __init__(self):
            self.stack = [1, 2]

        def pop(self):            # reads self.stack: not inspect.stack
            return self.stack.pop()

        def complain(self):       # logging's warn, not warnings.warn
            log.warn("%s", "careful")
            return len(self.stack)

        def warn(self, x):
            return x

        def uses_own_warn(self):
            return self.warn(3)

    def push(x):                  # the global list named stack
        stack.append(x)
        return len(stack)

    def formats(exc):             # traceback, but not the caller's frames
        return traceback.format_exception_only(type(exc), exc)[-1]

    def squares(xs):              # a comprehension is nested code: looked at, and fine
        return [x * x for x in xs]

    def peek_stack():
        return len(inspect.stack())

    def peek_alias():
        return ins.currentframe().f_lineno

    def peek_imported():
        return len(extract_stack())

    def peek_local_import():
        from inspect import stack as frames
        return len(frames())

    def peek_in_comprehension(xs):
        return [sys._getframe(1).f_lineno for _ in xs]

    def peek_back():
        frame = inspect.currentframe()
        return frame.f_back.f_lineno

    def warns():
        warnings.warn("look at your caller", stacklevel=2)

    def reads_code(f):
        return f.__code__.co_name
    """

CALLERS_DRIVER = """\
    import json, jitcy
    from jitcy import compat
    jitcy.install(include=["callers"])
    import callers
    funcs = {name: getattr(callers, name) for name in dir(callers)
             if callable(getattr(callers, name)) and getattr(getattr(callers, name),
                                                              "__module__", "") == "callers"
             and not isinstance(getattr(callers, name), type)}
    funcs.update({"Machine." + n: getattr(callers.Machine, n)
                  for n in ("pop", "complain", "warn", "uses_own_warn")})
    m = callers.Machine()
    results = [m.pop(), m.complain(), m.uses_own_warn(), callers.push(4),
               callers.formats(KeyError("k")), callers.squares([1, 2])]
    print(json.dumps({"watched": {k: compat.is_trampoline(f.__code__)
                                  for k, f in sorted(funcs.items())}, "results": results}))
    """


def test_only_real_looks_at_the_callers_frame_keep_a_function_unwatched(program):
    """Issue 4 item 1: a method reading ``self.stack`` or calling ``log.warn`` is watched;
    ``inspect.stack()`` and friends, reached through their module however it was
    imported, are not."""
    write(program, {"callers.py": CALLERS, "callers_driver.py": CALLERS_DRIVER})
    plain = run(["-c", "import json, callers; m = callers.Machine(); print(json.dumps("
                 "[m.pop(), m.complain(), m.uses_own_warn(), callers.push(4), "
                 "callers.formats(KeyError('k')), callers.squares([1, 2])]))"], program)
    out = run(["callers_driver.py"], program)
    assert out.returncode == 0 and plain.returncode == 0, out.stderr + plain.stderr
    result = json.loads(out.stdout)
    assert result["results"] == json.loads(plain.stdout)
    assert result["watched"] == {
        "Machine.pop": True, "Machine.complain": True, "Machine.warn": True,
        "Machine.uses_own_warn": True, "push": True, "formats": True, "squares": True,
        "peek_stack": False, "peek_alias": False, "peek_imported": False,
        "peek_local_import": False, "peek_in_comprehension": False, "peek_back": False,
        "warns": False, "reads_code": False}


def test_stdlib_and_site_packages_are_not_watched_by_default(program):
    """Issue 4 item 2: with the default scope (no include), modules of the standard
    library and of site-packages directories are not watched, even when their files are
    under the hook's root."""
    write(program, {
        "site-packages/fakelib.py": "def lib_fn(x):\n    return x\n",
        "mine.py": "def my_fn(x):\n    return x\n",
        "stdlib_driver.py": """\
            import json, sys
            import jitcy
            from jitcy import compat
            candidates = [m for m in ("colorsys", "sched", "tabnanny", "wave", "netrc")
                          if m not in sys.modules]
            jitcy.install(root=sys.argv[1])
            import fakelib, mine
            std = __import__(candidates[0])
            std_funcs = [v for v in vars(std).values()
                         if type(v).__name__ == "function" and v.__module__ == std.__name__]
            print(json.dumps({"mine": compat.is_trampoline(mine.my_fn.__code__),
                              "site": compat.is_trampoline(fakelib.lib_fn.__code__),
                              "site_file": fakelib.__file__, "std": std.__name__,
                              "std_functions": len(std_funcs),
                              "std_watched": sum(compat.is_trampoline(f.__code__)
                                                 for f in std_funcs)}))
            """})
    env = {"PYTHONPATH": os.pathsep.join([ROOT, str(program / "site-packages")])}
    for root in (str(program), os.path.abspath(os.sep)):     # the program's dir, and "/"
        out = run(["stdlib_driver.py", root], program, env=env)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["mine"] is True, root                 # the hook is active
        assert result["site"] is False, root
        assert result["site_file"].startswith(str(program)) # under the root all the same
        assert result["std_functions"] > 0 and result["std_watched"] == 0, result
    # and under `jitcy run`
    write(program, {"runs_std.py": """\
        import json, fakelib, mine, colorsys
        from jitcy import compat
        print(json.dumps([compat.is_trampoline(f.__code__)
                          for f in (mine.my_fn, fakelib.lib_fn, colorsys.rgb_to_hsv)]))
        """})
    out = jrun(["runs_std.py"], program, env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [True, False, False]


def test_install_rejects_bad_arguments():
    with pytest.raises(ValueError, match="module-name pattern"):
        jitcy.install(include="not a pattern")
    with pytest.raises(TypeError, match="module-name pattern"):
        jitcy.install(exclude=3)
    with pytest.raises(ValueError, match="threshold"):
        jitcy.install(threshold=0)
    with pytest.raises(TypeError, match="handle"):
        jitcy.uninstall("pkg")


@pytest.mark.slow
def test_run_compiles_hot_functions(program, session_cache_dir):
    write(program, {"hot.py": """\
        def total(n):
            s = 0
            for i in range(n):
                s += i * i
            return s

        class Acc:
            def add(self, x):
                return x + 0.5

            def walk(self, xs, scale=1.0, *, start=0):
                got = None
                for x in xs[start:]:
                    got = yield (x + 0.5) * scale if got is None else got
                return "done"

        def evens(n):
            for i in range(n):
                yield 2 * i

        if __name__ == "__main__":
            import inspect
            a = Acc()
            print([total(k) for k in range(5)], [a.add(k) for k in range(5)])
            print([list(evens(k)) for k in range(5)],
                  [list(a.walk([1.0, 2.0, 3.0], 2.0, start=k % 2)) for k in range(5)])
            g = a.walk([1.0, 2.0, 3.0], start=1)
            print(next(g), g.send("sent"), next(g, "end"), inspect.isgeneratorfunction(evens),
                  inspect.isgenerator(evens(1)), type(g).__name__, g.__qualname__)
        """})
    plain = run(["hot.py"], program)
    out = jrun(["--threshold", "2", "--sync", "--stats", "hot.py"], program,
               cache=session_cache_dir)
    assert out.returncode == 0, out.stderr
    assert out.stdout == plain.stdout
    table = out.stderr
    assert "__main__.total" in table and "__main__.Acc.add" in table
    assert "__main__.evens" in table and "__main__.Acc.walk" in table
    assert table.count("swapped") == 4, table


def test_sampling_keeps_the_call_count_exact(jitcy_env):
    def f(x):
        return x
    jitcy.hot(f, threshold=10**9, time_limit=1e9)
    for i in range(1000):
        f(i)
    st = jitcy.stats(f)
    assert st["state"] == "profiling" and st["calls"] == 1000


def test_hot_exactly_at_the_threshold(jitcy_env):
    def g(x):
        return x
    jitcy.hot(g, threshold=150, time_limit=1e9)
    seen = []
    import jitcy.pipeline as pl
    hf = pl.lookup(g)
    hf.became_hot = lambda: seen.append(hf.calls)      # record only: nothing is compiled
    for i in range(149):
        g(i)
    assert seen == []
    g(0)
    assert seen == [150]


def test_warnings_turned_into_errors_never_break_the_call(jitcy_env):
    """`-W error` / pytest's filterwarnings = error: the JitcyWarning for a function jitcy
    refuses must not raise into the call that made it hot (toolz's suite found this)."""
    import warnings

    def uses_lambda(x):
        return (lambda y: y + 1)(x)
    jitcy.hot(uses_lambda, threshold=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert uses_lambda(1) == 2
        assert uses_lambda(2) == 3
    st = jitcy.stats(uses_lambda)
    assert st["state"] == "failed" and "nested function, lambda" in st["reason"]


SHAPES = """\
    import functools, inspect


    def plain(a, b=2, *args, k=3, **kw):
        return (a, b, args, k, sorted(kw.items()))


    def posonly(a, /, b):
        return a - b


    alias = plain                       # the same function twice in the module


    def captured(x):                    # a parameter that is a cell of the inner lambda
        return (lambda: x * 2)()


    def make_closure():
        y = 10
        def closure(x):                 # a module-level closure (a free variable)
            return x + y
        return closure


    closure = make_closure()


    def logged(f):                      # a decorator of this module: the wrapper's code
        @functools.wraps(f)             # is 'logged.<locals>.wrapper', found by a scan
        def wrapper(*args):
            return ("logged", f(*args))
        return wrapper


    @logged
    def decorated(x):
        return x + 1


    def moved(x):                       # deleted from the module before its first call
        return x * 3


    def raises(x):
        return 1 // x


    def gen_shape(a, b=2, *args, k=3, **kw):    # a generator: its trampoline is one too
        got = yield (a, b, args, k, sorted(kw.items()))
        yield from args
        return got


    def make_gen_closure():
        y = 10
        def gen_closure(x):
            yield x + y
        return gen_closure


    gen_closure = make_gen_closure()


    class Base:
        def who(self):
            return "base"


    class Shape(Base):
        def __init__(self, side):
            self.side = side

        def area(self):
            return self.side ** 2

        def who(self):                  # super(): the free variable __class__
            return "shape/" + super().who()

        @staticmethod
        def unit():
            return 1

        @classmethod
        def named(cls):
            return cls.__name__

        @property
        def double(self):
            return self.side * 2

        @double.setter
        def double(self, value):
            self.side = value / 2

        @functools.cached_property
        def cached(self):
            return self.side + 100

        class Inner:
            def deep(self):
                return "deep"
    """

SHAPES_DRIVER = """\
    import inspect, json, sys, threading
    import jitcy
    from jitcy import compat
    watch = sys.argv[1] == "hook"
    if watch:
        hook = jitcy.install(include=["shapes"], threshold=10**9, time_limit=1e9)
    import shapes
    S = shapes.Shape
    targets = {"plain": shapes.plain, "posonly": shapes.posonly, "captured": shapes.captured,
               "closure": shapes.closure, "decorated": shapes.decorated,
               "moved": shapes.moved, "raises": shapes.raises, "area": S.area, "who": S.who,
               "unit": S.__dict__["unit"].__func__, "named": S.__dict__["named"].__func__,
               "double.get": S.double.fget, "double.set": S.double.fset,
               "cached": S.__dict__["cached"].func, "deep": S.Inner.deep,
               "gen_shape": shapes.gen_shape, "gen_closure": shapes.gen_closure}
    before = {name: {"watched": compat.is_trampoline(f.__code__),
                     "source": inspect.getsource(f),
                     "signature": str(inspect.signature(f)),
                     "where": [f.__code__.co_filename, f.__code__.co_firstlineno,
                               f.__code__.co_name, f.__code__.co_qualname]}
              for name, f in targets.items()}
    moved = shapes.moved
    del shapes.moved
    shape = S(3)
    out = {}
    for round_ in range(2):
        s = S(4)
        s.double = 10
        try:
            shapes.raises(0)
        except ZeroDivisionError as exc:
            error = str(exc)
        results = [shapes.plain(1), shapes.plain(1, 5, 6, 7, k=8, z=9), shapes.posonly(5, 2),
                   shapes.captured(4), shapes.closure(1), shapes.decorated(1), moved(2),
                   shapes.raises(1), error, s.area(), s.who(), S.unit(), S.named(), s.double,
                   s.side, S(1).cached, S.Inner().deep(),
                   list(shapes.gen_shape(1, 5, 6, 7, k=8, z=9)), list(shapes.gen_closure(1)),
                   inspect.isgeneratorfunction(shapes.gen_shape)]
        g = shapes.gen_shape(2)             # not started: nothing of it has run
        results.append([type(g).__name__, g.__qualname__, next(g)])
        try:
            g.send("back")
        except StopIteration as stop:
            results.append(stop.value)
        out.setdefault("results", []).append(results)
    # the first calls of a function from two threads at once
    barrier = threading.Barrier(4)
    fresh = []
    def race():
        barrier.wait()
        fresh.append(shapes.Shape(2).area())
    threads = [threading.Thread(target=race) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    from jitcy import pipeline         # (jitcy.stats(decorated) would unwrap __wrapped__)
    stats = {name: pipeline.lookup(f).stats() for name, f in targets.items()} if watch else {}
    print(json.dumps({"before": before, "out": out, "fresh": fresh,
                      "watched": hook.watched if watch else 0,
                      "calls": {n: s.get("calls") for n, s in stats.items()},
                      "states": {n: s.get("state") for n, s in stats.items()},
                      "after": {name: compat.pending_state(f.__code__) is not None
                                for name, f in targets.items()}}))
    """


def test_watched_functions_look_and_run_like_themselves_from_the_first_call(program):
    """Issue 4 item 6 (import cost): until its first call a watched function's code is the
    original code object with the trampoline's bytecode; the first call finds the function
    from the frame (by qualified name, by a scan of the module, or through gc) and takes
    its arguments from the frame. Every shape: metadata, results, exact call counts."""
    write(program, {"shapes.py": SHAPES, "shapes_driver.py": SHAPES_DRIVER})
    plain = run(["shapes_driver.py", "plain"], program)
    hooked = run(["shapes_driver.py", "hook"], program)
    assert plain.returncode == 0 and hooked.returncode == 0, plain.stderr + hooked.stderr
    p, h = json.loads(plain.stdout), json.loads(hooked.stdout)
    assert h["out"] == p["out"] and h["fresh"] == p["fresh"] == [4, 4, 4, 4]
    assert h["watched"] == 22       # 12 module-level functions, 10 in classes; alias once
    for name, seen in h["before"].items():
        assert seen["watched"] is True, name
        assert not p["before"][name]["watched"]
        for key in ("source", "signature", "where"):
            assert seen[key] == p["before"][name][key], (name, key)
    expected_calls = dict.fromkeys(h["calls"], 2)
    expected_calls.update({"plain": 4, "raises": 4, "area": 6,      # 2 rounds, 4 threads
                           "gen_shape": 4})
    assert h["calls"] == expected_calls
    assert set(h["states"].values()) == {"profiling"}, h["states"]
    assert not any(h["after"].values())      # no function is still waiting for its first call


# -- several hooks, decorated functions, import order, what the default scope leaves out ---
def functions_of(module) -> list:
    """The plain functions ``module`` defines, at module level and in its classes (the
    ones the hook would watch: see importhook.watch_module)."""
    from jitcy import importhook
    found = []
    for value in list(vars(module).values()):
        if type(value).__name__ == "function" and value.__module__ == module.__name__:
            found.append(value)
        elif isinstance(value, type) and value.__module__ == module.__name__:
            importhook._collect_class(value, module.__name__, found.append, set())
    return found


TWO_HOOKS = """\
    import json, os, sys
    os.environ["JITCY_SYNC"] = "1"          # registration starts no build worker
    import jitcy
    from jitcy import compat, pipeline

    def hook_of(f):                         # the hook watching f, or None
        state = compat.pending_state(f.__code__)
        return None if state is None else state[1]

    def name(hook):
        return {id(h1): "h1", id(h2): "h2"}.get(id(hook))

    h1 = jitcy.install(include=["alpha", "both"], threshold=111, time_limit=1e9)
    h2 = jitcy.install(include=["beta", "both"], threshold=222, time_limit=1e9)
    finders = lambda: sum(1 for f in sys.meta_path if "jitcy import hook" in repr(f))
    out = {"distinct": h1 is not h2, "finders": finders()}
    import alpha.one, beta.one
    out["before"] = [name(hook_of(alpha.one.f)), name(hook_of(beta.one.f))]
    jitcy.uninstall(h1)
    out["installed"] = [h1.installed, h2.installed]
    out["finders_after"] = finders()
    counts = [h1.watched, h2.watched]
    import alpha.two, beta.two, both
    out["after"] = [name(hook_of(alpha.two.f)), name(hook_of(beta.two.f)),
                    name(hook_of(both.f))]
    out["watched_after"] = [h1.watched - counts[0], h2.watched - counts[1]]
    out["values"] = [alpha.one.f(1), beta.one.f(1), alpha.two.f(1), beta.two.f(1), both.f(1)]
    out["thresholds"] = [jitcy.stats(f)["threshold"]          # registered at the first call
                         for f in (alpha.one.f, beta.one.f, beta.two.f, both.f)]
    out["alpha_two_registered"] = pipeline.lookup(alpha.two.f) is not None
    jitcy.uninstall(h2)
    out["finders_last"] = finders()
    import beta.three
    out["last"] = name(hook_of(beta.three.f))
    print(json.dumps(out))
    """


def test_uninstall_removes_exactly_that_hook(program, tmp_path):
    """Two hooks with different include patterns: ``uninstall(first)`` removes the first
    only. A module matching only its pattern is no longer watched; one matching the
    second's still is, by the second hook (its threshold), and so is one that matched
    both (the first hook had it before)."""
    module = "def f(x):\n    return x + 1\n"
    write(program, {"two_hooks.py": TWO_HOOKS, "both.py": module,
                    **{f"{pkg}/{m}.py": module for pkg in ("alpha", "beta")
                       for m in ("__init__", "one", "two", "three")}})
    out = run(["two_hooks.py"], program, cache=tmp_path / "cache")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "distinct": True, "finders": 1,
        "before": ["h1", "h2"],                     # both hooks active
        "installed": [False, True], "finders_after": 1,
        "after": [None, "h2", "h2"],                # alpha.two: only h1 wanted it
        "watched_after": [0, 2],
        "values": [2, 2, 2, 2, 2],
        "thresholds": [111, 222, 222, 222],         # each by the hook that watched it
        "alpha_two_registered": False,
        "finders_last": 0, "last": None}


DECORATED = """\
    import jitcy

    @jitcy.hot(threshold=50, time_limit=1e9)
    def decorated(x):
        return x * 2

    @jitcy.hot
    def bare(x):
        return x * 3

    @jitcy.once(threshold=40, time_limit=1e9)
    def once_only(x):
        return x * 5

    class K:
        @jitcy.hot(threshold=60, time_limit=1e9)
        def method(self, x):
            return x + 1

        @staticmethod
        @jitcy.hot(threshold=70, time_limit=1e9)
        def static(x):
            return x - 1

    def plain(x):
        return x * 7
    """

DECORATED_DRIVER = """\
    import json, os, sys
    os.environ["JITCY_SYNC"] = "1"
    os.environ["JITCY_THRESHOLD"] = "30"    # what a bare @jitcy.hot gets
    os.environ["JITCY_TIME_LIMIT"] = "1e9"
    import jitcy
    from jitcy import compat, pipeline
    hook = jitcy.install(include=["decorated"], threshold=3, time_limit=1e9)
    import decorated as m
    funcs = {"decorated": m.decorated, "bare": m.bare, "once_only": m.once_only,
             "method": m.K.method, "static": m.K.__dict__["static"].__func__,
             "plain": m.plain}
    out = {"pending": {n: compat.pending_state(f.__code__) is not None
                       for n, f in funcs.items()},
           "hook_watched": hook.watched}
    k = m.K()
    calls = lambda i: [m.decorated(i), m.bare(i), m.once_only(i), k.method(i), m.K.static(i),
                       m.plain(i)]
    calls(0)                                # registers plain (the hook's first call)
    hot_at = {n: [] for n in funcs}
    for n, f in funcs.items():              # record when each gets hot; build nothing
        hf = pipeline.lookup(f)
        hf.became_hot = lambda n=n, hf=hf: hot_at[n].append(hf.calls)
    for i in range(1, 10):                  # ten calls: more than the hook's threshold
        out["values"] = calls(i)
    out["hot_at"] = {n: seen[:1] for n, seen in hot_at.items()}
    stats = {n: pipeline.lookup(f).stats() for n, f in funcs.items()}
    out["thresholds"] = {n: s["threshold"] for n, s in stats.items()}
    out["once"] = {n: s["once"] for n, s in stats.items()}
    print(json.dumps(out))
    """


def test_hooked_module_keeps_its_own_decorators_settings(program, tmp_path):
    """A ``@jitcy.hot``/``@jitcy.once`` function in a module the hook watches keeps its
    decorator's settings (threshold, once): the hook leaves it alone. Of ten calls, the
    third makes the module's plain function (the hook's, threshold 3) hot; the decorated
    ones (thresholds 30 to 70) are not."""
    write(program, {"decorated.py": DECORATED, "decorated_driver.py": DECORATED_DRIVER})
    out = run(["decorated_driver.py"], program, cache=tmp_path / "cache")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["pending"] == {"decorated": False, "bare": False, "once_only": False,
                                 "method": False, "static": False, "plain": True}
    assert result["hook_watched"] == 1
    assert result["values"] == [18, 27, 45, 10, 8, 63]
    assert result["thresholds"] == {"decorated": 50, "bare": 30, "once_only": 40,
                                    "method": 60, "static": 70, "plain": 3}
    assert result["once"] == {"decorated": False, "bare": False, "once_only": True,
                              "method": False, "static": False, "plain": False}
    assert result["hot_at"] == {"decorated": [], "bare": [], "once_only": [], "method": [],
                                "static": [], "plain": [3]}


IMPORT_ORDER = """\
    import json, os, sys
    os.environ["JITCY_SYNC"] = "1"
    import jitcy
    from jitcy import compat
    import pkg.mod, helper                  # before install(): left as they are
    hook = jitcy.install(include=["pkg", "helper"], threshold=10**9, time_limit=1e9)
    import pkg.mod, helper                  # again: already imported, nothing runs
    from pkg import mod
    import pkg.other                        # after install(): watched
    watched = lambda f: compat.is_trampoline(f.__code__)
    print(json.dumps({"mod": [watched(f) for f in (pkg.mod.f, pkg.mod.C.m, mod.f)],
                      "helper": watched(helper.h), "other": watched(pkg.other.g),
                      "hook_watched": hook.watched,
                      "values": [pkg.mod.f(2), helper.h(3), pkg.other.g()]}))
    """


def test_modules_imported_before_install_are_not_watched(program, tmp_path):
    """A module imported before ``install()`` stays as it is even though it matches
    ``include`` (importing it again after install() changes nothing); one imported
    after is watched."""
    write(program, {"import_order.py": IMPORT_ORDER})
    out = run(["import_order.py"], program, cache=tmp_path / "cache")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"mod": [False, False, False], "helper": False,
                                      "other": True, "hook_watched": 1,
                                      "values": [4, 2, 7]}


NOT_MINE = """\
    import importlib, json, os, sys
    os.environ["JITCY_SYNC"] = "1"
    import jitcy
    from jitcy import compat
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_importhook import functions_of
    CANDIDATES = {
        "jitcy": ["jitcy.cli", "jitcy.cli_build", "jitcy.cli_cache", "jitcy.runner",
                  "jitcy.builder.worker"],
        "filelock": ["filelock.asyncio", "filelock._soft", "filelock._sqlite",
                     "filelock._identity", "filelock._async_lock"],
        "platformdirs": ["platformdirs.android", "platformdirs.macos",
                         "platformdirs.windows", "platformdirs.__main__"],
        "stdlib": ["colorsys", "sched", "tabnanny", "wave", "netrc", "fractions",
                   "statistics", "difflib", "textwrap", "calendar"],
    }
    before = set(sys.modules)
    root = sys.argv[1] if len(sys.argv) > 1 else None
    hook = jitcy.install() if root is None else jitcy.install(root=root)
    imported = {}
    for group, names in CANDIDATES.items():
        for name in names:
            if name in before:
                continue
            try:
                importlib.import_module(name)
            except ImportError:
                continue
            imported.setdefault(group, []).append(name)
    import mine
    new = sorted(set(sys.modules) - before)
    watched = {}
    for name in new:
        module = sys.modules.get(name)
        if module is None or name == "__main__":
            continue
        funcs = functions_of(module)
        count = sum(compat.is_trampoline(f.__code__) for f in funcs)
        if count:
            watched[name] = count
    files = {group: sys.modules[names[0]].__file__ for group, names in imported.items()}
    print(json.dumps({"imported": imported, "files": files, "watched": watched,
                      "functions": {g: sum(len(functions_of(sys.modules[n])) for n in names)
                                    for g, names in imported.items()}}))
    """


def test_default_scope_leaves_out_jitcy_its_dependencies_and_the_stdlib(program):
    """With no ``include`` the hook watches the user's code only: modules of jitcy, of
    the packages it runs on (filelock, platformdirs) and of the standard library imported
    after ``install()`` are not watched, also with everything under the root ("/"), and
    also when those dependencies are not in site-packages but in a directory under the
    root (a checkout or a vendored copy: only their names keep them out)."""
    import filelock
    import platformdirs
    vendored = program / "vendored"
    for package in (filelock, platformdirs):
        source = os.path.dirname(package.__file__)
        shutil.copytree(source, vendored / os.path.basename(source),
                        ignore=shutil.ignore_patterns("__pycache__"))
    write(program, {"not_mine.py": NOT_MINE, "mine.py": "def my_fn(x):\n    return x\n"})
    tests = os.path.dirname(os.path.abspath(__file__))
    cases = [(["/"], [ROOT, tests]),                            # installed layout
             ([], [ROOT, tests, str(vendored)])]                # deps under the root
    for args, path in cases:
        env = {"PYTHONPATH": os.pathsep.join(path)}
        out = run(["not_mine.py", *args], program, env=env)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["watched"] == {"mine": 1}, (args, result)     # the hook is active
        assert set(result["imported"]) == {"jitcy", "filelock", "platformdirs", "stdlib"}
        assert all(n > 0 for n in result["functions"].values()), result
        if not args:
            for group in ("filelock", "platformdirs"):
                assert result["files"][group].startswith(str(vendored)), result
