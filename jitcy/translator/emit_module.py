"""Typed function -> the text of one ``.pyx`` module.

For ``def total(n): s = 0; for i in range(n): s += i; return s`` observed with an int,
the module holds (abridged)::

    cdef long long __jitcy_impl_c(__jitcy_Binding __jitcy_b, long long n):
        cdef long long s
        cdef long long i
        s = 0
        for i in range(n):
            s += i                      # overflowcheck=True: OverflowError, never a wrap
        return s

    cdef object __jitcy_impl_obj(__jitcy_Binding __jitcy_b, object n):
        ...                             # the same body with ints as Python objects

    def __jitcy_entry(__jitcy_Binding __jitcy_b, __jitcy_a0):
        if not (type(__jitcy_a0) is int):
            return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0)   # guard miss
        ... convert; try the C-int body; on overflow re-run the object body ...

The ``__jitcy_Binding`` carries the function's globals, builtins, cells and fallback, so one
compiled module serves any function object with this code (closures made twice included).
"""
from __future__ import annotations

import ast
import copy

from ..analyzer.model import INT, OBJECT, TypedFunction
from . import naming
from .rewrite_names import RewriteNames, annotate_types, safe_local_name

DIRECTIVES = {
    "language_level": "3",
    "binding": "False",
    "boundscheck": "True",
    "wraparound": "True",
    "cdivision": "False",
    "overflowcheck": "True",
    "infer_types": "False",
    "initializedcheck": "True",
    "embedsignature": "False",
    "always_allow_keywords": "False",
    "emit_code_comments": "False",
}

_RUNTIME = '''
cimport cython
from cpython.ref cimport PyObject
from libc.limits cimport LLONG_MIN
import operator as {p}operator

cdef extern from *:
    """
    static inline unsigned long long {p}dict_version(PyObject *d) {{
    #if PY_VERSION_HEX < 0x030E0000
    #if defined(__GNUC__)
    #pragma GCC diagnostic push
    #pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    #endif
        return (unsigned long long)((PyDictObject *)d)->ma_version_tag;
    #if defined(__GNUC__)
    #pragma GCC diagnostic pop
    #endif
    #else
        return 0;  /* no version tags: every check does the dict lookup */
    #endif
    }}
    """
    unsigned long long {p}dict_version(PyObject *d)
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL
    PyObject* PyCell_GET(PyObject* cell)
    int PyCell_Set(object cell, object value) except -1
    int Py_EnterRecursiveCall(const char *where) except -1
    void Py_LeaveRecursiveCall()
    long long PyLong_AsLongLongAndOverflow(object o, int *overflow) except? -1


class {p}Deopt(Exception):
    """Leave the C-integer body; the entry re-runs the call with Python ints."""


cdef class {p}Binding:
    cdef dict globals
    cdef dict builtins
    cdef tuple cells
    cdef object fallback
    cdef object state
    cdef object self_func
    cdef str self_name
    cdef unsigned long long self_version
    cdef unsigned long long builtins_version


def {p}make_binding(func, fallback, state, str self_name):
    cdef {p}Binding b = {p}Binding()
    b.globals = func.__globals__
    builtins = func.__builtins__
    b.builtins = builtins if type(builtins) is dict else builtins.__dict__
    b.cells = func.__closure__ or ()
    b.fallback = fallback
    b.state = state
    b.self_func = func
    b.self_name = self_name
    return b


cdef object {p}global_get({p}Binding b, str name):
    cdef PyObject* value = PyDict_GetItemWithError(b.globals, name)
    if value is NULL:
        value = PyDict_GetItemWithError(b.builtins, name)
        if value is NULL:
            raise NameError(f"name '{{name}}' is not defined")
    return <object>value


cdef int {p}global_set({p}Binding b, str name, value) except -1:
    b.globals[name] = value
    return 0


cdef int {p}global_del({p}Binding b, str name) except -1:
    try:
        del b.globals[name]
    except KeyError:
        raise NameError(f"name '{{name}}' is not defined") from None
    return 0


cdef object {p}cell_get({p}Binding b, Py_ssize_t i, str name):
    cdef PyObject* value = PyCell_GET(<PyObject*>b.cells[i])
    if value is NULL:
        raise NameError(f"cannot access free variable '{{name}}' where it is not "
                        f"associated with a value in enclosing scope")
    return <object>value


cdef int {p}cell_set({p}Binding b, Py_ssize_t i, value) except -1:
    PyCell_Set(b.cells[i], value)
    return 0


cdef object {p}inplace(str op, a, b):
    return getattr({p}operator, "i" + {{"Add": "add", "Sub": "sub", "Mult": "mul",
        "Div": "truediv", "FloorDiv": "floordiv", "Mod": "mod", "Pow": "pow",
        "LShift": "lshift", "RShift": "rshift", "BitOr": "or", "BitXor": "xor",
        "BitAnd": "and", "MatMult": "matmul"}}[op])(a, b)


cdef inline object {p}obj(object value):
    return value


cdef inline long long {p}abs_ll(long long x) except? -1:
    if x == LLONG_MIN:
        raise OverflowError("abs() of the smallest C long long")
    return -x if x < 0 else x


@cython.cdivision(True)
cdef inline double {p}fdiv(double a, double b) except? -1.0:
    if b == 0.0:
        raise ZeroDivisionError("float division by zero")
    return a / b


cdef inline bint {p}self_bound({p}Binding b) except -1:
    """Is the function's global name still bound to this function? (dict version cached)"""
    cdef unsigned long long version = {p}dict_version(<PyObject*>b.globals)
    if version != 0 and version == b.self_version:
        return True
    cdef PyObject* value = PyDict_GetItemWithError(b.globals, b.self_name)
    if value is not NULL and value == <PyObject*>b.self_func:
        b.self_version = version
        return True
    return False
'''


