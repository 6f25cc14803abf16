"""C loop counters in functions that are not pure: ints that provably fit in a long long.

A function that runs user code cannot be re-run on overflow, so its ints stay Python objects
(infer_types.py) -- except loop counters whose every value is known to fit::

    def scale(xs, k):                # xs is a list: the function is not pure
        for i in range(len(xs)):     # i in [0, 2**63 - 2]: a C long long
            xs[i] = xs[i] * k        # C index (Cython's fast path, bounds still checked)
            xs[i] += i + 1           # i + 1 in [1, 2**63 - 1]: C arithmetic
        return i * i                 # may pass 2**63: computed on Python ints

>>> import ast
>>> node = ast.parse("def f(xs):\\n    for i in range(len(xs)):\\n        pass").body[0]
>>> counters(node, {"len", "range"}, {"xs", "i"}, set())
{'i': (0, 9223372036854775806)}

A counter is a local bound only as the target of ``for i in range(...)`` (bounds: int
literals, ``len()``, other counters, and + - * // % of those whose interval fits; a step,
if any, an int literal) or of ``for i, x in enumerate(one_iterable)``, or by assignments
of such expressions (``n = len(xs)``), or a *step counter*: ``k = 0`` then ``k += 1`` in a
loop, changed only by literals of at most 8 (it would take 2**58 updates to leave
+-2**62: see MAX_STEP). ``k = k * 2`` in a loop has no bound: not C. :func:`interval`
gives the same intervals to expressions, so the translator keeps as C only arithmetic whose
result fits; anything else is done on Python ints. No overflow check can fail.
"""
from __future__ import annotations

import ast

from . import arrays
from .model import NUMPY_SCALARS, direct_callee

LL_MIN, LL_MAX = -2**63, 2**63 - 1
SSIZE_MAX = 2**63 - 1
#: len() of an exact builtin container: its items live in memory, and no machine addresses
#: 2**62 bytes (x86-64 and arm64: at most 2**57), so the length is below 2**62. A user's
#: __len__ may return anything up to SSIZE_MAX.
BUILTIN_LEN_MAX = 2**62
_BUILTIN_CONTAINERS = {"list", "tuple", "str", "bytes", "dict", "set"}

Interval = tuple


def _fits(lo, hi):
    return (lo, hi) if LL_MIN <= lo <= hi <= LL_MAX else None


