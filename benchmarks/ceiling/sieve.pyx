# cython: language_level=3, boundscheck=False, wraparound=False
# Hand-typed ceiling for kernels.sieve: the same list of bools, C loop indices.

def sieve(Py_ssize_t n):
    cdef list flags = [True] * n
    cdef Py_ssize_t i, j, count = 0
    flags[0] = flags[1] = False
    i = 2
    while i * i < n:
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = False
        i += 1
    for f in flags:
        if f:
            count += 1
    return count
