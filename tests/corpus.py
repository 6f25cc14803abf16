"""Differential-test corpus: plain functions, each run interpreted and compiled by jitcy.

Loaded twice by tests/test_differential.py (``load_fresh_module``): one copy stays
interpreted (the reference), the other copy's functions are compiled. Nothing here is
decorated; the functions are ordinary Python, chosen for the places where C and Python
disagree (unbounded ints, signed zeros, NaN, error messages, scoping, unbound locals).
"""


class CorpusError(Exception):
    """A custom exception: compiled code must raise this module's class, not a copy."""


# -- module globals (read live, written with `global`) -----------------------------------
SCALE = 3
OFFSET = 0.5
counter = 0
MODE = "idle"


# -- ints ---------------------------------------------------------------------------------
def int_ops(a, b, c):
    return (a + b, a - b, a * b, a == b, a < b, a < b <= c, a == b != c,
            (a & b) | (a ^ b), a | 0, -a, +a, ~a, not a)


def int_poly(a, b):
    return a * a - 3 * b + 7


def floor_div(a, b):
    return a // b


def mod_op(a, b):
    return a % b


def floor_mod_pair(a, b):
    return a // b, a % b, divmod(a, b)


def int_truediv(a, b):
    return a / b


def abs_min_max(a, b, c):
    return abs(a) + min(a, b, c) - max(b, c)


def negate(a):
    return -a


def shift(a, n):
    return (a << n) >> 1


def int_pow(a, n):
    return a ** n


def accumulate(n, k):
    s = 0
    for i in range(n):
        s += k * i + i
    return s


