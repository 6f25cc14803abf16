# cython: language_level=3
# Hand-typed ceiling for kernels.int_loop: C integers throughout.

def int_loop(long long n):
    cdef long long s = 0, i
    for i in range(n):
        s += (i * i) % 7
    return s
