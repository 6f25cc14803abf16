r"""Purity: may a function's ints be C ``long long``, re-running the call on overflow?

A pure body only computes on C scalars and locals: no calls except known builtins, ``math``
functions of numbers and itself, no stores outside its locals, no ``try``, no truth test
that could run ``__bool__``. On overflow the entry re-runs the call with the original
(interpreted) code, which repeats nothing because a pure body has no side effect.

>>> import ast
>>> from jitcy.analyzer.infer_types import ExpressionTyper
>>> node = ast.parse("def f(n):\n    a, b = 0, 1\n    return a + n").body[0]
>>> typer = ExpressionTyper({"n": "int", "a": "int", "b": "int"}, "f", set(), {"n", "a", "b"})
>>> purity(node, typer)[0]
True
"""
from __future__ import annotations

import ast

from . import arrays
from .model import (BOOL, C_SCALARS, CONTAINERS, FLOAT, INT, LIST, NONE, OBJECT, STR, TUPLE,
                    direct_callee, unpacks_tuple_parameter)

_PURE_BUILTINS = frozenset({"abs", "min", "max", "int", "float", "bool", "range", "len"})
#: Types whose truth value runs no user code (exact builtins).
_PURE_TRUTH = C_SCALARS | CONTAINERS | {NONE}


