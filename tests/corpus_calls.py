"""Functions calling each other, for tests/test_direct_calls.py (loaded twice)."""
import math


def norm(x, y):
    return math.sqrt(x * x + y * y)


def total(n, step):
    s = 0.0
    for i in range(n):
        s += norm(i * step, 1.0)
    return s


def safe_div(a, b):
    return a / b


def ratios(n, d):
    out = []
    for i in range(n):
        out.append(safe_div(i * 1.5, d))
    return out


def sq(k):
    return k * k


def sum_squares(n):
    s = 0
    for i in range(n):
        s += sq(i)
    return s


def head(xs):
    return xs[0] if xs else None


def heads(rows):
    return [head(r) for r in rows]


def mixed(n):
    return norm(n, 2.0)          # an int argument where norm was compiled for floats


def poly(a, b):
    return a * b + a - b         # pure: its C entry takes long longs


def poly_sum(xs, k):
    s = 0
    for i, x in enumerate(xs):   # not pure: i is a C counter, k a Python int
        s += poly(i, k) + poly(x, i)
    return s
