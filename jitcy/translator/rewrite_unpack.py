"""Rewrite unpacking (``a, b = value``) so it fails exactly as the interpreter's does.

Cython unpacks with its own checks and messages ("need more than 1 value to unpack" where
Python says "not enough values to unpack (expected 2, got 1)", "'int' object is not
iterable" for "cannot unpack non-iterable int object"). So every unpacking whose value is
not a display of the same length goes through ``__jitcy_unpack(value, before, after, star)``:
an exact tuple or list of the right length comes back as it is (the fast path); anything else
is unpacked by a two-line function compiled by the interpreter itself, which returns an
exact tuple (the starred part as a list), so the messages are the running Python's::

    a, *b = value            ->  a, b = __jitcy_unpack(value, 1, 0, True)
    for k, v in pairs:       ->  for __jitcy_u0 in pairs:
        use(k, v)                    k, v = __jitcy_unpack(__jitcy_u0, 2, 0, False)
                                     use(k, v)
    [k for k, v in pairs]    ->  [k for __jitcy_u0 in pairs
                                    for k, v in (__jitcy_unpack(__jitcy_u0, 2, 0, False),)]
    (a, b), c = value        ->  __jitcy_u0, __jitcy_u1 = __jitcy_unpack(value, 2, 0, False)
                                 a, b = __jitcy_unpack(__jitcy_u0, 2, 0, False)
                                 c = __jitcy_u1

Left alone (they cannot fail to unpack, and keep Cython's fast loops): ``a, b = x, y``
with plain targets, ``n, m = a.shape`` of an array parameter (rewrite_arrays.py), ``i, u =
i_u`` of a tuple parameter whose length the entry guards (analyzer/model.py, tuple_items),
``for i, x in enumerate(xs)``, ``for a, b in zip(xs, ys)`` with one target per argument,
``for k, v in d.items()`` on a ``dict``.
"""
from __future__ import annotations

import ast
import itertools

from ..analyzer import arrays
from ..analyzer.model import DICT, OBJECT, TypedFunction, unpacks_tuple_parameter
from . import naming


def _is_sequence(target) -> bool:
    return isinstance(target, (ast.Tuple, ast.List))


def _plain(elts) -> bool:
    """No nested unpacking and no star among these targets."""
    return not any(_is_sequence(e) or isinstance(e, ast.Starred) for e in elts)


def _shape(target):
    """(targets before the star, targets after it, has a star)."""
    stars = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
    if not stars:
        return len(target.elts), 0, False
    return stars[0], len(target.elts) - stars[0] - 1, True


class RewriteUnpack(ast.NodeTransformer):
    def __init__(self, fn: TypedFunction):
        self.fn = fn
        self.counter = itertools.count()

    def temp(self, ctx):
        return ast.Name(id=f"{naming.UNPACK_TEMP}{next(self.counter)}", ctx=ctx)

    def unpack_call(self, value, target):
        before, after, star = _shape(target)
        return ast.Call(func=ast.Name(id=naming.UNPACK, ctx=ast.Load()),
                        args=[value, ast.Constant(before), ast.Constant(after),
                              ast.Constant(star)], keywords=[])

    def assign(self, target, value) -> list:
        """Statements that assign ``value`` to ``target`` as Python would, left to right."""
        if not _is_sequence(target):
            return [ast.Assign(targets=[target], value=value)]
        call = self.unpack_call(value, target)
        elts = [e.value if isinstance(e, ast.Starred) else e for e in target.elts]
        if not elts:
            return [ast.Expr(value=call)]          # `[] = value`: only the check
        if all(isinstance(e, ast.Name) for e in elts):
            return [ast.Assign(targets=[ast.Tuple(elts=elts, ctx=ast.Store())], value=call)]
        temps = [self.temp(ast.Store()) for _ in elts]
        out = [ast.Assign(targets=[ast.Tuple(elts=temps, ctx=ast.Store())], value=call)]
        for element, temp in zip(elts, temps):
            out += self.assign(element, ast.Name(id=temp.id, ctx=ast.Load()))
        return out

    def visit_Assign(self, node):
        self.generic_visit(node)
        if not any(_is_sequence(t) for t in node.targets):
            return node
        if (len(node.targets) == 1 and _is_sequence(node.value)
                and len(node.value.elts) == len(node.targets[0].elts)
                and _plain(node.targets[0].elts) and _plain(node.value.elts)):
            return node                            # a, b = b, a + b: no unpacking at run time
        if (len(node.targets) == 1 and arrays.shape_unpacking(node.targets[0], node.value)
                and arrays.unpacks_shape(node.value, len(node.targets[0].elts),
                                         lambda e: getattr(e, "_jitcy_type", OBJECT))):
            return node                            # n, m = a.shape: rewrite_arrays.py
        if len(node.targets) == 1 and unpacks_tuple_parameter(node.targets[0], node.value,
                                                              self.fn.tuple_items):
            return node                            # i, u = i_u: its length is guarded
        value, out = node.value, []
        if len(node.targets) > 1:                  # a, b = c = value: evaluate value once
            temp = self.temp(ast.Store())
            out.append(ast.Assign(targets=[temp], value=value))
            value = ast.Name(id=temp.id, ctx=ast.Load())
        for target in node.targets:
            out += self.assign(target, value)
        return [ast.fix_missing_locations(ast.copy_location(s, node)) for s in out]

    def visit_For(self, node):
        self.generic_visit(node)
        if not _is_sequence(node.target) or self.cannot_fail(node.target, node.iter):
            return node
        temp = self.temp(ast.Store())
        prologue = self.assign(node.target, ast.Name(id=temp.id, ctx=ast.Load()))
        node.body = [ast.fix_missing_locations(ast.copy_location(s, node))
                     for s in prologue] + node.body
        node.target = temp
        return node

    def comprehension(self, node):
        self.generic_visit(node)
        generators = []
        for gen in node.generators:
            if not _is_sequence(gen.target) or self.cannot_fail(gen.target, gen.iter):
                generators.append(gen)
                continue
            temp = self.temp(ast.Store())
            generators.append(ast.comprehension(target=temp, iter=gen.iter, ifs=[],
                                                is_async=0))
            target = ast.Tuple(elts=[e.value if isinstance(e, ast.Starred) else e
                                     for e in gen.target.elts], ctx=ast.Store())
            once = ast.Tuple(elts=[self.unpack_call(ast.Name(id=temp.id, ctx=ast.Load()),
                                                    gen.target)], ctx=ast.Load())
            generators.append(ast.comprehension(target=target, iter=once, ifs=gen.ifs,
                                                is_async=0))
        node.generators = generators
        return ast.fix_missing_locations(node)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = comprehension

    def cannot_fail(self, target, iterable) -> bool:
        """Does every item of ``iterable`` unpack into ``target`` for sure?"""
        if not _plain(target.elts):
            return False
        n = len(target.elts)
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) \
                and iterable.func.id in self.fn.builtin_names and not iterable.keywords \
                and not any(isinstance(a, ast.Starred) for a in iterable.args):
            if iterable.func.id == "enumerate":
                return n == 2 and len(iterable.args) in (1, 2)
            if iterable.func.id == "zip":
                return n == len(iterable.args) >= 1
        if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
                and iterable.func.attr == "items" and not iterable.args
                and not iterable.keywords
                and getattr(iterable.func.value, "_jitcy_type", OBJECT) == DICT):
            return n == 2
        return False
