# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# Hand-typed ceiling for programs/bm_spectral_norm.py: the vectors stay lists of floats; the
# per-row functions are cdef functions over C indices and doubles.

cdef inline double eval_A(long i, long j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


cdef double part_A_times_u(long i, list u):
    cdef double partial_sum = 0
    cdef long j
    for j in range(len(u)):
        partial_sum += eval_A(i, j) * <double>u[j]
    return partial_sum


cdef double part_At_times_u(long i, list u):
    cdef double partial_sum = 0
    cdef long j
    for j in range(len(u)):
        partial_sum += eval_A(j, i) * <double>u[j]
    return partial_sum


cdef list eval_AtA_times_u(list u):
    cdef long i, n = len(u)
    cdef list v = [part_A_times_u(i, u) for i in range(n)]
    return [part_At_times_u(i, v) for i in range(n)]


def run(long n=130):
    cdef list u = [1] * n
    cdef list v
    cdef double vBv, vv, ue, ve
    for dummy in range(10):
        v = eval_AtA_times_u(u)
        u = eval_AtA_times_u(v)
    vBv = vv = 0
    for ue, ve in zip(u, v):
        vBv += ue * ve
        vv += ve * ve
    return vBv, vv
