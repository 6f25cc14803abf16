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
* Arithmetic on C scalars: see rewrite_arith.py (mixed into this pass).
* A call of the function itself through its global name becomes a direct C call while that
  global is still bound to the function (checked cheaply through the dict's version).

Where Cython itself departs from the interpreter (each found by tests/test_differential.py):

* C scalars: ``x op= y`` is spelled ``x = x op y`` so it gets the arithmetic rewrites.
* Local annotations are dropped (Cython would read ``x: float`` as a C double).
* Objects: slices of typed sequences and the position arguments of some
  ``str`` methods go through plain objects unless they are C ints (Cython converts them to
  Py_ssize_t where Python clamps); ``ord``/``chr`` keep Cython's fast path only where it is
  right; a method call that cannot bind, or a name the builtin type lacks, is looked up on a
  plain object (Cython: compile error or another message); ``raise`` checks its operand
  with Python's message; handlers that may catch the body's own UnboundLocalError fix its
  message; ``o.cdef`` and ``f(cdef=1)`` (Cython keywords) become ``getattr``/``**{}``.
"""
from __future__ import annotations

import ast
import builtins
import copy
import inspect
import keyword

from ..analyzer.known_globals import C_MATH, CONSTANTS, RESULT
from ..analyzer.model import (BOOL, BYTES, DICT, FLOAT, INT, LIST, OBJECT, SET, STR, TUPLE,
                              TypedFunction, array_info, direct_callee)
from ..errors import UnsupportedConstruct
from . import emit_calls, method_probes, naming
from .int_starts import AS_FLOAT
from .math_support import SAFE_ARGUMENT
from .rewrite_arith import ArithmeticRewrites, _concatenation
from .float_blocks import FloatBlocks
from .rewrite_flex import FlexRewrites

_CYTHON_WORDS = {
    "cdef", "cpdef", "ctypedef", "cimport", "include", "struct", "union", "enum", "inline",
    "extern", "nogil", "gil", "readonly", "public", "api", "sizeof", "NULL", "DEF", "IF",
    "ELIF", "ELSE", "char", "short", "long", "double", "signed", "unsigned", "void", "bint",
    "Py_ssize_t", "size_t", "const", "volatile", "new", "fused", "cython", "typeof", "by",
    "operator", "namespace", "cppclass", "noexcept", "ctuple", "object", "unicode", "basestring",
}


#: Words Cython's parser rejects as an attribute or keyword-argument name.
_PARSER_WORDS = {"cdef", "cpdef", "ctypedef", "cimport", "include", "DEF", "IF", "ELIF", "ELSE",
                 "sizeof", "NULL"}


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


class RewriteNames(FloatBlocks, FlexRewrites, ArithmeticRewrites, ast.NodeTransformer):
    def __init__(self, fn: TypedFunction, *, c_ints: bool, impl_name: str,
                 depth_counted: bool = True, inline: bool = False):
        self.fn = fn
        self.c_ints = c_ints
        self.impl_name = impl_name
        self.depth_counted = depth_counted    # self-calls pass the levels left (C ints)
        self.inline = inline           # the copy callers inline: they check the known
        #                                globals (math) before running it (emit_calls.py)
        self.cells = {name: i for i, name in enumerate(fn.freevars)}
        self.globals = fn.global_names | fn.declared_global
        self.expression_type = fn.expression_typer()
        self.in_nogil = False          # rewriting a block that runs without the GIL
        self.nogil_known_checks = 0    # math uses in it that skipped their known_ok check
        self.mark_c_ints()
        self.init_flex()
        self.init_float_blocks()
        self.link_counters = {}        # pure calls' hoisted link checks: local -> callee index
        self.nested_scopes = 0         # comprehensions and lambdas around the node visited

    def global_load(self, name: str) -> ast.Call:
        """A live read of the global ``name``, with its own cache (runtime.py, GLOBAL_GET);
        the caches are declared at module level from ``self.fn.global_sites``."""
        return _call(naming.GLOBAL_GET, _binding(), _const(name),
                     self.site(naming.GLOBAL_SITE, naming.GLOBAL_CACHE))

    def site(self, prefix: str, c_type: str) -> ast.Call:
        """``cython.address(<a new module-level cache of C type c_type>)``."""
        name = f"{prefix}{len(self.fn.global_sites)}"
        self.fn.global_sites.append((name, c_type))
        return _call("cython.address", ast.Name(id=name, ctx=ast.Load()))

    def probe(self, method: str) -> str:
        """The C name of ``method``'s program as C (one per method and module)."""
        if method not in self.fn.probes:
            c_name = f"{naming.METHOD_PROBE}{len(self.fn.probes)}"
            self.fn.probes[method] = (c_name, method_probes.probe_text(
                c_name, self.fn.method_programs[method]))
        return self.fn.probes[method][0]

    def attribute_site(self, node) -> bool:
        """Does ``node`` (an attribute) read or write an object of unknown type (a user's
        class, most likely), which goes through a per-site cache (runtime.py, ATTR_CACHE)?"""
        return (getattr(node.value, "_jitcy_type", OBJECT) == OBJECT
                and node.attr not in _PARSER_WORDS and not getattr(node, "_jitcy_method", False)
                and not (isinstance(node.value, ast.Name) and node.value.id in self.globals
                         and self.fn.known_globals.get(node.value.id)))

    def fail(self, node, what):
        raise UnsupportedConstruct(f"{what} is not compiled by jitcy", self.fn.filename,
                                   getattr(node, "lineno", self.fn.node.lineno))

    # -- names ----------------------------------------------------------------------
    def visit_Name(self, node):
        name = node.id
        if name in self.flex_locals and isinstance(node.ctx, ast.Load):
            return self.flex_load(node)
        if (name in self.held_floats and isinstance(node.ctx, ast.Load)
                and getattr(node, "_jitcy_c_operand", False)):
            return ast.copy_location(ast.Name(id=naming.HELD_FLOAT + name, ctx=ast.Load()),
                                     node)
        if name in self.fn.locals:
            new = ast.copy_location(ast.Name(id=safe_local_name(name), ctx=node.ctx), node)
            if (name in self.fn.counters and not self.c_ints and isinstance(node.ctx, ast.Load)
                    and not self.is_c_int(node)):
                return ast.copy_location(_call(naming.AS_OBJECT, new), node)   # a Python int
            return new
        if name in self.cells:
            if not isinstance(node.ctx, ast.Load):
                self.fail(node, f"storing to the free variable {name!r} here")
            return ast.copy_location(
                _call(naming.CELL_GET, _binding(), _const(self.cells[name]), _const(name)), node)
        if name in self.globals:
            if isinstance(node.ctx, ast.Load):
                return ast.copy_location(self.global_load(name), node)
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
        flex = self.flex_assign(node)
        if flex is not None:
            return flex
        node.value = self.visit(node.value)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            stored = self._store_outside(node.targets[0], node.value, node)
            if stored is not None:
                return stored
        target = node.targets[0]
        if (len(node.targets) == 1 and isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name) and target.value.id in self.fn.locals
                and self.attribute_site(target)):
            # obj.name = value through the site's cache. Python evaluates the value, then
            # the object: with a local as the object the order cannot show.
            call = _call(naming.ATTR_SET, self.visit(target.value), _const(target.attr),
                         node.value, self.site(naming.ATTR_SITE, naming.ATTR_CACHE))
            return ast.copy_location(ast.Expr(value=call), node)
        node.targets = [self.visit(t) for t in node.targets]
        return node

    def visit_AugAssign(self, node):
        flex = self.flex_augassign(node)
        if flex is not None:
            return flex
        if isinstance(node.target, ast.Name) and self.c_kind(node.target) != OBJECT:
            # A C scalar has no in-place operator: ``x op= y`` is ``x = x op y``, and spelling
            # it so sends it through the BinOp rewrites (C ``%``, float ``//``, ``**``...).
            load = ast.copy_location(ast.Name(id=node.target.id, ctx=ast.Load()), node)
            load._jitcy_type = node.target._jitcy_type
            value = ast.copy_location(ast.BinOp(left=load, op=node.op, right=node.value), node)
            value._jitcy_type = self.expression_type(value)
            if self.is_c_int(node.target):      # a C counter whose result fits (mark_c_ints)
                load._jitcy_c_int = value._jitcy_c_int = True
            store = ast.copy_location(ast.Name(id=node.target.id, ctx=ast.Store()), node)
            return self.visit(ast.copy_location(ast.Assign(targets=[store], value=value), node))
        in_place = {ast.Mult: naming.OBJECT_IMUL, ast.Add: naming.OBJECT_IADD}.get(type(node.op))
        if (isinstance(node.target, ast.Name) and node.target.id in self.fn.locals
                and in_place and not _concatenation(node.target, node.value)):
            # Objects: the interpreter's in-place operator (see visit_BinOp).
            value = _call(in_place, self.visit(
                ast.copy_location(ast.Name(id=node.target.id, ctx=ast.Load()), node)),
                self.visit(node.value))
            return ast.copy_location(ast.Assign(targets=[self.visit(node.target)],
                                                value=value), node)
        target = node.target
        if (isinstance(target, ast.Attribute) and self.attribute_site(target)
                and (isinstance(node.value, ast.Constant) or (
                    isinstance(node.value, ast.Name) and node.value.id in self.fn.locals
                    and node.value.id not in self.fn.maybe_unbound))):
            # obj.name op= v, obj any expression (flex_augassign took a local obj with a
            # number): obj evaluated once, the attribute through the site caches
            call = _call(naming.ATTR_AUG, self.visit(target.value), _const(target.attr),
                         self.visit(node.value), _const(_AUG_OPS.index(type(node.op))),
                         self.site(naming.ATTR_SITE, naming.ATTR_CACHE),
                         self.site(naming.ATTR_SITE, naming.ATTR_CACHE))
            return ast.copy_location(ast.Expr(value=call), node)
        if isinstance(node.target, ast.Name) and (node.target.id in self.cells
                                                  or node.target.id in self.globals):
            load = ast.copy_location(ast.Name(id=node.target.id, ctx=ast.Load()), node)
            value = ast.BinOp(left=load, op=node.op, right=node.value)
            # In-place operators (list +=) must stay in place: use the operator module's i-ops.
            value = _call(naming.INPLACE, _const(type(node.op).__name__), self.visit(load),
                          self.visit(node.value))
            return self._store_outside(node.target, value, node)
        return self.generic_visit(node)

    def visit_AnnAssign(self, node):
        """Cython reads a local annotation as a C type (``x: float = n`` would make ``x`` a
        double, ``y: int = True`` a type error); Python ignores it. So drop it."""
        if node.value is not None:
            assign = ast.Assign(targets=[node.target], value=node.value)
            return self.visit(ast.copy_location(assign, node))
        if isinstance(node.target, ast.Attribute):      # `obj.x: int` evaluates obj
            return ast.copy_location(ast.Expr(value=self.visit(node.target.value)), node)
        if isinstance(node.target, ast.Subscript):      # `d[k]: int` evaluates d and k
            parts = ast.Tuple(elts=[node.target.value, node.target.slice], ctx=ast.Load())
            return ast.copy_location(ast.Expr(value=self.visit(parts)), node)
        return None                                     # `x: int` alone does nothing

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
        # f(cdef=1) does not parse in Cython; f(**{"cdef": 1}) is the same call.
        node.keywords = [
            ast.keyword(arg=None, value=ast.Dict(keys=[_const(k.arg)], values=[k.value]))
            if k.arg in _PARSER_WORDS else k for k in node.keywords]
        if self._method_call_cannot_bind(node) or self._method_converts_index(node):
            node.func.value = _call(naming.AS_OBJECT, node.func.value)
        callee = (direct_callee(fn.callees, node, [getattr(a, "_jitcy_type", OBJECT)
                                                   for a in node.args], fn.locals)
                  if fn.callees and isinstance(node.func, ast.Name)
                  and node.func.id in self.globals else None)
        if callee is not None:
            # Another compiled function of this module: a C call while it is still bound
            # and swapped (emit_calls.py), else the Python call.
            c_args = [self.c_kind(a) == INT for a in node.args]
            args = [self.visit(a) for a in node.args]
            helper = emit_calls.call_helper_name(callee, c_args)
            direct = _call(helper, _binding(), *args)
            if (self.c_ints and self.inline is False and callee.inline is not None
                    and callee.c_ret in ("double", "bint")
                    and helper == f"{naming.CALL}{callee.index}"):
                # a pure body calls a pure callee copied in: linked, tracing and the copy's
                # globals checked once per call of the body (emit_calls._pure_call_helpers)
                counter = f"{naming.LINK_COUNTER}{callee.index}"
                if counter not in self.link_counters:
                    self.link_counters[counter] = callee.index
                    fn.local_sites.append((counter, "unsigned long long*"))
                checked = _call(helper + naming.PURE_CALL, _binding(),
                                ast.Name(id=counter, ctx=ast.Load()), *args)
                if callee.inline_fast is not None and all(
                        isinstance(a, (ast.Name, ast.Constant)) for a in args):
                    # The copy without checks called at the site itself, the checked call
                    # only otherwise: the checked call's error value is tested only there.
                    # (Plain names and constants only: each is read twice.)
                    checked = ast.IfExp(
                        test=_call(naming.LIKELY, _call(
                            helper + naming.FAST_FITS, ast.Name(id=counter, ctx=ast.Load()),
                            *copy.deepcopy(args))),
                        body=_call(f"{naming.INLINE_FAST}{callee.index}", *copy.deepcopy(args)),
                        orelse=checked)
                return ast.copy_location(checked, node)
            if self.c_ints and callee.inline is not None and callee.c_ret in ("double", "bint"):
                # a pure body (analyzer/purity.py) calls a pure callee only in C: while it
                # is not linked, the body leaves (the entry re-runs the original code)
                python = _call(naming.DEOPT_DOUBLE if callee.c_ret == "double"
                               else naming.DEOPT_BINT)
            else:
                python = ast.Call(func=self.global_load(callee.name),
                                  args=args, keywords=[])
            return ast.copy_location(ast.IfExp(
                test=_call(naming.LINKED, _binding(), _const(callee.index)),
                body=direct, orelse=python), node)
        if (isinstance(node.func, ast.Name) and node.func.id == fn.name
                and fn.name not in fn.locals and fn.name in self.globals
                and self._direct_call_ok(node)):
            args = [self.visit(a) for a in node.args]
            direct = _call(self.impl_name, _binding(), *args)
            if self.c_ints:
                # the entry checked the name once: a C-int body runs no Python code
                if self.depth_counted:
                    budget = ast.BinOp(left=ast.Name(id=naming.RECURSION_BUDGET,
                                                     ctx=ast.Load()),
                                       op=ast.Sub(), right=_const(1))
                    direct.args.append(budget)
                if not self.fn.nogil_blocks:
                    return ast.copy_location(direct, node)
                fallback = _call(naming.DEOPT)
            else:
                fallback = ast.Call(func=self.global_load(fn.name),
                                    args=args, keywords=[])
            return ast.copy_location(ast.IfExp(test=_call(naming.SELF_BOUND, _binding()),
                                               body=direct, orelse=fallback), node)
        if (isinstance(node.func, ast.Name) and node.func.id in ("ord", "chr")
                and node.func.id in fn.builtin_names and len(node.args) == 1
                and not node.keywords and not isinstance(node.args[0], ast.Starred)):
            # Cython's ord() raises ValueError for a string whose length is not 1 (Python:
            # TypeError), and its chr() converts to a C long first, whatever the argument's
            # declared type: both go through a helper that keeps the fast path where valid.
            helper = naming.ORD if node.func.id == "ord" else naming.CHR
            return ast.copy_location(_call(helper, self.visit(node.args[0])), node)
        arithmetic = self.arithmetic_call(node)
        if arithmetic is not None:
            return arithmetic
        fast = self.fast_call(node)
        if fast is not None:
            return fast
        if isinstance(node.func, ast.Attribute):
            node.func._jitcy_method = True     # obj.m(...): Cython's method call, unbound
        if (not self.c_ints and isinstance(node.func, ast.Name) and node.func.id == "len"
                and "len" in fn.builtin_names and not self.is_c_int(node)):
            # Cython computes len() as a C Py_ssize_t; arithmetic on it must stay unbounded.
            return ast.copy_location(_call(naming.AS_OBJECT, self.generic_visit(node)), node)
        return self.generic_visit(node)

    def fast_call(self, node):
        """``obj.m(args)`` (``obj`` a local object, or see ``_receiver_held``) and ``f(args)``
        (``f`` a global or a local object) with at most MAX_FAST_ARGS positional arguments,
        through the per-site caches of runtime.py (METHOD_CACHE, CALL_CACHE); else None."""
        if (node.keywords or len(node.args) > naming.MAX_FAST_ARGS
                or any(isinstance(a, ast.Starred) for a in node.args)):
            return None
        func, n = node.func, len(node.args)
        local = (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                 and func.value.id in self.fn.locals and func.attr not in _PARSER_WORDS
                 and getattr(func.value, "_jitcy_type", OBJECT) == OBJECT)
        if local or self._receiver_held(func):
            # Python looks the method up before it evaluates the arguments: so does this
            # (the lookup is the first argument of the call). An object that is not a local
            # (``a.b.m(...)``, ``xs[i].m(...)``, ``f().m(...)``, ``G.m(...)``) is evaluated
            # once, into a body local of this site, inside the lookup's argument; that local
            # lets go of it once the call returned, as the interpreter's stack does.
            flag = f"{naming.METHOD_FLAG}{len(self.fn.local_sites)}"
            self.fn.local_sites.append((flag, "int"))
            address = _call("cython.address", ast.Name(id=flag, ctx=ast.Load()))
            if local:
                obj = self.visit(func.value)
            else:
                held = f"{naming.METHOD_RECEIVER}{len(self.fn.local_sites)}"
                self.fn.local_sites.append((held, "object"))
                obj = ast.NamedExpr(target=ast.Name(id=held, ctx=ast.Store()),
                                    value=self.visit(func.value))
            # (without arguments: a trivial method's result at once, or a short one's
            # program run at the site, runtime.py; in C of its own where the translation
            # knows the method, method_probes.py)
            lookup_args = [obj, _const(func.attr),
                           self.site(naming.METHOD_SITE, naming.METHOD_CACHE), address]
            if n == 0 and func.attr in self.fn.method_programs:
                probe = ast.Name(id=self.probe(func.attr), ctx=ast.Load())
                lookup = _call(naming.METHOD_LOOKUP_PROBE, *lookup_args,
                               _call("cython.address", probe))
            else:
                lookup = _call(naming.METHOD_LOOKUP_NOARGS if n == 0 else naming.METHOD_LOOKUP,
                               *lookup_args)
            args = [self.visit(a) for a in node.args]
            again = self.visit(func.value) if local else ast.Name(id=held, ctx=ast.Load())
            call = _call(f"{naming.METHOD_CALL}{n}", lookup, address, again, *args)
            if not local:
                call = _call(naming.METHOD_RESULT, call, ast.NamedExpr(
                    target=ast.Name(id=held, ctx=ast.Store()), value=_const(None)))
            return ast.copy_location(call, node)
        if isinstance(func, ast.Name) and (
                func.id in self.globals or (func.id in self.fn.locals
                                            and self.fn.types.get(func.id) == OBJECT)):
            callee = self.visit(func)
            args = [self.visit(a) for a in node.args]
            return ast.copy_location(_call(f"{naming.CALL_ANY}{n}", callee,
                                           self.site(naming.CALL_SITE, naming.CALL_CACHE),
                                           *args), node)
        return None

    def _receiver_held(self, func) -> bool:
        """Does ``func`` (``<object>.m``) take the method cache with its object held in a
        body local (``fast_call``)? For an object of unknown type that is an attribute, an
        item, a call's result or a global (not a module jitcy maps, such as ``math``); not
        inside a comprehension or a lambda, where an assignment expression binds elsewhere
        or is not allowed (a comprehension's iterable)."""
        if (not isinstance(func, ast.Attribute) or self.nested_scopes
                or func.attr in _PARSER_WORDS
                or getattr(func.value, "_jitcy_type", OBJECT) != OBJECT):
            return False
        value = func.value
        if isinstance(value, ast.Name):
            return (value.id in self.globals and value.id not in self.fn.locals
                    and not self.fn.known_globals.get(value.id))
        return isinstance(value, (ast.Attribute, ast.Subscript, ast.Call))

    def _nested_scope(self, node):
        self.nested_scopes += 1
        try:
            return self.generic_visit(node)
        finally:
            self.nested_scopes -= 1

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _nested_scope
    visit_Lambda = _nested_scope

    def _direct_call_ok(self, node) -> bool:
        fn = self.fn
        shape_ok = (not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
                    and len(node.args) == len(fn.params)
                    and len(fn.params) == len(fn.node.args.args))
        if not shape_ok or any(array_info(fn.types.get(p)) for p in fn.params):
            return False    # an array parameter's body also takes its memoryview
        if fn.tuple_items:
            return False    # the items of a tuple argument are checked by the entry only
        for arg, param, observed in zip(node.args, fn.params, fn.arg_types):
            wanted = fn.types.get(param, OBJECT)
            if observed is not object and getattr(arg, "_jitcy_type", OBJECT) != wanted:
                return False
        return True

    # -- except -------------------------------------------------------------------------
    def visit_ExceptHandler(self, node):
        """A handler that may catch this body's own UnboundLocalError first gives it this
        Python's message (the entry does the same for an error that leaves the function)."""
        catches = self.fn.maybe_unbound and _may_catch_unbound(node.type)
        self.generic_visit(node)
        if catches:
            fix = ast.Expr(value=_call(naming.FIX_UNBOUND_CAUGHT))
            node.body = [ast.copy_location(fix, node)] + node.body
        return node

    # -- raise --------------------------------------------------------------------------
    def visit_Raise(self, node):
        """``raise x`` with something that is not an exception: Cython's TypeError says
        "raise: exception class must be a subclass of BaseException"; check it first and
        raise Python's message."""
        self.generic_visit(node)
        if node.exc is not None:
            node.exc = _call(naming.RAISABLE, node.exc, _const(False))
        if node.cause is not None:
            node.cause = _call(naming.RAISABLE, node.cause, _const(True))
        return node

    # -- attributes of typed builtin containers ----------------------------------------
    def visit_Attribute(self, node):
        """Cython resolves ``s.name`` on a typed ``str``/``list``/... at compile time. A name
        the type does not have gets a different AttributeError message ("type object 'str'
        ..."); look it up on a plain object instead, as Python does.

        ``o.cdef`` (and the other words in ``_PARSER_WORDS``) does not parse in Cython:
        read it as ``getattr(o, "cdef")``, which is the same operation."""
        constant = self.math_constant(node)
        if constant is not None:
            return constant
        if node.attr in _PARSER_WORDS:
            if not isinstance(node.ctx, ast.Load):
                self.fail(node, f"storing or deleting the attribute {node.attr!r} (a Cython "
                                f"keyword)")
            getattr_call = _call("getattr", self.visit(node.value), _const(node.attr))
            if "getattr" not in self.fn.builtin_names:
                getattr_call.func = _call(naming.BUILTIN, _const("getattr"))
            return ast.copy_location(getattr_call, node)
        if isinstance(node.ctx, ast.Load) and self.attribute_site(node):
            return ast.copy_location(_call(naming.ATTR_GET, self.visit(node.value),
                                           _const(node.attr),
                                           self.site(naming.ATTR_SITE, naming.ATTR_CACHE)), node)
        container = _container_type(node.value)
        missing = container is not object and not hasattr(container, node.attr)
        self.generic_visit(node)
        if missing:
            node.value = _call(naming.AS_OBJECT, node.value)
        return node

    def _method_converts_index(self, node) -> bool:
        """Cython's versions of some ``str``/``bytes`` methods take their position arguments
        as Py_ssize_t (OverflowError past 2**63, where Python clamps or raises its own
        error). Unless those arguments are C integers, call the method on a plain object."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return False
        positions = _INDEX_ARGUMENTS.get((_container_type(func.value), func.attr), ())
        return any(i < len(node.args) and self.c_kind(node.args[i]) not in (INT, BOOL)
                   for i in positions)

    def _method_call_cannot_bind(self, node) -> bool:
        """``xs.append(1, 2)`` on a typed list is a Cython *compile* error; in Python it is
        a TypeError when (if ever) the line runs. Such calls go through a plain object."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return False
        container = _container_type(func.value)
        method = getattr(container, func.attr, None)
        if (container is object or method is None
                or any(isinstance(a, ast.Starred) for a in node.args)
                or any(k.arg is None for k in node.keywords)):
            return False
        try:
            signature = inspect.signature(method)
        except (TypeError, ValueError):
            return False
        try:
            signature.bind(None, *node.args, **{k.arg: None for k in node.keywords})
        except TypeError:
            return True
        return False

    # -- subscripts ---------------------------------------------------------------------
    def visit_Subscript(self, node):
        """A slice of a typed ``str``/``list``/``tuple``/``bytes`` makes Cython convert the
        bounds to Py_ssize_t (OverflowError past 2**63, where Python clamps). Unless every
        bound is a C integer, slice the value as a plain object."""
        bounds = []
        if isinstance(node.slice, ast.Slice):
            bounds = [b for b in (node.slice.lower, node.slice.upper, node.slice.step)
                      if b is not None]
        typed = getattr(node.value, "_jitcy_type", OBJECT) in (STR, LIST, TUPLE, BYTES)
        unsafe = typed and any(self.c_kind(b) not in (INT, BOOL) for b in bounds)
        bool_index = self.c_kind(node.slice) == BOOL
        speculated = (self.fn.speculated and isinstance(node.ctx, ast.Load)
                      and not isinstance(node.slice, ast.Slice)
                      and getattr(node.value, "_jitcy_type", OBJECT) in (LIST, TUPLE)
                      and getattr(node, "_jitcy_type", OBJECT) == FLOAT)
        self.generic_visit(node)
        if unsafe:
            node.value = _call(naming.AS_OBJECT, node.value)
        if bool_index:
            # Cython indexes with a C bint as with the int 0/1; ``a[True]`` means something
            # else to some objects (a NumPy array: a mask, a new axis).
            node.slice = _call(naming.AS_OBJECT, node.slice)
        if speculated:
            check = naming.SPEC_NUMBER if getattr(node, AS_FLOAT, False) else naming.SPEC_FLOAT
            return ast.copy_location(_call(check, node), node)
        return node

    # -- with jitcy.nogil(): ---------------------------------------------------------
    def visit_With(self, node):
        """The marker is a no-op: the block runs under Cython's ``with nogil:`` where the
        analyzer found it can (``fn.nogil_blocks[line] is None``), else as plain statements.

        ``math`` calls and constants in a body that is not pure check at each use that
        ``math`` (``sqrt``...) is still what the code was compiled for, which needs the
        GIL. Nothing in a nogil block runs Python code, so one check before the block does
        for all its uses; the block is emitted twice::

            if __jitcy_known_ok(__jitcy_b):
                with nogil:
                    <block, math calls straight to the C helpers>
            else:
                <block holding the GIL, calling whatever math is now>
        """
        if node.lineno not in self.fn.nogil_blocks:
            return self.generic_visit(node)
        if self.fn.nogil_blocks[node.lineno] is not None:
            return self._visit_block(node.body)
        # The copy for the GIL-holding variant, visited after the block (both are rewritten
        # in place); the nodes marked C in the block are C in the copy too.
        memo = {}
        spare = copy.deepcopy(node.body, memo)
        self.c_int_nodes |= {id(memo[i]) for i in list(self.c_int_nodes) if i in memo}
        self.in_nogil, self.nogil_known_checks = True, 0
        try:
            body = self._visit_block(node.body)
        finally:
            self.in_nogil = False
        checker = _CheckedNogilInts(self.fn)
        body = [checker.visit(stmt) for stmt in body]
        why = _needs_gil(body)
        if why is not None:
            # The analyzer's rules missed a rewrite that goes through Python objects: keep
            # the GIL (a Cython compile error otherwise) and say why, as the analyzer would.
            self.fn.nogil_blocks[node.lineno] = why
            self.fn.notes.append((node.lineno, f"'with jitcy.nogil()' keeps the GIL: {why}"))
            return self._visit_block(spare)
        item = ast.withitem(context_expr=ast.Name(id="nogil", ctx=ast.Load()))
        released = ast.copy_location(ast.With(items=[item], body=body), node)
        if not self.nogil_known_checks:
            return released
        test = _call(naming.KNOWN_OK, _binding())
        return ast.copy_location(ast.If(test=test, body=[released],
                                        orelse=self._visit_block(spare)), node)

    def finish(self, body) -> list:
        """The body, after the hoisted link checks of its pure calls (visit_Call)."""
        checks = [ast.Assign(targets=[ast.Name(id=counter, ctx=ast.Store())],
                             value=_call(f"{naming.CALL_READY}{i}", _binding()))
                  for counter, i in self.link_counters.items()]
        for check in checks:
            ast.copy_location(check, body[0] if body else self.fn.node)
        return checks + body

    def _visit_block(self, statements) -> list:
        body = []
        for stmt in self.group_float_blocks(statements):
            new = self.visit(stmt)
            body.extend(new if isinstance(new, list) else [new] if new is not None else [])
        return body or [ast.Pass()]


