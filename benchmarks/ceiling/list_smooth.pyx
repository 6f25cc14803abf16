# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# Hand-typed ceiling for kernels.list_smooth: lists of floats, C index and doubles.

def list_smooth(list xs, long passes):
    cdef Py_ssize_t n, i
    cdef long _
    cdef list out
    for _ in range(passes):
        n = len(xs)
        out = [xs[0]]
        for i in range(1, n - 1):
            out.append((<double>xs[i - 1] + <double>xs[i] + <double>xs[i + 1]) / 3.0)
        out.append(xs[n - 1])
        xs = out
    return xs
