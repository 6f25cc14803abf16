"""NumPy scalars held in C: arithmetic by NumPy's rules, boxing wherever a value escapes.

The interpreter's ``a[i]`` is an ``np.float64`` (``np.int64``, ``np.int32``); the compiled
code holds it in a C double (long long) and keeps its NumPy type statically
(analyzer/npscalars.py). This pass rewrites every expression of such a type::

    d = a[i] - first        ->  d = __jitcy_nf_sub(<a[i]>, True, first, True)
    s += d * d              ->  s = __jitcy_nf_add(s, __jitcy_k_s, __jitcy_nf_mul(d, True, d, True), True)
    (s: float|float64)          __jitcy_k_s = True
    t = a[i] * 3            ->  t = __jitcy_ni_mul(<a[i]>, 2, 3, 0, False)    (int64 * int)
    if a[i] > x: ...        ->  if <a[i]> > x: ...                           (C comparison)
    return s                ->  return __jitcy_box_ff8(s, __jitcy_k_s)
    print(a[i], c > 0)      ->  print(__jitcy_box_f8(<a[i]>), __jitcy_box_b1(c > 0))

so a value that escapes (returned, passed, stored, formatted...) is the NumPy scalar the
interpreter would have, and arithmetic gives NumPy's values, warnings and errors
(scalar_support.py). A ``float|float64`` local (``s = 0.0`` then ``s += a[i]``) has a C
flag, ``__jitcy_k_s``, set at each assignment: True once it holds an np.float64.
Contexts that take the C value itself: arithmetic and comparisons with other C numbers,
an assignment to a C local of that type, a store into an array element, a truth test,
``float()``/``bool()``/``abs()``/``min()``/``max()``, ``math`` functions of np.float64.
Anything else gets the boxed scalar. An operation with an operand that is not a C number
(a Python int object, say) runs on the boxed scalars and the result is unboxed, its type
checked.

Runs after RewriteArrays (element reads are C calls by then) and before RewriteNames.
"""
from __future__ import annotations

import ast
import copy

from ..analyzer.known_globals import C_MATH
from ..analyzer.model import (B1, BOOL, F8, FLOAT, FLOAT_OR_F8, I4, I8, INT, NUMPY_SCALARS,
                              OBJECT, TypedFunction)
from ..analyzer.npscalars import STATIC, binop
from . import fast_loops, naming
from .rewrite_arith import ArithmeticRewrites, _int_literal
from .scalar_support import KIND_CODES, NAMES

_FLOATISH = frozenset({FLOAT, F8, FLOAT_OR_F8})
_INTISH = frozenset({INT, BOOL, I8, I4, B1})
#: Generated helpers whose arguments are C values (array access and the helpers here).
_C_HELPERS = (naming.ARRAY_AT, naming.ARRAY_LOAD, naming.ARRAY_STORE,
              naming.ARRAY_INDEX, naming.NP_FLOAT_OP, naming.NP_INT_OP)
_BOXERS = {F8: "f8", FLOAT_OR_F8: "ff8", I8: "i8", I4: "i4", B1: "b1"}


def _call(func: str, *args, kind=OBJECT) -> ast.Call:
    node = ast.Call(func=ast.Name(id=func, ctx=ast.Load()), args=list(args), keywords=[])
    node._jitcy_type = kind
    return node


def _const(value):
    node = ast.Constant(value=value)
    node._jitcy_type = BOOL if isinstance(value, bool) else INT
    return node


def kind_flag(name: str) -> str:
    """The C flag of a ``float|float64`` local: True when it holds an np.float64."""
    return naming.NP_KIND + name


def scalar_locals(fn: TypedFunction) -> list:
    """The ``float|float64`` locals (each gets a kind flag)."""
    return sorted(n for n in fn.locals if fn.types.get(n) == FLOAT_OR_F8)


