"""Float blocks: straight runs of float arithmetic on flex locals and list items, checked
once and run on C doubles (translator/float_blocks.py).

Each kernel is compiled, then called with lists holding floats (nan, inf, -0.0, zeros),
ints near and past 2**53 and 2**63, bools, Fractions, strs; with aliased lists (``bi is
bj``), tuples, dicts, list subclasses and short lists. The result *and* the arguments
after the call (the side effects of the statements before one that raises), and the
exception's type and message, must be the interpreter's.
"""
from __future__ import annotations

import copy
import fractions
import math
import types

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import compile_now

pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def pairs(bodies, dt):
    """nbody's shape: two items of a list of lists, aliased when i == j."""
    nb = len(bodies)
    for i in range(nb):
        bi = bodies[i]
        for j in range(i, nb):
            bj = bodies[j]
            dx = bi[0] - bj[0]
            dy = bi[1] - bj[1]
            d2 = dx * dx + dy * dy
            mag = dt / (d2 + 0.25) ** 1.5
            bi[2] -= dx * bj[3] * mag
            bj[2] += dy * bi[3] * mag
            bi[3] *= 1 + mag
    return bodies


def live_after(a, b, xs):
    """Locals the run assigns and the code after it reads; a divisor and a power that
    may leave the run after stores it made."""
    s = a * b
    xs[0] += s
    t = s - xs[1]
    xs[1] = t / a
    u = t ** b
    xs[2] = -u
    return s, t, u, xs


def carried(xs, n):
    """A local carried around a loop: read by the run before the run assigns it."""
    acc = xs[0]
    for k in range(n):
        acc = acc * 0.5 + xs[1]
        xs[2] += acc
        xs[1] /= 3
    return acc, xs


def dead_after(xs):
    """Locals nothing reads after the run: no object made for them."""
    for k in range(3):
        d = xs[0] - xs[1]
        e = d * d
        xs[2] += e - d
    return xs


def in_try(xs, a):
    """The run leaves at the zero divisor, inside a try: the store before it stays done."""
    try:
        xs[0] += a
        y = xs[1] / a
        xs[2] = y * 2.0
    except ZeroDivisionError as exc:
        return "caught", xs, str(exc)
    return y, xs


def in_while(xs, n):
    """A run in a while loop that breaks on what the run stored."""
    k = 0
    while k < n:
        d = xs[0] - xs[1]
        xs[0] = d * 0.5
        xs[1] += d
        if xs[1] > 100.0:
            break
        k += 1
    return k, xs


KERNELS = [pairs, live_after, carried, dead_after, in_try, in_while]

floats = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e308, -1e308, 5e-324, math.inf, -math.inf,
                     math.nan]))
numbers = st.one_of(
    floats, floats, floats,
    st.integers(min_value=-10, max_value=10),
    st.sampled_from([2**53 + 1, -(2**53) - 1, 2**63, 2**70, True, False]),
    st.fractions(min_value=-10, max_value=10, max_denominator=10))
values = st.one_of(numbers, st.sampled_from(["ab", None, [1.0]]))
# a power's operands: bounded (2 ** 2**70 is an int the interpreter computes for hours)
small = st.one_of(floats, st.integers(min_value=-20, max_value=20),
                  st.fractions(min_value=-20, max_value=20, max_denominator=10),
                  st.sampled_from(["ab", None]))


def _copy(func):
    return types.FunctionType(func.__code__, func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)


def _same(a, b):
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (type(a) is type(b) and a.keys() == b.keys()
                and all(_same(a[k], b[k]) for k in a))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) ==
                                                      math.copysign(1, b))
    if isinstance(a, complex):
        return _same(a.real, b.real) and _same(a.imag, b.imag)
    return a == b


def _outcome(func, args):
    try:
        return ("ok", func(*args)), args
    except Exception as exc:  # noqa: BLE001
        return ("raise", type(exc), str(exc)), args


def _agree(compiled, func, *args):
    (got, got_args), (want, want_args) = (_outcome(compiled, copy.deepcopy(args)),
                                          _outcome(func, copy.deepcopy(args)))
    assert got[0] == want[0], (args, got, want)
    if got[0] == "ok":
        assert _same(got[1], want[1]), (args, got, want)
    else:
        assert got[1:] == want[1:], (args, got, want)
    assert _same(list(got_args), list(want_args)), (args, got_args, want_args)


@pytest.fixture
def blocks(jitcy_env):
    warm = {pairs: ([[1.0, 2.0, 3.0, 4.0], [0.5, 0.25, 1.5, 2.5]], 0.01),
            live_after: (1.5, 2.0, [1.0, 2.0, 3.0]),
            carried: ([1.0, 2.0, 3.0], 3),
            dead_after: ([1.0, 2.0, 3.0],),
            in_try: ([1.0, 2.0, 3.0], 0.5),
            in_while: ([1.0, 2.0], 3)}
    made = {}
    for func in KERNELS:
        compiled = _copy(func)
        stats = compile_now(compiled, *copy.deepcopy(warm[func]))
        assert stats["state"] == "swapped", (func.__name__, stats["reason"], stats["failures"])
        made[func] = compiled
    return made