def interval(node, env: dict, builtins, type_of=None) -> Interval | None:
    """(lo, hi) holding every value of the int expression ``node``, or None if unknown
    or not within a C long long. ``env``: counter -> interval; ``type_of``: expression ->
    inferred type (for ``len``)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, bool):
        return _fits(int(node.value), int(node.value))
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"
            and "len" in builtins and len(node.args) == 1 and not node.keywords
            and not isinstance(node.args[0], ast.Starred)):
        if type_of is not None and type_of(node.args[0]) in _BUILTIN_CONTAINERS:
            return (0, BUILTIN_LEN_MAX)
        return (0, SSIZE_MAX)
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "shape" and type_of is not None
            and str(type_of(node)) == "int"
            and str(type_of(node.value.value)).startswith("array:")):
        return (0, SSIZE_MAX)               # a.shape[k] of a NumPy array parameter
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = interval(node.operand, env, builtins, type_of)
        if inner is None:
            return None
        return inner if isinstance(node.op, ast.UAdd) else _fits(-inner[1], -inner[0])
    if isinstance(node, ast.BinOp):
        a = interval(node.left, env, builtins, type_of)
        if a is None:
            return None
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)):
            c = node.right.value if (isinstance(node.right, ast.Constant)
                                     and type(node.right.value) is int) else 0
            if c <= 0:
                return None
            return (a[0] // c, a[1] // c) if isinstance(node.op, ast.FloorDiv) else (0, c - 1)
        b = interval(node.right, env, builtins, type_of)
        if b is None:
            return None
        if isinstance(node.op, ast.Add):
            return _fits(*_narrowed(node, a[0] + b[0], a[1] + b[1]))
        if isinstance(node.op, ast.Sub):
            return _fits(*_narrowed(node, a[0] - b[1], a[1] - b[0]))
        if isinstance(node.op, ast.Mult):
            products = [x * y for x in a for y in b]
            return _fits(*_narrowed(node, min(products), max(products)))
    return None


def _narrowed(node, lo, hi):
    """(lo, hi) narrowed by what a loop condition says of this very expression where it is
    evaluated (:func:`set_loop_facts`): ``while i * i < n:`` bounds ``i * i`` in the body."""
    fact = getattr(node, FACT, None)
    if fact is not None:
        lo = lo if fact[0] is None else max(lo, fact[0])
        hi = hi if fact[1] is None else min(hi, fact[1])
    return lo, max(lo, hi)


#: AST attribute: (lowest, highest) a loop condition proves for this expression, or None.
FACT = "_jitcy_fact"
_COMPARE_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}


def loop_conditions(node, locals_) -> list:
    """``(expression, op, other side, region)`` for each ``while a < b:`` (or <=, >, >=)
    whose sides are int arithmetic on the function's own locals (no call, no attribute), in
    both directions; ``region``: the body statements before the first that may assign a
    name of either side (those see the condition still true). None at all in a function with a
    nested scope (a closure could rebind a local meanwhile)."""
    if any(isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                            ast.Global, ast.Nonlocal))
           for sub in ast.walk(node) if sub is not node):
        return []
    out = []
    for loop in ast.walk(node):
        test = getattr(loop, "test", None)
        if not (isinstance(loop, ast.While) and isinstance(test, ast.Compare)
                and len(test.ops) == 1 and type(test.ops[0]) in _COMPARE_FLIP):
            continue
        left, right = test.left, test.comparators[0]
        names = set()
        for side in (left, right):
            for sub in ast.walk(side):
                if isinstance(sub, ast.Name):
                    names.add(sub.id)
                elif not isinstance(sub, (ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator,
                                          ast.unaryop, ast.expr_context)):
                    names = None
                    break
            if names is None:
                break
        if names is None or not names <= set(locals_):
            continue
        region = []
        for stmt in loop.body:
            if _bound_names(stmt) & names:
                break
            region.append(stmt)
        op = type(test.ops[0])
        out.append((left, op, right, region))
        out.append((right, _COMPARE_FLIP[op], left, region))
    return out


def _bound_names(stmt) -> set:
    """Every name ``stmt`` may bind or delete, however (assignment targets, ``except ... as``,
    imports, ``case`` patterns)."""
    out = set()
    for sub in ast.walk(stmt):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            out.add(sub.id)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            out.add(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in sub.names)
        elif isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
            out.add(sub.name)
        elif isinstance(sub, ast.MatchMapping) and sub.rest:
            out.add(sub.rest)
    return out


def set_loop_facts(conditions, env, builtins, type_of=None) -> None:
    """Mark, in each condition's region, every expression written as the condition's
    bounded side with the bound the other side's interval gives (see :func:`_narrowed`)."""
    for _, _, _, region in conditions:
        for stmt in region:
            for sub in ast.walk(stmt):
                if hasattr(sub, FACT):
                    delattr(sub, FACT)
    for expr, op, other, region in conditions:
        bound = interval(other, env, builtins, type_of)
        if bound is None or not isinstance(expr, ast.BinOp):
            continue
        fact = {ast.Lt: (None, bound[1] - 1), ast.LtE: (None, bound[1]),
                ast.Gt: (bound[0] + 1, None), ast.GtE: (bound[0], None)}[op]
        shape = ast.dump(expr)
        for stmt in region:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.BinOp) and ast.dump(sub) == shape:
                    setattr(sub, FACT, fact)


