"""C helpers for values held unboxed when they are floats ("flex" values, rewrite_flex.py).

A local of unknown type that takes part in arithmetic keeps its Python object variable and
gains a C double beside it. The object variable holds either a real object or the module's
``UNBOXED`` marker, which says "the value is the float in the double". An operand of a
flex operation is one of:

* ``F``: an object and the address of a double (a flex local; a nested flex operation and
  its temporary double; any object expression, whose double is never read): the value is a
  float when the object is the marker (the double) or an exact ``float`` (its value);
* ``D``: a C double; ``I``: a C long long (a C int, a bool, an int literal).

When both values are floats (or a float and a C int) the operation is C arithmetic and the
result is the marker plus the double (no float object is made); otherwise both operands are
boxed and the interpreter's own operator runs (``PyNumber_Add``, ``PyObject_RichCompare``...),
so every other type, every error and every message is Python's (with one shortcut there:
an exact int of at most 30 bits and a C int add, subtract, multiply and compare in C when
the result fits, giving the same int Python's operator would). A true division by zero
and a comparison of a float with a C int beyond 2**53 (Python compares those exactly) take
that path too. A flex value that leaves for anywhere else is boxed (``box``).
"""
from __future__ import annotations

import re

from . import naming

#: op -> (C operator or None, the interpreter's function for the boxed path, in place?)
ARITH = {
    "add": ("+", "PyNumber_Add"), "sub": ("-", "PyNumber_Subtract"),
    "mul": ("*", "PyNumber_Multiply"), "div": ("/", "PyNumber_TrueDivide"),
    "iadd": ("+", "PyNumber_InPlaceAdd"), "isub": ("-", "PyNumber_InPlaceSubtract"),
    "imul": ("*", "PyNumber_InPlaceMultiply"), "idiv": ("/", "PyNumber_InPlaceTrueDivide"),
    "pow": ("**", "PyNumber_Power"), "ipow": ("**", "PyNumber_InPlacePower"),
}
#: float ** float in C on the path CPython's float_pow takes to C's pow (finite non-zero
#: operands, a negative base only with an integral exponent, a finite result); zeros,
#: ones, NaN, infinities, overflow and complex results are the interpreter's ``**``.
_POW = """if (isfinite(v_a) && isfinite(v_b) && v_a != 0.0 && v_b != 0.0) {
            double ax = v_a, p;
            int negate = 0;
            if (v_a < 0.0) {
                if (v_b != floor(v_b)) goto boxed;        /* complex: Python's path */
                ax = -v_a;
                negate = fmod(v_b < 0.0 ? -v_b : v_b, 2.0) == 1.0;
            }
            if (ax != 1.0) {
                p = pow(ax, v_b);
                if (isfinite(p))
                    return {p}fset(r, negate ? -p : p);
            }
        }
        goto boxed;
"""
COMPARE = {"lt": ("<", "Py_LT"), "le": ("<=", "Py_LE"), "gt": (">", "Py_GT"),
           "ge": (">=", "Py_GE"), "eq": ("==", "Py_EQ"), "ne": ("!=", "Py_NE")}
#: Operand kinds of the binary helpers (two C kinds are plain C arithmetic, never flex).
KINDS = ("FF", "FD", "FI", "DF", "IF")

_C_PARAM = {"F": "PyObject *{n}, double *{n}d", "D": "double {n}", "I": "long long {n}"}
_C_ARG = {"F": "{n}, {n}d", "D": "{n}", "I": "{n}"}
_CY_PARAM = {"F": "object {n}, double* {n}d", "D": "double {n}", "I": "long long {n}"}


def _value(kind: str, n: str) -> str:
    """C: put operand n's float value in v_n, or goto boxed."""
    if kind == "F":
        return (f"if ({n} == {{p}}U) v_{n} = *{n}d;\n"
                f"        else if (Py_IS_TYPE({n}, &PyFloat_Type)) v_{n} = PyFloat_AS_DOUBLE({n});\n"
                f"        else goto boxed;\n")
    if kind == "I":
        return f"v_{n} = (double){n};\n"
    return f"v_{n} = {n};\n"


def _box(kind: str, n: str) -> str:
    if kind == "F":
        return f"B{n} = {{p}}fbox({n}, {n}d);\n"
    if kind == "I":
        return f"B{n} = PyLong_FromLongLong({n});\n"
    return f"B{n} = PyFloat_FromDouble({n});\n"


