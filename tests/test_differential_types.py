"""Differential tests for type specialization (issue 3): tests/corpus_types.py, interpreted
vs compiled, with the machinery of tests/test_differential.py (same comparisons: exact
types, NaN == NaN, -0.0 != 0.0, exception type + message + args, mutated arguments)."""
from __future__ import annotations

import copy
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import jitcy
from .conftest import TESTS, fresh_pair
from .test_differential import (SETTINGS, Case, Pair, args, assert_compiled_path_used,
                                assert_swapped, big_ints, bools, compare_call,
                                compile_and_swap, floats, int_lists, run, small_ints,
                                texts)

pytestmark = pytest.mark.slow

CORPUS = TESTS / "corpus_types.py"

# (709.0, 709.78...: either side of math_support.SAFE_ARGUMENT's exp test and of exp's
# overflow; -0.0 and 5e-324 at the sqrt and log tests)
MATH_EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1e-300, 5e-324, -5e-324, 709.0,
              math.nextafter(709.0, 0.0), 709.782712893384, 709.7827128933841, 710.0, 1000.0,
              -1000.0, -745.2, 1e308, -1e308, math.pi / 2, math.inf, -math.inf, math.nan]
math_floats = st.sampled_from(MATH_EDGES) | floats
math_ks = st.integers(0, 13)


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield Pair(ref, jit)


class Items:
    """A container with __getitem__/__setitem__ of its own, which logs the keys (the order
    and count of item reads and stores are compared, not only the values)."""

    def __init__(self, values):
        self.values, self.log = list(values), []

    def __getitem__(self, k):
        self.log.append(("get", k))
        return self.values[k]

    def __setitem__(self, k, v):
        self.log.append(("set", k, v))
        self.values[k] = v

    def __eq__(self, other):
        # repr, not ==: two NaNs computed on each side are equal here (== says nan != nan
        # unless both are one object), and 1, 1.0, True and -0.0, 0.0 stay apart.
        return type(other) is Items and repr(self) == repr(other)

    def __repr__(self):
        return f"Items({self.values!r}, log={self.log!r})"


_item_values = st.lists(math_floats | small_ints | bools, max_size=4)
containers = (_item_values | _item_values.map(tuple) | _item_values.map(Items)
              | _item_values.map(lambda v: dict(enumerate(v))))

