# golden: corpus.method_receivers('list', 'object', 'int')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef object __jitcy_impl_obj(__jitcy_Binding __jitcy_b, list shapes, object scene, object k):
    cdef double __jitcy_fd_total
    cdef int __jitcy_mf1
    cdef double __jitcy_ft0
    cdef double __jitcy_ft1
    cdef double __jitcy_ft2
    cdef double __jitcy_ft3
    cdef int __jitcy_mf6
    cdef object __jitcy_mr7
    cdef int __jitcy_mf8
    cdef object __jitcy_mr9
    cdef int __jitcy_mf10
    cdef object __jitcy_mr11
    cdef int __jitcy_mf12
    "Method calls whose object is a local, an item, an attribute and a call's result\n    (translator: the method caches; a non-local object is held from lookup to call)."
    total = 0
    for s in shapes:
        total = __jitcy_fx_iadd_FF(cython.address(__jitcy_fd_total), total, cython.address(__jitcy_fd_total), __jitcy_cm0(__jitcy_lm0(s, 'area', cython.address(__jitcy_ms0), cython.address(__jitcy_mf1)), cython.address(__jitcy_mf1), s), cython.address(__jitcy_ft0))
    return __jitcy_fbox(__jitcy_fx_add_FF(cython.address(__jitcy_ft1), __jitcy_fx_add_FF(cython.address(__jitcy_ft2), __jitcy_fx_add_FF(cython.address(__jitcy_ft3), total, cython.address(__jitcy_fd_total), __jitcy_mres(__jitcy_cm1(__jitcy_lm((__jitcy_mr7 := shapes[0]), 'scaled', cython.address(__jitcy_ms1), cython.address(__jitcy_mf6)), cython.address(__jitcy_mf6), __jitcy_mr7, k), (__jitcy_mr7 := None)), cython.address(__jitcy_ft0)), cython.address(__jitcy_ft3), __jitcy_mres(__jitcy_cm0(__jitcy_lm0((__jitcy_mr9 := __jitcy_ga(scene, 'main', cython.address(__jitcy_as2))), 'area', cython.address(__jitcy_ms3), cython.address(__jitcy_mf8)), cython.address(__jitcy_mf8), __jitcy_mr9), (__jitcy_mr9 := None)), cython.address(__jitcy_ft0)), cython.address(__jitcy_ft2), __jitcy_mres(__jitcy_cm0(__jitcy_lm0((__jitcy_mr11 := __jitcy_cm1(__jitcy_lm(scene, 'pick', cython.address(__jitcy_ms4), cython.address(__jitcy_mf12)), cython.address(__jitcy_mf12), scene, k)), 'area', cython.address(__jitcy_ms5), cython.address(__jitcy_mf10)), cython.address(__jitcy_mf10), __jitcy_mr11), (__jitcy_mr11 := None)), cython.address(__jitcy_ft0)), cython.address(__jitcy_ft1))

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0, object __jitcy_a1, object __jitcy_a2):
    cdef PyObject* __jitcy_argv[3]
    cdef object __jitcy_alt_r
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    if not (type(__jitcy_a0) is list and type(__jitcy_a2) is int):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_argv[1] = <PyObject*>__jitcy_a1
            __jitcy_argv[2] = <PyObject*>__jitcy_a2
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 3)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1, __jitcy_a2)
    __jitcy_b.calls += 1
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1, __jitcy_a2)
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
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    __jitcy_b.calls += 1
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1, __jitcy_a2)
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object', 'object', 'object'), ('list', 'object', 'int'), 'object', None, None)
