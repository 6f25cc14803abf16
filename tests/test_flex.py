"""Floats held unboxed in locals of unknown type (translator/rewrite_flex.py, flex_support.py).

Functions compiled for arguments of unknown type (a Fraction at the first call: the
parameters stay objects, and every later call runs the same compiled code) are called with
floats, ints near and past 2**53 and 2**63, bools, nan/inf/-0.0, Fractions, Decimals, strs,
lists, None and a class with its own operators. Results (value and type, nan-aware) and
exceptions (type and message) must be the interpreter's.
"""
from __future__ import annotations

import decimal
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


class Meters:
    """Its own operators, both sides; comparisons return non-bools."""

    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Meters(self.v + getattr(other, "v", other))

    __radd__ = __add__

    def __sub__(self, other):
        return ("sub", self.v)

    def __rsub__(self, other):
        return ("rsub", self.v)

    def __mul__(self, other):
        return "mul"

    def __rtruediv__(self, other):
        return "rdiv"

    def __lt__(self, other):
        return "lt"

    def __neg__(self):
        return "neg"

    def __eq__(self, other):
        return isinstance(other, Meters) and other.v == self.v

    def __repr__(self):
        return f"Meters({self.v})"


def arith(a, b):
    s = a + b
    d = a - b
    m = a * b
    q = a / b
    t = s * d - m
    return s, d, m, q, t


def compare(a, b):
    return a < b, a <= b, a > b, a >= b, a == b, a != b, -a


def with_constants(a):
    x = a * 2
    y = 2 - a
    z = a / 2
    w = a * 0.5 + 1.5
    return x, y, z, w, a < 3, a == 2, a > 2**60, a + True


def accumulate(xs):
    total = 0
    for x in xs:
        total += x * x
    total -= 1
    return total


def in_place(a, b):
    c = a
    a += b
    a *= 2
    return a, c


def powers(a, b):
    c = a ** b
    d = a ** 2
    e = 2 ** a
    f = a * a ** -1.5
    g = (a * a) ** 0.5
    c **= 2
    return c, d, e, f, g


def item_update(xs, y):
    xs[0] -= y
    xs[1] *= y + 1
    i = 2
    xs[i] /= 2
    return xs


FUNCTIONS = [arith, compare, with_constants, accumulate, in_place, powers, item_update]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e308, 5e-324, math.inf, -math.inf, math.nan]),
    st.integers(min_value=-10, max_value=10),
    st.sampled_from([0, 2**53 + 1, -(2**53) - 1, 2**63, -(2**63) - 1, 2**70, True, False]),
    # the edges of the small-int paths (one 30-bit digit on 3.11)
    st.sampled_from([2**30 - 1, 2**30, -(2**30) + 1, -(2**30), 2**29 + 3]),
    st.fractions(max_denominator=10),
    st.sampled_from([decimal.Decimal("1.5"), decimal.Decimal("-0"), decimal.Decimal("NaN")]),
)
others = st.sampled_from(["ab", "", [1, 2], [], None, (1,), Meters(2), Meters(0.5)])
values = st.one_of(numbers, numbers, others)


def _copy(func):
    return types.FunctionType(func.__code__, func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)


def _same(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) ==
                                                      math.copysign(1, b))
    if isinstance(a, complex):      # nan+nanj != nan+nanj: compare the parts as floats
        return _same(a.real, b.real) and _same(a.imag, b.imag)
    if isinstance(a, decimal.Decimal) and a.is_nan():
        return b.is_nan()
    return a == b


def _outcome(func, *args):
    try:
        return "ok", func(*args)
    except Exception as exc:  # noqa: BLE001
        return "raise", type(exc), str(exc)


def _agree(compiled, func, *args):
    import copy
    got = _outcome(compiled, *copy.deepcopy(args))
    want = _outcome(func, *copy.deepcopy(args))
    assert got[0] == want[0], (args, got, want)
    if got[0] == "ok":
        assert _same(got[1], want[1]), (args, got, want)
    else:
        assert got[1:] == want[1:], (args, got, want)


