# cython: language_level=3, boundscheck=False, wraparound=False
# Hand-typed ceiling for kernels.np_sum_sq: a C-contiguous double memoryview.

def np_sum_sq(const double[::1] a):
    cdef double s = 0.0, first = a[0], d
    cdef Py_ssize_t i
    for i in range(a.shape[0]):
        d = a[i] - first
        s += d * d
    return s
