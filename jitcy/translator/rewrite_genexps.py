"""``tuple(x for x in xs)`` and its kin as comprehensions, with the generator's rules kept.

Cython compiles a generator expression as a generator even where the call around it takes
every item at once (``tuple``, ``list``, ``set``, ``frozenset``, ``sorted``, ``sep.join``
of a str): a closure scope, a generator object and its frame for each evaluation, ~100 ns
(measured: ``tuple(pool[i] for i in idx[:8])`` 406 -> 287-310 ns compiled). A
comprehension runs inline. Two things tell them apart in Python, and both are kept:

- a StopIteration raised inside the generator's body becomes ``RuntimeError("generator
  raised StopIteration")`` (PEP 479), the StopIteration its cause. The comprehension is
  evaluated inside ``try``/``except StopIteration`` that raises exactly that;
- the first iterable is evaluated, and ``iter()`` applied to it, *outside* the generator:
  a StopIteration there stays one. It is evaluated before the ``try`` (with ``iter()``
  unless it is a builtin container or a ``range`` of names and constants, whose ``iter()``
  cannot raise).

The comprehension therefore runs before the rest of its statement, which is only exact
where Python evaluates the call first anyway: in the value of ``x = ...``, ``return ...``,
``yield ...``, the test of ``if``/``elif`` and the iterable of ``for``, the call itself or
the first thing evaluated past constants, locals always bound and builtins' names
(``len(set(<genexp>))``, ``n == len(set(<genexp>))``); a ``sorted`` call's keywords
constants or locals always bound. The call's own name must be the builtin
(``fn.builtin_names``; the entry runs the original code when a module shadows it later).
Any other place keeps the generator::

    return tuple(f(x) for x in xs if x)
->
    __jitcy_gi0 = iter(xs)
    try:
        __jitcy_gx0 = [f(x) for x in __jitcy_gi0 if x]
    except StopIteration as __jitcy_gxe0:
        raise RuntimeError("generator raised StopIteration") from __jitcy_gxe0
    return tuple(__jitcy_gx0)

Only the items are made in the ``try``: what the call does with them (``sorted``'s key and
comparisons, a set's hashing) runs outside the generator in Python too. ``list`` takes the
list itself.
"""
from __future__ import annotations

import ast
import itertools

from ..analyzer.model import BYTES, DICT, LIST, OBJECT, SET, STR, TUPLE, TypedFunction
from . import naming

#: Builtins that take every item of their argument at once.
_TAKE_ALL = frozenset({"tuple", "list", "set", "frozenset", "sorted"})
#: Builtins the rewritten code names.
_NAMES_USED = frozenset({"iter", "StopIteration", "RuntimeError"})
#: Types whose ``iter()`` cannot raise (so their loop stays Cython's own).
_PLAIN_ITERABLES = (LIST, TUPLE, DICT, SET, STR, BYTES)


