# golden: corpus_trivial.states('object',)
# regenerate: python -m pytest tests/test_golden.py --update-golden
cdef extern from *:
    """
    static int __jitcy_mp0_match(PyCodeObject *co, const unsigned char *b, Py_ssize_t n) {
        static const unsigned char code[46] = {151, 0, 124, 0, 106, 0, 0, 0, 0, 0, 0, 0, 0, 0, 112, 14, 124, 0, 106, 1, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 111, 6, 124, 0, 106, 2, 0, 0, 0, 0, 0, 0, 0, 0, 83, 0};
        return n == 46 && memcmp(b, code, 46) == 0
               && PyTuple_GET_SIZE(co->co_names) == 3
               && PyTuple_GET_SIZE(co->co_consts) == 1;
    }
    static PyObject *__jitcy_mp0_run(PyObject *o, PyObject *names, PyObject *consts,
                                  __jitcy_acache *c) {
    #ifdef __jitcy_ATTR_FAST
        PyObject *s0, *s1, *s2;
        int t;
        (void)t; (void)consts;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 0), &c[0])) == NULL)
            return NULL;
        if ((t = __jitcy_mtruth(s0)) < 0)
            return NULL;
        if (t == 1)
            goto L6;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 1), &c[1])) == NULL)
            return NULL;
        if ((t = __jitcy_mtruth(s0)) < 0)
            return NULL;
        s0 = t ? Py_False : Py_True;
        t = !t;
        if (t == 0)
            goto L6;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 2), &c[2])) == NULL)
            return NULL;
      L6: ;
        Py_INCREF(s0);
        return s0;
    #else
        return NULL;
    #endif
    }
    static __jitcy_probe_t __jitcy_mp0 = {__jitcy_mp0_match, __jitcy_mp0_run, 3};
    """
    __jitcy_probe_t __jitcy_mp0
cdef extern from *:
    """
    static int __jitcy_mp1_match(PyCodeObject *co, const unsigned char *b, Py_ssize_t n) {
        static const unsigned char code[46] = {151, 0, 124, 0, 106, 0, 0, 0, 0, 0, 0, 0, 0, 0, 111, 14, 124, 0, 106, 1, 0, 0, 0, 0, 0, 0, 0, 0, 111, 7, 124, 0, 106, 2, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 83, 0};
        return n == 46 && memcmp(b, code, 46) == 0
               && PyTuple_GET_SIZE(co->co_names) == 3
               && PyTuple_GET_SIZE(co->co_consts) == 1;
    }
    static PyObject *__jitcy_mp1_run(PyObject *o, PyObject *names, PyObject *consts,
                                  __jitcy_acache *c) {
    #ifdef __jitcy_ATTR_FAST
        PyObject *s0, *s1, *s2;
        int t;
        (void)t; (void)consts;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 0), &c[0])) == NULL)
            return NULL;
        if ((t = __jitcy_mtruth(s0)) < 0)
            return NULL;
        if (t == 0)
            goto L6;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 1), &c[1])) == NULL)
            return NULL;
        if ((t = __jitcy_mtruth(s0)) < 0)
            return NULL;
        if (t == 0)
            goto L6;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 2), &c[2])) == NULL)
            return NULL;
        if ((t = __jitcy_mtruth(s0)) < 0)
            return NULL;
        s0 = t ? Py_False : Py_True;
      L6: ;
        Py_INCREF(s0);
        return s0;
    #else
        return NULL;
    #endif
    }
    static __jitcy_probe_t __jitcy_mp1 = {__jitcy_mp1_match, __jitcy_mp1_run, 3};
    """
    __jitcy_probe_t __jitcy_mp1
cdef extern from *:
    """
    static int __jitcy_mp2_match(PyCodeObject *co, const unsigned char *b, Py_ssize_t n) {
        static const unsigned char code[20] = {151, 0, 124, 0, 106, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 117, 0, 83, 0};
        return n == 20 && memcmp(b, code, 20) == 0
               && PyTuple_GET_SIZE(co->co_names) == 1
               && PyTuple_GET_SIZE(co->co_consts) == 1;
    }
    static PyObject *__jitcy_mp2_run(PyObject *o, PyObject *names, PyObject *consts,
                                  __jitcy_acache *c) {
    #ifdef __jitcy_ATTR_FAST
        PyObject *s0, *s1;
        int t;
        (void)t; (void)consts;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 0), &c[0])) == NULL)
            return NULL;
        s1 = PyTuple_GET_ITEM(consts, 0);
        s0 = (s0 == s1) != 0 ? Py_True : Py_False;
        Py_INCREF(s0);
        return s0;
    #else
        return NULL;
    #endif
    }
    static __jitcy_probe_t __jitcy_mp2 = {__jitcy_mp2_match, __jitcy_mp2_run, 1};
    """
    __jitcy_probe_t __jitcy_mp2
