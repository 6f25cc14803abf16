"""Float blocks: a straight run of float arithmetic on flex locals and list items, in C.

Flex (rewrite_flex.py) computes each operation in C but checks its operands' types at
every operation and every item read, and stores each result back through a helper call.
Where a body holds a run of two or more statements of the forms::

    x = <float expression>            x op= <float or int expression>
    o[k] = <float expression>         o[k] op= <float or int expression>

(``x`` a flex local or a C double local, ``o`` a local object, ``k`` an int literal in
0..63, the expressions made of ``+ - * / **``, unary ``-``/``+``, float and small int
literals, flex locals, C double or C int locals and such items ``o[k]``), the run is
checked once before it and then runs on C doubles (nbody's inner loop: 13 statements,
about 90 flex checks and helper calls, become one check of two lists and straight C)::

    bd = 0
    if bk_list(bi, 7, 0b1111111) and bk_list(bj, 7, 0b1111111):
        while True:
            fd_dx = bk_item(bi, 0) - bk_item(bj, 0)
            bd = 1
            ...
            bt0 = d2 * bk_pow(d2, 0.5)       # a divisor is checked first
            if bt0 == 0.0: break
            fd_mag = bk_div(dt, bt0)
            bd = 5
            ...
            if bk_store(bi, 3, bk_item(bi, 3) - fd_dx * fd_mj): break
            bd = 6
            ...
            break
    if bd == 13:
        mag = bk_marker()             # the flex locals read after the run hold their double
    else:
        <flex locals the finished statements assigned: the marker>
        if bd <= 0: <statement 0 as flex code>
        if bd <= 1: <statement 1 as flex code>
        ...

The check (``bk_list``: an exact list of at least k+1 items whose items the run uses are
exact floats; ``bk_load``: a flex local read before the run assigns it holds a float)
makes every operation of the run float arithmetic, which C doubles compute exactly as
the interpreter's floats do (IEEE 754, round to nearest: ``+ - *`` and ``/`` by a nonzero
divisor; an int literal of at most 2**53 and a C int convert exactly as Python converts
them). Where the interpreter could raise or differ (a zero divisor; ``**`` off the plain
path, bk_pow's NaN), or no float can be made for a store, the run leaves *before* the
statement changes anything, and that statement and the rest run as flex code, as if no
block had been there. Items are read and written through the lists at each use (never
cached), so ``bi is bj`` reads what the interpreter reads. Nothing in a run calls Python
code (an exact float's deallocation runs none), so no one can see the lists or locals
mid-run. A flex local the run assigns gets its object variable set to the marker at the
end, unless nothing outside the run reads it and the run assigns it before reading it.
"""
from __future__ import annotations

import ast
import copy
from collections import Counter

from ..analyzer.model import FLOAT, INT, LIST, OBJECT
from . import naming
from .rewrite_flex import _address, _local, mark_c_operands

_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
MAX_INDEX = 64          # the item mask is a 64-bit C int
MAX_EXACT_INT = 2**53   # an int literal converted to a double exactly


class FloatBlock(ast.stmt):
    """A run of float statements (``body``), rewritten by :meth:`FloatBlocks.visit_FloatBlock`."""
    _fields = ("body",)


def _call(func: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(id=func, ctx=ast.Load()), args=list(args), keywords=[])


def _name(ident: str, ctx=None) -> ast.Name:
    return ast.Name(id=ident, ctx=ctx or ast.Load())


def _assign(ident: str, value) -> ast.Assign:
    return ast.Assign(targets=[_name(ident, ast.Store())], value=value)


def _leave_if(test) -> ast.If:
    return ast.If(test=test, body=[ast.Break()], orelse=[])


def _type(node) -> str:
    return getattr(node, "_jitcy_type", OBJECT)


