"""Speculative fast versions of NumPy float loops: plain C, checked once after the loop.

Exact NumPy scalar arithmetic needs a check after every operation (did it overflow, divide
by zero, underflow?), which costs a reduction like ``s += a[i] * b[i]`` 2-5x its speed.
A loop whose body only computes (float ``+ - * /`` on C locals and array element reads,
no stores, calls or branches) runs first as plain C, and is checked once at the end::

    __jitcy_slow = True
    if __jitcy_quiet < 0:                        # (* or / in the loop: see below)
        __jitcy_quiet = __jitcy_np_quiet()
    if <indexes in range for the whole loop> and __jitcy_quiet:
        <save the locals the loop assigns>
        for k in range(m):                       # no index check, no per-operation check
            s = s + <a[i, k]> * <b[k, j]>
            __jitcy_k_s = True
        __jitcy_slow = not __jitcy_finite(s)
        if __jitcy_slow:
            <restore the saved locals>
    if __jitcy_slow:
        <the loop as usual: every operation checked, NumPy's own on anything unusual>

A non-finite result of ``+ - *`` (or a ``/`` numerator) makes every later sum, difference
and product it feeds non-finite, so an accumulator (``s = s + R``, ``s = s * R``...) that
is finite after the loop proves that no operation feeding it overflowed, divided by zero
or made a NaN, the cases in which NumPy warns or raises. Locals that feed no accumulator
are summed into a detector (``acc + 0.0 * (x + y)`` is NaN once any of them is not
finite). An underflow (a product or quotient of non-zero numbers too small for a
double) leaves no trace in the values: a loop with ``*`` or ``/`` takes the fast version
only while ``np.errstate`` ignores underflows (NumPy's default), read once per call and
again after anything that may have run Python code (``__jitcy_quiet``, reset by
rewrite_scalars.py). Checking each product instead would cost as much as the product;
the CPU's sticky flag is exact, but reading it waits for every operation in flight.
Anything unusual (a NaN or infinity in the data too) re-runs the loop from the saved
state with the checked operations, so warnings, errors and values are NumPy's.
Indexes are checked before the loop: ``k`` in ``range(m)`` indexing an axis of size ``n``
needs ``m <= n``; an index the loop does not change is checked once.
"""
from __future__ import annotations

import ast
import copy
from collections import Counter

from ..analyzer.model import BOOL, F8, FLOAT, FLOAT_OR_F8, I4, I8, INT, NUMPY_SCALARS
from . import naming

_FLOATS = frozenset({FLOAT, F8, FLOAT_OR_F8})
_LEAF_KINDS = _FLOATS | {INT, BOOL, I8, I4}
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_LOADS = tuple(naming.ARRAY_LOAD + t for t in ("double", "int64_t", "int32_t"))
_CHECKS = (naming.ARRAY_INDEX, naming.ARRAY_INDEX_NONNEG)


def _name(ident, kind=None, ctx=None):
    node = ast.Name(id=ident, ctx=ctx or ast.Load())
    if kind is not None:
        node._jitcy_type = kind
    if kind == INT:
        node._jitcy_c_int = True        # a C counter read as C (rewrite_arith.mark_c_ints)
    return node


def _call(func, *args, kind=FLOAT):
    node = ast.Call(func=_name(func), args=list(args), keywords=[])
    node._jitcy_type = kind
    return node


def _const(value):
    node = ast.Constant(value=value)
    node._jitcy_type = BOOL if isinstance(value, bool) else FLOAT if isinstance(
        value, float) else INT
    return node


def _compare(left, op, right):
    node = ast.Compare(left=left, ops=[op], comparators=[right])
    node._jitcy_type = BOOL
    return node


def _bool(op, values):
    if len(values) == 1:
        return values[0]
    node = ast.BoolOp(op=op, values=values)
    node._jitcy_type = BOOL
    return node


def _literal(node):
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _literal(node.operand)
        return None if value is None else -value
    return None


class Plan:
    def __init__(self, loop, statements, preconditions, accumulators, detected, flags):
        self.sources = list(loop.body)        # the statements (for their line numbers)
        self.loop = loop
        self.statements = statements          # [(target name, value)], AugAssign expanded
        self.preconditions = preconditions    # C truth expressions, evaluated before
        self.accumulators = accumulators      # checked finite after the loop
        self.detected = detected              # summed into the detector
        self.flags = flags                    # the loop multiplies or divides: watch underflow


class _Unsuitable(Exception):
    pass


