"""Rewrite a function body so that, compiled as a Cython function, it means what it meant.

>>> import ast
>>> # def f(x): return x + g          (g a module global, x a float local)
>>> # becomes:  return x + __jitcy_global_get(__jitcy_b, 'g')

* Locals keep their names unless the name means something to Cython (``int``, ``double``,
  ``cdef``...): those get the generated prefix.
* Module globals are read and written live in the user's module dict, through the binding.
* Free variables are read and written through the function's cells (so ``nonlocal`` works
  and later rebinding in the enclosing function is seen).
* Builtins the module does not shadow stay bare, so Cython compiles ``range``/``len``/``abs``
  to C; the entry guard checks they are still not shadowed.
* Arithmetic whose C meaning differs from Python's goes through Python objects or a checked
  helper (``**``, shifts, float ``//`` and ``%``, int ``/`` with C ints, mixed int/float
  comparisons, unary minus and ``abs`` of C ints, float ``/`` for Python's error message).
* A call of the function itself through its global name becomes a direct C call while that
  global is still bound to the function (checked cheaply through the dict's version).
"""
from __future__ import annotations

import ast
import builtins
import keyword

from ..analyzer.model import BOOL, FLOAT, INT, OBJECT, TypedFunction
from ..errors import UnsupportedConstruct
from . import naming

_CYTHON_WORDS = {
    "cdef", "cpdef", "ctypedef", "cimport", "include", "struct", "union", "enum", "inline",
    "extern", "nogil", "gil", "readonly", "public", "api", "sizeof", "NULL", "DEF", "IF",
    "ELIF", "ELSE", "char", "short", "long", "double", "signed", "unsigned", "void", "bint",
    "Py_ssize_t", "size_t", "const", "volatile", "new", "fused", "cython", "typeof", "by",
    "operator", "namespace", "cppclass", "noexcept", "ctuple", "object", "unicode", "basestring",
}


def safe_local_name(name: str) -> str:
    if name in _CYTHON_WORDS or hasattr(builtins, name) or keyword.iskeyword(name):
        return naming.PREFIX + "v_" + name
    return name


def _call(func: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(id=func, ctx=ast.Load()), args=list(args), keywords=[])


def _const(value):
    return ast.Constant(value=value)


def _binding():
    return ast.Name(id=naming.BINDING_ARG, ctx=ast.Load())