_NOGIL_CALLS = frozenset({naming.CHECKED_NOGIL + "add", naming.CHECKED_NOGIL + "sub",
                          naming.CHECKED_NOGIL + "mul", naming.CHECKED_NOGIL + "floordiv",
                          naming.FLOAT_DIV, naming.FLOAT_DIV_NZ, naming.MOD_LL, naming.FLOAT_POW,
                          "range", "abs", "min", "max"}
                         | {naming.MATH_C + name for name in C_MATH}
                         | {naming.MATH_LIBM + name for name in SAFE_ARGUMENT}
                         | {naming.MATH_SAFE + name for name in SAFE_ARGUMENT}
                         | {naming.LIKELY})


_NOGIL_PREFIXES = (naming.ARRAY_AT, naming.ARRAY_LOAD, naming.ARRAY_STORE,
                   naming.NP_FLOAT_OP, naming.NP_INT_OP)     # NumPy scalars: GIL to warn
_NOGIL_ARRAY = frozenset({naming.ARRAY_INDEX, naming.ARRAY_INDEX_NONNEG,
                          naming.NP_AS_DOUBLE, naming.NP_TRUTH})


def _needs_gil(body) -> str | None:
    """Why the rewritten block cannot run without the GIL (a call that is not C, or an
    attribute or subscript left on an object), or None."""
    for stmt in body:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Call):
                name = sub.func.id if isinstance(sub.func, ast.Name) else None
                if name in _NOGIL_CALLS or name in _NOGIL_ARRAY or (
                        name and name.startswith(_NOGIL_PREFIXES)):
                    continue
                what = name or "a call"
            elif isinstance(sub, (ast.Subscript, ast.Attribute)):
                what = "an object subscript" if isinstance(sub, ast.Subscript) else "an attribute"
            elif getattr(sub, "_jitcy_unknown", False):
                what = "arithmetic on operands of unknown C type"
            else:
                continue
            return (f"line {getattr(sub, 'lineno', '?')}: the compiled code goes through "
                    f"Python objects there ({what})")
    return None


