"""The support code of a generated module: the binding, and helpers emitted only when used.

Every helper Cython compiles costs C compile time even if nothing calls it (a module with
all of them builds in ~2 s instead of ~0.7 s), so :func:`support_code` scans the generated
body for each helper's name and emits only those it uses, plus those they use::

    >>> text = support_code("return __jitcy_fdiv(a, b)")
    >>> "cdef inline double __jitcy_fdiv" in text, "__jitcy_unpack" in text
    (True, False)

In the texts below ``{p}`` stands for :data:`naming.PREFIX` (plain ``str.replace``: braces
are literal).
"""
from __future__ import annotations

import re

from . import naming, scalar_support

CORE = r'''
cimport cython
from cpython.number cimport (PyNumber_Add, PyNumber_InPlaceAdd, PyNumber_InPlaceMultiply,
                             PyNumber_Multiply, PyNumber_Power)
from cpython.ref cimport PyObject
from libc.limits cimport LLONG_MAX, LLONG_MIN
from libc.stdint cimport int32_t, int64_t
from libc.string cimport strchr

cdef extern from *:
    """
    static inline unsigned long long {p}dict_version(PyObject *d) {
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
    }

    /* A trace or profile function (pdb, coverage.py, cProfile: sys.settrace/setprofile)
       is set on this thread: the entry runs the original code so that it is traced. */
    static inline int {p}tracing(void) {
    #if PY_VERSION_HEX >= 0x030D0000
        PyThreadState *ts = PyThreadState_GetUnchecked();
    #else
        PyThreadState *ts = _PyThreadState_UncheckedGet();
    #endif
        return ts->c_tracefunc != NULL || ts->c_profilefunc != NULL;
    }
    """
    int {p}tracing()
    unsigned long long {p}dict_version(PyObject *d)
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL
    PyObject* PyCell_GET(PyObject* cell)
    int PyCell_Set(object cell, object value) except -1
    int Py_EnterRecursiveCall(const char *where) except -1
    int Py_GetRecursionLimit()
    void Py_LeaveRecursiveCall()
    long long PyLong_AsLongLongAndOverflow(object o, int *overflow) except? -1
    PyObject* PyFunction_GET_CODE(PyObject* func)


cdef class {p}Binding:
    cdef dict globals
    cdef dict builtins
    cdef tuple cells
    cdef object fallback       # guard miss on argument types: the miss dispatcher
    cdef object original       # guard miss on shadowed builtins: the original code itself
    cdef object state
    cdef object self_func
    cdef str self_name
    cdef unsigned long long self_version
    cdef unsigned long long builtins_version
    cdef unsigned long long known_version    # known globals (math_support.py) checked
    cdef int depth             # direct C recursion depth (C-int bodies only; see emit_module)
    cdef int depth_limit
    cdef tuple links           # direct calls to other compiled functions (emit_calls.py)
    cdef readonly unsigned long long calls     # calls that ran compiled (jitcy.stats)
    cdef readonly unsigned long long samples   # of those, timed (the first 8, then 1 in 1024)
    cdef readonly double sampled_seconds       # their total time


def {p}make_binding(func, fallback, state, str self_name, original):
    cdef {p}Binding b = {p}Binding()
    b.globals = func.__globals__
    builtins = func.__builtins__
    b.builtins = builtins if type(builtins) is dict else builtins.__dict__
    b.cells = func.__closure__ or ()
    b.fallback = fallback
    b.original = original
    b.state = state
    b.self_func = func
    b.self_name = self_name
    return b
'''

