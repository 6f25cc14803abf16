# cython: language_level=3, boundscheck=False, wraparound=False
# Hand-typed ceiling for kernels.np_matmul: 2-D C-contiguous double memoryviews.

def np_matmul(const double[:, ::1] a, const double[:, ::1] b, out):
    cdef double[:, ::1] o = out
    cdef Py_ssize_t n = a.shape[0], m = a.shape[1], p = b.shape[1], i, j, k
    cdef double s
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += a[i, k] * b[k, j]
            o[i, j] = s
    return out
