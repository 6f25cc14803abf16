# golden: corpus.int_poly('int', 'int')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef long long __jitcy_deopt():
    raise __jitcy_Deopt()


cdef long long __jitcy_impl_c(__jitcy_Binding __jitcy_b, long long a, long long b):
    return a * a - 3 * b + 7

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0, object __jitcy_a1):
    cdef PyObject* __jitcy_argv[2]
    cdef object __jitcy_alt_r
    cdef long long __jitcy_c0
    cdef long long __jitcy_c1
    cdef int __jitcy_overflow = 0
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    if not (type(__jitcy_a0) is int and type(__jitcy_a1) is int):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_argv[1] = <PyObject*>__jitcy_a1
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 2)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1)
    __jitcy_b.calls += 1
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        __jitcy_c0 = PyLong_AsLongLongAndOverflow(__jitcy_a0, &__jitcy_overflow)
        if __jitcy_overflow:
            return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
        __jitcy_c1 = PyLong_AsLongLongAndOverflow(__jitcy_a1, &__jitcy_overflow)
        if __jitcy_overflow:
            return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
        try:
            return __jitcy_impl_c(__jitcy_b, __jitcy_c0, __jitcy_c1)
        except (OverflowError, __jitcy_Deopt):
            pass   # a pure body: re-running it (original code) repeats nothing
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    finally:
        if __jitcy_t0 != 0.0:
            __jitcy_sampled(__jitcy_b, __jitcy_t0)


def __jitcy_entry(__jitcy_Binding __jitcy_b, __jitcy_a0, __jitcy_a1):
    return __jitcy_entry_c(__jitcy_b, __jitcy_a0, __jitcy_a1)


cdef extern from *:
    """
    static void *__jitcy_fast_target = NULL;     /* __jitcy_entry_c (set below) */
    static PyObject *__jitcy_fast(PyObject *b, PyObject **args) {
        return ((PyObject *(*)(PyObject *, PyObject *, PyObject *))__jitcy_fast_target)(b, args[0], args[1]);
    }
    """
    void *__jitcy_fast_target
    PyObject* __jitcy_fast(PyObject* b, PyObject** args)
__jitcy_fast_target = <void*>__jitcy_entry_c
from cpython.pycapsule cimport PyCapsule_New
__jitcy_FAST = PyCapsule_New(<void*>__jitcy_fast, NULL, NULL)

cdef object __jitcy_cexport(object __jitcy_bo, long long __jitcy_a0, long long __jitcy_a1):
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    __jitcy_b.calls += 1
    try:
        return __jitcy_impl_c(__jitcy_b, __jitcy_a0, __jitcy_a1)
    except (OverflowError, __jitcy_Deopt):
        pass   # a pure body: re-running it (original code) repeats nothing
    return __jitcy_b.original(__jitcy_a0, __jitcy_a1)


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('long long', 'long long'), ('int', 'int'), 'int', None, None)
