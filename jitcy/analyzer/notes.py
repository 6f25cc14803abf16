r"""Why code stays slow: (line, reason) for what still goes through Python objects.

The analyzer's answer to "why is this line not C?", kept in ``TypedFunction.notes`` (with
``TypedFunction.types``, each local's inferred type) for ``jitcy.explain`` and for
:meth:`TypedFunction.describe`::

    def f(xs, k):
        s = 0
        for x in xs:
            s = s + x * g(k)

    line 3: for x in xs: the elements of the list are Python objects (element type unknown)
    line 4: call to the global g(): a Python call, its result is an object
    line 4: 's' may be an object or int: kept as a Python object

Only root causes are listed (an expression that is an object because its operand is one is
not listed again), at most one note per line and reason.
"""
from __future__ import annotations

import ast

from . import arrays
from .model import (B1, BOOL, CONTAINERS, DICT, F8, FLOAT, FLOAT_OR_F8, I4, I8, INT, LIST,
                    OBJECT, STR, TUPLE, direct_callee)

_DESCRIBE = {INT: "int", FLOAT: "float", BOOL: "bool", OBJECT: "an object",
             F8: "np.float64", I8: "np.int64", I4: "np.int32", B1: "np.bool_",
             FLOAT_OR_F8: "float or np.float64"}


def _type_name(t: str) -> str:
    return _DESCRIBE.get(t, t)


def slow_notes(node: ast.FunctionDef, typer, history: dict, transparent=frozenset()) -> list:
    """``history``: local -> {type it was assigned during inference: line}; ``transparent``:
    ids of ``with jitcy.nogil():`` statements (the marker on the with line is not user code)."""
    notes = []
    markers = {id(n) for sub in ast.walk(node) if id(sub) in transparent
               for item in sub.items for n in ast.walk(item)}
    markers |= {id(n) for part in (node.args, node.returns) if part is not None
                for n in ast.walk(part)}          # evaluated by def, not by the body

    def note(sub, text):
        item = (getattr(sub, "lineno", node.lineno), text)
        if item not in notes:
            notes.append(item)

    # Locals whose assignments disagree (an object that only came from the join is left out).
    for name, kinds in sorted(history.items()):
        known = {t: line for t, line in kinds.items() if t != OBJECT}
        if len(known) > 1:
            kinds = known
        if typer.env.get(name) == OBJECT and len(kinds) > 1:
            names = sorted(_type_name(t) for t in kinds)
            line = max(kinds.values())
            hint = (" (start it as 0.0, not 0, if it holds floats)"
                    if set(kinds) in ({INT, FLOAT}, {INT, F8}, {INT, FLOAT_OR_F8}) else
                    " (NumPy computes on it: an int on some paths, a NumPy int on others)"
                    if set(kinds) in ({INT, I8}, {INT, I4}) else "")
            notes.append((line, f"{name!r} may be {' or '.join(names)}: kept as a Python "
                                f"object{hint}"))

    for sub in ast.walk(node):
        if id(sub) in markers:
            continue
        if isinstance(sub, ast.Call):
            func = sub.func
            if typer.math_call(sub) is not None or typer.math_call_converting(sub) is not None:
                continue                # C math (an object argument converted as math does)
            if isinstance(func, ast.Name) and func.id not in typer.locals:
                if func.id == typer.own_name or func.id in typer.builtins:
                    continue
                if direct_callee(typer.callees, sub, [typer.expr(a) for a in sub.args],
                                 typer.locals) is not None:
                    continue            # a direct C call (translator/emit_calls.py)
                note(sub, f"call to the global {func.id}(): a Python call, its result is an "
                          f"object")
            elif isinstance(func, ast.Attribute) and typer.expr(func.value) == OBJECT:
                note(sub, f"method call .{func.attr}() on an object of unknown type: a Python "
                          f"call, its result is an object")
        elif isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Load) \
                and not isinstance(sub.slice, ast.Slice) \
                and arrays.shape_index(sub, typer.expr) is None:
            kind = typer.expr(sub.value)
            what = _source(sub.value)
            if kind in (LIST, TUPLE) and typer.expr(sub) == OBJECT:
                note(sub, f"{what}[...]: {kind} element type unknown (a Python object)")
            elif kind == DICT:
                note(sub, f"{what}[...]: dict value type unknown (a Python object)")
            elif kind == OBJECT:
                note(sub, f"{what}[...]: indexing an object of unknown type")
        elif isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Load) \
                and typer.expr(sub) == OBJECT and typer.expr(sub.value) == OBJECT \
                and not _is_called(node, sub):
            note(sub, f"{_source(sub)}: attribute of an object of unknown type (a Python "
                      f"lookup, the value is an object)")
        elif isinstance(sub, ast.For) and isinstance(sub.target, ast.Name) \
                and typer.env.get(sub.target.id) == OBJECT:
            kind = typer.expr(sub.iter)
            if kind in CONTAINERS - {STR}:
                note(sub, f"for {sub.target.id} in {_source(sub.iter)}: {kind} element type "
                          f"unknown (each element is a Python object)")
            elif not _is_range(sub.iter):
                note(sub, f"for {sub.target.id} in {_source(sub.iter)}: iterates an object of "
                          f"unknown type (each element is a Python object)")
    notes.sort(key=lambda item: item[0])
    return notes


def _is_range(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "range"


def _is_called(root, attribute) -> bool:
    return any(isinstance(sub, ast.Call) and sub.func is attribute for sub in ast.walk(root))


def _source(node, limit: int = 30) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[:limit - 3] + "..."
