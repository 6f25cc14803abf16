"""Infer a type for every local from the observed argument types; decide where C ints are safe.

>>> import ast
>>> node = ast.parse('''
... def total(n):
...     s = 0
...     for i in range(n):
...         s += i * 2
...     return s
... ''').body[0]
>>> r = infer(node, {"n": "int"}, own_name="total", builtins={"range"}, locals_={"n", "s", "i"})
>>> r.types["s"], r.types["i"], r.return_type, r.pure
('int', 'int', 'int', True)

The results:

* ``types``: a flow-insensitive fixpoint: a variable's type is the join of every value
  assigned to it, so a variable that is int on one path and float on another is ``object``,
  never silently a double. Only variables assigned before every read (definite assignment)
  may live in C variables; others stay Python objects so ``UnboundLocalError`` still happens.
* ``return_type``: the join of every returned value (``none`` if control can fall off the end).
* ``pure`` (purity.py): the body only computes on C scalars and locals. Only then are
  ints C ``long long``: on overflow the call is safely re-run with Python ints.
* ``counters`` (ranges.py): in a body that is not pure, the loop counters that provably
  fit a long long (C loop variables even there).
* ``maybe_unbound`` (unbound.py): locals some path may read (or ``del``) before any
  assignment; never C scalars.
* ``notes`` (notes.py): (line, why it stays slow) for what still goes through Python objects.
"""
from __future__ import annotations

import ast
import dataclasses

from . import arrays, int_starts, known_globals, npscalars, purity, ranges, signs, unbound
from .chars import char_locals
from .notes import slow_notes
from .model import (BOOL, BYTES, C_SCALARS, DICT, F8, FLOAT, FLOAT_OR_F8, INT, LIST, NONE,
                    NUMPY_SCALARS, OBJECT, SET, STR, TUPLE, array_info, direct_callee,
                    is_enumerate, join, unpacked_items)

_NUMERIC = frozenset({INT, FLOAT, BOOL})
#: np.float64 is a float subclass the math module reads as a float (same value, same errors).
_MATH_ARGUMENTS = _NUMERIC | {F8, FLOAT_OR_F8}
_ARITH = (ast.Add, ast.Sub, ast.Mult)
_INT_MAX = 2**63 - 1


@dataclasses.dataclass
class Inference:
    types: dict
    return_type: str
    pure: bool
    self_recursive: bool
    notes: list
    maybe_unbound: frozenset = frozenset()
    counters: dict = dataclasses.field(default_factory=dict)   # C loop counters: name -> (lo, hi)
    chars: frozenset = frozenset()    # str locals held as Py_UCS4 (chars.py)
    nonneg: frozenset = frozenset()   # locals never negative (signs.py)
    speculated: bool = False          # list/tuple elements typed float, checked at each read
    int_starts: frozenset = frozenset()   # float locals that start as an int literal
    unbound_in_comprehensions: list = dataclasses.field(default_factory=list)  # (line, name)


#: Methods of an exact str and the exact type they return.
_STR_METHODS = {
    **dict.fromkeys(("lower", "upper", "strip", "lstrip", "rstrip", "replace", "join", "title",
                     "capitalize", "casefold", "swapcase", "center", "ljust", "rjust", "zfill",
                     "expandtabs", "format", "removeprefix", "removesuffix"), STR),
    **dict.fromkeys(("split", "rsplit", "splitlines"), LIST),
    **dict.fromkeys(("find", "rfind", "count", "index", "rindex"), INT),
    **dict.fromkeys(("startswith", "endswith", "isdigit", "isalpha", "isspace", "isalnum",
                     "islower", "isupper", "isnumeric", "isdecimal", "isidentifier",
                     "isprintable", "istitle", "isascii"), BOOL),
    "encode": BYTES,
}
#: Builtins that build a new exact container.
_CONSTRUCTORS = {"list": LIST, "tuple": TUPLE, "dict": DICT, "set": SET, "sorted": LIST}


