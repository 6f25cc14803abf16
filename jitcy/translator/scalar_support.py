"""Support code for NumPy scalars held in C (rewrite_scalars.py): arithmetic and boxing.

Every operation is C where C gives NumPy's answer for sure, and NumPy's own operation on
the boxed scalars otherwise, so values, warnings, ``np.errstate`` and exceptions are
NumPy's (or Python's, for a ``float|float64`` holding a Python float)::

    cdef inline double __jitcy_nf_add(double a, bint na, double b, bint nb) except? -1.0 nogil:
        cdef double r = a + b
        if __jitcy_fabs(r) <= DBL_MAX:       # finite: no flag can be set, nothing to warn
            return r
        return __jitcy_nf_slow(0, a, na, b, nb)   # inf/nan: NumPy computes it (with gil)

(``nf_add_id`` and ``nf_add_di`` take one operand as an exact int, boxed as its own type in
the slow path.)

``na``/``nb`` say whether each operand is a NumPy scalar (``np.float64``, or an int64/int32
taking part in float arithmetic: NumPy casts it to float64 first) or a Python float/int.
Int helpers take each operand's kind (:data:`KIND_CODES`) and whether the result is an
int32: C arithmetic with an overflow check, NumPy's own on overflow, zero divisors and
``//``/``%`` by -1 (``**`` and shifts always). The slow path checks that NumPy's result has
the type the analyzer inferred (a wrong rule in analyzer/npscalars.py is a SystemError,
never a silently different type). The helpers are ``nogil`` (their slow path takes the GIL)
so ``with jitcy.nogil():`` blocks can use them; boxing needs the GIL.
"""
from __future__ import annotations

from . import naming

#: Int operand kinds: Python int, Python bool, np.int64, np.int32.
KIND_CODES = {"int": 0, "bool": 1, "int64": 2, "int32": 3}
#: Operator -> code of the slow path's operation (``{p}np_op``).
OPS = {"Add": 0, "Sub": 1, "Mult": 2, "Div": 3, "FloorDiv": 4, "Mod": 5, "Pow": 6,
       "BitAnd": 7, "BitOr": 8, "BitXor": 9, "LShift": 10, "RShift": 11}
#: Helper names by operator (float results: ``nf_``, int results: ``ni_``).
NAMES = {"Add": "add", "Sub": "sub", "Mult": "mul", "Div": "truediv", "FloorDiv": "floordiv",
         "Mod": "mod", "Pow": "pow", "BitAnd": "and", "BitOr": "or", "BitXor": "xor",
         "LShift": "lshift", "RShift": "rshift"}

