"""Stage 2: source + AST + observed types -> :class:`TypedFunction` (or UnsupportedConstruct)."""
from __future__ import annotations

import sys
import types

from ..compat import CO_GENERATOR, signature_shape
from ..errors import UnsupportedConstruct
from . import method_programs, nogil_blocks, recursion, snippet
from .infer_types import infer
from .infer_types import array_params_rebound, items_read, params_rebound
from .known_globals import known_globals, known_globals_key
from .model import ARRAY, TypedFunction, normalize_types, observed_type, tuple_items
from .scope import classify_names, refuse_unsupported
from .source import function_ast
from .unfriendly import jit_unfriendly

__all__ = ["analyze", "normalize_types", "TypedFunction", "shadowed_builtins", "jit_unfriendly",
           "snippet", "known_globals_key"]


def analyze(func: types.FunctionType, code: types.CodeType, arg_types: tuple,
            callees=None, methods=None) -> TypedFunction:
    """Type ``func`` (whose original code is ``code``) for the normalized ``arg_types``.
    ``methods``: ``{name: code}`` of short methods whose calls ``obj.name()`` may run as C
    at the call site (method_programs.py; the pipeline finds them)."""
    node, filename = function_ast(func, code)
    refuse_unsupported(node, filename)
    names = classify_names(node, code.co_freevars, func.__globals__)
    params = signature_shape(code).params
    observed = {p: observed_type(t) for p, t in zip(params, arg_types)}
    observed.update(dict.fromkeys(array_params_rebound(node, observed), "object"))
    generator = bool(code.co_flags & CO_GENERATOR)
    if generator:
        # A generator's body runs after its entry returned: the entry cannot hold an
        # array's buffer for it (see docs/typing.md), so arrays are plain objects there.
        observed.update({p: "object" for p, t in observed.items() if t.startswith(ARRAY)})
    # A tuple parameter's item types hold while it is the tuple the entry guarded; the
    # entry checks them only where the body reads items by position.
    items = {p: tuple_items(t) for p, t in zip(params, arg_types) if tuple_items(t)}
    for p in params_rebound(node, items) | (set(items) - items_read(node, items)):
        del items[p]
    nogil_withs = nogil_blocks.find(node, func.__globals__, names.locals)
    known = known_globals(names.globals, func.__globals__)
    result = infer(node, observed, own_name=node.name, builtins=names.builtins,
                   locals_=names.locals, transparent=nogil_withs, known=known,
                   callees=callees, tuple_items=items)
    if result.unbound_in_comprehensions and sys.version_info < (3, 12):
        line, name = result.unbound_in_comprehensions[0]
        raise UnsupportedConstruct(
            f"a comprehension that may read the local {name!r} before it is assigned (Python "
            f"raises NameError for the comprehension's free variable; Cython inlines "
            f"comprehensions and would raise UnboundLocalError) is not compiled by jitcy",
            filename, line)
    has_int = any(t == "int" for t in result.types.values())
    # A generator calling itself makes a new generator: a Python call (no C recursion).
    self_recursive = result.self_recursive and node.name in names.globals and not generator
    c_ints = result.pure and (has_int or result.speculated)
    typed = TypedFunction(
        node=node,
        filename=filename,
        qualname=f"{func.__module__}.{func.__qualname__}",
        name=node.name,
        params=params,
        arg_types=tuple(arg_types),
        types=result.types,
        return_type=result.return_type,
        locals=names.locals,
        freevars=code.co_freevars,
        global_names=names.globals,
        builtin_names=names.builtins,
        declared_global=names.declared_global,
        c_ints=c_ints,
        pure=result.pure,
        generator=generator,
        self_recursive=self_recursive,
        notes=result.notes,
        callees=dict(callees or {}),
        method_programs={name: program for name, program in
                         ((n, method_programs.decode(c)) for n, c in (methods or {}).items())
                         if program is not None},
        maybe_unbound=result.maybe_unbound,
        known_globals=known,
        counters={} if result.pure else result.counters,
        chars=result.chars,
        nonneg=result.nonneg,
        speculated=result.speculated,
        int_starts=result.int_starts,
        tuple_items=items,
        depth_bound=(recursion.depth_bound(node, params, result.types)
                     if self_recursive and c_ints and not nogil_withs else None),
    )
    expression_type = typed.expression_typer() if nogil_withs else None
    for block in nogil_withs:
        why = nogil_blocks.check(block, typed.c_type, types=typed.types,
                                 builtins=typed.builtin_names, c_ints=typed.c_ints,
                                 expression_type=expression_type,
                                 math_function=typed.math_function)
        if generator and why is None:
            why = "a generator keeps the GIL (its body runs in the caller's next())"
        typed.nogil_blocks[block.lineno] = why
        if why is not None:
            typed.notes.append((block.lineno, f"'with jitcy.nogil()' keeps the GIL: {why}"))
    return typed


def shadowed_builtins(code: types.CodeType, module_globals: dict) -> list:
    """Names the code uses that are builtins but defined in the module (part of the cache
    key: they decide which names compile as builtins). Cheap: no source, no AST."""
    import builtins
    names, stack = set(), [code]
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return sorted(n for n in names if hasattr(builtins, n) and n in module_globals)
