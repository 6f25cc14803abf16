"""Functions over NumPy arrays for tests/test_arrays.py (loaded twice: interpreted, compiled)."""


def dot(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


def isum(a):
    s = 0
    for i in range(len(a)):
        s += a[i]
    return s


def get(a, i):
    return a[i]


def get_int(a, i):
    x = a[i]
    return x + 1


def get2(m, i, j):
    return m[i, j] * 2.0


def put(a, i, v):
    a[i] = v
    return a[i]


def put_int(a, i, v):
    a[i] = v + 1
    a[0] += v
    return a[i]


def scale(m, k):
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            m[i, j] = m[i, j] * k


def shape_sum(m):
    return m.shape[0] * 100 + m.shape[-1] + len(m)


def row(m, i):
    r = m[i]
    return r.sum() + m[i, 0]


def negative_walk(a):
    s = 0.0
    for i in range(1, len(a) + 1):
        s = s * 0.5 + a[-i]
    return s


def prefix(a, out):
    s = 0.0
    for i in range(len(a)):
        s += a[i]
        out[i] = s
    return out


def float_index(a, x):
    return a[x]


def mask_index(a, flag):
    return a[flag]
