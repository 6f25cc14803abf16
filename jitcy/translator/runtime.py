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

    /* 3.11: the current thread state is one load from _PyRuntime (the interpreter's own
       inline _PyThreadState_GET), where the exported function costs a call through the
       PLT: a fifth of a loop that calls an inlined function (its entry checks this). */
    #if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000 && !defined(PYPY_VERSION)
      #ifndef Py_BUILD_CORE
        #define Py_BUILD_CORE 1
        #define {p}UNDEF_BUILD_CORE
      #endif
      /* Its internal version follows (the same test, read inline): no redefinition. */
      #undef _PyGC_FINALIZED
      #include "internal/pycore_pystate.h"
      #ifdef {p}UNDEF_BUILD_CORE
        #undef Py_BUILD_CORE
        #undef {p}UNDEF_BUILD_CORE
      #endif
      #define {p}THREAD_STATE() _PyThreadState_GET()
    #elif PY_VERSION_HEX >= 0x030D0000
      #define {p}THREAD_STATE() PyThreadState_GetUnchecked()
    #else
      #define {p}THREAD_STATE() _PyThreadState_UncheckedGet()
    #endif

    /* A trace or profile function (pdb, coverage.py, cProfile: sys.settrace/setprofile)
       is set on this thread: the entry runs the original code so that it is traced. */
    static inline int {p}tracing(void) {
        PyThreadState *ts = {p}THREAD_STATE();
        return ts->c_tracefunc != NULL || ts->c_profilefunc != NULL;
    }

    /* CPython's error functions run only where something failed: Cython asks
       PyErr_Occurred only after an error value came back, and the others set or clear an
       error. Declared cold, GCC weighs the blocks that call them as rare. Without that,
       a path that comes back into a loop from such a call (an error value that was a
       real value) counts as likely, and GCC keeps values live across it in stack slots:
       spectral_norm's float accumulator was stored and reloaded on each iteration, on
       the loop's critical chain (seen in the assembly). Measured (bench_kernels, medians
       of 7, of the hand-typed ceiling): fib 0.68 -> 0.94; spectral_norm 0.54 -> 0.90
       together with the raise-free copies of emit_calls.py (0.47 with those alone).
       The attribute changes code layout and register choices only, never behaviour. */
    #if defined(__GNUC__)
    PyAPI_FUNC(PyObject *) PyErr_Occurred(void) __attribute__((cold));
    PyAPI_FUNC(void) PyErr_SetString(PyObject *, const char *) __attribute__((cold));
    PyAPI_FUNC(void) PyErr_SetObject(PyObject *, PyObject *) __attribute__((cold));
    PyAPI_FUNC(void) PyErr_Clear(void) __attribute__((cold));
    #endif

    /* A call from C with positional arguments: a Python function's vectorcall pointer
       called directly (the interpreter's own, or a compiled entry's, see
       {p}install_vectorcall), which is what PyObject_Vectorcall does minus a call through
       the PLT, its lookup of the pointer and _Py_CheckFunctionResult, a consistency check
       of the result that those two always pass. Anything else: PyObject_Vectorcall. */
    static inline PyObject *{p}vcall(PyObject *f, PyObject *const *args, size_t nargsf) {
        if (Py_IS_TYPE(f, &PyFunction_Type) && ((PyFunctionObject *)f)->vectorcall != NULL)
            return ((PyFunctionObject *)f)->vectorcall(f, args, nargsf, NULL);
        return PyObject_Vectorcall(f, args, nargsf, NULL);
    }
    """
    bint {p}likely "likely" (bint) nogil     # Cython's own macro: __builtin_expect(!!(x), 1)
    int {p}tracing()
    unsigned long long {p}dict_version(PyObject *d)
    PyObject* PyDict_GetItemWithError(object d, object key) except? NULL
    PyObject* PyCell_GET(PyObject* cell)
    PyObject* {p}tuple_item "PyTuple_GET_ITEM" (PyObject* t, Py_ssize_t i)   # borrowed, unchecked
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
    cdef tuple links           # direct calls to other compiled functions (emit_calls.py)
    cdef readonly unsigned long long calls     # calls that ran compiled (jitcy.stats)
    cdef readonly unsigned long long samples   # of those, timed (the first 8, then 1 in 1024)
    cdef readonly double sampled_seconds       # their total time
    # Other signatures' compiled entries, for a guard miss (TRY_ALTS, hotfunc.py):
    # ((argument types, FAST capsule, binding), ...) or None.
    cdef public object alts


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
ctypedef struct {p}gcache:
    # One per global read in the body: the value found and the versions of the globals
    # and builtins dicts then. Dict versions are unique process-wide and change with any
    # change of the dict, so equal versions mean the same dicts, unchanged: the borrowed
    # value is still the one the dicts hold (the same check as Cython's module globals).
    unsigned long long gv
    unsigned long long bv
    PyObject* value


cdef object {p}global_fill({p}Binding b, str name, {p}gcache* c):
    # versions first: a lookup that runs code (a key's __eq__) changing a dict then
    # leaves a stale version behind, never a stale value
    cdef unsigned long long gv = {p}dict_version(<PyObject*>b.globals)
    cdef unsigned long long bv = {p}dict_version(<PyObject*>b.builtins)
    cdef PyObject* value = PyDict_GetItemWithError(b.globals, name)
    if value is NULL:
        value = PyDict_GetItemWithError(b.builtins, name)
        if value is NULL:
            raise NameError(f"name '{name}' is not defined")
    c.gv, c.bv, c.value = gv, bv, value
    return <object>value


cdef inline object {p}global_get({p}Binding b, str name, {p}gcache* c):
    cdef unsigned long long gv = {p}dict_version(<PyObject*>b.globals)
    if gv != 0 and gv == c.gv and {p}dict_version(<PyObject*>b.builtins) == c.bv:
        return <object>c.value
    return {p}global_fill(b, name, c)
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
    (naming.FLOAT_DIV_NZ, r'''
@cython.cdivision(True)
cdef inline double {p}fdiv_nz(double a, double b) noexcept nogil:
    """a / b where the divisor is proven nonzero (analyzer/raise_free.py) or a nonzero
    literal (rewrite_arith.py): C's division is then Python's."""
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
    (naming.SPEC_NUMBER, r'''
from cpython.float cimport PyFloat_AS_DOUBLE


cdef inline double {p}spec_number(object value) except? -1.0:
    """A speculated element read only where an int gives the same result as its float
    (translator/int_starts.py): a float, or an int of at most 2**53 in magnitude (exactly
    converted); anything else leaves the C body (pure: the entry re-runs the call)."""
    cdef int overflow = 0
    cdef long long v
    if type(value) is float:
        return PyFloat_AS_DOUBLE(value)
    if type(value) is int:
        v = PyLong_AsLongLongAndOverflow(value, &overflow)
        if not overflow and -9007199254740992 <= v <= 9007199254740992:
            return <double>v
    raise {p}Deopt()
'''),
    (naming.SEQ_SIZE, r'''
cdef extern from *:
    # a speculated loop's walk (rewrite_arith._walk_sequence): the index is below the size
    # read just before, and nothing runs in between
    PyObject* {p}list_at "PyList_GET_ITEM" (object seq, Py_ssize_t i)
    PyObject* {p}tuple_at "PyTuple_GET_ITEM" (object seq, Py_ssize_t i)
    Py_ssize_t {p}seq_size "Py_SIZE" (object seq)
'''),
    (naming.IS_EXACT_FLOAT, r'''
cdef extern from *:
    bint {p}is_exact_float "PyFloat_CheckExact" (PyObject* o)
    double {p}float_value "PyFloat_AS_DOUBLE" (PyObject* o)
'''),
    (naming.SPEC_FLOAT_AT, r'''
cdef inline double {p}spec_float_at(PyObject* item) except? -1.0:
    """spec_float of a borrowed item (the float case takes no reference)."""
    if {p}likely({p}is_exact_float(item)):
        return {p}float_value(item)
    return {p}spec_float(<object>item)
'''),
    (naming.SPEC_NUMBER_AT, r'''
cdef inline double {p}spec_number_at(PyObject* item) except? -1.0:
    """spec_number of a borrowed item (the float case takes no reference)."""
    if {p}likely({p}is_exact_float(item)):
        return {p}float_value(item)
    return {p}spec_number(<object>item)
'''),
    (naming.DEOPT_DOUBLE, r'''
cdef double {p}deopt_double() except? -1.0:
    """Leave a pure body (the entry re-runs the call with the original code) where a
    double is expected: a direct call to a pure callee that is not linked right now."""
    raise {p}Deopt()
'''),
    (naming.DEOPT_BINT, r'''
cdef bint {p}deopt_bint() except -1:
    """As deopt_double, where a bint is expected."""
    raise {p}Deopt()
'''),
    (naming.INT_START_READ, r'''
cdef inline double {p}int_start_read(bint is_int, double value) except? -1.0:
    """A float local that starts as an int literal (``total = 0``), read where the int
    would not give the same result as its float (returned, stored, passed on): while it
    still holds the int, leave the pure body (the entry re-runs the call with the original
    code, which returns the int itself)."""
    if is_int:
        raise {p}Deopt()
    return value
'''),
    (naming.FLOAT_POW, r'''
from libc.math cimport (pow as {p}c_pow, floor as {p}c_floor, fmod as {p}c_fmod,
                        isfinite as {p}c_isfinite)


cdef double {p}fpow_py(double x, double y) except? -1.0 with gil:
    return PyNumber_Power(x, y, None)


cdef inline double {p}fpow(double x, double y) except? -1.0 nogil:
    """``x ** y`` of floats typed float (the analyzer proved it is not complex): C's pow on
    the path CPython's float_pow takes to C's pow; every other case (zeros, ones, NaN,
    infinities, overflow) is Python's own ``**``, with its errors. nogil: the bodies call it
    inside their `with nogil:` blocks too; only the Python path takes the GIL."""
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
    return {p}fpow_py(x, y)
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


cdef inline object {p}unpack(object value, Py_ssize_t before, Py_ssize_t after, bint star):
    """``value`` unpacked into ``before`` (+ a starred list + ``after``) items, as a tuple
    or list of exactly that length; the interpreter's errors otherwise. (Inline: the common
    case, an exact tuple or list of that length, is two compares in the loop that unpacks.)"""
    if not star:
        if type(value) is tuple and len(<tuple>value) == before:
            return value
        if type(value) is list and len(<list>value) == before:
            return value
    return {p}unpack_other(value, before, after, star)


cdef object {p}unpack_other(object value, Py_ssize_t before, Py_ssize_t after, bint star):
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
    (naming.RANGE_COUNT, r'''
cdef extern from *:
    """
    /* range(a, b, c) with C ints and c != 0: how many values, and the k-th, in unsigned
       arithmetic (b - a may not fit a long long; a value past b is never computed). */
    static inline unsigned long long {p}range_n(long long a, long long b, long long c) {
        if (c > 0)
            return a < b ? ((unsigned long long)b - (unsigned long long)a - 1)
                           / (unsigned long long)c + 1 : 0;
        return a > b ? ((unsigned long long)a - (unsigned long long)b - 1)
                       / (0ULL - (unsigned long long)c) + 1 : 0;
    }
    static inline long long {p}range_at(long long a, long long c, unsigned long long k) {
        return (long long)((unsigned long long)a + k * (unsigned long long)c);
    }
    """
    unsigned long long {p}range_n(long long a, long long b, long long c)
    long long {p}range_at(long long a, long long c, unsigned long long k)


cdef inline unsigned long long {p}range_count(long long a, long long b, long long c) except? 0:
    """The number of values of ``range(a, b, c)`` (a step of 0: the interpreter's own
    ValueError, from range itself)."""
    if c == 0:
        range(a, b, c)
    return {p}range_n(a, b, c)
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
    cdef unsigned long long* calls    # the callee binding's count (calls run inlined)
    cdef unsigned long long builtins_version   # globals checked for the inlined body's builtins


def {p}set_links({p}Binding b, tuple targets):
    """``targets``: per callee of this module, ``(name, func, code, binding, capsule,
    counter)`` or None (not compiled now: that call stays a Python call); ``counter``: a
    capsule of the address of the binding's call count, or None (its body is not inlined)."""
    cdef {p}Link link
    if len(targets) < {p}LINKS_NEEDED:     # the call helpers read links unchecked
        raise ValueError(f"jitcy: this module calls {{p}LINKS_NEEDED} compiled functions "
                         f"directly but was given {len(targets)} link targets")
    links = []
    for target in targets:
        link = {p}Link()
        if target is not None:
            link.name, link.func, link.code, link.binding, capsule, counter = target
            link.fp = PyCapsule_GetPointer(capsule, b"jitcy.cexport")
            if counter is not None:
                link.calls = <unsigned long long*>PyCapsule_GetPointer(counter, NULL)
        links.append(link)
    b.links = tuple(links)