def test_the_runs_compile_to_float_blocks(blocks, capsys):
    import jitcy
    for func in KERNELS:
        jitcy.explain(blocks[func])
        text = capsys.readouterr().out
        assert "__jitcy_bk_list(" in text and "while True:" in text, func.__name__


body = st.lists(numbers, min_size=4, max_size=4)


@SETTINGS
@given(bodies=st.lists(body, min_size=1, max_size=3), dt=numbers)
@example(bodies=[[0.0, 0.0, 1.0, 1.0]], dt=0.01)                 # only bi is bj
@example(bodies=[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]], dt=1e308)
@example(bodies=[[1.0, 2.0, 3.0, 4.0], [1.0, 2, 3.0, 4.0]], dt=0.5)   # an int item
def test_pairs_of_list_items(blocks, bodies, dt):
    _agree(blocks[pairs], pairs, bodies, dt)


def test_pairs_in_other_containers(blocks):
    class Row(list):
        def __getitem__(self, k):
            return list.__getitem__(self, k) * 2

    for bodies in ([(1.0, 2.0, 3.0, 4.0)],                      # tuples: the store raises
                   [{0: 1.0, 1: 2.0, 2: 3.0, 3: 4.0}, {0: 0.5, 1: 1.5, 2: 2.5, 3: 3.5}],
                   [Row([1.0, 2.0, 3.0, 4.0]), Row([0.5, 1.5, 2.5, 3.5])],
                   [[1.0, 2.0, 3.0]],                          # short: IndexError
                   [[1.0, 2.0, "s", 4.0]],
                   [[1.0, 2.0, 3.0, 4.0], None]):
        _agree(blocks[pairs], pairs, bodies, 0.01)


@SETTINGS
@given(a=small, b=small, xs=st.lists(small, min_size=3, max_size=3))
@example(a=0.0, b=2.0, xs=[1.0, 2.0, 3.0])           # the divisor: after two stores
@example(a=-2.0, b=0.5, xs=[1.0, 2.0, 3.0])          # a complex power
@example(a=1e200, b=1e200, xs=[1.0, 2.0, 3.0])       # inf - inf
@example(a=10.0, b=400.0, xs=[1.0, 2.0, 3.0])        # the power overflows
@example(a=-0.0, b=-1.0, xs=[-0.0, 0.0, 3.0])
def test_locals_read_after_the_run(blocks, a, b, xs):
    _agree(blocks[live_after], live_after, a, b, xs)


@SETTINGS
@given(xs=st.lists(values, min_size=3, max_size=3), n=st.integers(min_value=0, max_value=4))
def test_locals_carried_around_a_loop(blocks, xs, n):
    _agree(blocks[carried], carried, xs, n)


@SETTINGS
@given(xs=st.lists(values, min_size=3, max_size=3))
def test_locals_dead_after_the_run(blocks, xs):
    _agree(blocks[dead_after], dead_after, xs)


@pytest.mark.parametrize("args", [([1.0, 2.0, 3.0], 0.0), ([1.0, 2.0, 3.0], -0.0),
                                  ([1.0, 2.0, 3.0], 2.0), ([1, 2, 3], 0), ([1.0, 2.0, 3.0], 0),
                                  ([1.0, 2.0, 3.0], fractions.Fraction(0)), ((1.0, 2.0, 3.0), 2.0)])
def test_a_run_that_leaves_inside_a_try(blocks, args):
    _agree(blocks[in_try], in_try, *args)


@pytest.mark.parametrize("args", [([1.0, 2.0], 10), ([1.0, 50.0], 10), ([1, 2], 5),
                                  ([1.0, math.inf], 3), ([math.nan, 2.0], 4), ([1.0, 2], 4)])
def test_a_run_in_a_while_loop(blocks, args):
    _agree(blocks[in_while], in_while, *args)


def test_an_item_only_the_list_holds_is_written_in_place(blocks):
    """As flex's item store: the float object is rewritten when only the list holds it;
    a float also held elsewhere keeps its value (a new float is stored)."""
    xs = [float(text) for text in ("1.5", "2.5", "3.5")]
    held = xs[1]
    first, third = id(xs[0]), id(xs[2])
    blocks[live_after](2.0, 3.0, xs)
    assert xs == live_after(2.0, 3.0, [1.5, 2.5, 3.5])[3]
    assert id(xs[0]) == first and id(xs[2]) == third     # rewritten in place
    assert held == 2.5 and xs[1] is not held          # xs[1] = ...: the held float kept