CASES = [
    # math
    Case("math_one", args(math_ks, math_floats), (0, 2.0),
         examples=tuple((k, x) for k in range(14) for x in (0.0, -1.0, 1000.0, math.nan,
                                                             math.inf, -0.0, 1.0, 709.0,
                                                             709.7827128933841, -math.inf))),
    Case("math_two", args(math_floats, math_floats), (1.0, 2.0),
         examples=((0.0, -0.0), (math.inf, math.inf), (math.nan, 1.0), (-0.0, -1.0),
                   (0.0, -1.0), (-8.0, 1 / 3), (10.0, 400.0), (1e308, 1e308))),
    Case("math_log_base", args(math_floats, math_floats), (8.0, 2.0),
         examples=((1.0, 1.0), (0.0, 2.0), (2.0, 0.0), (-1.0, 2.0))),
    Case("math_of_ints", args(big_ints, st.integers(-800, 800) | big_ints), (4, 1),
         examples=((0, 0), (-1, 0), (4, 710), (2**63 - 1, 1), (2**53 + 1, 0), (10**400, 0))),
    Case("math_floor_ceil", args(math_floats), (2.5,),
         examples=((1e300,), (math.inf,), (math.nan,), (-0.0,), (9.3e18,), (-9.3e18,))),
    Case("math_norms", args(st.integers(-2, 30), math_floats), (5, 1.5),
         examples=((3, math.nan), (3, math.inf), (0, 1.0))),
    Case("math_impure", args(st.lists(math_floats, max_size=4), math_floats), ([1.0], 2.0),
         examples=(([1000.0], 1.0), ([1.0], -1.0), ([], -1.0))),
    Case("math_of_objects", args(big_ints), (4,),
         examples=((0,), (-1,), (10**400,), (2**63,))),
    # parallel assignment
    Case("fib_pair", args(st.integers(-2, 200)), (10,), examples=((92,), (93,), (150,))),
    Case("swap_floats", args(math_floats, math_floats, st.integers(-1, 50)), (1.0, 2.0, 5)),
    Case("mandel_tuple", args(st.floats(-2.5, 1.5), st.floats(-1.5, 1.5),
                              st.integers(-1, 300)), (0.1, 0.2, 50),
         examples=((0.0, 0.0, 100), (2.0, 2.0, 10), (-0.75, 0.1, 300))),
    # C loop counters in functions that are not pure
    Case("counter_index", args(int_lists), ([1, 2, 3],),
         examples=(([],), ([2**63 - 1, 1],), ([-2**63],))),
    Case("counter_arith", args(st.lists(small_ints, max_size=6)), ([1, 2, 3],)),
    Case("step_counters", args(st.lists(bools, max_size=80), big_ints | small_ints),
         ([True, False], 1),
         examples=(([], 2**63 - 1), ([True] * 70, 2**63 - 2), ([False], -2**63), ([True], 0))),
    Case("counter_near_limits", args(big_ints), (1,)),
    Case("range_steps", args(st.lists(small_ints, max_size=6), big_ints | small_ints,
                             big_ints | small_ints, big_ints | st.integers(-4, 4)),
         ([0, 0, 0], 0, 3, 2),
         examples=(([1], 0, 5, 0), ([1, 2], 5, -1, -2), ([], -2**63, 2**63 - 1, 2**62),
                   ([1], 2**63 - 1, -2**63, -2**63), ([1], 0, 10, 2**63), ([1], 2**64, 0, -1),
                   ([1, 2, 3], 2, 2, 1), ([1], -2**63, 2**63 - 1, 1))),
    Case("param_reach", args(st.lists(small_ints, max_size=5),
                             st.integers(-3, 8) | big_ints
                             | st.sampled_from([2**61, 2**61 + 1, -2**61, -2**61 - 1])),
         ([0, 0, 0], 3), examples=(([1], 2**61), ([1], 2**61 + 1), ([1], -2**61 - 1),
                                   ([1, 2], 0), ([1, 2, 3, 4, 5], 5))),
    Case("flex_ints", args(st.lists(st.integers(-2**31, 2**31) | big_ints | bools | floats
                                    | st.sampled_from([2**30 - 1, 2**30, -2**30 + 1, -2**30]),
                                    max_size=4), st.integers(0, 3)),
         ([1, 2.5], 2), examples=(([2**30 - 1, -2**30 + 1, 2**30], 3), ([True, 7], 2),
                                  ([-2**63, 2**63 - 1], 2), ([math.nan, -0.0], 2))),
    Case("flex_items", args(st.lists(containers, min_size=2, max_size=2),
                            st.integers(0, 3)), ([[1.0, 2.0, 3.0], [0.5, 1.5]], 2),
         examples=(([[1.0, 2.0, 3.0], (0.5, 1.5)], 2), ([[1, 2, 3], [4, 5]], 1),
                   ([Items([1.0, 2.0, 3.0]), Items([0.5, 1.5])], 2),
                   ([(1.0, 2.0, 3.0), [0.5]], 1), ([{0: 1.0, 1: 2.0, 2: 0.0}, [1.0]], 1),
                   ([[1.0, 2.0], [1.0]], 1), ([[1.0, 2.0, 3.0], []], 1),
                   ([[1.0, math.nan, 3.0], [math.inf, -0.0]], 2),
                   ([Items([0.0, 0.0]), [0.0, 0.0, math.nan]], 3))),   # stores a new NaN
    Case("pow2_div_mod", args(big_ints | small_ints | st.integers(-5000, 5000),
                              big_ints | small_ints | st.integers(-5000, 5000)), (5, 3),
         examples=((-1, -1), (-7, 5), (-1025, 3), (2**63 - 1, -2**63), (-2**63, 2**63 - 1),
                   (2**63 - 8, 0), (-2**62 - 1, 2**62))),
    Case("block_rows", args(st.lists(containers, min_size=2, max_size=2), math_floats),
         ([[1.0, 2.0, 3.0], [0.5, 1.5]], 0.01),
         examples=(([[1.0, 2.0, 3.0, 4.0], [0.5, 1.5]], 0.5), ([[1.0, 2.0, 3.0], (0.5, 1.5)], 1.0),
                   ([[1.0, 2.0, 3.0], [0.5, 1]], 1.0), ([[1.0, 2.0, 3.0], [0.5]], 1.0),
                   ([[0.5, 2.0, 3.0], [0.5, 0.5]], 1.0),
                   (lambda row: ([row, row], 2.0))([1.0, 2.0, 3.0]),      # b is a
                   ([Items([1.0, 2.0, 3.0]), [0.5, 1.5]], 2.0), ([[1.0, 2.0, 3.0], [1e308, 0.0]], math.inf),
                   ([{0: 1.0, 1: 2.0, 2: 0.0}, [1.0, 2.0]], 1.0),
                   ([[math.nan, -0.0, 3.0], [math.inf, -0.0]], 2.0))),
    Case("sieve_facts", args(st.integers(-3, 400) | st.sampled_from([2**62, 2**63, -2**63])),
         (30,), examples=((0,), (2,), (5,), (101,))),
    Case("counter_nested", args(st.lists(st.lists(big_ints, min_size=5, max_size=6),
                                         max_size=6)), ([[1] * 5] * 5,)),
    Case("enumerate_sum", args(int_lists, small_ints), ([1, 2, 3], 2),
         examples=(([], 0), ([2**63, -1], -1))),
    Case("enumerate_str", args(st.text(max_size=6)), ("abc",)),
    Case("counter_index_errors", args(st.lists(small_ints, max_size=4), st.integers(-3, 3)),
         ([1, 2], 0), examples=(([1, 2], 1), ([], 1), ([1], -3))),
    Case("counter_after_loop", args(int_lists), ([1, 2],), examples=(([],),)),
    Case("counter_shadowed_arg", args(big_ints, st.lists(small_ints, max_size=4)),
         (2**70, [1, 2]), examples=((2**70, []), (-1, [5]))),
    Case("param_bound", args(st.lists(small_ints, max_size=5), big_ints, big_ints),
         ([1, 2], 3, 2), examples=(([1], 2**64, 3), ([1, 2], -2**63, 1), ([1], 2**63 - 1, 2**70))),
    Case("param_index", args(st.lists(small_ints, max_size=5), big_ints | small_ints,
                             big_ints | small_ints), ([1, 2, 3], 0, 2),
         examples=(([1, 2], 2**63, 0), ([1, 2], -1, -2), ([1], 0, 2**64), ([1, 2], -3, 1))),
    Case("bounded_locals", args(int_lists), ([1, 2, 3],), examples=(([],), ([2**63] * 3,))),
    Case("char_classes", args(st.text(max_size=20) | texts), ("a1 x",),
         examples=(("",), ("\U0001f600 9aé",))),
    Case("char_compares", args(st.text(max_size=10) | texts, big_ints), ("abx", 1),
         examples=(("\U0001f600\U0001f601éa", 2**62), ("xxé", 2**63 - 1))),
    Case("char_escapes", args(texts), ("abc",)),
    Case("counter_float_mix", args(st.lists(math_floats, max_size=4), math_floats, big_ints),
         ([1.0, 2.0], 0.5, 3), examples=(([1.0], 0.0, 1), ([1.0], -0.0, 2**53 + 1),
                                         ([2.0], 3.0, 2**63 - 1), ([1.0], 1.0, 2**63 + 1))),
    Case("pure_with_default", args(big_ints, big_ints), (2, 3),
         examples=((2**62, 4), (-2**63, 1))),
    Case("float_pows", args(st.integers(0, 6), math_floats, math_floats,
                            st.integers(-1100, 1100) | big_ints), (0, 2.0, 3.0, 2),
         examples=tuple((k, x, y, n) for k in range(7)
                        for x, y, n in ((0.0, 0.0, -1), (-0.0, -0.0, 3), (-2.0, 1.0, 1025),
                                        (1e200, 1e200, 2), (-1.0, math.nan, 2**63),
                                        (math.inf, -math.inf, -2), (-8.0, 3.0, 2**70),
                                        (1e-300, 0.0, 2), (-1e-160, 1.0, -3)))
         # x ** -1.0: libm's pow at run time, as CPython (GCC would divide: 1 ulp off)
         + ((3, -4.649506425497111, 0.0, 0),)),
    Case("pow_impure", args(st.lists(small_ints, max_size=2), math_floats, big_ints),
         ([], 2.0, 3), examples=(([], 0.0, -1), ([], -2.0, 2**70), ([], 10.0, 400))),
    Case("str_methods_typed", args(texts | st.text(alphabet="abcA1 ,", max_size=20),
                                   big_ints | small_ints), ("a,b1,c 2", 3),
         examples=(("", 0), ("12,ab,cA", -1), (",,", 2**70))),
    Case("spec_stats", args(st.lists(math_floats, max_size=6)
                            | st.lists(math_floats | big_ints | bools, max_size=4)),
         ([1.0, 2.0],), examples=(([],), ([1.0, 2],), ([True, 1.5],), ([math.nan, 1.0],))),
    Case("spec_index", args(st.lists(math_floats | small_ints, max_size=4),
                            st.lists(math_floats, max_size=4).map(tuple), small_ints),
         ([1.0, 2.0], (3.0, 4.0), 1), examples=(([], (), 0), ([1.0], (2.0,), 5),
                                               ([1], (2.0,), 0), ([1.0, 2.0], (1.0,), 2**70))),
    Case("spec_enumerate_dot", args(st.lists(math_floats | small_ints | big_ints | bools
                                             | st.sampled_from([2**53, -2**53, 2**53 + 1]),
                                             max_size=5), math_floats),
         ([1.0, 2.0], 0.5), examples=(([], 1.0), ([1, 2], 0.5), ([2**53, 1.5], 1.0),
                                      ([2**53 + 1], 1.0), ([True, 1.5], 2.0),
                                      ([-0.0], -0.0), ([3], math.inf), ([1e308, 1e308], 2.0))),
    Case("spec_walk_control", args(st.lists(math_floats | small_ints, max_size=6),
                                   st.lists(math_floats | small_ints, max_size=4).map(tuple),
                                   math_floats), ([1.0, -2.0, 3.0], (1.0, 2.0), 10.0),
         examples=(([], (), 0.0), ([1.0, 2], (1.0, 5), 2.5), ([-1.0], (3.0,), 1.0),
                   ([math.nan, 1.0], (math.nan,), 1.0), ([5.0, 6.0], (), 4.0))),
    Case("spec_strict_reads", args(st.lists(math_floats | small_ints | bools, max_size=5),
                                   math_floats), ([1.0, 2.0], 0.5),
         examples=(([], 1.0), ([3], 1.0), ([1.0, 2], 1.0), ([300.0, 1.0], 1.0),
                   ([math.nan], 1.0), ([-0.0], 1.0))),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_corpus_function(pair, case):
    f_ref, f_jit = getattr(pair.ref, case.name), getattr(pair.jit, case.name)
    stats = compile_and_swap(f_jit, case.sample)
    for _ in range(2):
        run(f_ref, copy.deepcopy(case.sample))
    assert_swapped(stats)
    before = jitcy.stats(f_jit)

    @SETTINGS
    @given(case.inputs)
    def check(call_args):
        compare_call(pair, f_ref, f_jit, call_args)

    for ex in case.examples:
        check = example(ex)(check)
    check()
    assert_compiled_path_used(jitcy.stats(f_jit), before)


def test_math_rebound_is_seen(pair):
    """``math`` and ``sqrt`` stay live globals: rebinding them after the swap is seen, by
    a pure body (entry check) and by a body that runs user code (check at each use)."""
    for name, sample in (("math_one", (0, 4.0)), ("math_impure", ([1.0], 4.0))):
        assert_swapped(compile_and_swap(getattr(pair.jit, name), sample))

    class FakeMath:
        pi = math.pi
        e = math.e
        tau = math.tau

        @staticmethod
        def sqrt(x):
            return -1.0

        @staticmethod
        def exp(x):
            return 2.0

    for module in (pair.ref, pair.jit):
        module.math = FakeMath
        module.sqrt = lambda x: -2.0
    for call_args in ((0, 4.0), (13, 4.0)):
        compare_call(pair, pair.ref.math_one, pair.jit.math_one, call_args)
    compare_call(pair, pair.ref.math_impure, pair.jit.math_impure, ([1.0, 2.0], 4.0))
    assert pair.jit.math_one(0, 4.0) == -1.0 and pair.jit.math_one(13, 4.0) == -2.0
    for module in (pair.ref, pair.jit):
        module.math = math
        module.sqrt = math.sqrt
    assert pair.jit.math_one(0, 4.0) == 2.0


def test_speculated_floats_leave_for_subclasses_and_ints(pair):
    """A float subclass (its own __add__) or an int too large for an exact double in the
    list: the compiled body leaves at the first such element and the call is re-run by the
    original code. (Its elements are read only as float operands: a smaller int passes,
    converted exactly, with the same results.)"""
    f_ref, f_jit = pair.ref.spec_stats, pair.jit.spec_stats
    assert_swapped(compile_and_swap(f_jit, ([1.0, 2.0],)))
    for xs in ([pair.ref.MyFloat(1.5), 2.0], [1.0, 2**70], [2.0, 3]):
        jit_xs = [pair.jit.MyFloat(x) if type(x).__name__ == "MyFloat" else x for x in xs]
        pair.assert_same_outcome(run(f_ref, (xs,)), run(f_jit, (jit_xs,)), repr(xs))


def test_augmented_assignment_of_an_object_is_not_pure(pair):
    """``s += o`` runs ``o.__radd__``; a C-int body re-run on overflow would run it twice."""
    f_ref, f_jit = pair.ref.augassign_object_then_overflow, pair.jit.augassign_object_then_overflow
    assert_swapped(compile_and_swap(f_jit, (pair.jit.Added(), 3)))
    for n in (3, 2**62, 2**64):
        o_ref, o_jit = pair.ref.Added(), pair.jit.Added()
        pair.assert_same_outcome(run(f_ref, (o_ref, n)), run(f_jit, (o_jit, n)), str(n))
        assert o_ref.calls == o_jit.calls == 1, (n, o_ref.calls, o_jit.calls)
