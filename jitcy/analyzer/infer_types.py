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
* ``pure``: the body only computes on C scalars and locals (no calls except known builtins and
  itself, no stores outside its locals, no ``try``). Only then are ints C ``long long``: on
  overflow the call is safely re-run with Python ints, since a pure body has no side effect
  to repeat. Anything else keeps ints as Python objects: slower, never wrong.
* ``maybe_unbound``: locals some path may read (or ``del``) before any assignment. C
  variables have no "unbound" state, so these are never C scalars; the translator also
  uses the set to give Cython's UnboundLocalError the interpreter's message. The analysis
  is conservative: a ``with`` body may stop half-way (``__exit__`` can swallow the
  exception), ``xs[i] = v`` binds nothing (``xs`` and ``i`` are reads), loops and ``try``
  bodies may not run.
"""
from __future__ import annotations

import ast
import dataclasses

from .model import (BOOL, BYTES, C_SCALARS, CONTAINERS, DICT, FLOAT, INT, LIST, NONE, OBJECT,
                    SET, STR, TUPLE, join)

_NUMERIC = frozenset({INT, FLOAT, BOOL})
_ARITH = (ast.Add, ast.Sub, ast.Mult)
_PURE_BUILTINS = frozenset({"abs", "min", "max", "int", "float", "bool", "range", "len"})
#: Types whose truth value runs no user code (exact builtins).
_PURE_TRUTH = C_SCALARS | CONTAINERS | {NONE}
_INT_MAX = 2**63 - 1


@dataclasses.dataclass
class Inference:
    types: dict
    return_type: str
    pure: bool
    self_recursive: bool
    notes: list
    maybe_unbound: frozenset = frozenset()
    unbound_in_comprehensions: list = dataclasses.field(default_factory=list)  # (line, name)


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
    def __init__(self, env, own_name, builtins, locals_):
        self.env = env
        self.own_name = own_name
        self.builtins = builtins
        self.locals = locals_
        self.return_type = None

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
        if left in _NUMERIC and right in _NUMERIC:
            has_float = FLOAT in (left, right)
            if isinstance(op, _ARITH + (ast.FloorDiv, ast.Mod)):
                return FLOAT if has_float else INT
            if isinstance(op, ast.Div):
                return FLOAT
            if isinstance(op, (ast.BitAnd, ast.BitOr, ast.BitXor)) and not has_float:
                return BOOL if left == right == BOOL else INT
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
        if isinstance(node.op, ast.Not):
            return BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)) and operand in _NUMERIC:
            return INT if operand == BOOL else operand
        if isinstance(node.op, ast.Invert) and operand in (INT, BOOL):
            return INT
        return OBJECT

    def e_BoolOp(self, node):
        types = {self.expr(v) for v in node.values}
        return types.pop() if len(types) == 1 else OBJECT

    def e_Compare(self, node):
        operands = [self.expr(node.left)] + [self.expr(c) for c in node.comparators]
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            return BOOL
        known = _NUMERIC | {STR, BYTES}
        if all(t in known for t in operands):
            return BOOL
        return OBJECT

    def e_IfExp(self, node):
        body, orelse = self.expr(node.body), self.expr(node.orelse)
        return body if body == orelse else OBJECT

    def e_Call(self, node):
        func = node.func
        if not isinstance(func, ast.Name) or node.keywords or any(
                isinstance(a, ast.Starred) for a in node.args):
            return OBJECT
        args = [self.expr(a) for a in node.args]
        if func.id == self.own_name and func.id not in self.locals:
            return self.return_type
        if func.id not in self.builtins:
            return OBJECT
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
        value = self.expr(node.value)
        is_slice = isinstance(node.slice, ast.Slice)
        if value in (STR, LIST, TUPLE, BYTES) and is_slice:
            return value
        if value == STR:
            return STR
        if value == BYTES:
            return INT
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
    """Yield (target_name, value_thunk) for every binding in the function's own scope.

    value_thunk(typer) -> type of the value bound; None for 'declared only'."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(sub, ast.Assign):
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
                yield sub.target.id, (lambda t, it=sub.iter: _element_type(t, it))
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


def _element_type(typer, iterable) -> str:
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name)
            and iterable.func.id == "range" and "range" in typer.builtins
            and not iterable.keywords and 1 <= len(iterable.args) <= 3
            and all(typer.expr(a) in (INT, BOOL) for a in iterable.args)):
        return INT
    if typer.expr(iterable) == STR:
        return STR
    return OBJECT