def plan(loop: ast.For, rw) -> Plan | None:
    """The plan for a fast version of ``loop`` (after RewriteArrays), or None."""
    try:
        return _plan(loop, rw)
    except _Unsuitable:
        return None


def _plan(loop, rw):
    fn = rw.fn
    counter = loop.target
    it = loop.iter
    if not (isinstance(counter, ast.Name) and fn.c_type(counter.id) == "long long"
            and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
            and it.func.id == "range" and "range" in fn.builtin_names
            and it.func.id not in fn.locals and not it.keywords and 1 <= len(it.args) <= 2
            and all(_simple_int(a, rw) for a in it.args)):
        return None
    statements = []
    for stmt in loop.body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, _OPS[:3]):
            target = stmt.target
            load = _name(target.id, fn.types.get(target.id)) if isinstance(
                target, ast.Name) else None
            value = ast.BinOp(left=load, op=stmt.op, right=stmt.value)
            value._jitcy_type = rw.augmented_type(target, stmt) if load else None
        else:
            return None
        if not (isinstance(target, ast.Name) and rw.c_local(target)
                and fn.types.get(target.id) in _FLOATS and target.id != counter.id):
            return None
        statements.append((target.id, value))
    assigned = Counter(name for name, _ in statements)
    if not statements or any(n > 1 for n in assigned.values()):
        return None
    checks, numpy, flags = [], [False], [False]
    for _, value in statements:
        _check_value(value, rw, checks, numpy, flags)
    if not numpy[0]:
        return None                 # no NumPy arithmetic: the usual code is C already
    variables = set(assigned) | {counter.id}
    preconditions = [_precondition(c, loop, variables, rw) for c in checks]
    accumulators, detected = _coverage(statements)
    return Plan(loop, statements, preconditions, accumulators, detected, flags[0])


def _simple_int(node, rw) -> bool:
    """A C int expression cheap and pure enough to evaluate twice."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.Name):
        return rw.kind(node) == INT and rw.held(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return rw.kind(node) == INT and _simple_int(node.left, rw) and _simple_int(node.right, rw)
    return False


def _check_value(node, rw, checks, numpy, flags, denominator=False):
    """Raise _Unsuitable unless ``node`` is plain float arithmetic on C values."""
    kind = rw.kind(node)
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _OPS) or kind not in _FLOATS or denominator:
            raise _Unsuitable       # (a computed denominator: x / inf would hide the inf)
        numpy[0] = numpy[0] or kind in NUMPY_SCALARS
        flags[0] = flags[0] or isinstance(node.op, (ast.Mult, ast.Div))
        _check_value(node.left, rw, checks, numpy, flags)
        _check_value(node.right, rw, checks, numpy, flags, isinstance(node.op, ast.Div))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        if kind not in _FLOATS:
            raise _Unsuitable
        _check_value(node.operand, rw, checks, numpy, flags, denominator)
    elif isinstance(node, ast.Name):
        if kind not in _LEAF_KINDS or not rw.held(node) or node.id not in rw.fn.locals:
            raise _Unsuitable
    elif isinstance(node, ast.Constant):
        if type(node.value) not in (int, float, bool):
            raise _Unsuitable
    elif _is_load(node):
        for index in node.args[0].args[1::2]:
            if isinstance(index, ast.Call) and isinstance(index.func, ast.Name) \
                    and index.func.id in _CHECKS:
                checks.append(index)
            elif not (isinstance(index, (ast.Name, ast.Constant, ast.BinOp))
                      and _simple_int(index, rw)):
                raise _Unsuitable
    else:
        raise _Unsuitable


def _is_load(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in _LOADS and len(node.args) == 1
            and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name)
            and node.args[0].func.id.startswith(naming.ARRAY_AT))


def _names(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _precondition(check, loop, variables, rw):
    """Before the loop: a C truth value that holds only if ``check`` (an index check
    ``ix(e, n, axis)``) passes at every iteration."""
    index, size = check.args[0], check.args[1]
    if not _simple_int(index, rw):
        raise _Unsuitable
    counter = loop.target.id
    if not (_names(index) & variables):
        # the loop does not change it: 0 <= index < size, once
        return _bool(ast.And(), [_compare(_const(0), ast.LtE(), copy.deepcopy(index)),
                                 _compare(copy.deepcopy(index), ast.Lt(), copy.deepcopy(size))])
    offset = 0
    if isinstance(index, ast.BinOp) and isinstance(index.left, ast.Name) \
            and _literal(index.right) is not None:
        offset = _literal(index.right) * (1 if isinstance(index.op, ast.Add) else -1)
        index = index.left
    if not (isinstance(index, ast.Name) and index.id == counter) or abs(offset) > 2**20:
        raise _Unsuitable
    args = loop.iter.args
    start = copy.deepcopy(args[0]) if len(args) == 2 else _const(0)
    stop = copy.deepcopy(args[-1])
    # counter + offset in [start + offset, stop - 1 + offset] (or no iteration at all)
    limit = ast.BinOp(left=copy.deepcopy(size), op=ast.Sub(), right=_const(offset))
    limit._jitcy_type = INT
    return _bool(ast.Or(), [
        _compare(start, ast.GtE(), copy.deepcopy(stop)),
        _bool(ast.And(), [_compare(copy.deepcopy(start), ast.GtE(), _const(-offset)),
                          _compare(stop, ast.LtE(), limit)])])


def _propagating_names(node) -> list:
    """Names whose non-finite value makes ``node``'s value non-finite."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.BinOp):
        right = [] if isinstance(node.op, ast.Div) else _propagating_names(node.right)
        return _propagating_names(node.left) + right
    if isinstance(node, ast.UnaryOp):
        return _propagating_names(node.operand)
    return []