@pytest.fixture
def flex(jitcy_env):
    made = {}
    for func in FUNCTIONS:
        copy = _copy(func)
        warm = (fractions.Fraction(1, 3),) * (1 if func in (with_constants,) else 2)
        if func is accumulate:
            warm = ([fractions.Fraction(1, 3)],)
        if func is item_update:
            warm = ([fractions.Fraction(1, 3)] * 3, fractions.Fraction(1, 3))
        st_ = compile_now(copy, *warm)
        assert st_["state"] == "swapped", (func.__name__, st_["reason"], st_["failures"])
        made[func] = copy
    return made


@SETTINGS
@given(a=values, b=values)
def test_binary_operations_and_comparisons(flex, a, b):
    for func in (arith, compare, in_place):
        _agree(flex[func], func, a, b)


small = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6) | st.sampled_from([math.nan, math.inf, -math.inf,
                                                               -0.0, 0.0, 1.0, -1.0]),
    # bounded: 2 ** Fraction(10**20) is an exact int the interpreter would compute for hours
    st.integers(min_value=-20, max_value=20),
    st.fractions(min_value=-20, max_value=20, max_denominator=10),
    st.sampled_from(["ab", None, Meters(2)]))


@SETTINGS
@given(a=small, b=small)
@example(a=-3, b=fractions.Fraction(675, 2))   # a complex nan+nanj result
def test_powers(flex, a, b):
    _agree(flex[powers], powers, a, b)


@SETTINGS
@given(xs=st.lists(values, min_size=3, max_size=3), y=values)
def test_item_updates(flex, xs, y):
    _agree(flex[item_update], item_update, xs, y)
    _agree(flex[item_update], item_update, tuple(xs), y)


@SETTINGS
@given(a=values)
def test_operations_with_constants(flex, a):
    _agree(flex[with_constants], with_constants, a)


@SETTINGS
@given(xs=st.lists(numbers, max_size=6))
def test_accumulators_start_as_ints_and_become_floats(flex, xs):
    _agree(flex[accumulate], accumulate, xs)


def test_a_float_item_only_the_list_holds_is_updated_in_place(flex):
    """xs[k] op= y of a float item: the float object itself is rewritten when nothing but
    the list holds it (its id stays); one held elsewhere keeps its value (a new float is
    stored), as the interpreter's store would leave it."""
    xs = [float(text) for text in ("1.5", "2.5", "3.0")]    # not constants: only xs holds them
    held = xs[1]
    first, third = id(xs[0]), id(xs[2])
    got = flex[item_update](xs, 2.0)
    assert got is xs and xs == [-0.5, 7.5, 1.5]
    assert id(xs[0]) == first and id(xs[2]) == third       # rewritten in place
    assert held == 2.5 and xs[1] is not held                  # the held float untouched
    _agree(flex[item_update], item_update, [1.5, held, 3.0], 2.0)


def test_in_place_operators_keep_aliases(flex):
    a, b = [1], [2]
    got = flex[in_place](a, b)
    assert got == ([1, 2, 1, 2], [1, 2, 1, 2]) and got[0] is got[1] is a


def test_flex_locals_are_declared_in_the_generated_code(flex, capsys):
    import jitcy
    jitcy.explain(flex[arith])
    text = capsys.readouterr().out
    assert "cdef double __jitcy_fd_s" in text and "__jitcy_fx_add_FF" in text


import math as _math
from math import exp as _exp


class HasFloat:
    def __float__(self):
        return 2.25


class HasIndex:
    def __index__(self):
        return 9


def math_of_objects(a):
    return _math.sqrt(a), _exp(a) if a != 0 else 0, _math.atan2(a, 1.0), _math.isnan(a)


@SETTINGS
@given(a=st.one_of(numbers, st.sampled_from(["s", None, HasFloat(), HasIndex(), -1, -2.5,
                                              10**400, 1000.0])))
def test_math_functions_convert_any_argument_as_math_does(jitcy_env, a):
    f = _copy(math_of_objects)
    compile_now(f, fractions.Fraction(1, 4))
    _agree(f, math_of_objects, a)