#: (the name that marks a use, its text), in the order they are emitted. A helper may use
#: helpers listed before it.
HELPERS = [
    (naming.DEOPT_ERROR, r'''
class {p}Deopt(Exception):
    """Leave the C-integer body; the entry re-runs the call with Python ints."""
'''),
    (naming.GLOBAL_GET, r'''
cdef object {p}global_get({p}Binding b, str name):
    cdef PyObject* value = PyDict_GetItemWithError(b.globals, name)
    if value is NULL:
        value = PyDict_GetItemWithError(b.builtins, name)
        if value is NULL:
            raise NameError(f"name '{name}' is not defined")
    return <object>value
'''),
    (naming.GLOBAL_SET, r'''
cdef int {p}global_set({p}Binding b, str name, value) except -1:
    b.globals[name] = value
    return 0
'''),
    (naming.GLOBAL_DEL, r'''
cdef int {p}global_del({p}Binding b, str name) except -1:
    try:
        del b.globals[name]
    except KeyError:
        raise NameError(f"name '{name}' is not defined") from None
    return 0
'''),
    (naming.CELL_GET, r'''
cdef str {p}FREE_FORMAT = {p}free_format()


cdef object {p}cell_get({p}Binding b, Py_ssize_t i, str name):
    cdef PyObject* value = PyCell_GET(<PyObject*>b.cells[i])
    if value is NULL:
        raise NameError({p}FREE_FORMAT % name)
    return <object>value
'''),
    (naming.CELL_SET, r'''
cdef int {p}cell_set({p}Binding b, Py_ssize_t i, value) except -1:
    PyCell_Set(b.cells[i], value)
    return 0
'''),
    (naming.INPLACE, r'''
import operator as {p}operator


cdef object {p}inplace(str op, a, b):
    return getattr({p}operator, "i" + {"Add": "add", "Sub": "sub", "Mult": "mul",
        "Div": "truediv", "FloorDiv": "floordiv", "Mod": "mod", "Pow": "pow",
        "LShift": "lshift", "RShift": "rshift", "BitOr": "or", "BitXor": "xor",
        "BitAnd": "and", "MatMult": "matmul"}[op])(a, b)
'''),
    (naming.AS_OBJECT, r'''
cdef inline object {p}obj(object value):
    return value
'''),
    (naming.ABS_LL, r'''
cdef inline long long {p}abs_ll(long long x) except? -1:
    if x == LLONG_MIN:
        raise OverflowError("abs() of the smallest C long long")
    return -x if x < 0 else x
'''),
    (naming.FLOAT_DIV, r'''
cdef str {p}FDIV_BY_ZERO = {p}zero_division_message(1.0, 0.0, False)


@cython.cdivision(True)
cdef inline double {p}fdiv(double a, double b) except? -1.0 nogil:
    if b == 0.0:   # a nogil function: the bodies call it inside their `with nogil:` blocks too
        with gil:
            raise ZeroDivisionError({p}FDIV_BY_ZERO)
    return a / b
'''),
    (naming.SPEC_FLOAT, r'''
from cpython.float cimport PyFloat_AS_DOUBLE


cdef inline double {p}spec_float(object value) except? -1.0:
    """A list or tuple element the analyzer speculated to be a float: its value, or leave
    the C body (pure: the entry re-runs the call with the original code)."""
    if type(value) is float:
        return PyFloat_AS_DOUBLE(value)
    raise {p}Deopt()
'''),
    (naming.FLOAT_POW, r'''
from libc.math cimport (pow as {p}c_pow, floor as {p}c_floor, fmod as {p}c_fmod,
                        isfinite as {p}c_isfinite)


cdef inline double {p}fpow(double x, double y) except? -1.0:
    """``x ** y`` of floats typed float (the analyzer proved it is not complex): C's pow on
    the path CPython's float_pow takes to C's pow; every other case (zeros, ones, NaN,
    infinities, overflow) is Python's own ``**``, with its errors."""
    cdef double r, ax = x
    cdef bint negate = False
    if {p}c_isfinite(x) and {p}c_isfinite(y) and x != 0.0 and y != 0.0:
        if x < 0.0:
            if y == {p}c_floor(y):
                ax = -x
                negate = {p}c_fmod(-y if y < 0.0 else y, 2.0) == 1.0
            else:
                ax = 1.0                    # fractional power of a negative: Python's path
        if ax != 1.0:
            r = {p}c_pow(ax, y)
            if {p}c_isfinite(r):
                return -r if negate else r
    return PyNumber_Power(x, y, None)
'''),
    (naming.MOD_LL, r'''
cdef str {p}MOD_BY_ZERO = {p}zero_division_message(1, 0, True)


@cython.cdivision(True)
cdef inline long long {p}mod_ll(long long a, long long b) except? -1 nogil:
    """Python's int ``%`` (the result takes the divisor's sign). C's ``LLONG_MIN % -1``
    traps (SIGFPE) and Cython's own helper does not avoid it; the message is Python's.
    nogil: the bodies call it inside their `with nogil:` blocks too (r + b cannot overflow:
    opposite signs)."""
    cdef long long r
    if b == 0:
        with gil:
            raise ZeroDivisionError({p}MOD_BY_ZERO)
    if b == -1:
        return 0
    r = a % b
    if r != 0 and (r < 0) != (b < 0):
        r += b
    return r
'''),
    (naming.CHECKED_NOGIL + "add", r'''
cdef extern from *:
    bint {p}add_overflows "__builtin_add_overflow" (long long, long long, long long*) nogil


cdef inline long long {p}ll_add(long long a, long long b) except? -1 nogil:
    """``a + b`` of C ints inside ``with nogil:``: Cython's overflowcheck would set the
    OverflowError without holding the GIL. The entry re-runs the original code on it."""
    cdef long long r
    if {p}add_overflows(a, b, &r):
        with gil:
            raise OverflowError("value too large")
    return r
'''),
    (naming.CHECKED_NOGIL + "floordiv", r'''
cdef str {p}FLOORDIV_BY_ZERO = {p}zero_division_message(1, 0, True)   # same words for // on 3.10-3.13


@cython.cdivision(True)
@cython.overflowcheck(False)
cdef inline long long {p}ll_floordiv(long long a, long long b) except? -1 nogil:
    """Python's int ``//`` of C ints inside ``with nogil:`` (rounds toward minus infinity;
    LLONG_MIN // -1 overflows: OverflowError, the entry re-runs the original code)."""
    cdef long long q
    if b == 0:
        with gil:
            raise ZeroDivisionError({p}FLOORDIV_BY_ZERO)
    if b == -1 and a == LLONG_MIN:
        with gil:
            raise OverflowError("value too large")
    q = a / b
    if a % b != 0 and (a < 0) != (b < 0):
        q -= 1      # cannot pass LLONG_MIN: |q| < |a| here
    return q
'''),
    (naming.CHECKED_NOGIL + "sub", r'''
cdef extern from *:
    bint {p}sub_overflows "__builtin_sub_overflow" (long long, long long, long long*) nogil


cdef inline long long {p}ll_sub(long long a, long long b) except? -1 nogil:
    cdef long long r
    if {p}sub_overflows(a, b, &r):
        with gil:
            raise OverflowError("value too large")
    return r
'''),
    (naming.CHECKED_NOGIL + "mul", r'''
cdef extern from *:
    bint {p}mul_overflows "__builtin_mul_overflow" (long long, long long, long long*) nogil


cdef inline long long {p}ll_mul(long long a, long long b) except? -1 nogil:
    cdef long long r
    if {p}mul_overflows(a, b, &r):
        with gil:
            raise OverflowError("value too large")
    return r
'''),
    (naming.OBJECT_MUL, r'''
cdef inline object {p}mul(a, b):
    """``a * b`` for objects. Cython's own fast path turns ``int * sequence`` into a repeat
    with its own overflow message; the interpreter's operator is exact and as fast."""
    return PyNumber_Multiply(a, b)
'''),
    (naming.OBJECT_IMUL, r'''
cdef inline object {p}imul(a, b):
    return PyNumber_InPlaceMultiply(a, b)
'''),
    (naming.BUILTINS_MODULE, r'''
import builtins as {p}builtins_module
'''),
    (naming.BUILTIN, r'''
cdef object {p}builtin(str name):
    """A builtin by name, for generated code that needs it even if the module shadows it."""
    return getattr({p}builtins_module, name)
'''),
    (naming.ORD, r'''
cdef object {p}ORD_BUILTIN = getattr({p}builtins_module, "ord")


cdef object {p}ord(object value):
    """``ord(value)``: Cython's C version for a one-character str, else the builtin itself
    (Cython's raises ValueError where Python raises TypeError)."""
    if type(value) is str and len(<str>value) == 1:
        return ord(<str>value)
    return {p}ORD_BUILTIN(value)
'''),
    (naming.CHR, r'''
cdef object {p}CHR_BUILTIN = getattr({p}builtins_module, "chr")


cdef object {p}chr(object value):
    """``chr(value)``: Cython's C version for an int in range, else the builtin itself
    (Cython's converts to a C long first: its own OverflowError message)."""
    if type(value) is int and 0 <= value < 0x110000:
        return chr(<long>value)
    return {p}CHR_BUILTIN(value)
'''),
    (naming.RAISABLE, r'''
cdef object {p}raisable(value, bint cause):
    """``value`` if ``raise value`` (or ``from value``) is valid; Python's TypeError if not."""
    if isinstance(value, BaseException) or (isinstance(value, type)
                                            and issubclass(value, BaseException)):
        return value
    if cause and value is None:
        return value
    if cause:
        raise TypeError("exception causes must derive from BaseException")
    raise TypeError("exceptions must derive from BaseException")
'''),
    (naming.OBJECT_ADD, r'''
cdef inline object {p}add(a, b):
    """``a + b`` with a Python operand. Cython's fast path returns the other operand when an
    int operand is 0, so ``-0.0 + 0`` stays -0.0 (Python: 0.0)."""
    return PyNumber_Add(a, b)
'''),
    (naming.OBJECT_IADD, r'''
cdef inline object {p}iadd(a, b):
    return PyNumber_InPlaceAdd(a, b)
'''),
    (naming.SAMPLED, r'''
from time import perf_counter as {p}perf_counter


cdef int {p}sampled({p}Binding b, double t0) except -1:
    """A sampled compiled call ended: add its time (jitcy.stats: seconds per compiled call)."""
    b.sampled_seconds += {p}perf_counter() - t0
    b.samples += 1
    return 0
'''),
    (naming.NEVER, r'''
cdef inline bint {p}never():
    """False, but not a constant: ``if never(): x = None`` makes Cython treat ``x`` as maybe
    bound (a read that is unbound on every path is a Cython compile error, a run-time
    UnboundLocalError in Python)."""
    return False
'''),
    (naming.UNPACK, r'''
cdef dict {p}UNPACKERS = {}


cdef object {p}unpack(object value, Py_ssize_t before, Py_ssize_t after, bint star):
    """``value`` unpacked into ``before`` (+ a starred list + ``after``) items, as a tuple
    or list of exactly that length; the interpreter's errors otherwise."""
    if not star:
        if type(value) is tuple and len(<tuple>value) == before:
            return value
        if type(value) is list and len(<list>value) == before:
            return value
    key = (before, after, star)
    unpacker = {p}UNPACKERS.get(key)
    if unpacker is None:
        unpacker = {p}UNPACKERS[key] = {p}make_unpacker(before, after, star)
    return unpacker(value)
'''),
    (naming.RANGE_STOP, r'''
cdef inline long long {p}range_stop(long long stop, long long step) except? -1:
    """``stop`` of a C loop ``range(a, stop, step)``, if ``i += step`` cannot overflow
    after the last value; otherwise leave the C-int body (Python ints do not overflow)."""
    if (step > 0 and stop > LLONG_MAX - step + 1) or (step < 0 and stop < LLONG_MIN - step - 1):
        raise {p}Deopt()
    return stop
'''),
    (naming.NDARRAY, r'''
cdef object {p}ndarray = __import__("numpy").ndarray   # only modules with array arguments
'''),
    (naming.ARRAY_VIEW, r'''
from cpython.buffer cimport PyBUF_RECORDS, PyBUF_RECORDS_RO, PyBuffer_Release, PyObject_GetBuffer


cdef int {p}view(object o, Py_buffer* view, bint writable, const char* formats,
                 Py_ssize_t itemsize, int ndim, bint contiguous) except -1:
    """Take ``o``'s buffer if it has this format, itemsize and ndim (and a unit stride on its
    last axis if ``contiguous``): 0, holding it. 1 if it is not of this kind (nothing held,
    no error): the caller's guard miss."""
    cdef const char* f
    try:
        PyObject_GetBuffer(o, view, PyBUF_RECORDS if writable else PyBUF_RECORDS_RO)
    except (ValueError, TypeError, BufferError):
        return 1
    f = view.format
    if (view.ndim != ndim or view.itemsize != itemsize or f == NULL or f[0] == 0 or f[1] != 0
            or strchr(formats, f[0]) == NULL
            or (contiguous and view.strides[ndim - 1] != itemsize)):
        PyBuffer_Release(view)
        return 1
    return 0
'''),
    (naming.ARRAY_AT + "1", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at1(char* d, Py_ssize_t i0, Py_ssize_t s0) noexcept nogil:
    return d + i0 * s0
'''),
    (naming.ARRAY_AT + "2", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at2(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1) noexcept nogil:
    return d + i0 * s0 + i1 * s1
'''),
    (naming.ARRAY_AT + "3", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at3(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1, Py_ssize_t i2, Py_ssize_t s2) noexcept nogil:
    return d + i0 * s0 + i1 * s1 + i2 * s2
'''),
    (naming.ARRAY_AT + "4", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at4(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1, Py_ssize_t i2, Py_ssize_t s2, Py_ssize_t i3, Py_ssize_t s3) noexcept nogil:
    return d + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3
'''),
    (naming.ARRAY_AT + "5", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at5(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1, Py_ssize_t i2, Py_ssize_t s2, Py_ssize_t i3, Py_ssize_t s3, Py_ssize_t i4, Py_ssize_t s4) noexcept nogil:
    return d + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4
'''),
    (naming.ARRAY_AT + "6", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at6(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1, Py_ssize_t i2, Py_ssize_t s2, Py_ssize_t i3, Py_ssize_t s3, Py_ssize_t i4, Py_ssize_t s4, Py_ssize_t i5, Py_ssize_t s5) noexcept nogil:
    return d + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4 + i5 * s5
'''),
    (naming.ARRAY_AT + "7", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at7(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1, Py_ssize_t i2, Py_ssize_t s2, Py_ssize_t i3, Py_ssize_t s3, Py_ssize_t i4, Py_ssize_t s4, Py_ssize_t i5, Py_ssize_t s5, Py_ssize_t i6, Py_ssize_t s6) noexcept nogil:
    return d + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4 + i5 * s5 + i6 * s6
'''),
    (naming.ARRAY_AT + "8", r'''
@cython.overflowcheck(False)   # index * stride of a checked (or proven) index
cdef inline char* {p}at8(char* d, Py_ssize_t i0, Py_ssize_t s0, Py_ssize_t i1, Py_ssize_t s1, Py_ssize_t i2, Py_ssize_t s2, Py_ssize_t i3, Py_ssize_t s3, Py_ssize_t i4, Py_ssize_t s4, Py_ssize_t i5, Py_ssize_t s5, Py_ssize_t i6, Py_ssize_t s6, Py_ssize_t i7, Py_ssize_t s7) noexcept nogil:
    return d + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3 + i4 * s4 + i5 * s5 + i6 * s6 + i7 * s7
'''),
    (naming.ARRAY_LOAD + "double", r'''
cdef inline double {p}ld_double(char* p) noexcept nogil:
    return (<double*>p)[0]
'''),
    (naming.ARRAY_STORE + "double", r'''
cdef inline void {p}st_double(double value, char* p) noexcept nogil:
    (<double*>p)[0] = value
'''),
    (naming.ARRAY_LOAD + "int64_t", r'''
cdef inline int64_t {p}ld_int64_t(char* p) noexcept nogil:
    return (<int64_t*>p)[0]
'''),
    (naming.ARRAY_STORE + "int64_t", r'''
cdef inline void {p}st_int64_t(int64_t value, char* p) noexcept nogil:
    (<int64_t*>p)[0] = value
'''),
    (naming.ARRAY_LOAD + "int32_t", r'''
cdef inline int32_t {p}ld_int32_t(char* p) noexcept nogil:
    return (<int32_t*>p)[0]
'''),
    (naming.ARRAY_STORE + "int32_t", r'''
cdef inline void {p}st_int32_t(int32_t value, char* p) noexcept nogil:
    (<int32_t*>p)[0] = value
'''),
    (naming.ARRAY_INDEX, r'''
cdef inline Py_ssize_t {p}ix(Py_ssize_t i, Py_ssize_t n, int axis) except -1 nogil:
    """An index into an array axis of size ``n``: negative wraps, out of range raises
    NumPy's IndexError with NumPy's message (nogil: also used in `with nogil:` blocks)."""
    if i < 0:
        if i + n < 0:
            with gil:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
        return i + n
    if i >= n:
        with gil:
            raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i
'''),
    (naming.ARRAY_INDEX_NONNEG, r'''
cdef inline Py_ssize_t {p}ixn(Py_ssize_t i, Py_ssize_t n, int axis) except -1 nogil:
    """An index proven not negative (analyzer/bounds.py): only the upper check."""
    if i >= n:
        with gil:
            raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i
'''),
    (naming.ARRAY_INDEX_OBJECT, r'''
cdef Py_ssize_t {p}ixo(object i, Py_ssize_t n, int axis, int ndim, bint store) except -1:
    """The same for a Python int index; past 64 bits, NumPy's own error for it."""
    cdef int overflow = 0
    cdef long long v = PyLong_AsLongLongAndOverflow(i, &overflow)
    if overflow:
        {p}index_error(i, axis, ndim, store)
    return {p}ix(v, n, axis)
'''),
    (naming.ARRAY_STORE + "int32_checked", r'''
cdef inline int {p}st_int32_checked(long long v, char* p) except -1 nogil:
    """A C int stored into an int32 array: NumPy's OverflowError if it does not fit (after
    the index check, as NumPy: the address is an argument, computed first)."""
    if v < -2147483648 or v > 2147483647:
        with gil:
            raise OverflowError(f"Python integer {v} out of bounds for int32")
    (<int32_t*>p)[0] = <int32_t>v
    return 0
'''),
    (naming.LINK_CLASS, r'''
from cpython.pycapsule cimport PyCapsule_GetPointer


cdef class {p}Link:
    """A direct call target: a compiled function of the same module, its swapped code,
    its binding and the C entry its module exports."""
    cdef object func
    cdef object code
    cdef object binding
    cdef str name
    cdef void* fp
    cdef unsigned long long version


def {p}set_links({p}Binding b, tuple targets):
    """``targets``: per callee of this module, ``(name, func, code, binding, capsule)`` or
    None (not compiled now: that call stays a Python call)."""
    cdef {p}Link link
    links = []
    for target in targets:
        link = {p}Link()
        if target is not None:
            link.name, link.func, link.code, link.binding, capsule = target
            link.fp = PyCapsule_GetPointer(capsule, b"jitcy.cexport")
        links.append(link)
    b.links = tuple(links)


cdef inline bint {p}linked({p}Binding b, Py_ssize_t i) except -1:
    """Call callee ``i`` in C? Only while the module global still names the same function
    object (dict version cached) and that function still runs the compiled code it had when
    linked (not unswapped, reverted or replaced)."""
    if b.links is None:
        return False
    cdef {p}Link link = <{p}Link>b.links[i]
    if link.fp == NULL or PyFunction_GET_CODE(<PyObject*>link.func) != <PyObject*>link.code:
        return False
    cdef unsigned long long version = {p}dict_version(<PyObject*>b.globals)
    if version != 0 and version == link.version:
        return True
    cdef PyObject* value = PyDict_GetItemWithError(b.globals, link.name)
    if value is not NULL and value == <PyObject*>link.func:
        link.version = version
        return True
    return False
'''),
    (naming.SELF_BOUND, r'''
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
'''),
]


#: Helpers that run once at import or only on an error path gain nothing from Cython but
#: C compile time: they are Python source, executed by the interpreter when the module is
#: imported (one ``exec`` for those a module uses) and bound to module-level names.
PYTHON_HELPERS = [
    (naming.ZERO_DIVISION_MESSAGE, r'''
def {p}zero_division_message(a, b, modulo):
    """The running interpreter's own message (it changes between Python versions)."""
    try:
        (a % b) if modulo else (a / b)
    except ZeroDivisionError as exc:
        return str(exc)
'''),
    (naming.FREE_FORMAT, r'''
def {p}free_format():
    """This interpreter's message for an empty free variable, with %s for the name."""
    def outer():
        def inner():
            return x
        return inner
        x = 1
    try:
        outer()()
    except NameError as exc:
        return str(exc).replace("'x'", "'%s'", 1)
'''),
    (naming.MAKE_UNPACKER, r'''
def {p}make_unpacker(before, after, star):
    """``[v0, *rest, w0] = value; return (v0, rest, w0)``, compiled by the interpreter."""
    names = [f"v{i}" for i in range(before)]
    names += ["rest"] if star else []
    names += [f"w{i}" for i in range(after)]
    targets = ", ".join("*rest" if n == "rest" else n for n in names)
    result = ", ".join(names) + ("," if len(names) == 1 else "")
    namespace = {}
    exec(f"def unpack(value):\n    [{targets}] = value\n    return ({result})\n", namespace)
    return namespace["unpack"]
'''),
    (naming.INDEX_ERROR, r'''
def {p}index_error(i, axis, ndim, store):
    """Raise what NumPy raises for the int ``i`` (too large for 64 bits) used as the index
    of ``axis`` (it depends on NumPy's path: reading, storing, 1-d): the same operation on
    a scratch array."""
    import numpy
    scratch = numpy.zeros((1,) * ndim)
    index = tuple(i if k == axis else 0 for k in range(ndim))
    index = index[0] if ndim == 1 else index
    if store:
        scratch[index] = 0
    else:
        scratch[index]
    raise IndexError(f"index {i} is out of bounds for axis {axis}")
'''),
    (naming.FIX_UNBOUND, r'''
def {p}unbound_format():
    """This interpreter's UnboundLocalError message, with %s for the name."""
    def f():
        return x
        x = None
    try:
        f()
    except UnboundLocalError as exc:
        return str(exc).replace("'x'", "'%s'", 1)


{p}UNBOUND_FORMAT = {p}unbound_format()


def {p}fix_unbound(exc):
    """Cython raises UnboundLocalError with Python 3.10's message; give it this Python's.
    Only for the error raised by a jitcy body itself (innermost traceback entry)."""
    tb = exc.__traceback__
    if tb is None:
        return
    while tb.tb_next is not None:
        tb = tb.tb_next
    if not tb.tb_frame.f_code.co_name.rpartition(".")[2].startswith("{p}impl"):
        return
    prefix, suffix = "local variable '", "' referenced before assignment"
    message = exc.args[0] if len(exc.args) == 1 else None
    if type(message) is str and message.startswith(prefix) and message.endswith(suffix):
        exc.args = ({p}UNBOUND_FORMAT % message[len(prefix):-len(suffix)],)
'''),
    (naming.FIX_UNBOUND_CAUGHT, r'''
def {p}fix_unbound_caught():
    """In an ``except`` block of the body: fix the message of the exception being handled."""
    import sys
    exc = sys.exc_info()[1]
    if isinstance(exc, UnboundLocalError):
        {p}fix_unbound(exc)
'''),
]


def _text(template: str) -> str:
    return template.replace("{p}", naming.PREFIX)


def _uses(text: str, name: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text) is not None


def support_code(body: str) -> str:
    """The core plus every helper that ``body`` (the rest of the module) uses, directly
    or through another helper."""
    cython = [(name, _text(template)) for name, template in HELPERS + scalar_support.helpers()]
    python = [(name, _text(template)) for name, template in PYTHON_HELPERS]
    wanted = set()
    pending = [body]
    while pending:
        text = pending.pop()
        for name, helper in cython + python:
            if name not in wanted and _uses(text, name):
                wanted.add(name)
                pending.append(helper)
    out = [_text(CORE)]
    source = "".join(helper for name, helper in python if name in wanted)
    if source:
        space = naming.PREFIX + "python_helpers"
        out.append(f"\ncdef dict {space} = {{}}\n"
                   f"exec(compile({source!r}, '<jitcy helpers>', 'exec'), {space})\n")
        out += [f"cdef object {name} = {space}[{name!r}]\n"
                for name, _ in python if name in wanted]
    out += ["\n" + helper for name, helper in cython if name in wanted]
    return "".join(out)
