"""Recursion whose depth the arguments bound: no depth count on each compiled call.

A pure function that calls itself (``fib``) is compiled to C recursion that must still stop
at Python's recursion limit, so each C call passes the levels left and checks them
(translator/emit_module.py). That count costs more than the arithmetic of a small body:
GCC can no longer turn ``fib(n - 1) + fib(n - 2)`` into a loop around one of the calls.
Where the argument itself bounds the depth, the entry checks the bound once and calls a
copy of the body without the count::

    def fib(n):
        if n < 2:                 # the first statement: a base case that returns
            return n
        return fib(n - 1) + fib(n - 2)   # every call passes n minus a literal >= 1

A frame makes a call only when ``n >= 2``, and each call lowers ``n`` by at least 1, so a
call of ``fib(n)`` never nests deeper than ``n - 2 + 2`` levels: if that fits in the levels
left, the count could never have run out (``n`` larger, or any other shape: the counted body).

>>> import ast
>>> node = ast.parse("def fib(n):\\n    if n < 2:\\n        return n\\n"
...                  "    return fib(n - 1) + fib(n - 2)").body[0]
>>> depth_bound(node, ("n",), {"n": "int"})
(0, 0)
"""
from __future__ import annotations

import ast

from .arrays import params_rebound
from .model import INT

#: Base-case literals beyond this are left alone (the entry's check stays in C ints).
_LIMIT = 2**31


def depth_bound(node: ast.FunctionDef, params: tuple, types: dict):
    """``(index, offset)``: every call of this function nests at most ``p + offset`` levels
    of itself, ``p`` the value of its parameter ``params[index]``; None if not shown."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]                                     # the docstring
    if not body or not isinstance(body[0], ast.If) or body[0].orelse:
        return None
    guard = body[0]
    found = _base_case(guard.test)
    if found is None or _falls_through(guard.body) or _calls_itself(guard, node.name):
        return None
    name, offset = found
    if (name not in params or types.get(name) != INT or params_rebound(node, [name])):
        return None
    index = params.index(name)
    calls = [sub for stmt in body[1:] for sub in ast.walk(stmt) if _is_self_call(sub, node.name)]
    if not calls or not all(_lowers(call, index, name, len(params)) for call in calls):
        return None
    return index, offset


def _base_case(test):
    """``(name, offset)`` for ``name < K`` / ``name <= K`` (or ``K > name`` / ``K >= name``):
    calls happen only past the base case, so the depth is at most name + offset."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(right, ast.Name) and isinstance(left, ast.Constant):
        left, right = right, left
        op = {ast.Gt: ast.Lt(), ast.GtE: ast.LtE()}.get(type(op))
    if not (isinstance(left, ast.Name) and isinstance(right, ast.Constant)
            and type(right.value) is int and abs(right.value) <= _LIMIT):
        return None
    if isinstance(op, ast.Lt):          # base case p < K: calls need p >= K
        return left.id, 2 - right.value
    if isinstance(op, ast.LtE):         # base case p <= K: calls need p >= K + 1
        return left.id, 1 - right.value
    return None


def _falls_through(body) -> bool:
    last = body[-1] if body else None
    return not isinstance(last, (ast.Return, ast.Raise))


def _is_self_call(sub, name) -> bool:
    return isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == name


def _calls_itself(tree, name) -> bool:
    return any(_is_self_call(sub, name) for sub in ast.walk(tree))


def _lowers(call, index, name, count) -> bool:
    """``f(..., name - c, ...)`` at ``index``, a literal c >= 1, positional arguments only."""
    if call.keywords or len(call.args) != count or any(
            isinstance(a, ast.Starred) for a in call.args):
        return False
    arg = call.args[index]
    return (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Sub)
            and isinstance(arg.left, ast.Name) and arg.left.id == name
            and isinstance(arg.right, ast.Constant) and type(arg.right.value) is int
            and arg.right.value >= 1)
