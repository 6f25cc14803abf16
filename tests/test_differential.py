"""Differential tests: every function of tests/corpus.py, interpreted vs compiled.

The corpus is loaded twice (``load_fresh_module``): the reference copy stays interpreted,
the other copy's functions are compiled with ``jitcy.hot(threshold=1)`` under
``JITCY_SYNC=1``/``JITCY_STRICT=1`` on the session cache. Hypothesis draws the inputs; for
each input both copies run on their own deep copy of the arguments, and the test compares
the result (exact type, NaN == NaN, -0.0 != 0.0), the exception (type, message, args,
cause), the arguments afterwards (mutation) and the module state afterwards (globals).

In the table-driven tests inputs keep one Python type per parameter, so every call after
the first runs the compiled specialization, and each checks that no call fell back to the
interpreter; test_several_argument_types mixes types on purpose.
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import jitcy
from .conftest import TESTS, compile_now, fresh_pair, load_fresh_module

pytestmark = pytest.mark.slow

CORPUS = TESTS / "corpus.py"
_copies = itertools.count()

SETTINGS = settings(max_examples=30, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


# -- strategies -----------------------------------------------------------------------------
EDGE_INTS = [0, 1, -1, 2, -2, 2**31, 2**53, 2**53 + 1, -2**53 - 1, 2**62, 2**63 - 1, 2**63,
             -2**63, -2**63 - 1, 2**64, -2**64, 3037000499, 3037000500, 10**30, -10**30]
big_ints = st.one_of(st.integers(), st.sampled_from(EDGE_INTS),
                     st.integers(-2**64, 2**64), st.integers(2**63 - 64, 2**63 + 64),
                     st.integers(-2**63 - 64, -2**63 + 64))
small_ints = st.integers(-60, 60)
loop_counts = st.integers(-3, 120)
EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, math.nan, -math.nan, math.inf, -math.inf, 2.0**53,
               2.0**53 + 2, -2.0**53, 2.0**63, -2.0**63, 1e308, 5e-324, 0.5, -0.5, 3.0, -3.0]
floats = st.one_of(st.floats(), st.sampled_from(EDGE_FLOATS),
                   st.floats(-10, 10), st.integers(-2**60, 2**60).map(float))
near_2_53_ints = st.integers(2**53 - 4, 2**53 + 4) | st.integers(-2**53 - 4, -2**53 + 4) \
    | st.sampled_from([2**63 - 1, -2**63, 2**63, 0, 1, -1])
near_2_53_floats = st.sampled_from([2.0**53, 2.0**53 + 2, 2.0**53 - 1, -2.0**53, -2.0**53 - 2,
                                    2.0**63, -2.0**63, math.nan, math.inf, -math.inf, 0.0,
                                    -0.0, 0.5, 1.0]) | floats
bools = st.booleans()
texts = st.text(alphabet="abc ,x-1", max_size=12) | st.text(max_size=8)
NUMERIC_STRINGS = ["12", " 12 ", "-0", "1_000", "0x1f", "1e400", "-inf", "nan", "Infinity",
                   "1.5", "abc", "", "\u0661\u0662", "12\u00a0", "+7", "1__0", "0.1e-3",
                   "99999999999999999999999", "-9223372036854775809", "1e", ".5", "5."]
numeric_strings = st.sampled_from(NUMERIC_STRINGS) | st.text(alphabet="0123456789.-+e_ ",
                                                             max_size=8)
int_lists = st.lists(big_ints, max_size=8)
small_int_lists = st.lists(small_ints, max_size=8)


def args(*strategies):
    return st.tuples(*strategies)


# -- comparing outcomes ---------------------------------------------------------------------
@dataclasses.dataclass
class Pair:
    ref: object     # the interpreted module
    jit: object     # the compiled module

    def same_type(self, ta, tb) -> bool:
        if ta is tb:
            return True
        # A class defined in the corpus: each copy has its own; match them by name.
        return (ta.__module__ == self.ref.__name__ and tb.__module__ == self.jit.__name__
                and ta.__qualname__ == tb.__qualname__)

    def same(self, a, b) -> bool:
        if not self.same_type(type(a), type(b)):
            return False
        if isinstance(a, float):
            if math.isnan(a) or math.isnan(b):
                return math.isnan(a) and math.isnan(b)
            return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
        if isinstance(a, complex):
            return self.same(a.real, b.real) and self.same(a.imag, b.imag)
        if isinstance(a, (list, tuple)):
            return len(a) == len(b) and all(self.same(x, y) for x, y in zip(a, b))
        if isinstance(a, dict):
            return (self.same(list(a), list(b))
                    and all(self.same(a[k], b[k]) for k in a))
        if isinstance(a, BaseException):
            return str(a) == str(b) and self.same(a.args, b.args)
        if hasattr(a, "__dict__") and type(a).__module__ == self.ref.__name__:
            return self.same(vars(a), vars(b))
        return a == b

    def assert_same_outcome(self, ref, jit, what=""):
        (r_kind, r_val), (j_kind, j_val) = ref, jit
        if r_kind != j_kind:
            raise AssertionError(f"{what}: interpreted {r_kind} {r_val!r}, "
                                 f"compiled {j_kind} {j_val!r}")
        if r_kind == "ok":
            assert self.same(r_val, j_val), f"{what}: interpreted {r_val!r}, compiled {j_val!r}"
            return
        assert self.same_type(type(r_val), type(j_val)), \
            f"{what}: interpreted raised {r_val!r}, compiled raised {j_val!r}"
        assert str(r_val) == str(j_val), \
            f"{what}: messages differ: {str(r_val)!r} vs {str(j_val)!r}"
        assert self.same(r_val.args, j_val.args), f"{what}: args {r_val.args} vs {j_val.args}"
        assert r_val.__suppress_context__ == j_val.__suppress_context__, \
            f"{what}: __suppress_context__ differs"
        for link in ("__cause__", "__context__"):
            r_link, j_link = getattr(r_val, link), getattr(j_val, link)
            assert (r_link is None) == (j_link is None), f"{what}: {link} differs"
            if r_link is not None:
                assert self.same_type(type(r_link), type(j_link)), f"{what}: {link} type"
                assert str(r_link) == str(j_link), f"{what}: {link} message"


def run(func, call_args, call_kwargs=None):
    try:
        return "ok", func(*call_args, **(call_kwargs or {}))
    except Exception as exc:  # noqa: BLE001  (any exception is an outcome to compare)
        return "raise", exc


def compare_call(pair, f_ref, f_jit, call_args, call_kwargs=None, *, state=(), what=""):
    """Run both on deep copies of the arguments (after resetting ``state``, a dict of module
    globals); compare outcome, arguments afterwards and those globals afterwards."""
    outcomes, after = [], []
    for module, func in ((pair.ref, f_ref), (pair.jit, f_jit)):
        for name, value in dict(state).items():
            setattr(module, name, copy.deepcopy(value))
        a, kw = copy.deepcopy(tuple(call_args)), copy.deepcopy(call_kwargs or {})
        outcomes.append(run(func, a, kw))
        after.append((a, kw, {name: getattr(module, name) for name in dict(state)}))
    what = what or f"{getattr(f_ref, '__qualname__', f_ref)}{tuple(call_args)!r}"
    pair.assert_same_outcome(*outcomes, what=what)
    assert pair.same(after[0][:2], after[1][:2]), f"{what}: arguments after the call differ"
    assert pair.same(after[0][2], after[1][2]), f"{what}: module globals after the call differ"


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield Pair(ref, jit)


def compile_and_swap(func, sample, kwargs=None):
    """Compile for the types of ``sample`` (``compile_now``: threshold=1, the build happens
    in the first call); one more call swaps the compiled code in. The sample may raise."""
    try:
        compile_now(func, *copy.deepcopy(sample), **copy.deepcopy(kwargs or {}))
    except Exception:  # noqa: BLE001  (an input that raises still compiles the function)
        pass
    run(func, copy.deepcopy(sample), copy.deepcopy(kwargs or {}))
    return jitcy.stats(func)


def assert_swapped(stats):
    assert stats["state"] == "swapped", (stats["state"], stats["reason"], stats["failures"])


def assert_compiled_path_used(stats, before):
    """Every call after the swap ran the compiled code: no guard miss, no fallback."""
    assert stats["fallbacks"] == before["fallbacks"], stats
    assert stats["guard_misses"] == before["guard_misses"], stats


# -- the table: one corpus function, its input strategy, a sample for the compile ---------
@dataclasses.dataclass
class Case:
    name: str
    inputs: object                  # strategy of argument tuples
    sample: tuple                   # arguments of the compiling call (fixes the types)
    refused: bool = False           # jitcy must refuse it (and stay correct)
    examples: tuple = ()            # inputs always tried

    def __str__(self):
        return self.name


CASES = [
    # ints
    Case("int_ops", args(big_ints, big_ints, big_ints), (1, 2, 3)),
    Case("int_poly", args(big_ints, big_ints), (1, 2),
         examples=((3037000500, 0), (-2**63, 1), (2**62, -2**62))),
    Case("floor_div", args(big_ints, big_ints | small_ints), (7, -2),
         examples=((-2**63, -1), (-7, 2), (7, 0), (2**63, 1))),
    Case("mod_op", args(big_ints, big_ints | small_ints), (7, -2),
         examples=((-2**63, -1), (-7, 2), (7, 0), (5, -3))),
    Case("floor_mod_pair", args(big_ints, big_ints | small_ints), (7, -2),
         examples=((-2**63, -1), (-7, 0))),
    Case("int_truediv", args(big_ints, big_ints | small_ints), (7, 2),
         examples=((1, 0), (2**63 - 1, 1), (10**400, 1), (2**53 + 1, 1))),
    Case("abs_min_max", args(big_ints, big_ints, big_ints), (1, 2, 3),
         examples=((-2**63, 0, 0), (2**63 - 1, -2**63, 0))),
    Case("negate", args(big_ints), (5,), examples=((-2**63,), (2**63,))),
    Case("shift", args(big_ints, st.integers(-2, 70)), (5, 3),
         examples=((1, 63), (-1, 64), (3, -1))),
    Case("int_pow", args(big_ints, st.integers(-3, 12)), (3, 2),
         examples=((0, -1), (2, 63), (-2, 63))),
    Case("accumulate", args(loop_counts, big_ints), (5, 7),
         examples=((100, 2**60), (3, -2**62))),
    Case("fib_iter", args(st.integers(-2, 200)), (10,), examples=((92,), (93,), (150,))),
    Case("factorial", args(st.integers(-2, 40)), (5,), examples=((20,), (21,), (30,))),
    Case("range_step", args(small_ints, small_ints, st.integers(-5, 5)), (0, 10, 2),
         examples=((0, 10, 0), (10, 0, -3))),
    Case("range_step2", args(big_ints, big_ints).filter(lambda ab: -50 < ab[1] - ab[0] < 200),
         (0, 10), examples=((2**63 - 4, 2**63 - 1), (-2**63, -2**63 + 5),
                            (2**63 - 3, 2**63 + 3))),
    Case("loop_var_after", args(loop_counts), (5,), examples=((0,), (-1,))),
    Case("int_aug", args(big_ints, big_ints | small_ints), (7, 3),
         examples=((-2**63, -1), (5, 0), (-7, 2), (2**63 - 1, -1))),
    Case("pure_mixed", args(big_ints, floats, bools), (3, 2.5, True),
         examples=((-2**63, 0.0, True), (2**62, 2.0**63, False), (0, math.nan, False))),
    Case("rec_accumulate", args(st.integers(-1, 60), big_ints), (5, 0),
         examples=((60, 2**62), (3, -2**63))),
    Case("int_const_ops", args(big_ints), (5,),
         examples=((2**53 + 1,), (-2**53 - 1,), (3 * 2**60 + 1,), (2**1100,), (-(2**63),))),
    Case("loop_var_kept", args(st.integers(-5, 40), big_ints), (5, 2)),
    # int / float mixes
    Case("int_float_mix", args(big_ints, floats), (3, 1.5),
         examples=((2**53 + 1, 1.0), (2**1100, 1.0), (0, -0.0))),
    Case("mixed_min", args(near_2_53_ints, near_2_53_floats), (1, 2.0),
         examples=((1, 2.0), (2**53 + 1, 2.0**53), (3, 3.0), (0, -0.0))),
    Case("mixed_max", args(near_2_53_ints, near_2_53_floats), (1, 2.0),
         examples=((1, 0.5), (2**53 + 1, 2.0**53), (3, 3.0), (0, -0.0))),
    Case("cmp_int_float", args(near_2_53_ints, near_2_53_floats), (1, 2.0),
         examples=((2**53 + 1, 2.0**53), (2**63 - 1, 2.0**63))),
    Case("cmp_int_float_all", args(near_2_53_ints, near_2_53_floats), (1, 2.0),
         examples=((2**53 + 1, 2.0**53), (2**63 - 1, 2.0**63))),
    Case("int_then_float", args(big_ints), (4,)),
    Case("annotated", args(big_ints), (4,), examples=((2**53 + 1,), (10**400,))),
    # floats
    Case("float_arith", args(floats, floats), (1.0, 2.0),
         examples=((1.0, 0.0), (0.0, -0.0), (-0.0, 0.0), (math.nan, 1.0), (1.0, math.nan))),
    Case("literal_divisors", args(floats, big_ints | small_ints), (1.0, 3),
         examples=((1.0, 0), (math.nan, 2), (-0.0, -1), (1e308, 2**70), (5e-324, 2**53 + 1),
                   (math.inf, 1))),
    Case("float_floordiv_mod", args(floats, floats), (7.5, 2.0),
         examples=((1.0, 0.0), (-7.5, 2.0), (7.5, -2.0), (-0.0, 3.0), (math.inf, 2.0),
                   (1.0, math.inf), (-1.0, math.inf))),
    Case("signed_zeros", args(floats), (1.0,), examples=((0.0,), (-0.0,))),
    Case("float_pow", args(floats, floats), (2.0, 3.0),
         examples=((0.0, -1.0), (-8.0, 1 / 3), (10.0, 400.0), (-0.0, -1.0))),
    Case("float_to_int", args(floats), (2.5,), examples=((math.nan,), (math.inf,), (1e300,))),
    Case("float_strings", args(floats, big_ints), (2.5, 3),
         examples=((1e16, 0), (-0.0, 2**63), (math.nan, -2**70))),
    Case("float_aug", args(floats, floats), (7.5, 2.0),
         examples=((1.0, 0.0), (-0.0, 1.0), (math.inf, 3.0))),
    Case("float_round", args(floats), (2.5,),
         examples=((0.5,), (1.5,), (2.5,), (-2.5,), (0.25,), (1e300,), (math.nan,))),
    Case("float_truth", args(floats), (2.5,), examples=((-0.0,), (math.nan,))),
    Case("builtin_pow", args(floats, floats), (2.0, 3.0),
         examples=((0.0, -1.0), (-8.0, 1 / 3), (10.0, 400.0), (2.0, 0.5))),
    Case("float_const_ops", args(st.lists(floats | big_ints, min_size=1, max_size=1)),
         ([1.5],), examples=(([2**53 + 1],), ([-0.0],), ([2**1100],), ([math.nan],))),
    Case("zero_sums", args(floats, small_ints,
                           st.tuples(*[st.sampled_from([0, -0.0, 0.0, False, 1, 2**70, -1.0])] * 2)
                           .map(list)),
         (0.5, 1, [1, 2]), examples=((-0.0, 0, [-0.0, 0]), (0.0, 0, [0, -0.0]))),
    Case("float_accum", args(st.lists(floats, max_size=6)), ([1.0],)),
    # bools
    Case("bool_arith", args(bools, bools, floats), (True, False, 0.5)),
    Case("is_none_float", args(floats), (1.0,)),
    Case("bool_not", args(big_ints), (3,)),
    Case("is_positive", args(big_ints), (3,)),
    Case("bool_mix", args(bools, big_ints), (True, 3)),
    Case("bool_strings", args(bools, big_ints), (True, 3)),
    # str
    Case("str_index", args(texts, big_ints | small_ints), ("abc", 1),
         examples=(("abc", -4), ("abc", 2**70), ("", 0))),
    Case("str_slice", args(texts, big_ints | small_ints, small_ints), ("abcdef", 1, 3),
         examples=(("abc", 2**70, -2**70),)),
    Case("str_concat", args(texts, texts, st.integers(-2, 4)), ("a", "b", 2)),
    Case("fstring", args(texts, big_ints, floats), ("n", 3, 1.5)),
    Case("str_methods", args(texts), ("a,b",)),
    Case("str_count", args(texts, st.sampled_from(["a", "b", " ", "ab"])), ("aba", "a")),
    Case("ords", args(texts), ("a",), examples=(("",), ("ab",), ("\U0001f600",))),
    Case("builtin_calls", args(big_ints | small_ints, small_int_lists), (65, [1, 2]),
         examples=((-1, []), (0x110000, [1]), (2**70, [0]))),
    Case("list_methods", args(small_int_lists, big_ints | small_ints, small_ints),
         ([1, 2, 3], 0, 1), examples=(([], 0, 0), ([1], 0, 1), ([1, 2], 2**70, 1))),
    Case("str_method_errors", args(texts, texts, big_ints | small_ints), ("abc", "b", 1),
         examples=(("abc", "", 0), ("abc", "z", 2**70), ("", "", -2**70))),
    Case("dict_methods", args(st.dictionaries(small_ints, small_ints, max_size=4), small_ints,
                              small_ints), ({1: 2, 3: 4}, 1, 5), examples=(({}, 0, 0),)),
    Case("parse_int", args(numeric_strings), ("12",)),
    Case("parse_float", args(numeric_strings), ("1.5",)),
    Case("str_build", args(st.integers(-1, 20)), (3,)),
    Case("bytes_ops", args(st.binary(max_size=6), big_ints | small_ints), (b"ab", 1),
         examples=((b"", 0), (b"a", 2**70), (b"abc", -1))),
    Case("cy_params", args(big_ints), (3,)),
    Case("typed_method_errors", args(texts, small_int_lists, st.integers(0, 2)), ("a", [1], 0),
         examples=(("a", [1], 1), ("a", [1], 2))),
    # lists
    Case("list_build", args(loop_counts), (3,)),
    Case("list_index", args(int_lists, big_ints | small_ints), ([1, 2], 0),
         examples=(([], 0), ([1], -2), ([1, 2], 2**64))),
    Case("list_comp", args(int_lists), ([1, 2, 3],)),
    Case("list_sum_loop", args(int_lists), ([1, 2, 3],),
         examples=(([2**63 - 1, 1],), ([-2**63, -1],))),
    Case("list_mutate", args(int_lists, big_ints), ([1], 2), examples=(([], 2),)),
    Case("extend_inplace", args(int_lists, big_ints), ([1], 2)),
    Case("list_setitem", args(small_int_lists, small_ints, big_ints), ([1, 2], 0, 5),
         examples=(([], 0, 1), ([1, 2], -3, 1))),
    Case("list_slices", args(int_lists, big_ints | small_ints, big_ints | small_ints),
         ([1, 2, 3], 1, 2), examples=(([1, 2], 2**70, -2**70), ([1, 2], -2**64, 2**64))),
    Case("repeat", args(texts, small_ints | st.sampled_from([2**63, 2**64, -2**70, 2**70])),
         ("ab", 2),
         examples=(("", 2**70), ("a", 2**63), ("ab", -2**70))),
    Case("comp_scope", args(big_ints), (5,)),
    Case("contains", args(small_int_lists, small_ints), ([1, 2], 2)),
    # dicts, tuples, sets
    Case("dict_get", args(st.dictionaries(small_ints, big_ints, max_size=5), small_ints),
         ({1: 2}, 1)),
    Case("dict_count", args(st.lists(st.sampled_from(["a", "b", "c"]), max_size=10)),
         (["a", "b", "a"],)),
    Case("dict_iter", args(st.dictionaries(texts, big_ints, max_size=5)), ({"a": 1},)),
    Case("dict_update", args(st.dictionaries(small_ints, big_ints, max_size=5), small_ints,
                             big_ints), ({1: 2, 3: 4}, 2, 5)),
    # The entry guards the length and item types of a tuple it unpacks (profiler/arrays.py,
    # TupleType): other lengths go to the interpreter (Python's ValueError), tested with the
    # guard misses in tests/test_tuple_items.py.
    Case("tuple_unpack", args(st.tuples(big_ints, big_ints, big_ints)), ((1, 2, 3),)),
    Case("tuple_index", args(st.lists(big_ints, max_size=4).map(tuple), big_ints | small_ints),
         ((1, 2), 1), examples=(((), 0), ((1,), -2))),
    Case("pair_sums", args(st.lists(st.tuples(big_ints, big_ints) | st.tuples(big_ints),
                                    max_size=4)), ([(1, 2)],)),
    Case("set_ops", args(st.sets(small_ints, max_size=5), st.sets(small_ints, max_size=5)),
         ({1, 2}, {2, 3})),
    # exceptions
    Case("check_positive", args(big_ints), (3,)),
    Case("raise_custom", args(big_ints), (4,)),
    Case("try_except_finally", args(big_ints | small_ints, st.just([])), (2, [])),
    Case("reraise", args(st.dictionaries(small_ints, big_ints, max_size=4), small_ints),
         ({1: 2}, 1)),
    Case("wrap_error", args(numeric_strings), ("12",)),
    Case("exc_var_cleared", args(big_ints), (0,)),
    Case("finally_overrides", args(small_ints), (2,), examples=((0,), (1,))),
    Case("except_star", args(big_ints), (1,)),
    Case("bare_raise", args(big_ints), (0,), examples=((1,),)),
    Case("bad_raise", args(big_ints, bools), (1, False)),
    Case("raise_from_none", args(st.dictionaries(small_ints, big_ints, max_size=3), small_ints),
         ({1: 2}, 1)),
    Case("checked", args(big_ints), (1,)),
    Case("use_tracker", args(bools, big_ints), (True, 1), examples=((True, -1), (False, -1))),
    Case("swallowed_float", args(bools, floats), (True, 1.0),
         examples=((True, -1.0), (False, -1.0))),
    Case("store_key", args(bools, st.dictionaries(floats, small_ints, max_size=2)),
         (True, {}), examples=((False, {}),)),
    Case("local_import", args(floats), (1.5,)),
    Case("range_of_float",
         args(floats.filter(lambda f: not -100 < f < 100) | small_ints.map(float)), (3.0,)),
    Case("mutable_default", args(big_ints), (1,)),
    Case("call_forms", args(small_int_lists, big_ints), ([1, 2], 3)),
    # signatures
    Case("with_defaults", args(big_ints, big_ints, st.none() | int_lists), (1, 2, None)),
    # recursion
    Case("fib_rec", args(st.integers(-2, 18)), (10,)),
    Case("pow3_rec", args(st.integers(-3, 120)), (5,), examples=((39,), (40,), (41,))),
    Case("ackermann", args(st.integers(0, 2), st.integers(0, 5)), (1, 2)),
    Case("float_rec", args(floats, st.integers(-1, 30)), (1.0, 3)),
    # loops
    Case("find_first", args(small_int_lists, small_ints), ([1, 2, 3], 2)),
    Case("collatz_steps", args(st.integers(-5, 10**6) | big_ints), (27,),
         examples=((2**63 - 1,), (0,))),
    Case("loop_else_continue", args(st.integers(-2, 20)), (5,)),
    Case("while_else_flags", args(st.integers(-2, 30)), (5,)),
    # unbound locals
    Case("maybe_unbound", args(big_ints), (3,), examples=((0,), (-1,))),
    Case("maybe_unbound_float", args(floats), (3.0,), examples=((0.0,), (math.nan,))),
    Case("maybe_unbound_str", args(bools), (True,), examples=((False,),)),
    Case("catch_unbound", args(bools), (True,), examples=((False,),)),
    Case("comp_reads_later", args(st.integers(-1, 3)), (0,), refused=sys.version_info < (3, 12)),
    Case("unbound_after_del", args(big_ints), (0,), examples=((1,),)),
    # side effects
    Case("append_squares", args(int_lists, st.integers(-1, 10)), ([], 3)),
    Case("shadow_local", args(int_lists), ([1, 2],)),
    Case("shadow_local_max", args(big_ints, big_ints), (5, 2)),
    # refused: they stay interpreted, and still give the same answers
    Case("sort_by_second", args(st.lists(st.tuples(small_ints, small_ints), max_size=4)),
         ([(1, 2)],), refused=True),
]


# -- builds in parallel -----------------------------------------------------------------------
def prebuild_targets(module):
    """``(function, [(args, kwargs), ...])`` in the order the tests below compile them: the
    same cache keys (a key leaves out file and module names)."""
    m = module
    targets = [(getattr(m, c.name), [(c.sample, {})]) for c in CASES if not c.refused]
    numbers = [((a, b), {}) for a in (3, 3.0) for b in (4, 4.0)]
    recorder = m.make_recorder()
    targets += [
        (m.generic_mix, numbers), (m.sum_genexp, [(([1, 2],), {})]),
        (m.cython_keyword_names, [((m.Keywords(), 1), {})]),
        (m.kwonly, [((1,), {"scale": 3, "offset": 4})]),
        (m.mixed_sig, [((1, 2, 3), {"key": 4, "z": 5})]), (m.varargs, [((1, 2), {"k": 1})]),
        (m.make_adder(1), [((1,), {})]), (m.make_late_reader(), [((1,), {})]),
        (m.make_counter(0), [((0,), {})]), (recorder, [(("a",), {}), (("a",), {}), ((1,), {})]),
        (m.is_even, [((4,), {})]), (m.is_odd, [((4,), {})]),
        (m.Account.deposit, [((m.Account(0), 5), {})]), (m.Account.fee, [((250,), {})]),
        (m.Account.from_cents, [((250,), {})]),
    ]
    targets += [(getattr(m, name), [((m.Counted(), 3), {})]) for name in OVERFLOW_AFTER_USER_CODE]
    targets += [(m.scaled, [((2,), {})]), (m.uses_late_global, [((1,), {})]),
                (m.bump, [((1,), {})]), (m.set_mode, [(("x",), {})]),
                (m.uses_round, [((1.25,), {})]), (m.uses_len, [(([1, 2],), {})]),
                (m.uses_abs, [((-3,), {})])]
    return targets


_PREBUILD = """
import copy
import jitcy
from tests import test_differential as td
module = td.load_fresh_module(td.CORPUS, "corpus_prebuild")
for func, calls in reversed(td.prebuild_targets(module)):
    jitcy.hot(func, threshold=1)
    for args, kwargs in calls:
        try:
            func(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except Exception:
            pass
"""


@pytest.fixture(scope="module", autouse=True)
def prebuild(session_cache_dir):
    """Builds take ~1 s each and run one at a time; a second process builds the same keys
    into the session cache from the other end, so the two cores meet in the middle (the
    cache's per-key lock makes each key build once). Optional: if it fails, every test
    still builds what it needs itself."""
    env = {**os.environ, "JITCY_CACHE_DIR": str(session_cache_dir), "JITCY_SYNC": "1",
           "JITCY_STRICT": "0"}
    env.pop("JITCY_DISABLE", None)
    helper = subprocess.Popen([sys.executable, "-c", _PREBUILD], cwd=TESTS.parent, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield
    if helper.poll() is None:
        helper.terminate()
    helper.wait(timeout=60)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_corpus_function(pair, case):
    f_ref, f_jit = getattr(pair.ref, case.name), getattr(pair.jit, case.name)
    stats = compile_and_swap(f_jit, case.sample)
    for _ in range(2):      # the same calls on the reference: stateful functions stay in step
        run(f_ref, copy.deepcopy(case.sample))
    if case.refused:
        assert stats["state"] == "failed" and stats["reason"], stats
    else:
        assert_swapped(stats)
    before = jitcy.stats(f_jit)

    @SETTINGS
    @given(case.inputs)
    def check(call_args):
        compare_call(pair, f_ref, f_jit, call_args)

    for ex in case.examples:
        check = example(ex)(check)
    check()
    if not case.refused:
        assert_compiled_path_used(jitcy.stats(f_jit), before)


def test_several_argument_types(pair):
    """int/float/bool mixes: guard misses go to other specializations or the interpreter."""
    f_ref, f_jit = pair.ref.generic_mix, pair.jit.generic_mix
    assert_swapped(compile_and_swap(f_jit, (3, 4)))
    numbers = big_ints | floats | bools

    @SETTINGS
    @given(numbers, numbers)
    def check(a, b):
        compare_call(pair, f_ref, f_jit, (a, b))
    check()
    stats = jitcy.stats(f_jit)
    assert stats["state"] == "swapped" and len(stats["specializations"]) >= 2, stats


def test_generator_is_compiled_and_still_correct(pair):
    """(tests/test_generators.py drives generators through send/throw/close too.)"""
    f_ref, f_jit = pair.ref.squares_gen, pair.jit.squares_gen
    jitcy.hot(f_jit, threshold=1)
    assert list(f_jit(3)) == [0, 1, 4]
    assert_swapped(jitcy.stats(f_jit))
    before = jitcy.stats(f_jit)["compiled_calls"]

    @SETTINGS
    @given(st.integers(-2, 30) | st.sampled_from([2**62, 2**63]))
    def check(n):
        compare_call(pair, lambda k: list(itertools.islice(f_ref(k), 40)),
                     lambda k: list(itertools.islice(f_jit(k), 40)), (n,))
    check()
    assert jitcy.stats(f_jit)["compiled_calls"] > before


def test_generator_expression_inside_a_function(pair):
    f_ref, f_jit = pair.ref.sum_genexp, pair.jit.sum_genexp
    stats = compile_and_swap(f_jit, ([1, 2],))
    assert stats["state"] in ("swapped", "failed"), stats

    @SETTINGS
    @given(int_lists)
    def check(xs):
        compare_call(pair, f_ref, f_jit, (xs,))
    check()


def test_attribute_and_keyword_names_that_are_cython_keywords(pair):
    f_ref, f_jit = pair.ref.cython_keyword_names, pair.jit.cython_keyword_names
    assert_swapped(compile_and_swap(f_jit, (pair.jit.Keywords(), 1)))
    for n in (0, 2**70, -5):
        compare_call(pair, f_ref, f_jit, (pair.ref.Keywords(), n))
    compare_call(pair, f_ref, f_jit, ("text", 1))        # AttributeError in both


# -- signatures: defaults, keyword-only, *args/**kwargs --------------------------------------
def test_keyword_only_and_defaults(pair):
    f_ref, f_jit = pair.ref.kwonly, pair.jit.kwonly
    assert_swapped(compile_and_swap(f_jit, (1,), {"scale": 3, "offset": 4}))

    @SETTINGS
    @given(big_ints, st.none() | big_ints, st.none() | big_ints)
    def check(a, scale, offset):
        kwargs = {k: v for k, v in (("scale", scale), ("offset", offset)) if v is not None}
        compare_call(pair, f_ref, f_jit, (a,), kwargs)
    check()
    compare_call(pair, f_ref, f_jit, (1, 2))            # TypeError: too many positionals
    compare_call(pair, f_ref, f_jit, (), {"scale": 2})  # TypeError: missing a


def test_mixed_signature(pair):
    f_ref, f_jit = pair.ref.mixed_sig, pair.jit.mixed_sig
    assert_swapped(compile_and_swap(f_jit, (1, 2, 3), {"key": 4, "z": 5}))

    @SETTINGS
    @given(big_ints, st.lists(big_ints, max_size=3),
           st.dictionaries(st.sampled_from(["key", "x", "y"]), big_ints, max_size=2))
    def check(a, rest, kwargs):
        compare_call(pair, f_ref, f_jit, (a, *rest), kwargs)
    check()
    compare_call(pair, f_ref, f_jit, (), {})             # TypeError: missing a


def test_varargs_with_keywords(pair):
    f_ref, f_jit = pair.ref.varargs, pair.jit.varargs
    assert_swapped(compile_and_swap(f_jit, (1, 2), {"k": 1}))

    @SETTINGS
    @given(st.lists(big_ints, max_size=4), st.dictionaries(st.sampled_from("abc"), big_ints))
    def check(rest, kwargs):
        compare_call(pair, f_ref, f_jit, tuple(rest), kwargs)
    check()


# -- closures ------------------------------------------------------------------------------
def test_closure_reads_a_free_variable(pair):
    first = pair.jit.make_adder(1)
    assert_swapped(compile_and_swap(first, (1,)))

    @SETTINGS
    @given(big_ints | floats | texts, big_ints)
    def check(k, x):
        # each closure object is compiled (the module comes from the cache after the first)
        ref_add, jit_add = pair.ref.make_adder(k), pair.jit.make_adder(k)
        compile_and_swap(jit_add, (0,))
        before = jitcy.stats(jit_add)
        assert_swapped(before)
        compare_call(pair, ref_add, jit_add, (x,))
        assert_compiled_path_used(jitcy.stats(jit_add), before)
    check()


def test_closure_reads_an_empty_cell(pair):
    ref_read, jit_read = pair.ref.make_late_reader(), pair.jit.make_late_reader()
    assert_swapped(compile_and_swap(jit_read, (1,)))
    for x in (0, 2**70):
        pair.assert_same_outcome(run(ref_read, (x,)), run(jit_read, (x,)), f"read({x})")


def test_closure_writes_a_nonlocal(pair):
    ref_step, jit_step = pair.ref.make_counter(0), pair.jit.make_counter(0)
    # compile with a throwaway call on a twin, then bring both to the same state
    compile_and_swap(jit_step, (0,))
    ref_step(0)
    ref_step(0)
    assert_swapped(jitcy.stats(jit_step))
    before = jitcy.stats(jit_step)

    @SETTINGS
    @given(st.lists(big_ints, max_size=6))
    def check(steps):
        for n in steps:
            pair.assert_same_outcome(run(ref_step, (n,)), run(jit_step, (n,)), f"step({n})")
    check()
    # the enclosing scope sees the writes
    assert ref_step.__closure__[0].cell_contents == jit_step.__closure__[0].cell_contents
    assert_compiled_path_used(jitcy.stats(jit_step), before)

    ref_rec, jit_rec = pair.ref.make_recorder(), pair.jit.make_recorder()
    assert_swapped(compile_and_swap(jit_rec, ("a",)))
    ref_rec("a")
    ref_rec("a")
    for x in ("b", 1, "c", 2):      # a second type builds a second specialization
        pair.assert_same_outcome(run(ref_rec, (x,)), run(jit_rec, (x,)), f"record({x!r})")


# -- recursion -----------------------------------------------------------------------------
def test_mutual_recursion(pair):
    for name in ("is_even", "is_odd"):
        assert_swapped(compile_and_swap(getattr(pair.jit, name), (4,)))

    @SETTINGS
    @given(st.integers(0, 300))
    def check(n):
        compare_call(pair, pair.ref.is_even, pair.jit.is_even, (n,))
        compare_call(pair, pair.ref.is_odd, pair.jit.is_odd, (n,))
    check()


def test_recursion_sees_rebinding_of_its_global_name(pair):
    f_ref, f_jit = pair.ref.fib_rec, pair.jit.fib_rec
    assert_swapped(compile_and_swap(f_jit, (10,)))
    for n in (0, 1, 5, 15):
        compare_call(pair, f_ref, f_jit, (n,))
    for module in (pair.ref, pair.jit):
        module.fib_rec = lambda n: 100      # the recursive call goes through the global name
    for n in (0, 1, 5, 15):
        compare_call(pair, f_ref, f_jit, (n,))
    assert f_jit(5) == 200


# -- methods -------------------------------------------------------------------------------
def test_method_reads_and_writes_attributes(pair):
    A_ref, A_jit = pair.ref.Account, pair.jit.Account
    assert_swapped(compile_and_swap(A_jit.deposit, (A_jit(0), 5)))
    before = jitcy.stats(A_jit.deposit)

    @SETTINGS
    @given(big_ints | floats.map(lambda f: f if f == f else 0.0), st.lists(big_ints, max_size=4))
    def check(start, amounts):
        acc_ref, acc_jit = A_ref(start), A_jit(start)
        for amount in amounts:
            pair.assert_same_outcome(run(acc_ref.deposit, (amount,)),
                                     run(acc_jit.deposit, (amount,)), f"deposit({amount})")
        assert pair.same(acc_ref, acc_jit)
    check()
    assert_compiled_path_used(jitcy.stats(A_jit.deposit), before)

    # a class attribute changed later is seen
    A_ref.rate = A_jit.rate = 7
    a, b = A_ref(1), A_jit(1)
    assert a.deposit(2) == b.deposit(2) == 15


def test_staticmethod_and_classmethod(pair):
    A_ref, A_jit = pair.ref.Account, pair.jit.Account
    assert_swapped(compile_and_swap(A_jit.fee, (250,)))
    assert_swapped(compile_and_swap(A_jit.from_cents, (250,)))

    @SETTINGS
    @given(big_ints)
    def check(x):
        compare_call(pair, A_ref.fee, A_jit.fee, (x,))
        compare_call(pair, A_ref(0).fee, A_jit(0).fee, (x,))
        compare_call(pair, A_ref.from_cents, A_jit.from_cents, (x,))
    check()
    assert type(A_jit.from_cents(5)) is A_jit


OVERFLOW_AFTER_USER_CODE = ["truth_then_overflow", "not_then_overflow", "ifexp_then_overflow",
                            "call_then_overflow", "unpack_then_overflow"]


@pytest.mark.parametrize("name", OVERFLOW_AFTER_USER_CODE)
def test_user_code_runs_once_when_ints_overflow(pair, name):
    """A C-integer body is re-run with Python ints on overflow; that is only right if it
    cannot have run user code (``__bool__``, ``__int__``, ``__iter__``...) before."""
    f_ref, f_jit = getattr(pair.ref, name), getattr(pair.jit, name)
    compile_and_swap(f_jit, (pair.jit.Counted(), 3))
    for n in (3, 2**62, -2**63, 2**64):
        t_ref, t_jit = pair.ref.Counted(), pair.jit.Counted()
        pair.assert_same_outcome(run(f_ref, (t_ref, n)), run(f_jit, (t_jit, n)), f"{name}({n})")
        assert t_ref.calls == t_jit.calls, (n, t_ref.calls, t_jit.calls)


# -- globals -------------------------------------------------------------------------------
def test_global_reads_are_live(pair):
    f_ref, f_jit = pair.ref.scaled, pair.jit.scaled
    assert_swapped(compile_and_swap(f_jit, (2,)))

    @SETTINGS
    @given(big_ints, big_ints | floats | texts, floats | big_ints)
    def check(x, scale, offset):
        compare_call(pair, f_ref, f_jit, (x,), state={"SCALE": scale, "OFFSET": offset})
    check()
    # rebinding between two calls of the same compiled function
    pair.jit.SCALE, pair.jit.OFFSET = 10, 1
    assert f_jit(2) == 21
    pair.jit.SCALE = 2**70
    assert f_jit(2) == 2**71 + 1
    del pair.jit.SCALE
    with pytest.raises(NameError, match="name 'SCALE' is not defined"):
        f_jit(2)


def test_global_defined_after_compilation(pair):
    f_ref, f_jit = pair.ref.uses_late_global, pair.jit.uses_late_global
    assert_swapped(compile_and_swap(f_jit, (1,)))
    compare_call(pair, f_ref, f_jit, (1,))                  # NameError in both
    compare_call(pair, f_ref, f_jit, (1,), state={"LATE": 41})


def test_global_writes(pair):
    assert_swapped(compile_and_swap(pair.jit.bump, (1,)))
    assert_swapped(compile_and_swap(pair.jit.set_mode, ("x",)))

    @SETTINGS
    @given(big_ints, big_ints, st.lists(big_ints, max_size=4))
    def check(start, n, more):
        compare_call(pair, pair.ref.bump, pair.jit.bump, (n,), state={"counter": start})
        for m in more:   # no reset: the counter carries over from call to call
            pair.assert_same_outcome(run(pair.ref.bump, (m,)), run(pair.jit.bump, (m,)))
            assert pair.ref.counter == pair.jit.counter
    check()
    # a list global: `counter += ...` is in place, as in the interpreter
    lists = []
    for module in (pair.ref, pair.jit):
        module.counter = [1]
        lists.append(module.counter)
        module.bump([2])
    assert lists[0] == lists[1] == [1, 2] and pair.jit.counter is lists[1]
    # bump on an unset global: NameError in both
    del pair.ref.counter, pair.jit.counter
    pair.assert_same_outcome(run(pair.ref.bump, (1,)), run(pair.jit.bump, (1,)))

    @SETTINGS
    @given(texts, st.lists(texts, max_size=3))
    def check_mode(start, values):
        compare_call(pair, pair.ref.set_mode, pair.jit.set_mode, (start,),
                     state={"MODE": "idle"})
        for v in values:
            assert pair.ref.set_mode(v) == pair.jit.set_mode(v)
            assert pair.ref.MODE == pair.jit.MODE
    check_mode()


# -- builtins and shadowing ----------------------------------------------------------------
def test_builtin_shadowed_by_the_module_at_import(pair):
    f_ref, f_jit = pair.ref.uses_round, pair.jit.uses_round
    assert_swapped(compile_and_swap(f_jit, (1.25,)))
    for x in (1.25, -0.0, math.nan, 2.675):
        compare_call(pair, f_ref, f_jit, (x,))
    assert f_jit(1.0)[0] == "shadowed round"


# -- the same compiled module serves a second module copy (cache hit) ----------------------
def test_cache_hit_gives_the_same_answers(pair):
    other = load_fresh_module(CORPUS, f"corpus_jit_again_{next(_copies)}")
    try:
        stats = compile_and_swap(other.int_poly, (1, 2))
        assert_swapped(stats)
        for a, b in ((1, 2), (2**63 - 1, 5), (-2**63, -2**63)):
            assert other.int_poly(a, b) == pair.ref.int_poly(a, b)
    finally:
        sys.modules.pop(other.__name__, None)


# -- builtins shadowed after the swap ------------------------------------------------------
def test_builtin_shadowed_after_compilation(pair):
    """The entry's guard also checks that the module does not shadow the builtins it compiled
    natively; a miss for that reason must run the original code. (Last in the file: it
    fails while hotfunc's miss dispatcher sends such a miss back to the specialization
    whose argument types match, which misses again: RecursionError.)"""
    for name, sample, inputs in (("uses_len", ([1, 2],), [([],), ([1, 2, 3],)]),
                                 ("uses_abs", (-3,), [(-3,), (-2**63,), (2**64,)])):
        f_ref, f_jit = getattr(pair.ref, name), getattr(pair.jit, name)
        assert_swapped(compile_and_swap(f_jit, sample))
        for call_args in inputs:
            compare_call(pair, f_ref, f_jit, call_args)
        builtin = name[5:]
        for module in (pair.ref, pair.jit):
            setattr(module, builtin, lambda x: 100)         # the module shadows it now
        for call_args in inputs:
            compare_call(pair, f_ref, f_jit, call_args)
        assert f_jit(*inputs[0]) in (101, 200)
        for module in (pair.ref, pair.jit):
            delattr(module, builtin)                        # and un-shadows it
        for call_args in inputs:
            compare_call(pair, f_ref, f_jit, call_args)