class RewriteScalars(ast.NodeTransformer):
    def __init__(self, fn: TypedFunction, *, c_ints: bool):
        self.fn = fn
        self.c_ints = c_ints
        self.typer = fn.expression_typer()
        ArithmeticRewrites.mark_c_ints(self)
        self.declarations = {}           # C locals the rewrite adds: name -> C type
        self.fast_loops = 0
        self.quiet_used = False          # a fast loop reads np.errstate (fast_loops.py)
        self.no_reset = False            # the statement just visited resets it itself
        self.in_nogil = False

    # -- statements: where Python code may have changed np.errstate -------------------------
    def visit(self, node):
        """A statement that may run Python code is followed by ``__jitcy_quiet = -1`` (and a
        compound one whose test or iterable may, also starts its bodies so): the next fast
        loop reads np.errstate again. Removed by ``finish`` if no fast loop reads it."""
        if not isinstance(node, ast.stmt):
            return super().visit(node)
        header = isinstance(node, (ast.If, ast.While, ast.For, ast.With, ast.Try))
        # (the statements of a compound statement's bodies reset after themselves)
        python = (fast_loops.header_runs_python(node, self) if header else not isinstance(
            node, (ast.Return, ast.Raise)) and fast_loops.may_run_python(node, self))
        self.no_reset = False
        new = super().visit(node)
        if not python or (self.no_reset and not header):
            return new
        out = new if isinstance(new, list) else [new] if new is not None else []
        if header:
            for stmt in out:
                if type(stmt) is type(node):
                    for field in ("body", "orelse", "finalbody"):
                        if getattr(stmt, field, None) is not None and (field == "body" or
                                                                        getattr(stmt, field)):
                            setattr(stmt, field, [self._reset(node)] + getattr(stmt, field))
                    for handler in getattr(stmt, "handlers", ()):
                        handler.body = [self._reset(node)] + handler.body
        return out + [self._reset(node)]

    @staticmethod
    def _reset(node):
        reset = ast.Assign(targets=[ast.Name(id=naming.NP_QUIET, ctx=ast.Store())],
                           value=_const(-1))
        reset._jitcy_reset = True
        return ast.copy_location(reset, node)

    def finish(self, body: list) -> list:
        """The rewritten body, without the resets if no fast loop reads np.errstate."""
        if self.quiet_used:
            return body
        return _without_resets(body)

    def declare(self, c_type: str, name: str):
        self.declarations[name] = c_type

    def new_fast_loop(self) -> int:
        self.fast_loops += 1
        return self.fast_loops - 1

    flag_name = staticmethod(lambda name: kind_flag(name))

    def augmented_type(self, target, stmt):
        """The type of ``target op= value`` (a NumPy-typed local)."""
        return binop(self.fn.types.get(target.id), self.kind(stmt.value), stmt.op)

    # -- facts about (unvisited) expressions ------------------------------------------------
    def kind(self, node) -> str:
        t = getattr(node, "_jitcy_type", None)
        if t is None:
            t = node._jitcy_type = self.typer(node) or OBJECT
        return t

    def held(self, node) -> bool:
        """Is the value a C number (one that converts to a C double/long long exactly)?"""
        t = self.kind(node)
        if t == INT:
            return (self.c_ints or ArithmeticRewrites.is_c_int(node)
                    or _int_literal(node) is not None)
        return t in NUMPY_SCALARS or t in (FLOAT, BOOL)

    def c_local(self, target) -> bool:
        return (isinstance(target, ast.Name) and target.id in self.fn.locals
                and self.fn.c_type(target.id) != OBJECT)

    def np_flag(self, node) -> ast.expr:
        """Whether the value is a NumPy scalar (for float arithmetic: np.float64, or an int64/
        int32 NumPy casts to float64) or a Python number, as a C truth value."""
        t = self.kind(node)
        if t in STATIC:
            return _const(True)
        if t != FLOAT_OR_F8:
            return _const(False)
        if isinstance(node, ast.Name):
            flag = ast.Name(id=kind_flag(node.id), ctx=ast.Load())
            flag._jitcy_type = BOOL
            return flag
        if isinstance(node, ast.BinOp):
            return _either(self.np_flag(node.left), self.np_flag(node.right))
        if isinstance(node, ast.UnaryOp):
            return self.np_flag(node.operand)
        if isinstance(node, ast.Call) and len(node.args) == 1:   # abs(x)
            return self.np_flag(node.args[0])
        raise RuntimeError(f"jitcy: no kind for a float|float64 {type(node).__name__}")

    def int_code(self, node) -> ast.expr:
        return _const(KIND_CODES[self.kind(node) if self.kind(node) in KIND_CODES else "int"])

    # -- boxing -------------------------------------------------------------------------
    def box(self, value, kind, flag=None):
        """The visited C ``value`` of NumPy type ``kind`` as the NumPy scalar (or, for
        float|float64, the Python float when ``flag`` is false)."""
        args = [value] + ([flag] if kind == FLOAT_OR_F8 else [])
        return ast.copy_location(_call(naming.NP_BOX + _BOXERS[kind], *args), value)

    def boxed(self, node):
        """Visit ``node``; box it if it is a NumPy scalar."""
        if not isinstance(node, ast.expr) or not isinstance(getattr(node, "ctx", ast.Load()),
                                                            ast.Load):
            return self.visit(node)
        kind = self.kind(node)
        if kind not in NUMPY_SCALARS:
            return self.visit(node)
        flag = self.np_flag(node) if kind == FLOAT_OR_F8 else None
        return self.box(self.visit(node), kind, flag)

    def generic_visit(self, node):
        """Any other node: its NumPy-scalar children are boxed (an object context)."""
        for field, old in ast.iter_fields(node):
            if isinstance(old, list):
                new = []
                for item in old:
                    value = self.boxed(item) if isinstance(item, ast.AST) else item
                    if value is None:
                        continue
                    new.extend(value if isinstance(value, list) else [value])
                old[:] = new
            elif isinstance(old, ast.AST):
                value = self.boxed(old)
                if value is None:
                    delattr(node, field)
                else:
                    setattr(node, field, value)
        return node

    # -- arithmetic ---------------------------------------------------------------------
    def visit_BinOp(self, node):
        t = self.kind(node)
        if t not in (F8, I8, I4, FLOAT_OR_F8):
            return self.generic_visit(node)
        left, right = node.left, node.right
        flags = (self.np_flag(left), self.np_flag(right))
        codes = (self.int_code(left), self.int_code(right))
        held = self.held(left) and self.held(right)
        op = type(node.op).__name__
        if not held:
            # An operand is a Python object (an int that may not fit): NumPy's (or Python's)
            # own operation on the boxed values, its result checked and unboxed.
            boxed = ast.BinOp(left=self.boxed(left), op=node.op, right=self.boxed(right))
            boxed._jitcy_type = OBJECT
            return ast.copy_location(self.unbox(boxed, t, flags), node)
        left, right = self.visit(left), self.visit(right)
        if t in (F8, FLOAT_OR_F8):
            kinds = (self.kind(node.left), self.kind(node.right))
            ints = [k not in _FLOATISH for k in kinds]    # passed exactly, with their kind
            if op == "Div" and all(ints):
                call = _call(naming.NP_INT_OP + "truediv", left, codes[0], right, codes[1],
                             kind=t)
            else:
                variant = "_id" if ints[0] else "_di" if ints[1] else ""
                call = _call(naming.NP_FLOAT_OP + NAMES[op] + variant,
                             left, codes[0] if ints[0] else flags[0],
                             right, codes[1] if ints[1] else flags[1], kind=t)
        else:
            call = _call(naming.NP_INT_OP + NAMES[op], left, codes[0], right, codes[1],
                         _const(t == I4), kind=t)
        return ast.copy_location(call, node)

    def unbox(self, value, kind, flags):
        if kind in (I8, I4):
            return _call(naming.NP_UNBOX + "int", value, _const(kind == I4), kind=kind)
        return _call(naming.NP_UNBOX + "f8", value, _either(*flags), kind=kind)

    def visit_UnaryOp(self, node):
        t, operand = self.kind(node), node.operand
        if isinstance(node.op, ast.Not):
            node.operand = self.test(operand)
            node._jitcy_type = BOOL
            return node
        if self.kind(operand) not in NUMPY_SCALARS or t == OBJECT:
            return self.generic_visit(node)
        if isinstance(node.op, ast.UAdd):
            return self.visit(operand)
        if t in (I8, I4) and isinstance(node.op, ast.USub):
            code = self.int_code(operand)
            return ast.copy_location(_call(naming.NP_INT_OP + "neg", self.visit(operand), code,
                                           _const(t == I4), kind=t), node)
        node.operand = self.visit(operand)          # -x of a double, ~x of an int: C
        return node

    # -- comparisons and truth -----------------------------------------------------------
    def visit_Compare(self, node):
        if self.kind(node) == B1:
            compare = self.c_compare(node)
            if compare is not None:
                return compare
        return self.generic_visit(node)

    def c_compare(self, node):
        """The comparison on C numbers, with NumPy's meaning (a pair with a NumPy scalar
        compares as float64 if either side is a float, else as ints, exactly), or None."""
        operands = [node.left] + node.comparators
        if any(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in node.ops) \
                or not all(self.held(o) for o in operands):
            return None
        pairs = list(zip(operands, node.ops, operands[1:]))
        for left, _, right in pairs:
            kinds = {self.kind(left), self.kind(right)}
            small = [o for o in (left, right) if self.kind(o) == INT
                     and _int_literal(o) is not None and abs(_int_literal(o)) <= 2**53]
            if FLOAT_OR_F8 in kinds and INT in kinds and not small:
                return None     # a Python float vs a Python int compares exactly: objects
        if len(pairs) > 1 and not all(isinstance(o, (ast.Name, ast.Constant))
                                      for o in operands[1:-1]):
            return None
        seen, parts = set(), []
        for left, op, right in pairs:
            numpy = {self.kind(left), self.kind(right)} & NUMPY_SCALARS
            floats = {self.kind(left), self.kind(right)} & _FLOATISH
            sides = []
            for operand in (left, right):
                copied = copy.deepcopy(operand) if id(operand) in seen else operand
                seen.add(id(operand))
                value = self.visit(copied)
                if numpy and floats and self.kind(operand) not in _FLOATISH:
                    value = _call(naming.NP_AS_DOUBLE, value, kind=FLOAT)   # NumPy: float64
                sides.append(value)
            compare = ast.Compare(left=sides[0], ops=[op], comparators=[sides[1]])
            compare._jitcy_type = B1 if numpy else BOOL
            parts.append(ast.copy_location(compare, node))
        if len(parts) == 1:
            return parts[0]
        both = ast.BoolOp(op=ast.And(), values=parts)
        both._jitcy_type = self.kind(node)
        return ast.copy_location(both, node)

    def test(self, node):
        """``node`` in a truth test (if, while, not, assert): only its truth value counts,
        so a comparison of NumPy scalars is a C comparison whether it gives a bool or an
        np.bool_."""
        if isinstance(node, ast.Compare):
            compare = self.c_compare(node)
            if compare is not None:
                return compare
        if isinstance(node, ast.BoolOp) and any(
                self.kind(n) in NUMPY_SCALARS for n in ast.walk(node)
                if isinstance(n, ast.expr)):
            values = []
            for v in node.values:
                numeric = self.held(v)
                v = self.test(v)
                values.append(_call(naming.NP_TRUTH, v, kind=BOOL) if numeric else v)
            node.values = values
            node._jitcy_type = BOOL
            return node
        return self.visit(node)        # a NumPy scalar: its C value's truth is NumPy's

    def visit_With(self, node):
        if node.lineno in self.fn.nogil_blocks:     # no fast loops (np.errstate needs the GIL)
            before, self.in_nogil = self.in_nogil, True
            try:
                return self.generic_visit(node)
            finally:
                self.in_nogil = before
        return self.generic_visit(node)

    def visit_For(self, node):
        plan = None if self.in_nogil else fast_loops.plan(node, self)
        if plan is None:
            return self.generic_visit(node)
        orelse, node.orelse = node.orelse, []
        out = fast_loops.emit(plan, self)       # from the loop before it is rewritten
        out[-1].body = [self.generic_visit(node)]
        return out + self._statements(orelse)

    def visit_If(self, node):
        node.test = self.test(node.test)
        node.body = self._statements(node.body)
        node.orelse = self._statements(node.orelse)
        return node

    visit_While = visit_If

    def visit_Assert(self, node):
        node.test = self.test(node.test)
        if node.msg is not None:
            node.msg = self.boxed(node.msg)
        return node

    def visit_IfExp(self, node):
        node.test = self.test(node.test)
        t = self.kind(node)
        convert = self.visit if t in NUMPY_SCALARS else self.boxed
        node.body, node.orelse = convert(node.body), convert(node.orelse)
        return node

    def visit_BoolOp(self, node):
        if self.kind(node) in NUMPY_SCALARS:      # same type throughout: C and/or
            node.values = [self.visit(v) for v in node.values]
            return node
        return self.generic_visit(node)

    def _statements(self, body):
        out = []
        for stmt in body:
            new = self.visit(stmt)
            out.extend(new if isinstance(new, list) else [new] if new is not None else [])
        return out

    # -- calls ----------------------------------------------------------------------------
    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id.startswith(_C_HELPERS):
            node.args = [self.visit(a) for a in node.args]
            return node
        t = self.kind(node)
        builtin = (isinstance(func, ast.Name) and func.id in self.fn.builtin_names
                   and func.id not in self.fn.locals and not node.keywords
                   and not any(isinstance(a, ast.Starred) for a in node.args))
        kinds = [self.kind(a) for a in node.args]
        numpy = any(k in NUMPY_SCALARS for k in kinds)
        if builtin and numpy and len(node.args) == 1 and self.held(node.args[0]):
            arg = node.args[0]
            if func.id == "float" and t == FLOAT:
                return ast.copy_location(_call(naming.NP_AS_DOUBLE, self.visit(arg),
                                               kind=FLOAT), node)
            if func.id == "bool" and t == BOOL:
                return ast.copy_location(_call(naming.NP_TRUTH, self.visit(arg), kind=BOOL),
                                         node)
            if func.id == "abs" and t in (I8, I4):
                return ast.copy_location(_call(naming.NP_INT_OP + "abs", self.visit(arg),
                                               self.int_code(arg), _const(t == I4), kind=t),
                                         node)
            if func.id == "abs" and t in (F8, FLOAT_OR_F8):
                node.args = [self.visit(arg)]         # fabs(): same value and sign rules
                return node
        if builtin and func.id in ("min", "max") and t in STATIC:
            node.args = [self.visit(a) for a in node.args]    # returns one of them: C
            return node
        math = self.fn.math_function(func)
        if numpy and math in C_MATH and t != OBJECT and all(
                k in _FLOATISH or k in (INT, BOOL) for k in kinds):
            # np.float64 is a float: the math module reads it as one (same value, same
            # errors); rewrite_arith sends the call to C
            node.args = [_call(naming.NP_AS_DOUBLE, self.visit(a), kind=FLOAT)
                         if k in NUMPY_SCALARS else self.visit(a)
                         for a, k in zip(node.args, kinds)]
            return node
        return self.generic_visit(node)

    # -- assignments ------------------------------------------------------------------------
    def visit_Assign(self, node):
        targets, value = node.targets, node.value
        if (len(targets) == 1 and isinstance(targets[0], (ast.Tuple, ast.List))
                and isinstance(value, (ast.Tuple, ast.List))
                and len(targets[0].elts) == len(value.elts)):
            return self._parallel(node)
        kind = self.kind(value)
        flag = self.np_flag(value) if kind in _FLOATISH else None
        c_targets = all(self.c_local(t) for t in targets)
        before = []
        flags = fast_loops.fusable(value, self) if (
            c_targets and kind in _FLOATISH and not self.in_nogil) else None
        if flags is not None:
            # plain C, verified (fast_loops.fused); the checked operations reset np.errstate's
            # cache themselves, so the statement does not
            checked = self.visit(copy.deepcopy(value))
            before, node.value = fast_loops.fused(value, self, checked, flags, node)
            self.no_reset = True
        else:
            node.value = self.visit(value) if c_targets else self.boxed(value)
        node.targets = [self.visit(t) for t in targets]
        return before + [node] + self._flags([(t, flag) for t in targets], node)

    def visit_Expr(self, node):
        """A store into a float64 array (rewrite_arrays: ``st_double(value, address)``) of
        a value that can be computed in plain C: fused as assignments are."""
        call = node.value
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == naming.ARRAY_STORE + "double" and not self.in_nogil
                and self.kind(call.args[0]) in _FLOATISH):
            flags = fast_loops.fusable(call.args[0], self)
            if flags is not None:
                checked = self.visit(copy.deepcopy(call.args[0]))
                before, call.args[0] = fast_loops.fused(call.args[0], self, checked, flags,
                                                        node)
                call.args[1] = self.visit(call.args[1])
                self.no_reset = True
                return before + [node]
        return self.generic_visit(node)

    def _parallel(self, node):
        target, value = node.targets[0], node.value
        flags = []
        elts = []
        for t, v in zip(target.elts, value.elts):
            kind = self.kind(v)
            flags.append((t, self.np_flag(v) if kind in _FLOATISH else None))
            elts.append(self.visit(v) if self.c_local(t) else self.boxed(v))
        value.elts = elts
        target.elts = [self.visit(t) for t in target.elts]
        updates = self._flags(flags, node)
        if len(updates) > 1:       # a, b = b, a: the flags swap too (read before written)
            updates = [ast.copy_location(ast.Assign(
                targets=[ast.Tuple(elts=[u.targets[0] for u in updates], ctx=ast.Store())],
                value=ast.Tuple(elts=[u.value for u in updates], ctx=ast.Load())), node)]
        return [node] + updates

    def _flags(self, pairs, node) -> list:
        out = []
        for target, flag in pairs:
            if (isinstance(target, ast.Name) and target.id in self.fn.locals
                    and self.fn.types.get(target.id) == FLOAT_OR_F8):
                if flag is None:
                    raise RuntimeError(f"jitcy: no kind for {target.id!r}")
                store = ast.Name(id=kind_flag(target.id), ctx=ast.Store())
                out.append(ast.copy_location(ast.Assign(targets=[store], value=flag), node))
        return out

    def visit_AugAssign(self, node):
        target = node.target
        if (isinstance(target, ast.Name) and self.c_local(target)
                and self.fn.types.get(target.id) in NUMPY_SCALARS):
            # ``s += x`` is ``s = s + x`` for a C number (rewrite_names.py does the same)
            load = ast.copy_location(ast.Name(id=target.id, ctx=ast.Load()), node)
            load._jitcy_type = self.fn.types[target.id]
            value = ast.copy_location(ast.BinOp(left=load, op=node.op, right=node.value), node)
            value._jitcy_type = self.augmented_type(target, node)
            store = ast.copy_location(ast.Name(id=target.id, ctx=ast.Store()), node)
            return self.visit_Assign(ast.copy_location(ast.Assign(targets=[store], value=value),
                                                       node))
        return self.generic_visit(node)

    def visit_AnnAssign(self, node):
        if node.value is not None and isinstance(node.target, ast.Name):
            assign = ast.Assign(targets=[node.target], value=node.value)
            return self.visit_Assign(ast.copy_location(assign, node))
        return self.generic_visit(node)


def _without_resets(body):
    out = []
    for stmt in body:
        if getattr(stmt, "_jitcy_reset", False):
            continue
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, _without_resets(getattr(stmt, field)) or (
                    [ast.Pass()] if field == "body" else []))
        for handler in getattr(stmt, "handlers", ()):
            handler.body = _without_resets(handler.body) or [ast.Pass()]
        out.append(stmt)
    return out


def _either(a, b):
    """``a or b`` of two C truth values (constants folded)."""
    values = [v for v in (a, b) if not (isinstance(v, ast.Constant) and v.value is False)]
    if any(isinstance(v, ast.Constant) and v.value is True for v in values):
        return _const(True)
    if not values:
        return _const(False)
    if len(values) == 1:
        return values[0]
    node = ast.BoolOp(op=ast.Or(), values=values)
    node._jitcy_type = BOOL
    return node