def _has_op(node) -> bool:
    return any(isinstance(n, (ast.BinOp, ast.UnaryOp)) for n in ast.walk(node))


def _coverage(statements):
    """(accumulators, detected): locals checked after the loop, locals summed into the
    detector. Every other computed local feeds one of them in the same iteration."""
    accumulators = []
    for name, value in statements:
        if (isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub, ast.Mult))
                and isinstance(value.left, ast.Name) and value.left.id == name
                and name not in _names(value.right)):
            accumulators.append(name)          # s = s + R: once not finite, never again
        elif (isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Mult))
              and isinstance(value.right, ast.Name) and value.right.id == name
              and name not in _names(value.left)):
            accumulators.append(name)
    covered = set(accumulators)
    position = {name: k for k, (name, _) in enumerate(statements)}
    for k in range(len(statements) - 1, -1, -1):
        name, value = statements[k]
        if name in covered:
            covered.update(n for n in _propagating_names(value)
                           if position.get(n, k) < k)
    detected = [name for name, value in statements if name not in covered and _has_op(value)]
    return accumulators, detected


# -- the fast body and the versioned loop ------------------------------------------------------
def _raw(node, rw):
    """Plain C arithmetic on doubles for a checked value (see _check_value)."""
    kind = rw.kind(node)
    if isinstance(node, ast.BinOp):
        left, right = _raw(node.left, rw), _raw(node.right, rw)
        if isinstance(node.op, ast.Div):
            return ast.copy_location(_call(naming.NP_RAW_DIV, left, right), node)
        new = ast.copy_location(ast.BinOp(left=left, op=node.op, right=right), node)
        new._jitcy_type = FLOAT
        return new
    if isinstance(node, ast.UnaryOp):
        operand = _raw(node.operand, rw)
        if isinstance(node.op, ast.UAdd):
            return operand
        new = ast.copy_location(ast.UnaryOp(op=node.op, operand=operand), node)
        new._jitcy_type = FLOAT
        return new
    node = copy.deepcopy(node)
    if _is_load(node):
        node.args[0].args = [a.args[0] if isinstance(a, ast.Call) and isinstance(
            a.func, ast.Name) and a.func.id in _CHECKS else a for a in node.args[0].args]
    if kind in _FLOATS:
        node._jitcy_type = FLOAT
        return node
    return _call(naming.NP_AS_DOUBLE, node)       # an int: the double NumPy converts it to


