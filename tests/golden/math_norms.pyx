# golden: corpus_types.math_norms('int', 'float')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef double __jitcy_deopt():
    raise __jitcy_Deopt()


cdef double __jitcy_impl_c(__jitcy_Binding __jitcy_b, long long n, double x):
    cdef long long i
    cdef double s
    s = 0.0
    for i in range(n):
        s = s + ((__jitcy_c_sqrt(x * x + i) if __jitcy_likely(__jitcy_msafe_sqrt(x * x + i)) else __jitcy_m_sqrt(x * x + i)) - (__jitcy_c_sin(x + i) if __jitcy_likely(__jitcy_msafe_sin(x + i)) else __jitcy_m_sin(x + i)) * __jitcy_mc_pi)
    return s

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0, object __jitcy_a1):
    cdef PyObject* __jitcy_argv[2]
    cdef object __jitcy_alt_r
    cdef long long __jitcy_c0
    cdef int __jitcy_overflow = 0
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    if not (type(__jitcy_a0) is int and type(__jitcy_a1) is float):
        if __jitcy_b.alts is not None:
            __jitcy_argv[0] = <PyObject*>__jitcy_a0
            __jitcy_argv[1] = <PyObject*>__jitcy_a1
            __jitcy_alt_r = __jitcy_try_alts(__jitcy_b.alts, __jitcy_argv, 2)
            if __jitcy_alt_r is not __jitcy_b.alts:
                return __jitcy_alt_r
        return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1)
    __jitcy_b.calls += 1
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    if not __jitcy_known_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        __jitcy_c0 = PyLong_AsLongLongAndOverflow(__jitcy_a0, &__jitcy_overflow)
        if __jitcy_overflow:
            return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
        try:
            return __jitcy_impl_c(__jitcy_b, __jitcy_c0, __jitcy_a1)
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

cdef double __jitcy_cexport(object __jitcy_bo, long long __jitcy_a0, double __jitcy_a1) except? -1.0:
    cdef __jitcy_Binding __jitcy_b = <__jitcy_Binding>__jitcy_bo
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    __jitcy_b.calls += 1
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    if not __jitcy_known_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    try:
        return __jitcy_impl_c(__jitcy_b, __jitcy_a0, __jitcy_a1)
    except (OverflowError, __jitcy_Deopt):
        pass   # a pure body: re-running it (original code) repeats nothing
    return __jitcy_b.original(__jitcy_a0, __jitcy_a1)


from cpython.pycapsule cimport PyCapsule_New
def __jitcy_calls_address(__jitcy_Binding __jitcy_b):
    return PyCapsule_New(&__jitcy_b.calls, NULL, NULL)

__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'double', ('long long', 'double'), ('int', 'float'), 'float', ('cdef inline double __jitcy_inl_(long long n, double x) except? -1.2345678910111213e-300:\n    cdef long long i\n    cdef double s\n    s = 0.0\n    for i in range(n):\n        s = s + ((__jitcy_c_sqrt(x * x + i) if __jitcy_likely(__jitcy_msafe_sqrt(x * x + i)) else __jitcy_m_sqrt(x * x + i)) - (__jitcy_c_sin(x + i) if __jitcy_likely(__jitcy_msafe_sin(x + i)) else __jitcy_m_sin(x + i)) * __jitcy_mc_pi)\n    return s', ('range',), (('math', 'math'),), None), __jitcy_calls_address)