class RewriteGenexps(ast.NodeTransformer):
    def __init__(self, fn: TypedFunction):
        self.fn = fn
        self.counter = itertools.count()

    # Statements only: the rewrite hoists, so it looks at a statement's first evaluation.
    def visit_Assign(self, node):
        return self._hoist(node, *self._first(node.value, _setter(node, "value")))

    def visit_Return(self, node):
        return self._hoist(node, *self._first(node.value, _setter(node, "value")))

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Yield):
            return self._hoist(node, *self._first(node.value.value,
                                                  _setter(node.value, "value")))
        return node

    def visit_If(self, node):
        self.generic_visit(node)       # (its branches first: their own statements)
        return self._hoist(node, *self._first(node.test, _setter(node, "test")))

    def visit_For(self, node):
        self.generic_visit(node)
        return self._hoist(node, *self._first(node.iter, _setter(node, "iter")))

    def _first(self, node, put):
        """``(call, put)``: the call this rewrite takes if Python evaluates it first in
        ``node``, before anything that could have an effect or raise (constants, locals
        always bound and builtins' names are looked past), else ``(None, None)``:
        ``len(set(<genexp>))``, ``n == len(set(<genexp>)) == ...`` (the first comparison's
        right side: later ones run only if it holds)."""
        if self._generator_argument(node) is not None:
            return node, put
        if (isinstance(node, ast.Call) and node.args and self._inert_callee(node.func)
                and not isinstance(node.args[0], ast.Starred)):
            return self._first(node.args[0], _setter(node.args, 0))
        if isinstance(node, ast.Compare) and self._inert(node.left):
            return self._first(node.comparators[0], _setter(node.comparators, 0))
        if isinstance(node, ast.BinOp) and self._inert(node.left):
            return self._first(node.right, _setter(node, "right"))
        if isinstance(node, ast.UnaryOp):
            return self._first(node.operand, _setter(node, "operand"))
        return None, None

    def _inert_callee(self, func) -> bool:
        """A builtin's name (the entry checks the module does not shadow it) or a local
        always bound: loading it has no effect."""
        return (isinstance(func, ast.Name) and func.id in self.fn.builtin_names
                and func.id not in self.fn.locals) or self._inert(func)

    def visit_FunctionDef(self, node):
        return node       # (nested definitions are not compiled)

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def _hoist(self, stmt, call, put):
        if call is None:
            return stmt
        gen = self._generator_argument(call)
        n = next(self.counter)
        result_type = getattr(call, "_jitcy_type", OBJECT)
        first = gen.generators[0]
        out = []
        if not self._iterates_plainly(first.iter):
            temp = f"{naming.GENEXP_ITER}{n}"
            value = first.iter
            if getattr(value, "_jitcy_type", OBJECT) not in _PLAIN_ITERABLES:
                value = ast.Call(func=ast.Name(id="iter", ctx=ast.Load()), args=[value],
                                 keywords=[])
            out.append(ast.Assign(targets=[ast.Name(id=temp, ctx=ast.Store())], value=value))
            first.iter = ast.Name(id=temp, ctx=ast.Load())
        # Only the items are made inside the ``try``: what the call does with them
        # (sorted's comparisons and key, a set's hashing) runs outside the generator in
        # Python too, and its StopIteration stays one.
        name = call.func.id if isinstance(call.func, ast.Name) else "join"
        result, error = f"{naming.GENEXP_RESULT}{n}", f"{naming.GENEXP_ERROR}{n}"
        items = ast.Name(id=result, ctx=ast.Load())
        comprehension = ast.ListComp(elt=gen.elt, generators=gen.generators)
        if name == "list":
            call = items                  # (a new list already: no copy)
        else:
            call.args[0] = items
        message = ast.Constant(value="generator raised StopIteration")
        handler = ast.ExceptHandler(
            type=ast.Name(id="StopIteration", ctx=ast.Load()), name=error,
            body=[ast.Raise(exc=ast.Call(func=ast.Name(id="RuntimeError", ctx=ast.Load()),
                                         args=[message], keywords=[]),
                            cause=ast.Name(id=error, ctx=ast.Load()))])
        out.append(ast.Try(body=[ast.Assign(targets=[ast.Name(id=result, ctx=ast.Store())],
                                            value=comprehension)],
                           handlers=[handler], orelse=[], finalbody=[]))
        call._jitcy_type = result_type
        put(call)
        out.append(stmt)
        return [ast.fix_missing_locations(ast.copy_location(s, stmt)) for s in out]

    def _generator_argument(self, call):
        """The generator expression of ``call`` if it is one this rewrite takes, else None."""
        if not (isinstance(call, ast.Call) and len(call.args) == 1
                and isinstance(call.args[0], ast.GeneratorExp)):
            return None
        fn = self.fn
        if _NAMES_USED & (fn.locals | fn.global_names | fn.declared_global):
            return None       # the names the rewrite writes would be the function's own
        gen, func = call.args[0], call.func
        if any(g.is_async for g in gen.generators):
            return None
        if isinstance(func, ast.Name):
            if func.id not in _TAKE_ALL or func.id not in self.fn.builtin_names:
                return None
            if call.keywords and (func.id != "sorted" or not all(
                    k.arg in ("key", "reverse") and self._inert(k.value)
                    for k in call.keywords)):
                return None
            return gen
        if (isinstance(func, ast.Attribute) and func.attr == "join" and not call.keywords
                and (isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)
                     or self._inert(func.value)
                     and getattr(func.value, "_jitcy_type", OBJECT) == STR)):
            return gen          # (a str's join: looked up without effects)
        return None

    def _inert(self, node) -> bool:
        """Evaluated without effects or errors: a constant or a local always bound."""
        if isinstance(node, ast.Constant):
            return True
        return (isinstance(node, ast.Name) and node.id in self.fn.locals
                and node.id not in self.fn.maybe_unbound)

    def _iterates_plainly(self, node) -> bool:
        """Can the first iterable stay in the comprehension? Yes when evaluating it and
        ``iter()`` on it cannot raise StopIteration: a local always bound of a builtin
        container type, or ``range`` of such names and constants (Cython's C loop)."""
        if isinstance(node, ast.Name):
            return self._inert(node) and getattr(node, "_jitcy_type", OBJECT) in _PLAIN_ITERABLES
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "range" and "range" in self.fn.builtin_names
                and not node.keywords and 1 <= len(node.args) <= 3
                and all(self._inert(a) for a in node.args))


def rewrite(fn: TypedFunction, node: ast.AST) -> None:
    """Rewrite ``node`` (a copy of the function's tree, types annotated) in place."""
    rewriter = RewriteGenexps(fn)
    node.body = [new for stmt in node.body for new in _as_list(rewriter.visit(stmt))]


def _setter(owner, key):
    """Puts a new node where the old one was (``owner[key]`` or ``owner.key``)."""
    if isinstance(key, int):
        return lambda value: owner.__setitem__(key, value)
    return lambda value: setattr(owner, key, value)


def _as_list(new):
    return new if isinstance(new, list) else [new] if new is not None else []
