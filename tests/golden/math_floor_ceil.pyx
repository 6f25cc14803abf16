# golden: corpus_types.math_floor_ceil('float',)
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef long long __jitcy_deopt():
    raise __jitcy_Deopt()


cdef long long __jitcy_impl_c(__jitcy_Binding __jitcy_b, double x):
    cdef long long a
    cdef long long b
    cdef long long c
    a = __jitcy_call1(__jitcy_global_get(__jitcy_b, 'floor', cython.address(__jitcy_gs0)), cython.address(__jitcy_cs1), x)
    b = __jitcy_global_get(__jitcy_b, 'math', cython.address(__jitcy_gs2)).ceil(x)
    c = __jitcy_global_get(__jitcy_b, 'math', cython.address(__jitcy_gs3)).trunc(x)
    return a + b + c

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0):
    cdef PyObject* __jitcy_argv[1]
    cdef object __jitcy_alt_r
    cdef int __jitcy_overflow = 0
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    if not (type(__jitcy_a0) is float):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 1)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0)
    __jitcy_b.calls += 1
    if not __jitcy_known_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0)
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        try:
            return __jitcy_impl_c(__jitcy_b, __jitcy_a0)
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

cdef object __jitcy_cexport(object __jitcy_bo, double __jitcy_a0):
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    __jitcy_b.calls += 1
    if not __jitcy_known_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0)
    try:
        return __jitcy_impl_c(__jitcy_b, __jitcy_a0)
    except (OverflowError, __jitcy_Deopt):
        pass   # a pure body: re-running it (original code) repeats nothing
    return __jitcy_b.original(__jitcy_a0)


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('double',), ('float',), 'int', None, None)
