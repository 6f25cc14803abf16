"""Find the ``with jitcy.nogil():`` blocks and decide which can run without the GIL.

>>> import ast, jitcy
>>> node = ast.parse('''
... def f(n, x):
...     with jitcy.nogil():
...         for i in range(n):
...             x = x * 0.5 + 1.0
...     return x
... ''').body[0]
>>> [w.lineno for w in find(node, {"jitcy": jitcy}, locals_={"n", "x", "i"})]
[3]
>>> c_type = {"n": "long long", "x": "double", "i": "long long"}.get
>>> check(find(node, {"jitcy": jitcy}, locals_={"n", "x", "i"})[0], c_type,
...       types={"n": "int", "x": "float", "i": "int"}, builtins={"range"})

A block runs without the GIL (``check`` returns None) when every name in it is a local held
in C (numbers; typed memoryviews, whose C type has ``[``), it only assigns such locals or
memoryview items, loops over ``range()``, and calls nothing but ``abs``/``min``/``max`` of
floats and the ``math`` functions jitcy compiles to C (``math.sqrt(x)``, or ``sqrt(x)``
after ``from math import sqrt``: ``known_globals.C_MATH``) of C numbers; ``math.pi`` & co
are C constants. Otherwise ``check`` returns the reason, and the block is compiled holding
the GIL.

>>> import math
>>> from jitcy.analyzer.infer_types import ExpressionTyper
>>> node = ast.parse('''
... def g(x):
...     with jitcy.nogil():
...         x = math.sqrt(x) * math.pi + x ** 2
...     return x
... ''').body[0]
>>> typer = ExpressionTyper({"x": "float"}, "g", set(), {"x"}, {"math": "math"})
>>> check(find(node, {"jitcy": jitcy}, locals_={"x"})[0], {"x": "double"}.get,
...       types={"x": "float"}, builtins=set(), expression_type=typer.expr,
...       math_function=typer.math_function)

The math helpers and float ``**`` (where its result is a float, ``x ** 2``: see
``infer_types``) are C; only their error paths take the GIL, to call Python's own
function (its value, or its ValueError/OverflowError and message).

C ints (pure functions only, see ``infer_types``) may be added, subtracted, multiplied,
negated, floor-divided and taken modulo: the translator sends ``+ - * //`` and negation
through checked helpers that take the GIL to raise OverflowError or ZeroDivisionError
(``%`` already has one) -- Cython's own overflow check sets the exception without the GIL,
a crash in Cython 3.3 -- and after an overflow the entry re-runs the call with Python ints.
Int ``**`` (and a float ``**`` that may be complex), shifts and ``range()`` with a step
other than 1 keep the GIL, with the reason.
"""
from __future__ import annotations

import ast

from . import npscalars
from .known_globals import C_MATH, CONSTANTS
from .model import BOOL, F8, FLOAT, FLOAT_OR_F8, I4, I8, INT, OBJECT, array_info

#: Statements a nogil block may contain.
_STATEMENTS = (ast.Assign, ast.AugAssign, ast.For, ast.While, ast.If, ast.Break, ast.Continue,
               ast.Pass, ast.Expr)
_C_NUMBERS = frozenset({INT, FLOAT, BOOL})
#: C-int operators the translator compiles to checked helpers that work without the GIL.
_CHECKED_INT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)


def is_marker(expr, module_globals: dict, locals_) -> bool:
    """Is ``expr`` the call ``jitcy.nogil()`` (or ``nogil()`` imported from jitcy)?"""
    if not (isinstance(expr, ast.Call) and not expr.args and not expr.keywords):
        return False
    func = expr.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.attr != "nogil" or func.value.id in locals_:
            return False
        module = module_globals.get(func.value.id)
        return getattr(module, "__name__", None) == "jitcy" and _is_nogil(
            getattr(module, "nogil", None))
    if isinstance(func, ast.Name) and func.id not in locals_:
        return _is_nogil(module_globals.get(func.id))
    return False


def _is_nogil(obj) -> bool:
    return getattr(obj, "__module__", None) == "jitcy.markers" and getattr(
        obj, "__name__", None) == "nogil"


def find(node: ast.FunctionDef, module_globals: dict, locals_) -> list:
    """The ``with`` statements of ``node`` whose only item is the nogil marker."""
    return [sub for sub in ast.walk(node) if isinstance(sub, ast.With) and len(sub.items) == 1
            and sub.items[0].optional_vars is None
            and is_marker(sub.items[0].context_expr, module_globals, locals_)]