class _CheckedNogilInts(ast.NodeTransformer):
    """Inside ``with nogil:``, C-int ``+ - * //`` and negation call checked helpers that take
    the GIL to raise (the analyzer allows no other C-int arithmetic there but ``%``, whose
    helper is nogil already, and bitwise operators, which cannot fail). The kind of each
    operand is worked out on the rewritten code itself: names by their local's type, array
    loads by their element type, helpers by what they return."""

    _HELPERS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.FloorDiv: "floordiv"}
    _FLOAT_CALLS = frozenset({naming.FLOAT_DIV, naming.FLOAT_DIV_NZ, naming.ARRAY_LOAD + "double",
                              naming.FLOAT_POW}
                             | {naming.MATH_C + name for name, kind in RESULT.items()
                                if kind == FLOAT and name in C_MATH}
                             | {naming.MATH_LIBM + name for name in SAFE_ARGUMENT})

    def __init__(self, fn):
        self.kinds = {safe_local_name(n): t for n, t in fn.types.items()}
        self.kinds.update({naming.MATH_CONST + name: FLOAT for name in CONSTANTS})

    def kind(self, node):
        if isinstance(node, ast.Constant):
            return FLOAT if type(node.value) is float else INT if isinstance(
                node.value, int) else None
        if isinstance(node, ast.Name):
            t = self.kinds.get(node.id)
            return t if t in (INT, FLOAT, BOOL) else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in self._FLOAT_CALLS:
                return FLOAT
            if name.startswith(naming.MATH_C):
                return BOOL           # isnan, isinf, isfinite
            if name.startswith((naming.CHECKED_NOGIL, naming.ARRAY_LOAD)) or name in (
                    naming.MOD_LL,):
                return INT
            if name in ("abs", "min", "max"):
                kinds = {self.kind(a) for a in node.args}
                return kinds.pop() if len(kinds) == 1 else None
            return None
        if isinstance(node, ast.BinOp):
            left, right = self.kind(node.left), self.kind(node.right)
            if FLOAT in (left, right):
                return FLOAT
            return INT if left in (INT, BOOL) and right in (INT, BOOL) else None
        if isinstance(node, ast.UnaryOp):
            return BOOL if isinstance(node.op, ast.Not) else self.kind(node.operand)
        if isinstance(node, ast.IfExp):
            body, orelse = self.kind(node.body), self.kind(node.orelse)
            return body if body == orelse else None
        return None

    def visit_BinOp(self, node):
        self.generic_visit(node)
        helper = self._HELPERS.get(type(node.op))
        if helper and self.kind(node.left) in (INT, BOOL) and self.kind(node.right) in (INT, BOOL):
            return ast.copy_location(
                _call(naming.CHECKED_NOGIL + helper, node.left, node.right), node)
        if helper and FLOAT not in (self.kind(node.left), self.kind(node.right)):
            # Unknown operand kinds: not provably C float arithmetic, so no unchecked C int
            # arithmetic either: the caller keeps the GIL.
            node._jitcy_unknown = True
        return node


