"""Differential-test corpus for type specialization (issue 3): math, parallel assignment,
C loop counters, containers. Loaded twice by tests/test_differential_types.py (one copy
interpreted, one compiled); nothing here is decorated.
"""
import math
from math import floor, sqrt


# -- math: C helpers with Python's errors (ValueError, OverflowError, nan/inf/-0.0) -------
def math_one(k, x):
    if k == 0:
        return math.sqrt(x)
    if k == 1:
        return math.exp(x)
    if k == 2:
        return math.log(x)
    if k == 3:
        return math.log10(x) + math.log2(x)
    if k == 4:
        return math.log1p(x)
    if k == 5:
        return math.expm1(x)
    if k == 6:
        return math.sin(x) + math.cos(x) * math.tan(x)
    if k == 7:
        return math.asin(x) + math.acos(x)
    if k == 8:
        return math.atan(x) + math.sinh(x)
    if k == 9:
        return math.cosh(x) - math.tanh(x)
    if k == 10:
        return math.asinh(x) + math.acosh(x)
    if k == 11:
        return math.atanh(x)
    if k == 12:
        return math.fabs(x) * math.pi + math.e - math.tau
    return sqrt(x)


def math_two(x, y):
    return (math.atan2(x, y), math.copysign(x, y), math.hypot(x, y), math.pow(x, y),
            math.isnan(x), math.isinf(y), math.isfinite(x), math.inf, math.nan)


def math_log_base(x, y):
    return math.log(x, y)


def math_of_ints(n, m):
    # C ints into C math (n is a long long here); huge n goes to the re-run path
    return math.sqrt(n) + math.exp(m) + math.log(n)


def math_floor_ceil(x):
    # Python ints out of floats: OverflowError for inf, ValueError for nan, big for 1e300
    a = floor(x)
    b = math.ceil(x)
    c = math.trunc(x)
    return a + b + c


def math_norms(n, x):
    s = 0.0
    for i in range(n):
        s += math.sqrt(x * x + i) - math.sin(x + i) * math.pi
    return s


def math_impure(xs, x):
    out = []
    for v in xs:
        out.append(math.sqrt(x) + math.exp(v))
    return out


def math_of_objects(v):
    # v is an int object here (the function is not pure): math.log of a huge int works
    out = [v]
    return math.log(v), math.sqrt(v), out