def emit(plan: Plan, rw) -> list:
    """The versioned loop (see the module docstring), built from the loop before it is
    rewritten; the caller puts the usual (checked) version into the last statement's
    body."""
    fn, loop, n = rw.fn, plan.loop, rw.new_fast_loop()
    slow = naming.NP_SLOW
    names = [name for name, _ in plan.statements] + [loop.target.id]
    saved = names + [rw.flag_name(x) for x in names if fn.types.get(x) == FLOAT_OR_F8]
    save_names = {x: f"{naming.NP_SAVE}{n}_{x}" for x in saved}
    rw.declare("bint", slow)
    for x, s in save_names.items():
        rw.declare("bint" if x.startswith(naming.NP_KIND) else fn.c_type(x), s)
    acc = f"{naming.NP_ACC}{n}" if plan.detected else None
    if acc:
        rw.declare("double", acc)
    body = []
    for (name, value), stmt in zip(plan.statements, plan.sources):
        flag = rw.np_flag(value) if fn.types.get(name) == FLOAT_OR_F8 else None
        body.append(ast.copy_location(_assign(name, _raw(value, rw)), stmt))
        if flag is not None:
            body.append(ast.copy_location(_assign(rw.flag_name(name), flag), stmt))
    if acc:
        total = _name(plan.detected[0], FLOAT)
        for x in plan.detected[1:]:
            total = ast.BinOp(left=total, op=ast.Add(), right=_name(x, FLOAT))
            total._jitcy_type = FLOAT
        zero = ast.BinOp(left=_const(0.0), op=ast.Mult(), right=total)
        zero._jitcy_type = FLOAT
        step = ast.BinOp(left=_name(acc, FLOAT), op=ast.Add(), right=zero)
        step._jitcy_type = FLOAT
        body.append(_assign(acc, step))
    fast = ast.For(target=copy.deepcopy(loop.target), iter=copy.deepcopy(loop.iter),
                   body=body, orelse=[])
    ok = [_call(naming.NP_FINITE, _name(x, FLOAT), kind=BOOL) for x in plan.accumulators]
    if acc:
        ok.append(_compare(_name(acc, FLOAT), ast.Eq(), _name(acc, FLOAT)))
    verdict = ast.UnaryOp(op=ast.Not(), operand=_bool(ast.And(), ok) if ok else _const(True))
    verdict._jitcy_type = BOOL
    inner = [_assign(save_names[x], _name(x, _kind(fn, x))) for x in saved]
    inner += ([_assign(acc, _const(0.0))] if acc else []) + [fast]
    inner.append(_assign(slow, verdict))
    inner.append(ast.If(test=_name(slow, BOOL), body=[
        _assign(x, _name(save_names[x], _kind(fn, x))) for x in saved], orelse=[]))
    test, out = list(plan.preconditions), [_assign(slow, _const(True))]
    if plan.flags:
        # * and /: an underflow leaves no trace in the values, so the fast version runs
        # only where NumPy ignores underflows (np.errstate's default; read once until
        # Python code may have run, see may_run_python)
        out.append(_read_quiet(rw))
        test.append(_name(naming.NP_QUIET, INT))
    out += [ast.If(test=_bool(ast.And(), test) if test else _const(True), body=inner,
                   orelse=[]),
            ast.If(test=_name(slow, BOOL), body=[], orelse=[])]
    return [ast.fix_missing_locations(ast.copy_location(s, loop)) for s in out]


def _read_quiet(rw) -> ast.If:
    """``if quiet < 0: quiet = <does np.errstate ignore underflow now?>``: read once, until
    Python code may have run (which resets it to -1)."""
    quiet = naming.NP_QUIET
    rw.declare("int", f"{quiet} = -1")
    rw.quiet_used = True
    unknown = _compare(_name(quiet, INT), ast.Lt(), _const(0))
    return ast.If(test=unknown, body=[_assign(quiet, _call(naming.NP_QUIET_NOW, kind=INT))],
                  orelse=[])


def _kind(fn, name):
    return BOOL if name.startswith(naming.NP_KIND) else fn.types.get(name, FLOAT)


def _assign(target, value):
    return ast.Assign(targets=[_name(target, ctx=ast.Store())], value=value)


# -- one statement: the value in plain C, verified, else computed checked -------------------------
def fusable(value, rw):
    """For the value of an assignment to a C float local or a store into a float64 array:
    None, or whether it multiplies or divides, if it is float arithmetic (``+ - * /``, ``/``
    of a plain operand) with a NumPy operand on values that cannot raise (C locals,
    constants, elements at proven indexes): then it can be computed in plain C and
    verified once, its result being finite only if no operation in it was not."""
    if not isinstance(value, (ast.BinOp, ast.UnaryOp)):
        return None
    checks, numpy, flags = [], [False], [False]
    try:
        _check_value(value, rw, checks, numpy, flags)
    except _Unsuitable:
        return None
    if checks or not numpy[0]:
        return None                 # an index that may raise: evaluated in Python's order
    return flags[0]


