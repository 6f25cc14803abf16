"""analyzer/raise_free.py: which pure bodies cannot raise while their int arguments are in
[0, FAST_ARG_MAX]. A body it accepts gets a copy without checks (tests/test_direct_calls.py
runs those against the interpreter); here, the proof itself: the bodies it accepts and
refuses, and, for random expressions it accepts, that no intermediate int leaves a C long
long and no divisor is zero for any arguments in range."""
from __future__ import annotations

import ast
import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jitcy.analyzer import raise_free as rf
from jitcy.analyzer.raise_free import FAST_ARG_MAX, raise_free

LL_MIN, LL_MAX = -2**63, 2**63 - 1


def _check(source: str, **types) -> bool:
    node = ast.parse(source).body[0]
    params = [a.arg for a in node.args.args]
    return raise_free(node, params, {p: types.get(p, "int") for p in params})


def test_doctests():
    assert doctest.testmod(rf).failed == 0


@pytest.mark.parametrize("source, types", [
    ("def f(i, j):\n    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)", {}),
    ("def f(a, b, t):\n    return a + (b - a) * t", dict(a="float", b="float", t="float")),
    ("def f(i, j):\n    return (i * i + j) / (i + 1)", {}),
    ("def f(i):\n    k = i + 1\n    k += 2\n    return 1.0 / k", {}),
    ("def f(i, j):\n    return i // 3 + j % 5 - i", {}),
    ("def f(i, x):\n    return -i * 2.5 + x / 4.0", dict(x="float")),
    ("def f(i, j):\n    return 1.0 if i < j else 2.0", {}),
    ("def f(i, j):\n    return not (i < j <= 7)", {}),
    ("def f(i, b):\n    return (i + b) / (b + 1)", dict(b="bool")),
    ("def f(i):\n    '''doc'''\n    return i * 0.5", {}),
])
def test_raise_free_bodies(source, types):
    assert _check(source, **types)


@pytest.mark.parametrize("source, types, why", [
    ("def f(x, y):\n    return x / y", dict(x="float", y="float"), "y may be 0.0"),
    ("def f(i):\n    return 1.0 / i", {}, "i may be 0"),
    ("def f(i, j):\n    return 1.0 / (i - j)", {}, "i - j may be 0"),
    ("def f(i):\n    return i * i * i * 1.0", {}, "2**90 passes a long long"),
    ("def f(i):\n    return i ** 2 * 1.0", {}, "** may raise"),
    ("def f(i):\n    return abs(i) * 1.0", {}, "a call"),
    ("def f(x):\n    return x // 2.0", dict(x="float"), "float // is not covered"),
    ("def f(x):\n    return x % 2.0", dict(x="float"), "float % is not covered"),
    ("def f(i, j):\n    return i // j * 1.0", {}, "a divisor that is not a literal"),
    ("def f(i):\n    return (i << 2) * 1.0", {}, "<< is not covered"),
    ("def f(i):\n    k = 0\n    for t in range(i):\n        k += t\n    return k * 1.0", {},
     "a loop"),
    ("def f(i):\n    if i:\n        return 1.0\n    return 2.0", {}, "an if statement"),
    ("def f(i):\n    k = i\n    k = 0.5\n    return k", {}, "a local that changes kind"),
    ("def f(i):\n    return 1.0 if i else 2", {}, "branches of two kinds"),
    ("def f(s):\n    return len(s) * 1.0", dict(s="str"), "a str parameter"),
    ("def f(i):\n    return i in (1, 2)", {}, "in"),
    ("def f(i):\n    return q * 1.0", {}, "an unknown name"),
    ("def f(i):\n    a, b = i, i\n    return a * 1.0", {}, "unpacking"),
])
def test_bodies_that_may_raise(source, types, why):
    assert not _check(source, **types), why


# -- soundness: random int/float expressions of i and j ---------------------------------
_LEAVES = st.sampled_from(["i", "j", "i", "j", "i", "j", "1", "2", "7", "0", "0.5", "2.0", "-1"])


def _combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.sampled_from(["//", "%"]), st.sampled_from(["2", "3", "7"])).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda e: f"(-{e})"))


EXPRESSIONS = st.one_of(
    st.recursive(_LEAVES, _combine, max_leaves=8),
    # products and sums of the arguments alone: where an overflow hides
    st.recursive(st.sampled_from(["i", "j", "1", "3"]),
                 lambda c: st.tuples(c, st.sampled_from(["+", "-", "*"]), c).map(
                     lambda t: f"({t[0]} {t[1]} {t[2]})"), max_leaves=6).map(
        lambda e: f"1.0 / (({e}) * ({e}) + 1)" if "-" not in e else f"{e} * 0.5"))


class _Unsafe(Exception):
    pass


def _evaluate(node, env):
    """Python's value of ``node``, failing where the unchecked copy could differ: an int
    intermediate outside a C long long, or a zero divisor."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        value = -_evaluate(node.operand, env)
    else:
        a, b = _evaluate(node.left, env), _evaluate(node.right, env)
        if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)) and b == 0:
            raise _Unsafe("zero divisor")
        value = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                 ast.Div: lambda: a / b, ast.FloorDiv: lambda: a // b,
                 ast.Mod: lambda: a % b}[type(node.op)]()
    if type(value) is int and not LL_MIN <= value <= LL_MAX:
        raise _Unsafe("int overflow")
    return value


@settings(max_examples=600, deadline=None)
@given(expr=EXPRESSIONS,
       i=st.integers(0, FAST_ARG_MAX) | st.sampled_from([0, 1, FAST_ARG_MAX]),
       j=st.integers(0, FAST_ARG_MAX) | st.sampled_from([0, 1, FAST_ARG_MAX]))
def test_an_accepted_body_never_overflows_or_divides_by_zero(expr, i, j):
    source = f"def f(i, j):\n    return {expr}"
    if not _check(source):
        return
    node = ast.parse(expr, mode="eval").body
    _evaluate(node, {"i": i, "j": j})          # raises _Unsafe: the proof was wrong


def test_the_soundness_check_can_fail():
    """The evaluator above does catch what a wrong proof would let through."""
    with pytest.raises(_Unsafe):
        _evaluate(ast.parse("i * i * i", mode="eval").body, {"i": FAST_ARG_MAX})
    with pytest.raises(_Unsafe):
        _evaluate(ast.parse("1.0 / (i - j)", mode="eval").body, {"i": 3, "j": 3})
