"""Generator functions for tests/test_generators.py: each is compiled in one copy of this
module and interpreted in another, and both are driven through the same script of next(),
send(), throw() and close() calls."""
import math

LOG = []


def squares(n):
    """C loop counter (n within reach: else the original code runs); i * i as Python ints."""
    for i in range(n):
        yield i * i


def running_sum(xs, scale):
    """A float accumulator (flex: ints and floats mixed in xs stay exact) across yields."""
    total = 0.0
    for x in xs:
        total += x * scale
        yield total
    return total


def fib_gen(n):
    """Ints past 2**63: Python ints, exact."""
    a, b = 0, 1
    for _ in range(n):
        yield a
        a, b = b, a + b


def accumulate_sent(start, k):
    """``x = yield``: sent values (any type) join the running value."""
    acc = start
    for i in range(k):
        got = yield acc
        if got is not None:
            acc = acc + got
        else:
            acc = acc * 2 + i
    return acc


def divide_each(xs, d):
    """ZeroDivisionError and TypeError at the element where the interpreter raises them."""
    for x in xs:
        yield x / d
        d -= 1.0


def enumerate_pairs(xs):
    """enumerate over an exact list: the list may change between yields (the caller's
    script appends to it), and the loop must see what the interpreter's loop sees."""
    for i, x in enumerate(xs):
        yield (i, x)
        if i > 50:
            return "long"
    return len(xs)


def each_item(xs):
    for x in xs:
        yield x


def delegate(xs, n):
    """yield from a compiled generator, a list and a generator whose return value it reads."""
    got = yield from squares(n)
    yield got
    yield from xs
    last = yield from running_sum(xs, 1.0)
    yield last
    return last


def tree_walk(node, depth):
    """Recursive: each level is its own generator (a Python call, not C recursion)."""
    yield (depth, node[0])
    for child in node[1]:
        yield from tree_walk(child, depth + 1)


def guarded_finally(xs, tag):
    """try/finally and except around yields: close() and throw() run them."""
    LOG.append(("start", tag))
    try:
        for x in xs:
            caught = None
            try:
                yield x * 2
            except ValueError as exc:
                LOG.append(("caught", tag, str(exc)))
                caught = exc
            if caught is not None:
                yield -1
    finally:
        LOG.append(("finally", tag))


def yield_in_handler(xs):
    """Refused (a yield inside an except block): still the interpreter's answers."""
    for x in xs:
        try:
            yield 10 / x
        except ZeroDivisionError as exc:
            yield str(exc)


def stop_inside(xs):
    """A StopIteration leaving the body becomes RuntimeError (PEP 479)."""
    it = iter(xs)
    while True:
        yield next(it)


def maybe_unbound(flag, n):
    if flag:
        value = n * 2
    yield 1
    yield value


def math_stream(xs):
    """math errors at the element where the interpreter raises them."""
    for x in xs:
        yield math.sqrt(x) + math.log(x + 1.0)


def char_runs(text):
    """str iteration (characters held as C code points) across yields."""
    run, last = 0, ""
    for ch in text:
        if ch == last:
            run += 1
        else:
            if run:
                yield last * run
            run, last = 1, ch
    if run:
        yield last * run


def solutions(n):
    """nqueens' n_queens: a genexpr inside, a generator of the module as the source."""
    cols = range(n)
    for vec in each_item(list(permutations(cols))):
        if n == len(set(vec[i] + i for i in cols)) == len(set(vec[i] - i for i in cols)):
            yield vec


def permutations(iterable, r=None):
    """pyperformance nqueens' permutations (itertools' recipe)."""
    pool = tuple(iterable)
    n = len(pool)
    if r is None:
        r = n
    indices = list(range(n))
    cycles = list(range(n - r + 1, n + 1))[::-1]
    yield tuple(pool[i] for i in indices[:r])
    while n:
        for i in reversed(range(r)):
            cycles[i] -= 1
            if cycles[i] == 0:
                indices[i:] = indices[i + 1:] + indices[i:i + 1]
                cycles[i] = n - i
            else:
                j = cycles[i]
                indices[i], indices[-j] = indices[-j], indices[i]
                yield tuple(pool[i] for i in indices[:r])
                break
        else:
            return


class Scaler:
    """A generator method reading and writing attributes between yields."""

    def __init__(self, k):
        self.k = k
        self.seen = 0

    def scaled(self, xs):
        for x in xs:
            self.seen += 1
            yield x * self.k


def make_shifted(offset):
    """A generator closure (a free variable the caller may rebind between yields)."""
    def shifted(xs):
        for x in xs:
            yield x + offset
    return shifted
