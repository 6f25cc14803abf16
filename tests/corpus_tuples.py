"""Functions taking short tuples whose items they unpack or index (tests/test_tuple_items.py).

One copy stays interpreted, another is compiled for the item types of the first call."""
import math


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def row_times(i_u):
    """spectral_norm's part_A_times_u: an int and a list in one tuple."""
    i, u = i_u
    partial_sum = 0
    for j, u_j in enumerate(u):
        partial_sum += eval_a(i, j) * u_j
    return partial_sum


def norm(p):
    """A pure body: two floats (C doubles), math on them."""
    x, y = p
    return math.sqrt(x * x + y * y)


def scaled(p, k):
    """Items read by constant index, a negative one too; ints stay exact past 2**63."""
    return p[0] * k + p[-1]


def mixed(rec):
    """An untyped item (object) beside typed ones; the tuple itself escapes."""
    n, name, weight = rec
    out = []
    for _ in range(n):
        out.append(name)
    return out, weight * 2, rec


def rebinds(t):
    """The parameter is rebound: its items are not known after that."""
    a, b = t
    t = (b, a)
    a, b = t
    return a - b


def wrong_count(t):
    """Unpacking into more names than the tuple has: Python's ValueError."""
    a, b, c = t
    return a + b + c


def total(t):
    """A tuple used like a list (iterated): its items are not guarded, any length runs."""
    s = 0.0
    for x in t:
        s += x
    return s


def empty_unpack(xs):
    """``[] = xs``: only the check that xs is empty (Python's ValueError/TypeError)."""
    [] = xs
    return 0