class FloatBlocks:
    """Mixin for :class:`rewrite_names.RewriteNames` (first: it groups each statement list
    before the other rewrites visit it). Needs FlexRewrites' ``flex_locals`` and
    ``held_floats``, ``self.c_kind``, ``self.visit``, ``self.cells``, ``self.globals``."""

    def init_float_blocks(self):
        self.run_assigned = set()      # the targets of the run being grouped
        self.block_count = 0
        self.block_temps = 0
        # every occurrence of each name in the body: a local the run assigns and nothing
        # else reads needs no object after it
        self.name_uses = Counter(n.id for n in ast.walk(self.fn.node) if isinstance(n, ast.Name))

    # -- grouping -----------------------------------------------------------------------
    def generic_visit(self, node):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                 ast.Lambda)):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(node, field, None)
                if isinstance(statements, list) and statements \
                        and isinstance(statements[0], ast.stmt):
                    setattr(node, field, self.group_float_blocks(statements))
        return super().generic_visit(node)

    def group_float_blocks(self, statements) -> list:
        """``statements`` with each run of float statements worth a block made one
        FloatBlock (not in a block without the GIL: its code must stay C as written)."""
        if self.in_nogil or not self.flex_locals:
            return statements
        out, run = [], []
        self.run_assigned = set()
        for stmt in list(statements) + [None]:
            if stmt is not None and self._float_statement(stmt):
                run.append(stmt)
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
                if isinstance(target, ast.Name):
                    self.run_assigned.add(target.id)
                continue
            self.run_assigned = set()
            if len(run) >= 2 and any(self._touches_objects(s) for s in run):
                out.append(ast.copy_location(FloatBlock(body=run), run[0]))
            else:
                out.extend(run)
            run = []
            if stmt is not None:
                out.append(stmt)
        return out

    def _touches_objects(self, stmt) -> bool:
        """Does the statement use a flex local or an item (what the block saves on)?"""
        return any((isinstance(n, ast.Name) and n.id in self.flex_locals)
                   or isinstance(n, ast.Subscript) for n in ast.walk(stmt))

    # -- what a run is made of ------------------------------------------------------------
    def _double_local(self, name: str) -> bool:
        fn = self.fn
        return (name in fn.locals and fn.types.get(name) == FLOAT and fn.c_type(name) == "double"
                and name not in fn.int_starts and name not in self.cells
                and name not in self.globals)

    def _float_target(self, target) -> bool:
        if isinstance(target, ast.Name):
            return target.id in self.flex_locals or (
                self._double_local(target.id) and target.id not in self.held_floats)
        return self._item(target)

    def _item(self, node) -> bool:
        """``o[k]``: ``o`` a local object (a list, checked before the run), ``k`` an int
        literal the mask can hold."""
        fn = self.fn
        if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Constant) and type(node.slice.value) is int
                and 0 <= node.slice.value < MAX_INDEX):
            return False
        name = node.value.id
        return (name in fn.locals and name not in self.flex_locals and name not in self.cells
                and name not in self.globals and name not in fn.maybe_unbound
                and fn.types.get(name, OBJECT) in (OBJECT, LIST)
                and _type(node.value) in (OBJECT, LIST) and _type(node) in (OBJECT, FLOAT))

    def _kind(self, node) -> str | None:
        """'F' (a float in the run), 'I' (an int converted exactly), None (not a run's)."""
        if isinstance(node, ast.Constant):
            if type(node.value) is float:
                return "F"
            if type(node.value) is int and abs(node.value) <= MAX_EXACT_INT:
                return "I"
            return None
        if isinstance(node, ast.Name):
            if node.id in self.flex_locals:
                # (one some path leaves unbound: read only after the run assigned it)
                return "F" if (node.id not in self.fn.maybe_unbound
                               or node.id in self.run_assigned) else None
            if node.id not in self.fn.locals or node.id in self.fn.int_starts:
                return None
            kind = self.c_kind(node)
            return "F" if kind == FLOAT else "I" if kind == INT else None
        if isinstance(node, ast.Subscript):
            return "F" if self._item(node) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, _OPS):
            kinds = (self._kind(node.left), self._kind(node.right))
            return "F" if None not in kinds and "F" in kinds else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return "F" if self._kind(node.operand) == "F" else None
        return None

    def _float_statement(self, stmt) -> bool:
        if isinstance(stmt, ast.Assign):
            return (len(stmt.targets) == 1 and self._float_target(stmt.targets[0])
                    and self._kind(stmt.value) == "F")
        if isinstance(stmt, ast.AugAssign):
            return (isinstance(stmt.op, _OPS) and self._float_target(stmt.target)
                    and self._kind(stmt.value) in ("F", "I"))
        return False

    # -- the rewrite ------------------------------------------------------------------------
    def visit_FloatBlock(self, node):
        run = node.body
        done = f"{naming.BLOCK_DONE}{self.block_count}"
        self.block_count += 1
        self.fn.local_sites.append((done, "int"))
        # What the check covers: each list's items, the flex locals read before assigned.
        items, loads, first_store = {}, [], {}
        for i, stmt in enumerate(run):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            read = [stmt.value] + ([target] if isinstance(stmt, ast.AugAssign) else [])
            for sub in [n for part in read for n in ast.walk(part)] + [target]:
                if isinstance(sub, ast.Subscript):
                    items.setdefault(sub.value.id, set()).add(sub.slice.value)
            for sub in (n for part in read for n in ast.walk(part)):
                if isinstance(sub, ast.Name) and sub.id in self.flex_locals:
                    if sub.id not in first_store and sub.id not in loads:
                        loads.append(sub.id)
            if isinstance(target, ast.Name) and target.id in self.flex_locals:
                first_store.setdefault(target.id, i)
        in_run = Counter(n.id for stmt in run for n in ast.walk(stmt) if isinstance(n, ast.Name))
        live = [x for x in sorted(first_store)
                if x in loads or in_run[x] != self.name_uses[x]]
        checks = [_call(naming.BLOCK_LIST, _name(_local(o)), ast.Constant(max(ks) + 1),
                        ast.Constant(sum(1 << k for k in ks))) for o, ks in items.items()]
        checks += [_call(naming.BLOCK_LOAD, _name(_local(x)), _address(naming.FLEX_DOUBLE + x))
                   for x in loads]
        # The C run is built from a copy: the statements themselves become the flex code
        # that runs after a run that left early.
        memo = {}
        fast = copy.deepcopy(run, memo)
        self.c_int_nodes |= {id(memo[i]) for i in list(self.c_int_nodes) if i in memo}
        body = []
        for i, stmt in enumerate(fast):
            body.extend(ast.copy_location(s, stmt) for s in self._c_statement(stmt))
            body.append(ast.copy_location(_assign(done, ast.Constant(i + 1)), stmt))
        body.append(ast.Break())
        loop = ast.While(test=ast.Constant(True), body=body, orelse=[])
        out = [_assign(done, ast.Constant(0))]
        if checks:
            test = checks[0] if len(checks) == 1 else ast.BoolOp(op=ast.And(), values=checks)
            out.append(ast.If(test=test, body=[loop], orelse=[]))
        else:
            out.append(loop)
        marker = lambda x: _assign(_local(x), _call(naming.BLOCK_MARKER))   # noqa: E731
        finished = [marker(x) for x in live]
        left_early = [ast.If(test=ast.Compare(left=_name(done), ops=[ast.Gt()],
                                              comparators=[ast.Constant(first_store[x])]),
                             body=[marker(x)], orelse=[]) for x in sorted(first_store)]
        for i, stmt in enumerate(run):
            new = self.visit(stmt)
            new = new if isinstance(new, list) else [new] if new is not None else []
            if new:
                test = ast.Compare(left=_name(done), ops=[ast.LtE()],
                                   comparators=[ast.Constant(i)])
                left_early.append(ast.copy_location(ast.If(test=test, body=new, orelse=[]),
                                                    stmt))
        whole = ast.Compare(left=_name(done), ops=[ast.Eq()], comparators=[ast.Constant(len(run))])
        if finished:
            out.append(ast.If(test=whole, body=finished, orelse=left_early or [ast.Pass()]))
        elif left_early:
            whole.ops = [ast.NotEq()]
            out.append(ast.If(test=whole, body=left_early, orelse=[]))
        return [ast.copy_location(s, node) for s in out]

    def _c_statement(self, stmt) -> list:
        """The statement on C doubles: [temps and their checks..., the store]."""
        pre = []
        if isinstance(stmt, ast.Assign):
            target, value = stmt.targets[0], stmt.value
        else:
            target = stmt.target
            load = copy.deepcopy(target)
            load.ctx = ast.Load()
            if isinstance(load, ast.Name) and load.id not in self.flex_locals:
                load._jitcy_type = FLOAT
            value = ast.copy_location(ast.BinOp(left=load, op=stmt.op, right=stmt.value), stmt)
        value = self._c_value(value, pre)
        if isinstance(target, ast.Subscript):
            store = _call(naming.BLOCK_STORE, _name(_local(target.value.id)),
                          ast.Constant(target.slice.value), value)
            return pre + [_leave_if(store)]
        if target.id in self.flex_locals:
            return pre + [_assign(naming.FLEX_DOUBLE + target.id, value)]
        return pre + [_assign(_local(target.id), value)]

    def _block_temp(self) -> str:
        name = f"{naming.BLOCK_TEMP}{self.block_temps}"
        self.block_temps += 1
        self.fn.local_sites.append((name, "double"))
        return name

    def _c_value(self, node, pre):
        """The expression as C double arithmetic; checks it needs go to ``pre``."""
        if isinstance(node, ast.Constant):
            return ast.Constant(float(node.value))
        if isinstance(node, ast.Name):
            if node.id in self.flex_locals:
                return _name(naming.FLEX_DOUBLE + node.id)
            mark_c_operands(node)
            return self.visit(node)
        if isinstance(node, ast.Subscript):
            return _call(naming.BLOCK_ITEM, _name(_local(node.value.id)),
                         ast.Constant(node.slice.value))
        if isinstance(node, ast.UnaryOp):
            operand = self._c_value(node.operand, pre)
            return ast.UnaryOp(op=ast.USub(), operand=operand) \
                if isinstance(node.op, ast.USub) else operand
        left, right = self._c_value(node.left, pre), self._c_value(node.right, pre)
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            return ast.BinOp(left=left, op=node.op, right=right)
        temp = self._block_temp()
        if isinstance(node.op, ast.Div):
            # the divisor first: zero leaves the run (the flex code raises as Python does)
            pre += [_assign(temp, right),
                    _leave_if(ast.Compare(left=_name(temp), ops=[ast.Eq()],
                                          comparators=[ast.Constant(0.0)]))]
            return _call(naming.BLOCK_DIV, left, _name(temp))
        pre += [_assign(temp, _call(naming.BLOCK_POW, left, right)),
                _leave_if(ast.Compare(left=_name(temp), ops=[ast.NotEq()],
                                      comparators=[_name(temp)]))]
        return _name(temp)