def _header(fn: TypedFunction) -> str:
    directives = ", ".join(f"{k}={v}" for k, v in DIRECTIVES.items())
    return (f"# cython: {directives}\n"
            f"# Generated by jitcy from {fn.qualname} ({fn.filename}:{fn.node.lineno}).\n"
            f"# Do not edit: it is rebuilt from the source whenever the function changes.\n")


def _indent(text: str, level: int = 1) -> str:
    pad = "    " * level
    return "\n".join(pad + line if line.strip() else line for line in text.splitlines())


def _impl(fn: TypedFunction, *, c_ints: bool, name: str, ret: str) -> str:
    node = copy.deepcopy(fn.node)
    annotated = TypedFunction(**{**fn.__dict__, "node": node, "c_ints": c_ints})
    annotate_types(annotated)
    rewriter = RewriteNames(annotated, c_ints=c_ints, impl_name=name)
    body = []
    for stmt in node.body:
        new = rewriter.visit(stmt)
        body.extend(new if isinstance(new, list) else [new] if new is not None else [])
    if not body:
        body = [ast.Pass()]
    module = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
    params = set(fn.params)
    decls = [f"cdef {annotated.c_type(v)} {safe_local_name(v)}"
             for v in sorted(fn.locals - params) if annotated.c_type(v) != OBJECT]
    text = ast.unparse(module)
    sig = ", ".join([f"{naming.BINDING_CLASS} {naming.BINDING_ARG}"]
                    + [f"{annotated.c_type(p)} {safe_local_name(p)}" for p in fn.params])
    body_name = name + "_body" if fn.self_recursive else name
    out = [f"cdef {ret} {body_name}({sig}):"]
    out += ["    " + d for d in decls]
    out.append(_indent(text))
    if fn.self_recursive:
        # Direct C recursion must still hit Python's recursion limit, not the C stack.
        args = ", ".join([naming.BINDING_ARG] + [safe_local_name(p) for p in fn.params])
        out += ["", "", f"cdef {ret} {name}({sig}):",
                "    Py_EnterRecursiveCall(b\"\")",
                "    try:",
                f"        return {body_name}({args})",
                "    finally:",
                "        Py_LeaveRecursiveCall()"]
    return "\n".join(out)


