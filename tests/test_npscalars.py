"""NumPy scalar semantics of array elements in compiled code: interpreted vs compiled.

tests/corpus_npscalars.py is loaded twice: the reference copy stays interpreted, the other
is compiled for the argument kinds of a sample call. "The same" is strict here: the exact
type of every value (np.float64 is not float, np.bool_ is not bool), the same float bits
(NaN, the sign of zero), the same exception type and message, the same warnings (category
and message, in order) and the arrays afterwards, each under NumPy's default np.errstate,
np.errstate(all="raise"), np.errstate(all="ignore"), np.errstate(all="warn") (underflow
warns too) and with warnings turned into errors.
"""
from __future__ import annotations

import ast
import doctest
import itertools
import math
import sys
import warnings

import pytest

np = pytest.importorskip("numpy")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import jitcy  # noqa: E402
from jitcy.analyzer import bounds, npscalars  # noqa: E402
from jitcy.analyzer import arrays as analyzer_arrays  # noqa: E402

from .conftest import TESTS, compile_now, load_fresh_module  # noqa: E402

CORPUS = TESTS / "corpus_npscalars.py"
_copies = itertools.count()
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
MODES = {"default": None, "raise": {"all": "raise"}, "ignore": {"all": "ignore"},
         "warn": {"all": "warn"}, "error": None}

F8_EDGES = [0.0, -0.0, 1.5, -2.5, 3.0, 1e308, -1e308, 1e-308, 5e-324, 1e-200,
            math.inf, -math.inf, math.nan]
I8_EDGES = [0, 1, -1, 7, -8, 2**31 - 1, -2**31, 2**62, 2**63 - 1, -2**63]
I4_EDGES = [0, 1, -1, 7, -8, 2**31 - 1, -2**31, 2**30]
X_FLOATS = [0.0, -0.0, 2.0, -3.5, 0.5, 1e308, 1e-300, math.inf, -math.inf, math.nan]
X_INTS = [0, 1, -1, 3, -2, 2**31, 2**62, 2**63 - 1, -2**63]
X_BOOLS = [False, True]
DTYPES = {"f8": (np.float64, F8_EDGES), "i8": (np.int64, I8_EDGES), "i4": (np.int32, I4_EDGES)}

UNARY_OPS = ["neg", "pos", "abs", "float", "int", "bool", "not", "truth", "invert", "sqrt",
             "floor", "fstr", "list", "minmax"]
BINARY_OPS = ["+", "r+", "-", "r-", "*", "r*", "/", "r/", "//", "%", "**", "&", "<<", "<",
              "==", ">=", "chain", "if", "while", "and", "or", "ifexp", "aug", "poly"]
PAIR_OPS = ["+", "-", "*", "/", "//", "%", "<", "==", "max"]