cdef inline bint {p}linked({p}Binding b, Py_ssize_t i) except -1:
    """Call callee ``i`` in C? Only while the module global still names the same function
    object (dict version cached) and that function still runs the compiled code it had when
    linked (not unswapped, reverted or replaced)."""
    if b.links is None:
        return False
    # Borrowed, no index check: set_links made one link per callee, and reads through the
    # pointer take no reference (this runs before every direct call).
    cdef PyObject* lp = {p}tuple_item(<PyObject*>b.links, i)
    if ((<{p}Link>lp).fp == NULL
            or PyFunction_GET_CODE(<PyObject*>(<{p}Link>lp).func) != <PyObject*>(<{p}Link>lp).code):
        return False
    cdef unsigned long long version = {p}dict_version(<PyObject*>b.globals)
    if version != 0 and version == (<{p}Link>lp).version:
        return True
    cdef {p}Link link = <{p}Link>lp
    cdef PyObject* value = PyDict_GetItemWithError(b.globals, link.name)
    if value is not NULL and value == <PyObject*>link.func:
        link.version = version
        return True
    return False
'''),
    (naming.INLINE_OK, r'''
cdef inline bint {p}inline_ok({p}Binding b, {p}Link link, tuple names, tuple known) except -1:
    """May the inlined copy of a callee run? Only while the module (the callee's too) does
    not shadow the builtins its body compiled natively and its known globals (``math``,
    ``sqrt``) are still the objects it was compiled for: what the callee's own entry
    checks before its body."""
    cdef unsigned long long version = {p}dict_version(<PyObject*>b.globals)
    cdef PyObject* value
    if version != 0 and version == link.builtins_version:
        return True
    for name in names:
        if name in b.globals:
            return False
    for name, target in known:
        value = PyDict_GetItemWithError(b.globals, name)
        if value is NULL or value != <PyObject*>target:
            return False
    link.builtins_version = version
    return True
'''),
    (naming.RECURSION_LEFT, r'''
