"""Floats held unboxed in locals of unknown type: the "flex" half of the body rewrite.

A local the analyzer could not type (``object``) that is an operand of ``+ - * /``, of a
comparison or of unary minus becomes a *flex* local: its Python object variable stays (so
every other use, and UnboundLocalError, are as before) and a C double
(``__jitcy_fd_<name>``) sits beside it. Arithmetic on objects runs through
flex_support.py's helpers, which compute in C when both values are floats and leave the
result unboxed: the object variable then holds the module's marker and the double the
value. Anywhere else a flex local is read (a call argument, a return, a store...) it is
boxed first. For ``def dot(self, o): return self.x * o.x + self.y * o.y`` (attributes of
unknown type)::

    return __jitcy_fbox(__jitcy_fx_add_FF(&ft2, __jitcy_fx_mul_FF(&ft0, <self.x>, &fdummy,
               <o.x>, &fdummy), &ft0, __jitcy_fx_mul_FF(&ft1, ...), &ft1), &ft2)

(``&t`` is written ``cython.address(t)``): one float object made, for the result, where the
plain object code makes three. Values of any other type go through the interpreter's own
operators, so nothing but the speed changes; float objects are made anew when a flex value
is boxed, so ``is`` between two floats may differ from the interpreter's (Python promises no
identity of floats; Cython's typed doubles and PyPy behave the same).
"""
from __future__ import annotations

import ast

from ..analyzer.model import BOOL, FLOAT, INT, LIST, OBJECT, TUPLE
from . import naming
from .flex_support import ARITH, COMPARE

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_INPLACE = {ast.Add: "iadd", ast.Sub: "isub", ast.Mult: "imul", ast.Div: "idiv",
            ast.Pow: "ipow"}
_COMPARE = {ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge", ast.Eq: "eq",
            ast.NotEq: "ne"}
#: Analyzer types that are objects in the body but never flex operands: a container's
#: ``+``/``*`` is concatenation or repetition (Cython's own path is right for them).
_NUMBERISH = frozenset({OBJECT, FLOAT, INT, BOOL})
assert set(_BINARY.values()) | set(_INPLACE.values()) <= set(ARITH)
assert set(_COMPARE.values()) <= set(COMPARE)


def _call(func: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(id=func, ctx=ast.Load()), args=list(args), keywords=[])


def _address(name: str) -> ast.Call:
    return _call("cython.address", ast.Name(id=name, ctx=ast.Load()))


def _local(name: str) -> str:
    from .rewrite_names import safe_local_name     # (rewrite_names imports this module)
    return safe_local_name(name)


def _type(node) -> str:
    return getattr(node, "_jitcy_type", OBJECT)


def held_float_params(fn) -> set:
    """Float parameters the body also uses as objects (a call argument, a store, a
    return...), in a body that is not pure: they stay the argument's own float object,
    with a C double copy for arithmetic (``__jitcy_pf_<name>``), so passing one on makes
    no new float. Never for a parameter the body assigns, nor in a body with
    ``with jitcy.nogil():`` blocks (they need the double everywhere)."""
    if fn.c_ints or fn.nogil_blocks:
        return set()
    candidates = {p for p in fn.params if fn.types.get(p) == FLOAT and fn.c_type(p) == "double"}
    if not candidates:
        return set()
    parents = {}
    for sub in ast.walk(fn.node):
        for child in ast.iter_child_nodes(sub):
            parents[id(child)] = sub
    stored, object_use = set(), set()
    for sub in ast.walk(fn.node):
        if not (isinstance(sub, ast.Name) and sub.id in candidates):
            continue
        if not isinstance(sub.ctx, ast.Load):
            stored.add(sub.id)
            continue
        parent = parents.get(id(sub))
        arithmetic = isinstance(parent, (ast.BinOp, ast.Compare, ast.UnaryOp)) or (
            isinstance(parent, ast.AugAssign) and parent.value is sub) or (
            isinstance(parent, ast.Call) and sub in parent.args and (
                fn.math_function(parent.func) is not None
                or (isinstance(parent.func, ast.Name) and parent.func.id in
                    ("abs", "min", "max", "float", "int", "round", "bool"))))
        if not arithmetic:
            object_use.add(sub.id)
    for sub in ast.walk(fn.node):
        if isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            stored.add(sub.target.id)
    return object_use - stored


