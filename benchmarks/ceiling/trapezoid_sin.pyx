# cython: language_level=3, cdivision=True
# Hand-typed ceiling for kernels.trapezoid_sin: doubles and libc.math.
from libc.math cimport sin, exp


def trapezoid_sin(double a, double b, long n):
    cdef double h = (b - a) / n
    cdef double s = 0.5 * (sin(a) * exp(-a / 4) + sin(b) * exp(-b / 4))
    cdef double x
    cdef long i
    for i in range(1, n):
        x = a + i * h
        s += sin(x) * exp(-x / 4)
    return s * h