def _int_exact(kind: str, n: str) -> str:
    """Comparisons: Python compares a float with an int exactly; C converts the int to a
    double, which is exact only up to 2**53."""
    if kind != "I":
        return ""
    return f"if ({n} > 9007199254740992LL || {n} < -9007199254740992LL) goto boxed;\n        "


#: Operations an exact int object and a C int (kinds FI, IF) do in C on the boxed path: the
#: flex local holds an int (a list element, a counter kept as an object), not a float.
_INT_OPS = {"add": "__builtin_add_overflow", "iadd": "__builtin_add_overflow",
            "sub": "__builtin_sub_overflow", "isub": "__builtin_sub_overflow",
            "mul": "__builtin_mul_overflow", "imul": "__builtin_mul_overflow"}


def _int_path(name: str, kinds: str) -> str:
    """C: the boxed path's shortcut for an exact int operand with a C int (GCC/clang):
    the same value Python's int operation gives (no overflow, else the interpreter's), a
    comparison exact. Two flex operands (FF) that both hold small exact ints (an int
    attribute, a counter kept as an object: richards' priorities, chaos' indexes) take it
    too, as the interpreter's BINARY_OP_ADD_INT and COMPARE_OP_INT do."""
    if kinds == "FF":
        if name in _INT_OPS:
            return f"""#if defined(__GNUC__) || defined(__clang__)
        {{
            long long x, y, v;
            if ({{p}}small_int(a, &x) && {{p}}small_int(b, &y) && !{_INT_OPS[name]}(x, y, &v))
                return PyLong_FromLongLong(v);
        }}
        #endif
        """
        if name in COMPARE:
            return f"""{{
            long long x, y;
            if ({{p}}small_int(a, &x) && {{p}}small_int(b, &y)) {{
                res = (x {COMPARE[name][0]} y) ? Py_True : Py_False;
                Py_INCREF(res);
                return res;
            }}
        }}
        """
        return ""
    if kinds not in ("FI", "IF"):
        return ""
    obj, c = ("a", "b") if kinds == "FI" else ("b", "a")
    x, y = ("x", c) if kinds == "FI" else (c, "x")
    if name in _INT_OPS:
        return f"""#if defined(__GNUC__) || defined(__clang__)
        {{
            long long x, v;
            if ({{p}}small_int({obj}, &x) && !{_INT_OPS[name]}({x}, {y}, &v))
                return PyLong_FromLongLong(v);
        }}
        #endif
        """
    if name in COMPARE:
        return f"""{{
            long long x;
            if ({{p}}small_int({obj}, &x)) {{
                res = ({x} {COMPARE[name][0]} {y}) ? Py_True : Py_False;
                Py_INCREF(res);
                return res;
            }}
        }}
        """
    return ""


def _binary(name: str, kinds: str, body_fast: str, body_slow: str) -> str:
    ka, kb = kinds
    params = ", ".join([_C_PARAM[ka].format(n="a"), _C_PARAM[kb].format(n="b")])
    args = ", ".join([_C_ARG[ka].format(n="a"), _C_ARG[kb].format(n="b")])
    # Two functions: the C fast path, inlined at each use (so the doubles of flex locals,
    # whose addresses it takes, can stay in registers), and the boxed path it tail-calls,
    # out of line (it is big and rare).
    return f"""
    static PyObject *{{p}}fx_{name}_{kinds}_boxed(double *r, {params}) {{
        PyObject *Ba, *Bb, *res;
        {_int_path(name, kinds)}{_box(ka, "a")}        if (Ba == NULL) return NULL;
        {_box(kb, "b")}        if (Bb == NULL) {{ Py_DECREF(Ba); return NULL; }}
        {body_slow}
        Py_DECREF(Ba);
        Py_DECREF(Bb);
        return res;
    }}

    static {{p}}FX_INLINE PyObject *{{p}}fx_{name}_{kinds}(double *r, {params}) {{
        double v_a, v_b;
        {"PyObject *res;" if "res" in body_fast else ""}
        {_value(ka, "a")}        {_value(kb, "b")}        {body_fast}
    boxed:
        return {{p}}fx_{name}_{kinds}_boxed(r, {args});
    }}
"""