def infer(node: ast.FunctionDef, arg_types: dict, *, own_name: str, builtins, locals_,
          transparent=()) -> Inference:
    """``transparent``: ``with jitcy.nogil():`` statements (their body runs exactly as if
    the ``with`` line were not there: the marker is a no-op context manager)."""
    transparent = frozenset(id(w) for w in transparent)
    env = {name: t for name, t in arg_types.items()}
    typer = ExpressionTyper(env, own_name, frozenset(builtins), frozenset(locals_))
    bindings = list(_assignments(node))
    for _ in range(50):  # joins only go up a lattice of height 3: this ends in a few rounds
        before = (dict(env), typer.return_type)
        for name, thunk in bindings:
            if name in typer.locals:
                env[name] = join(env.get(name), thunk(typer))
        typer.return_type = _return_type(node, typer)
        if (dict(env), typer.return_type) == before:
            break
    notes = []
    maybe_unbound, in_comprehensions = _maybe_unbound(node, set(arg_types), transparent)
    maybe_unbound &= set(locals_)
    for name in maybe_unbound:
        if env.get(name) in C_SCALARS:
            notes.append((node.lineno, f"{name!r} may be read before assignment: kept as object"))
            env[name] = OBJECT
    for name in locals_:
        if env.get(name) is None:
            env[name] = OBJECT
    pure, recursive, why = _purity(node, typer, transparent)
    if not pure and any(t == INT for t in env.values()):
        notes.append(why)
    return Inference(types=env, return_type=typer.return_type or NONE, pure=pure,
                     self_recursive=recursive, notes=notes,
                     maybe_unbound=frozenset(maybe_unbound),
                     unbound_in_comprehensions=sorted(
                         (line, name) for name, line in in_comprehensions if name in locals_))


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


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _maybe_unbound(node, params, transparent=frozenset()):
    """``(names, in_comprehensions)``: locals that some path may read before any assignment,
    and ``(name, line)`` for such reads inside a comprehension's own scope."""
    suspects, in_comprehensions = set(), set()

    def reads(expr, assigned):
        for sub in ast.walk(expr):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in assigned:
                suspects.add(sub.id)
            if isinstance(sub, _COMPREHENSIONS):
                comprehension_reads(sub, assigned)

    def comprehension_reads(comp, assigned):
        # Everything but the first iterable runs in the comprehension's scope, where an
        # outer local is a free variable (until Python 3.12 inlines comprehensions).
        bound = {n.id for n in ast.walk(comp) if isinstance(n, ast.Name)
                 and isinstance(n.ctx, ast.Store)}
        parts = [comp.key, comp.value] if isinstance(comp, ast.DictComp) else [comp.elt]
        parts += [g.iter for g in comp.generators[1:]]
        parts += [cond for g in comp.generators for cond in g.ifs]
        for part in parts:
            for sub in ast.walk(part):
                if (isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)
                        and sub.id not in assigned and sub.id not in bound):
                    in_comprehensions.add((sub.id, sub.lineno))

    def targets(target):
        """Names bound by a target (``xs[i] = v`` binds none: xs and i are reads)."""
        return {n.id for n in ast.walk(target)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    def block(stmts, assigned):
        """Return the names definitely assigned after the block, or None if it never ends."""
        for stmt in stmts:
            assigned = statement(stmt, assigned)
            if assigned is None:
                return None
        return assigned

    def statement(stmt, assigned):
        if isinstance(stmt, ast.Assign):
            reads(stmt.value, assigned)
            for t in stmt.targets:
                reads(t, assigned)              # the Load names of xs[i] = ..., obj.a = ...
                assigned = assigned | targets(t)
            return assigned
        if isinstance(stmt, ast.AugAssign):
            reads(stmt.target, assigned)
            if isinstance(stmt.target, ast.Name) and stmt.target.id not in assigned:
                suspects.add(stmt.target.id)
            reads(stmt.value, assigned)
            return assigned | targets(stmt.target)
        if isinstance(stmt, ast.AnnAssign):
            if stmt.value is None:
                return assigned
            reads(stmt.value, assigned)
            return assigned | targets(stmt.target)
        if isinstance(stmt, ast.If):
            reads(stmt.test, assigned)
            a, b = block(stmt.body, assigned), block(stmt.orelse, assigned)
            if a is None:
                return b
            if b is None:
                return a
            return a & b
        if isinstance(stmt, (ast.For, ast.While)):
            if isinstance(stmt, ast.For):
                reads(stmt.iter, assigned)
                reads(stmt.target, assigned)
                inner = assigned | targets(stmt.target)
            else:
                reads(stmt.test, assigned)
                inner = assigned
            block(stmt.body, inner)
            block(stmt.orelse, assigned)
            return assigned
        if isinstance(stmt, (ast.Return, ast.Raise)):
            for child in ast.iter_child_nodes(stmt):
                reads(child, assigned)
            return None
        if isinstance(stmt, (ast.Break, ast.Continue)):
            return None
        if isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            block(stmt.body, assigned)
            for handler in stmt.handlers:
                block(handler.body, assigned)
            block(stmt.orelse, assigned)
            block(stmt.finalbody, assigned)
            return assigned
        if isinstance(stmt, ast.With) and id(stmt) in transparent:
            return block(stmt.body, assigned)
        if isinstance(stmt, ast.With):
            for item in stmt.items:
                reads(item.context_expr, assigned)
                if item.optional_vars is not None:
                    reads(item.optional_vars, assigned)
                    assigned = assigned | targets(item.optional_vars)
            # __exit__ may swallow an exception raised half-way through the body: what
            # the body assigns is not definite after the statement.
            block(stmt.body, assigned)
            return assigned
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return assigned | {(a.asname or a.name).split(".")[0] for a in stmt.names}
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                reads(child, assigned)
        if isinstance(stmt, ast.Delete):
            deleted = {n.id for t in stmt.targets for n in ast.walk(t)
                       if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Del)}
            suspects.update(deleted - assigned)     # `del x` of an unbound x raises too
            return assigned - deleted
        return assigned

    block(node.body, set(params))
    return suspects, in_comprehensions


