"""Pure bodies that cannot raise while their int arguments are small.

A small pure callee is copied into its callers (translator/emit_calls.py). The copy keeps
every check of the compiled body: C int arithmetic checked for overflow, true division
checked for a zero divisor, and the caller tests the copy's result for the error value
after each call. In a loop that calls it (spectral_norm's ``eval_A``, 130 calls per row),
those checks cost more than the arithmetic::

    def eval_A(i, j):
        return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)

With ``0 <= i, j <= FAST_ARG_MAX`` every intermediate fits a C long long and the divisor is
at least 1: nothing in the body can raise. :func:`raise_free` proves that from the body
alone, and the translator then also publishes a second copy without the checks (no
overflow checks, unchecked division, no error value), which a caller runs when its
arguments pass the range test (one unsigned compare each) and the checked copy otherwise.

>>> import ast
>>> node = ast.parse("def eval_A(i, j):\\n"
...                  "    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)").body[0]
>>> raise_free(node, ["i", "j"], {"i": "int", "j": "int"})
True
>>> node = ast.parse("def f(x, y):\\n    return x / y").body[0]
>>> raise_free(node, ["x", "y"], {"x": "float", "y": "float"})      # y may be 0.0
False

The proof covers a straight-line body: assignments of locals (``=``, ``op=``) and
``return``, made of int, float and bool values; ``+ - *`` of ints whose every intermediate
fits (ranges.interval, each int parameter in ``[0, FAST_ARG_MAX]``); ``//`` and ``%`` of
ints by positive literals; ``+ - *`` of floats (an overflow gives inf, no error); true
division by an int whose interval excludes 0 or by a nonzero float literal; unary minus
and plus, ``not``, comparisons of numbers, conditional expressions whose branches have one
kind. Anything else (a call, a loop, ``if``, ``**``, a subscript, a float divisor that is
a variable, float ``//`` and ``%``) may raise: the body is not raise-free.
"""
from __future__ import annotations

import ast

from .ranges import interval

#: The range each int argument of a raise-free copy must be in: 0 <= a <= FAST_ARG_MAX
#: (the caller tests ``(unsigned long long)a <= FAST_ARG_MAX``). Indexes and counts fit,
#: and so do the products of sums of two of them ((i + j) * (i + j + 1) < 2**62).
FAST_ARG_MAX = 2**30

_KINDS = {"int": "int", "float": "float", "bool": "bool"}
_NUMBERS = ("int", "float", "bool")
_COMPARE_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)


def raise_free(node: ast.FunctionDef, params, types: dict) -> bool:
    """Can ``node``'s body raise nothing when each int parameter is in [0, FAST_ARG_MAX]?
    ``types``: name -> inferred type string (analyzer/model.py) of the parameters."""
    kinds = {}
    env = {}
    for p in params:
        kind = _KINDS.get(str(types.get(p)))
        if kind is None:
            return False
        kinds[p] = kind
        if kind == "int":
            env[p] = (0, FAST_ARG_MAX)
        elif kind == "bool":
            env[p] = (0, 1)
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]                                   # the docstring
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Return):
            if stmt.value is None or _kind(stmt.value, kinds, env) is None:
                return False
            return True            # straight-line: nothing after a return runs
        if isinstance(stmt, ast.AugAssign):
            target = stmt.target
            value = ast.BinOp(left=ast.Name(id=getattr(target, "id", ""), ctx=ast.Load()),
                              op=stmt.op, right=stmt.value)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        else:
            return False
        if not isinstance(target, ast.Name):
            return False
        kind = _kind(value, kinds, env)
        if kind is None or kinds.get(target.id, kind) != kind:
            return False        # a local that changes kind: not what the copy computes
        kinds[target.id] = kind
        if kind in ("int", "bool"):
            bounds = interval(value, env, ()) if kind == "int" else (0, 1)
            if bounds is None:
                return False
            env[target.id] = bounds
    return True                # falls off the end: returns None (no error either)


def _kind(node, kinds: dict, env: dict):
    """"int", "float" or "bool" for an expression that cannot raise, else None."""
    if isinstance(node, ast.Constant):
        return {bool: "bool", int: "int", float: "float"}.get(type(node.value))
    if isinstance(node, ast.Name):
        return kinds.get(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _kind(node.operand, kinds, env)
        if inner is None:
            return None
        if isinstance(node.op, ast.Not):
            return "bool"
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            return None
        if inner == "float":
            return "float"
        return "int" if interval(node, env, ()) is not None else None
    if isinstance(node, ast.BinOp):
        left, right = _kind(node.left, kinds, env), _kind(node.right, kinds, env)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div):
            return "float" if _nonzero(node.right, right, env) else None
        if "float" in (left, right):
            return "float" if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)) else None
        return "int" if interval(node, env, ()) is not None else None
    if isinstance(node, ast.Compare):
        if not all(isinstance(op, _COMPARE_OPS) for op in node.ops):
            return None
        if all(_kind(n, kinds, env) in _NUMBERS for n in [node.left, *node.comparators]):
            return "bool"
        return None
    if isinstance(node, ast.IfExp):
        test = _kind(node.test, kinds, env)
        body, orelse = _kind(node.body, kinds, env), _kind(node.orelse, kinds, env)
        if test is None or body is None or body != orelse:
            return None
        return body
    return None


def _nonzero(node, kind, env) -> bool:
    """Is this divisor never zero? An int whose interval excludes 0, a nonzero literal."""
    if kind == "float":
        return isinstance(node, ast.Constant) and type(node.value) is float and node.value != 0.0
    if kind == "int":
        bounds = interval(node, env, ())
        return bounds is not None and (bounds[0] > 0 or bounds[1] < 0)
    return False
