"""NumPy array parameters: which accesses are element reads, ``shape`` reads, writes.

An array parameter (type string ``array:<f8:2:C``, see model.py) keeps its ndarray object;
the translator gives it a typed memoryview for the accesses recognised here:

>>> import ast
>>> env = {"a": "array:<f8:2:C", "i": "int", "j": "int"}
>>> typer = lambda e: env.get(getattr(e, "id", None), "object") if isinstance(e, ast.Name) else "int"
>>> element_type(env["a"], ast.parse("a[i, j]").body[0].value, typer)   # an np.float64
'float64'
>>> element_type(env["a"], ast.parse("a[i]").body[0].value, typer) is None   # a row: an array
True
>>> shape_index(ast.parse("a.shape[-1]").body[0].value, lambda e: env.get(e.id))
1

Everything else done with the array (slices, methods, passing it on, ``a[i]`` of a 2-d
array, a float index) runs on the ndarray object, exactly as interpreted.
"""
from __future__ import annotations

import ast

from .model import INT, array_info


def params_rebound(node: ast.FunctionDef, params) -> set:
    """The parameters among ``params`` that the body binds or deletes (they cannot keep a
    memoryview taken at entry)."""
    params = set(params)
    bound = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load) and sub.id in params:
            bound.add(sub.id)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            bound.update(n for n in ((a.asname or a.name).split(".")[0] for a in sub.names)
                         if n in params)
        elif isinstance(sub, ast.ExceptHandler) and sub.name in params:
            bound.add(sub.name)
    return bound


def indexes(node: ast.Subscript, ndim: int):
    """The index expressions of ``a[i]``/``a[i, j]`` if there is one per dimension, else None."""
    index = node.slice
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    if len(parts) != ndim or any(isinstance(p, (ast.Slice, ast.Starred)) for p in parts):
        return None
    return parts


def element_type(array_type: str, node: ast.Subscript, typer) -> str | None:
    """The type of ``node`` (a subscript of an array of ``array_type``) if it reads one
    element with int indexes (bools index by mask in NumPy: not elements), else None."""
    info = array_info(array_type)
    parts = indexes(node, info.ndim) if info else None
    if parts is None or any(typer(p) != INT for p in parts):
        return None
    return info.element


def shape_index(node, typer) -> int | None:
    """For ``a.shape[k]`` (``a`` an array parameter, ``k`` a constant within its ndim) the
    dimension, normalized to be >= 0; else None."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "shape" and isinstance(node.value.value, ast.Name)):
        return None
    info = array_info(typer(node.value.value))
    k = _constant_int(node.slice)
    if info is None or k is None or not -info.ndim <= k < info.ndim:
        return None
    return k % info.ndim


def shape_unpacking(target, value) -> bool:
    """``n, m = a.shape`` as written: plain names, no star, the value ``<name>.shape``
    (whether ``a`` is an array of that many dimensions is :func:`unpacks_shape`)."""
    return (isinstance(target, (ast.Tuple, ast.List)) and target.elts
            and all(isinstance(e, ast.Name) for e in target.elts)
            and isinstance(value, ast.Attribute) and value.attr == "shape"
            and isinstance(value.value, ast.Name))


def unpacks_shape(value, count: int, typer) -> bool:
    """Is ``value`` (``a.shape``) the shape of an array parameter with ``count`` dimensions?
    Then unpacking it into ``count`` names cannot fail and runs no Python code."""
    info = array_info(typer(value.value))
    return info is not None and info.ndim == count


def shape_item(value, k: int) -> ast.Subscript:
    """``a.shape[k]`` for the ``a.shape`` node ``value`` (what the k-th name of an unpacking
    receives)."""
    return ast.Subscript(value=value, slice=ast.Constant(value=k), ctx=ast.Load())


def _constant_int(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _constant_int(node.operand)
        return None if value is None else -value
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def is_array_name(node, typer) -> bool:
    """Is ``node`` the name of an array parameter (of at least one dimension)?"""
    return isinstance(node, ast.Name) and array_info(typer(node)) is not None


def pure_reads(node: ast.FunctionDef, typer) -> set:
    """``id()`` of the nodes of C-level array reads (element reads with int indexes,
    ``a.shape[k]``, ``len(a)``'s argument) apart from their index expressions: they run no
    Python code, so a function made of them can still be pure."""
    ids = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Subscript) or not isinstance(sub.ctx, ast.Load):
            continue
        if shape_index(sub, typer) is not None:
            ids.update({id(sub), id(sub.value), id(sub.value.value), id(sub.value.ctx),
                        id(sub.slice)})
            ids.update(id(n) for n in ast.walk(sub.slice))
        elif (is_array_name(sub.value, typer)
              and element_type(typer(sub.value), sub, typer) is not None):
            ids.update({id(sub), id(sub.value)})
            if isinstance(sub.slice, ast.Tuple):
                ids.add(id(sub.slice))
    return ids