def constant_type(value) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT if -_INT_MAX <= value <= _INT_MAX else OBJECT
    if isinstance(value, float):
        return FLOAT
    if value is None:
        return NONE
    return {str: STR, bytes: BYTES}.get(type(value), OBJECT)


class ExpressionTyper:
    callees: dict = {}        # name -> CalleeSig: compiled functions called directly

    def __init__(self, env, own_name, builtins, locals_, known=None):
        self.env = env
        self.own_name = own_name
        self.builtins = builtins
        self.locals = locals_
        self.known = known or {}       # known_globals: name -> 'math' or 'math.<function>'
        self.nonneg_names = frozenset()   # locals never negative (signs.py)
        self.speculate = False         # list/tuple elements are floats (checked; pure only)
        self.int_starts = frozenset()  # float locals that start as an int literal (int_starts.py)
        self.tuple_items = {}          # tuple parameter -> its items' types (guarded)
        self.return_type = None

    def tuple_item(self, name, index, count=None) -> str:
        """The type of item ``index`` of the tuple parameter ``name`` if its items are
        known (and there are ``count`` of them, when given), else object."""
        items = self.tuple_items.get(name)
        if items is None or (count is not None and count != len(items)) \
                or not -len(items) <= index < len(items):
            return OBJECT
        return items[index]

    def math_function(self, func) -> str | None:
        """``math.sqrt`` / ``sqrt`` (bound to the math module's function): 'sqrt'."""
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id not in self.locals and self.known.get(func.value.id) == "math"
                and func.attr in known_globals.RESULT):
            return func.attr
        if isinstance(func, ast.Name) and func.id not in self.locals:
            qualified = self.known.get(func.id, "")
            if qualified.startswith("math."):
                return qualified[5:]
        return None

    def math_call(self, node) -> str | None:
        """The math function a call runs with numeric arguments only, else None."""
        name = self.math_function(node.func)
        if (name is None or node.keywords or any(isinstance(a, ast.Starred) for a in node.args)
                or not known_globals.arity_ok(name, len(node.args))
                or any(self.expr(a) not in _MATH_ARGUMENTS for a in node.args)):
            return None
        return name

    def math_call_converting(self, node) -> str | None:
        """A math function (DOUBLE_ARGS) called with arguments of any kind, which it
        converts to floats itself (its result type is known; not a pure call: converting
        an object may run its code)."""
        name = self.math_function(node.func)
        if (name not in known_globals.DOUBLE_ARGS or node.keywords
                or any(isinstance(a, ast.Starred) for a in node.args)
                or not known_globals.arity_ok(name, len(node.args))):
            return None
        return name

    def e_Attribute(self, node):
        if (isinstance(node.value, ast.Name) and node.value.id not in self.locals
                and self.known.get(node.value.id) == "math"
                and node.attr in known_globals.CONSTANTS):
            return FLOAT
        return OBJECT

    def name(self, ident):
        if ident in self.locals:
            return self.env.get(ident) or OBJECT
        return OBJECT

    def expr(self, node) -> str | None:
        """The type of an expression; None while it depends on a type not known yet (the
        function's own return type during the fixpoint)."""
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is None:
            return OBJECT
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.IfExp)):
            children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
            if any(self.expr(c) is None for c in children):
                return None
        return method(node)

    def e_Constant(self, node):
        return constant_type(node.value)

    def e_Name(self, node):
        return self.name(node.id)

    def e_BinOp(self, node):
        left, right, op = self.expr(node.left), self.expr(node.right), node.op
        numpy = npscalars.binop(left, right, op)
        if numpy is not None:
            return numpy
        if left in _NUMERIC and right in _NUMERIC:
            has_float = FLOAT in (left, right)
            if isinstance(op, _ARITH + (ast.FloorDiv, ast.Mod)):
                return FLOAT if has_float else INT
            if isinstance(op, ast.Div):
                return FLOAT
            if isinstance(op, (ast.BitAnd, ast.BitOr, ast.BitXor)) and not has_float:
                return BOOL if left == right == BOOL else INT
            if isinstance(op, ast.Pow) and left == FLOAT and (
                    right in (INT, BOOL) or signs._integral(node.right) is not None
                    or signs.nonneg(node.left, self.nonneg_names, self.builtins,
                                    self.math_function)):
                # float ** y is complex only for a negative base and a fractional y
                return FLOAT
            return OBJECT
        if isinstance(op, ast.Add) and left == right and left in (STR, BYTES, LIST, TUPLE):
            return left
        if isinstance(op, ast.Mult) and {left, right} in ({STR, INT}, {LIST, INT},
                                                          {TUPLE, INT}, {BYTES, INT}):
            return (left if right == INT else right)
        if isinstance(op, ast.Mod) and left == STR:
            return STR
        return OBJECT

    def e_UnaryOp(self, node):
        operand = self.expr(node.operand)
        numpy = npscalars.unary(operand, node.op)
        if numpy is not None:
            return numpy
        if isinstance(node.op, ast.Not):
            return BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)) and operand in _NUMERIC:
            return INT if operand == BOOL else operand
        if isinstance(node.op, ast.Invert) and operand in (INT, BOOL):
            return INT
        return OBJECT

    def e_BoolOp(self, node):
        types = {self.expr(v) for v in node.values}
        # float|float64: which operand is returned decides the kind; not followed.
        return types.pop() if len(types) == 1 and FLOAT_OR_F8 not in types else OBJECT

    def e_Compare(self, node):
        operands = [self.expr(node.left)] + [self.expr(c) for c in node.comparators]
        numpy = npscalars.compare(operands, node.ops)
        if numpy is not None:
            return numpy
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            return BOOL
        known = _NUMERIC | {STR, BYTES}
        if all(t in known for t in operands):
            return BOOL
        return OBJECT

    def e_IfExp(self, node):
        body, orelse = self.expr(node.body), self.expr(node.orelse)
        return body if body == orelse and body != FLOAT_OR_F8 else OBJECT

    def e_Call(self, node):
        func = node.func
        math_name = self.math_call(node) or self.math_call_converting(node)
        if math_name is not None:
            return known_globals.RESULT[math_name]
        if isinstance(func, ast.Attribute) and func.attr in _STR_METHODS \
                and self.expr(func.value) == STR:
            return _STR_METHODS[func.attr]      # a method of an exact str: its own result
        if (isinstance(func, ast.Name) and func.id in _CONSTRUCTORS and func.id in self.builtins
                and func.id not in self.locals and not node.keywords and len(node.args) <= 1
                and not any(isinstance(a, ast.Starred) for a in node.args)):
            return _CONSTRUCTORS[func.id]       # list(x), sorted(x)...: a new exact container
        if not isinstance(func, ast.Name) or node.keywords or any(
                isinstance(a, ast.Starred) for a in node.args):
            return OBJECT
        args = [self.expr(a) for a in node.args]
        if func.id == self.own_name and func.id not in self.locals:
            return self.return_type
        callee = direct_callee(self.callees, node, args, self.locals)
        if callee is not None:
            return callee.return_type
        if func.id not in self.builtins:
            return OBJECT
        numpy = npscalars.call(func.id, args)
        if numpy is not None:
            return numpy
        if func.id == "len" and len(args) == 1:
            return INT
        if func.id == "abs" and len(args) == 1 and args[0] in _NUMERIC:
            return INT if args[0] == BOOL else args[0]
        if func.id in ("min", "max") and len(args) >= 2 and len(set(args)) == 1 \
                and args[0] in _NUMERIC:
            return args[0]
        if func.id == "int" and len(args) == 1 and args[0] in _NUMERIC | {STR}:
            return INT
        if func.id == "float" and len(args) == 1 and args[0] in _NUMERIC | {STR}:
            return FLOAT
        if func.id == "bool" and len(args) <= 1:
            return BOOL
        if func.id == "str" and len(args) == 1 and args[0] in _NUMERIC | {STR}:
            return STR
        return OBJECT

    def e_Subscript(self, node):
        if arrays.shape_index(node, self.expr) is not None:
            return INT
        value = self.expr(node.value)
        if array_info(value) is not None:
            return arrays.element_type(value, node, self.expr) or OBJECT
        is_slice = isinstance(node.slice, ast.Slice)
        if value in (STR, LIST, TUPLE, BYTES) and is_slice:
            return value
        if value == STR:
            return STR
        if value == BYTES:
            return INT
        if value in (LIST, TUPLE) and self.speculate and isinstance(node.ctx, ast.Load):
            return FLOAT            # speculated: checked at the read, the call re-run if not
        index = node.slice
        if (isinstance(node.value, ast.Name) and isinstance(index, ast.Constant)
                and type(index.value) is int and isinstance(node.ctx, ast.Load)):
            return self.tuple_item(node.value.id, index.value)    # t[0], t[-1]
        return OBJECT

    # Displays and comprehensions build a new exact container (their elements are not
    # inspected: a ListComp has no ``elts``).
    def e_List(self, node):
        return LIST

    e_ListComp = e_List

    def e_Tuple(self, node):
        return TUPLE

    def e_Dict(self, node):
        return DICT

    e_DictComp = e_Dict

    def e_Set(self, node):
        return SET

    e_SetComp = e_Set

    def e_JoinedStr(self, node):
        return STR