def _range_values(call, env, builtins, type_of) -> Interval | None:
    """Every value ``range(...)`` can give (None if unknown, or if Cython's C loop could
    overflow computing the value after the last one)."""
    args = call.args
    if not 1 <= len(args) <= 3 or call.keywords or any(isinstance(a, ast.Starred) for a in args):
        return None
    step = 1
    if len(args) == 3:
        s = args[2]
        literal = interval(s, {}, ()) if isinstance(s, (ast.Constant, ast.UnaryOp)) else None
        if literal is None:
            # A step known only at run time: every value lies between the start and the
            # stop, whatever its sign (the translator counts the loop, rewrite_arith.py:
            # no value past the stop is ever computed).
            bounds = [interval(a, env, builtins, type_of) for a in args]
            if any(b is None for b in bounds):
                return None
            return (min(bounds[0][0], bounds[1][0]), max(bounds[0][1], bounds[1][1]))
        if literal[0] == 0:
            return None
        step = literal[0]
    bounds = [interval(a, env, builtins, type_of) for a in args[:2]]
    if any(b is None for b in bounds):
        return None
    start, stop = ((0, 0), bounds[0]) if len(args) == 1 else bounds
    if step > 0:
        lo, hi = start[0], stop[1] - 1
        if stop[1] > LL_MAX - step + 1:
            return None
    else:
        lo, hi = stop[0] + 1, start[1]
        if stop[0] < LL_MIN - step - 1:
            return None
    # An empty range binds nothing; widen to include the start so lo <= hi always.
    return _fits(min(lo, start[0], hi), max(hi, start[1], lo))


