# golden: corpus.list_sum_loop('list',)
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef object __jitcy_impl_obj(__jitcy_Binding __jitcy_b, list xs):
    cdef double __jitcy_fd_total
    cdef double __jitcy_ft0
    total = 0
    for x in xs:
        total = __jitcy_fx_iadd_FF(cython.address(__jitcy_fd_total), total, cython.address(__jitcy_fd_total), x, cython.address(__jitcy_ft0))
    return __jitcy_fbox(total, cython.address(__jitcy_fd_total))

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0):
    cdef PyObject* __jitcy_argv[1]
    cdef object __jitcy_alt_r
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    if not (type(__jitcy_a0) is list):
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
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0)
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

cdef object __jitcy_cexport(object __jitcy_bo, object __jitcy_a0):
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    __jitcy_b.calls += 1
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0)
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object',), ('list',), 'object', None, None)