def check(block: ast.With, c_type, *, types: dict, builtins, c_ints: bool = True,
          expression_type=None, math_function=None) -> str | None:
    """None if ``block`` can run without the GIL, else the reason (one line). ``c_ints``:
    the function's ints are C (pure); otherwise only loop counters are, and only where
    they need no arithmetic. ``expression_type`` (the analyzer's typer) and
    ``math_function`` (``TypedFunction.math_function``) let ``math`` calls, ``math``
    constants and float ``**`` through; without them those keep the GIL."""
    def math_name(call) -> str | None:
        """'sqrt' for a call of a math function jitcy compiles to C, else None."""
        name = math_function(call.func) if math_function is not None else None
        if (name is None or C_MATH.get(name) != len(call.args) or call.keywords
                or any(isinstance(a, ast.Starred) for a in call.args)):
            return None
        return name

    def typ(expr):
        if expression_type is not None and (
                (isinstance(expr, ast.Call) and math_name(expr)) or id(expr) in constants
                or (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Pow))):
            kind = expression_type(expr)
            return kind if kind in _C_NUMBERS else None
        if isinstance(expr, ast.Constant):
            value = expr.value
            if isinstance(value, bool):
                return BOOL
            if isinstance(value, int) and abs(value) < 2**53:
                return INT
            if isinstance(value, float):
                return FLOAT
            return None
        if isinstance(expr, ast.Name):
            return types.get(expr.id)
        if isinstance(expr, ast.BinOp):
            left, right = typ(expr.left), typ(expr.right)
            numpy = npscalars.binop(left, right, expr.op)
            if numpy is not None:
                return None if numpy == OBJECT else numpy
            if left in _C_NUMBERS and right in _C_NUMBERS:
                return FLOAT if FLOAT in (left, right) else INT
            return None
        if isinstance(expr, ast.UnaryOp):
            numpy = npscalars.unary(typ(expr.operand), expr.op)
            if numpy is not None:
                return None if numpy == OBJECT else numpy
            return BOOL if isinstance(expr.op, ast.Not) else typ(expr.operand)
        if isinstance(expr, (ast.Compare, ast.BoolOp)):
            return BOOL
        if _is_shape(expr):
            return INT
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            info = array_info(types.get(expr.value.id))
            if info is not None:         # a NumPy array parameter's element
                return info.element
            base = c_type(expr.value.id)   # a memoryview item (checked below)
            return FLOAT if base.split()[-1].startswith(("double", "float")) else INT
        if isinstance(expr, ast.Call):
            kinds = {typ(a) for a in expr.args}
            return kinds.pop() if len(kinds) == 1 else None
        return None

    def memoryview(name) -> bool:
        """A typed memoryview local, or a NumPy array parameter read through its buffer."""
        return "[" in c_type(name) or array_info(types.get(name)) is not None

    def _is_shape(expr) -> bool:     # a.shape[k] of an array parameter
        return (isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Attribute)
                and expr.value.attr == "shape" and isinstance(expr.value.value, ast.Name)
                and array_info(types.get(expr.value.value.id)) is not None)

    indexes = {id(s.slice) for s in ast.walk(block) if isinstance(s, ast.Subscript)}
    # math.sqrt / sqrt called as a C math function, math.pi & co: those names are C.
    math_parts, constants = set(), set()
    for s in ast.walk(block):
        if isinstance(s, ast.Call) and math_name(s):
            math_parts.update(id(n) for n in ast.walk(s.func))
        elif (expression_type is not None and isinstance(s, ast.Attribute)
              and isinstance(s.value, ast.Name) and s.attr in CONSTANTS
              and s.value.id not in types and expression_type(s) == FLOAT):
            constants.add(id(s))
            math_parts.update((id(s), id(s.value)))
    # Array parameters may appear only as ``a[...]`` (element) and ``a.shape[k]``.
    array_uses, shapes = set(), set()
    for s in ast.walk(block):
        if _is_shape(s):
            array_uses.add(id(s.value.value))
            shapes.update((id(s), id(s.value)))
        elif isinstance(s, ast.Subscript) and isinstance(s.value, ast.Name) and \
                array_info(types.get(s.value.id)) is not None:
            array_uses.add(id(s.value))
    for sub in ast.walk(ast.Module(body=block.body, type_ignores=[])):
        line = getattr(sub, "lineno", block.lineno)
        where = f"line {line}: "
        if isinstance(sub, ast.stmt):
            if not isinstance(sub, _STATEMENTS):
                return where + f"'{type(sub).__name__.lower()}' needs the GIL"
            if isinstance(sub, ast.Expr) and not isinstance(sub.value, ast.Constant):
                return where + "an expression statement (only assignments and loops run without the GIL)"
            if isinstance(sub, ast.For):
                it = sub.iter
                if not (isinstance(sub.target, ast.Name) and isinstance(it, ast.Call)
                        and isinstance(it.func, ast.Name) and it.func.id == "range"
                        and "range" in builtins and not it.keywords):
                    return where + "a loop over something other than range()"
                if len(it.args) == 3 and not (isinstance(it.args[2], ast.Constant)
                                              and it.args[2].value in (1, -1)):
                    return where + "range() with a step other than 1 or -1"
            if isinstance(sub, ast.AugAssign) and typ(sub.target) in (INT, BOOL) and (
                    not isinstance(sub.op, _CHECKED_INT_OPS + (ast.Mod,)) or not c_ints):
                return where + f"C-int '{type(sub.op).__name__}' (its checks need the GIL)"
            targets = sub.targets if isinstance(sub, ast.Assign) else (
                [sub.target] if isinstance(sub, (ast.AugAssign, ast.For)) else [])
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                        and memoryview(target.value.id):
                    continue
                if not isinstance(target, ast.Name):
                    return where + "an assignment to something other than a C local"
            continue
        if id(sub) in math_parts:
            continue
        if isinstance(sub, ast.Name):
            if sub.id in types:
                if array_info(types[sub.id]) is not None and id(sub) in array_uses:
                    continue
                if c_type(sub.id) in ("object",) or (
                        c_type(sub.id) not in ("long long", "double", "bint")
                        and not memoryview(sub.id)):
                    kept = ("an int kept as a Python object (C ints only in pure functions)"
                            if types[sub.id] == INT else f"a Python object ({types[sub.id]})")
                    return where + f"{sub.id!r} is {kept}"
            elif not sub.id in ("range", "abs", "min", "max") or sub.id not in builtins:
                return where + f"{sub.id!r} is not a local C variable"
            continue
        if isinstance(sub, ast.Call):
            name = sub.func.id if isinstance(sub.func, ast.Name) else None
            if name == "range":
                continue      # only as a loop's iterable (checked with its statement)
            function = math_name(sub)
            if function is not None:
                why = _math_operands(sub.args, typ, c_ints)
                if why is not None:
                    return where + f"{function}() of {why}"
                continue
            kinds = {typ(a) for a in sub.args}
            numbers = {FLOAT, F8, I8, I4} | ({FLOAT_OR_F8} if name == "abs" else set())
            if sub.keywords or name not in ("abs", "min", "max") or len(kinds) != 1 or (
                    not kinds <= numbers):
                return where + "a call of a Python-level function"
            continue
        if isinstance(sub, ast.BinOp):
            left, right = typ(sub.left), typ(sub.right)
            numpy = npscalars.binop(left, right, sub.op)
            if numpy is not None:       # NumPy scalars: helpers that take the GIL to warn
                if numpy == OBJECT:
                    return where + "arithmetic on Python objects"
                continue
            if left not in _C_NUMBERS or right not in _C_NUMBERS:
                return where + "arithmetic on Python objects"
            if isinstance(sub.op, ast.Pow) and typ(sub) == FLOAT:
                why = _math_operands([sub.left, sub.right], typ, c_ints)
                if why is not None:
                    return where + f"'**' of {why}"
                continue     # C pow; Python's ** (taking the GIL) for its special cases
            if isinstance(sub.op, (ast.Pow, ast.LShift, ast.RShift)) or (
                    isinstance(sub.op, (ast.FloorDiv, ast.Mod)) and FLOAT in (left, right)):
                return where + f"'{type(sub.op).__name__}' runs on Python objects"
            if FLOAT not in (left, right) and not isinstance(
                    sub.op, _CHECKED_INT_OPS + (ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor)):
                return where + f"C-int '{type(sub.op).__name__}' (its checks need the GIL)"
            if FLOAT not in (left, right) and not c_ints:
                return where + ("int arithmetic in a function that is not pure (its ints "
                                "are Python objects, unbounded)")
            continue
        if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub) \
                and typ(sub.operand) in (INT, BOOL) and not c_ints:
            return where + ("int arithmetic in a function that is not pure (its ints "
                            "are Python objects, unbounded)")
        if isinstance(sub, ast.Compare):
            kinds = {typ(e) for e in [sub.left] + sub.comparators
                     if not (isinstance(e, ast.Constant) and typ(e) == INT)}
            if any(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in sub.ops):
                return where + "'in'/'is' comparisons need Python objects"
            if npscalars.involved(*kinds):
                if FLOAT_OR_F8 in kinds and INT in kinds:
                    return where + "a float|float64 compared with an int (as objects)"
                continue
            if INT in kinds and FLOAT in kinds:
                return where + "a comparison of an int with a float (compared as objects)"
            continue
        if id(sub) in shapes:
            continue
        if isinstance(sub, ast.Subscript):
            if not (isinstance(sub.value, ast.Name) and memoryview(sub.value.id)):
                return where + "indexing something other than a typed memoryview"
            if isinstance(sub.slice, ast.Slice):
                return where + "slicing a memoryview"
            continue
        if isinstance(sub, ast.Tuple) and id(sub) not in indexes:
            return where + "a tuple needs Python objects"
        if isinstance(sub, (ast.Attribute, ast.Starred, ast.Lambda, ast.JoinedStr,
                            ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp,
                            ast.SetComp, ast.GeneratorExp, ast.IfExp)):
            return where + f"a {type(sub).__name__} expression needs Python objects"
        if isinstance(sub, ast.Constant) and not isinstance(sub.value, (int, float, bool)):
            return where + "a constant that is a Python object"
    return None


def _math_operands(args, typ, c_ints: bool) -> str | None:
    """Why these operands of a math function or of ``**`` are not C numbers, or None."""
    for arg in args:
        kind = typ(arg)
        if kind not in _C_NUMBERS:
            return "something that is not a C number"
        if kind == INT and not c_ints and not (isinstance(arg, ast.Constant)
                                               and isinstance(arg.value, int)):
            return ("an int in a function that is not pure (its ints are Python objects, "
                    "unbounded)")
    return None
