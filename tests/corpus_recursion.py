"""Self-recursive functions for the depth-bound rule (analyzer/recursion.py; tests/test_typing.py)."""


def fib(n):
    """doc"""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def tri(k, n):
    if 3 >= n:
        return k
    return tri(k + 1, n - 1) + k


def countdown(n):
    if n == 0:
        return 0
    return countdown(n - 1)


def grows(n):
    if n < 2:
        return n
    return grows(n - 1) + grows(n + 1)


def late_guard(n):
    m = n * 2
    if n < 2:
        return m
    return late_guard(n - 1)


def base_recurses(n):
    if n < 2:
        return base_recurses(n + 5) if n < -10 else n
    return base_recurses(n - 1)
