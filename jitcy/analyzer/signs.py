"""Which float expressions are never negative: ``x ** 0.5`` of them is a float, not complex.

>>> import ast
>>> body = ast.parse("d2 = dx * dx + dy * dy\\nr = d2 ** 0.5").body
>>> sorted(nonneg_locals(ast.Module(body=body, type_ignores=[]), set()))
['d2', 'r']

Python's ``x ** y`` of floats is complex when ``x < 0`` and ``y`` is not an integer, so the
analyzer types ``x ** 0.5`` as a float only where ``x`` cannot be negative (NaN is fine: NaN
** y is a float): a non-negative constant, ``v * v``, ``abs()``, ``math.sqrt/exp/fabs/hypot/
cosh``, an even integral power, sums, products and quotients of those, and locals whose every
assignment is one of those (a fixpoint).
"""
from __future__ import annotations

import ast

_NONNEG_MATH = {"sqrt", "exp", "fabs", "hypot", "cosh"}


def _integral(node):
    """The value of an integral int/float literal (``2``, ``-1.0``), else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) \
            and node.value == node.value and abs(node.value) != float("inf") \
            and float(node.value).is_integer():
        return sign * node.value
    return None


def nonneg(node, names, builtins, math_function=None) -> bool:
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float) and not node.value < 0
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.BinOp):
        op = node.op
        if isinstance(op, ast.Mult) and isinstance(node.left, ast.Name) \
                and isinstance(node.right, ast.Name) and node.left.id == node.right.id:
            return True
        if isinstance(op, ast.Pow):
            k = _integral(node.right)
            return (k is not None and k % 2 == 0) or (
                nonneg(node.left, names, builtins, math_function))
        if isinstance(op, (ast.Add, ast.Mult, ast.Div)):
            return nonneg(node.left, names, builtins, math_function) and \
                nonneg(node.right, names, builtins, math_function)
        return False
    if isinstance(node, ast.Call) and not node.keywords:
        if isinstance(node.func, ast.Name) and node.func.id == "abs" and "abs" in builtins:
            return True
        return math_function is not None and math_function(node.func) in _NONNEG_MATH
    return False


def nonneg_locals(node, builtins, params=(), math_function=None) -> set:
    """Locals never negative: every assignment is non-negative given the others are (a
    greatest fixpoint; parameters and names bound any other way are excluded)."""
    values, other, targets = {}, set(params), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign) and all(isinstance(t, ast.Name) for t in sub.targets):
            for t in sub.targets:
                values.setdefault(t.id, []).append(sub.value)
                targets.add(id(t))
        elif isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            values.setdefault(sub.target.id, []).append(
                ast.BinOp(left=ast.Name(id=sub.target.id, ctx=ast.Load()), op=sub.op,
                          right=sub.value))
            targets.add(id(sub.target))
        elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load) \
                and id(sub) not in targets:
            other.add(sub.id)
        elif isinstance(sub, (ast.ExceptHandler,)) and sub.name:
            other.add(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            other.update((a.asname or a.name).split(".")[0] for a in sub.names)
    assigned_only = {n for n in values}
    names = set(assigned_only)            # optimistic start, then remove until stable
    while True:
        keep = {n for n in names if n not in other and all(
            nonneg(v, names, builtins, math_function) for v in values[n])}
        if keep == names:
            return names
        names = keep
