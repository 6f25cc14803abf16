"""Generator expressions that a call takes whole (``tuple(<genexp>)``, ``set``, ``list``,
``frozenset``, ``sorted``, ``"sep".join``): compiled as comprehensions where Python
evaluates the call first in its statement (translator/rewrite_genexps.py). The generator's
rules stay: a StopIteration inside becomes RuntimeError (PEP 479), one from the first
iterable's ``iter()`` does not, and effects happen in the interpreter's order."""
from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from jitcy import analyzer
from jitcy.translator import emit_module

from .conftest import TESTS, compile_now, fresh_pair, load_fresh_module
from .test_differential import SETTINGS
from .test_generators import compile_generator

pytestmark = pytest.mark.slow

CORPUS = TESTS / "corpus_genexps.py"


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield ref, jit


def outcome(module, name, *args):
    module.LOG.clear()
    try:
        result = ("ok", getattr(module, name)(*args))
    except Exception as exc:  # noqa: BLE001
        cause = exc.__cause__
        result = ("raise", type(exc).__name__, str(exc), type(cause).__name__ if cause
                  else None, str(cause) if cause else None)
    return result, list(module.LOG)


def compiled(module, name, *warm):
    st_ = compile_now(getattr(module, name), *warm)
    assert st_["state"] == "swapped", (st_["reason"], st_["failures"])


def source_of(module, name, arg_types):
    func = getattr(module, name)
    typed = analyzer.analyze(func, func.__code__, analyzer.normalize_types(arg_types))
    return emit_module.emit_module(typed)


#: Arguments of a first call that returns (compile_now builds during it).
WARM = {"as_tuple": ([1],), "as_list_caught": ([1],), "in_tests": ((0, 2, 1), 3),
        "effects_order": ([1],), "first_effect": ([1],)}


@pytest.mark.parametrize("name, args", [
    ("as_tuple", ([1, 2],)), ("as_tuple", ([1, 3, 4],)), ("as_tuple", ((),)),
    ("as_list_caught", ([1, 2],)), ("as_list_caught", ([5, 3],)),
    ("in_tests", ((0, 2, 1), 3)), ("in_tests", ((1, 3, 0, 2), 4)), ("in_tests", ([1, 1], 2)),
    ("effects_order", ([1, 2],)), ("effects_order", (5,)),
    ("first_effect", ([1, 2],)), ("first_effect", (None,)),
])
def test_the_interpreters_values_errors_and_order_of_effects(pair, name, args):
    ref, jit = pair
    compiled(jit, name, *WARM[name])
    assert outcome(jit, name, *args) == outcome(ref, name, *args)


def test_stop_iteration_inside_becomes_runtime_error_and_from_iter_does_not(pair):
    ref, jit = pair
    compiled(jit, "as_list_caught", [1])
    want = outcome(ref, "as_list_caught", [1, 3])
    assert want[0][1][:2] == ("runtime", "generator raised StopIteration")
    assert outcome(jit, "as_list_caught", [1, 3]) == want
    compiled(jit, "first_iterable", [1])
    for make in (lambda m: m.StopsInIter(), lambda m: [1, 2, 2], lambda m: m.Items([3])):
        assert (outcome(jit, "first_iterable", make(jit))
                == outcome(ref, "first_iterable", make(ref)))
    assert outcome(ref, "first_iterable", ref.StopsInIter())[0][1][0] == "stop"


def test_what_the_call_does_with_the_items_stays_outside_the_generator(pair):
    """sorted's key and a set's hashing run outside the generator in Python: their
    StopIteration is not turned into RuntimeError."""
    ref, jit = pair
    compiled(jit, "outside_effects", [1], int)
    for xs in ([1, 3], [1, 2, 3]):
        for make in (lambda m: int, lambda m: m.HashStops, lambda m: str):
            assert (outcome(jit, "outside_effects", xs, make(jit))
                    == outcome(ref, "outside_effects", xs, make(ref)))
    assert outcome(ref, "outside_effects", [2], ref.HashStops)[0][1] == [
        ("stop", "from the key"), ("stop", "from __hash__")]


def test_generator_functions_yield_the_same(pair):
    ref, jit = pair
    compile_generator(jit.yields, ([1],))
    for xs in ([1, 2], [1, 3], []):
        r, j = ref.yields(xs), jit.yields(xs)
        assert next(r) == next(j)
        assert outcome_of_next(r) == outcome_of_next(j)


def outcome_of_next(gen):
    try:
        return ("ok", next(gen))
    except Exception as exc:  # noqa: BLE001
        return ("raise", type(exc).__name__, str(exc))


@SETTINGS
@given(xs=st.lists(st.integers(-50, 50), max_size=12), n=st.integers(0, 6),
       sep=st.sampled_from(["", "-", ", "]))
def test_every_kind_of_call_gives_the_interpreters_answer(jitcy_env, xs, n, sep):
    ref, jit = _kinds_pair()
    assert outcome(jit, "kinds", xs, n, sep) == outcome(ref, "kinds", xs, n, sep)


_kinds = []


def _kinds_pair():
    if not _kinds:
        ref = load_fresh_module(CORPUS, "corpus_genexps_kinds_ref")
        jit = load_fresh_module(CORPUS, "corpus_genexps_kinds_jit")
        compiled(jit, "kinds", [1, 2], 2, "-")
        _kinds.append((ref, jit))
    return _kinds[0]


def test_hoisted_calls_are_comprehensions_and_the_conditional_one_stays_a_generator():
    module = load_fresh_module(CORPUS, "corpus_genexps_source")
    text = source_of(module, "in_tests", (tuple, int))
    body = text[text.index("cdef object __jitcy_impl"):]
    # the first set: its items made by a comprehension (objects: set() hashes them
    # outside the try); the second (after the first comparison): a generator
    assert body.count("__jitcy_gx0 = [") == 1 and "len(set(__jitcy_gx0))" in body
    assert body.count("len(set((") == 1 and body.count("for i in range(n)))") == 1
    assert "sorted(__jitcy_gx1)" in body and "tuple(__jitcy_gx2)" in body
    kinds = source_of(module, "kinds", (list, int, str))
    assert kinds.count("except StopIteration as __jitcy_gxe") == 8
    assert "sep.join(__jitcy_gx2)" in kinds and "','.join(__jitcy_gx3)" in kinds
    assert "__jitcy_gx0 = [" in kinds and "set(__jitcy_gx0)" in kinds   # hashed outside
    assert "f = __jitcy_gx5" in kinds          # list(<genexp>): the list itself
