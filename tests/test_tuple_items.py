"""Tuples whose items' types were observed (issue 3, item 1: tuple unpacking).

The profiler records an exact tuple of 1 to 4 items as a TupleType of its items' exact
types; the entry guards them (a tuple cannot change during the call), so ``i, u = i_u``
types ``i`` and ``u``. tests/corpus_tuples.py is loaded twice: the reference copy stays
interpreted, the other is compiled; every answer must be the interpreter's.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jitcy
from jitcy import analyzer, pipeline
from jitcy.cache import aot
from jitcy.profiler import TupleType
from jitcy.profiler.arrays import make_refiner

from .conftest import TESTS, compile_now, fresh_pair

CORPUS = TESTS / "corpus_tuples.py"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
BIG = st.sampled_from([2**63 - 1, 2**63, -2**63 - 1, 2**70, -2**70])
ints = st.integers(-1000, 1000) | BIG
floats = st.floats(allow_nan=True, allow_infinity=True)


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield ref, jit


def outcome(func, *args):
    try:
        return "ok", func(*args)
    except Exception as exc:  # noqa: BLE001
        return "raise", (type(exc), str(exc))


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, (tuple, list)) and type(a) is type(b) and len(a) == len(b):
        return all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def check(ref_f, jit_f, *args):
    (rk, rv), (jk, jv) = outcome(ref_f, *args), outcome(jit_f, *args)
    assert rk == jk and same(rv, jv), f"{ref_f.__name__}{args!r}: {rk} {rv!r} vs {jk} {jv!r}"


def swapped(func, *sample):
    stats = compile_now(func, *sample)
    assert stats["state"] == "swapped", (stats["reason"], stats["failures"])
    return stats


def swapped_once(func, *sample):
    """Compile at the first hypothesis example (the fixture's modules live for all of them)."""
    if pipeline.lookup(func) is None:
        swapped(func, *sample)


# -- what the profiler records, normalizes, names and keys ---------------------------------
def test_refine_records_item_types_of_short_exact_tuples():
    refine = make_refiner(set())
    assert refine((tuple, int), ((1, [2.0]), 3)) == (TupleType((int, list)), int)
    assert refine((tuple,), ((),)) == (tuple,)                   # empty: plain tuple
    assert refine((tuple,), ((1, 2, 3, 4, 5),)) == (tuple,)      # longer than 4: plain
    plain: set = set()
    assert make_refiner(plain)((int,), (1,)) == (int,) and (int,) in plain


def test_normalize_keeps_guarded_items_only():
    norm = analyzer.normalize_types
    assert norm((TupleType((int, str, complex)),)) == (TupleType((int, str, object)),)
    assert norm((TupleType((complex, type(None))),)) == (tuple,)  # nothing typed: plain
    assert TupleType((int, list)).__name__ == "tuple[int, list]"
    assert TupleType((int, list)).key == "builtins.tuple[builtins.int,builtins.list]"


def test_ahead_of_time_names_round_trip():
    t = TupleType((int, list))
    assert aot.type_names((t, float)) == ["tuple[int, list]", "float"]
    assert aot.resolve_type("tuple[int, list]") == t
    assert aot.type_names((TupleType((int, object)),)) == ["tuple"]
    with pytest.raises(ValueError, match="tuple\\[\\.\\.\\.\\] of 1 to 4"):
        aot.resolve_type("tuple[int, spam]")


# -- compiled vs interpreted ---------------------------------------------------------------
def test_unpacked_items_are_typed_and_the_direct_call_is_taken(pair):
    ref, jit = pair
    swapped(jit.eval_a, 1, 2)
    stats = swapped(jit.row_times, (3, [1.0, 2.0, 3.0]))
    assert stats["specializations"][0]["types"] == ["tuple[int, list]"]
    typed = analyzer.analyze(jit.row_times, pipeline.lookup(jit.row_times).original_code,
                             (TupleType((int, list)),))
    assert typed.types["i"] == "int" and typed.types["u"] == "list"
    assert stats["specializations"][0]["direct_calls"] == ["eval_a"]
    before = jitcy.stats(jit.row_times)
    for args in [(0, [1.0] * 5), (7, [0.5, -2.0, 1e300]), (2**63, [1.0, 2.0]), (5, [1, 2, 3]),
                 (3, [])]:
        check(ref.row_times, jit.row_times, args)
    after = jitcy.stats(jit.row_times)
    assert after["guard_misses"] == before["guard_misses"]


@SETTINGS
@given(x=floats, y=floats)
def test_pure_body_on_float_items(pair, x, y):
    ref, jit = pair
    swapped_once(jit.norm, (3.0, 4.0))
    check(ref.norm, jit.norm, (x, y))


def test_float_items_are_c_doubles_in_a_pure_body(pair):
    _, jit = pair
    typed = analyzer.analyze(jit.norm, jit.norm.__code__, (TupleType((float, float)),))
    assert typed.c_type("x") == typed.c_type("y") == "double"
    assert not [why for _, why in typed.notes], typed.notes


@SETTINGS
@given(a=ints, b=ints, k=ints)
def test_int_items_by_index_past_2_63(pair, a, b, k):
    ref, jit = pair
    swapped_once(jit.scaled, (1, 2), 3)
    check(ref.scaled, jit.scaled, (a, b), k)


def test_other_item_types_go_to_the_fallback_with_the_same_answers(pair):
    ref, jit = pair
    swapped(jit.scaled, (1, 2), 3)
    before = jitcy.stats(jit.scaled)
    for args in [((1.5, 2), 3), (("ab", "c"), 2), ((1, 2, 3), 1), ((1,), 2), ([1, 2], 3),
                 ((None, 1), 2)]:
        check(ref.scaled, jit.scaled, *args)
    assert jitcy.stats(jit.scaled)["guard_misses"] > before["guard_misses"]


def test_untyped_item_and_the_tuple_escaping(pair):
    ref, jit = pair
    stats = swapped(jit.mixed, (2, "x", 1.5))
    assert stats["specializations"][0]["types"] == ["tuple[int, str, float]"]
    for args in [(3, "ab", 0.25), (0, "", -0.0), (2, "x", float("nan"))]:
        ref_out, jit_out = ref.mixed(args), jit.mixed(args)
        assert same(ref_out, jit_out)
        assert jit_out[2] is args                       # the caller's tuple itself
    swapped(jit.mixed, (2, "x", 1.5))
    check(ref.mixed, jit.mixed, (2, 5, 1.5))            # another item type: a guard miss


def test_rebound_parameter_is_not_trusted(pair):
    ref, jit = pair
    swapped(jit.rebinds, (1, 2))
    typed = analyzer.analyze(jit.rebinds, pipeline.lookup(jit.rebinds).original_code,
                             (TupleType((int, int)),))
    assert typed.tuple_items == {}
    for args in [(1, 2), (2**64, -3), (1, 2.5)]:
        check(ref.rebinds, jit.rebinds, args)


def test_unpacking_errors_are_pythons(pair):
    ref, jit = pair
    swapped(jit.wrong_count, (1, 2, 3))
    for args in [(1, 2, 3), (1, 2), (1, 2, 3, 4), (1, "a", 3), 5]:
        check(ref.wrong_count, jit.wrong_count, args)


def test_a_tuple_not_read_by_position_keeps_a_plain_guard(pair):
    ref, jit = pair
    stats = swapped(jit.total, (1.0, 2.0))
    assert stats["specializations"][0]["types"] == ["tuple[float, float]"]
    before = jitcy.stats(jit.total)
    for args in [(), (1.5,), (1.0, 2.0, 3.0, 4.0, 5.0), (1, 2.5), (float("inf"), -1e308)]:
        check(ref.total, jit.total, args)
    after = jitcy.stats(jit.total)
    assert after["guard_misses"] == before["guard_misses"], after


def test_item_types_that_vary_keep_a_plain_tuple_guard(pair):
    """Tuples whose item types change from call to call while profiling (int colours and
    float colours) get one specialization for any tuple: no build per combination, no
    dispatch through the miss path."""
    ref, jit = pair
    jitcy.hot(jit.scaled, threshold=4, time_limit=1e9)
    for args in [((1, 2), 3), ((1.5, 2.5), 3), ((1, 2), 3), ((1.5, 2.5), 3)]:
        check(ref.scaled, jit.scaled, *args)
    stats = jitcy.stats(jit.scaled)
    assert stats["state"] == "swapped", stats
    assert [s["types"] for s in stats["specializations"]] == [["tuple", "int"]]
    before = stats["guard_misses"]
    for args in [((1, 2), 3), ((1.5, 2.5), 3), ((2**70, "a"), 2), ((1, 2, 3), 1)]:
        check(ref.scaled, jit.scaled, *args)
    assert jitcy.stats(jit.scaled)["guard_misses"] == before


def test_stable_tuples_only_degrades_positions_that_vary():
    from jitcy.profiler.arrays import stable_tuples
    a, b = TupleType((int, int)), TupleType((float, float))
    assert stable_tuples((a, int), [(a, int)]) == (a, int)
    assert stable_tuples((a, int), [(a, int), (b, int)]) == (tuple, int)
    assert stable_tuples((a, a), [(a, a), (a, b)]) == (a, tuple)
    assert stable_tuples((a, int), [(a, float), (int, int)]) == (a, int)   # not tuples there


def test_empty_unpacking_of_another_name_is_still_checked(pair):
    """Only a guarded tuple parameter skips the unpacking check: ``[] = xs`` of a list
    raises Python's ValueError/TypeError."""
    ref, jit = pair
    swapped(jit.empty_unpack, [])
    for xs in [[], [1], [1, 2], (), (3,), 5, "ab"]:
        check(ref.empty_unpack, jit.empty_unpack, xs)