_BASE = r'''
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.number cimport (PyNumber_Subtract, PyNumber_TrueDivide, PyNumber_FloorDivide,
                             PyNumber_Remainder, PyNumber_And, PyNumber_Or, PyNumber_Xor,
                             PyNumber_Lshift, PyNumber_Rshift, PyNumber_Negative,
                             PyNumber_Absolute)
from libc.float cimport DBL_MAX, DBL_MIN
from libc.math cimport fabs as {p}fabs

cdef object {p}numpy = __import__("numpy")     # only modules with array arguments
cdef object {p}np_float64 = {p}numpy.float64
cdef object {p}np_int64 = {p}numpy.int64
cdef object {p}np_int32 = {p}numpy.int32
cdef object {p}np_true = {p}numpy.True_
cdef object {p}np_false = {p}numpy.False_


cdef object {p}np_op(int op, a, b):
    """``a op b`` on the boxed operands: NumPy's (or Python's) own operation."""
    if op == 0:
        return PyNumber_Add(a, b)
    if op == 1:
        return PyNumber_Subtract(a, b)
    if op == 2:
        return PyNumber_Multiply(a, b)
    if op == 3:
        return PyNumber_TrueDivide(a, b)
    if op == 4:
        return PyNumber_FloorDivide(a, b)
    if op == 5:
        return PyNumber_Remainder(a, b)
    if op == 6:
        return PyNumber_Power(a, b, None)
    if op == 7:
        return PyNumber_And(a, b)
    if op == 8:
        return PyNumber_Or(a, b)
    if op == 9:
        return PyNumber_Xor(a, b)
    if op == 10:
        return PyNumber_Lshift(a, b)
    if op == 11:
        return PyNumber_Rshift(a, b)
    if op == 12:
        return PyNumber_Negative(a)
    return PyNumber_Absolute(a)


cdef object {p}box_ff8(double x, bint np):
    return {p}np_float64(x) if np else x


cdef object {p}box_int(long long x, int kind):
    if kind == 2:
        return {p}np_int64(x)
    if kind == 3:
        return {p}np_int32(x)
    if kind == 1:
        return x != 0
    return x


cdef double {p}unbox_f8(object r, bint np) except? -1.0:
    """A float result of NumPy's (np) or Python's own operation, checked to be the type the
    analyzer inferred."""
    if type(r) is ({p}np_float64 if np else float):
        return PyFloat_AS_DOUBLE(r)
    raise SystemError(f"jitcy: {type(r).__name__} where {'numpy.float64' if np else 'float'} "
                      f"was inferred (please report)")


cdef long long {p}unbox_int(object r, bint i32) except? -1:
    if type(r) is ({p}np_int32 if i32 else {p}np_int64):
        return r
    raise SystemError(f"jitcy: {type(r).__name__} where {'numpy.int32' if i32 else 'numpy.int64'} "
                      f"was inferred (please report)")


cdef double {p}nf_slow(int op, double a, bint na, double b, bint nb) except? -1.0 with gil:
    return {p}unbox_f8({p}np_op(op, {p}box_ff8(a, na), {p}box_ff8(b, nb)), na or nb)


cdef double {p}nf_slow_id(int op, long long a, int ka, double b, bint nb) except? -1.0 with gil:
    return {p}unbox_f8({p}np_op(op, {p}box_int(a, ka), {p}box_ff8(b, nb)), ka >= 2 or nb)


cdef double {p}nf_slow_di(int op, double a, bint na, long long b, int kb) except? -1.0 with gil:
    return {p}unbox_f8({p}np_op(op, {p}box_ff8(a, na), {p}box_int(b, kb)), na or kb >= 2)


cdef long long {p}ni_slow(int op, long long a, int ka, long long b, int kb,
                          bint i32) except? -1 with gil:
    return {p}unbox_int({p}np_op(op, {p}box_int(a, ka), {p}box_int(b, kb)), i32)


cdef double {p}ni_slow_f(int op, long long a, int ka, long long b, int kb) except? -1.0 with gil:
    return {p}unbox_f8({p}np_op(op, {p}box_int(a, ka), {p}box_int(b, kb)), True)


cdef long long {p}ni_unary_slow(int op, long long a, int ka, bint i32) except? -1 with gil:
    return {p}unbox_int({p}np_op(op, {p}box_int(a, ka), None), i32)


cdef inline bint {p}ni_ok(long long r, long long a, int ka, long long b, int kb,
                          bint i32) noexcept nogil:
    """Is ``r`` NumPy's result? (an int32 result must fit, and so must each Python int
    operand: NumPy raises OverflowError for one out of int32's range)"""
    if not i32:
        return True
    return (-2147483648 <= r <= 2147483647 and (ka != 0 or -2147483648 <= a <= 2147483647)
            and (kb != 0 or -2147483648 <= b <= 2147483647))


cdef extern from *:
    bint {p}np_add_ovf "__builtin_add_overflow" (long long, long long, long long*) nogil
    bint {p}np_sub_ovf "__builtin_sub_overflow" (long long, long long, long long*) nogil
    bint {p}np_mul_ovf "__builtin_mul_overflow" (long long, long long, long long*) nogil
'''

_FLOAT_FAST = {
    "add": "r = a + b\n    if {p}fabs(r) <= DBL_MAX:\n        return r",
    "sub": "r = a - b\n    if {p}fabs(r) <= DBL_MAX:\n        return r",
    # a subnormal or zero product of non-zero numbers may have set the underflow flag
    "mul": ("r = a * b\n    m = {p}fabs(r)\n"
            "    if m <= DBL_MAX and (m >= DBL_MIN or a == 0.0 or b == 0.0):\n        return r"),
    "truediv": ("if b != 0.0:\n        r = a / b\n        m = {p}fabs(r)\n"
                "        if m <= DBL_MAX and (m >= DBL_MIN or a == 0.0):\n            return r"),
}