def c_text() -> str:
    out = ["""
    #include <math.h>
    #if defined(__GNUC__) || defined(__clang__)
    #define {p}FX_INLINE inline __attribute__((always_inline))
    #elif defined(_MSC_VER)
    #define {p}FX_INLINE __forceinline
    #else
    #define {p}FX_INLINE inline
    #endif
    static PyObject *{p}U = NULL;     /* the value is the float in the double beside it */

    static {p}FX_INLINE PyObject *{p}fbox(PyObject *a, double *ad) {
        if (a == {p}U)
            return PyFloat_FromDouble(*ad);
        Py_INCREF(a);
        return a;
    }

    static {p}FX_INLINE PyObject *{p}fset(double *r, double v) {    /* a float result, unboxed */
        *r = v;
        Py_INCREF({p}U);
        return {p}U;
    }

    static {p}FX_INLINE PyObject *{p}ffrom(double *r, double v) {   /* a C double stored in a flex local */
        return {p}fset(r, v);
    }

    static PyObject *{p}fcompare(PyObject *a, PyObject *b, int op) {
        /* ints and floats compare through their own slot, as the interpreter's
           specialized COMPARE_OP does: no recursion check ("... in comparison") */
        PyTypeObject *ta = Py_TYPE(a), *tb = Py_TYPE(b);
        if ((ta == &PyLong_Type || ta == &PyFloat_Type)
                && (tb == &PyLong_Type || tb == &PyFloat_Type)) {
            PyObject *res = ta->tp_richcompare(a, b, op);
            if (res != Py_NotImplemented)
                return res;
            Py_DECREF(res);
            {
                static const int swapped[] = {Py_GT, Py_GE, Py_EQ, Py_NE, Py_LT, Py_LE};
                return tb->tp_richcompare(b, a, swapped[op]);
            }
        }
        return PyObject_RichCompare(a, b, op);
    }

    /* o[i] for a flex operand (i a C int): an exact float item of an exact list or tuple
       is read borrowed into *r (the marker returned: no reference to the item taken or
       dropped); anything else is Python's o[i] (a new reference, or NULL and the error). */
    static PyObject *{p}fx_item_boxed(PyObject *o, Py_ssize_t i) {
        PyObject *key = PyLong_FromSsize_t(i), *res;
        if (key == NULL) return NULL;
        res = PyObject_GetItem(o, key);
        Py_DECREF(key);
        return res;
    }

    static {p}FX_INLINE PyObject *{p}fx_item(double *r, PyObject *o, Py_ssize_t i) {
        PyObject *v;
        Py_ssize_t n, k;
        if (PyList_CheckExact(o)) n = PyList_GET_SIZE(o);
        else if (PyTuple_CheckExact(o)) n = PyTuple_GET_SIZE(o);
        else return {p}fx_item_boxed(o, i);
        k = i < 0 ? i + n : i;
        if ((size_t)k >= (size_t)n) return {p}fx_item_boxed(o, i);   /* the IndexError */
        v = PyList_CheckExact(o) ? PyList_GET_ITEM(o, k) : PyTuple_GET_ITEM(o, k);
        if (Py_IS_TYPE(v, &PyFloat_Type)) return {p}fset(r, PyFloat_AS_DOUBLE(v));
        Py_INCREF(v);
        return v;
    }

    /* o[i] = v (i a C int, v a new value): an exact list with i in range is stored into
       directly, as list_ass_item does; anything else is Python's o[i] = v. */
    static int {p}fset_item(PyObject *o, Py_ssize_t i, PyObject *v) {
        PyObject *key, *old;
        int res;
        if (PyList_CheckExact(o)) {
            Py_ssize_t n = PyList_GET_SIZE(o), k = i < 0 ? i + n : i;
            if ((size_t)k < (size_t)n) {
                old = PyList_GET_ITEM(o, k);
                Py_INCREF(v);
                PyList_SET_ITEM(o, k, v);
                Py_DECREF(old);
                return 0;
            }
        }
        key = PyLong_FromSsize_t(i);
        if (key == NULL) return -1;
        res = PyObject_SetItem(o, key, v);
        Py_DECREF(key);
        return res;
    }

    /* o[i] = a flex value (a, *ad). A float result replacing an exact float item that only
       the list holds (its refcount is 1: nothing else can see that object) is written into
       that float object in place: no float made, none freed (floats have no weakrefs, so
       no one can tell). Anything else is boxed and stored as fset_item stores it. */
    static int {p}fset_item_F(PyObject *o, Py_ssize_t i, PyObject *a, double *ad) {
        PyObject *v;
        int res;
        if (a == {p}U && PyList_CheckExact(o)) {
            Py_ssize_t n = PyList_GET_SIZE(o), k = i < 0 ? i + n : i;
            if ((size_t)k < (size_t)n) {
                v = PyList_GET_ITEM(o, k);
                if (Py_IS_TYPE(v, &PyFloat_Type) && Py_REFCNT(v) == 1) {
                    ((PyFloatObject *)v)->ob_fval = *ad;
                    return 0;
                }
            }
        }
        v = {p}fbox(a, ad);
        if (v == NULL) return -1;
        res = {p}fset_item(o, i, v);
        Py_DECREF(v);
        return res;
    }

    /* Float blocks (float_blocks.py): straight runs of float arithmetic on flex locals and
       list items, run in C doubles once these checks pass before the run. */
    static inline int {p}bk_list(PyObject *o, Py_ssize_t n, unsigned long long mask) {
        /* an exact list of at least n items, each item whose bit is set an exact float */
        Py_ssize_t k;
        if (!PyList_CheckExact(o) || PyList_GET_SIZE(o) < n) return 0;
        for (k = 0; mask != 0; k++, mask >>= 1)
            if ((mask & 1) && !Py_IS_TYPE(PyList_GET_ITEM(o, k), &PyFloat_Type)) return 0;
        return 1;
    }

    static inline int {p}bk_load(PyObject *a, double *ad) {
        /* a flex local holds a float: the marker (its double has the value) or a float */
        if (a == {p}U) return 1;
        if (!Py_IS_TYPE(a, &PyFloat_Type)) return 0;
        *ad = PyFloat_AS_DOUBLE(a);
        return 1;
    }

    static inline double {p}bk_item(PyObject *o, Py_ssize_t k) {
        return PyFloat_AS_DOUBLE(PyList_GET_ITEM(o, k));     /* checked by bk_list */
    }

    static inline int {p}bk_store(PyObject *o, Py_ssize_t k, double v) {
        /* o[k] = v, o[k] a float (checked by bk_list, or stored by the block): written in
           place when only the list holds it (fset_item_F's rule). 1: no memory for a new
           float, nothing changed, the error cleared (the run leaves; its own statement
           then fails as the interpreter's does). */
        PyObject *old = PyList_GET_ITEM(o, k), *v_obj;
        if (Py_REFCNT(old) == 1) {
            ((PyFloatObject *)old)->ob_fval = v;
            return 0;
        }
        v_obj = PyFloat_FromDouble(v);
        if (v_obj == NULL) {
            PyErr_Clear();
            return 1;
        }
        PyList_SET_ITEM(o, k, v_obj);
        Py_DECREF(old);             /* a float also held elsewhere: not freed here */
        return 0;
    }

    static inline double {p}bk_div(double a, double b) {
        return a / b;               /* b != 0.0: checked before, as float_div checks */
    }

    static inline double {p}bk_pow(double a, double b) {
        /* a ** b as the flex helpers compute it in C (_POW); NaN on every other path
           (zeros, ones, NaN, infinities, overflow, a complex result): the run leaves
           and the statement runs as the interpreter runs it */
        double ax = a, p;
        int negate = 0;
        if (!(isfinite(a) && isfinite(b) && a != 0.0 && b != 0.0)) return NAN;
        if (a < 0.0) {
            if (b != floor(b)) return NAN;
            ax = -a;
            negate = fmod(b < 0.0 ? -b : b, 2.0) == 1.0;
        }
        if (ax == 1.0) return NAN;
        p = pow(ax, b);
        if (!isfinite(p)) return NAN;
        return negate ? -p : p;
    }

    static inline PyObject *{p}bk_marker(void) {
        Py_INCREF({p}U);
        return {p}U;
    }

    static int {p}fx_init(void) {
        if ({p}U == NULL)
            {p}U = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
        return {p}U == NULL ? -1 : 0;
    }

    /* An exact int within 30 bits (3.11: one digit), as a C long long; 0 if not one (any
       other object, the flex marker, a bool, a bigger int: the caller's boxed path). */
    static inline int {p}small_int(PyObject *a, long long *v) {
    #if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
        Py_ssize_t size;
        if (!Py_IS_TYPE(a, &PyLong_Type))
            return 0;
        size = Py_SIZE(a);
        if (size < -1 || size > 1)
            return 0;
        *v = (long long)size * (long long)((PyLongObject *)a)->ob_digit[0];
        return 1;
    #else
        (void)a; (void)v;
        return 0;
    #endif
    }

    static {p}FX_INLINE double {p}fx_value_F(PyObject *a, double *ad) {
        if (a == {p}U) return *ad;
        if (Py_IS_TYPE(a, &PyFloat_Type)) return PyFloat_AS_DOUBLE(a);
        return PyFloat_AsDouble(a);       /* -1.0 with an exception set on error */
    }

    static PyObject *{p}fx_neg_F(double *r, PyObject *a, double *ad) {
        if (a == {p}U) return {p}fset(r, -*ad);
        if (Py_IS_TYPE(a, &PyFloat_Type)) return {p}fset(r, -PyFloat_AS_DOUBLE(a));
        return PyNumber_Negative(a);
    }
"""]
    for name, (c_op, py) in ARITH.items():
        for kinds in KINDS:
            if c_op == "**":
                out.append(_binary(name, kinds, _POW, f"res = {py}(Ba, Bb, Py_None);"))
                continue
            guard = "if (v_b == 0.0) goto boxed;\n        " if c_op == "/" else ""
            fast = f"{guard}return {{p}}fset(r, v_a {c_op} v_b);\n"
            out.append(_binary(name, kinds, fast, f"res = {py}(Ba, Bb);"))
    for name, (c_op, py) in COMPARE.items():
        for kinds in KINDS:
            guard = _int_exact(kinds[0], "a") + _int_exact(kinds[1], "b")
            fast = f"{guard}res = (v_a {c_op} v_b) ? Py_True : Py_False;\n        Py_INCREF(res);\n        return res;\n"
            out.append(_binary(name, kinds, fast, f"res = {{p}}fcompare(Ba, Bb, {py});"))
    return "".join(out).replace("{p}", naming.PREFIX)


