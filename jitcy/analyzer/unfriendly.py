"""Spot JIT-unfriendly code from the code object alone (no source, no AST: cheap enough to run
when a function is decorated, so such a function is never profiled or compiled).

>>> def peek(x):
...     return eval("x + 1")
>>> jit_unfriendly(peek.__code__, {})                       # doctest: +ELLIPSIS
'jit-unfriendly: eval() (it needs the interpreter's frame or namespace) at ...:2'

What counts (nested code objects such as comprehensions included):

* the builtins ``eval``, ``exec``, ``locals``, ``vars``, ``globals``, ``dir`` read as globals
  (unless the module defines its own name), and ``breakpoint``;
* frame access: the attributes ``_getframe``, ``currentframe``, ``f_back``, ``f_locals``,
  ``f_globals``, ``f_code``, ``tb_frame``, ``gi_frame``, or a global ``currentframe``
  (``from inspect import currentframe``);
* replacing a function's code: storing an attribute named ``__code__``.

The analyzer's AST check (``scope.refuse_unsupported``) still runs before a build and
refuses more (nested functions, ``match``...); this one is the early, cheap filter.
"""
from __future__ import annotations

import dis
import types

_BUILTINS = {
    "eval": "eval()", "exec": "exec()", "locals": "locals()", "vars": "vars()",
    "globals": "globals()", "dir": "dir()", "breakpoint": "breakpoint()",
    "currentframe": "currentframe()",
}
_FRAME_ATTRS = {"_getframe", "currentframe", "f_back", "f_locals", "f_globals", "f_code",
                "tb_frame", "gi_frame", "cr_frame"}
_GLOBAL_OPS = {"LOAD_GLOBAL", "LOAD_NAME"}
_ATTR_OPS = {"LOAD_ATTR", "LOAD_METHOD"}


def _code_objects(code: types.CodeType):
    stack = [code]
    while stack:
        c = stack.pop()
        yield c
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))


def _line(instr, code) -> int:
    pos = getattr(instr, "positions", None)
    line = pos.lineno if pos is not None and pos.lineno else instr.starts_line
    return line or code.co_firstlineno


def jit_unfriendly(code: types.CodeType, module_globals: dict) -> str | None:
    """A reason (``jit-unfriendly: what at file:line``) or None. Cheap: names first."""
    names = set()
    for c in _code_objects(code):
        names.update(c.co_names)
    suspects = names & (set(_BUILTINS) | _FRAME_ATTRS | {"__code__"})
    if not suspects:
        return None
    for c in _code_objects(code):
        for instr in dis.get_instructions(c):
            name = instr.argval
            what = None
            if instr.opname in _GLOBAL_OPS and name in _BUILTINS and name not in module_globals:
                what = _BUILTINS[name]
                if name != "currentframe":
                    what += " (it needs the interpreter's frame or namespace)"
            elif instr.opname in _ATTR_OPS and name in _FRAME_ATTRS:
                what = f"frame introspection (.{name})"
            elif instr.opname == "STORE_ATTR" and name == "__code__":
                what = "assigning a function's __code__"
            if what:
                return f"jit-unfriendly: {what} at {code.co_filename}:{_line(instr, c)}"
    return None