cdef extern from *:
    """
    /* How many more calls this thread may nest before Python raises RecursionError. */
    static int {p}levels_left(void) {
        PyThreadState *ts = {p}THREAD_STATE();
    #if PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030E0000
        return ts->py_recursion_remaining;
    #elif PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
        return ts->recursion_remaining;
    #elif PY_VERSION_HEX < 0x030B0000
        return Py_GetRecursionLimit() - ts->recursion_depth;
    #else
        (void)ts;
        return Py_GetRecursionLimit();
    #endif
    }
    """
    int {p}levels_left()
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
    (naming.FAST_EXPORT, r'''
cdef extern from *:
    """
    #include "frameobject.h"
    /* Calls of a swapped function from C (compiled code, builtins, type slots such as
       __init__ via slot_tp_init, callbacks) go through the function object's vectorcall
       pointer. {p}vectorcall, installed there, reads the info tuple the swapped-in
       trampoline carries as its last constant and calls the compiled entry directly:
       no trampoline frame, no argument tuple. Anything else (another code object, keyword
       arguments, missing arguments without defaults) takes the plain path, so the code
       object stays the one source of truth (unswap, measuring, a __code__ the program
       assigned: all seen at the next call). */
    typedef PyObject *(*{p}fast_t)(PyObject *, PyObject *const *);
    #if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    PyAPI_FUNC(int) _Py_CheckRecursiveCall(PyThreadState *tstate, const char *where);
    #endif
    static PyObject *{p}info_marker = NULL;          /* interned, shared by all modules */
    static vectorcallfunc {p}plain_vectorcall = NULL; /* what Python functions use */
    /* The code object last served (held, so its address is never reused), its info
       tuple (a constant of it: alive as long as it is) and entry: one module serves one
       function, mostly, and its next call skips reading the info tuple again, a chain of
       dependent loads (code, constants, info, its type, size and marker, the capsule)
       that made a fifth of the calls between richards' small methods. */
    static PyObject *{p}last_code = NULL;
    static PyObject *{p}last_info = NULL;
    static PyObject *{p}last_binding = NULL;
    static {p}fast_t {p}last_fast = NULL;
    static Py_ssize_t {p}last_argc = 0;      /* (its co_argcount: the code object itself
                                               stays out of the cache on a hit) */

    static void {p}direct_error(PyObject *info, PyFunctionObject *f) {
        /* The exception leaves compiled code with no trampoline frame to fix its
           traceback: give the fixer a frame of the user's code to put the lines on. */
        PyObject *type, *value, *tb, *fixed, *r;
        PyFrameObject *frame;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (value != NULL && tb != NULL) {
            PyException_SetTraceback(value, tb);
            frame = PyFrame_New(PyThreadState_Get(), (PyCodeObject *)PyTuple_GET_ITEM(info, 3),
                                f->func_globals, NULL);
            if (frame != NULL) {
                r = PyObject_CallFunctionObjArgs(PyTuple_GET_ITEM(info, 2), value,
                                                 (PyObject *)frame, NULL);
                Py_XDECREF(r);
                Py_DECREF(frame);
            }
            PyErr_Clear();            /* a traceback fix never changes what is raised */
            fixed = PyException_GetTraceback(value);
            Py_XDECREF(tb);
            tb = fixed;
        }
        PyErr_Restore(type, value, tb);
    }

    static PyObject *{p}vectorcall(PyObject *func, PyObject *const *args, size_t nargsf,
                                   PyObject *kwnames) {
        PyFunctionObject *f = (PyFunctionObject *)func;
        PyCodeObject *co = (PyCodeObject *)f->func_code;
        PyObject *consts, *info, *binding, *defaults, *r;
        PyObject *full[16];
        PyObject *const *use = args;
        Py_ssize_t nc, nargs = PyVectorcall_NARGS(nargsf);
        Py_ssize_t argc, nd, i;
        PyObject *capsule;
        PyThreadState *ts;
        {p}fast_t fast;
        if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)
            goto plain;
        if ((PyObject *)co == {p}last_code) {
            info = {p}last_info;
            binding = {p}last_binding;
            fast = {p}last_fast;
            argc = {p}last_argc;
        }
        else {
            consts = co->co_consts;
            nc = PyTuple_GET_SIZE(consts);
            if (nc == 0)
                goto plain;
            info = PyTuple_GET_ITEM(consts, nc - 1);
            if (!PyTuple_CheckExact(info) || PyTuple_GET_SIZE(info) != 5
                    || PyTuple_GET_ITEM(info, 4) != {p}info_marker)
                goto plain;
            capsule = PyTuple_GET_ITEM(info, 0);
            fast = ({p}fast_t)PyCapsule_GetPointer(capsule, NULL);
            if (fast == NULL)
                return NULL;
            Py_INCREF(co);
            binding = PyTuple_GET_ITEM(info, 1);
            Py_XSETREF({p}last_code, (PyObject *)co);
            {p}last_info = info;
            {p}last_binding = binding;
            {p}last_fast = fast;
            {p}last_argc = argc = co->co_argcount;
        }
        defaults = NULL;
        if (nargs != argc) {
            /* only trampolines of plain positional parameters carry the info */
            defaults = f->func_defaults;
            nd = defaults != NULL ? PyTuple_GET_SIZE(defaults) : 0;
            if (nargs > argc || argc > 16 || nargs + nd < argc)
                goto plain;
            for (i = 0; i < nargs; i++)
                full[i] = args[i];
            for (i = nargs; i < argc; i++)
                full[i] = PyTuple_GET_ITEM(defaults, nd - (argc - i));
            use = full;
            Py_INCREF(defaults);   /* the call may rebind __defaults__ */
        }
    #if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
        /* Py_EnterRecursiveCall / Py_LeaveRecursiveCall, inline as 3.11's own headers
           have them (the exported functions cost a call each way).
           _Py_CheckRecursiveCall is exported by 3.11 but declared only in its internal
           headers: declared here, since an implicit declaration is an error in GCC >= 14. */
        ts = {p}THREAD_STATE();
        if (ts->recursion_remaining-- <= 0 && _Py_CheckRecursiveCall(ts, "")) {
            Py_XDECREF(defaults);
            return NULL;
        }
        r = fast(binding, use);
        ts->recursion_remaining++;
    #else
        if (Py_EnterRecursiveCall("")) {
            Py_XDECREF(defaults);
            return NULL;
        }
        r = fast(binding, use);
        Py_LeaveRecursiveCall();
    #endif
        Py_XDECREF(defaults);
        if (r == NULL)
            {p}direct_error(info, f);
        return r;
    plain:
        return {p}plain_vectorcall(func, args, nargsf, kwnames);
    }

    /* A call whose argument types the entry's guard rejects: the function's other
       specializations that jitcy has settled on (hotfunc.py keeps the binding's alts:
       ((types, FAST capsule, binding), ...)) are tried here, an exact type match per
       argument, and the match's own entry runs (its guard checks again). Without this
       every such call ran the miss dispatcher, a Python function: a frame, a tuple of
       types and a dict lookup per call (raytrace's constructors, called with floats and
       with ints: 7% of its time in the interpreter's frame evaluation). No match:
       ``alts`` itself comes back (new reference), and the entry takes the miss
       dispatcher. A recursion that alternates signatures stays a RecursionError. */
    static PyObject *{p}try_alts(PyObject *alts, PyObject **args, Py_ssize_t n) {
        Py_ssize_t k, i, na = PyTuple_GET_SIZE(alts);
        PyObject *alt, *types, *r;
        {p}fast_t fast;
        for (k = 0; k < na; k++) {
            alt = PyTuple_GET_ITEM(alts, k);
            types = PyTuple_GET_ITEM(alt, 0);
            if (PyTuple_GET_SIZE(types) != n)
                continue;
            for (i = 0; i < n; i++)
                if ((PyObject *)Py_TYPE(args[i]) != PyTuple_GET_ITEM(types, i))
                    break;
            if (i < n)
                continue;
            fast = ({p}fast_t)PyCapsule_GetPointer(PyTuple_GET_ITEM(alt, 1), NULL);
            if (fast == NULL)
                return NULL;
            if (Py_EnterRecursiveCall(" in a jitcy call"))
                return NULL;
            r = fast(PyTuple_GET_ITEM(alt, 2), args);
            Py_LeaveRecursiveCall();
            return r;
        }
        Py_INCREF(alts);
        return alts;
    }

    static int {p}install_vc(PyObject *func, PyObject *plain_func) {
        PyFunctionObject *f = (PyFunctionObject *)func;
        if ({p}info_marker == NULL) {
            {p}info_marker = PyUnicode_InternFromString("{p}fastcall__");
            if ({p}info_marker == NULL)
                return -1;
            {p}plain_vectorcall = ((PyFunctionObject *)plain_func)->vectorcall;
        }
        if (f->vectorcall != {p}plain_vectorcall)
            return 0;      /* ours already (any jitcy module's), or someone else's: leave it */
    #if PY_VERSION_HEX >= 0x030C0000
        PyFunction_SetVectorcall(f, {p}vectorcall);
    #else
        f->vectorcall = {p}vectorcall;
    #endif
        return 0;
    }
    """
    int {p}install_vc(object func, object plain_func) except -1
    object {p}try_alts(object alts, PyObject** args, Py_ssize_t n)


cdef object {p}plain_function = eval("lambda: None")   # a function the interpreter made


def {p}install_vectorcall(func):
    """Send calls of ``func`` from C straight to the compiled entry (see above)."""
    {p}install_vc(func, {p}plain_function)
'''),
    (naming.ATTR_CACHE, r'''
cdef extern from *:
    """
    /* obj.name for objects of user classes, with a cache per site: what CPython 3.11's
       specializing interpreter does (LOAD_ATTR_INSTANCE_VALUE / LOAD_ATTR_SLOT,
       STORE_ATTR_INSTANCE_VALUE / STORE_ATTR_SLOT), in C. The type's version tag (unique,
       reset by any change of the class) guards the cached place: a slot's offset, or the
       index of the name in the class's shared instance keys. Everything else (another
       type, a property, __getattr__, a materialized __dict__, a missing value) is the
       plain PyObject_GetAttr / PyObject_SetAttr, so errors and messages are Python's.
       Other Python versions (other object layouts) always take the plain path.
       A site holds up to {p}AC_WAYS types (the interpreter's caches hold one): a method
       of a base class sees its subclasses at one site (richards' Task methods: four
       task classes), and a cache of one type would refill at each change of type, a
       class lookup and a scan of the shared keys each time. */
    #define {p}AC_WAYS 4
    typedef struct { unsigned int version; int kind; Py_ssize_t index; } {p}aentry;
    typedef struct { {p}aentry e[{p}AC_WAYS]; int misses; unsigned int next; } {p}acache;
    #define {p}AC_NONE 0
    #define {p}AC_VALUES 1
    #define {p}AC_SLOT 2

    #if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    #define {p}ATTR_FAST 1
    #include "structmember.h"                   /* PyMemberDef */
    typedef struct {
        Py_ssize_t dk_refcnt;
        uint8_t dk_log2_size;
        uint8_t dk_log2_index_bytes;
        uint8_t dk_kind;
        uint32_t dk_version;
        Py_ssize_t dk_usable;
        Py_ssize_t dk_nentries;
        char dk_indices[];
    } {p}keys311;                           /* Include/internal/pycore_dict.h, 3.11 */
    typedef struct { PyObject *me_key; PyObject *me_value; } {p}ukey311;
    typedef struct { PyObject *values[1]; } {p}values311;
    #define {p}VALUES(o) (*((({p}values311 **)(o)) - 4))    /* _PyObject_ValuesPointer */

    static Py_ssize_t {p}shared_index(PyTypeObject *tp, PyObject *name) {
        /* the index of name in the class's shared instance keys, or -1 (not there yet) */
        {p}keys311 *keys = ({p}keys311 *)((PyHeapTypeObject *)tp)->ht_cached_keys;
        {p}ukey311 *entries;
        Py_ssize_t i;
        if (keys == NULL || keys->dk_kind != 2)   /* DICT_KEYS_SPLIT: shared keys */
            return -1;
        entries = ({p}ukey311 *)(&((int8_t *)keys->dk_indices)[(size_t)1 << keys->dk_log2_index_bytes]);
        for (i = 0; i < keys->dk_nentries; i++)
            if (entries[i].me_key == name)     /* names are interned */
                return i;
        return -1;
    }

    static {p}aentry *{p}afill(PyObject *o, PyObject *name, {p}acache *c, int store) {
        /* The entry of o's type: found in the other ways, else made in a free way or the
           next one in turn; NULL: nothing to cache yet (the plain path, a try next time). */
        PyTypeObject *tp = Py_TYPE(o);
        PyObject *descr;
        Py_ssize_t index = 0;
        int kind = {p}AC_NONE, k;
        if (tp->tp_version_tag != 0)
            for (k = 1; k < {p}AC_WAYS; k++)
                if (c->e[k].version == tp->tp_version_tag)
                    return &c->e[k];
        if (!PyUnicode_CheckExact(name) || !PyUnicode_CHECK_INTERNED(name))
            return NULL;
        if (store ? tp->tp_setattro != PyObject_GenericSetAttr
                  : tp->tp_getattro != PyObject_GenericGetAttr)
            goto found;                        /* kind NONE: the plain path for this type */
        descr = _PyType_Lookup(tp, name);      /* borrowed; gives tp a version tag */
        if (tp->tp_version_tag == 0 || !(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))
            return NULL;
        if (descr == NULL) {
            if (!(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) || {p}VALUES(o) == NULL)
                goto found;
            index = {p}shared_index(tp, name);
            if (index < 0) {
                /* the name may join the shared keys later (the first store of an
                   attribute): try again a few times before giving up on this type */
                if (++c->misses < 16)
                    return NULL;
                goto found;
            }
            kind = {p}AC_VALUES;
        }
        else if (Py_IS_TYPE(descr, &PyMemberDescr_Type)
                 && ((PyMemberDescrObject *)descr)->d_member->type == 16     /* T_OBJECT_EX */
                 && !(store && (((PyMemberDescrObject *)descr)->d_member->flags & 1))) {
            kind = {p}AC_SLOT;                                              /* not READONLY */
            index = ((PyMemberDescrObject *)descr)->d_member->offset;
        }
    found:
        if (tp->tp_version_tag == 0)
            return NULL;
        for (k = 0; k < {p}AC_WAYS && c->e[k].version != 0; k++)
            ;
        if (k == {p}AC_WAYS)
            k = (int)(c->next++ % {p}AC_WAYS);
        c->e[k].version = tp->tp_version_tag;
        c->e[k].kind = kind;
        c->e[k].index = index;
        return &c->e[k];
    }
    #endif

    static PyObject *{p}ga_any(PyObject *o, PyObject *name, {p}acache *c) {
    #ifdef {p}ATTR_FAST
        PyObject *r;
        {p}aentry *e = &c->e[0];
        if (e->version != Py_TYPE(o)->tp_version_tag || e->version == 0)
            e = {p}afill(o, name, c, 0);
        if (e != NULL) {
            if (e->kind == {p}AC_VALUES) {
                {p}values311 *values = {p}VALUES(o);
                if (values != NULL && (r = values->values[e->index]) != NULL) {
                    Py_INCREF(r);
                    return r;
                }
            }
            else if (e->kind == {p}AC_SLOT) {
                r = *(PyObject **)((char *)o + e->index);
                if (r != NULL) {
                    Py_INCREF(r);
                    return r;
                }
            }
        }
    #endif
        return PyObject_GetAttr(o, name);
    }

    /* values->values[index] = v (a reference taken), the old value released, a first
       store added to the insertion order (_PyDictValues_AddToInsertionOrder, pycore_dict.h,
       3.11): STORE_ATTR_INSTANCE_VALUE. A macro, so that sa and sa_any keep the code they
       had (an inline function for it, with a shared read, made richards 5-6% slower). */
    #define {p}VALUES_STORE(values, index, v, old) do {                                     \
            (old) = (values)->values[(index)];                                          \
            Py_INCREF(v);                                                               \
            (values)->values[(index)] = (v);                                            \
            if ((old) == NULL) {                                                        \
                uint8_t *size_ptr = ((uint8_t *)(values)) - 2;                          \
                int size = *size_ptr + 1;                                               \
                size_ptr[-size] = (uint8_t)(index);                                     \
                *size_ptr = (uint8_t)size;                                              \
            }                                                                           \
            else {                                                                      \
                Py_DECREF(old);                                                         \
            }                                                                           \
        } while (0)

    static int {p}sa_any(PyObject *o, PyObject *name, PyObject *v, {p}acache *c) {
    #ifdef {p}ATTR_FAST
        PyObject *old, **place;
        {p}aentry *e = &c->e[0];
        if (e->version != Py_TYPE(o)->tp_version_tag || e->version == 0)
            e = {p}afill(o, name, c, 1);
        if (e != NULL) {
            if (e->kind == {p}AC_VALUES) {
                {p}values311 *values = {p}VALUES(o);
                if (values != NULL) {
                    {p}VALUES_STORE(values, e->index, v, old);
                    return 0;
                }
            }
            else if (e->kind == {p}AC_SLOT) {
                place = (PyObject **)((char *)o + e->index);
                old = *place;
                Py_INCREF(v);
                *place = v;
                Py_XDECREF(old);
                return 0;
            }
        }
    #endif
        return PyObject_SetAttr(o, name, v);
    }

    /* The common case at the site itself: the type in one of the ways, and the value or
       the slot there (a read) or the instance's values array (a store). Anything else
       calls the functions above, which look again from the start. Forced inline: GCC
       kept one out-of-line copy per module. richards, minimums of 15 calls in alternating
       runs: 0.0221-0.0236 s -> 0.0210-0.0222 s; raytrace within its noise (+-3%).
       The first way is tested inline, the others in away_rest, a leaf call: a site in a
       base class's method sees each subclass (richards' Task methods: four), and only
       one of them is in the first way. richards 0.0217-0.0231 s -> 0.0203-0.0215 s; with
       all four ways tested inline, raytrace (many sites, one class each) ran 2-3%
       slower. */
    #if defined(__GNUC__) || defined(__clang__)
    #define {p}AC_INLINE inline __attribute__((always_inline))
    #define {p}AC_LIKELY(x) __builtin_expect(!!(x), 1)
    #else
    #define {p}AC_INLINE inline
    #define {p}AC_LIKELY(x) (x)
    #endif
    static {p}aentry *{p}away_rest({p}acache *c, unsigned int version) {
        /* (a leaf: no stack frame, no saved registers) */
        int k;
        for (k = 1; k < {p}AC_WAYS; k++)
            if (c->e[k].version == version)
                return &c->e[k];
        return NULL;
    }

    static {p}AC_INLINE {p}aentry *{p}away({p}acache *c, unsigned int version) {
        /* the way of this type version, or NULL (a version of 0 is never cached) */
        if ({p}AC_LIKELY(c->e[0].version == version && version != 0))
            return &c->e[0];
        if (version == 0)
            return NULL;
        return {p}away_rest(c, version);
    }

    static {p}AC_INLINE PyObject *{p}ga(PyObject *o, PyObject *name, {p}acache *c) {
    #ifdef {p}ATTR_FAST
        PyObject *r;
        {p}aentry *e = {p}away(c, Py_TYPE(o)->tp_version_tag);
        if ({p}AC_LIKELY(e != NULL)) {
            if (e->kind == {p}AC_VALUES) {
                {p}values311 *values = {p}VALUES(o);
                if ({p}AC_LIKELY(values != NULL && (r = values->values[e->index]) != NULL)) {
                    Py_INCREF(r);
                    return r;
                }
            }
            else if (e->kind == {p}AC_SLOT) {
                r = *(PyObject **)((char *)o + e->index);
                if ({p}AC_LIKELY(r != NULL)) {
                    Py_INCREF(r);
                    return r;
                }
            }
        }
    #endif
        return {p}ga_any(o, name, c);
    }

    static {p}AC_INLINE int {p}sa(PyObject *o, PyObject *name, PyObject *v, {p}acache *c) {
    #ifdef {p}ATTR_FAST
        PyObject *old;
        {p}aentry *e = {p}away(c, Py_TYPE(o)->tp_version_tag);
        if ({p}AC_LIKELY(e != NULL && e->kind == {p}AC_VALUES)) {
            {p}values311 *values = {p}VALUES(o);
            if ({p}AC_LIKELY(values != NULL)) {
                {p}VALUES_STORE(values, e->index, v, old);
                return 0;
            }
        }
    #endif
        return {p}sa_any(o, name, v, c);
    }
    """
    ctypedef struct {p}acache:
        pass
    object {p}ga(object o, object name, {p}acache* c)
    int {p}sa(object o, object name, object v, {p}acache* c) except -1
'''),
    (naming.ATTR_AUG, r'''
cdef extern from *:
    """
    /* obj.name op= value where obj is any expression (a global, obj.other.name...) and
       value a constant or a local that is always bound: obj is evaluated once (the
       argument), its attribute read and stored through the sites' caches ({p}acache),
       the operation the interpreter's in-place one. Python reads obj.name before it
       evaluates value: a constant or such a local shows no difference. */
    static int {p}aa(PyObject *o, PyObject *name, PyObject *v, int op,
                     {p}acache *cget, {p}acache *cset) {
        PyObject *old = {p}ga(o, name, cget), *r;
        int rc;
        if (old == NULL)
            return -1;
        switch (op) {       /* the index in rewrite_names._AUG_OPS */
        case 0: r = PyNumber_InPlaceAdd(old, v); break;
        case 1: r = PyNumber_InPlaceSubtract(old, v); break;
        case 2: r = PyNumber_InPlaceMultiply(old, v); break;
        case 3: r = PyNumber_InPlaceTrueDivide(old, v); break;
        case 4: r = PyNumber_InPlaceFloorDivide(old, v); break;
        case 5: r = PyNumber_InPlaceRemainder(old, v); break;
        case 6: r = PyNumber_InPlacePower(old, v, Py_None); break;
        case 7: r = PyNumber_InPlaceLshift(old, v); break;
        case 8: r = PyNumber_InPlaceRshift(old, v); break;
        case 9: r = PyNumber_InPlaceAnd(old, v); break;
        case 10: r = PyNumber_InPlaceOr(old, v); break;
        case 11: r = PyNumber_InPlaceXor(old, v); break;
        default: r = PyNumber_InPlaceMatrixMultiply(old, v); break;
        }
        Py_DECREF(old);
        if (r == NULL)
            return -1;
        rc = {p}sa(o, name, r, cset);
        Py_DECREF(r);
        return rc;
    }
    """
    int {p}aa(object o, object name, object v, int op, {p}acache* cget, {p}acache* cset) except -1
'''),
    (naming.METHOD_CACHE, r'''
cdef extern from *:
    """
    /* (the 3.11 layouts come from {p}acache's helper, emitted before this one) */
    /* obj.m(args) with obj a local and m found on the class (a function or a method
       descriptor): the unbound function, called with obj prepended, as the interpreter's
       LOAD_METHOD/CALL do (no bound method object), with the class lookup cached under the
       class's version tag (3.11 layouts; elsewhere _PyObject_GetMethod's own lookup), for
       up to {p}AC_WAYS classes per site (see {p}acache). The lookup runs before the
       arguments are evaluated, as in Python: {p}lm returns the callable and sets
       *self_needed, then {p}cmN calls it. */
    typedef struct {
        unsigned int version; signed char kind;
        /* {p}lm0 only (calls without arguments): is func a Python function, a trivial
           method ({p}MT_*, {p}mclassify), and its code then (a reference held, so that
           its address is never reused) */
        signed char isfunc, trivial;
        Py_ssize_t nentries; PyObject *func; PyObject *code;
    } {p}mentry;
    /* a trivial method's constant or attribute name, and that attribute's cache: apart
       from the entries, which a call scans (richards: 4 classes a site), so that those
       stay 32 bytes each as before (with these in them: 128, and richards measured 5%
       slower than before, against 2-3% in this layout) */
    struct {p}mprog;
    typedef struct {
        PyObject *value; {p}acache attr;
        struct {p}mprog *prog;          /* {p}MT_PROG's program */
        {p}acache *caches;              /* {p}MT_PROBE's attribute caches, this way's own:
                                           one class each, so that they always hit */
    } {p}mtrivial_t;
    #define {p}MT_NONE 0          /* ({p}mclassify) */
    #define {p}MT_SELF 1
    #define {p}MT_CONST 2
    #define {p}MT_ATTR 3
    #define {p}MT_PENDING 4       /* a trampoline of jitcy's that carries no original code */
    #define {p}MT_PROG 5          /* a short program ({p}mprog_t) */
    #define {p}MT_PROBE 6         /* the call site's own program in C ({p}probe_t) */
    /* A short method's program that the translation wrote as C for one call site
       (analyzer/method_programs.py, translator/method_probes.py): match tells whether a
       method's (original) code is the one it was written for, run runs it as {p}mrun does
       (NULL: call the method; with an error set: a store's). */
    typedef struct {
        int (*match)(PyCodeObject *co, const unsigned char *b, Py_ssize_t n);
        PyObject *(*run)(PyObject *o, PyObject *names, PyObject *consts, {p}acache *caches);
        int ncaches;
    } {p}probe_t;
    #if defined(__GNUC__) || defined(__clang__)
    #define {p}UNLIKELY(x) __builtin_expect(!!(x), 0)
    #else
    #define {p}UNLIKELY(x) (x)
    #endif
    typedef struct { {p}mentry e[{p}AC_WAYS]; unsigned int next; {p}mtrivial_t t[{p}AC_WAYS]; } {p}mcache;

    #ifdef {p}ATTR_FAST
    static int {p}mhit({p}mentry *e, PyObject *o, PyTypeObject *tp) {
        if (e->version == 0 || tp->tp_version_tag != e->version)
            return 0;
        if (e->kind == 1)                         /* no instance dict at all */
            return 1;
        return e->kind == 2 && {p}VALUES(o) != NULL
               && (({p}keys311 *)((PyHeapTypeObject *)tp)->ht_cached_keys)->dk_nentries
                  == e->nentries;                 /* the name joined no instance keys since */
    }
    #endif

    /* no way of the site holds o's type: fill one, then Python's own lookup */
    static PyObject *{p}lm_miss(PyObject *o, PyObject *name, {p}mcache *c,
                                int *self_needed) {
        PyTypeObject *tp = Py_TYPE(o);
        PyObject *meth = NULL;
    #ifdef {p}ATTR_FAST
        {p}mentry *e;
        int k;
        if (tp->tp_getattro == PyObject_GenericGetAttr && PyUnicode_CheckExact(name)
                 && PyUnicode_CHECK_INTERNED(name)) {
            PyObject *descr = _PyType_Lookup(tp, name);
            int kind = 0;
            if (descr != NULL && tp->tp_version_tag != 0
                    && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)
                    && PyType_HasFeature(Py_TYPE(descr), Py_TPFLAGS_METHOD_DESCRIPTOR)) {
                if (tp->tp_dictoffset == 0 && !(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT))
                    kind = 1;
                else if ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && {p}VALUES(o) != NULL
                         && ((PyHeapTypeObject *)tp)->ht_cached_keys != NULL
                         && {p}shared_index(tp, name) < 0)
                    kind = 2;
            }
            /* this type's way (an entry gone stale), else a free one, else the next */
            for (k = 0; k < {p}AC_WAYS && c->e[k].version != 0
                        && c->e[k].version != tp->tp_version_tag; k++)
                ;
            if (k == {p}AC_WAYS)
                k = kind != 0 ? (int)(c->next++ % {p}AC_WAYS) : -1;
            if (k >= 0) {
                e = &c->e[k];
                e->version = kind != 0 ? tp->tp_version_tag : 0;
                e->kind = kind;
                e->func = descr;
                e->isfunc = kind != 0 && Py_IS_TYPE(descr, &PyFunction_Type);
                e->trivial = e->isfunc ? {p}MT_PENDING : {p}MT_NONE;
                Py_CLEAR(e->code);          /* classified at its next hit */
                PyMem_Free(c->t[k].prog);   /* (its names were the old code's) */
                c->t[k].prog = NULL;
                PyMem_Free(c->t[k].caches);
                c->t[k].caches = NULL;
                if (kind == 2)
                    e->nentries = (({p}keys311 *)((PyHeapTypeObject *)tp)->ht_cached_keys)->dk_nentries;
            }
        }
        *self_needed = _PyObject_GetMethod(o, name, &meth);
    #else
        meth = PyObject_GetAttr(o, name);
        *self_needed = 0;
    #endif
        return meth;        /* NULL with the AttributeError set */
    }

    static PyObject *{p}lm(PyObject *o, PyObject *name, {p}mcache *c, int *self_needed) {
    #ifdef {p}ATTR_FAST
        PyTypeObject *tp = Py_TYPE(o);
        int k;
        for (k = 0; k < {p}AC_WAYS; k++) {
            if ({p}mhit(&c->e[k], o, tp)) {
                Py_INCREF(c->e[k].func);
                *self_needed = 1;
                return c->e[k].func;
            }
        }
    #endif
        return {p}lm_miss(o, name, c, self_needed);
    }

    /* Trivial methods, called without arguments: ``def isPoint(self): return True``,
       ``def mustBeVector(self): return self``, a getter ``return self.x``, a hook whose
       body is ``pass``. {p}lm0 gives their result at the call site, with no call:
       raytrace's isPoint/mustBeVector took 4% of its time in calls that only return a
       constant or their argument. What makes this exact:
       - a trivial method's code is checked at each hit (a __code__ assigned later:
         classified again), and for a trampoline of jitcy's, the user's original code it
         carries (compat.make_trampoline) is what is classified;
       - a getter's attribute is read only when it is a value in the instance (its cache
         hit; the rest, an AttributeError included, calls the function);
       - with a trace or profile function set, or at the recursion limit (where the call
         raises RecursionError), the function is called as before.
       What shows: the calls taken here are not counted in jitcy.stats, and do not make the
       method hot. */
    #ifdef {p}ATTR_FAST
    #include "opcode.h"                      /* RESUME, LOAD_FAST... (3.11's numbers) */
    /* has co a local named with jitcy's prefix (a trampoline's, compat.py)? */
    static int {p}jitcy_locals(PyCodeObject *co) {
        static PyObject *prefix = NULL;
        PyObject *names, *name;
        Py_ssize_t i;
        int found = 0;
        if (prefix == NULL && (prefix = PyUnicode_InternFromString("{p}")) == NULL) {
            PyErr_Clear();
            return 1;                      /* (checked again at the next hit) */
        }
        if ((names = PyCode_GetVarnames(co)) == NULL) {
            PyErr_Clear();
            return 1;
        }
        for (i = 0; i < PyTuple_GET_SIZE(names) && !found; i++) {
            name = PyTuple_GET_ITEM(names, i);
            found = PyUnicode_Check(name)
                    && PyUnicode_Tailmatch(name, prefix, 0, PY_SSIZE_T_MAX, -1) == 1;
        }
        Py_DECREF(names);
        return found;
    }

    /* Short methods, called without arguments, run as a program at the call site
       ({p}MT_PROG): an expression of the instance's attributes, constants, ``not``,
       ``and``/``or``, ``is``/``is not`` and ``if``/``else`` (richards' state tests:
       ``return self.task_holding or (not self.packet_pending and self.task_waiting)``),
       or a run of ``self.name = <constant>`` ending in ``return self`` or a constant
       (richards' ``running()``, ``waitTask()``). What makes this exact, besides the
       trivial methods' rules above:
       - an expression has no effects: an attribute that is not a value in the instance
         (a property, a class attribute, a missing one) or a truth test of anything but
         a bool, None, an int, a float or a str (which could run __bool__ or __len__)
         gives up and calls the function, and nothing was done;
       - stores are all checked before the first one (each a value or a slot in the
         instance, as {p}sa stores it); the first store's old value can run a __del__
         that changes the instance: each store then goes through {p}sa, Python's own
         setattr when its place is gone. Only there can an error come out of here: its
         traceback then lacks the method's own line. */
    #define {p}OP_SELF 0        /* LOAD_FAST 0 */
    #define {p}OP_CONST 1       /* LOAD_CONST: value */
    #define {p}OP_ATTR 2        /* LOAD_ATTR: name, cache */
    #define {p}OP_NOT 3         /* UNARY_NOT */
    #define {p}OP_IS 4          /* IS_OP: arg = invert */
    #define {p}OP_JIF_POP 5     /* JUMP_IF_FALSE_OR_POP: arg = the target op */
    #define {p}OP_JIT_POP 6     /* JUMP_IF_TRUE_OR_POP */
    #define {p}OP_PJIF 7        /* POP_JUMP_FORWARD_IF_FALSE */
    #define {p}OP_PJIT 8        /* POP_JUMP_FORWARD_IF_TRUE */
    #define {p}OP_PJIN 9        /* POP_JUMP_FORWARD_IF_NONE */
    #define {p}OP_PJINN 10      /* POP_JUMP_FORWARD_IF_NOT_NONE */
    #define {p}OP_JUMP 11       /* JUMP_FORWARD */
    #define {p}OP_RETURN 12     /* RETURN_VALUE */
    #define {p}OP_STORE 13      /* LOAD_CONST, LOAD_FAST 0, STORE_ATTR: value, name, cache */
    #define {p}OP_SATTR 14      /* LOAD_FAST 0, LOAD_ATTR: name, cache */
    #define {p}PROG_UNITS 96    /* the longest code taken, in code units */
    #define {p}PROG_STACK 8
    typedef struct {
        int op, arg;
        PyObject *value, *name;     /* borrowed from the code, which the entry holds */
        {p}acache cache;
    } {p}mop_t;
    typedef struct {p}mprog { int n, nstores; {p}mop_t ops[1]; } {p}mprog_t;

    /* 3.11 bytecode to a program, or NULL: not one of the shapes above */
    static {p}mprog_t *{p}mdecode(PyCodeObject *co, const unsigned char *b, Py_ssize_t n) {
        int at[{p}PROG_UNITS + 1];
        {p}mop_t ops[{p}PROG_UNITS];
        {p}mprog_t *p;
        Py_ssize_t units = n / 2, u = 1, nconsts = PyTuple_GET_SIZE(co->co_consts),
                   nnames = PyTuple_GET_SIZE(co->co_names);
        int nops = 0, nstores = 0, pushes = 0, op, arg, k, jumps = 0;
        if (units > {p}PROG_UNITS || b[0] != RESUME || b[1] != 0)
            return NULL;
        for (k = 0; k <= {p}PROG_UNITS; k++)
            at[k] = -1;
        while (u < units) {
            op = b[2 * u];
            arg = b[2 * u + 1];
            at[u] = nops;
            memset(&ops[nops], 0, sizeof(ops[nops]));
            ops[nops].arg = -1;
            switch (op) {
            case LOAD_CONST:
                if (arg >= nconsts)
                    return NULL;
                if (u + 2 < units && b[2 * u + 2] == LOAD_FAST && b[2 * u + 3] == 0
                        && b[2 * u + 4] == STORE_ATTR) {
                    if (nops != nstores || b[2 * u + 5] >= nnames)
                        return NULL;                       /* stores only come first */
                    ops[nops].op = {p}OP_STORE;
                    ops[nops].value = PyTuple_GET_ITEM(co->co_consts, arg);
                    ops[nops].name = PyTuple_GET_ITEM(co->co_names, b[2 * u + 5]);
                    nstores++;
                    u += 3 + 4;                            /* STORE_ATTR's 4 caches */
                    nops++;
                    continue;
                }
                ops[nops].op = {p}OP_CONST;
                ops[nops].value = PyTuple_GET_ITEM(co->co_consts, arg);
                pushes++;
                u += 1;
                break;
            case LOAD_FAST:
                if (arg != 0)
                    return NULL;
                pushes++;
                if (u + 1 < units && b[2 * u + 2] == LOAD_ATTR) {
                    if (b[2 * u + 3] >= nnames)
                        return NULL;
                    ops[nops].op = {p}OP_SATTR;     /* (no jump lands on its LOAD_ATTR) */
                    ops[nops].name = PyTuple_GET_ITEM(co->co_names, b[2 * u + 3]);
                    u += 2 + 4;
                    break;
                }
                ops[nops].op = {p}OP_SELF;
                u += 1;
                break;
            case LOAD_ATTR:
                if (arg >= nnames)
                    return NULL;
                ops[nops].op = {p}OP_ATTR;
                ops[nops].name = PyTuple_GET_ITEM(co->co_names, arg);
                u += 1 + 4;                                /* LOAD_ATTR's 4 caches */
                break;
            case UNARY_NOT: ops[nops].op = {p}OP_NOT; u += 1; break;
            case IS_OP: ops[nops].op = {p}OP_IS; ops[nops].arg = arg != 0; u += 1; break;
            case RETURN_VALUE: ops[nops].op = {p}OP_RETURN; u += 1; break;
            case JUMP_IF_FALSE_OR_POP: op = {p}OP_JIF_POP; goto jump;
            case JUMP_IF_TRUE_OR_POP: op = {p}OP_JIT_POP; goto jump;
            case POP_JUMP_FORWARD_IF_FALSE: op = {p}OP_PJIF; goto jump;
            case POP_JUMP_FORWARD_IF_TRUE: op = {p}OP_PJIT; goto jump;
            case POP_JUMP_FORWARD_IF_NONE: op = {p}OP_PJIN; goto jump;
            case POP_JUMP_FORWARD_IF_NOT_NONE: op = {p}OP_PJINN; goto jump;
            case JUMP_FORWARD: op = {p}OP_JUMP;
            jump:
                ops[nops].op = op;
                ops[nops].arg = (int)(u + 1 + arg);        /* a unit for now */
                jumps++;
                u += 1;
                break;
            default:
                return NULL;        /* EXTENDED_ARG, calls, globals, loops...: not taken */
            }
            nops++;
        }
        if (u != units || pushes > {p}PROG_STACK || nops == 0 || ops[nops - 1].op != {p}OP_RETURN)
            return NULL;
        for (k = 0; k < nops && jumps > 0; k++) {
            if (ops[k].op >= {p}OP_JIF_POP && ops[k].op <= {p}OP_JUMP) {
                if (ops[k].arg >= units || at[ops[k].arg] <= k)
                    return NULL;                           /* forward, to an instruction */
                ops[k].arg = at[ops[k].arg];
            }
        }
        /* stores, then ``return self`` or a constant: nothing after them can give up */
        if (nstores > 0 && !(nops == nstores + 2 && ops[nstores].op <= {p}OP_CONST))
            return NULL;
        p = ({p}mprog_t *)PyMem_Malloc(sizeof({p}mprog_t) + (size_t)nops * sizeof({p}mop_t));
        if (p == NULL) {
            PyErr_Clear();
            return NULL;
        }
        p->n = nops;
        p->nstores = nstores;
        memcpy(p->ops, ops, (size_t)nops * sizeof({p}mop_t));
        return p;
    }

    /* the truth of v if telling it runs no code of the program's, else -1 */
    static int {p}mtruth(PyObject *v) {
        if (v == Py_True)
            return 1;
        if (v == Py_False || v == Py_None)
            return 0;
        if (PyLong_CheckExact(v))
            return Py_SIZE(v) != 0;
        if (PyFloat_CheckExact(v))
            return PyFloat_AS_DOUBLE(v) != 0.0;
        if (PyUnicode_CheckExact(v) && PyUnicode_IS_READY(v))
            return PyUnicode_GET_LENGTH(v) != 0;
        return -1;
    }

    /* the place of o.name as the cache sees it (a value or a slot), or 0 */
    static int {p}mplace(PyObject *o, PyObject *name, {p}acache *c, int store) {
        {p}aentry *a = {p}away(c, Py_TYPE(o)->tp_version_tag);
        if (a == NULL)
            a = {p}afill(o, name, c, store);
        if (a == NULL)
            return 0;
        if (a->kind == {p}AC_VALUES)
            return {p}VALUES(o) != NULL;
        return a->kind == {p}AC_SLOT;
    }

    /* o.name if it is a value or a slot of the instance (borrowed), else NULL (no error) */
    static inline PyObject *{p}mattr(PyObject *o, PyObject *name, {p}acache *c) {
        {p}aentry *a = {p}away(c, Py_TYPE(o)->tp_version_tag);
        if (a == NULL)
            a = {p}afill(o, name, c, 0);
        if (a == NULL)
            return NULL;
        if (a->kind == {p}AC_VALUES) {
            {p}values311 *values = {p}VALUES(o);
            return values != NULL ? values->values[a->index] : NULL;
        }
        return a->kind == {p}AC_SLOT ? *(PyObject **)((char *)o + a->index) : NULL;
    }

    /* the program's result (a new reference); NULL: call the function (no error set),
       or an error of a store ({p}mtrivial's caller tells them apart) */
    static PyObject *{p}mrun({p}mprog_t *p, PyObject *o) {
        PyObject *stack[{p}PROG_STACK], *v;
        {p}mop_t *op, *ops = p->ops;
        int sp = 0, k, t;
        /* each op's code jumps to the next op's on its own (GCC's labels as values):
           one shared switch mispredicted at nearly every op (richards ran no faster
           than with the calls) */
    #if defined(__GNUC__) || defined(__clang__)
        static void *labels[] = {&&op_self, &&op_const, &&op_attr, &&op_not, &&op_is,
                                 &&op_jpop, &&op_jpop, &&op_pjump, &&op_pjump, &&op_pjnone,
                                 &&op_pjnone, &&op_jump, &&op_return, &&op_fail, &&op_sattr};
        #define {p}NEXT() goto *labels[op->op]
    #else
        #define {p}NEXT() goto dispatch
    #endif
        for (k = 0; k < p->nstores; k++)
            if (!{p}mplace(o, ops[k].name, &ops[k].cache, 1))
                return NULL;
        for (k = 0; k < p->nstores; k++)
            if ({p}sa(o, ops[k].name, ops[k].value, &ops[k].cache) < 0)
                return NULL;
        op = ops + p->nstores;
        {p}NEXT();
    #if !(defined(__GNUC__) || defined(__clang__))
    dispatch:
        switch (op->op) {
        case {p}OP_SELF: goto op_self;
        case {p}OP_CONST: goto op_const;
        case {p}OP_ATTR: goto op_attr;
        case {p}OP_SATTR: goto op_sattr;
        case {p}OP_NOT: goto op_not;
        case {p}OP_IS: goto op_is;
        case {p}OP_JIF_POP: case {p}OP_JIT_POP: goto op_jpop;
        case {p}OP_PJIF: case {p}OP_PJIT: goto op_pjump;
        case {p}OP_PJIN: case {p}OP_PJINN: goto op_pjnone;
        case {p}OP_JUMP: goto op_jump;
        case {p}OP_RETURN: goto op_return;
        default: goto op_fail;
        }
    #endif
    op_self:
        stack[sp++] = o;
        op++;
        {p}NEXT();
    op_const:
        stack[sp++] = op->value;
        op++;
        {p}NEXT();
    op_sattr:                                   /* self.name */
        stack[sp++] = o;
    op_attr:
        if ((v = {p}mattr(stack[sp - 1], op->name, &op->cache)) == NULL)
            return NULL;
        stack[sp - 1] = v;
        op++;
        {p}NEXT();
    op_not:
        if ((t = {p}mtruth(stack[sp - 1])) < 0)
            return NULL;
        stack[sp - 1] = t ? Py_False : Py_True;
        op++;
        {p}NEXT();
    op_is:
        sp--;
        stack[sp - 1] = (stack[sp - 1] == stack[sp]) != op->arg ? Py_True : Py_False;
        op++;
        {p}NEXT();
    op_jpop:                                    /* JUMP_IF_FALSE/TRUE_OR_POP */
        if ((t = {p}mtruth(stack[sp - 1])) < 0)
            return NULL;
        if (t == (op->op == {p}OP_JIT_POP)) {
            op = ops + op->arg;
        }
        else {
            sp--;
            op++;
        }
        {p}NEXT();
    op_pjump:                                   /* POP_JUMP_FORWARD_IF_FALSE/TRUE */
        if ((t = {p}mtruth(stack[--sp])) < 0)
            return NULL;
        op = t == (op->op == {p}OP_PJIT) ? ops + op->arg : op + 1;
        {p}NEXT();
    op_pjnone:                                  /* POP_JUMP_FORWARD_IF_(NOT_)NONE */
        op = (stack[--sp] == Py_None) == (op->op == {p}OP_PJIN) ? ops + op->arg : op + 1;
        {p}NEXT();
    op_jump:
        op = ops + op->arg;
        {p}NEXT();
    op_return:
        v = stack[sp - 1];
        Py_INCREF(v);
        return v;
    op_fail:
        return NULL;
        #undef {p}NEXT
    }

    static void {p}mclassify({p}mentry *e, {p}mtrivial_t *t, const {p}probe_t *probe) {
        PyObject *code = ((PyFunctionObject *)e->func)->func_code, *bytes, *consts, *info;
        PyCodeObject *co = (PyCodeObject *)code;
        const unsigned char *b;
        Py_ssize_t n, nc;
        Py_INCREF(code);
        Py_XSETREF(e->code, code);
        e->trivial = {p}MT_NONE;
        PyMem_Free(t->prog);
        t->prog = NULL;
        PyMem_Free(t->caches);
        t->caches = NULL;
        consts = co->co_consts;
        nc = PyTuple_GET_SIZE(consts);
        if (nc > 0) {                       /* a trampoline of jitcy's: its original code */
            info = PyTuple_GET_ITEM(consts, nc - 1);
            if (PyTuple_CheckExact(info) && PyTuple_GET_SIZE(info) == 5
                    && PyUnicode_CheckExact(PyTuple_GET_ITEM(info, 4))
                    && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(info, 4),
                                                        "{p}fastcall__") == 0
                    && PyCode_Check(PyTuple_GET_ITEM(info, 3)))
                co = (PyCodeObject *)PyTuple_GET_ITEM(info, 3);
        }
        if (co == (PyCodeObject *)code && {p}jitcy_locals(co)) {
            /* jitcy's profiling or measuring trampoline: the swap that follows may bring
               a trivial method's original; until then its code is checked at each hit */
            e->trivial = {p}MT_PENDING;
            return;
        }
        if (co->co_argcount != 1 || co->co_kwonlyargcount != 0 || co->co_ncellvars != 0
                || co->co_nfreevars != 0
                || (co->co_flags & (CO_VARARGS | CO_VARKEYWORDS | CO_GENERATOR | CO_COROUTINE
                                    | CO_ASYNC_GENERATOR | CO_ITERABLE_COROUTINE)))
            return;
        bytes = PyCode_GetCode(co);
        if (bytes == NULL) {
            PyErr_Clear();
            return;
        }
        b = (const unsigned char *)PyBytes_AS_STRING(bytes);
        n = PyBytes_GET_SIZE(bytes);
        /* 3.11: RESUME 0, then LOAD_FAST 0 | LOAD_CONST k | LOAD_FAST 0, LOAD_ATTR i and
           its four cache entries, then RETURN_VALUE */
        if (n >= 6 && b[0] == RESUME && b[1] == 0 && b[n - 2] == RETURN_VALUE) {
            if (n == 6 && b[2] == LOAD_FAST && b[3] == 0) {
                e->trivial = {p}MT_SELF;
            }
            else if (n == 6 && b[2] == LOAD_CONST && b[3] < PyTuple_GET_SIZE(co->co_consts)) {
                t->value = PyTuple_GET_ITEM(co->co_consts, b[3]);
                e->trivial = {p}MT_CONST;
            }
            else if (n == 16 && b[2] == LOAD_FAST && b[3] == 0 && b[4] == LOAD_ATTR
                     && b[5] < PyTuple_GET_SIZE(co->co_names)
                     && memcmp(b + 6, "\\0\\0\\0\\0\\0\\0\\0\\0", 8) == 0) {
                t->value = PyTuple_GET_ITEM(co->co_names, b[5]);
                memset(&t->attr, 0, sizeof(t->attr));
                e->trivial = {p}MT_ATTR;
            }
        }
        if (e->trivial == {p}MT_NONE && probe != NULL && probe->match(co, b, n)
                && (t->caches = ({p}acache *)PyMem_Calloc(probe->ncaches + 1,
                                                        sizeof({p}acache))) != NULL) {
            t->value = (PyObject *)co;          /* (held by e->code, or by its trampoline) */
            e->trivial = {p}MT_PROBE;
        }
        else if (e->trivial == {p}MT_NONE && n >= 6 && (t->prog = {p}mdecode(co, b, n)) != NULL)
            e->trivial = {p}MT_PROG;
        Py_DECREF(bytes);
    }

    /* the trivial method's result (a new reference), or NULL: call it (no error set) */
    static PyObject *{p}mtrivial({p}mentry *e, {p}mtrivial_t *t, PyObject *o,
                                 const {p}probe_t *probe) {
        PyThreadState *ts = {p}THREAD_STATE();
        PyObject *r;
        {p}aentry *a;
        if (ts->c_tracefunc != NULL || ts->c_profilefunc != NULL || ts->recursion_remaining <= 0)
            return NULL;
        if (e->trivial == {p}MT_PROBE)
            return probe->run(o, ((PyCodeObject *)t->value)->co_names,
                              ((PyCodeObject *)t->value)->co_consts, t->caches);
        if (e->trivial == {p}MT_PROG)
            return {p}mrun(t->prog, o);
        if (e->trivial == {p}MT_SELF)
            r = o;
        else if (e->trivial == {p}MT_CONST)
            r = t->value;
        else {
            a = {p}away(&t->attr, Py_TYPE(o)->tp_version_tag);
            if (a == NULL)
                a = {p}afill(o, t->value, &t->attr, 0);
            if (a == NULL)
                return NULL;
            if (a->kind == {p}AC_VALUES) {
                {p}values311 *values = {p}VALUES(o);
                r = values != NULL ? values->values[a->index] : NULL;
            }
            else
                r = a->kind == {p}AC_SLOT ? *(PyObject **)((char *)o + a->index) : NULL;
            if (r == NULL)
                return NULL;
        }
        Py_INCREF(r);
        return r;
    }
    #endif

    /* obj.m() (no arguments): {p}lm, but a trivial method's result comes back at once,
       with *self_needed = 2, which {p}cm0 returns as its own result */
    static inline PyObject *{p}lm0_impl(PyObject *o, PyObject *name, {p}mcache *c,
                                        int *self_needed, const {p}probe_t *probe) {
    #ifdef {p}ATTR_FAST
        PyTypeObject *tp = Py_TYPE(o);
        PyObject *r;
        {p}mentry *e;
        int k;
        for (k = 0; k < {p}AC_WAYS; k++) {
            e = &c->e[k];
            if ({p}mhit(e, o, tp)) {
                /* The code is checked at each hit unless the function was found not
                   trivial (MT_NONE: checked at each hit, richards ran 3% slower) */
                if ({p}UNLIKELY(e->trivial != {p}MT_NONE)) {
                    if (((PyFunctionObject *)e->func)->func_code != e->code)
                        {p}mclassify(e, &c->t[k], probe);
                    if (e->trivial != {p}MT_NONE && e->trivial != {p}MT_PENDING) {
                        if ((r = {p}mtrivial(e, &c->t[k], o, probe)) != NULL) {
                            *self_needed = 2;
                            return r;
                        }
                        if (e->trivial >= {p}MT_PROG && PyErr_Occurred())
                            return NULL;          /* a store's error ({p}mrun, a probe) */
                    }
                }
                Py_INCREF(e->func);
                *self_needed = 1;
                return e->func;
            }
        }
    #endif
        return {p}lm_miss(o, name, c, self_needed);
    }

    static PyObject *{p}lm0(PyObject *o, PyObject *name, {p}mcache *c, int *self_needed) {
        return {p}lm0_impl(o, name, c, self_needed, NULL);
    }

    /* obj.m() where the translation wrote m's program as C for this site */
    static PyObject *{p}lm0p(PyObject *o, PyObject *name, {p}mcache *c, int *self_needed,
                             const {p}probe_t *probe) {
        return {p}lm0_impl(o, name, c, self_needed, probe);
    }


    static PyObject *{p}cm0(PyObject *meth, int *self_needed, PyObject *o) {
        PyObject *args[2] = {NULL, o};
        if ({p}UNLIKELY(*self_needed == 2)) {    /* a trivial method's result ({p}lm0) */
            Py_INCREF(meth);            /* (the caller releases its own reference) */
            return meth;
        }
        if (*self_needed)
            return {p}vcall(meth, args + 1, 1);
        return {p}vcall(meth, args + 2, 0 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm1(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0) {
        PyObject *args[3] = {NULL, o, a0};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 2);
        return {p}vcall(meth, args + 2, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm2(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1) {
        PyObject *args[4] = {NULL, o, a0, a1};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 3);
        return {p}vcall(meth, args + 2, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm3(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1, PyObject *a2) {
        PyObject *args[5] = {NULL, o, a0, a1, a2};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 4);
        return {p}vcall(meth, args + 2, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm4(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3) {
        PyObject *args[6] = {NULL, o, a0, a1, a2, a3};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 5);
        return {p}vcall(meth, args + 2, 4 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm5(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4) {
        PyObject *args[7] = {NULL, o, a0, a1, a2, a3, a4};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 6);
        return {p}vcall(meth, args + 2, 5 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm6(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4, PyObject *a5) {
        PyObject *args[8] = {NULL, o, a0, a1, a2, a3, a4, a5};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 7);
        return {p}vcall(meth, args + 2, 6 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm7(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4, PyObject *a5, PyObject *a6) {
        PyObject *args[9] = {NULL, o, a0, a1, a2, a3, a4, a5, a6};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 8);
        return {p}vcall(meth, args + 2, 7 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}cm8(PyObject *meth, int *self_needed, PyObject *o, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4, PyObject *a5, PyObject *a6, PyObject *a7) {
        PyObject *args[10] = {NULL, o, a0, a1, a2, a3, a4, a5, a6, a7};
        if (*self_needed)
            return {p}vcall(meth, args + 1, 9);
        return {p}vcall(meth, args + 2, 8 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }
    """
    ctypedef struct {p}mcache:
        pass
    object {p}lm(object o, object name, {p}mcache* c, int* self_needed)
    object {p}lm0(object o, object name, {p}mcache* c, int* self_needed)
    ctypedef struct {p}probe_t:
        pass
    object {p}lm0p(object o, object name, {p}mcache* c, int* self_needed, {p}probe_t* probe)
    object {p}cm0(object meth, int* self_needed, object o)
    object {p}cm1(object meth, int* self_needed, object o, object a0)
    object {p}cm2(object meth, int* self_needed, object o, object a0, object a1)
    object {p}cm3(object meth, int* self_needed, object o, object a0, object a1, object a2)
    object {p}cm4(object meth, int* self_needed, object o, object a0, object a1, object a2, object a3)
    object {p}cm5(object meth, int* self_needed, object o, object a0, object a1, object a2, object a3, object a4)
    object {p}cm6(object meth, int* self_needed, object o, object a0, object a1, object a2, object a3, object a4, object a5)
    object {p}cm7(object meth, int* self_needed, object o, object a0, object a1, object a2, object a3, object a4, object a5, object a6)
    object {p}cm8(object meth, int* self_needed, object o, object a0, object a1, object a2, object a3, object a4, object a5, object a6, object a7)
'''),
    (naming.METHOD_RESULT, r'''
cdef inline object {p}mres(object result, object released):
    """``{p}mres(<the call>, (held := None))``: the call's result, once the body local
    that held the call's object (rewrite_names.fast_call) has let go of it."""
    return result
'''),
    (naming.CALL_CACHE, r'''
cdef extern from *:
    """    /* f(args) of a callable found at run time; a class whose instances are made by
       object.__new__ and a Python __init__ (and whose metaclass is type) is called as
       type.__call__ would: allocate, call __init__ (through its vectorcall: compiled
       code when jitcy swapped it), check that it returned None. The class, its __new__ and
       __init__ are cached under its version tag. */
    typedef struct { unsigned int version; PyObject *init; } {p}ccache;

    static PyObject *{p}construct(PyTypeObject *tp, {p}ccache *c, PyObject **args,
                                  Py_ssize_t nargs) {
        /* args[0] is free for self */
        static PyObject *no_args = NULL;
        PyObject *self, *r;
        if (no_args == NULL && (no_args = PyTuple_New(0)) == NULL)
            return NULL;
        /* object.__new__ itself (it also sets up the instance's inline values); with the
           real arguments it would check the same things and find them fine, since the
           class defines __init__ */
        self = tp->tp_new(tp, no_args, NULL);
        if (self == NULL)
            return NULL;
        args[0] = self;
        r = {p}vcall(c->init, args, nargs + 1);
        if (r == NULL) {
            Py_DECREF(self);
            return NULL;
        }
        if (r != Py_None) {
            PyErr_Format(PyExc_TypeError, "__init__() should return None, not '%.200s'",
                         Py_TYPE(r)->tp_name);
            Py_DECREF(r);
            Py_DECREF(self);
            return NULL;
        }
        Py_DECREF(r);
        return self;
    }

    static int {p}constructible(PyObject *f, {p}ccache *c) {
        PyTypeObject *tp = (PyTypeObject *)f;
        PyObject *init;
        if (!PyType_CheckExact(f))              /* a metaclass may define __call__ */
            return 0;
        if (c->version != 0 && tp->tp_version_tag == c->version)
            return c->init != NULL;
        c->version = 0;
        c->init = NULL;
        if (tp->tp_new != PyBaseObject_Type.tp_new || (tp->tp_flags & Py_TPFLAGS_IS_ABSTRACT)
                || tp->tp_init == PyBaseObject_Type.tp_init)
            goto done;
        {
            static PyObject *init_name = NULL;
            if (init_name == NULL && (init_name = PyUnicode_InternFromString("__init__")) == NULL) {
                PyErr_Clear();
                return 0;
            }
            init = _PyType_Lookup(tp, init_name);
        }
        if (init != NULL && PyFunction_Check(init))
            c->init = init;                     /* borrowed: the class holds it */
    done:
        if (tp->tp_version_tag != 0 && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))
            c->version = tp->tp_version_tag;
        return c->init != NULL;
    }

    static PyObject *{p}call0(PyObject *f, {p}ccache *c) {
        PyObject *args[1] = {NULL};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 0);
        return {p}vcall(f, args + 1, 0 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call1(PyObject *f, {p}ccache *c, PyObject *a0) {
        PyObject *args[2] = {NULL, a0};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 1);
        return {p}vcall(f, args + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call2(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1) {
        PyObject *args[3] = {NULL, a0, a1};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 2);
        return {p}vcall(f, args + 1, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call3(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1, PyObject *a2) {
        PyObject *args[4] = {NULL, a0, a1, a2};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 3);
        return {p}vcall(f, args + 1, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call4(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3) {
        PyObject *args[5] = {NULL, a0, a1, a2, a3};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 4);
        return {p}vcall(f, args + 1, 4 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call5(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4) {
        PyObject *args[6] = {NULL, a0, a1, a2, a3, a4};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 5);
        return {p}vcall(f, args + 1, 5 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call6(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4, PyObject *a5) {
        PyObject *args[7] = {NULL, a0, a1, a2, a3, a4, a5};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 6);
        return {p}vcall(f, args + 1, 6 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call7(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4, PyObject *a5, PyObject *a6) {
        PyObject *args[8] = {NULL, a0, a1, a2, a3, a4, a5, a6};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 7);
        return {p}vcall(f, args + 1, 7 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }

    static PyObject *{p}call8(PyObject *f, {p}ccache *c, PyObject *a0, PyObject *a1, PyObject *a2, PyObject *a3, PyObject *a4, PyObject *a5, PyObject *a6, PyObject *a7) {
        PyObject *args[9] = {NULL, a0, a1, a2, a3, a4, a5, a6, a7};
        if ({p}constructible(f, c))
            return {p}construct((PyTypeObject *)f, c, args, 8);
        return {p}vcall(f, args + 1, 8 | PY_VECTORCALL_ARGUMENTS_OFFSET);
    }
    """
    ctypedef struct {p}ccache:
        pass
    object {p}call0(object f, {p}ccache* c)
    object {p}call1(object f, {p}ccache* c, object a0)
    object {p}call2(object f, {p}ccache* c, object a0, object a1)
    object {p}call3(object f, {p}ccache* c, object a0, object a1, object a2)
    object {p}call4(object f, {p}ccache* c, object a0, object a1, object a2, object a3)
    object {p}call5(object f, {p}ccache* c, object a0, object a1, object a2, object a3, object a4)
    object {p}call6(object f, {p}ccache* c, object a0, object a1, object a2, object a3, object a4, object a5)
    object {p}call7(object f, {p}ccache* c, object a0, object a1, object a2, object a3, object a4, object a5, object a6)
    object {p}call8(object f, {p}ccache* c, object a0, object a1, object a2, object a3, object a4, object a5, object a6, object a7)
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