_INT_FAST = {
    "add": "if not {p}np_add_ovf(a, b, &r) and {p}ni_ok(r, a, ka, b, kb, i32):\n        return r",
    "sub": "if not {p}np_sub_ovf(a, b, &r) and {p}ni_ok(r, a, ka, b, kb, i32):\n        return r",
    "mul": "if not {p}np_mul_ovf(a, b, &r) and {p}ni_ok(r, a, ka, b, kb, i32):\n        return r",
    "floordiv": ("if b != 0 and b != -1 and {p}ni_ok(0, a, ka, b, kb, i32):\n"
                 "        r = a / b\n        if (a % b != 0) and ((a < 0) != (b < 0)):\n"
                 "            r -= 1\n        return r"),
    "mod": ("if b != 0 and b != -1 and {p}ni_ok(0, a, ka, b, kb, i32):\n"
            "        r = a % b\n        if r != 0 and ((r < 0) != (b < 0)):\n"
            "            r += b\n        return r"),
    "and": "if {p}ni_ok(0, a, ka, b, kb, i32):\n        return a & b",
    "or": "if {p}ni_ok(0, a, ka, b, kb, i32):\n        return a | b",
    "xor": "if {p}ni_ok(0, a, ka, b, kb, i32):\n        return a ^ b",
}


def _float_helper(name: str, code: int, variant: str = "") -> str:
    """``nf_<name>`` takes two doubles; ``nf_<name>_id`` an int (kept exact for NumPy's own
    operation: np.int64 / 0.0 is NumPy's int path, with its own warning text) and a
    double, ``_di`` the other way round. Floats come with 'is NumPy' flags, ints with
    their kind (KIND_CODES)."""
    fast = _FLOAT_FAST.get(name, "pass   # always NumPy's (or Python's) own operation")
    params = {"": "double a, bint ka, double b, bint kb",
              "_id": "long long a, int ka, double b, bint kb",
              "_di": "double a, bint ka, long long b, int kb"}[variant]
    slow = {"": "nf_slow", "_id": "nf_slow_id", "_di": "nf_slow_di"}[variant]
    return (f"\n@cython.cdivision(True)\n"
            f"cdef inline double {{p}}nf_{name}{variant}({params}) except? -1.0 nogil:\n"
            f"    cdef double r, m, x = a, y = b\n    {fast}\n"
            f"    return {{p}}{slow}({code}, a, ka, b, kb)\n")


def _int_helper(name: str, code: int) -> str:
    fast = _INT_FAST.get(name, "pass   # always NumPy's own operation")
    return (f"\n@cython.cdivision(True)\n"
            f"cdef inline long long {{p}}ni_{name}(long long a, int ka, long long b, int kb, "
            f"bint i32) except? -1 nogil:\n"
            f"    cdef long long r\n    {fast}\n"
            f"    return {{p}}ni_slow({code}, a, ka, b, kb, i32)\n")


_NEG = r'''
cdef inline long long {p}ni_neg(long long a, int ka, bint i32) except? -1 nogil:
    if a != (-2147483648 if i32 else LLONG_MIN):
        return -a
    return {p}ni_unary_slow(12, a, ka, i32)      # NumPy wraps it, with its warning
'''

_ABS = r'''
cdef inline long long {p}ni_abs(long long a, int ka, bint i32) except? -1 nogil:
    if a != (-2147483648 if i32 else LLONG_MIN):
        return -a if a < 0 else a
    return {p}ni_unary_slow(13, a, ka, i32)
'''

_TRUEDIV = r'''
cdef inline double {p}ni_truediv(long long a, int ka, long long b, int kb) except? -1.0 nogil:
    """Int true division (int64/int32 and ints): NumPy divides the two float64 casts."""
    if b != 0:
        return <double>a / <double>b
    return {p}ni_slow_f(3, a, ka, b, kb)
'''