def cython_decls() -> str:
    out = ["    object {p}fbox(object a, double* ad)\n",
           "    object {p}ffrom(double* r, double v)\n",
           "    int {p}fx_init() except -1\n",
           "    object {p}fx_neg_F(double* r, object a, double* ad)\n",
           "    double {p}fx_value_F(object a, double* ad) except? -1.0\n",
           "    object {p}fx_item(double* r, object o, Py_ssize_t i)\n",
           "    int {p}fset_item_F(object o, Py_ssize_t i, object a, double* ad) except -1\n",
           "    bint {p}bk_list(object o, Py_ssize_t n, unsigned long long mask)\n",
           "    bint {p}bk_load(object a, double* ad)\n",
           "    double {p}bk_item(object o, Py_ssize_t k)\n",
           "    bint {p}bk_store(object o, Py_ssize_t k, double v)\n",
           "    double {p}bk_div(double a, double b)\n",
           "    double {p}bk_pow(double a, double b)\n",
           "    object {p}bk_marker()\n"]
    for name in list(ARITH) + list(COMPARE):
        for kinds in KINDS:
            params = ", ".join([_CY_PARAM[kinds[0]].format(n="a"), _CY_PARAM[kinds[1]].format(n="b")])
            out.append(f"    object {{p}}fx_{name}_{kinds}(double* r, {params})\n")
    return "".join(out).replace("{p}", naming.PREFIX)


