# golden: corpus_types.param_bound('list', 'int', 'int')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef list __jitcy_impl_obj(__jitcy_Binding __jitcy_b, list xs, long long n, object k):
    cdef long long i
    cdef list out
    cdef double __jitcy_ft0
    cdef double __jitcy_ft1
    out = []
    for i in range(n):
        if i >= len(xs):
            break
        out.append(__jitcy_fbox(__jitcy_fx_mul_FF(cython.address(__jitcy_ft0), xs[i], cython.address(__jitcy_ft1), k, cython.address(__jitcy_ft1)), cython.address(__jitcy_ft0)))
    return out

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0, object __jitcy_a1, object __jitcy_a2):
    cdef PyObject* __jitcy_argv[3]
    cdef object __jitcy_alt_r
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    if not (type(__jitcy_a0) is list and type(__jitcy_a1) is int and type(__jitcy_a2) is int):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_argv[1] = <PyObject*>__jitcy_a1
            __jitcy_argv[2] = <PyObject*>__jitcy_a2
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 3)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1, __jitcy_a2)
    __jitcy_b.calls += 1
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    cdef long long __jitcy_c1
    cdef int __jitcy_overflow = 0
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        __jitcy_c1 = PyLong_AsLongLongAndOverflow(__jitcy_a1, &__jitcy_overflow)
        if __jitcy_overflow or __jitcy_c1 < -2305843009213693952 or __jitcy_c1 > 2305843009213693952:
            return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_c1, __jitcy_a2)
    finally:
        if __jitcy_t0 != 0.0:
            __jitcy_sampled(__jitcy_b, __jitcy_t0)


def __jitcy_entry(__jitcy_Binding __jitcy_b, __jitcy_a0, __jitcy_a1, __jitcy_a2):
    return __jitcy_entry_c(__jitcy_b, __jitcy_a0, __jitcy_a1, __jitcy_a2)


cdef extern from *:
    """
    static void *__jitcy_fast_target = NULL;     /* __jitcy_entry_c (set below) */
    static PyObject *__jitcy_fast(PyObject *b, PyObject **args) {
        return ((PyObject *(*)(PyObject *, PyObject *, PyObject *, PyObject *))__jitcy_fast_target)(b, args[0], args[1], args[2]);
    }
    """
    void *__jitcy_fast_target
    PyObject* __jitcy_fast(PyObject* b, PyObject** args)
__jitcy_fast_target = <void*>__jitcy_entry_c
from cpython.pycapsule cimport PyCapsule_New
__jitcy_FAST = PyCapsule_New(<void*>__jitcy_fast, NULL, NULL)

cdef object __jitcy_cexport(object __jitcy_bo, object __jitcy_a0, object __jitcy_a1, object __jitcy_a2):
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    cdef long long __jitcy_c1
    cdef int __jitcy_overflow = 0
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    __jitcy_b.calls += 1
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        __jitcy_c1 = PyLong_AsLongLongAndOverflow(__jitcy_a1, &__jitcy_overflow)
        if __jitcy_overflow or __jitcy_c1 < -2305843009213693952 or __jitcy_c1 > 2305843009213693952:
            return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_c1, __jitcy_a2)
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object', 'object', 'object'), ('list', 'int', 'int'), 'list', None, None)
