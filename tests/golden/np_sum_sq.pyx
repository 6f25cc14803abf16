# golden: corpus_npscalars.sum_sq('ndarray[<f8, 1d, C]',)
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef object __jitcy_impl_obj(__jitcy_Binding __jitcy_b, object a, Py_buffer* __jitcy_buf_a):
    cdef char* __jitcy_d_a = <char*>__jitcy_buf_a.buf
    cdef Py_ssize_t __jitcy_n_a_0 = __jitcy_buf_a.shape[0]
    cdef double d
    cdef double first
    cdef long long i
    cdef double s
    cdef bint __jitcy_k_s = False
    cdef double __jitcy_fv
    cdef int __jitcy_quiet = -1
    cdef bint __jitcy_slow
    cdef bint __jitcy_sv0___jitcy_k_s
    cdef double __jitcy_sv0_d
    cdef long long __jitcy_sv0_i
    cdef double __jitcy_sv0_s
    s = 0.0
    __jitcy_k_s = False
    first = __jitcy_ld_double(__jitcy_at1(__jitcy_d_a, __jitcy_ixn(0, __jitcy_n_a_0, 0), 8))
    __jitcy_slow = True
    if __jitcy_quiet < 0:
        __jitcy_quiet = __jitcy_np_quiet()
    if __jitcy_quiet:
        __jitcy_sv0_d = d
        __jitcy_sv0_s = s
        __jitcy_sv0_i = i
        __jitcy_sv0___jitcy_k_s = __jitcy_k_s
        for i in range(__jitcy_n_a_0):
            d = __jitcy_ld_double(__jitcy_at1(__jitcy_d_a, i, 8)) - first
            s = s + d * d
            __jitcy_k_s = True
        __jitcy_slow = not __jitcy_finite(s)
        if __jitcy_slow:
            d = __jitcy_sv0_d
            s = __jitcy_sv0_s
            i = __jitcy_sv0_i
            __jitcy_k_s = __jitcy_sv0___jitcy_k_s
    if __jitcy_slow:
        for i in range(__jitcy_n_a_0):
            __jitcy_fv = __jitcy_ld_double(__jitcy_at1(__jitcy_d_a, i, 8)) - first
            if not __jitcy_finite(__jitcy_fv):
                __jitcy_fv = __jitcy_nf_sub(__jitcy_ld_double(__jitcy_at1(__jitcy_d_a, i, 8)), True, first, True)
                __jitcy_quiet = -1
            d = __jitcy_fv
            if __jitcy_quiet < 0:
                __jitcy_quiet = __jitcy_np_quiet()
            __jitcy_fv = s + d * d
            if not (__jitcy_finite(__jitcy_fv) and __jitcy_quiet):
                __jitcy_fv = __jitcy_nf_add(s, __jitcy_k_s, __jitcy_nf_mul(d, True, d, True), True)
                __jitcy_quiet = -1
            s = __jitcy_fv
            __jitcy_k_s = True
    return __jitcy_box_ff8(s, __jitcy_k_s)

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0):
    cdef PyObject* __jitcy_argv[1]
    cdef object __jitcy_alt_r
    cdef Py_buffer __jitcy_buf_a
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
    if not (type(__jitcy_a0) is __jitcy_ndarray):
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
        if __jitcy_view(__jitcy_a0, &__jitcy_buf_a, False, b'd', 8, 1, True):
            if __jitcy_a0.dtype.str == '<f8' and __jitcy_a0.ndim == 1 and __jitcy_a0.flags.c_contiguous:
                return __jitcy_b.original(__jitcy_a0)
            return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0)
        try:
            return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, &__jitcy_buf_a)
        finally:
            PyBuffer_Release(&__jitcy_buf_a)
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