def fused(value, rw, checked, flags, line) -> tuple:
    """(statements computing ``value`` into a C temporary, the temporary): plain C first;
    if the result is not finite (or, with ``*`` or ``/``, np.errstate does not ignore
    underflow) the checked operations (``checked``: the visited value) compute it again
    from the same operands, with NumPy's warnings and errors::

        __jitcy_fv = <a[i - 1]> - 2.0 * <a[i]> + <a[i + 1]>
        if not __jitcy_finite(__jitcy_fv):
            __jitcy_fv = <the checked operations>
            __jitcy_quiet = -1           (they may have warned: Python code may have run)
    """
    temp = naming.NP_FUSED
    rw.declare("double", temp)
    out = []
    ok = [_call(naming.NP_FINITE, _name(temp, FLOAT), kind=BOOL)]
    if flags:
        out.append(_read_quiet(rw))
        ok.append(_name(naming.NP_QUIET, INT))
    reset = [rw._reset(line)]       # (removed by RewriteScalars.finish if nothing reads it)
    out.append(_assign(temp, _raw(value, rw)))
    again = ast.UnaryOp(op=ast.Not(), operand=_bool(ast.And(), ok))
    again._jitcy_type = BOOL
    out.append(ast.If(test=again, body=[_assign(temp, checked)] + reset, orelse=[]))
    return [ast.fix_missing_locations(ast.copy_location(s, line)) for s in out], \
        _name(temp, FLOAT)


# -- may Python code run (and change np.errstate)? -----------------------------------------------
_C_BUILTINS = frozenset({"range", "len", "abs", "min", "max", "float", "int", "bool"})
_C_CALLS = (naming.ARRAY_AT, naming.ARRAY_LOAD, naming.ARRAY_STORE,
            naming.ARRAY_INDEX, naming.NP_BOX, naming.NP_AS_DOUBLE, naming.NP_TRUTH,
            naming.AS_OBJECT)
_SEQUENCES = frozenset({"list", "tuple", "str", "bytes"})


def may_run_python(node, rw) -> bool:
    """Could running ``node`` (a statement or expression, after RewriteArrays) run Python
    code, which could change ``np.errstate``? Conservative: only C numbers, array
    elements, exact sequences indexed by ints and the builtins above are known not to
    (NumPy arithmetic may emit a warning, and a warning may run Python code)."""
    fn = rw.fn
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.If,
                            ast.While, ast.For, ast.Pass, ast.Break, ast.Continue,
                            ast.expr_context, ast.operator, ast.unaryop, ast.cmpop,
                            ast.boolop, ast.Name, ast.Constant, ast.Compare, ast.BoolOp,
                            ast.IfExp, ast.Tuple)):
            if isinstance(sub, (ast.AugAssign, ast.Assign, ast.AnnAssign)) and any(
                    not isinstance(t, (ast.Name, ast.Tuple)) for t in (
                        sub.targets if isinstance(sub, ast.Assign) else [sub.target])):
                return True
            if isinstance(sub, ast.For) and not (
                    isinstance(sub.iter, ast.Call) and isinstance(sub.iter.func, ast.Name)
                    and sub.iter.func.id == "range"):
                return True
            if isinstance(sub, (ast.Compare, ast.BoolOp, ast.IfExp, ast.Tuple)) and any(
                    rw.kind(c) not in _PLAIN for c in ast.iter_child_nodes(sub)
                    if isinstance(c, ast.expr)):
                return True
            continue
        if isinstance(sub, (ast.BinOp, ast.UnaryOp)):
            if rw.kind(sub) not in _PLAIN - NUMPY_SCALARS or any(
                    rw.kind(c) not in _PLAIN - NUMPY_SCALARS for c in ast.iter_child_nodes(sub)
                    if isinstance(c, ast.expr)):
                return True             # objects' methods; NumPy arithmetic may warn
            continue
        if isinstance(sub, ast.Subscript):
            if rw.kind(sub.value) in _SEQUENCES and rw.kind(sub.slice) in (INT, BOOL):
                continue
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and not sub.keywords:
            name = sub.func.id
            if name.startswith(_C_CALLS) or (
                    name in _C_BUILTINS and name in fn.builtin_names and name not in fn.locals
                    and all(rw.kind(a) in _PLAIN | _SEQUENCES for a in sub.args)):
                continue
        return True
    return False


def header_runs_python(stmt, rw) -> bool:
    """May the part of a compound statement run before (or between) its bodies run
    Python code? (an ``if``/``while`` test, a ``for`` iterable, ``with`` items...)"""
    if isinstance(stmt, (ast.If, ast.While)):
        return may_run_python(stmt.test, rw)
    if isinstance(stmt, ast.For):
        return may_run_python(ast.Expr(value=stmt.iter), rw) or not (
            isinstance(stmt.iter, ast.Call) and isinstance(stmt.iter.func, ast.Name)
            and stmt.iter.func.id == "range")
    return True


_PLAIN = frozenset({INT, FLOAT, BOOL, "str", "bytes"}) | NUMPY_SCALARS
