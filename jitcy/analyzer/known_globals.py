"""Module globals whose meaning jitcy knows: the ``math`` module and its functions.

>>> import math
>>> known_globals({"math", "sqrt", "g"}, {"math": math, "sqrt": math.sqrt, "g": 1})
{'math': 'math', 'sqrt': 'math.sqrt'}

A name is known when, at analysis time, the module binds it to the ``math`` module itself
or to one of its functions. The compiled code then types ``math.sqrt(x)`` (or ``sqrt(x)``)
as a float and calls C's ``sqrt`` where the argument is in the domain, leaving every other
case to the ``math`` function itself (so errors and messages are Python's). The entry
checks that each known name is still bound to the same object (dict version tag: ~1 ns);
the cache key holds the known names (:func:`known_globals_key`). Monkeypatching the
``math`` module's own attributes (``math.sqrt = f``) is not seen by compiled code.
"""
from __future__ import annotations

import math
import types

from .model import BOOL, FLOAT, INT

#: math functions compiled to a C helper (libm, then Python's function when the result is
#: suspicious): name -> number of arguments.
C_MATH = {
    "sqrt": 1, "exp": 1, "log": 1, "log2": 1, "log10": 1, "log1p": 1, "expm1": 1,
    "sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1,
    "sinh": 1, "cosh": 1, "tanh": 1, "asinh": 1, "acosh": 1, "atanh": 1, "fabs": 1,
    "atan2": 2, "copysign": 2, "isnan": 1, "isinf": 1, "isfinite": 1,
}
#: Result type of every math function jitcy types (numeric arguments only).
RESULT = {**{name: FLOAT for name in C_MATH}, "isnan": BOOL, "isinf": BOOL, "isfinite": BOOL,
          "floor": INT, "ceil": INT, "trunc": INT, "hypot": FLOAT, "pow": FLOAT,
          "degrees": FLOAT, "radians": FLOAT}
#: Accepted argument counts (beyond C_MATH's).
ARITY = {**C_MATH, "floor": 1, "ceil": 1, "trunc": 1, "pow": 2, "degrees": 1, "radians": 1,
         "log": (1, 2), "hypot": (2,)}
#: C_MATH functions that take any argument as CPython's math_1 / Argument Clinic's
#: ``double`` converter does (PyFloat_AsDouble: __float__, __index__, its errors), so an
#: argument of unknown type may be converted to a C double first. (log, log2 and log10
#: take huge ints without converting them.)
DOUBLE_ARGS = frozenset(C_MATH) - {"log", "log2", "log10"}
#: math constants (folded into the code: ``math.pi = 3`` is not seen).
CONSTANTS = {"pi", "e", "tau", "inf", "nan"}


def known_globals(names, module_globals: dict) -> dict:
    """name -> 'math' (the module) or 'math.<function>' for each known name in ``names``."""
    out = {}
    for name in names:
        value = module_globals.get(name)
        if value is math:
            out[name] = "math"
        elif isinstance(value, types.BuiltinFunctionType) and getattr(value, "__self__", None) \
                is math and getattr(math, value.__name__, None) is value \
                and value.__name__ in RESULT:
            out[name] = "math." + value.__name__
    return dict(sorted(out.items()))


def known_globals_key(code: types.CodeType, module_globals: dict) -> list:
    """Part of the cache key: the known names the code uses (they change the output)."""
    names, stack = set(), [code]
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return [[k, v] for k, v in known_globals(names, module_globals).items()]


def arity_ok(func: str, n: int) -> bool:
    want = ARITY.get(func)
    return n in want if isinstance(want, tuple) else n == want
