# cython: language_level=3
# Hand-typed ceiling for kernels.fib: C long argument and result, a cdef recursion.

cdef long _fib(long n):
    if n < 2:
        return n
    return _fib(n - 1) + _fib(n - 2)


def fib(long n):
    return _fib(n)
