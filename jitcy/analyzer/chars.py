"""Characters of a str as C code points: ``for ch in s`` where ``ch`` is only compared.

>>> import ast
>>> node = ast.parse('''
... def f(s):
...     n = 0
...     for ch in s:
...         if ch in "aeiou" or "0" <= ch <= "9":
...             n += 1
...     return n
... ''').body[0]
>>> char_locals(node, lambda e: "str" if isinstance(e, ast.Name) and e.id == "s" else "?", set())
{'ch'}

Such a local is declared ``Py_UCS4``: Cython walks the str's buffer in C, and compares code
points (``ch == " "``, ``"0" <= ch <= "9"``, ``ch in "aeiou"`` become C comparisons and a
switch). The rule keeps Python's meaning: the local is bound only by loops over exact strs,
and every read of it is an operand of a comparison with a one-character str constant (code
point order is str order for single characters), or the left operand of ``in``/``not in``
with a str constant. Anything else (``ch.upper()``, ``out.append(ch)``...) keeps ``str``.
"""
from __future__ import annotations

import ast

_ORDER = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _one_char(node) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is str and len(node.value) == 1


def char_locals(node, type_of, excluded) -> set:
    """Locals that can be ``Py_UCS4`` (see above); ``excluded``: never (maybe unbound...)."""
    loops, other = {}, set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.For) and isinstance(sub.target, ast.Name) \
                and type_of(sub.iter) == "str":
            loops.setdefault(sub.target.id, []).append(sub)
        elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            other.add(sub.id)
        elif isinstance(sub, (ast.ExceptHandler,)) and sub.name:
            other.add(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            other.update((a.asname or a.name).split(".")[0] for a in sub.names)
    targets = {id(loop.target) for loops_ in loops.values() for loop in loops_}
    other -= {name for name in loops if all(
        id(n) in targets for n in ast.walk(node)
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load))}
    candidates = set(loops) - other - set(excluded)
    good = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Compare):
            operands = [sub.left] + sub.comparators
            for i, op in enumerate(sub.ops):
                left, right = operands[i], operands[i + 1]
                if isinstance(op, _ORDER):
                    for a, b in ((left, right), (right, left)):
                        if isinstance(a, ast.Name) and _one_char(b):
                            good.add(id(a))
                elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(left, ast.Name) \
                        and isinstance(right, ast.Constant) and type(right.value) is str:
                    good.add(id(left))
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) \
                and sub.id in candidates and id(sub) not in good:
            candidates.discard(sub.id)
    return candidates
