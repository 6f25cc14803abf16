"""Spot JIT-unfriendly code from the code object alone (no source, no AST: cheap enough to run
when a function is decorated, so such a function is never profiled or compiled).

>>> def peek(x):
...     return eval("x + 1")
>>> print(jit_unfriendly(peek.__code__, {}))                # doctest: +ELLIPSIS
jit-unfriendly: eval() (it needs the interpreter's frame or namespace) at ...:2

What counts (nested code objects such as comprehensions included):

* the builtins ``eval``, ``exec``, ``locals``, ``vars``, ``globals``, ``dir`` read as globals
  (unless the module defines its own name), and ``breakpoint``;
* frame access: the attributes ``_getframe``, ``currentframe``, ``f_back``, ``f_locals``,
  ``f_globals``, ``f_code``, ``tb_frame``, ``gi_frame``, or a global bound to
  ``inspect.currentframe`` or ``sys._getframe`` (``from inspect import currentframe``);
* replacing a function's code: storing an attribute named ``__code__``.

The analyzer's AST check (``scope.refuse_unsupported``) still runs before a build and
refuses more (nested functions, ``match``...); this one is the early, cheap filter.

:func:`looks_at_callers` is the import hook's filter, from the same bytecode: does the
function look at its *caller's* frames (while it is watched, its caller is jitcy's
trampoline)? Only real uses count: a frame attribute, ``__code__``, or one of
:data:`CALLER_FUNCTIONS` reached through the module it comes from (``inspect.stack()``,
``import inspect as ins; ins.stack()``, ``from inspect import stack; stack()``), never an
attribute that merely has the same name (``self.stack``, ``log.warn``):

>>> import inspect
>>> def peeks():
...     return inspect.stack()
>>> def pops(self):
...     return self.stack.pop()
>>> looks_at_callers(peeks.__code__, {"inspect": inspect})      # doctest: +ELLIPSIS
'inspect.stack() at ...'
>>> looks_at_callers(pops.__code__, {"inspect": inspect}) is None
True
"""
from __future__ import annotations

import dis
import sys
import types

_BUILTINS = {
    "eval": "eval()", "exec": "exec()", "locals": "locals()", "vars": "vars()",
    "globals": "globals()", "dir": "dir()", "breakpoint": "breakpoint()",
}
_FRAME_ATTRS = {"_getframe", "currentframe", "f_back", "f_locals", "f_globals", "f_code",
                "tb_frame", "gi_frame", "cr_frame"}
_GLOBAL_OPS = {"LOAD_GLOBAL", "LOAD_NAME"}
_ATTR_OPS = {"LOAD_ATTR", "LOAD_METHOD"}
_LOCAL_OPS = {"LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_NAME"}
_STORE_OPS = {"STORE_FAST", "STORE_DEREF", "STORE_NAME", "STORE_GLOBAL"}

#: Functions that look at their caller's frames, by the module they come from (warnings.warn
#: with ``stacklevel=2`` names its caller's caller; any ``warn`` counts, stacklevel or not).
CALLER_FUNCTIONS = {
    "sys": frozenset({"_getframe", "_getframemodulename"}),
    "inspect": frozenset({"currentframe", "stack", "getouterframes"}),
    "traceback": frozenset({"extract_stack", "format_stack", "print_stack", "walk_stack"}),
    "warnings": frozenset({"warn"}),
}
#: Every name that can make :func:`looks_at_callers` say yes: a code object whose names
#: (``co_names``) miss all of these is not looked at further.
CALLER_NAMES = frozenset().union(*CALLER_FUNCTIONS.values(), _FRAME_ATTRS, {"__code__"})


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
    suspects = names & (set(_BUILTINS) | _FRAME_ATTRS | {"__code__", "currentframe",
                                                          "_getframe"})
    if not suspects:
        return None
    for c in _code_objects(code):
        for instr in dis.get_instructions(c):
            name = instr.argval
            what = None
            if instr.opname in _GLOBAL_OPS and name in _BUILTINS and name not in module_globals:
                what = _BUILTINS[name] + " (it needs the interpreter's frame or namespace)"
            elif instr.opname in _GLOBAL_OPS and _caller_function(module_globals.get(name)) in (
                    "sys._getframe", "inspect.currentframe"):
                what = f"{name}() (frame introspection)"
            elif instr.opname in _ATTR_OPS and name in _FRAME_ATTRS:
                what = f"frame introspection (.{name})"
            elif instr.opname == "STORE_ATTR" and name == "__code__":
                what = "assigning a function's __code__"
            if what:
                return f"jit-unfriendly: {what} at {code.co_filename}:{_line(instr, c)}"
    return None


def _caller_function(obj) -> str | None:
    """'inspect.stack' if ``obj`` is one of :data:`CALLER_FUNCTIONS`, else None."""
    if obj is None or isinstance(obj, (int, float, str, bytes, tuple, list, dict)):
        return None
    for module_name, functions in CALLER_FUNCTIONS.items():
        module = sys.modules.get(module_name)
        for function in functions:
            if module is not None and getattr(module, function, None) is obj:
                return f"{module_name}.{function}"
    return None


def looks_at_callers(code: types.CodeType, module_globals: dict) -> str | None:
    """Why the function looks at its caller's frames (``what at file:line``), or None.
    Nested code objects (comprehensions, inner functions) count. Cheap when no name of
    :data:`CALLER_NAMES` occurs: no disassembly then."""
    objects = list(_code_objects(code))
    if all(CALLER_NAMES.isdisjoint(c.co_names) for c in objects):
        return None
    listings = [(c, list(dis.get_instructions(c))) for c in objects]
    aliases = {}        # local name -> module, from ``import inspect as ins`` in the code
    for _c, instructions in listings:
        for prev, instr in zip(instructions, instructions[1:]):
            if (instr.opname in _STORE_OPS and prev.opname == "IMPORT_NAME"
                    and prev.argval in CALLER_FUNCTIONS):
                aliases[instr.argval] = prev.argval
    for c, instructions in listings:
        prev, imported = None, None
        for instr in instructions:
            op, name, what = instr.opname, instr.argval, None
            if op == "IMPORT_NAME":
                imported = name
            elif op == "IMPORT_FROM" and name in CALLER_FUNCTIONS.get(imported, ()):
                what = f"{imported}.{name}()"
            elif op in _ATTR_OPS and name in _FRAME_ATTRS:
                what = f"frame introspection (.{name})"
            elif (op in _ATTR_OPS or op == "STORE_ATTR") and name == "__code__":
                what = "a function's __code__ (while watched, it is jitcy's trampoline)"
            elif op in _ATTR_OPS and prev is not None:
                module = _module_of(prev, module_globals, aliases)
                if name in CALLER_FUNCTIONS.get(module, ()):
                    what = f"{module}.{name}()"
            elif op in _GLOBAL_OPS and name in CALLER_NAMES:
                function = _caller_function(module_globals.get(name))
                if function is not None:
                    what = f"{function}()"
            if what:
                return f"{what} at {code.co_filename}:{_line(instr, c)}"
            prev = instr
    return None


def _module_of(instr, module_globals: dict, aliases: dict) -> str | None:
    """The name of the module ``instr`` loads (a global bound to a module, or a local bound
    by an import of one of CALLER_FUNCTIONS' modules), else None."""
    if instr.opname in _GLOBAL_OPS and instr.argval in module_globals:
        value = module_globals[instr.argval]
        return value.__name__ if isinstance(value, types.ModuleType) else None
    if instr.opname in _LOCAL_OPS:
        return aliases.get(instr.argval)
    return None