def _sites(node):
    """name -> list of ('range', call) / ('enumerate', call) / ('other', None) bindings in
    the function's own scope."""
    sites = {}

    def add(name, kind, call=None):
        sites.setdefault(name, []).append((kind, call))

    stack = list(ast.iter_child_nodes(node))
    while stack:
        sub = stack.pop()
        if isinstance(sub, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            # Their targets are their own; only the first iterable runs here.
            stack.append(sub.generators[0].iter)
            continue
        if isinstance(sub, ast.For) and isinstance(sub.iter, ast.Call) \
                and isinstance(sub.iter.func, ast.Name):
            kind = sub.iter.func.id
            if kind == "range" and isinstance(sub.target, ast.Name):
                add(sub.target.id, "range", sub.iter)
                stack.extend(ast.iter_child_nodes(sub))
                stack.remove(sub.target)
                continue
            if (kind == "enumerate" and isinstance(sub.target, ast.Tuple)
                    and len(sub.target.elts) == 2 and isinstance(sub.target.elts[0], ast.Name)
                    and len(sub.iter.args) == 1 and not sub.iter.keywords
                    and not isinstance(sub.iter.args[0], ast.Starred)):
                add(sub.target.elts[0].id, "enumerate", sub.iter)
                stack.extend(ast.iter_child_nodes(sub))
                stack.remove(sub.target)
                stack.extend(sub.target.elts[1:])
                continue
        if (isinstance(sub, ast.Assign) and len(sub.targets) == 1
                and arrays.shape_unpacking(sub.targets[0], sub.value)):
            # n, m = a.shape: each name gets one dimension (an int only for an array
            # parameter of that many dimensions: see interval())
            for k, target in enumerate(sub.targets[0].elts):
                add(target.id, "value", arrays.shape_item(sub.value, k))
            stack.append(sub.value)
            continue
        if isinstance(sub, ast.Assign) and all(isinstance(t, ast.Name) for t in sub.targets):
            for target in sub.targets:
                add(target.id, "value", sub.value)
            stack.append(sub.value)
            continue
        if isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            add(sub.target.id, "value", ast.BinOp(left=ast.Name(id=sub.target.id, ctx=ast.Load()),
                                                  op=sub.op, right=sub.value))
            stack.append(sub.value)
            continue
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            add(sub.id, "other")
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            add(sub.name, "other")
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            for alias in sub.names:
                add((alias.asname or alias.name).split(".")[0], "other")
        stack.extend(ast.iter_child_nodes(sub))
    return sites


def counters(node, builtins, locals_, excluded, type_of=None, params=(), items=(),
             callees=None) -> dict:
    """name -> interval for every local that can be a C long long (see above): loop
    counters, locals whose every assignment is such an expression (``n = len(xs)``), and
    int parameters never rebound whose every use is a C place (:func:`c_places`; the entry
    converts them, and runs the original code for an int that does not fit). ``items``:
    locals bound by unpacking a tuple parameter (an int item the entry checks, see
    model.unpacked_items), as parameters if bound nowhere else.
    ``excluded``: locals that may be read unbound, and parameters (never C here);
    ``callees``: the direct calls' signatures (their long long arguments are C places)."""
    sites = _sites(node)
    params = {p for p in params if p not in sites} | {
        n for n in items if n in sites and len(sites[n]) == 1 and n not in excluded}
    conditions = loop_conditions(node, locals_)
    while True:
        env = _fixpoint(sites, builtins, locals_, excluded | params, type_of,
                        {p: (-PARAM_REACH, PARAM_REACH) for p in params}, conditions)
        set_loop_facts(conditions, env, builtins, type_of)    # as this env says
        good = set()
        for place in c_places(node, env, builtins, type_of, callees, locals_):
            if interval(place, env, builtins, type_of) is not None:
                good.update(id(n) for n in ast.walk(place))
        kept = {p for p in params
                if all(id(n) in good for n in ast.walk(node)
                       if isinstance(n, ast.Name) and n.id == p and isinstance(n.ctx, ast.Load))}
        if kept == params:
            return env
        params = kept


_FLOAT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_REPEATS = [{"int", kind} for kind in ("list", "tuple", "str", "bytes")]


def c_places(node, env, builtins, type_of, callees=None, locals_=()) -> list:
    """Expressions where a C integer pays and means the same as a Python int: an index of
    a list or tuple, a comparison operand, an operand of + - * / with a float, a ``range()``
    bound of a C counter, the value assigned to a C local, an argument a direct call's C
    entry takes as a long long (translator/emit_calls.py)."""
    places = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and callees and type_of is not None:
            callee = direct_callee(callees, sub, [type_of(a) for a in sub.args], locals_)
            if callee is not None:
                places += [a for a, t in zip(sub.args, callee.c_params) if t == "long long"]
        if (isinstance(sub, ast.Subscript) and not isinstance(sub.slice, ast.Slice)
                and type_of is not None and type_of(sub.value) in ("list", "tuple")):
            places.append(sub.slice)
        elif (isinstance(sub, ast.Subscript) and type_of is not None
              and str(type_of(sub.value)).startswith("array:")):
            # an element of a NumPy array parameter (translator/rewrite_arrays.py)
            places += sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
        elif isinstance(sub, ast.Compare):
            places += [sub.left] + sub.comparators
        elif (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)
              and sub.func.id == "range" and "range" in builtins and not sub.keywords
              and 1 <= len(sub.args) <= 3
              and not any(isinstance(a, ast.Starred) for a in sub.args)):
            places += sub.args       # range(a, b): the same range from C ints
        elif (isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mult)
              and type_of is not None
              and {str(type_of(sub.left)), str(type_of(sub.right))} in _REPEATS):
            # [x] * n: the count, a Py_ssize_t either way (PySequence_Repeat)
            places.append(sub.right if type_of(sub.right) == "int" else sub.left)
        elif isinstance(sub, ast.BinOp) and type_of is not None:
            # i * h with h a float: Python converts i to the nearest double, as C does;
            # a[i] * i, a[i] % n: NumPy converts the Python int itself (to int64 or
            # float64) and the translator passes a C int the same way
            kinds = (type_of(sub.left), type_of(sub.right))
            floats = isinstance(sub.op, _FLOAT_OPS)
            if kinds[0] == "int" and ((floats and kinds[1] == "float")
                                      or kinds[1] in NUMPY_SCALARS):
                places.append(sub.left)
            elif kinds[1] == "int" and ((floats and kinds[0] == "float")
                                        or kinds[0] in NUMPY_SCALARS):
                places.append(sub.right)
        elif (isinstance(sub, ast.For) and isinstance(sub.iter, ast.Call)
              and isinstance(sub.iter.func, ast.Name) and sub.iter.func.id == "range"
              and "range" in builtins and isinstance(sub.target, ast.Name)
              and sub.target.id in env):
            places += sub.iter.args
        elif isinstance(sub, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id in env for t in sub.targets):
            places.append(sub.value)
    return places