class RewriteNames(ast.NodeTransformer):
    def __init__(self, fn: TypedFunction, *, c_ints: bool, impl_name: str):
        self.fn = fn
        self.c_ints = c_ints
        self.impl_name = impl_name
        self.cells = {name: i for i, name in enumerate(fn.freevars)}
        self.globals = fn.global_names | fn.declared_global

    # -- types of expressions, as the translator sees them ------------------------
    def c_kind(self, node) -> str:
        """'int', 'float', 'bool' when the value is held in C; 'object' otherwise."""
        t = getattr(node, "_jitcy_type", OBJECT)
        if t == INT and not self.c_ints:
            return OBJECT
        return t if t in (INT, FLOAT, BOOL) else OBJECT

    def fail(self, node, what):
        raise UnsupportedConstruct(f"{what} is not compiled by jitcy", self.fn.filename,
                                   getattr(node, "lineno", self.fn.node.lineno))

    # -- names ----------------------------------------------------------------------
    def visit_Name(self, node):
        name = node.id
        if name in self.fn.locals:
            return ast.copy_location(ast.Name(id=safe_local_name(name), ctx=node.ctx), node)
        if name in self.cells:
            if not isinstance(node.ctx, ast.Load):
                self.fail(node, f"storing to the free variable {name!r} here")
            return ast.copy_location(
                _call(naming.CELL_GET, _binding(), _const(self.cells[name]), _const(name)), node)
        if name in self.globals:
            if isinstance(node.ctx, ast.Load):
                return ast.copy_location(_call(naming.GLOBAL_GET, _binding(), _const(name)), node)
            self.fail(node, f"this kind of store to the global {name!r}")
        return node   # an unshadowed builtin: Cython compiles it natively

    def _store_outside(self, target, value, stmt):
        """Assignment of ``value`` to a global or a free variable, or None if local."""
        name = target.id
        if name in self.cells:
            call = _call(naming.CELL_SET, _binding(), _const(self.cells[name]), value)
        elif name in self.globals:
            call = _call(naming.GLOBAL_SET, _binding(), _const(name), value)
        else:
            return None
        return ast.copy_location(ast.Expr(value=call), stmt)

    def visit_Assign(self, node):
        node.value = self.visit(node.value)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            stored = self._store_outside(node.targets[0], node.value, node)
            if stored is not None:
                return stored
        node.targets = [self.visit(t) for t in node.targets]
        return node

    def visit_AugAssign(self, node):
        if isinstance(node.target, ast.Name) and (node.target.id in self.cells
                                                  or node.target.id in self.globals):
            load = ast.copy_location(ast.Name(id=node.target.id, ctx=ast.Load()), node)
            value = ast.BinOp(left=load, op=node.op, right=node.value)
            # In-place operators (list +=) must stay in place: use the operator module's i-ops.
            value = _call(naming.INPLACE, _const(type(node.op).__name__), self.visit(load),
                          self.visit(node.value))
            return self._store_outside(node.target, value, node)
        return self.generic_visit(node)

    def visit_Delete(self, node):
        out = []
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in self.globals:
                out.append(ast.copy_location(ast.Expr(value=_call(
                    naming.GLOBAL_DEL, _binding(), _const(target.id))), node))
            elif isinstance(target, ast.Name) and target.id in self.cells:
                self.fail(node, f"deleting the free variable {target.id!r}")
            else:
                out.append(ast.copy_location(ast.Delete(targets=[self.visit(target)]), node))
        return out

    def visit_Global(self, node):
        return None

    visit_Nonlocal = visit_Global

    # -- calls ------------------------------------------------------------------------
    def visit_Call(self, node):
        fn = self.fn
        if (isinstance(node.func, ast.Name) and node.func.id == fn.name
                and fn.name not in fn.locals and fn.name in self.globals
                and self._direct_call_ok(node)):
            args = [self.visit(a) for a in node.args]
            direct = _call(self.impl_name, _binding(), *args)
            if self.c_ints:
                fallback = _call(naming.DEOPT)
            else:
                fallback = ast.Call(func=_call(naming.GLOBAL_GET, _binding(), _const(fn.name)),
                                    args=args, keywords=[])
            return ast.copy_location(ast.IfExp(test=_call(naming.SELF_BOUND, _binding()),
                                               body=direct, orelse=fallback), node)
        if (isinstance(node.func, ast.Name) and node.func.id == "abs" and "abs" in fn.builtin_names
                and len(node.args) == 1 and self.c_kind(node.args[0]) == INT):
            return ast.copy_location(_call(naming.ABS_LL, self.visit(node.args[0])), node)
        if (not self.c_ints and isinstance(node.func, ast.Name) and node.func.id == "len"
                and "len" in fn.builtin_names):
            # Cython computes len() as a C Py_ssize_t; arithmetic on it must stay unbounded.
            return ast.copy_location(_call(naming.AS_OBJECT, self.generic_visit(node)), node)
        if (isinstance(node.func, ast.Name) and node.func.id == "int" and "int" in fn.builtin_names
                and len(node.args) == 1 and self.c_kind(node.args[0]) == FLOAT):
            node.args = [_call(naming.AS_OBJECT, self.visit(node.args[0]))]
            return node
        return self.generic_visit(node)

    def _direct_call_ok(self, node) -> bool:
        fn = self.fn
        shape_ok = (not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
                    and len(node.args) == len(fn.params)
                    and len(fn.params) == len(fn.node.args.args))
        if not shape_ok:
            return False
        for arg, param, observed in zip(node.args, fn.params, fn.arg_types):
            wanted = fn.types.get(param, OBJECT)
            if observed is not object and getattr(arg, "_jitcy_type", OBJECT) != wanted:
                return False
        return True

    # -- arithmetic whose C meaning is not Python's -----------------------------------
    def visit_BinOp(self, node):
        left_kind, right_kind = self.c_kind(node.left), self.c_kind(node.right)
        self.generic_visit(node)
        c_operands = left_kind != OBJECT and right_kind != OBJECT
        if not c_operands:
            return node
        op = node.op
        if isinstance(op, (ast.Pow, ast.LShift, ast.RShift)) or (
                isinstance(op, (ast.FloorDiv, ast.Mod)) and FLOAT in (left_kind, right_kind)) or (
                isinstance(op, ast.Div) and FLOAT not in (left_kind, right_kind)):
            node.left = _call(naming.AS_OBJECT, node.left)
        elif isinstance(op, ast.Div):
            return ast.copy_location(_call(naming.FLOAT_DIV, node.left, node.right), node)
        return node

    def visit_UnaryOp(self, node):
        kind = self.c_kind(node.operand)
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and kind in (INT, BOOL):
            return ast.copy_location(ast.BinOp(left=_const(0), op=ast.Sub(), right=node.operand),
                                     node)
        return node

    def visit_Compare(self, node):
        kinds = [self.c_kind(node.left)] + [self.c_kind(c) for c in node.comparators]
        self.generic_visit(node)
        if INT in kinds and FLOAT in kinds:
            # C compares long long with double after rounding; Python compares exactly.
            node.left = _call(naming.AS_OBJECT, node.left)
            node.comparators = [_call(naming.AS_OBJECT, c) for c in node.comparators]
        return node


def annotate_types(fn: TypedFunction) -> None:
    """Attach the inferred type of every expression (``_jitcy_type``) for the rewriter."""
    expression_type = fn.expression_typer()   # the same rules the analyzer used
    for sub in ast.walk(fn.node):
        if isinstance(sub, ast.expr):
            sub._jitcy_type = expression_type(sub)
