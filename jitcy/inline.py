"""Front door 4: ``jitcy.inline(code, **values)`` compiles a Cython snippet and runs it.

>>> import jitcy
>>> def norm(x, y):
...     return jitcy.inline("return (x * x + y * y) ** 0.5")    # doctest: +SKIP

The names the snippet reads and does not bind itself are taken from ``values``, else from
the caller's local variables, else from its globals; each becomes a parameter whose C type
comes from the value's type (``long long``, ``double``, ``bint``, a typed memoryview for a
NumPy array, ``object`` otherwise). The compiled snippet is cached on disk like a compiled
function (key: the snippet text, the parameters' C types, jitcy, the directives, the
toolchain), so a later run of the program loads it instead of compiling.

The fast path (a snippet already loaded for these types) is: find the caller's frame, look
the names up, compute each value's C type, one dict lookup, one call.
"""
from __future__ import annotations

import sys

from . import compat
from .translator import naming

if compat.SUPPORTED:
    from . import pipeline
else:                   # an unsupported interpreter imports nothing CPython-specific
    pipeline = None

_plans: dict = {}        # snippet text -> (plan, sorted free names)
_compiled: dict = {}     # (snippet text, params) -> the compiled function


def inline(code, /, **values):
    """Compile (once, cached) and run the Cython snippet ``code``; return what it returns.

    ``values`` give names explicitly; other names the snippet reads are captured from the
    caller's locals, then globals. A snippet that does not compile raises
    :class:`jitcy.errors.SnippetError` with Cython's message and the snippet's line."""
    if pipeline is None:
        from .control import status
        raise RuntimeError(f"jitcy.inline cannot run Cython here: {status()['reason']}")
    plan = _plans.get(code)
    if plan is None:
        plan = _plan(code, values)
    frame = sys._getframe(1)
    try:
        names = list(values)
        args = list(values.values())
        free = plan[1]
        if free:
            f_locals = frame.f_locals
            f_globals = frame.f_globals
            for name in free:
                if name in values:
                    continue
                if name in f_locals:
                    args.append(f_locals[name])
                elif name in f_globals:
                    args.append(f_globals[name])
                else:
                    continue      # not the caller's: Cython resolves it (builtins, or an error)
                names.append(name)
        c_type = pipeline.snippet_c_type
        params = tuple([(name, c_type(arg)) for name, arg in zip(names, args)])
        function = _compiled.get((code, params))
        if function is None:
            where = f"{frame.f_code.co_filename}:{frame.f_lineno}"
            function = _compiled[(code, params)] = pipeline.compile_snippet(plan[0], params,
                                                                            where)
    finally:
        del frame
    try:
        return function(*args)
    except BaseException as exc:
        _note_snippet_line(exc, plan[0], params)
        raise


def _note_snippet_line(exc, plan, params):
    """Add 'jitcy.inline snippet, line N: <text>' to an exception raised in the snippet (its
    traceback names the generated module's line)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_name.endswith(naming.SNIPPET):
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None or not hasattr(exc, "add_note"):
        return
    snippet_line = pipeline.snippet_line_map(plan, params).get(line)
    if snippet_line is not None:
        text = plan.text.split("\n")[snippet_line - 1].strip()
        exc.add_note(f"jitcy.inline snippet, line {snippet_line}: {text}")


def _plan(code, values):
    if not isinstance(code, str):
        raise TypeError(f"jitcy.inline(code, ...) takes the snippet as a str, "
                        f"got {type(code).__name__}")
    for name in values:
        if naming.is_reserved(name):
            raise ValueError(f"jitcy.inline: the name {name!r} is reserved "
                             f"(the prefix {naming.PREFIX!r} belongs to jitcy)")
    plan = pipeline.snippet_plan(code)
    entry = _plans[code] = (plan, tuple(sorted(plan.free)))
    return entry
