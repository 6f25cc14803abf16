"""Array indexes proven in range: their bounds check (and wrap-around) can go.

An index is proven in range when it is the counter of an enclosing ``for i in range(...)``
(plus or minus a constant) whose stop is at most the size of that very axis, and nothing in
the loop's body binds the counter again::

    def smooth(a, out):                    # a, out: 1-d array parameters
        n = len(a)                         # n: a's axis 0, wherever it is read
        for i in range(1, n - 1):          # 1 <= i <= len(a) - 2
            out[i] = a[i - 1] + a[i + 1]   # a[i - 1], a[i + 1]: in range, no check
                                           # out[i]: i >= 0 only: no wrap-around, the
                                           # upper check stays (out may be shorter)

>>> import ast
>>> node = ast.parse('''
... def smooth(a, out):
...     n = len(a)
...     for i in range(1, n - 1):
...         out[i] = a[i - 1] + a[i + 1]
... ''').body[0]
>>> kinds = {"a": "array:<f8:1:C", "out": "array:<f8:1:S"}
>>> proofs = proven(node, kinds, {"len", "range"}, {"a", "out", "n", "i"})
>>> sorted(proofs.values())
['in', 'in', 'nonneg']

The sizes are those of the buffers the entry took (the compiled code reads ``a.shape[k]``
and checks indexes against the same numbers), and array parameters are never rebound (a
rebound one is an object), so a proof made here holds for the whole call. A size is known
from ``a.shape[k]``, ``len(a)`` (axis 0), a local whose every assignment is one of those
(``n = a.shape[0]``, ``n, m = a.shape``), a constant added or subtracted, and ``min()`` of
such bounds. Indexes inside comprehensions are not considered (their names are their own).
"""
from __future__ import annotations

import ast

from . import arrays
from .model import array_info
from .ranges import _sites

IN_RANGE, NONNEG = "in", "nonneg"


class _Dims(dict):
    """array parameter -> ndim, with ``types``: array parameter -> its type string."""
    types: dict
_SCOPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


def proven(node: ast.FunctionDef, array_types: dict, builtins, locals_) -> dict:
    """``id(index expression) -> IN_RANGE | NONNEG`` for the indexes of element accesses
    ``a[i]``/``a[i, j]`` (``array_types``: array parameter -> its type string) that are
    proven within their axis (IN_RANGE) or only proven not negative (NONNEG)."""
    ndims = _Dims({a: array_info(t).ndim for a, t in array_types.items()})
    ndims.types = dict(array_types)
    params = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
    params |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
    sizes = _size_locals(node, ndims, builtins, set(locals_) - params)
    out = {}
    _visit(node.body, {}, ndims, builtins, sizes, set(locals_), out)
    return out


def _size_locals(node, ndims, builtins, candidates) -> dict:
    """Locals whose every assignment is the size of one axis: name -> (array, axis)."""
    sites = {n: s for n, s in _sites(node).items() if n in candidates}
    sizes = {}
    for _ in range(len(sites) + 1):
        new = {}
        for name, where in sites.items():
            axes = {_axis_of(value, ndims, builtins, sizes) if kind == "value" else None
                    for kind, value in where}
            if len(axes) == 1 and None not in axes:
                new[name] = axes.pop()
        if new == sizes:
            break
        sizes = new
    return sizes


def _axis_of(expr, ndims, builtins, sizes):
    """(array, axis) if ``expr`` is the size of that axis, else None."""
    if isinstance(expr, ast.Name):
        return sizes.get(expr.id)
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "len"
            and "len" in builtins and len(expr.args) == 1 and not expr.keywords
            and isinstance(expr.args[0], ast.Name) and expr.args[0].id in ndims):
        return (expr.args[0].id, 0)
    k = arrays.shape_index(expr, lambda e: ndims.types.get(e.id) if isinstance(e, ast.Name) else None)
    return None if k is None else (expr.value.value.id, k)


def _literal(expr):
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
        value = _literal(expr.operand)
        return None if value is None else (-value if isinstance(expr.op, ast.USub) else value)
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return expr.value
    return None


def _uppers(expr, ndims, builtins, sizes) -> set:
    """Facts ``(array, axis, c)``: ``expr <= size(array, axis) + c`` whenever it is evaluated."""
    axis = _axis_of(expr, ndims, builtins, sizes)
    if axis is not None:
        return {(*axis, 0)}
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub)):
        right = _literal(expr.right)
        if right is not None:
            delta = right if isinstance(expr.op, ast.Add) else -right
            return {(a, k, c + delta) for a, k, c in _uppers(expr.left, ndims, builtins, sizes)}
        left = _literal(expr.left)
        if left is not None and isinstance(expr.op, ast.Add):
            return {(a, k, c + left) for a, k, c in _uppers(expr.right, ndims, builtins, sizes)}
    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "min"
            and "min" in builtins and len(expr.args) >= 2 and not expr.keywords
            and not any(isinstance(a, ast.Starred) for a in expr.args)):
        return set().union(*(_uppers(a, ndims, builtins, sizes) for a in expr.args))
    return set()


