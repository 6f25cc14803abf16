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
    for i, x in enumerate(xs):   # not pure: i is a C counter, k too (converted at the entry)
        s += poly(i, k) + poly(x, i)
    return s


def poly_sq(xs, k):
    s = 0
    for i, x in enumerate(xs):   # k * k may pass 2**63: a Python int, converted per call
        s += poly(i, k * k) + poly(x, i)
    return s


def ratios_hooked(n, hook):
    out = []
    for i in range(n):
        if i == 2:
            hook()               # Python code mid-loop: may set a trace function
        out.append(safe_div(i * 1.5, 2.0))
    return out


def pair_ratio(i_j):
    i, j = i_j                   # int items of a guarded tuple: C, checked at the entry
    return safe_div(i, j) + (i < j)


SCALE = 2.0


def scaled(x):
    return x * SCALE             # reads a module global: called in C, not copied


def scaled_sum(n):
    s = 0.0
    for i in range(n):
        s += scaled(i * 0.5)
    return s


def clamp(x, lo, hi):
    return max(lo, min(x, hi))   # builtins compiled natively: inlined while not shadowed


def clamped_sum(n, hi):
    s = 0.0
    for i in range(n):
        s += clamp(i * 0.5, 1.0, hi)
    return s


def weight(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def weighted_row(i, xs):
    """Pure while weight is linked (spectral_norm's part_A_times_u): weight's inlined copy,
    the elements read as numbers, a float sum that starts as the int 0."""
    total = 0
    for j, x in enumerate(xs):
        total += weight(i, j) * x
    return total


def lerp(a, b, t):
    return a + (b - a) * t       # raise-free (float + - * only): its unchecked copy, always


def lerp_path(n, t):
    out = []                     # not pure (append): the call helper checks the link
    for i in range(n):
        out.append(lerp(i * 0.5, i * t, t))
    return out


def tri(i, j):
    return 0.5 * (i * i + j) / (i + 1)   # raise-free while 0 <= i, j <= 2**30


def tri_row(n, k):
    out = []
    for i in range(n):
        out.append(tri(i - k, i))    # i - k may be -1 (a zero divisor) or negative
    return out
