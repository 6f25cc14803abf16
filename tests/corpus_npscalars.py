"""Functions computing on NumPy array elements, for tests/test_npscalars.py (loaded twice:
interpreted and compiled). The interpreter's ``a[i]`` is an np.float64/np.int64/np.int32:
everything computed from it must be NumPy's, in value, type, warnings and errors."""
import math


def unary(a, i, op):
    v = a[i]
    if op == "neg":
        return -v
    if op == "pos":
        return +v
    if op == "abs":
        return abs(v)
    if op == "float":
        return float(v)
    if op == "int":
        return int(v)
    if op == "bool":
        return bool(v)
    if op == "not":
        return not v
    if op == "truth":
        return 1 if v else 2
    if op == "invert":
        return ~v
    if op == "sqrt":
        return math.sqrt(v)
    if op == "floor":
        return math.floor(v)
    if op == "fstr":
        return f"{v}|{v!r}|{v * 2}"
    if op == "list":
        return [v, v, (v,)]
    if op == "minmax":
        return min(v, a[0]), max(a[0], v)
    return None


def binary(a, i, x, op):
    v = a[i]
    if op == "+":
        return v + x
    if op == "r+":
        return x + v
    if op == "-":
        return v - x
    if op == "r-":
        return x - v
    if op == "*":
        return v * x
    if op == "r*":
        return x * v
    if op == "/":
        return v / x
    if op == "r/":
        return x / v
    if op == "//":
        return v // x
    if op == "%":
        return v % x
    if op == "**":
        return v ** x
    if op == "&":
        return v & x
    if op == "<<":
        return v << x
    if op == "<":
        return v < x
    if op == "==":
        return v == x
    if op == ">=":
        return x >= v
    if op == "chain":
        return -x < v < x
    if op == "if":
        return 1 if v > x else 2
    if op == "while":
        n = 0
        while v < x and n < 3:
            n += 1
        return n
    if op == "and":
        return v > 0 and v < x
    if op == "or":
        return v < x or v > 10
    if op == "ifexp":
        return v if v > x else v * 2
    if op == "aug":
        w = v
        w += x
        w *= 2
        return w
    if op == "poly":
        return v * v - 3 * v * x + x / 2
    return None


def pair(a, b, i, j, op):
    v, w = a[i], b[j]
    if op == "+":
        return v + w
    if op == "-":
        return v - w
    if op == "*":
        return v * w
    if op == "/":
        return v / w
    if op == "//":
        return v // w
    if op == "%":
        return v % w
    if op == "<":
        return v < w
    if op == "==":
        return v == w
    if op == "max":
        return max(v, w)
    return None


def accumulate(a, n, start):
    """s is a float on zero iterations and an np.float64 after one (the join)."""
    s = start
    for i in range(n):
        s = s * 0.5 + a[i]
    return s


def sum_sq(a):
    s = 0.0
    first = a[0]
    for i in range(a.shape[0]):
        d = a[i] - first
        s += d * d
    return s


def dot(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def ratio_sum(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] / b[i]
    return s


def two_results(a):
    """t is not an accumulator: the fast loop watches it with its detector."""
    s = 0.0
    t = 0.0
    for i in range(len(a)):
        t = a[i] * 3.0 - 1.0
        s = s + a[i]
    return s, t


def int_total(a):
    t = 0
    for i in range(len(a)):
        t += a[i]
    return t


def int_dot(a, b):
    t = a[0] * 0
    for i in range(len(a)):
        t += a[i] * b[i]
    return t


def bool_escapes(a, out):
    c = a[0] > a[1]
    out.append(c)
    d = a[1] == a[1]
    return c, [d, c and d], {"k": a[0] < 0}


def matmul(a, b, out):
    n, m = a.shape
    p = b.shape[1]
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += a[i, k] * b[k, j]
            out[i, j] = s
    return out


def stencil(a, out):
    n = len(a)
    for i in range(1, n - 1):
        out[i] = a[i - 1] - 2.0 * a[i] + a[i + 1]
    return out


def walk(a, n):
    """range(n) is not a's length: every index is checked (NumPy's IndexError)."""
    s = 0.0
    for i in range(n):
        s += a[i]
    return s


def shape_walk(a, b):
    """b's length bounds the loop, a is indexed: the upper check stays."""
    s = 0.0
    for i in range(b.shape[0]):
        s += a[i] * b[i]
    return s


def mixed_kinds(a, x):
    s = x
    if x > 0:
        s = a[0]
    return s, s + 1.0, s / 2


def identity(a):
    x = a[0]
    y = x
    z = a[0]
    return x is y, x is z, id(x) == id(y), x is not None


def store_after_value(a, i, x):
    """Python computes the value, then NumPy checks the index: a warning (or
    FloatingPointError) comes before the IndexError."""
    a[i] = a[0] / x
    return a


def object_ints(a, n):
    """k is a Python int object (it may not fit 64 bits): NumPy's own operation."""
    k = n * n
    v = a[0]
    return v + k, v * k, k - v, v < k, v == k
