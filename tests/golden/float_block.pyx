# golden: corpus_types.block_rows('list', 'float')
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef tuple __jitcy_impl_obj(__jitcy_Binding __jitcy_b, list rows, double dt):
    cdef long long k
    cdef double __jitcy_fd_d
    cdef double __jitcy_fd_e
    cdef int __jitcy_bd0
    cdef double __jitcy_bt0
    cdef double __jitcy_bt1
    cdef double __jitcy_ft0
    cdef double __jitcy_ft1
    cdef double __jitcy_ft2
    cdef double __jitcy_ft3
    cdef double __jitcy_ft4
    cdef double __jitcy_ft5
    cdef double __jitcy_ft6
    cdef double __jitcy_ft7
    cdef double __jitcy_ft8
    cdef double __jitcy_ft9
    cdef double __jitcy_ft10
    cdef double __jitcy_ft11
    cdef double __jitcy_ft12
    if __jitcy_never(): e = None
    "Not pure (stores into the rows). A run of float statements on two rows' items and\n    flex locals (translator/float_blocks.py): checked once (exact lists, long enough, float\n    items where read or stored; d read by the run before it assigns it), then C doubles.\n    A zero divisor, a power off the plain path, or a row that is not such a list runs the\n    statement and the rest as flex code (an Items row, a tuple, a dict, an int item, a short\n    row, a b that is a: Python's values, errors and order)."
    a = rows[0]
    b = rows[1]
    d = a[3] if len(a) > 3 else 0.0
    for k in range(2):
        __jitcy_bd0 = 0
        if __jitcy_bk_list(a, 3, 7) and __jitcy_bk_list(b, 2, 3) and __jitcy_bk_load(d, cython.address(__jitcy_fd_d)):
            while True:
                __jitcy_fd_d = __jitcy_bk_item(a, 0) - __jitcy_bk_item(b, 1) + __jitcy_fd_d * 0.5
                __jitcy_bd0 = 1
                __jitcy_fd_e = __jitcy_fd_d * __jitcy_fd_d + 0.5
                __jitcy_bd0 = 2
                __jitcy_bt0 = __jitcy_fd_e
                if __jitcy_bt0 == 0.0:
                    break
                if __jitcy_bk_store(a, 1, __jitcy_bk_item(a, 1) - __jitcy_bk_div(__jitcy_fd_d, __jitcy_bt0)):
                    break
                __jitcy_bd0 = 3
                __jitcy_bt1 = __jitcy_bk_pow(__jitcy_fd_e, -0.5)
                if __jitcy_bt1 != __jitcy_bt1:
                    break
                if __jitcy_bk_store(b, 0, __jitcy_bk_item(b, 0) + __jitcy_bt1 * dt):
                    break
                __jitcy_bd0 = 4
                if __jitcy_bk_store(a, 2, -__jitcy_fd_d):
                    break
                __jitcy_bd0 = 5
                break
        if __jitcy_bd0 == 5:
            d = __jitcy_bk_marker()
            e = __jitcy_bk_marker()
        else:
            if __jitcy_bd0 > 0:
                d = __jitcy_bk_marker()
            if __jitcy_bd0 > 1:
                e = __jitcy_bk_marker()
            if __jitcy_bd0 <= 0:
                d = __jitcy_fx_add_FF(cython.address(__jitcy_fd_d), __jitcy_fx_sub_FF(cython.address(__jitcy_ft0), __jitcy_fx_item(cython.address(__jitcy_ft1), a, 0), cython.address(__jitcy_ft1), __jitcy_fx_item(cython.address(__jitcy_ft2), b, 1), cython.address(__jitcy_ft2)), cython.address(__jitcy_ft0), __jitcy_fx_mul_FD(cython.address(__jitcy_ft3), d, cython.address(__jitcy_fd_d), 0.5), cython.address(__jitcy_ft3))
            if __jitcy_bd0 <= 1:
                e = __jitcy_fx_add_FD(cython.address(__jitcy_fd_e), __jitcy_fx_mul_FF(cython.address(__jitcy_ft4), d, cython.address(__jitcy_fd_d), d, cython.address(__jitcy_fd_d)), cython.address(__jitcy_ft4), 0.5)
            if __jitcy_bd0 <= 2:
                __jitcy_fset_item_F(a, 1, __jitcy_fx_isub_FF(cython.address(__jitcy_ft5), __jitcy_fx_item(cython.address(__jitcy_ft6), a, 1), cython.address(__jitcy_ft6), __jitcy_fx_div_FF(cython.address(__jitcy_ft7), d, cython.address(__jitcy_fd_d), e, cython.address(__jitcy_fd_e)), cython.address(__jitcy_ft7)), cython.address(__jitcy_ft5))
            if __jitcy_bd0 <= 3:
                __jitcy_fset_item_F(b, 0, __jitcy_fx_iadd_FF(cython.address(__jitcy_ft8), __jitcy_fx_item(cython.address(__jitcy_ft9), b, 0), cython.address(__jitcy_ft9), __jitcy_fx_mul_FD(cython.address(__jitcy_ft10), __jitcy_fx_pow_FD(cython.address(__jitcy_ft11), e, cython.address(__jitcy_fd_e), -0.5), cython.address(__jitcy_ft11), dt), cython.address(__jitcy_ft10)), cython.address(__jitcy_ft8))
            if __jitcy_bd0 <= 4:
                a[2] = __jitcy_fbox(__jitcy_fx_neg_F(cython.address(__jitcy_ft12), d, cython.address(__jitcy_fd_d)), cython.address(__jitcy_ft12))
    return (__jitcy_fbox(d, cython.address(__jitcy_fd_d)), __jitcy_fbox(e, cython.address(__jitcy_fd_e)))

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
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    cdef double __jitcy_t0 = 0.0
    if __jitcy_b.calls <= 8 or (__jitcy_b.calls & 1023) == 0:
        __jitcy_t0 = __jitcy_perf_counter()
    try:
        try:
            return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1)
        except UnboundLocalError as __jitcy_exc:
            __jitcy_fix_unbound(__jitcy_exc)
            raise
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
    if not __jitcy_builtins_ok(__jitcy_b):
        return __jitcy_b.original(__jitcy_a0, __jitcy_a1)
    Py_EnterRecursiveCall(b" in a jitcy direct call")
    try:
        try:
            return __jitcy_impl_obj(__jitcy_b, __jitcy_a0, __jitcy_a1)
        except UnboundLocalError as __jitcy_exc:
            __jitcy_fix_unbound(__jitcy_exc)
            raise
    finally:
        Py_LeaveRecursiveCall()


from cpython.pycapsule cimport PyCapsule_New
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object', 'double'), ('list', 'float'), 'tuple', None, None)
