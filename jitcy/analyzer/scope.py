"""Refuse what jitcy does not compile, and sort every name into local, free, global, builtin.

>>> import ast
>>> node = ast.parse("def f(a):\\n    b = a + g\\n    return len(b)").body[0]
>>> names = classify_names(node, freevars=(), module_globals={"g": 1})
>>> sorted(names.locals), sorted(names.globals), sorted(names.builtins)
(['a', 'b'], ['g'], ['len'])

Refused (the function stays interpreted, the reason names the line): generators and
coroutines, nested functions, lambdas and classes, ``locals()``/``vars()``/``globals()``/
``eval``/``exec``/``sys._getframe`` (they see frames and namespaces a compiled function does
not have), zero-argument ``super()`` and ``__class__``, private ``__names`` (class-private
name mangling), the walrus operator, ``match``, star imports, and identifiers starting with
jitcy's reserved prefix.
"""
from __future__ import annotations

import ast
import builtins
import dataclasses

from ..errors import UnsupportedConstruct
from ..translator import naming

_FRAME_BUILTINS = {"locals", "vars", "globals", "eval", "exec", "super", "dir"}
_SCOPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclasses.dataclass(frozen=True)
class Names:
    locals: frozenset
    globals: frozenset          # module globals read or written (not builtins used as such)
    builtins: frozenset         # builtins used and not shadowed by the module
    declared_global: frozenset
    declared_nonlocal: frozenset


def refuse_unsupported(node: ast.FunctionDef, filename: str) -> None:
    """Raise UnsupportedConstruct for the first construct jitcy does not compile."""
    def refuse(sub, what):
        raise UnsupportedConstruct(f"{what} is not compiled by jitcy", filename,
                                   getattr(sub, "lineno", node.lineno))

    for sub in ast.walk(node):
        if sub is node:
            continue
        if isinstance(sub, ast.Try) or type(sub).__name__ == "TryStar":
            # CPython chains an exception thrown into a generator (gen.throw) to the one
            # the generator is handling (3.9+, bpo-29587); Cython's generators do not.
            for part in [h.body for h in sub.handlers] + [sub.finalbody]:
                for inner in (n for stmt in part for n in ast.walk(stmt)):
                    if isinstance(inner, (ast.Yield, ast.YieldFrom)):
                        refuse(inner, "a yield inside an except or finally block (an "
                                      "exception thrown in there must chain to the one "
                                      "being handled; Cython's generators do not chain it)")
        if isinstance(sub, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            refuse(sub, "async code")
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            refuse(sub, "a nested function, lambda or class")
        if isinstance(sub, ast.NamedExpr):
            refuse(sub, "the walrus operator (:=)")
        if type(sub).__name__ == "Match":
            refuse(sub, "a match statement")
        if isinstance(sub, ast.ImportFrom) and any(a.name == "*" for a in sub.names):
            refuse(sub, "a star import")
        if isinstance(sub, ast.Name):
            if sub.id in _FRAME_BUILTINS:
                refuse(sub, f"{sub.id}() (it needs the interpreter's frame or namespace)")
            if sub.id == "__class__":
                refuse(sub, "__class__")
            _check_identifier(sub.id, sub, refuse)
        if isinstance(sub, ast.Attribute):
            if sub.attr in ("_getframe", "f_back", "f_locals", "f_globals", "__code__"):
                refuse(sub, f"frame or code introspection (.{sub.attr})")
            _check_identifier(sub.attr, sub, refuse)
        if isinstance(sub, ast.arg):
            _check_identifier(sub.arg, sub, refuse)
        if isinstance(sub, ast.keyword) and sub.arg:
            _check_identifier(sub.arg, sub, refuse)
        if isinstance(sub, (ast.Global, ast.Nonlocal)):
            for name in sub.names:
                _check_identifier(name, sub, refuse)


def _check_identifier(name: str, sub, refuse) -> None:
    if naming.is_reserved(name):
        refuse(sub, f"the identifier {name!r} (the prefix {naming.PREFIX!r} is reserved)")
    if name.startswith("__") and not name.endswith("__"):
        refuse(sub, f"the class-private name {name!r} (name mangling)")


def comprehension_targets(node) -> set:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, _SCOPES):
            for gen in sub.generators:
                names |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
    return names


def classify_names(node: ast.FunctionDef, freevars: tuple, module_globals: dict) -> Names:
    args = node.args
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    declared_global, declared_nonlocal, stored, loaded = set(), set(), set(), set()
    comp_targets = comprehension_targets(node)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Global):
            declared_global.update(sub.names)
        elif isinstance(sub, ast.Nonlocal):
            declared_nonlocal.update(sub.names)
        elif isinstance(sub, ast.Name):
            (loaded if isinstance(sub.ctx, ast.Load) else stored).add(sub.id)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split(".")[0] for a in sub.names)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            stored.add(sub.name)
    # A comprehension target is local to the comprehension unless the function also binds it.
    stored_here = stored - (comp_targets - _stored_outside_comprehensions(node))
    locals_ = (params | stored_here) - declared_global - declared_nonlocal
    free = set(freevars)
    outside = (loaded | stored) - locals_ - free - comp_targets
    outside |= declared_global
    shadowed = {n for n in outside if n in module_globals}
    builtin_names = {n for n in outside if hasattr(builtins, n) and n not in shadowed
                     and n not in declared_global}
    return Names(
        locals=frozenset(locals_),
        globals=frozenset(outside - builtin_names),
        builtins=frozenset(builtin_names),
        declared_global=frozenset(declared_global),
        declared_nonlocal=frozenset(declared_nonlocal),
    )


def _stored_outside_comprehensions(node) -> set:
    names = set()
    stack = list(ast.iter_child_nodes(node))
    while stack:
        sub = stack.pop()
        if isinstance(sub, _SCOPES):
            continue
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            names.add(sub.id)
        stack.extend(ast.iter_child_nodes(sub))
    return names