cdef extern from *:
    """
    static int __jitcy_mp3_match(PyCodeObject *co, const unsigned char *b, Py_ssize_t n) {
        static const unsigned char code[62] = {151, 0, 124, 0, 106, 0, 0, 0, 0, 0, 0, 0, 0, 0, 129, 12, 124, 0, 106, 0, 0, 0, 0, 0, 0, 0, 0, 0, 106, 1, 0, 0, 0, 0, 0, 0, 0, 0, 83, 0, 124, 0, 106, 2, 0, 0, 0, 0, 0, 0, 0, 0, 114, 2, 100, 1, 110, 1, 100, 2, 83, 0};
        return n == 62 && memcmp(b, code, 62) == 0
               && PyTuple_GET_SIZE(co->co_names) == 3
               && PyTuple_GET_SIZE(co->co_consts) == 3;
    }
    static PyObject *__jitcy_mp3_run(PyObject *o, PyObject *names, PyObject *consts,
                                  __jitcy_acache *c) {
    #ifdef __jitcy_ATTR_FAST
        PyObject *s0, *s1, *s2, *s3, *s4;
        int t;
        (void)t; (void)consts;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 0), &c[0])) == NULL)
            return NULL;
        if ((s0 == Py_None) == 1)
            goto L5;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 0), &c[1])) == NULL)
            return NULL;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 1), &c[2])) == NULL)
            return NULL;
        Py_INCREF(s0);
        return s0;
      L5: ;
        s0 = o;
        if ((s0 = __jitcy_mattr(s0, PyTuple_GET_ITEM(names, 2), &c[3])) == NULL)
            return NULL;
        if ((t = __jitcy_mtruth(s0)) < 0)
            return NULL;
        if (t == 0)
            goto L9;
        s0 = PyTuple_GET_ITEM(consts, 1);
        goto L10;
      L9: ;
        s0 = PyTuple_GET_ITEM(consts, 2);
      L10: ;
        Py_INCREF(s0);
        return s0;
    #else
        return NULL;
    #endif
    }
    static __jitcy_probe_t __jitcy_mp3 = {__jitcy_mp3_match, __jitcy_mp3_run, 4};
    """
    __jitcy_probe_t __jitcy_mp3
cdef tuple __jitcy_impl_obj(__jitcy_Binding __jitcy_b, object t):
    cdef int __jitcy_mf0
    cdef int __jitcy_mf1
    cdef int __jitcy_mf2
    cdef int __jitcy_mf3
    return (__jitcy_cm0(__jitcy_lm0p(t, 'holding_or_waiting', cython.address(__jitcy_ms0), cython.address(__jitcy_mf0), cython.address(__jitcy_mp0)), cython.address(__jitcy_mf0), t), __jitcy_cm0(__jitcy_lm0p(t, 'waiting_with_packet', cython.address(__jitcy_ms1), cython.address(__jitcy_mf1), cython.address(__jitcy_mp1)), cython.address(__jitcy_mf1), t), __jitcy_cm0(__jitcy_lm0p(t, 'has_no_link', cython.address(__jitcy_ms2), cython.address(__jitcy_mf2), cython.address(__jitcy_mp2)), cython.address(__jitcy_mf2), t), __jitcy_cm0(__jitcy_lm0p(t, 'choose', cython.address(__jitcy_ms3), cython.address(__jitcy_mf3), cython.address(__jitcy_mp3)), cython.address(__jitcy_mf3), t))

cdef object __jitcy_entry_c(__jitcy_Binding __jitcy_b, object __jitcy_a0):
    if __jitcy_tracing():
        return __jitcy_b.original(__jitcy_a0)
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
__jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL), 'object', ('object',), ('object',), 'tuple', None, None)
