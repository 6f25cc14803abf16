r"""Definite assignment: which locals some path may read (or ``del``) before assigning them.

>>> import ast
>>> node = ast.parse("def f(c):\n    if c:\n        x = 1\n    return x").body[0]
>>> maybe_unbound(node, {"c"})
({'x'}, set())

C variables have no "unbound" state, so these are never C scalars; the translator also uses
the set to give Cython's UnboundLocalError the interpreter's message. The analysis is
conservative: a ``with`` body may stop half-way (``__exit__`` can swallow the exception),
``xs[i] = v`` binds nothing (``xs`` and ``i`` are reads), loops and ``try`` bodies may not run.
"""
from __future__ import annotations

import ast

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def maybe_unbound(node, params, transparent=frozenset()):
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


