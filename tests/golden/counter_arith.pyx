# golden: corpus_types.counter_arith('list',)
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef list __jitcy_impl_obj(__jitcy_Binding __jitcy_b, list xs):
    cdef long long i
    cdef list out
    cdef double __jitcy_ft0
    cdef double __jitcy_ft1
    out = []
    for i in range(len(xs)):
        out.append((__jitcy_add(__jitcy_obj(i), 1), __jitcy_obj(i) - 1, __jitcy_mul(__jitcy_obj(i), __jitcy_obj(i)), -__jitcy_obj(i), __jitcy_obj(i) // 2, __jitcy_obj(i) % 3, __jitcy_fbox(__jitcy_fx_mul_FF(cython.address(__jitcy_ft0), __jitcy_obj(i), cython.address(__jitcy_ft1), __jitcy_obj(2) ** 62, cython.address(__jitcy_ft1)), cython.address(__jitcy_ft0)), abs(__jitcy_obj(i)), __jitcy_obj(i) / 2, __jitcy_obj(i) << 62, ~__jitcy_obj(i), xs[i - 1], i == len(xs) - 1, __jitcy_obj(i) < __jitcy_obj(0.5)))
    return out

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
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0)
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
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0)
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        return __jitcy_impl_obj(__jitcy_b, __jitcy_a0)
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object',), ('list',), 'list', None, None)
