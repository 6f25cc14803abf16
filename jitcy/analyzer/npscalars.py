"""Types of operations on NumPy scalars: the elements of array parameters, by NumPy 2's rules.

``a[i]`` of a float64/int64/int32 array is an ``np.float64``/``np.int64``/``np.int32`` in
the interpreter; what the operations on it return follows NEP 50 (Python ints, floats and
bools are "weak": they take the NumPy operand's type, or the float64 kind if they are a
float and the other an int)::

>>> import ast
>>> from jitcy.analyzer.model import FLOAT, INT
>>> binop("float64", FLOAT, ast.Add()), binop("int64", INT, ast.Add()), binop("int64", FLOAT, ast.Mult())
('float64', 'int64', 'float64')
>>> binop("int32", "int64", ast.Sub()), binop("int64", INT, ast.Div()), binop("int32", INT, ast.Add())
('int64', 'float64', 'int32')
>>> binop(FLOAT, INT, ast.Add()) is None        # no NumPy operand: not decided here
True
>>> binop("float|float64", FLOAT, ast.Mult()), compare_pair("int64", FLOAT)
('float|float64', 'bool_')

``float|float64`` (model.FLOAT_OR_F8) is the accumulator of ``s = 0.0; s += a[i]``: a float
on zero iterations, an np.float64 after one. With Python floats and ints it keeps its kind
(decided at run time); with a NumPy operand the result is an np.float64. Anything not
listed here (``np.bool_`` arithmetic, ``@``, a float with a bitwise operator, a
``float|float64`` raised to a float power, which is complex for a Python float) is an
``object``: the translator computes it on the NumPy scalars themselves.
"""
from __future__ import annotations

import ast

from .model import B1, BOOL, F8, FLOAT, FLOAT_OR_F8, I4, I8, INT, NUMPY_SCALARS, OBJECT

#: Types an operand may have for C arithmetic with a NumPy scalar.
HELD = frozenset({INT, FLOAT, BOOL, F8, I8, I4, FLOAT_OR_F8})
#: NumPy scalar types known when compiling (the result is a NumPy scalar whatever else).
STATIC = frozenset({F8, I8, I4})
_FLOATS = frozenset({FLOAT, F8, FLOAT_OR_F8})
_BITS = (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)
_ARITH = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


def involved(*types) -> bool:
    return any(t in NUMPY_SCALARS for t in types)


def binop(left, right, op) -> str | None:
    """The type of ``left op right`` if an operand is a NumPy scalar, else None."""
    if not involved(left, right):
        return None
    if left not in HELD or right not in HELD or not isinstance(op, _ARITH + _BITS):
        return OBJECT                       # np.bool_ arithmetic, @, objects: NumPy's own
    floats = left in _FLOATS or right in _FLOATS
    static = left in STATIC or right in STATIC
    if isinstance(op, _BITS):
        return OBJECT if floats else _int_result(left, right)
    if floats or isinstance(op, ast.Div):
        if static:
            return F8
        if isinstance(op, ast.Pow) and (right in _FLOATS):
            return OBJECT                   # (-8.0) ** (1/3) is complex for a Python float
        return FLOAT_OR_F8
    return _int_result(left, right)


def _int_result(left, right) -> str:
    return I8 if I8 in (left, right) else I4


def unary(operand, op) -> str | None:
    """The type of ``op operand`` for a NumPy scalar operand, else None."""
    if operand not in NUMPY_SCALARS:
        return None
    if isinstance(op, ast.Not):
        return BOOL
    if operand == B1:
        return OBJECT                       # -np.True_ raises, ~np.True_ is np.False_
    if isinstance(op, (ast.USub, ast.UAdd)):
        return operand
    if isinstance(op, ast.Invert) and operand in (I8, I4):
        return operand
    return OBJECT


def compare_pair(left, right) -> str | None:
    """The type of one comparison ``left < right`` (==, <=, ...) with a NumPy operand:
    ``bool_``; ``object`` where it is a bool or an np.bool_ depending on a run-time kind;
    None without a NumPy operand."""
    if not involved(left, right):
        return None
    numeric = HELD | {B1}
    if left not in numeric or right not in numeric:
        return OBJECT
    if left in STATIC | {B1} or right in STATIC | {B1}:
        return B1
    return OBJECT                           # float|float64 against Python numbers


def compare(operands, ops) -> str | None:
    """The type of a (chained) comparison with a NumPy operand, else None: ``bool_`` when
    every pair gives one, ``bool`` when none does, else ``object``."""
    if not involved(*operands):
        return None
    if any(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in ops):
        return OBJECT if any(isinstance(op, (ast.In, ast.NotIn)) for op in ops) else BOOL
    pairs = [compare_pair(a, b) for a, b in zip(operands, operands[1:])]
    if all(p == B1 for p in pairs):
        return B1
    return OBJECT


def call(name: str, args) -> str | None:
    """The type of the builtin ``name(*args)`` with a NumPy scalar argument, else None."""
    if not involved(*args):
        return None
    if name == "float" and len(args) == 1 and args[0] in HELD | {B1}:
        return FLOAT
    if name == "int" and len(args) == 1 and args[0] in HELD | {B1}:
        return INT
    if name == "bool" and len(args) == 1:
        return BOOL
    if name == "abs" and len(args) == 1 and args[0] in HELD:
        return args[0]
    if name in ("min", "max") and len(args) >= 2 and len(set(args)) == 1 and args[0] in STATIC:
        return args[0]                      # one of the arguments, compared as NumPy does
    return OBJECT
