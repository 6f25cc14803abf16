# golden: corpus.fib_rec('int',)
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef long long __jitcy_deopt():
    raise __jitcy_Deopt()


cdef long long __jitcy_impl_c(__jitcy_Binding __jitcy_b, long long n, int __jitcy_rem) except? -9223372036854775797:
    if __jitcy_rem <= 0:
        raise RecursionError("maximum recursion depth exceeded")
    if n < 2:
        return n
    return __jitcy_impl_c(__jitcy_b, n - 1, __jitcy_rem - 1) + __jitcy_impl_c(__jitcy_b, n - 2, __jitcy_rem - 1)

cdef long long __jitcy_impl_b(__jitcy_Binding __jitcy_b, long long n) except? -9223372036854775797:
    if n < 2:
        return n
    return __jitcy_impl_b(__jitcy_b, n - 1) + __jitcy_impl_b(__jitcy_b, n - 2)

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0):
    cdef PyObject* __jitcy_argv[1]
    cdef object __jitcy_alt_r
    cdef long long __jitcy_c0
    cdef int __jitcy_overflow = 0
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    if not (type(__jitcy_a0) is int):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 1)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0)
    __jitcy_b.calls += 1
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        __jitcy_c0 = PyLong_AsLongLongAndOverflow(__jitcy_a0, &__jitcy_overflow)
        if __jitcy_overflow:
            return __jitcy_b.original(__jitcy_a0)
        if not __jitcy_self_bound(__jitcy_b):
            return __jitcy_b.original(__jitcy_a0)
        if __jitcy_c0 <= <long long>__jitcy_levels_left() - (0):
            try:
                return __jitcy_impl_b(__jitcy_b, __jitcy_c0)
            except (OverflowError, __jitcy_Deopt):
                pass   # a pure body: re-running it (original code) repeats nothing
            return __jitcy_b.original(__jitcy_a0)
        try:
            return __jitcy_impl_c(__jitcy_b, __jitcy_c0, __jitcy_levels_left())
        except (OverflowError, __jitcy_Deopt):
            pass   # a pure body: re-running it (original code) repeats nothing
        return __jitcy_b.original(__jitcy_a0)
    finally:
        if __jitcy_t0 != 0.0:
            __jitcy_sampled(__jitcy_b, __jitcy_t0)


def __jitcy_entry(__jitcy_Binding __jitcy_b, __jitcy_a0):
    return __jitcy_entry_c(__jitcy_b, __jitcy_a0)


cdef extern from *:
    """
    static void *__jitcy_fast_target = NULL;     /* __jitcy_entry_c (set below) */
    static PyObject *__jitcy_fast(PyObject *b, PyObject **args) {
        return ((PyObject *(*)(PyObject *, PyObject *))__jitcy_fast_target)(b, args[0]);
    }
    """
    void *__jitcy_fast_target
    PyObject* __jitcy_fast(PyObject* b, PyObject** args)
__jitcy_fast_target = <void*>__jitcy_entry_c
from cpython.pycapsule cimport PyCapsule_New
__jitcy_FAST = PyCapsule_New(<void*>__jitcy_fast, NULL, NULL)

cdef object __jitcy_cexport(object __jitcy_bo, long long __jitcy_a0):
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    __jitcy_b.calls += 1
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        if not __jitcy_self_bound(__jitcy_b):
            return __jitcy_b.original(__jitcy_a0)
        if __jitcy_a0 <= <long long>__jitcy_levels_left() - (0):
            try:
                return __jitcy_impl_b(__jitcy_b, __jitcy_a0)
            except (OverflowError, __jitcy_Deopt):
                pass   # a pure body: re-running it (original code) repeats nothing
            return __jitcy_b.original(__jitcy_a0)
        try:
            return __jitcy_impl_c(__jitcy_b, __jitcy_a0, __jitcy_levels_left())
        except (OverflowError, __jitcy_Deopt):
            pass   # a pure body: re-running it (original code) repeats nothing
        return __jitcy_b.original(__jitcy_a0)
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('long long',), ('int',), 'int', None, None)