def _counter_loop(loop, ndims, builtins, sizes):
    """For ``for i in range(...)`` with a known start and a positive constant step: the
    counter's lowest value and the facts bounding its highest (``i <= size + c - 1``)."""
    it = loop.iter
    if not (isinstance(loop.target, ast.Name) and isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name) and it.func.id == "range" and "range" in builtins
            and not it.keywords and 1 <= len(it.args) <= 3
            and not any(isinstance(a, ast.Starred) for a in it.args)):
        return None
    if len(it.args) == 3 and not (_literal(it.args[2]) or 0) > 0:
        return None
    start = 0 if len(it.args) == 1 else _literal(it.args[0])
    stop = it.args[0] if len(it.args) == 1 else it.args[1]
    return start, _uppers(stop, ndims, builtins, sizes)


def _rebinds(body, name) -> bool:
    """Does anything in these statements bind or delete ``name``?"""
    for stmt in body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Name) and sub.id == name and not isinstance(sub.ctx, ast.Load):
                return True
            if isinstance(sub, ast.ExceptHandler) and sub.name == name:
                return True
            if isinstance(sub, (ast.Import, ast.ImportFrom)) and any(
                    (a.asname or a.name).split(".")[0] == name for a in sub.names):
                return True
            if isinstance(sub, (ast.Global, ast.Nonlocal)) and name in sub.names:
                return True
    return False


def _visit(body, active, ndims, builtins, sizes, locals_, out):
    """``active``: counter -> (lowest value or None, upper facts) of the enclosing loops
    whose bodies do not bind it again."""
    for stmt in body:
        if isinstance(stmt, ast.For):
            _check(stmt.iter, active, ndims, out)
            _check(stmt.target, active, ndims, out)
            loop = _counter_loop(stmt, ndims, builtins, sizes)
            inner = {k: v for k, v in active.items()
                     if not (isinstance(stmt.target, ast.Name) and stmt.target.id == k)}
            if (loop is not None and stmt.target.id in locals_
                    and not _rebinds(stmt.body, stmt.target.id)):
                inner[stmt.target.id] = loop
            _visit(stmt.body, inner, ndims, builtins, sizes, locals_, out)
            _visit(stmt.orelse, {k: v for k, v in inner.items() if k in active
                                 and active[k] is v}, ndims, builtins, sizes, locals_, out)
            continue
        for field, value in ast.iter_fields(stmt):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                _visit(value, active, ndims, builtins, sizes, locals_, out)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.ExceptHandler):
                        _check(item.type, active, ndims, out) if item.type else None
                        _visit(item.body, active, ndims, builtins, sizes, locals_, out)
                    elif isinstance(item, ast.AST):
                        _check(item, active, ndims, out)
            elif isinstance(value, ast.AST):
                _check(value, active, ndims, out)


def _check(tree, active, ndims, out):
    """Record the proven indexes of the element accesses in the expression ``tree``."""
    stack = [tree]
    while stack:
        sub = stack.pop()
        if isinstance(sub, _SCOPES):
            continue
        stack.extend(ast.iter_child_nodes(sub))
        if not (isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name)
                and sub.value.id in ndims):
            continue
        parts = arrays.indexes(sub, ndims[sub.value.id])
        for axis, part in enumerate(parts or ()):
            proof = _prove(part, sub.value.id, axis, active)
            if proof is not None:
                out[id(part)] = proof


def _prove(part, array, axis, active):
    value = _literal(part)
    if value is not None:
        return NONNEG if value >= 0 else None
    name, delta = _offset(part)
    if name is None or name not in active:
        return None
    start, uppers = active[name]
    if start is None or start + delta < 0:
        return None
    if any(a == array and k == axis and c + delta <= 0 for a, k, c in uppers):
        return IN_RANGE
    return NONNEG


def _offset(part):
    """``i`` -> ('i', 0); ``i + 2`` / ``2 + i`` -> ('i', 2); ``i - 1`` -> ('i', -1)."""
    if isinstance(part, ast.Name):
        return part.id, 0
    if isinstance(part, ast.BinOp) and isinstance(part.op, (ast.Add, ast.Sub)):
        right = _literal(part.right)
        if right is not None and isinstance(part.left, ast.Name):
            return part.left.id, right if isinstance(part.op, ast.Add) else -right
        left = _literal(part.left)
        if left is not None and isinstance(part.op, ast.Add) and isinstance(part.right, ast.Name):
            return part.right.id, left
    return None, 0
