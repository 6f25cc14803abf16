# cython: language_level=3, cdivision=True
# Hand-typed ceiling for kernels.list_stats: the list stays a list, its items C doubles.
from libc.math cimport fabs


def list_stats(list xs):
    cdef double total = 0.0, mean, var = 0.0, worst = 0.0, d, x
    for x in xs:
        total += x
    mean = total / len(xs)
    for x in xs:
        d = x - mean
        var += d * d
        if fabs(d) > worst:
            worst = fabs(d)
    return mean, var / len(xs), worst
