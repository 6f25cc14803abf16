"""Float locals that start as an int literal (analyzer/int_starts.py), in the body.

The local is a C double with a C flag beside it: ``total = 0`` stores ``0.0`` and sets
the flag, every other assignment clears it. A read where the int would give the same
result as its float (an operand of float arithmetic, a comparison of numbers) reads the
double; any other read goes through ``int_start_read``, which leaves the pure body while
the flag is set (the entry re-runs the call with the original code)::

    total = 0                 ->  total = 0.0
                                  __jitcy_is_int_total = True
    total += x * 1.5          ->  total += x * 1.5
                                  __jitcy_is_int_total = False
    return total              ->  return __jitcy_int_start_read(__jitcy_is_int_total, total)

The same reasoning lets a speculated list or tuple element be an int: where every read of
the loop variable (or the element read ``xs[i]`` itself) is such an operand, the element is
checked by ``spec_number`` (a float, or an int of at most 2**53 in magnitude, converted
exactly) instead of ``spec_float`` (a float only). ``total * 0.5 + xs[i]`` over a list of
ints then stays in C where the strict check would leave the body at the first int.
Nothing whose int would show is read that way: the other operand must be a float whatever
the speculated reads hold (analyzer/int_starts.certainly_float).
"""
from __future__ import annotations

import ast

from ..analyzer.int_starts import FLOAT_OPS, certainly_float, element_names
from ..analyzer.model import BOOL, FLOAT, INT
from . import naming

_NUMBERS = (INT, FLOAT, BOOL)
AS_FLOAT = "_jitcy_as_float"        # on an expression read where an int gives its float's result
NUMBER_TARGET = "_jitcy_number_target"   # on a loop whose element may be read as a number


def flag_name(name: str) -> str:
    return naming.INT_START + name


def declarations(fn) -> list:
    return [f"cdef bint {flag_name(v)} = False" for v in sorted(fn.int_starts)]


def rewrite(fn, node: ast.FunctionDef) -> None:
    """Mark the reads where an int gives its float's result, and the loops whose element
    is only read so; rewrite the int starts (in place, on the annotated body, before the
    other rewriters)."""
    if not fn.speculated:
        return
    elements = element_names(node, _kind)
    maybe_int = set(fn.int_starts) | elements
    _mark(node, maybe_int, fn.types)
    unmarked = {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)
                and isinstance(sub.ctx, ast.Load) and not getattr(sub, AS_FLOAT, False)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.For):
            target = sub.target
            if isinstance(target, ast.Tuple) and len(target.elts) == 2:
                target = target.elts[1]                    # for j, x in enumerate(xs)
            if isinstance(target, ast.Name) and target.id in elements - unmarked:
                setattr(sub, NUMBER_TARGET, True)
    if fn.int_starts:
        _Rewrite(fn.int_starts).visit(node)


def _kind(node):
    return getattr(node, "_jitcy_type", None)


def _mark(node, maybe_int, types) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, FLOAT_OPS):
            for mine, other in ((sub.left, sub.right), (sub.right, sub.left)):
                if certainly_float(other, _kind, maybe_int):
                    setattr(mine, AS_FLOAT, True)
        elif (isinstance(sub, ast.AugAssign) and isinstance(sub.op, FLOAT_OPS)
              and isinstance(sub.target, ast.Name) and types.get(sub.target.id) == FLOAT
              and sub.target.id not in maybe_int):
            setattr(sub.value, AS_FLOAT, True)      # total += x, total a float
        elif isinstance(sub, ast.Compare):
            operands = [sub.left] + sub.comparators
            for k, e in enumerate(operands):
                if all(_kind(o) in _NUMBERS for j, o in enumerate(operands) if j != k):
                    setattr(e, AS_FLOAT, True)


class _Rewrite(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def _flag(self, name, value, at):
        return ast.copy_location(ast.Assign(
            targets=[ast.Name(id=flag_name(name), ctx=ast.Store())],
            value=ast.Constant(value=value)), at)

    def visit_Assign(self, node):
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id in self.names:
            if isinstance(node.value, ast.Constant) and type(node.value.value) is int:
                start = ast.copy_location(ast.Constant(value=float(node.value.value)),
                                          node.value)
                start._jitcy_type = FLOAT
                node.value = start
                return [node, self._flag(target.id, True, node)]
            self.generic_visit(node)
            return [node, self._flag(target.id, False, node)]
        self.generic_visit(node)
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if isinstance(node.target, ast.Name) and node.target.id in self.names:
            return [node, self._flag(node.target.id, False, node)]
        return node

    def visit_Name(self, node):
        if (isinstance(node.ctx, ast.Load) and node.id in self.names
                and not getattr(node, AS_FLOAT, False)):
            read = ast.copy_location(ast.Call(
                func=ast.Name(id=naming.INT_START_READ, ctx=ast.Load()),
                args=[ast.Name(id=flag_name(node.id), ctx=ast.Load()), node],
                keywords=[]), node)
            read._jitcy_type = FLOAT
            return read
        return node