def _return_ctype(fn: TypedFunction, c_ints: bool) -> str:
    probe = TypedFunction(**{**fn.__dict__, "c_ints": c_ints,
                             "types": {**fn.types, "<return>": fn.return_type}})
    return probe.c_type("<return>")


def emit_module(fn: TypedFunction) -> str:
    """The complete ``.pyx`` text for one specialization of ``fn``."""
    p = naming.PREFIX
    parts = [_header(fn), _RUNTIME.format(p=p)]
    bare = tuple(sorted(fn.builtin_names))
    parts.append(f"cdef tuple {p}BARE_BUILTINS = {bare!r}\n")
    parts.append(f'''
cdef inline bint {naming.BUILTINS_OK}({naming.BINDING_CLASS} b) except -1:
    """Bare builtins compile natively only while the module does not shadow them."""
    cdef unsigned long long version = {p}dict_version(<PyObject*>b.globals)
    if version != 0 and version == b.builtins_version:
        return True
    for name in {p}BARE_BUILTINS:
        if name in b.globals:
            return False
    b.builtins_version = version
    return True
''')
    use_c = fn.c_ints
    ret_obj = _return_ctype(fn, False)
    if use_c:
        ret_c = _return_ctype(fn, True)
        parts.append(f"\ncdef {ret_c} {naming.DEOPT}():\n    raise {naming.DEOPT_ERROR}()\n")
        parts.append(_impl(fn, c_ints=True, name=naming.IMPL_C, ret=ret_c))
    parts.append(_impl(fn, c_ints=False, name=naming.IMPL_OBJ, ret=ret_obj))
    parts.append(_entry(fn, use_c))
    return "\n\n".join(parts) + "\n"


def _entry(fn: TypedFunction, use_c: bool) -> str:
    b = naming.BINDING_ARG
    raw = [f"{naming.PREFIX}a{i}" for i in range(len(fn.params))]
    guards = [f"type({r}) is {t.__name__}" for r, t in zip(raw, fn.arg_types) if t is not object]
    lines = [f"def {naming.ENTRY}({naming.BINDING_CLASS} {b}{''.join(', ' + r for r in raw)}):"]
    fallback = f"return {b}.fallback({b}.state{''.join(', ' + r for r in raw)})"
    c_params = [i for i, p in enumerate(fn.params) if fn.types.get(p) == INT]
    if use_c:
        lines += [f"    cdef long long {naming.PREFIX}c{i}" for i in c_params]
        lines.append(f"    cdef int {naming.PREFIX}overflow = 0")
    condition = " and ".join(guards + [f"{naming.BUILTINS_OK}({b})"]) if fn.builtin_names \
        else " and ".join(guards)
    if condition:
        lines += [f"    if not ({condition}):", f"        {fallback}"]
    obj_call = f"{naming.IMPL_OBJ}({b}{''.join(', ' + r for r in raw)})"
    if use_c:
        for i in c_params:
            lines.append(f"    {naming.PREFIX}c{i} = PyLong_AsLongLongAndOverflow("
                         f"{raw[i]}, &{naming.PREFIX}overflow)")
            lines.append(f"    if {naming.PREFIX}overflow:")
            lines.append(f"        return {obj_call}")
        c_args = [f"{naming.PREFIX}c{i}" if i in c_params else r for i, r in enumerate(raw)]
        lines += ["    try:",
                  f"        return {naming.IMPL_C}({b}{''.join(', ' + a for a in c_args)})",
                  f"    except (OverflowError, {naming.DEOPT_ERROR}):",
                  "        pass   # a pure body: re-running it with Python ints repeats nothing"]
    lines.append(f"    return {obj_call}")
    return "\n".join(lines)
