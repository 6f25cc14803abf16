"""Float locals that start as an int literal: ``total = 0`` then ``total += x * 1.5``.

Python gives ``total`` the int 0 until the first ``+=`` makes it a float, so the local is
an int on one path and a float on the other: the join of the two is an object. In a pure
body with speculated floats (infer_types.infer) it is typed a C double instead, with a flag
that says "still the int literal" (translator/int_starts.py):

* where the int and its float give the same result, the double is read as it is: an
  operand of ``+ - * / // % **`` whose other operand is a float (Python converts the int
  exactly: the literal is at most 2**53 in magnitude), or of a comparison with numbers;
* anywhere else (returned, passed on, combined with an int) a read while the flag is set
  leaves the pure body, and the entry re-runs the call with the original code, which
  returns the int itself (``sum_of([])`` is ``0``, not ``0.0``).

It applies only where every other assignment gives a float whether the local holds the int
or a float (``total = total + x`` with ``x`` a float), so the flag is cleared by each of
them; ``n = 0; n += 1`` stays an int.
"""
from __future__ import annotations

import ast

from .model import FLOAT, INT, LIST, TUPLE, is_enumerate

#: Larger literals may not convert to a float exactly.
_EXACT = 2**53


def is_int_literal(value) -> bool:
    return (isinstance(value, ast.Constant) and type(value.value) is int
            and -_EXACT <= value.value <= _EXACT)


def candidates(node: ast.FunctionDef) -> dict:
    """name -> the values it is assigned other than int literals (``s += e`` as ``s + e``),
    for the names bound by at least one int literal and one other plain assignment, and
    by nothing else (a loop target, an unpacking, ``del``: not a candidate)."""
    literal, other, excluded = set(), {}, set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 \
                and isinstance(sub.targets[0], ast.Name):
            name = sub.targets[0].id
            if is_int_literal(sub.value):
                literal.add(name)
            else:
                other.setdefault(name, []).append(sub.value)
            continue
        if isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            name = sub.target.id
            other.setdefault(name, []).append(ast.BinOp(
                left=ast.Name(id=name, ctx=ast.Load()), op=sub.op, right=sub.value))
            continue
        for target in _other_targets(sub):
            excluded.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return {name: other[name] for name in literal & set(other) - excluded}


def _other_targets(sub):
    if isinstance(sub, ast.Assign):
        yield from sub.targets
    elif isinstance(sub, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        yield sub.target
    elif isinstance(sub, ast.NamedExpr):
        yield sub.target
    elif isinstance(sub, ast.Delete):
        yield from sub.targets
    elif isinstance(sub, (ast.With, ast.AsyncWith)):
        yield from (i.optional_vars for i in sub.items if i.optional_vars is not None)
    elif isinstance(sub, ast.ExceptHandler) and sub.name:
        yield ast.Name(id=sub.name, ctx=ast.Store())
    elif isinstance(sub, (ast.Global, ast.Nonlocal)):
        yield from (ast.Name(id=n, ctx=ast.Store()) for n in sub.names)
    elif isinstance(sub, (ast.Import, ast.ImportFrom)):
        yield from (ast.Name(id=(a.asname or a.name).split(".")[0], ctx=ast.Store())
                    for a in sub.names)
    elif isinstance(sub, (ast.comprehension,)):
        yield sub.target


def holds(name: str, values: list, typer, maybe_int) -> bool:
    """Does every value assigned to ``name`` (other than its int literals) give a float
    both while ``name`` holds its int and once it holds a float, whatever the other
    ``maybe_int`` names (int starts, elements read as numbers) hold?"""
    env = typer.env
    saved = env.get(name)
    try:
        for start in (INT, FLOAT):
            env[name] = start
            if any(typer.expr(v) != FLOAT for v in values):
                return False
        env[name] = FLOAT
        return all(certainly_float(v, typer.expr, maybe_int) for v in values)
    finally:
        env[name] = saved


#: Operators for which Python converts an int operand of a float exactly (the ints here are
#: at most 2**53 in magnitude) and then computes as with two floats.
FLOAT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_SAME_TYPE_AS_ARGUMENT = frozenset({"abs", "min", "max"})


def certainly_float(e, type_of, maybe_int) -> bool:
    """Is ``e`` (typed float) a Python float at run time, whatever the names in
    ``maybe_int`` and list or tuple elements (which may be read as numbers) hold?"""
    if type_of(e) != FLOAT:
        return False
    if isinstance(e, ast.Constant):
        return type(e.value) is float
    if isinstance(e, ast.Name):
        return e.id not in maybe_int
    if isinstance(e, ast.BinOp):
        return isinstance(e.op, ast.Div) or isinstance(e.op, FLOAT_OPS) and (
            certainly_float(e.left, type_of, maybe_int)
            or certainly_float(e.right, type_of, maybe_int))
    if isinstance(e, ast.UnaryOp):
        return isinstance(e.op, (ast.USub, ast.UAdd)) and certainly_float(
            e.operand, type_of, maybe_int)
    if isinstance(e, ast.IfExp):
        return (certainly_float(e.body, type_of, maybe_int)
                and certainly_float(e.orelse, type_of, maybe_int))
    if isinstance(e, ast.Call):
        # math functions, float(), a compiled callee's float: a float; abs/min/max give
        # back an argument (an int among them stays an int)
        if isinstance(e.func, ast.Name) and e.func.id in _SAME_TYPE_AS_ARGUMENT:
            return all(certainly_float(a, type_of, maybe_int) for a in e.args)
        return True
    return False                # an element (may be read as a number), anything else


def element_names(node, type_of) -> set:
    """Loop variables that take the elements of a list or tuple (``for x in xs``, ``for
    j, x in enumerate(xs)``): speculated floats that may be read as numbers."""
    names = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.For):
            continue
        it, target = sub.iter, sub.target
        if isinstance(target, ast.Name) and type_of(it) in (LIST, TUPLE):
            names.add(target.id)
        elif (is_enumerate(sub) and type_of(it.args[0]) in (LIST, TUPLE)
              and isinstance(target.elts[1], ast.Name)):
            names.add(target.elts[1].id)
    return names