_FUNCTION = re.compile(r"\n    static (?:{p}FX_INLINE )?PyObject \*({p}fx_\w+)\(.*?\n    \}\n"
                       .replace("{p}", re.escape(naming.PREFIX)), re.S)


def flex_code(body: str) -> str:
    """The helpers ``body`` uses (each operation and operand kind is its own C function;
    a module gets only those it calls), or "" if it uses none."""
    if (naming.PREFIX + "fx_" not in body and naming.FLEX_BOX not in body
            and naming.BLOCK_LIST not in body):
        return ""
    used = set(re.findall(re.escape(naming.PREFIX) + r"fx_\w+", body))
    c = c_text()
    functions = {m.group(1): m.group(0) for m in _FUNCTION.finditer(c)}
    base = _FUNCTION.sub(lambda m: "", c)
    kept = "".join(text for name, text in functions.items()
                   if name in used or name.removesuffix("_boxed") in used)
    decls = "".join(line for line in cython_decls().splitlines(keepends=True)
                    if "fx_" not in line or re.search(r"(__jitcy_fx_\w+)\(", line).group(1)
                    in used | {naming.PREFIX + "fx_init"})
    return ("cdef extern from *:\n    \"\"\"" + base + kept + "    \"\"\"\n" + decls
            + f"\n\n{naming.PREFIX}fx_init()\n\n")
