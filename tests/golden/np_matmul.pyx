# golden: corpus_npscalars.matmul('ndarray[<f8, 2d, C]', 'ndarray[<f8, 2d, C]', 'ndarray[<f8, 2d, C]')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef object __jitcy_impl_obj(__jitcy_Binding __jitcy_b, object a, object b, object out, Py_buffer* __jitcy_buf_a, Py_buffer* __jitcy_buf_b, Py_buffer* __jitcy_buf_out):
    cdef char* __jitcy_d_a = <char*>__jitcy_buf_a.buf
    cdef Py_ssize_t __jitcy_n_a_0 = __jitcy_buf_a.shape[0]
    cdef Py_ssize_t __jitcy_s_a_0 = __jitcy_buf_a.strides[0]
    cdef Py_ssize_t __jitcy_n_a_1 = __jitcy_buf_a.shape[1]
    cdef char* __jitcy_d_b = <char*>__jitcy_buf_b.buf
    cdef Py_ssize_t __jitcy_n_b_0 = __jitcy_buf_b.shape[0]
    cdef Py_ssize_t __jitcy_s_b_0 = __jitcy_buf_b.strides[0]
    cdef Py_ssize_t __jitcy_n_b_1 = __jitcy_buf_b.shape[1]
    cdef char* __jitcy_d_out = <char*>__jitcy_buf_out.buf
    cdef Py_ssize_t __jitcy_n_out_0 = __jitcy_buf_out.shape[0]
    cdef Py_ssize_t __jitcy_s_out_0 = __jitcy_buf_out.strides[0]
    cdef Py_ssize_t __jitcy_n_out_1 = __jitcy_buf_out.shape[1]
    cdef long long i
    cdef long long j
    cdef long long k
    cdef long long m
    cdef long long n
    cdef long long p
    cdef double s
    cdef bint __jitcy_k_s = False
    cdef int __jitcy_quiet = -1
    cdef bint __jitcy_slow
    cdef bint __jitcy_sv0___jitcy_k_s
    cdef long long __jitcy_sv0_k
    cdef double __jitcy_sv0_s
    n = __jitcy_n_a_0
    m = __jitcy_n_a_1
    p = __jitcy_n_b_1
    for i in range(n):
        for j in range(p):
            s = 0.0
            __jitcy_k_s = False
            __jitcy_slow = True
            if __jitcy_quiet < 0:
                __jitcy_quiet = __jitcy_np_quiet()
            if (0 >= m or (0 >= 0 and m <= __jitcy_n_b_0 - 0)) and __jitcy_quiet:
                __jitcy_sv0_s = s
                __jitcy_sv0_k = k
                __jitcy_sv0___jitcy_k_s = __jitcy_k_s
                for k in range(m):
                    s = s + __jitcy_ld_double(__jitcy_at2(__jitcy_d_a, i, __jitcy_s_a_0, k, 8)) * __jitcy_ld_double(__jitcy_at2(__jitcy_d_b, k, __jitcy_s_b_0, j, 8))
                    __jitcy_k_s = True
                __jitcy_slow = not __jitcy_finite(s)
                if __jitcy_slow:
                    s = __jitcy_sv0_s
                    k = __jitcy_sv0_k
                    __jitcy_k_s = __jitcy_sv0___jitcy_k_s
            if __jitcy_slow:
                for k in range(m):
                    s = __jitcy_nf_add(s, __jitcy_k_s, __jitcy_nf_mul(__jitcy_ld_double(__jitcy_at2(__jitcy_d_a, i, __jitcy_s_a_0, k, 8)), True, __jitcy_ld_double(__jitcy_at2(__jitcy_d_b, __jitcy_ixn(k, __jitcy_n_b_0, 0), __jitcy_s_b_0, j, 8)), True), True)
                    __jitcy_k_s = True
                    __jitcy_quiet = -1
            __jitcy_st_double(s, __jitcy_at2(__jitcy_d_out, __jitcy_ixn(i, __jitcy_n_out_0, 0), __jitcy_s_out_0, __jitcy_ixn(j, __jitcy_n_out_1, 1), 8))
    return out

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0, object __jitcy_a1, object __jitcy_a2):
    cdef PyObject* __jitcy_argv[3]
    cdef object __jitcy_alt_r
    cdef Py_buffer __jitcy_buf_a
    cdef Py_buffer __jitcy_buf_b
    cdef Py_buffer __jitcy_buf_out
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
    if not (type(__jitcy_a0) is __jitcy_ndarray and type(__jitcy_a1) is __jitcy_ndarray and type(__jitcy_a2) is __jitcy_ndarray):
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
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        if __jitcy_view(__jitcy_a0, &__jitcy_buf_a, False, b'd', 8, 2, True):
            if __jitcy_a0.dtype.str == '<f8' and __jitcy_a0.ndim == 2 and __jitcy_a0.flags.c_contiguous:
                return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
            return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1, __jitcy_a2)
        if __jitcy_view(__jitcy_a1, &__jitcy_buf_b, False, b'd', 8, 2, True):
            PyBuffer_Release(&__jitcy_buf_a)
            if __jitcy_a1.dtype.str == '<f8' and __jitcy_a1.ndim == 2 and __jitcy_a1.flags.c_contiguous:
                return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
            return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1, __jitcy_a2)
        if __jitcy_view(__jitcy_a2, &__jitcy_buf_out, True, b'd', 8, 2, True):
            PyBuffer_Release(&__jitcy_buf_a)
            PyBuffer_Release(&__jitcy_buf_b)
            if __jitcy_a2.dtype.str == '<f8' and __jitcy_a2.ndim == 2 and __jitcy_a2.flags.c_contiguous:
                return __jitcy_b.original(__jitcy_a0, __jitcy_a1, __jitcy_a2)
            return __jitcy_b.fallback(__jitcy_b.state, __jitcy_a0, __jitcy_a1, __jitcy_a2)
        try:
            return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1, __jitcy_a2, &__jitcy_buf_a, &__jitcy_buf_b, &__jitcy_buf_out)
        finally:
            PyBuffer_Release(&__jitcy_buf_a)
            PyBuffer_Release(&__jitcy_buf_b)
            PyBuffer_Release(&__jitcy_buf_out)
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