# -- parallel assignment keeps a function pure (C ints) ------------------------------------
def fib_pair(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def swap_floats(x, y, n):
    for _ in range(n):
        x, y = y, x * 0.5 + y
    return x, y


def mandel_tuple(cr, ci, max_iter):
    zr, zi = 0.0, 0.0
    n = 0
    while n < max_iter and zr * zr + zi * zi <= 4.0:
        zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
        n += 1
    return n


# -- C loop counters in functions that are not pure ---------------------------------------
def counter_index(xs):
    s = 0
    for i in range(len(xs)):
        s += xs[i] * i
    for i in range(len(xs) - 1, -1, -1):
        xs[i] = xs[i] + 1
    for i in range(0, len(xs), 2):
        s -= xs[i]
    return s


def counter_arith(xs):
    out = []
    for i in range(len(xs)):
        out.append((i + 1, i - 1, i * i, -i, i // 2, i % 3, i * 2**62, abs(i), i / 2,
                    i << 62, ~i, xs[i - 1], i == len(xs) - 1, i < 0.5))
    return out


def counter_near_limits(k):
    out = []
    for i in range(9223372036854775807 - 3, 9223372036854775807):
        out.append((i + 1, i + k, i * 2, -i, abs(i), i - 9223372036854775807))
    for j in range(-9223372036854775807 - 1, -9223372036854775807 + 2):
        out.append((j - 1, -j, abs(j), j + 1, j // -1, j % 7, j < k, j // 2, [1, 2][j % 2]))
    return out


def counter_nested(rows):
    total = 0
    for i in range(len(rows)):
        for j in range(i):
            total += rows[i][j] - rows[j][i]
        if i > 2:
            break
    return total


def enumerate_sum(xs, k):
    t = 0
    last = -1
    for i, x in enumerate(xs):
        t += i * x
        if x == k:
            last = i
    return t, last


def enumerate_str(s):
    out = []
    for i, c in enumerate(s):
        out.append(c * i)
    return "".join(out)


def step_counters(flags, n):
    """Not pure (a loop over a list): ``count += 1`` and ``down -= 3`` are step counters
    (C long longs, analyzer/ranges.py); ``big`` starts at a parameter, C within +-2**61
    (a larger one runs the original code), so it is one too; ``doubling`` is multiplied:
    it stays a Python int."""
    count = 0
    down = 10
    big = n
    doubling = 1
    for f in flags:
        if f:
            count += 1
        down -= 3
        big += 1
        doubling = doubling * 2
    count += 2
    return count, down, big, doubling, count * down


def counter_index_errors(xs, k):
    s = 0
    for i in range(len(xs) + k):
        s += xs[i]
    return s


def counter_after_loop(xs):
    i = -5
    for i in range(len(xs)):
        pass
    return i


def counter_shadowed_arg(i, xs):
    for i in range(len(xs)):
        xs[i] = i
    return i


def param_bound(xs, n, k):
    # n: a C long long (only a range bound); k stays a Python int
    out = []
    for i in range(n):
        if i >= len(xs):
            break
        out.append(xs[i] * k)
    return out


def param_index(xs, a, b):
    # a and b only index and compare: C; an int past 2**63 runs the original code
    if a < b:
        return xs[a], xs[b], a == b
    return xs[b]


def bounded_locals(xs):
    n = len(xs)
    m = n - 1
    total = 0
    for i in range(m, -1, -1):
        total += xs[i] * (n - i)
    return total, m * m * m * m, n


# -- characters of a str as C code points; str loops keep a function pure ------------------
def char_classes(s):
    vowels = digits = spaces = other = 0
    for ch in s:
        if ch in "aeiouAEIOU":
            vowels += 1
        elif "0" <= ch <= "9":
            digits += 1
        elif ch == " ":
            spaces += 1
        else:
            other += 1
    return vowels, digits, spaces, other


def char_compares(s, k):
    n = 0
    for c in s:
        if c != "x" and "\U0001f600" > c and c not in "" and c >= "\x00":
            n += k
    for c in s:
        if c < "ab" or c == "é":          # a two-character constant: c stays a str
            n -= 1
    return n, len(s)


def char_escapes(s):
    out = []
    for c in s:
        if c in "ab":
            out.append(c)
    return out


def counter_float_mix(xs, h, k):
    # i and k meet floats: converted to the nearest double, as Python does
    out = []
    n = len(xs)
    for i in range(n):
        out.append(i * h + xs[i] - i / h + (k - 0.5))
    return out, n / 2.0, k * 0.5, k / h


SCALE_DEFAULT = 3


def pure_with_default(n, k=SCALE_DEFAULT, *, m=SCALE_DEFAULT + 1) -> int:
    # the defaults read globals when def runs, not in the body: still pure
    a, b = n, k
    return a * b + m


# -- float ** y typed float where it cannot be complex ---------------------------------------
def float_pows(k, x, y, n):
    if k == 0:
        return x ** 2
    if k == 1:
        return x ** n
    if k == 2:
        return (x * x + y * y) ** 0.5
    if k == 3:
        return x ** -1.0
    if k == 4:
        return abs(x) ** 1.5
    if k == 5:
        return x ** -3
    s = x * x
    s += 1.0
    return s ** -0.25


def pow_impure(xs, x, n):
    xs.append(x ** n)
    d2 = x * x
    xs.append(d2 ** 0.5 + d2 ** -1.5)
    return xs


# -- results of str methods and container constructors are exact builtins ------------------
def str_methods_typed(text, n):
    words = text.split()
    out = list(words)
    total = 0
    for w in text.split(","):
        total += w.find("a") + w.count("b") + n
        if w.strip().isdigit() or w.startswith("c"):
            out.append(w.upper().replace("A", "x").center(n % 7))
    s = sorted(out)
    return s, total, tuple(out), set(words), len(s), "-".join(s).encode()


# -- list/tuple elements speculated to be floats in pure functions -------------------------
class MyFloat(float):
    def __add__(self, other):
        return "MyFloat.__add__"


def spec_stats(xs):
    total = 0.0
    for x in xs:
        total += x
    mean = total / len(xs)
    var = 0.0
    worst = 0.0
    for x in xs:
        d = x - mean
        var += d * d
        if abs(d) > worst:
            worst = abs(d)
    return mean, var / len(xs), worst


def spec_index(xs, t, i):
    s = 0.5
    s += xs[i] * 2.0 + t[i - 1]
    return s, xs[-1] ** 2


def spec_enumerate_dot(xs, w):
    """Pure, speculated. ``total`` starts as the int 0 (a double with a flag: the int 0 of
    an empty list comes back through the original code); x is read only as an operand of
    float arithmetic, so an int element of at most 2**53 passes, converted exactly (any
    other element leaves the body); j is a C counter."""
    total = 0
    for j, x in enumerate(xs):
        total += x * w + j * 0.5
    return total


def spec_walk_control(xs, t, limit):
    """Pure, speculated: a list and a tuple walked by index (the items read borrowed), with
    continue, break and else. x is read as a number (comparison, float sum); y also times
    an int, so only floats pass for it."""
    total = 0.0
    for x in xs:
        if x < 0.0:
            continue
        total += x
        if total > limit:
            break
    else:
        total = -total
    for j, y in enumerate(t):
        if y > limit:
            break
        total += y * j
    return total


def spec_strict_reads(xs, w):
    """Pure, speculated. x is also stored (``last = x``): an int would show, so only floats
    pass; ``total`` starts as the int 0 and is compared and returned."""
    total = 0
    last = 0.0
    for x in xs:
        total += x * w
        last = x
        if total > 100:
            total = total / 2
    return total, last, total < 1


class Added:
    """Logs __radd__: code that a "pure" compiled body must not run twice."""

    def __init__(self):
        self.calls = 0

    def __radd__(self, other):
        self.calls += 1
        return 1.5


def augassign_object_then_overflow(o, n):
    s = 0
    s += o                  # runs o.__radd__: the function is not pure
    return n * n            # overflows for a large n


def range_steps(xs, a, b, c):
    """Not pure (stores into xs): range() with a step known only at run time, all C ints
    (parameters used only as range bounds and indexes), is a counted C loop; a step of 0
    raises range's own ValueError; j keeps its last value after the loop."""
    j = -1
    total = 0
    for j in range(a, b, c):
        if 0 <= j < len(xs):
            xs[j] += 1
        total += 1
        if total > 50:
            break
    else:
        total += 1000
    return j, total, xs


def sieve_facts(n):
    """``while i * i < n``: in the body, before i changes, i * i < n holds, so ``i * i`` is
    a C int there (analyzer/ranges.py, loop facts); the loop range(i * i, n, i) is counted
    in C. The condition itself computes i * i on Python ints."""
    flags = [True] * n
    found = []
    i = 2
    while i * i < n:
        if flags[i]:
            found.append(i * i)
            for j in range(i * i, n, i):
                flags[j] = False
        i += 1
        found.append(i * i)          # after i changed: no fact, Python ints
    return found, sum(flags)



def param_reach(xs, n):
    """Not pure (stores into xs). n is C within +-2**61 (ranges.PARAM_REACH: the entry runs
    the original code for any other int), so n + 1, n - 1, m = n - 1 and the step counter
    r = n; r -= 1 stay C; list(range(n + 1, n - 3, -1)) builds the same list from C
    ints."""
    m = n - 1
    r = n
    firsts = list(range(n + 1, n - 3, -1))
    while r > 0 and r > n - 4:
        if r - 1 < len(xs):
            xs[r - 1] = r
        r -= 1
    return m, r, firsts, xs


def flex_ints(xs, n):
    """Not pure. x, a list element in arithmetic, is a flex local (an object with a double
    beside it): exact ints within 30 bits with a C int take the boxed path's int shortcut
    (C arithmetic, overflow-checked; exact comparisons), floats the C path, anything else
    (bools, big ints, an overflow) Python's operator."""
    out = []
    for i in range(n):
        for x in xs:
            out.append((x + i, x - i, i - x, x * i, x < i, i <= x, x == i, x != 3,
                        x * 3000000000000, x - 9223372036854775807))
            x += 2
            out.append(x)
    return out


def flex_items(rows, k):
    """Not pure (stores into a row). The rows' items, of unknown type, as operands of float
    arithmetic: o[i] of an exact list or tuple reads a float item borrowed; anything else (an
    int item, a dict, an object with __getitem__, an index out of range) is Python's o[i].
    o[i] op= y stores into an exact list's item directly, anything else (a tuple, a dict, an
    object with __setitem__) through Python's o[i] = v, in Python's order."""
    a = rows[0]
    b = rows[1]
    out = []
    for i in range(k):
        d = a[0] - b[i] * 0.5
        a[1] -= d * b[k - 1]
        out.append(d)
    a[2] += a[0] * 2.0
    return out


def pow2_div_mod(a, b):
    """Pure (C ints). Floor division and modulo by a power of two are a shift and a mask in
    C: Python's floor rules for negative operands; overflow (a - b, a + 7 near 2**63)
    re-runs the call with Python's ints."""
    return a // 2 + b % 4 * 3 + (a - b) // 1024 - (a + 7) % 8 + a % 4611686018427387904


def block_rows(rows, dt):
    """Not pure (stores into the rows). A run of float statements on two rows' items and
    flex locals (translator/float_blocks.py): checked once (exact lists, long enough, float
    items where read or stored; d read by the run before it assigns it), then C doubles.
    A zero divisor, a power off the plain path, or a row that is not such a list runs the
    statement and the rest as flex code (an Items row, a tuple, a dict, an int item, a short
    row, a b that is a: Python's values, errors and order)."""
    a = rows[0]
    b = rows[1]
    d = a[3] if len(a) > 3 else 0.0
    for k in range(2):
        d = a[0] - b[1] + d * 0.5
        e = d * d + 0.5
        a[1] -= d / e
        b[0] += e ** -0.5 * dt
        a[2] = -d
    return d, e


def range_with_call(xs, n):
    """Not pure (appends to xs). n is a long long argument of a direct call (when
    helper_scale is compiled) and a range() argument: both C places."""
    xs.append(helper_scale(n))
    return list(range(n - 1, n + 2))


def helper_scale(k):
    return k * 0.5