# -- comparing ---------------------------------------------------------------------------
def same(a, b) -> bool:
    """Exactly the same value: same type, same float bits (NaN == NaN, -0.0 != 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
                and (a.dtype.kind != "f" or np.array_equal(np.signbit(a), np.signbit(b))))
    if isinstance(a, (float, np.floating)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def clone(value):
    return value.copy() if isinstance(value, np.ndarray) else (
        list(value) if isinstance(value, list) else value)


def observe(func, args, mode):
    """(outcome, warnings, arguments after) of ``func(*args)`` under ``mode``."""
    args = [clone(a) for a in args]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error" if mode == "error" else "always")
        with np.errstate(**(MODES[mode] or {})):
            try:
                outcome = ("ok", func(*args))
            except Exception as exc:  # noqa: BLE001  (an outcome to compare)
                outcome = ("raise", type(exc), str(exc))
    return outcome, [(w.category, str(w.message)) for w in caught], args


def check(ref_f, jit_f, *args, modes=MODES):
    for mode in modes:
        (ro, rw, ra), (jo, jw, ja) = observe(ref_f, args, mode), observe(jit_f, args, mode)
        what = f"{ref_f.__name__}{args!r} [{mode}]"
        assert ro[0] == jo[0], f"{what}: interpreted {ro}, compiled {jo}"
        if ro[0] == "ok":
            assert same(ro[1], jo[1]), f"{what}: interpreted {ro[1]!r}, compiled {jo[1]!r}"
        else:
            assert ro == jo, f"{what}: interpreted {ro}, compiled {jo}"
        assert rw == jw, f"{what}: warnings {rw} vs {jw}"
        assert same(ra, ja), f"{what}: arguments after the call differ: {ra!r} vs {ja!r}"


# -- compiling ---------------------------------------------------------------------------
@pytest.fixture
def corpus(jitcy_env):
    """``corpus(name, *sample)``: (interpreted, compiled for the kinds of ``sample``); every
    kind gets its own copy of the module, so each function object has one specialization."""
    made, ref = [], load_fresh_module(CORPUS, f"npscalars_ref_{next(_copies)}")
    made.append(ref)

    def get(name, *sample):
        jit = load_fresh_module(CORPUS, f"npscalars_jit_{next(_copies)}")
        made.append(jit)
        func = getattr(jit, name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                compile_now(func, *[clone(s) for s in sample])
            except Exception:  # noqa: BLE001  (a sample that raises still compiles)
                pass
        stats = jitcy.stats(func)
        assert stats["state"] == "swapped", (stats["reason"], stats["failures"])
        return getattr(ref, name), func

    yield get
    for module in made:
        sys.modules.pop(module.__name__, None)


def compiled_path(func, before):
    after = jitcy.stats(func)
    assert after["guard_misses"] == before["guard_misses"], after
    assert after["fallbacks"] == before["fallbacks"], after


def arr(dtype, values):
    return np.array(values, dtype=DTYPES[dtype][0])


# -- one element, every operation ----------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("dtype", list(DTYPES))
def test_unary_operations_of_elements(corpus, dtype):
    ref, jit = corpus("unary", arr(dtype, [1, 2]), 0, "neg")
    before = jitcy.stats(jit)
    a = arr(dtype, DTYPES[dtype][1])
    for i, op in itertools.product(range(len(a)), UNARY_OPS):
        check(ref, jit, a, i, op)
    compiled_path(jit, before)


@pytest.mark.slow
@pytest.mark.parametrize("dtype,xs", [("f8", X_FLOATS), ("f8", X_INTS), ("f8", X_BOOLS),
                                      ("i8", X_FLOATS), ("i8", X_INTS), ("i8", X_BOOLS),
                                      ("i4", X_FLOATS), ("i4", X_INTS)])
def test_binary_operations_with_python_numbers(corpus, dtype, xs):
    """NEP 50: np.float64 op float -> np.float64, np.int64 op int -> np.int64, np.int64 op
    float -> np.float64, np.int32 op int -> np.int32 (OverflowError for an int out of
    int32's range), int / int -> np.float64; zero divisors, overflow and invalid results
    give NumPy's inf/nan/wrapped values and RuntimeWarnings, or FloatingPointError."""
    ref, jit = corpus("binary", arr(dtype, [1, 2]), 0, xs[-1], "+")
    before = jitcy.stats(jit)
    a = arr(dtype, DTYPES[dtype][1])
    for i, x, op in itertools.product(range(len(a)), xs, BINARY_OPS):
        check(ref, jit, a, i, x, op)
    compiled_path(jit, before)


@pytest.mark.slow
@pytest.mark.parametrize("kinds", [("f8", "f8"), ("f8", "i8"), ("i8", "f8"), ("i8", "i8"),
                                   ("i4", "i8"), ("i4", "i4"), ("i4", "f8")])
def test_operations_between_elements_of_two_dtypes(corpus, kinds):
    ref, jit = corpus("pair", arr(kinds[0], [1, 2]), arr(kinds[1], [1, 2]), 0, 1, "+")
    before = jitcy.stats(jit)
    a, b = arr(kinds[0], DTYPES[kinds[0]][1]), arr(kinds[1], DTYPES[kinds[1]][1])
    for i, j, op in itertools.product(range(len(a)), range(len(b)), PAIR_OPS):
        check(ref, jit, a, b, i, j, op, modes=("default", "raise"))
    compiled_path(jit, before)


# -- joins, accumulators and values that escape ---------------------------------------------
@pytest.mark.slow
def test_accumulator_is_float_on_zero_iterations_and_float64_after(corpus):
    ref, jit = corpus("accumulate", np.ones(3), 2, 1.5)
    before = jitcy.stats(jit)
    a = np.array([1.0, -2.5, 1e308, 1e308, math.nan])
    for n, start in itertools.product(range(6), [1.5, -0.0, 1e308, math.inf]):
        check(ref, jit, a, n, start)
    assert type(jit(a, 0, 1.5)) is float and type(jit(a, 1, 1.5)) is np.float64
    compiled_path(jit, before)
    ref, jit = corpus("mixed_kinds", np.ones(3), 2.0)
    for x in (2.0, -1.0, 0.0):
        check(ref, jit, np.array([3.5, 1.0]), x)


@pytest.mark.slow
def test_int_accumulators(corpus):
    """t = 0; t += a[i] is an int or an np.int64 (a Python object: NumPy adds, wraps and
    warns); t starting as an element is an np.int64 held in C."""
    ref, jit = corpus("int_total", arr("i8", [1, 2]))
    for values in ([], [1, 2, 3], [2**62, 2**62, -5], [-2**63, -1]):
        check(ref, jit, arr("i8", values))
    ref, jit = corpus("int_dot", arr("i8", [1, 2]), arr("i8", [1, 2]))
    before = jitcy.stats(jit)
    for x, y in (([1, 2], [3, 4]), ([2**62, 3], [4, 5]), ([-2**63], [-1]), ([7], [0])):
        check(ref, jit, arr("i8", x), arr("i8", y))
    compiled_path(jit, before)


@pytest.mark.slow
def test_comparison_results_escape_as_numpy_bools(corpus):
    ref, jit = corpus("bool_escapes", np.array([1.0, 2.0]), [])
    before = jitcy.stats(jit)
    for values in ([1.0, 2.0], [2.0, 1.0], [math.nan, 1.0], [-0.0, 0.0]):
        check(ref, jit, np.array(values), [])
    out = []
    c, _, _ = jit(np.array([3.0, 1.0]), out)
    assert type(c) is np.bool_ and out == [np.True_] and type(out[0]) is np.bool_
    compiled_path(jit, before)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", list(DTYPES))
def test_python_int_objects_with_elements(corpus, dtype):
    """An int that is a Python object (n * n may not fit 64 bits) with a NumPy scalar:
    NumPy's own operation (np.int64 + 2**80: OverflowError, np.float64 + 2**80: a float)."""
    ref, jit = corpus("object_ints", arr(dtype, [1, 2]), 3)
    for n in (0, 3, -7, 2**20, 2**31, 2**40, 2**70):
        check(ref, jit, arr(dtype, [5, -2]), n, modes=("default", "raise"))


@pytest.mark.slow
def test_identity_of_elements_is_kept(corpus):
    """A local whose identity the code looks at stays the NumPy scalar object itself."""
    ref, jit = corpus("identity", np.array([1.5, 2.0]))
    check(ref, jit, np.array([1.5, 2.0]))
    assert jit(np.array([1.5])) == (True, False, True, True)


# -- reductions: the fast loop and its verification -------------------------------------------
reduction_floats = st.sampled_from(F8_EDGES) | st.floats(allow_nan=True, allow_infinity=True)
vectors = st.integers(0, 8).flatmap(lambda n: st.tuples(
    hnp.arrays(np.float64, n, elements=reduction_floats),
    hnp.arrays(np.float64, n, elements=reduction_floats)))


@pytest.mark.slow
@SETTINGS
@given(pair=vectors)
def test_reductions_fast_and_checked_give_numpys_answer(corpus, pair):
    """Ordinary data takes the fast version; NaN, infinities, overflow, zero divisors and
    underflow (under np.errstate(all='raise'/'warn')) re-run the loop checked."""
    a, b = pair
    for name, args in (("dot", (a, b)), ("ratio_sum", (a, b)), ("two_results", (a,)),
                       ("sum_sq", (a,))):
        ref, jit = _compiled(corpus, name, args)
        check(ref, jit, *args)


_reductions = {}


def _compiled(corpus, name, args):
    key = (id(corpus), name)
    if key not in _reductions:
        _reductions.clear() if len(_reductions) > 16 else None
        _reductions[key] = corpus(name, *[np.ones(3) for _ in args])
    return _reductions[key]


@pytest.mark.slow
def test_reduction_edge_cases(corpus):
    cases = [
        ([1e308, 1e308], [2.0, 2.0]),          # overflow in the sum
        ([1e-200, 3.0], [1e-200, 1.0]),         # underflow of a product
        ([1e-300, 1.0], [1e300, 1.0]),          # underflow of a quotient
        ([1.0, 2.0], [0.0, 1.0]),               # zero divisor
        ([0.0, 1.0], [0.0, 1.0]),               # 0 / 0
        ([math.inf, 1.0], [1.0, math.inf]),     # inf - inf in the sum of products
        ([math.nan, 1.0], [1.0, 1.0]),          # NaN in the data: no warning
        ([-0.0], [0.0]),                        # the sign of zero
        ([], []),
        ([0.0, 1e-320], [0.0, 1e-10]),          # zero products are exact, subnormal not
    ]
    for name in ("dot", "ratio_sum", "two_results", "sum_sq"):
        ref, jit = corpus(name, *[np.ones(3)] * (2 if name in ("dot", "ratio_sum") else 1))
        before = jitcy.stats(jit)
        for x, y in cases:
            args = (np.array(x), np.array(y)) if name in ("dot", "ratio_sum") else (
                np.array(x),)
            check(ref, jit, *args)
        compiled_path(jit, before)


@pytest.mark.slow
def test_matmul_stencil_and_partial_writes(corpus):
    rng = np.random.default_rng(3)
    ref, jit = corpus("matmul", np.ones((2, 2)), np.ones((2, 2)), np.zeros((2, 2)))
    before = jitcy.stats(jit)
    m = rng.random((4, 3))
    for a, b, out in [(m, rng.random((3, 5)), np.zeros((4, 5))),
                      (m, rng.random((2, 5)), np.zeros((4, 5))),       # b too short: k
                      (m, rng.random((3, 5)), np.zeros((3, 5))),       # out too short: i
                      (np.array([[1e308, 1e308]]), np.array([[2.0], [2.0]]), np.zeros((1, 1))),
                      (np.array([[1e-200]]), np.array([[1e-200]]), np.zeros((1, 1)))]:
        check(ref, jit, a, b, out)
    compiled_path(jit, before)
    ref, jit = corpus("stencil", np.ones(4), np.zeros(4))
    before = jitcy.stats(jit)
    for n, k in ((6, 6), (6, 3), (2, 2), (0, 0), (5, 1)):
        check(ref, jit, rng.random(n), np.zeros(k))
    # each stored value is computed in plain C and verified: overflow, NaN, infinities,
    # underflow (2.0 * 1e-308 is fine, but a - 2a + a of tiny numbers is exact) redo it
    for values in ([1e308, -1e308, 1e308, 1.0], [1.0, math.nan, 2.0, 3.0],
                   [math.inf, 1.0, math.inf, 0.0], [1e-308, 5e-324, 1e-308, 0.0],
                   [-0.0, 0.0, -0.0, 0.0]):
        check(ref, jit, np.array(values), np.zeros(4))
    compiled_path(jit, before)


# -- bounds checks: elided only where proven ---------------------------------------------------
@pytest.mark.slow
def test_index_errors_where_the_index_is_not_proven(corpus):
    ref, jit = corpus("walk", np.ones(3), 3)
    for n in (0, 3, 4, 10):
        check(ref, jit, np.arange(3.0), n, modes=("default",))
    ref, jit = corpus("shape_walk", np.ones(3), np.ones(3))
    for na, nb in ((3, 3), (2, 3), (0, 1), (5, 3)):
        check(ref, jit, np.arange(float(na)), np.ones(nb), modes=("default",))
    with pytest.raises(IndexError) as info:
        jit(np.arange(2.0), np.ones(3))
    assert str(info.value) == "index 2 is out of bounds for axis 0 with size 2"


@pytest.mark.slow
def test_a_store_computes_the_value_before_checking_the_index(corpus):
    ref, jit = corpus("store_after_value", np.ones(3), 1, 2.0)
    for i, x in itertools.product((0, 2, 5, -9), (2.0, 0.0, -0.0, math.nan)):
        check(ref, jit, np.array([1.0, 2.0]), i, x)
    ref, jit = corpus("store_after_value", arr("i4", [1, 2]), 1, 2)
    for i, x in itertools.product((0, 5), (2, 0)):
        check(ref, jit, arr("i4", [7, 2]), i, x)


def _proofs(source, kinds):
    """[(subscript, index, proof)] for the proven indexes of the function ``source``."""
    node = ast.parse(source).body[0]
    found = bounds.proven(node, kinds, {"range", "len", "min"},
                          {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                          | {a.arg for a in node.args.args})
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            parts = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
            out += [(ast.unparse(sub), ast.unparse(p), found[id(p)]) for p in parts
                    if id(p) in found]
    return sorted(out)


def test_bounds_proofs():
    """Only an index proven within its own axis loses its check; one proven >= 0 keeps
    the upper check; anything else keeps both (NumPy's IndexError and wrap-around)."""
    one = {"a": "array:<f8:1:C", "b": "array:<f8:1:C"}
    assert _proofs("def f(a, b):\n for i in range(len(a)):\n  a[i] + b[i]", one) == [
        ("a[i]", "i", "in"), ("b[i]", "i", "nonneg")]
    assert _proofs("def f(a):\n n = a.shape[0]\n for i in range(1, n - 1):\n"
                   "  a[i - 1] + a[i + 1] + a[i + 2] + a[-1] + a[i - 2]", one) == [
        ("a[i + 1]", "i + 1", "in"), ("a[i + 2]", "i + 2", "nonneg"),
        ("a[i - 1]", "i - 1", "in")]
    assert _proofs("def f(a, n):\n for i in range(len(a)):\n  i = n\n  a[i]", one) == []
    assert _proofs("def f(a, n):\n for i in range(n):\n  a[i]", one) == [
        ("a[i]", "i", "nonneg")]
    assert _proofs("def f(a, n):\n n = len(a)\n n = n + 1\n for i in range(n):\n  a[i]",
                   one) == [("a[i]", "i", "nonneg")]
    assert _proofs("def f(a):\n for i in range(len(a)):\n  [a[i] for i in range(9)]",
                   one) == []
    assert _proofs("def f(a):\n for i in range(min(len(a), 9)):\n  a[i]\n else:\n  a[i]",
                   one) == [("a[i]", "i", "in")]
    two = {"m": "array:<f8:2:S"}
    assert _proofs("def f(m):\n r, c = m.shape\n for i in range(r):\n  for j in range(c):\n"
                   "   m[i, j]", two) == [("m[i, j]", "i", "in"), ("m[i, j]", "j", "in")]
    assert _proofs("def f(m):\n for i in range(m.shape[1]):\n  m[i, i]", two) == [
        ("m[i, i]", "i", "in"), ("m[i, i]", "i", "nonneg")]


def test_typing_rules_and_doctests():
    import ast as _ast
    assert npscalars.binop("int32", "int", _ast.Add()) == "int32"
    assert npscalars.binop("int32", "int64", _ast.Add()) == "int64"
    assert npscalars.binop("int64", "int", _ast.Div()) == "float64"
    assert npscalars.binop("float|float64", "float", _ast.Pow()) == "object"
    assert npscalars.binop("bool_", "int", _ast.Add()) == "object"
    assert npscalars.compare(["float64", "float"], [_ast.Lt()]) == "bool_"
    assert npscalars.compare(["float|float64", "float"], [_ast.Lt()]) == "object"
    for module in (npscalars, bounds, analyzer_arrays):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_arrays_of_numpy_1_stay_objects(monkeypatch):
    """NumPy 1's value-based casting gives other types than NEP 50: its arrays are not
    specialized (they run as plain objects, exactly as interpreted)."""
    from jitcy.analyzer import normalize_types
    from jitcy.profiler.arrays import ArrayType
    kind = ArrayType("<f8" if sys.byteorder == "little" else ">f8", 1, True)
    assert normalize_types((kind,)) == (kind,)
    monkeypatch.setattr(np, "__version__", "1.26.4")
    assert normalize_types((kind,)) == (object,)