def fib_iter(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def factorial(n):
    r = 1
    i = 2
    while i <= n:
        r *= i
        i += 1
    return r


def range_step(a, b, s):
    total = 0
    for i in range(a, b, s):
        total += i
    return total


def range_step2(a, b):
    count = 0
    for i in range(a, b, 2):
        count += 1
    return count


def loop_var_after(n):
    for i in range(n):
        pass
    return i


def int_const_ops(n):
    return (n / 3, n // -3, n % -3, n * 3, n - 7, n + 4611686018427387904, n == 3,
            n < 4611686018427387904, n & 0xFF, n >> 1, n << 3, -n, abs(n), n / 2.5,
            n // 2.5, n % 2.5, n ** 2, 2 ** 64 - n, n != 2 ** 64)


def loop_var_kept(n, step):
    i = -1
    j = -1
    for i in range(n):
        pass
    for j in range(n, -n, -3):
        pass
    return i + j * step


# -- int / float mixes --------------------------------------------------------------------
def int_float_mix(i, f):
    return i * f + i - f / 2


def mixed_min(i, f):
    return min(i, f)


def mixed_max(i, f):
    return max(f, i)


def cmp_int_float(i, f):
    return i < f


def cmp_int_float_all(i, f):
    return (i < f, i <= f, i == f, i != f, i > f, i >= f)


def int_then_float(n):
    x = n
    if n > 0:
        x = n / 2
    return x


def annotated(n):
    x: float = n
    y: int = n > 0
    z: int
    return x, y


def int_aug(a, b):
    a %= b
    a //= 3
    a -= b
    a *= 2
    a += 1
    return a


def pure_mixed(i, f, b):
    j = i
    if b:
        j = -i
    return j * 2 + int(f) + abs(b)


def rec_accumulate(n, acc):
    if n <= 0:
        return acc
    return rec_accumulate(n - 1, acc + n * n * n)


def generic_mix(a, b):
    c = a * 2 - b
    if c > a:
        return c // 3
    return a / (b or 1)


# -- floats -------------------------------------------------------------------------------
def float_arith(x, y):
    return x + y, x - y, x * y, abs(x), min(x, y), max(x, y), x / y


def literal_divisors(x, i):
    # nonzero literal divisors: C's division, no zero test (rewrite_arith._nonzero_literal);
    # an int literal past 2**53 and a variable divisor keep the checked division
    return (x / 3.0, x / -4, -x / 9007199254740992, x / 1e-300, i / 2.5, x / 0.1,
            x / 9007199254740993, x / i)


def float_floordiv_mod(x, y):
    return x // y, x % y


def signed_zeros(x):
    return -x, x * -1.0, 0.0 * x, 0 + x, x + 0.0, -0.0


def float_pow(x, y):
    return x ** y


def float_to_int(x):
    return int(x)


def float_strings(x, n):
    return (str(x), f"{x}", f"{x:.3f}", repr(x), f"{x!r:>30}",
            "%d|%5.2f|%s|%r|%x" % (n, x, n, x, n), f"{x:e}", f"{x:g}", f"{x:%}",
            f"{n:,}", f"{x:>10.3}", format(x, ".1f"))


def float_aug(x, y):
    x //= y
    z = x
    z %= 3.0
    w = y
    w /= 2.0
    w -= x
    return x, z, w


def float_round(x):
    return round(x), round(x, 1), round(x, -1)


def float_truth(x):
    if x:
        a = 1
    else:
        a = 0
    return a, not x, x or 2.5, x and 3.5, bool(x)


def builtin_pow(x, y):
    return pow(x, y)


def float_const_ops(xs):
    x = xs[0]
    return (x / 3.0, x // 2.0, x % 2.0, x * 0.5, x - 1.0, x + 1e300, x == 1.0, x < 0.5,
            -x, abs(x), x ** 0.5, 1.0 / x if x else 0.0, x > 9007199254740993)


def zero_sums(x, n, xs):
    a, b = xs
    s = a
    s += b
    t = x
    t += a
    return a + b, b + a, a - b, x + a, a + x, n + a, a + n, s, t, x + n


def float_accum(xs):
    s = 0.0
    for x in xs:
        s += x
    return s


# -- bools --------------------------------------------------------------------------------
def bool_arith(a, b, f):
    return (a + b, a * 3, -a, ~a, a & b, a | b, a ^ b, a - b, +a, a * 1, a + 0, a is True,
            a is not False, abs(a), a < f, a == b, min(a, b), max(a, 2), a + f)


def is_none_float(x):
    return x is None, x is not None


def bool_not(x):
    return not x


def is_positive(x):
    return x > 0


def bool_mix(a, n):
    return a + n, a and n, a or n, n and a


def bool_strings(b, i):
    return str(b), f"{b}", f"{b}{i}", f"{i > 0}", str(i > 0)


# -- str ----------------------------------------------------------------------------------
def str_index(s, i):
    return s[i]


def str_slice(s, i, j):
    return s[i:j], s[::-1], s[i:], s[:j], s[-1:]


def str_concat(s, t, n):
    return s + t * n + s


def fstring(name, n, x):
    return f"{name!r}:{n:>5}:{x:.2f}:{n:x}:{name}"


def str_methods(s):
    return (s.upper(), s.strip(), s.split(","), s.replace("a", "b"), s.startswith("x"),
            s.find("b"), "-".join(s.split()), s.count("a"), len(s))


def str_count(s, ch):
    n = 0
    for c in s:
        if c == ch:
            n += 1
    return n


def ords(s):
    return ord(s)


def builtin_calls(n, xs):
    return (chr(n), divmod(n, 7), any(x > n for x in xs), all(x < n for x in xs),
            next(iter(xs), None), isinstance(n, (int, float)), sum(xs, n), bool(xs),
            getattr(n, "real", None), hash(n) == hash(n))


def list_methods(xs, i, v):
    out = [xs.pop(), xs.pop(i), xs.index(v)]
    xs.extend(out)
    xs.remove(v)
    return out, xs


def str_method_errors(s, t, i):
    return (s.startswith(t), s.index(t), t.join([s, s]), s.split(t), s[i:i], s.find(t, i),
            s.endswith((t, "x")), s.partition(t))


def dict_methods(d, k, v):
    out = [d.pop(k), d.setdefault(k, v), d.get(k), d.pop(v, None)]
    d.update({k: v})
    return out, sorted(d.items()), d.popitem()


def parse_int(s):
    return int(s)


def parse_float(s):
    return float(s)


def str_build(n):
    out = ""
    for i in range(n):
        out = out + str(i) + ","
    return out


def bytes_ops(b, i):
    return b[i], b[i:], len(b), b + b, b * 2, b.upper(), i in b


def cy_params(double, char=1, *, int=2):
    long = double + char * int
    cdef = str(long) + "!"
    return cdef, long


class Keywords:
    """Attribute names that are Cython keywords."""
    cdef = 1
    include = 2
    IF = 3

    @staticmethod
    def take(**kwargs):
        return sorted(kwargs.items())


def cython_keyword_names(k, n):
    return k.cdef + k.include + k.IF + n, k.take(cdef=n, sizeof=2, NULL=3, IF=n)


def typed_method_errors(s, xs, flag):
    if flag == 1:
        return s.no_such_method()
    if flag == 2:
        xs.append(1, 2)
    return s.upper(), len(xs)


# -- lists --------------------------------------------------------------------------------
def list_build(n):
    out = []
    for i in range(n):
        out.append(i * i)
    return out


def list_index(xs, i):
    return xs[i], xs[-1]


def list_comp(xs):
    return [x * 2 for x in xs if x % 3], sum(xs)


def list_sum_loop(xs):
    total = 0
    for x in xs:
        total += x
    return total


def list_mutate(xs, v):
    xs.append(v)
    xs.insert(0, v * 2)
    xs[1] += 1
    return len(xs)


def extend_inplace(xs, n):
    xs += [n]
    return xs


def list_setitem(xs, i, v):
    xs[i] = v
    return xs


def list_slices(xs, i, j):
    ys = list(xs)
    del ys[i:j]
    zs = list(xs)
    zs[i:j] = [0]
    return xs[i:j], xs[i:], xs[:j], xs[::2], ys, zs


def repeat(s, n):
    t = s * n
    u = [s] * n
    n *= s
    return t, len(u), n


def comp_scope(n):
    x = n
    ys = [x * 2 for x in range(3)]
    return x, ys


def contains(xs, v):
    return v in xs, v not in xs


# -- dicts, tuples, sets ------------------------------------------------------------------
def dict_get(d, k):
    return d.get(k, -1), d[k]


def dict_count(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def dict_iter(d):
    total = 0
    keys = []
    for k, v in d.items():
        keys.append(k)
        total += v
    return keys, total


def dict_update(d, k, v):
    d[k] = v
    d[k] += 1
    del d[k + 1]
    return d


def tuple_unpack(t):
    a, b, c = t
    return c, b, a


def tuple_index(t, i):
    return t[i]


def pair_sums(pairs):
    out = []
    for a, b in pairs:
        out.append(a + b)
    return out


def set_ops(a, b):
    return sorted(a | b), sorted(a & b), len(a - b)


# -- exceptions ---------------------------------------------------------------------------
def check_positive(x):
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x


def raise_custom(x):
    if x % 2:
        raise CorpusError("odd", x)
    return x // 2


def try_except_finally(x, log):
    try:
        r = 10 // x
    except ZeroDivisionError as e:
        log.append(str(e))
        r = -1
    else:
        log.append("else")
    finally:
        log.append("finally")
    return r


def reraise(d, k):
    try:
        return d[k]
    except KeyError:
        d["missing"] = k
        raise


def wrap_error(s):
    try:
        return int(s)
    except ValueError as e:
        raise CorpusError(f"bad {s!r}") from e


def exc_var_cleared(x):
    try:
        if x:
            raise ValueError(x)
    except ValueError as e:
        pass
    return e


def finally_overrides(x):
    try:
        return 10 // x
    finally:
        if x == 1:
            return -1


def except_star(x):
    caught = []
    try:
        raise ExceptionGroup("group", [ValueError(x), TypeError(x)])
    except* ValueError as eg:
        caught.append(len(eg.exceptions))
    except* TypeError as eg:
        caught.append(repr(eg.exceptions))
    return caught


def bare_raise(x):
    if x:
        raise
    return x


def bad_raise(x, cause):
    if cause:
        raise ValueError("value") from x
    raise x


def raise_from_none(d, k):
    try:
        return d[k]
    except KeyError:
        raise CorpusError(f"no {k}") from None


def checked(x):
    assert x >= 0, f"x must be >= 0, got {x}"
    return x


class Tracker:
    """A context manager that records what happens and may swallow the exception."""

    def __init__(self, swallow):
        self.swallow = swallow
        self.log = []

    def __enter__(self):
        self.log.append("enter")
        return self.log

    def __exit__(self, kind, value, tb):
        self.log.append(("exit", kind.__name__ if kind else None))
        return self.swallow


def use_tracker(swallow, x):
    t = Tracker(swallow)
    with t as log:
        log.append(x)
        if x < 0:
            raise ValueError(x)
        y = x * 2
    return t.log, y


def swallowed_float(swallow, x):
    with Tracker(swallow):
        if x < 0:
            raise ValueError(x)
        y = x * 2.0
    return y


def store_key(flag, d):
    if flag:
        k = 1.5
    d[k] = 1
    return k


def local_import(x):
    import math
    from math import floor
    return floor(x), math.isnan(x)


def range_of_float(x):
    total = 0
    for i in range(x):
        total += i
    return total


def mutable_default(x, acc=[]):  # noqa: B006  (the shared default is the point)
    acc.append(x)
    return list(acc)


def call_forms(xs, k):
    return sorted(xs, reverse=k > 0), max(*xs, 0), dict(a=k, **{"b": k}), [*xs, k]


# -- closures -----------------------------------------------------------------------------
def make_adder(k):
    def add(x):
        return x + k
    return add


def make_counter(start):
    total = start

    def step(n):
        nonlocal total
        total += n
        return total
    return step


def make_recorder():
    last = None

    def record(x):
        nonlocal last
        previous = last
        last = x
        return previous
    return record


def make_late_reader():
    def read(x):
        return x + late
    return read
    late = 1  # noqa: F841  (never runs: the cell stays empty)


# -- signatures ---------------------------------------------------------------------------
def with_defaults(a, b=10, c=None):
    if c is None:
        c = []
    c.append(a + b)
    return c


def kwonly(a, *, scale=2, offset=0):
    return a * scale + offset


def varargs(*args, **kwargs):
    return len(args), sum(args), sorted(kwargs.items())


def mixed_sig(a, b=2, *rest, key=None, **extra):
    return a, b, rest, key, extra


# -- recursion ----------------------------------------------------------------------------
def fib_rec(n):
    if n < 2:
        return n
    return fib_rec(n - 1) + fib_rec(n - 2)


def pow3_rec(n):
    # depth bounded by n (no depth count in C); 3**n leaves a long long from n = 40
    if n < 1:
        return 1
    return pow3_rec(n - 1) * 3


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def float_rec(x, n):
    if n <= 0:
        return x
    return float_rec(x / 2.0 + 1.0, n - 1)


# -- methods ------------------------------------------------------------------------------
class Account:
    rate = 2

    def __init__(self, balance):
        self.balance = balance
        self.history = []

    def deposit(self, amount):
        self.balance += amount * self.rate
        self.history.append(amount)
        return self.balance

    @staticmethod
    def fee(amount):
        return amount // 100 + 1

    @classmethod
    def from_cents(cls, cents):
        return cls(cents / 100)


# -- globals ------------------------------------------------------------------------------
def scaled(x):
    return x * SCALE + OFFSET


def bump(n):
    global counter
    counter += n
    return counter


def set_mode(v):
    global MODE
    old = MODE
    MODE = v
    return old


def uses_late_global(x):
    return x + LATE  # noqa: F821  (defined by the test, or NameError)


def shadow_local(xs):
    len = 0
    for _ in xs:
        len += 1
    return len


def shadow_local_max(a, b):
    max = a - b
    min = max * 2
    return max, min


def uses_len(xs):
    return len(xs) + 1


def uses_abs(n):
    return abs(n) * 2


def uses_round(x):
    return round(x, 1)


class Counted:
    """Logs every protocol call: code that a "pure" compiled body must not run twice."""

    def __init__(self):
        self.calls = []

    def __bool__(self):
        self.calls.append("bool")
        return True

    def __int__(self):
        self.calls.append("int")
        return 3

    def __iter__(self):
        self.calls.append("iter")
        return iter((1, 2))


def truth_then_overflow(t, n):
    if t:
        return n * n
    return -n


def not_then_overflow(t, n):
    return (not t) + n * n


def ifexp_then_overflow(t, n):
    return n * n if t else n


def call_then_overflow(t, n):
    x = int(t)
    return n * n


def unpack_then_overflow(t, n):
    a, b = t
    return n * n


# -- side effects -------------------------------------------------------------------------
def append_squares(out, n):
    for i in range(n):
        out.append(i * i)
    return len(out)


# -- generators and other refused functions -----------------------------------------------
def squares_gen(n):
    for i in range(n):
        yield i * i


def sort_by_second(pairs):
    return sorted(pairs, key=lambda p: p[1])


def sum_genexp(xs):
    return sum(x * x for x in xs)


# -- loops --------------------------------------------------------------------------------
def find_first(xs, target):
    i = 0
    while i < len(xs):
        if xs[i] == target:
            break
        i += 1
    else:
        return -1
    return i


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2:
            n = 3 * n + 1
        else:
            n //= 2
        steps += 1
        if steps > 300:
            break
    return steps


def loop_else_continue(n):
    for i in range(n):
        if i % 3 == 0:
            continue
        if i > 10:
            break
    else:
        return "done"
    return i


def while_else_flags(n):
    i = 0
    seen = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        seen += i
        if seen > 50:
            break
    else:
        seen = -seen
    return seen


# -- unbound locals -----------------------------------------------------------------------
def maybe_unbound(flag):
    if flag > 0:
        y = flag * 2
    return y


def maybe_unbound_float(x):
    if x > 0:
        y = x * 2.0
    return y


def maybe_unbound_str(flag):
    if flag:
        s = "set"
    return s


def catch_unbound(flag):
    try:
        if flag:
            y = 1
        return y
    except NameError as e:
        return type(e).__name__ + ": " + str(e)


def comp_reads_later(n):
    ys = [x + i for i in range(n)]
    x = 1.0
    return ys, x


def unbound_after_del(x):
    y = x
    if x > 0:
        del y
    return y


def method_receivers(shapes, scene, k):
    """Method calls whose object is a local, an item, an attribute and a call's result
    (translator: the method caches; a non-local object is held from lookup to call)."""
    total = 0
    for s in shapes:
        total += s.area()
    return total + shapes[0].scaled(k) + scene.main.area() + scene.pick(k).area()


# The module shadows the builtin `round` after `uses_round` was defined: `uses_round` must
# call this function, compiled or not.
def round(x, n=0):  # noqa: A001
    return ("shadowed round", x, n)
