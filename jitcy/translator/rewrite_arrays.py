"""NumPy array parameters: element access and ``shape`` in C, through the buffer protocol.

An array parameter ``a`` (observed ``float64``, 1-d, C-contiguous) stays the ndarray object;
the entry also takes its buffer (``Py_buffer``: data pointer, shape, strides; the guard
checks format, ndim and unit stride of the last axis) and the body keeps the data pointer,
shape and strides in C locals. This pass sends the C-level accesses there::

    x = a[i]          ->  x = __jitcy_ld_double(__jitcy_at1(__jitcy_d_a, __jitcy_ix(i, __jitcy_n_a_0, 0), 8))
    n = a.shape[0]    ->  n = __jitcy_n_a_0
    n, m = b.shape    ->  n = __jitcy_n_b_0; m = __jitcy_n_b_1      (b 2-d: cannot fail)
    a[i] = 2.0 * x    ->  __jitcy_st_double(2.0 * x, __jitcy_at1(__jitcy_d_a, ..., 8))
                          (the value first, then the index and its check, as Python does)
    for i in range(len(a)): s += a[i]
                      ->  ... __jitcy_at1(__jitcy_d_a, i, 8) ...    (proven in range)

(This is what a Cython typed memoryview ``double[::1]`` compiles to, without Cython's
memoryview support code: that is ~20k lines of C, ~15 s of gcc per module.)
``__jitcy_ix`` wraps a negative index and raises NumPy's ``IndexError`` (same message);
an index proven within its axis (analyzer/bounds.py) is used as it is, one proven not
negative only gets the upper check (``__jitcy_ixn``). A read is the C value of the NumPy
scalar the interpreter would get (rewrite_scalars.py boxes it where it escapes).
Everything else (slices, rows of a 2-d array, a method call, a value NumPy would convert
with its own rules) uses the ndarray object itself, so it behaves exactly as interpreted.
Runs after RewriteUnpack and before RewriteNames (which then renames the index
expressions' locals as usual).
"""
from __future__ import annotations

import ast
import copy

from ..analyzer import arrays, bounds
from ..analyzer.model import (B1, BOOL, F8, FLOAT, FLOAT_OR_F8, I4, I8, INT, OBJECT,
                              TypedFunction, array_info)
from . import naming
from .rewrite_arith import ArithmeticRewrites


def data_name(param: str) -> str:
    return naming.ARRAY_DATA + param


def shape_name(param: str, axis: int) -> str:
    return f"{naming.ARRAY_SHAPE}{param}_{axis}"


def stride_name(param: str, axis: int) -> str:
    return f"{naming.ARRAY_STRIDE}{param}_{axis}"


def buffer_name(param: str) -> str:
    return naming.ARRAY_BUFFER + param


def array_params(fn: TypedFunction) -> dict:
    """``{param: ArrayInfo}`` for the parameters typed as arrays."""
    out = {}
    for p in fn.params:
        info = array_info(fn.types.get(p))
        if info is not None:
            out[p] = info
    return out


def written(fn: TypedFunction) -> set:
    """Array parameters the body may store into or delete items of (others are ``const``
    views, so a read-only array is accepted)."""
    params = array_params(fn)
    out = set()
    for sub in ast.walk(fn.node):
        if (isinstance(sub, ast.Subscript) and not isinstance(sub.ctx, ast.Load)
                and isinstance(sub.value, ast.Name) and sub.value.id in params):
            out.add(sub.value.id)
    return out


def _name(ident):
    return ast.Name(id=ident, ctx=ast.Load())


def _call(func, *args):
    return ast.Call(func=_name(func), args=list(args), keywords=[])


def _shape(param, k):
    return _name(shape_name(param, k))