def _assignments(node: ast.FunctionDef):
    """Yield (target_name, value_thunk, line) for every binding in the function's own scope.

    value_thunk(typer) -> type of the value bound; None for 'declared only'."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        for name, thunk in _bindings_of(sub):
            yield name, thunk, getattr(sub, "lineno", node.lineno)


def _bindings_of(sub):
    """(name, value_thunk) for the names one node binds (see _assignments)."""
    if isinstance(sub, ast.Assign):
        if (len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name)
                and int_starts.is_int_literal(sub.value)):
            # total = 0: a float while total is typed as one that starts as an int
            yield sub.targets[0].id, (lambda t, v=sub.value, n=sub.targets[0].id:
                                      FLOAT if n in t.int_starts else t.expr(v))
            return
        for target in sub.targets:
            yield from _bind(target, sub.value)
    elif isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
        fake = ast.BinOp(left=ast.Name(id=sub.target.id, ctx=ast.Load()), op=sub.op,
                         right=sub.value)
        yield sub.target.id, (lambda t, fake=fake: t.expr(fake))
    elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, ast.Name) and sub.value:
        yield sub.target.id, (lambda t, v=sub.value: t.expr(v))
    elif isinstance(sub, ast.For):
        if isinstance(sub.target, ast.Name):
            yield sub.target.id, (lambda t, it=sub.iter: element_type(t, it))
        elif is_enumerate(sub):
            # for i, x in enumerate(xs): i is an int, x an element of xs
            counter, item = sub.target.elts
            yield counter.id, (lambda t: INT if "enumerate" in t.builtins else OBJECT)
            if isinstance(item, ast.Name):
                yield item.id, (lambda t, it=sub.iter.args[0]: element_type(t, it)
                                if "enumerate" in t.builtins else OBJECT)
            else:
                yield from _opaque(item)
        else:
            yield from _opaque(sub.target)
    elif isinstance(sub, (ast.With,)):
        for item in sub.items:
            if item.optional_vars is not None:
                yield from _opaque(item.optional_vars)
    elif isinstance(sub, ast.ExceptHandler) and sub.name:
        yield sub.name, (lambda t: OBJECT)
    elif isinstance(sub, (ast.Import, ast.ImportFrom)):
        for alias in sub.names:
            yield (alias.asname or alias.name).split(".")[0], (lambda t: OBJECT)
    elif isinstance(sub, ast.Delete):
        yield from _opaque(ast.Tuple(elts=sub.targets, ctx=ast.Del()))


def _bind(target, value):
    if isinstance(target, ast.Name):
        yield target.id, (lambda t, v=value: t.expr(v))
    elif arrays.shape_unpacking(target, value):
        # n, m = a.shape (a an array parameter): each name is one dimension, an int
        count = len(target.elts)
        for k, name in enumerate(target.elts):
            yield name.id, (lambda t, k=k: t.expr(arrays.shape_item(value, k))
                            if arrays.unpacks_shape(value, count, t.expr) else OBJECT)
    elif (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, ast.Name)
          and not any(isinstance(e, ast.Starred) for e in target.elts)):
        # i, u = i_u: the items of a tuple parameter whose item types are guarded
        count = len(target.elts)
        for k, sub_target in enumerate(target.elts):
            if isinstance(sub_target, ast.Name):
                yield sub_target.id, (lambda t, k=k, name=value.id: t.tuple_item(name, k, count))
            else:
                yield from _opaque(sub_target)
    elif (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
          and len(target.elts) == len(value.elts)
          and not any(isinstance(e, ast.Starred) for e in target.elts + value.elts)):
        for sub_target, sub_value in zip(target.elts, value.elts):
            yield from _bind(sub_target, sub_value)
    else:
        yield from _opaque(target)


def _opaque(target):
    """Every name this target binds (or deletes) gets an unknown type. ``xs[i] = v`` and
    ``obj.a = v`` bind nothing: their names are reads (``ctx`` Load)."""
    for sub in ast.walk(target):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            yield sub.id, (lambda t: OBJECT)


def element_type(typer, iterable) -> str:
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id == "range" and "range" in typer.builtins
            and not iterable.keywords and 1 <= len(iterable.args) <= 3
            and all(typer.expr(a) in (INT, BOOL) for a in iterable.args)):
        return INT
    if typer.expr(iterable) == STR:
        return STR
    if typer.speculate and typer.expr(iterable) in (LIST, TUPLE):
        return FLOAT                            # speculated (see infer's speculate)
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
            and iterable.func.attr in ("split", "rsplit", "splitlines")
            and typer.expr(iterable.func.value) == STR):
        return STR                              # the items of str.split(): strs
    return OBJECT


def infer(node: ast.FunctionDef, arg_types: dict, *, own_name: str, builtins, locals_,
          known=None, transparent=(), callees=None, tuple_items=None) -> Inference:
    """``transparent``: ``with jitcy.nogil():`` statements (their body runs exactly as if
    the ``with`` line were not there: the marker is a no-op context manager).
    ``tuple_items``: tuple parameter -> the types of its items (guarded at the entry; the
    body never rebinds the parameter).

    Elements of lists and tuples are first speculated to be floats: if the function is then
    pure, that is kept (each element read checks ``type(v) is float`` and leaves the C body
    otherwise, and the entry re-runs the call with the original code: a pure body has no
    side effect to repeat). If it is not pure, or a local is still an object, the elements
    are objects."""
    options = dict(own_name=own_name, builtins=builtins, locals_=locals_, known=known,
                   transparent=transparent, callees=callees, tuple_items=tuple_items or {})
    speculative = _infer(node, arg_types, speculate=True, **options)
    if speculative.pure and speculative.speculated and _worth_speculating(
            node, speculative.types, arg_types):
        return speculative
    result = _infer(node, arg_types, speculate=False, **options)
    # A NumPy scalar is boxed anew wherever it escapes: a local whose identity the code
    # looks at (``x is y``, ``id(x)``) stays the object itself.
    identity = {n for n in _identity_names(node) if result.types.get(n) in NUMPY_SCALARS}
    if identity:
        result = _infer(node, arg_types, speculate=False, forced=identity, **options)
    return result


def _identity_names(node) -> set:
    """Names used as operands of ``is``/``is not`` or as the argument of ``id()``."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot))
                                                for op in sub.ops):
            names.update(e.id for e in [sub.left] + sub.comparators if isinstance(e, ast.Name))
        elif (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)
              and sub.func.id == "id"):
            names.update(a.id for a in sub.args if isinstance(a, ast.Name))
    return names


