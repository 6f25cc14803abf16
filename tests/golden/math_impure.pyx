# golden: corpus_types.math_impure('list', 'float')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef list __jitcy_impl_obj(__jitcy_Binding __jitcy_b, list xs, double x):
    cdef list out
    cdef double __jitcy_ft0
    out = []
    for v in xs:
        out.append(((__jitcy_c_sqrt(x) if __jitcy_likely(__jitcy_msafe_sqrt(x)) else __jitcy_m_sqrt(x)) if __jitcy_known_ok(__jitcy_b) else __jitcy_as_double(__jitcy_global_get(__jitcy_b, 'math', cython.address(__jitcy_gs0)).sqrt(x))) + (__jitcy_m_exp(__jitcy_fx_value_F(v, cython.address(__jitcy_ft0))) if __jitcy_known_ok(__jitcy_b) else __jitcy_as_double(__jitcy_global_get(__jitcy_b, 'math', cython.address(__jitcy_gs1)).exp(v))))
    return out

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0, object __jitcy_a1):
    cdef PyObject* __jitcy_argv[2]
    cdef object __jitcy_alt_r
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    if not (type(__jitcy_a0) is list and type(__jitcy_a1) is float):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_argv[1] = <PyObject*>__jitcy_a1
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 2)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1)
    __jitcy_b.calls += 1
    if not __jitcy_known_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1)
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

cdef object __jitcy_cexport(object __jitcy_bo, object __jitcy_a0, double __jitcy_a1):
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    __jitcy_b.calls += 1
    if not __jitcy_known_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1)
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object', 'double'), ('list', 'float'), 'list', None, None)