class RewriteArrays(ast.NodeTransformer):
    def __init__(self, fn: TypedFunction, *, c_ints: bool):
        self.fn = fn
        self.c_ints = c_ints
        self.params = array_params(fn)
        self.writable = written(fn)
        self.typer = fn.expression_typer()
        ArithmeticRewrites.mark_c_ints(self)     # loop counters kept C (analyzer/ranges.py)
        self.is_c_int = ArithmeticRewrites.is_c_int
        self.proofs = bounds.proven(fn.node, {p: fn.types[p] for p in self.params},
                                    fn.builtin_names, fn.locals)

    def type_of(self, node):
        return getattr(node, "_jitcy_type", None) or self.typer(node) or OBJECT

    def c_int(self, node) -> bool:
        """Is this int expression a C integer here (else a Python int object)?"""
        return self.type_of(node) == INT and (self.c_ints or self.is_c_int(node) or (
            isinstance(node, ast.Constant) and type(node.value) is int))

    def _as_object(self, node, kind, original=None):
        """Ints read from C (shapes) are Python ints outside C-int bodies (Cython would do C
        arithmetic on them, with C's overflow), except where ``original`` is used as a C
        int (a range() bound, an index: see mark_c_ints). Elements are NumPy scalars held
        in C (rewrite_scalars.py)."""
        node._jitcy_type = kind
        if kind == INT and not self.c_ints and not self.is_c_int(original):
            wrapped = _call(naming.AS_OBJECT, node)
            wrapped._jitcy_type = INT
            return wrapped
        if kind == INT:
            node._jitcy_c_int = True            # used as a C int, like ``original``
        return node

    def _array_param(self, node):
        if isinstance(node, ast.Name) and node.id in self.params:
            return node.id
        return None

    def _element(self, node: ast.Subscript, *, store=None):
        """The C read of ``node`` (a subscript of an array parameter), or with ``store`` the
        statement storing that value there; None if it is not a C-level access."""
        param = self._array_param(node.value)
        if param is None:
            return None
        info = self.params[param]
        parts = arrays.indexes(node, info.ndim)
        if parts is None or any(self.type_of(p) != INT for p in parts):
            return None
        args = [_name(data_name(param))]
        for axis, part in enumerate(parts):
            c_int, proof = self.c_int(part), self.proofs.get(id(part))
            helper = naming.ARRAY_INDEX if c_int else naming.ARRAY_INDEX_OBJECT
            if c_int and proof == bounds.NONNEG:
                helper = naming.ARRAY_INDEX_NONNEG
            part = self.visit(part)
            extra = ([ast.Constant(value=info.ndim), ast.Constant(value=store is not None)]
                     if helper == naming.ARRAY_INDEX_OBJECT else [])
            if c_int and proof == bounds.IN_RANGE:
                args.append(part)              # 0 <= part < shape: no check needed
            else:
                args.append(_call(helper, part, _shape(param, axis), ast.Constant(value=axis),
                                  *extra))
            last = axis == info.ndim - 1
            args.append(ast.Constant(value=info.itemsize) if last and info.contiguous
                        else _name(stride_name(param, axis)))
        # The address is computed by a helper: BinOps here would be rewritten as objects.
        pointer = _call(f"{naming.ARRAY_AT}{info.ndim}", *args)
        if store is not None:
            # value, then index (and its check): Python's order. An int into an int32 array
            # is range-checked after the index (NumPy's order: IndexError first).
            helper = naming.ARRAY_STORE + info.c_element
            if getattr(store, "_jitcy_int32", False):
                helper = naming.ARRAY_STORE + "int32_checked"
            return ast.copy_location(ast.Expr(value=_call(helper, store, pointer)), node)
        return ast.copy_location(_call(naming.ARRAY_LOAD + info.c_element, pointer), node)

    # -- reads ----------------------------------------------------------------------------
    def visit_Subscript(self, node):
        if isinstance(node.ctx, ast.Load):
            k = arrays.shape_index(node, self.type_of)
            if k is not None:
                shape = ast.copy_location(_shape(node.value.value.id, k), node)
                return self._as_object(shape, INT, node)
            element = self._element(node)
            if element is not None:
                return self._as_object(element, self.params[node.value.id].element)
        return self.generic_visit(node)

    def visit_Call(self, node):
        if (isinstance(node.func, ast.Name) and node.func.id == "len"
                and "len" in self.fn.builtin_names and len(node.args) == 1 and not node.keywords
                and self._array_param(node.args[0]) is not None):
            shape = ast.copy_location(_shape(node.args[0].id, 0), node)
            return self._as_object(shape, INT, node)
        return self.generic_visit(node)

    # -- writes ---------------------------------------------------------------------------
    def _storable(self, param, value) -> bool:
        """Can ``value`` be stored in C into ``param``'s elements with NumPy's result?
        (An int into a float64 array: the nearest double, NumPy's own cast. A float into
        an int array, an np.int64 into an int32 one: NumPy's casting rules, by NumPy.)"""
        kind = self.type_of(value)
        if kind == INT and not self.c_int(value):
            kind = OBJECT                           # a Python int object: NumPy converts it
        element = self.params[param].element
        if element == F8:
            return kind in (FLOAT, INT, BOOL, F8, FLOAT_OR_F8, I8, I4, B1)
        if element == I8:
            return kind in (INT, BOOL, I8, I4, B1)
        return kind in (INT, BOOL, I4, B1)          # int32: a C int is range-checked

    def visit_Assign(self, node):
        if (len(node.targets) == 1 and arrays.shape_unpacking(node.targets[0], node.value)
                and self._array_param(node.value.value) is not None
                and arrays.unpacks_shape(node.value, len(node.targets[0].elts), self.type_of)):
            # n, m = a.shape: the buffer's shape, one name at a time (a 2-d array's shape
            # has two items: nothing can fail, and no Python code runs)
            param = node.value.value.id
            out = []
            for k, target in enumerate(node.targets[0].elts):
                value = ast.copy_location(_shape(param, k), node)
                value._jitcy_type = INT
                out.append(ast.copy_location(ast.Assign(targets=[target], value=value), node))
            return out
        if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript)
                and self._array_param(node.targets[0].value) in self.writable
                and self._storable(node.targets[0].value.id, node.value)):
            target = node.targets[0]
            value = self.visit(node.value)
            info = self.params[target.value.id]
            if info.c_element == "int32_t" and self.type_of(node.value) == INT:
                value._jitcy_int32 = True           # NumPy's OverflowError (see _element)
            element = self._element(target, store=value)
            if element is not None:
                return element
            node.value = value
            node.targets = [self.visit(target)]
            return node
        return self.generic_visit(node)

    def visit_AugAssign(self, node):
        """``a[i] += v`` with plain-name indexes is ``a[i] = a[i] + v`` (NumPy computes it
        so too); the store then follows the rules above."""
        target = node.target
        if (isinstance(target, ast.Subscript) and self._array_param(target.value) in self.writable
                and all(isinstance(p, (ast.Name, ast.Constant))
                        for p in (arrays.indexes(target, self.params[target.value.id].ndim)
                                  or [ast.Starred()]))):
            load = copy.deepcopy(target)
            load.ctx = ast.Load()
            value = ast.copy_location(ast.BinOp(left=load, op=node.op, right=node.value), node)
            for sub in ast.walk(value):
                if isinstance(sub, ast.expr) and not hasattr(sub, "_jitcy_type"):
                    sub._jitcy_type = self.typer(sub)
            value._jitcy_type = self.typer(value)
            assign = ast.copy_location(ast.Assign(targets=[target], value=value), node)
            if self._storable(target.value.id, value):
                return self.visit_Assign(assign)
        return self.generic_visit(node)
