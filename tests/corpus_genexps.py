"""Generator expressions passed to calls that take every item at once (translator/
rewrite_genexps.py turns the hoistable ones into comprehensions). Each function is run
interpreted and compiled by tests/test_genexps.py; LOG records the order of effects."""

LOG = []


def note(what, value):
    LOG.append(what)
    return value


class StopsInIter:
    """``iter()`` of it raises StopIteration: outside the generator, so it stays one."""
    def __iter__(self):
        LOG.append("iter")
        raise StopIteration("from __iter__")


class Items:
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        LOG.append("iter")
        return iter(self.items)


def stop_at_3(x):
    if x == 3:
        raise StopIteration("stop at 3")
    return x * 2


def as_tuple(xs):
    return tuple(stop_at_3(x) for x in xs)


def as_list_caught(xs):
    try:
        result = list(stop_at_3(x) for x in xs)
    except StopIteration as exc:
        return ("stop", str(exc))
    except RuntimeError as exc:
        return ("runtime", str(exc), type(exc.__cause__).__name__, str(exc.__cause__),
                exc.__suppress_context__)
    return result


def first_iterable(obj):
    try:
        return set(x for x in obj)
    except StopIteration as exc:
        return ("stop", str(exc))
    except RuntimeError as exc:
        return ("runtime", str(exc))


def kinds(xs, n, sep):
    a = set(x % 3 for x in xs)
    b = sorted((x for x in xs if x > 1), reverse=True)
    c = sep.join(str(x) for x in xs)
    d = ",".join(str(x) for x in xs)
    e = frozenset(i * i for i in range(n))
    f = list(y for x in xs for y in range(x) if y % 2)
    g = tuple(x / 2 for x in xs)
    h = set(i % 4 for i in range(n))
    return a, b, c, d, e, f, g, h


def in_tests(vec, n):
    """nqueens' test: the first set is hoisted, the second runs only if the first
    comparison holds (it stays a generator)."""
    if n == len(set(vec[i] + i for i in range(n))) == len(set(vec[i] - i for i in range(n))):
        return "yes"
    total = 0
    for v in sorted(x * 2 for x in vec):
        total += v
    return total + len(tuple(x for x in vec))


def effects_order(items):
    # the argument's effects, then the generator's items, then the rest of the statement
    return note("left", 1) + len(tuple(note(x, x) for x in note("iterable", items)))


def first_effect(items):
    x = len(tuple(note(("item", v), v) for v in Items(items)))
    return x, note("after", 0)


def yields(xs):
    yield tuple(x + 1 for x in xs)
    yield list(stop_at_3(x) for x in xs)


class HashStops:
    """Hashing it raises StopIteration: set() hashes outside the generator (it stays one)."""
    def __init__(self, x):
        self.x = x

    def __hash__(self):
        raise StopIteration("from __hash__")


def key_stops(x):
    if x == 2:
        raise StopIteration("from the key")
    return -x


def outside_effects(xs, make):
    out = []
    for step in ("sorted", "set"):
        try:
            if step == "sorted":
                out.append(sorted((x for x in xs), key=key_stops))
            else:
                s = set(make(x) for x in xs)
                out.append(len(s))
        except StopIteration as exc:
            out.append(("stop", str(exc)))
        except RuntimeError as exc:
            out.append(("runtime", str(exc)))
    return out