def purity(node, typer, transparent=frozenset()):
    """(pure, self_recursive, note): see the module docstring for what pure means.
    ``transparent``: ids of ``with jitcy.nogil():`` statements (the with line does nothing)."""
    from .infer_types import element_type as _element_type, speculated_enumerate
    recursive = False
    # Defaults and annotations are evaluated by ``def``, not by the body.
    skip = {id(n) for part in (node.args, node.returns) if part is not None
            for n in ast.walk(part)}
    for sub in ast.walk(node):
        if id(sub) in transparent:      # the nogil marker: the with line itself does nothing
            skip.update(id(n) for item in sub.items for n in ast.walk(item))
            skip.add(id(sub))

    def fail(sub, why):
        return False, recursive, (getattr(sub, "lineno", node.lineno),
                                  f"ints stay Python objects: {why}")

    for sub in ast.walk(node):
        if isinstance(sub, (ast.Yield, ast.YieldFrom)):
            return fail(sub, "a generator (its caller sees each value it yields: a re-run "
                             "would repeat them)")
    allowed_stmts = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.If, ast.While, ast.For,
                     ast.Return, ast.Pass, ast.Break, ast.Continue, ast.Expr)
    # ``a, b = b, a + b``: a display assigned to names of the same count iterates nothing
    # (the translator leaves it a C parallel assignment): its two tuples are not values.
    not_values = {id(t) for sub in ast.walk(node) if _parallel_assignment(sub)
                  for t in (sub.targets[0], sub.value)}
    # math.sqrt(x) of numbers and math.pi run no user code (the entry checks that the names
    # are still the math module's): the function name and the module are not values.
    for sub in ast.walk(node):
        func = sub.func if isinstance(sub, ast.Call) and typer.math_call(sub) else (
            sub if isinstance(sub, ast.Attribute) and typer.expr(sub) == FLOAT else None)
        if func is not None:
            not_values.add(id(func))
            if isinstance(func, ast.Attribute):
                not_values.add(id(func.value))
    not_values |= arrays.pure_reads(node, typer.expr)   # C-level reads of array parameters
    for sub in ast.walk(node):       # n, m = a.shape: reads the array's buffer shape
        if (isinstance(sub, ast.Assign) and len(sub.targets) == 1
                and arrays.shape_unpacking(sub.targets[0], sub.value)
                and arrays.unpacks_shape(sub.value, len(sub.targets[0].elts), typer.expr)):
            not_values.update({id(sub.targets[0]), id(sub.value), id(sub.value.value)})
    for sub in ast.walk(node):       # i, u = i_u: the items of a guarded tuple parameter
        if _unpacks_tuple_parameter(sub, typer.tuple_items):
            not_values.add(id(sub.targets[0]))
    # for j, x in enumerate(xs), xs an exact list or tuple whose elements are speculated
    # floats: Cython's C loop over the items (no iterator object, no user code), the
    # counter a C int, each element checked as any speculated read.
    enumerated = {id(sub) for sub in ast.walk(node) if speculated_enumerate(sub, typer)}
    for sub in ast.walk(node):
        if id(sub) in enumerated:
            not_values.update({id(sub.target), id(sub.iter), id(sub.iter.func)})
    for sub in ast.walk(node):
        if sub is node or id(sub) in skip or isinstance(sub, (
                ast.arguments, ast.arg, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop,
                ast.boolop)):
            continue
        if id(sub) in not_values:
            continue
        if isinstance(sub, ast.stmt):
            if not isinstance(sub, allowed_stmts):
                return fail(sub, f"the function uses '{type(sub).__name__.lower()}'")
            if isinstance(sub, ast.Expr) and not isinstance(sub.value, ast.Constant):
                return fail(sub, "an expression statement may have side effects")
            if isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
                # ``s += o`` is ``s + o``: an object operand runs its own __radd__, which
                # a re-run would repeat (the operation is not an AST node of its own)
                implied = ast.BinOp(left=ast.Name(id=sub.target.id, ctx=ast.Load()),
                                    op=sub.op, right=sub.value)
                if typer.expr(implied) not in C_SCALARS:
                    return fail(sub, "an augmented assignment that is not int, float or bool")
            for target in _stmt_targets(sub):
                if id(target) in not_values:
                    if not all(e.id in typer.locals for e in target.elts):
                        return fail(sub, "it stores outside its own local variables")
                    continue
                if isinstance(target, (ast.Tuple, ast.List)):
                    return fail(sub, "unpacking (it iterates the value)")
                if not (isinstance(target, ast.Name) and target.id in typer.locals):
                    return fail(sub, "it stores outside its own local variables")
            speculated = (typer.speculate and typer.expr(sub.iter) in (LIST, TUPLE)
                          or id(sub) in enumerated) if isinstance(sub, ast.For) else False
            if isinstance(sub, ast.For) and _element_type(typer, sub.iter) != INT \
                    and typer.expr(sub.iter) != STR and not speculated:
                # range() of ints, or the characters of an exact str (immutable: a re-run
                # sees the same characters)
                return fail(sub, "a loop over something other than range() of ints or a str")
            if isinstance(sub, (ast.If, ast.While)) and typer.expr(sub.test) not in _PURE_TRUTH:
                return fail(sub, "a truth test that may run the object's __bool__")
            continue
        if isinstance(sub, ast.IfExp) and typer.expr(sub.test) not in _PURE_TRUTH or (
                isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.Not)
                and typer.expr(sub.operand) not in _PURE_TRUTH):
            return fail(sub, "a truth test that may run the object's __bool__")
        if isinstance(sub, ast.Call):
            func = sub.func
            if typer.math_call(sub) is not None:
                continue
            if not isinstance(func, ast.Name) or sub.keywords or any(
                    isinstance(a, ast.Starred) for a in sub.args):
                return fail(sub, "it calls code jitcy cannot see")
            if func.id == typer.own_name and func.id not in typer.locals:
                recursive = True
                continue
            callee = direct_callee(typer.callees, sub, [typer.expr(a) for a in sub.args],
                                   typer.locals)
            if callee is not None and callee.inline is not None:
                # Another compiled function whose body is pure (it publishes an inline
                # copy only then: emit_calls.inlinable), with C scalar arguments: the
                # direct call runs no user code; while it is not linked (rebound,
                # unswapped) the body leaves to the original code instead of calling.
                not_values.add(id(func))
                continue
            if func.id not in _PURE_BUILTINS or func.id not in typer.builtins:
                return fail(sub, f"it calls {func.id}()")
            if func.id == "len":
                if len(sub.args) == 1 and typer.expr(sub.args[0]) in CONTAINERS:
                    continue                        # an exact builtin: no __len__ to run
                if len(sub.args) == 1 and arrays.is_array_name(sub.args[0], typer.expr):
                    continue                        # an array parameter: its buffer's shape
                return fail(sub, "len() of something that is not an exact builtin container")
            allowed = C_SCALARS | ({STR} if func.id in ("int", "float") else set())
            if any(typer.expr(a) not in allowed for a in sub.args):
                # abs(x), int(x), min(x, y)... of an object run its own methods.
                return fail(sub, f"{func.id}() of something that is not int, float or bool")
            continue
        if isinstance(sub, ast.Name):
            if isinstance(sub.ctx, ast.Load) and sub.id not in typer.locals and not (
                    sub.id in typer.builtins and sub.id in _PURE_BUILTINS) and sub.id != typer.own_name:
                return fail(sub, f"it reads the global {sub.id!r}")
            continue
        if isinstance(sub, ast.expr):
            if isinstance(sub, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
                                ast.IfExp)):
                strs = isinstance(sub, ast.Compare) and all(
                    typer.expr(e) == STR for e in [sub.left] + sub.comparators)
                if isinstance(sub, ast.Compare) and not strs and any(
                        isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in sub.ops):
                    return fail(sub, "'in'/'is' comparisons")
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    continue                        # a str constant (or the docstring)
                if typer.expr(sub) not in C_SCALARS:
                    return fail(sub, "an expression that is not int, float or bool")
                continue
            if (isinstance(sub, ast.Subscript) and typer.speculate
                    and isinstance(sub.ctx, ast.Load) and not isinstance(sub.slice, ast.Slice)
                    and typer.expr(sub.value) in (LIST, TUPLE)
                    and typer.expr(sub.slice) in (INT, BOOL)):
                continue                            # xs[i]: a speculated float (checked)
            if (isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name)
                    and sub.value.id in typer.tuple_items and typer.expr(sub) != OBJECT):
                continue                            # t[0]: an item of a guarded tuple parameter
            if isinstance(sub, ast.Tuple) and isinstance(sub.ctx, ast.Load) and all(
                    typer.expr(e) in C_SCALARS for e in sub.elts):
                continue                            # return x, y: a new tuple of numbers
            return fail(sub, f"a {type(sub).__name__} expression")
    return True, recursive, None


def _is_docstring(node, const) -> bool:
    first = node.body[0] if node.body else None
    return isinstance(first, ast.Expr) and first.value is const


def _parallel_assignment(stmt) -> bool:
    """``a, b = x, y``: one target, a display of plain local names, the value a display of
    the same length, no star (nothing is unpacked at run time)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return False
    target, value = stmt.targets[0], stmt.value
    return (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
            and len(target.elts) == len(value.elts)
            and all(isinstance(e, ast.Name) for e in target.elts)
            and not any(isinstance(e, ast.Starred) for e in value.elts))


def _unpacks_tuple_parameter(stmt, tuple_items: dict) -> bool:
    """``i, u = i_u`` into local names (model.unpacks_tuple_parameter)."""
    return (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and unpacks_tuple_parameter(stmt.targets[0], stmt.value, tuple_items)
            and all(isinstance(e, ast.Name) for e in stmt.targets[0].elts))


def _stmt_targets(stmt):
    """Targets of an assignment, as written: ``a, b = t`` yields the tuple, which is not a
    plain name (unpacking iterates ``t``: code a re-run would repeat)."""
    if isinstance(stmt, ast.Assign):
        yield from stmt.targets
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For)):
        yield stmt.target