def mark_c_operands(*nodes) -> None:
    """These operands are read as C values (a held float parameter: its double)."""
    for node in nodes:
        if isinstance(node, ast.Name):
            node._jitcy_c_operand = True


class FlexRewrites:
    """Mixin for :class:`rewrite_names.RewriteNames` (before ArithmeticRewrites): needs
    ``self.fn``, ``self.c_kind``, ``self.visit``, ``self.cells``, ``self.globals``."""

    def init_flex(self):
        self.held_floats = held_float_params(self.fn)
        self.flex_temps = 0
        self.flex_locals = self._find_flex_locals()
        for name in sorted(self.flex_locals):
            self.fn.local_sites.append((naming.FLEX_DOUBLE + name, "double"))
        self.flex_dummy = None

    # -- which locals ---------------------------------------------------------------------
    def _find_flex_locals(self) -> set:
        fn = self.fn
        candidates = {n for n in fn.locals if fn.types.get(n, OBJECT) == OBJECT
                      and n not in self.cells and n not in self.globals}
        found = set()
        for sub in ast.walk(fn.node):
            if isinstance(sub, (ast.BinOp, ast.Compare, ast.UnaryOp)) and self.flex_op(sub):
                operands = ([sub.left, sub.right] if isinstance(sub, ast.BinOp) else
                            [sub.operand] if isinstance(sub, ast.UnaryOp) else
                            [sub.left] + sub.comparators)
                found.update(o.id for o in operands if isinstance(o, ast.Name))
            elif (isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name)
                  and type(sub.op) in _INPLACE):
                found.add(sub.target.id)
        return found & candidates

    def flex_op(self, node) -> bool:
        """Is ``node`` an operation flex helpers do: ``+ - * /`` (binary), one comparison, or
        unary minus, with an operand held as an object and none of a container type?"""
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            operands = [node.left, node.right]
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1
              and type(node.ops[0]) in _COMPARE):
            operands = [node.left, node.comparators[0]]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operands = [node.operand]
        else:
            return False
        # An operand of unknown type, or a float held as its object, is what flex is for;
        # ints held as objects are never unboxed by it (and an int expression another rewrite
        # built, fast_loops.py's guards, may be C though not marked so, or not typed at all):
        # Cython's own code.
        return (any(_type(o) != INT and self.c_kind(o) == OBJECT for o in operands)
                and all(hasattr(o, "_jitcy_type") and _type(o) in _NUMBERISH
                        for o in operands))

    # -- operands -----------------------------------------------------------------------
    def _temp(self) -> str:
        name = f"{naming.FLEX_TEMP}{self.flex_temps}"
        self.flex_temps += 1
        self.fn.local_sites.append((name, "double"))
        return name

    def _dummy(self) -> str:
        """The double of an operand that is a real object (never read)."""
        if self.flex_dummy is None:
            self.flex_dummy = self._temp()
        return self.flex_dummy

    def flex_operand(self, node):
        """(kind, argument nodes) of one operand: 'F' (object, double*), 'D' or 'I'."""
        kind = self.c_kind(node)
        if kind == FLOAT:
            mark_c_operands(node)
            return "D", [self.visit(node)]
        if kind in (INT, BOOL):
            return "I", [self.visit(node)]
        if isinstance(node, ast.Name) and node.id in self.flex_locals \
                and isinstance(node.ctx, ast.Load):
            return "F", [ast.Name(id=_local(node.id), ctx=ast.Load()),
                         _address(naming.FLEX_DOUBLE + node.id)]
        if self.flex_op(node):
            temp = self._temp()
            return "F", [self.flex_call(node, _address(temp)), _address(temp)]
        if self._item_read(node):
            # o[i]: a float item of an exact list or tuple read borrowed into the double
            temp = self._temp()
            item = _call(naming.FLEX_ITEM, _address(temp), self.visit(node.value),
                         self.visit(node.slice))
            return "F", [ast.copy_location(item, node), _address(temp)]
        return "F", [self.visit(node), _address(self._dummy())]

    def _item_index(self, index) -> bool:
        """A C int index (or an int literal): passed as a Py_ssize_t."""
        return (isinstance(index, ast.Constant) and type(index.value) is int
                and -2**62 < index.value < 2**62) or (
                    _type(index) == INT and self.c_kind(index) == INT)

    def _item_read(self, node) -> bool:
        """``o[i]`` of an element of unknown type, ``o`` a local object of unknown type (of
        a list or tuple typed so, Cython's own inline item access is as fast: the item's
        reference costs what the marker's does)."""
        return (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                and _type(node) == OBJECT and isinstance(node.value, ast.Name)
                and node.value.id in self.fn.locals and node.value.id not in self.flex_locals
                and _type(node.value) == OBJECT and self._item_index(node.slice))

    def flex_value(self, node) -> ast.Call:
        """An operand held as an object, as the C double PyFloat_AsDouble makes of it (a
        float read directly, unboxed or not): math functions' own conversion."""
        kind, args = self.flex_operand(node)
        if kind != "F":
            raise AssertionError(kind)
        return ast.copy_location(_call(naming.FLEX_VALUE, *args), node)

    def flex_call(self, node, result, inplace=None) -> ast.Call:
        """The helper call for a flex operation, its double result going to ``result``."""
        if isinstance(node, ast.UnaryOp):
            kind, args = self.flex_operand(node.operand)
            if kind != "F":     # cannot happen (flex_op wants an object operand)
                raise AssertionError(kind)
            return ast.copy_location(_call(naming.FLEX_OP + "neg_F", result, *args), node)
        if isinstance(node, ast.Compare):
            name, right = _COMPARE[type(node.ops[0])], node.comparators[0]
        else:
            name, right = (inplace or _BINARY)[type(node.op)], node.right
        left_kind, left = self.flex_operand(node.left)
        right_kind, right_args = self.flex_operand(right)
        kinds = left_kind + right_kind
        return ast.copy_location(
            _call(f"{naming.FLEX_OP}{name}_{kinds}", result, *left, *right_args), node)

    def flex_box(self, node) -> ast.Call:
        """A flex operation used as a Python object."""
        temp = self._temp()
        return ast.copy_location(
            _call(naming.FLEX_BOX, self.flex_call(node, _address(temp)), _address(temp)), node)

    # -- the rewrites -----------------------------------------------------------------------
    def visit_BinOp(self, node):
        if self.flex_op(node):
            return self.flex_box(node)
        return super().visit_BinOp(node)

    def visit_Compare(self, node):
        if self.flex_op(node):
            return self.flex_box(node)
        return super().visit_Compare(node)

    def visit_UnaryOp(self, node):
        if self.flex_op(node):
            return self.flex_box(node)
        return super().visit_UnaryOp(node)

    def flex_load(self, node):
        """A flex local read anywhere but as a flex operand: boxed."""
        return ast.copy_location(_call(naming.FLEX_BOX, ast.Name(id=_local(node.id), ctx=ast.Load()),
                                       _address(naming.FLEX_DOUBLE + node.id)), node)

    def flex_assign(self, node):
        """``x = value`` for a flex local ``x``: an operation's result lands in x's double;
        a C double too; anything else is stored as the object it is. None: not flex."""
        if not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in self.flex_locals):
            return None
        name = node.targets[0].id
        double = _address(naming.FLEX_DOUBLE + name)
        if self.flex_op(node.value):
            value = self.flex_call(node.value, double)
        elif self.c_kind(node.value) == FLOAT:
            value = _call(naming.FLEX_FROM, double, self.visit(node.value))
        else:
            return None
        return ast.copy_location(
            ast.Assign(targets=[ast.Name(id=_local(name), ctx=ast.Store())], value=value), node)

    def _inplace(self, load, node) -> list:
        """``load op= node.value`` computed in place as flex: [the operation, the address
        of its double] (the value to store back into the attribute or item ``load`` read)."""
        load = ast.copy_location(load, node.target)
        load._jitcy_type = OBJECT
        operation = ast.copy_location(ast.BinOp(left=load, op=node.op, right=node.value), node)
        temp = self._temp()
        return [self.flex_call(operation, _address(temp), _INPLACE), _address(temp)]

    def _inplace_boxed(self, load, node):
        """:meth:`_inplace`'s result as an object."""
        return _call(naming.FLEX_BOX, *self._inplace(load, node))

    def flex_augassign(self, node):
        """``x op= y`` for a flex local ``x`` (in place for objects, as Python does), and
        ``obj.name op= y`` for a local object (its attribute through the site caches)."""
        if (isinstance(node.target, ast.Attribute) and type(node.op) in _INPLACE
                and _type(node.value) in _NUMBERISH
                and isinstance(node.target.value, ast.Name)
                and node.target.value.id in self.fn.locals
                and self.attribute_site(node.target)):
            # Python: load obj, load obj.name, evaluate y, operate in place, store: the
            # same order here (the object is a local: reading it twice shows nothing).
            target = node.target
            value = self._inplace_boxed(ast.Attribute(value=target.value, attr=target.attr,
                                                      ctx=ast.Load()), node)
            call = _call(naming.ATTR_SET, self.visit(target.value), ast.Constant(target.attr),
                         value, self.site(naming.ATTR_SITE, naming.ATTR_CACHE))
            return ast.copy_location(ast.Expr(value=call), node)
        target = node.target
        if (isinstance(target, ast.Subscript) and type(node.op) in _INPLACE
                and _type(node.value) in _NUMBERISH and _type(target) == OBJECT
                and isinstance(target.value, ast.Name) and target.value.id in self.fn.locals
                and (isinstance(target.slice, ast.Constant) or (
                    isinstance(target.slice, ast.Name) and target.slice.id in self.fn.locals))):
            # xs[i] op= y: Python loads xs[i], evaluates y, operates in place, stores into
            # xs[i]; the same order here, the operation flex (one float made, not two).
            # xs and i are locals: evaluating them twice shows nothing.
            if (_type(target.value) in (OBJECT, LIST, TUPLE)
                    and target.value.id not in self.flex_locals
                    and self._item_index(target.slice)):
                # an exact list's item stored directly (list_ass_item), a float item only
                # the list holds updated in place; else o[i] = v
                value = self._inplace(ast.Subscript(value=target.value, slice=target.slice,
                                                    ctx=ast.Load()), node)
                call = _call(naming.FLEX_SET_ITEM, self.visit(target.value),
                             self.visit(target.slice), *value)
                return ast.copy_location(ast.Expr(value=call), node)
            value = self._inplace_boxed(ast.Subscript(value=target.value, slice=target.slice,
                                                      ctx=ast.Load()), node)
            store = ast.copy_location(ast.Subscript(value=target.value, slice=target.slice,
                                                    ctx=ast.Store()), target)
            store._jitcy_type = OBJECT
            assign = ast.copy_location(ast.Assign(targets=[store], value=value), node)
            assign.targets = [self.visit(store)]
            return assign
        if not (isinstance(target, ast.Name) and target.id in self.flex_locals
                and type(node.op) in _INPLACE and _type(node.value) in _NUMBERISH):
            return None
        name = node.target.id
        load = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        load._jitcy_type = OBJECT
        operation = ast.copy_location(ast.BinOp(left=load, op=node.op, right=node.value), node)
        value = self.flex_call(operation, _address(naming.FLEX_DOUBLE + name), _INPLACE)
        return ast.copy_location(
            ast.Assign(targets=[ast.Name(id=_local(name), ctx=ast.Store())], value=value), node)