def _purity(node, typer, transparent=frozenset()):
    """(pure, self_recursive, note): see the module docstring for what pure means."""
    recursive = False
    skip = set()
    for sub in ast.walk(node):
        if id(sub) in transparent:      # the nogil marker: the with line itself does nothing
            skip.update(id(n) for item in sub.items for n in ast.walk(item))
            skip.add(id(sub))

    def fail(sub, why):
        return False, recursive, (getattr(sub, "lineno", node.lineno),
                                  f"ints stay Python objects: {why}")

    allowed_stmts = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.If, ast.While, ast.For,
                     ast.Return, ast.Pass, ast.Break, ast.Continue, ast.Expr)
    for sub in ast.walk(node):
        if sub is node or id(sub) in skip or isinstance(sub, (ast.arguments, ast.arg, ast.expr_context,
                                           ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
            continue
        if isinstance(sub, ast.stmt):
            if not isinstance(sub, allowed_stmts):
                return fail(sub, f"the function uses '{type(sub).__name__.lower()}'")
            if isinstance(sub, ast.Expr) and not isinstance(sub.value, ast.Constant):
                return fail(sub, "an expression statement may have side effects")
            for target in _stmt_targets(sub):
                if isinstance(target, (ast.Tuple, ast.List)):
                    return fail(sub, "unpacking (it iterates the value)")
                if not (isinstance(target, ast.Name) and target.id in typer.locals):
                    return fail(sub, "it stores outside its own local variables")
            if isinstance(sub, ast.For) and _element_type(typer, sub.iter) != INT:
                return fail(sub, "a loop over something other than range() of ints")
            if isinstance(sub, (ast.If, ast.While)) and typer.expr(sub.test) not in _PURE_TRUTH:
                return fail(sub, "a truth test that may run the object's __bool__")
            continue
        if isinstance(sub, ast.IfExp) and typer.expr(sub.test) not in _PURE_TRUTH or (
                isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.Not)
                and typer.expr(sub.operand) not in _PURE_TRUTH):
            return fail(sub, "a truth test that may run the object's __bool__")
        if isinstance(sub, ast.Call):
            func = sub.func
            if not isinstance(func, ast.Name) or sub.keywords or any(
                    isinstance(a, ast.Starred) for a in sub.args):
                return fail(sub, "it calls code jitcy cannot see")
            if func.id == typer.own_name and func.id not in typer.locals:
                recursive = True
                continue
            if func.id not in _PURE_BUILTINS or func.id not in typer.builtins:
                return fail(sub, f"it calls {func.id}()")
            if func.id == "len":
                return fail(sub, "len() of a container")
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
                if isinstance(sub, ast.Compare) and any(
                        isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in sub.ops):
                    return fail(sub, "'in'/'is' comparisons")
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _is_docstring(node, sub):
                    continue
                if typer.expr(sub) not in C_SCALARS:
                    return fail(sub, "an expression that is not int, float or bool")
                continue
            return fail(sub, f"a {type(sub).__name__} expression")
    return True, recursive, None


def _is_docstring(node, const) -> bool:
    first = node.body[0] if node.body else None
    return isinstance(first, ast.Expr) and first.value is const


def _stmt_targets(stmt):
    """Targets of an assignment, as written: ``a, b = t`` yields the tuple, which is not a
    plain name (unpacking iterates ``t``: code a re-run would repeat)."""
    if isinstance(stmt, ast.Assign):
        yield from stmt.targets
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For)):
        yield stmt.target