_USES_BASE = "# (support: {p}np_base)\n"
_SMALL = {
    naming.NP_BOX + "ff8": _USES_BASE,
    naming.NP_UNBOX + "f8": _USES_BASE,
    naming.NP_UNBOX + "int": _USES_BASE,
    naming.NP_BOX + "f8": "cdef object {p}box_f8(double x):\n    return {p}np_float64(x)\n",
    naming.NP_BOX + "i8": "cdef object {p}box_i8(long long x):\n    return {p}np_int64(x)\n",
    naming.NP_BOX + "i4": "cdef object {p}box_i4(long long x):\n    return {p}np_int32(x)\n",
    naming.NP_BOX + "b1": ("cdef object {p}box_b1(bint x):\n"
                           "    return {p}np_true if x else {p}np_false\n"),
    naming.NP_AS_DOUBLE: ("cdef inline double {p}as_d(double x) noexcept nogil:\n"
                          "    return x\n"),
    naming.NP_TRUTH: ("cdef inline bint {p}c_bool(double x) noexcept nogil:\n"
                      "    return x != 0.0     # NaN is true; an int64 is nonzero as a double\n"),
}


_FAST = r'''
cdef extern from *:
    """
    #include <float.h>
    #include <math.h>
    static inline int {p}finite(double x) { return fabs(x) <= DBL_MAX; }
    static inline double {p}rdiv(double a, double b) { return a / b; }   /* fast loops */
    """
    bint {p}finite(double x) nogil
    double {p}rdiv(double a, double b) nogil
'''

_QUIET = r'''
from cpython.ref cimport Py_DECREF

cdef extern from "Python.h":
    int {p}PyContextVar_Get "PyContextVar_Get" (object var, PyObject* default, PyObject** value) except -1

try:
    from numpy._core._ufunc_config import _extobj_contextvar as {p}np_errstate
except ImportError:       # another NumPy: its np.errstate is not watched (fast loops with *
    {p}np_errstate = None  # or / then always take the checked version)
cdef object {p}np_errstate_seen = None
cdef int {p}np_errstate_quiet = 0


cdef int {p}np_quiet() except -1:
    """1 if the current np.errstate ignores underflow (NumPy's default), else 0. NumPy keeps
    np.errstate in a context variable: its value is compared by identity with the one seen
    last (held, so it cannot be recycled), np.geterr() is asked only when it changed."""
    global {p}np_errstate_seen, {p}np_errstate_quiet
    cdef PyObject* value = NULL
    if {p}np_errstate is None:
        return 0
    {p}PyContextVar_Get({p}np_errstate, NULL, &value)
    if value == NULL:
        return 0
    seen = <object>value
    Py_DECREF(seen)
    if seen is not {p}np_errstate_seen:
        {p}np_errstate_quiet = {p}numpy.geterr()["under"] == "ignore"
        {p}np_errstate_seen = seen
    return {p}np_errstate_quiet
'''


def helpers() -> list:
    """(name that marks a use, Cython text) in dependency order, for runtime.support_code
    (every text that needs the base names it: ``{p}np_base``)."""
    out = [(naming.NP_BASE, _BASE)]
    out += [(naming.NP_FLOAT_OP + n + variant,
             _USES_BASE + _float_helper(n, OPS[op], variant))
            for op, n in NAMES.items() if n not in ("and", "or", "xor", "lshift", "rshift")
            for variant in ("", "_id", "_di")]
    out += [(naming.NP_INT_OP + n, _USES_BASE + _int_helper(n, OPS[op]))
            for op, n in NAMES.items() if n != "truediv"]
    out += [(naming.NP_INT_OP + "neg", _USES_BASE + _NEG),
            (naming.NP_INT_OP + "abs", _USES_BASE + _ABS),
            (naming.NP_INT_OP + "truediv", _USES_BASE + _TRUEDIV)]
    out += [(name, "\n" + _USES_BASE + text) for name, text in _SMALL.items()]
    out.append((naming.NP_FAST_BASE, _FAST))
    out += [(name, "# (support: {p}fast_base)\n") for name in (
        naming.NP_FINITE, naming.NP_RAW_DIV)]
    out.append((naming.NP_QUIET_NOW, _USES_BASE + _QUIET))
    return out