#: Step counters (``count += 1``): a local changed only by adding or subtracting a literal
#: of at most MAX_STEP, every other assignment within +-STEP_START, stays within +-STEP_REACH
#: for at least (STEP_REACH - STEP_START) / MAX_STEP = 2**58 updates: nine years at one
#: update per nanosecond. (If it ever got there, Cython's overflow check would raise
#: OverflowError: never a wrong value.)
MAX_STEP = 8
STEP_START, STEP_REACH = 2**61, 2**62
#: An int parameter (or tuple item) of a body that is not pure is a C long long within
#: +-PARAM_REACH: the entry converts and checks it, and runs the original code for any
#: other int (nothing has run yet). The room above lets ``n + 1``, ``n - 1``, ``r = n``
#: then ``r += 1`` (a step counter) stay C; a program passing larger ints runs interpreted.
PARAM_REACH = STEP_START


def _step(name, value):
    """+c / -c if ``value`` is ``name + c`` or ``name - c`` (``name += c``) with a literal c
    of at most MAX_STEP, else None."""
    if (isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub))
            and isinstance(value.left, ast.Name) and value.left.id == name
            and isinstance(value.right, ast.Constant) and type(value.right.value) is int
            and 0 < value.right.value <= MAX_STEP):
        return value.right.value if isinstance(value.op, ast.Add) else -value.right.value
    return None


def _step_interval(steps, starts):
    """The interval of a step counter (see MAX_STEP) from its steps and the intervals of
    its other assignments, or None if those are not all within +-STEP_START."""
    if any(v is None or not -STEP_START <= v[0] <= v[1] <= STEP_START for v in starts):
        return None
    lo = min(v[0] for v in starts) if all(c > 0 for c in steps) else -STEP_REACH
    hi = max(v[1] for v in starts) if all(c < 0 for c in steps) else STEP_REACH
    return (lo, hi)


def _fixpoint(sites, builtins, locals_, excluded, type_of, fixed, conditions=()) -> dict:
    candidates = {}
    for name, where in sites.items():
        if name not in locals_ or name in excluded:
            continue
        kinds = {kind for kind, _ in where}
        if "other" in kinds or (kinds & {"range", "enumerate"}) - {
                k for k in ("range", "enumerate") if k in builtins}:
            continue
        candidates[name] = where
    env, changes = dict(fixed), {}
    for _ in range(64):
        set_loop_facts(conditions, env, builtins, type_of)
        new = dict(fixed)
        for name, where in candidates.items():
            values, steps = [], []
            for kind, value in where:
                step = _step(name, value) if kind == "value" else None
                if step is not None:
                    steps.append(step)
                elif kind == "enumerate":
                    values.append((0, SSIZE_MAX - 1))
                elif kind == "range":
                    values.append(_range_values(value, env, builtins, type_of))
                else:
                    values.append(interval(value, env, builtins, type_of))
            if steps and values:
                values = [_step_interval(steps, values)]
            if values and all(v is not None for v in values):
                new[name] = (min(v[0] for v in values), max(v[1] for v in values))
        if new == env:
            return env
        for name in candidates:
            if new.get(name) != env.get(name):
                changes[name] = changes.get(name, 0) + 1
        # Widening: an interval still growing after a few rounds (``n += 1`` in a loop)
        # has no useful bound: that local stays a Python int.
        for name in [n for n, count in changes.items() if count > 4 and n in candidates]:
            del candidates[name]
            new.pop(name, None)
        env = new
    return dict(fixed)