def _worth_speculating(node, types, arg_types) -> bool:
    """Speculation is kept only where it types the whole body, and a float local other than
    the loop variables shows that floats are meant: ``total = 0; total += x`` or
    ``return xs[i]`` (lists of ints as often as of floats) would leave the C body at each
    call for no gain."""
    loop_vars = {sub.target.id for sub in ast.walk(node)
                 if isinstance(sub, ast.For) and isinstance(sub.target, ast.Name)}
    locals_ = {n: t for n, t in types.items() if n not in arg_types}
    return (all(t != OBJECT for t in locals_.values())
            and any(t == FLOAT for n, t in locals_.items() if n not in loop_vars))


def speculated_enumerate(loop, typer) -> bool:
    """``for j, x in enumerate(xs)`` with ``x`` a speculated float: ``xs`` an exact list or
    tuple, ``enumerate`` the builtin, both targets plain names."""
    return (isinstance(loop, ast.For) and typer.speculate and is_enumerate(loop)
            and isinstance(loop.target.elts[1], ast.Name) and "enumerate" in typer.builtins
            and typer.expr(loop.iter.args[0]) in (LIST, TUPLE))


def _speculated(node, typer) -> bool:
    """Does the function read a list or tuple element (as a speculated float)?"""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Load) \
                and not isinstance(sub.slice, ast.Slice) and typer.expr(sub.value) in (LIST, TUPLE):
            return True
        if isinstance(sub, ast.For) and (typer.expr(sub.iter) in (LIST, TUPLE)
                                         or speculated_enumerate(sub, typer)):
            return True
    return False