_CONTAINER_TYPES = {STR: str, BYTES: bytes, LIST: list, TUPLE: tuple, DICT: dict, SET: set}

#: (type, method) -> positions of the arguments Cython converts to Py_ssize_t
#: (Cython/Compiler/Optimize.py, ``_handle_simple_method_*``).
_INDEX_ARGUMENTS = {
    (str, "find"): (1, 2), (str, "rfind"): (1, 2), (str, "count"): (1, 2),
    (str, "startswith"): (1, 2), (str, "endswith"): (1, 2),
    (str, "split"): (1,), (str, "replace"): (2,),
    (bytes, "startswith"): (1, 2), (bytes, "endswith"): (1, 2),
}


def _container_type(node):
    """The builtin type Cython declares this expression as, or ``object``."""
    return _CONTAINER_TYPES.get(getattr(node, "_jitcy_type", OBJECT), object)


#: The operators of ``obj.name op= v`` (runtime.py ATTR_AUG: the C helper's op is the index)
_AUG_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift,
            ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor, ast.MatMult)
_UNBOUND_BASES = {"UnboundLocalError", "NameError", "Exception", "BaseException"}


def _may_catch_unbound(kind) -> bool:
    """Could ``except kind:`` catch an UnboundLocalError? (yes unless every name in it is a
    builtin exception outside UnboundLocalError's bases; a shadowed name counts as unknown,
    which is the safe side)"""
    if kind is None:
        return True
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    for name in names:
        if not isinstance(name, ast.Name) or name.id in _UNBOUND_BASES:
            return True
        if not isinstance(getattr(builtins, name.id, None), type):
            return True
    return False


def annotate_types(fn: TypedFunction) -> None:
    """Attach the inferred type of every expression (``_jitcy_type``) for the rewriter."""
    expression_type = fn.expression_typer()   # the same rules the analyzer used
    for sub in ast.walk(fn.node):
        if isinstance(sub, ast.expr):
            sub._jitcy_type = expression_type(sub)