def _infer(node, arg_types, *, own_name, builtins, locals_, known, transparent, callees,
           tuple_items, speculate, forced=frozenset()) -> Inference:
    transparent = frozenset(id(w) for w in transparent)
    env = {name: t for name, t in arg_types.items()}
    env.update(dict.fromkeys(forced, OBJECT))
    typer = ExpressionTyper(env, own_name, frozenset(builtins), frozenset(locals_), known)
    typer.callees = callees or {}
    typer.tuple_items = tuple_items
    typer.speculate = speculate
    typer.nonneg_names = frozenset(signs.nonneg_locals(node, typer.builtins, set(arg_types),
                                                       typer.math_function))
    bindings = list(_assignments(node))
    start = dict(env)
    # Float locals that start as an int literal (int_starts.py): tried where elements are
    # speculated (pure bodies only); each one that does not hold is dropped, and the
    # types are inferred again without it.
    starts = {n: v for n, v in int_starts.candidates(node).items() if n in locals_} \
        if speculate else {}
    while True:
        typer.int_starts = frozenset(starts)
        env.clear()
        env.update(start)
        typer.return_type = None
        history = _fixpoint(node, typer, env, bindings)
        maybe_int = set(starts) | int_starts.element_names(node, typer.expr)
        failed = {n for n, values in starts.items()
                  if env.get(n) != FLOAT or not int_starts.holds(n, values, typer, maybe_int)}
        if not failed:
            break
        starts = {n: v for n, v in starts.items() if n not in failed}
    notes = []
    maybe_unbound, in_comprehensions = unbound.maybe_unbound(node, set(arg_types),
                                                             transparent)
    maybe_unbound &= set(locals_)
    for name in maybe_unbound:
        if env.get(name) in C_SCALARS | NUMPY_SCALARS:
            notes.append((node.lineno, f"{name!r} may be read before assignment: kept as object"))
            env[name] = OBJECT
    starts = {n: v for n, v in starts.items() if env.get(n) == FLOAT}
    for name in locals_:
        if env.get(name) is None:
            env[name] = OBJECT
    pure, recursive, why = purity.purity(node, typer, transparent)
    counters = {}
    if not pure:
        # Int parameters may be C too (converted at the entry), unless the function calls
        # itself directly (the call would convert an int that may not fit).
        params = () if recursive else [p for p, t in arg_types.items() if t == INT]
        # Int items of a guarded tuple parameter likewise (the entry checks that they fit).
        items = () if recursive else [
            name for name, (p, k) in unpacked_items(node, tuple_items).items()
            if tuple_items[p][k] == INT]
        counters = {name: bounds for name, bounds in ranges.counters(
            node, typer.builtins, typer.locals, maybe_unbound | set(arg_types), typer.expr,
            params, items, typer.callees).items() if env.get(name) == INT}
    if not pure and any(t == INT for n, t in env.items() if n not in counters):
        notes.append(why)
    notes += slow_notes(node, typer, history, transparent)
    chars = {name for name in char_locals(node, typer.expr, maybe_unbound | set(arg_types))
             if env.get(name) == STR}
    return Inference(types=env, return_type=typer.return_type or NONE, pure=pure,
                     counters=counters, chars=frozenset(chars), nonneg=typer.nonneg_names,
                     speculated=speculate and _speculated(node, typer),
                     int_starts=frozenset(starts),
                     self_recursive=recursive, notes=notes,
                     maybe_unbound=frozenset(maybe_unbound),
                     unbound_in_comprehensions=sorted(
                         (line, name) for name, line in in_comprehensions if name in locals_))


def _fixpoint(node, typer, env, bindings) -> dict:
    """Join each local's assigned types in ``env`` until nothing changes; the history:
    name -> {type assigned at some round: line} (for the notes)."""
    history = {}
    for _ in range(50):  # joins only go up a lattice of height 3: this ends in a few rounds
        before = (dict(env), typer.return_type)
        for name, thunk, line in bindings:
            if name in typer.locals:
                t = thunk(typer)
                env[name] = join(env.get(name), t)
                if t is not None:
                    history.setdefault(name, {}).setdefault(t, line)
        typer.return_type = _return_type(node, typer)
        if (dict(env), typer.return_type) == before:
            break
    return history


def _return_type(node, typer) -> str | None:
    result = None
    for sub in ast.walk(node):
        if isinstance(sub, ast.Return):
            result = join(result, typer.expr(sub.value) if sub.value else NONE)
    if _falls_through(node.body):
        result = join(result, NONE)
    return result


def _falls_through(body) -> bool:
    """Can control reach the end of this block? (conservative: True when unsure)"""
    for stmt in body:
        if isinstance(stmt, (ast.Return, ast.Raise)):
            return False
        if isinstance(stmt, ast.If) and not (_falls_through(stmt.body) or _falls_through(stmt.orelse)):
            return False
    return True


def array_params_rebound(node, observed: dict) -> set:
    """Array parameters the body rebinds: typed as plain objects (see arrays.py)."""
    return arrays.params_rebound(node, [p for p, t in observed.items() if array_info(t)])


def params_rebound(node, params) -> set:
    """The parameters among ``params`` that the body binds or deletes."""
    return arrays.params_rebound(node, params)


def items_read(node, params) -> set:
    """The parameters among ``params`` whose items the body reads by position: unpacked
    (``i, u = i_u``) or indexed by a constant (``p[0]``). Only for those does knowing the
    items' types pay for checking them at each call (a tuple used like a list, of any
    length, keeps a plain ``tuple`` guard)."""
    params, used = set(params), set()
    for sub in ast.walk(node):
        if (isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Name)
                and sub.value.id in params
                and any(isinstance(t, (ast.Tuple, ast.List)) for t in sub.targets)):
            used.add(sub.value.id)
        elif (isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name)
              and sub.value.id in params and isinstance(sub.slice, ast.Constant)
              and type(sub.slice.value) is int):
            used.add(sub.value.id)
    return used
