"""Direct C calls between compiled functions of one module (issue 3, item 6).

tests/corpus_calls.py is loaded twice (interpreted reference, compiled copy). A callee is
compiled first, then its caller; the caller's calls to it become C calls while the module
global still names the same, still compiled, function: checked on every call, so a
rebinding, an unswap or a callee reverted to the interpreter is seen at once.
"""
from __future__ import annotations

import io
import math
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jitcy
from jitcy.translator import naming

from .conftest import TESTS, compile_now, fresh_pair

pytestmark = pytest.mark.slow

CORPUS = TESTS / "corpus_calls.py"
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(CORPUS) as (ref, jit):
        yield ref, jit


def swapped(func, *args):
    st_ = compile_now(func, *args)
    assert st_["state"] == "swapped", (st_["reason"], st_["failures"])
    return st_


def outcome(func, *args):
    try:
        return "ok", func(*args)
    except Exception as exc:  # noqa: BLE001
        return "raise", (type(exc), str(exc))


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def compiled_calls(func):
    return jitcy.stats(func)["compiled_calls"]


def test_caller_calls_the_compiled_callee_in_c(pair):
    ref, jit = pair
    swapped(jit.norm, 3.0, 4.0)
    st_ = swapped(jit.total, 3, 0.5)
    assert st_["specializations"][0]["direct_calls"] == ["norm"]
    before = compiled_calls(jit.norm)
    assert jit.total(1000, 0.25) == ref.total(1000, 0.25)
    assert compiled_calls(jit.norm) == before + 1000     # every call ran norm's C code


@SETTINGS
@given(n=st.integers(-2, 50), step=st.floats(allow_nan=True, allow_infinity=True))
def test_direct_calls_give_the_interpreters_answers(pair, n, step):
    ref, jit = pair
    swapped(jit.norm, 3.0, 4.0)
    swapped(jit.total, 3, 0.5)
    swapped(jit.sq, 3)
    swapped(jit.sum_squares, 3)
    r, j = outcome(ref.total, n, step), outcome(jit.total, n, step)
    assert r[0] == j[0] and same(r[1], j[1]), (r, j)
    assert jit.sum_squares(n) == ref.sum_squares(n)


@SETTINGS
@given(n=st.integers(-1, 20), d=st.floats(-3, 3) | st.just(0.0) | st.just(-0.0))
def test_exceptions_from_the_callee_propagate(pair, n, d):
    ref, jit = pair
    swapped(jit.safe_div, 1.0, 2.0)
    swapped(jit.ratios, 3, 2.0)
    assert jitcy.stats(jit.ratios)["specializations"][0]["direct_calls"] == ["safe_div"]
    r, j = outcome(ref.ratios, n, d), outcome(jit.ratios, n, d)
    assert r[0] == j[0] and same(r[1], j[1]) if r[0] == "ok" else r == j, (r, j)


def test_a_small_pure_callee_runs_inlined_and_errors_come_from_its_own_code(pair):
    """safe_div needs nothing of its module: ratios carries a copy of its C body and runs
    it in place of the call, counted as safe_div's compiled calls. An error in the copy
    makes the real call, so the exception comes from safe_div, with its frame."""
    ref, jit = pair
    swapped(jit.safe_div, 1.0, 2.0)
    swapped(jit.ratios, 3, 2.0)
    out = io.StringIO()
    jitcy.explain(jit.ratios, file=out)
    assert "cdef inline double __jitcy_inl_0(double a, double b)" in out.getvalue()
    before = compiled_calls(jit.safe_div)
    assert jit.ratios(50, 4.0) == ref.ratios(50, 4.0)
    assert compiled_calls(jit.safe_div) == before + 50
    with pytest.raises(ZeroDivisionError) as info:
        jit.ratios(3, 0.0)
    assert [e.name for e in info.traceback][-1] == "safe_div"
    with pytest.raises(ZeroDivisionError) as ref_info:
        ref.ratios(3, 0.0)
    assert str(info.value) == str(ref_info.value)


def test_an_inlined_callee_sees_its_builtins_shadowed(pair):
    """clamp's copy uses C min/max: while the module defines a global `min`, the caller
    makes the real call, which then runs clamp's original code with that global."""
    ref, jit = pair
    swapped(jit.clamp, 1.0, 0.0, 2.0)
    swapped(jit.clamped_sum, 3, 2.0)
    out = io.StringIO()
    jitcy.explain(jit.clamped_sum, file=out)
    assert f"{naming.INLINE}0(" in out.getvalue()
    assert f"{naming.INLINE_NAMES}0 = ('max', 'min')" in out.getvalue()
    before = compiled_calls(jit.clamp)
    assert jit.clamped_sum(20, 3.5) == ref.clamped_sum(20, 3.5)
    assert compiled_calls(jit.clamp) == before + 20
    jit.min = ref.min = lambda a, b: a + b
    assert jit.clamped_sum(20, 3.5) == ref.clamped_sum(20, 3.5) == 165.0
    del jit.min, ref.min
    before = compiled_calls(jit.clamp)
    assert jit.clamped_sum(20, 3.5) == ref.clamped_sum(20, 3.5)
    assert compiled_calls(jit.clamp) == before + 20


def test_an_inlined_callee_sees_math_rebound(pair):
    """norm's copy calls C sqrt: while the module's global `math` is another object, the
    caller makes the real call, which runs norm's original code with that object."""
    import types
    ref, jit = pair
    swapped(jit.norm, 3.0, 4.0)
    swapped(jit.total, 3, 0.5)
    out = io.StringIO()
    jitcy.explain(jit.total, file=out)
    assert f"{naming.INLINE}0(" in out.getvalue()
    assert f"{naming.INLINE_KNOWN}0 = (('math', {naming.MATH_MODULE}), )" in out.getvalue()
    assert jit.total(50, 0.25) == ref.total(50, 0.25)
    real_math = jit.math
    jit.math = ref.math = types.SimpleNamespace(sqrt=lambda v: -v)
    assert jit.total(10, 1.0) == ref.total(10, 1.0) == -295.0
    jit.math = ref.math = real_math
    before = compiled_calls(jit.norm)
    assert jit.total(10, 1.0) == ref.total(10, 1.0)
    assert compiled_calls(jit.norm) == before + 10


def test_a_callee_that_reads_its_globals_is_called_not_inlined(pair):
    """scaled reads the module global SCALE through its own binding (and is not pure: a
    global may be anything): callers call its C entry, not a copy, and a new value of
    SCALE is seen at once."""
    ref, jit = pair
    swapped(jit.scaled, 1.0)
    st_ = swapped(jit.scaled_sum, 3)
    assert st_["specializations"][0]["direct_calls"] == ["scaled"]
    out = io.StringIO()
    jitcy.explain(jit.scaled_sum, file=out)
    assert "__jitcy_call_0(__jitcy_b, " in out.getvalue()
    assert naming.INLINE not in out.getvalue()
    assert jit.scaled_sum(10) == ref.scaled_sum(10)
    jit.SCALE = ref.SCALE = 3.0
    assert jit.scaled_sum(10) == ref.scaled_sum(10) == 67.5


def test_a_module_given_fewer_link_targets_than_it_reads_refuses_them(pair):
    """The call helpers read a binding's links by index, unchecked (emit_calls.py): the
    module refuses a links tuple shorter than the helpers read, and the links it had stay."""
    ref, jit = pair
    swapped(jit.safe_div, 1.0, 2.0)
    swapped(jit.ratios, 3, 2.0)
    spec = jitcy.pipeline.lookup(jit.ratios).primary
    module = sys.modules[spec.module_name]
    assert getattr(module, naming.LINKS_NEEDED) == 1
    with pytest.raises(ValueError, match="calls 1 compiled functions directly but was given "
                                         "0 link targets"):
        getattr(module, naming.SET_LINKS)(spec.binding, ())
    before = compiled_calls(jit.safe_div)
    assert jit.ratios(5, 2.0) == ref.ratios(5, 2.0)
    assert compiled_calls(jit.safe_div) == before + 5


def test_an_inlined_callee_is_traced_once_a_trace_function_is_set(pair):
    """A trace function set by Python code the caller runs mid-loop sees every later call
    of the inlined callee, as the interpreter's would."""
    ref, jit = pair
    swapped(jit.safe_div, 1.0, 2.0)
    swapped(jit.ratios_hooked, 3, lambda: None)

    def traced_calls(func):
        calls = []

        def tracer(frame, event, arg):
            if event == "call" and frame.f_code.co_name == "safe_div":
                calls.append(frame.f_locals["a"])
            return None

        try:
            result = func(6, lambda: sys.settrace(tracer))
        finally:
            sys.settrace(None)
        return result, calls

    assert traced_calls(jit.ratios_hooked) == traced_calls(ref.ratios_hooked)
    assert traced_calls(ref.ratios_hooked)[1] == [3.0, 4.5, 6.0, 7.5]


@SETTINGS
@given(i=st.integers(-3, 3) | st.sampled_from([2**63 - 1, 2**63, -2**63 - 1, 2**64]),
       j=st.integers(-3, 3) | st.sampled_from([2**62, 2**63, -2**63]))
def test_int_items_of_a_tuple_pass_as_c_long_longs(pair, i, j):
    """pair_ratio unpacks its tuple's int items into C long longs (the entry checks that
    they fit, else runs the original code) and passes them to safe_div's inlined body,
    which converts them to doubles as Python does (an int past 2**53 rounds the same)."""
    ref, jit = pair
    if jitcy.pipeline.lookup(jit.pair_ratio) is None:
        swapped(jit.safe_div, 1, 2)
        swapped(jit.pair_ratio, (1, 2))
        out = io.StringIO()
        jitcy.explain(jit.pair_ratio, file=out)
        assert "cdef long long i" in out.getvalue()
        assert "__jitcy_call_0_p(__jitcy_b, __jitcy_lc0, i, j)" in out.getvalue()
    r, k = outcome(ref.pair_ratio, (i, j)), outcome(jit.pair_ratio, (i, j))
    assert r[0] == k[0] and (same(r[1], k[1]) if r[0] == "ok" else r == k), (i, j, r, k)


@SETTINGS
@given(i=st.integers(-3, 40) | st.sampled_from([2**62, -2**63, 2**70, 2**30 - 1, 2**30,
                                                2**30 + 1, 3037000499, 3037000500]),
       xs=st.lists(st.floats(-1e3, 1e3) | st.integers(-5, 5)
                   | st.sampled_from([2**53 + 1, True, math.nan]), max_size=6))
def test_a_pure_caller_of_a_pure_callee_gives_the_interpreters_answers(pair, i, xs):
    """weighted_row calls weight (linked: its inlined copy), so it is pure: C ints (an
    overflow re-runs the call with the original code), its elements read as numbers (a
    float, or an exact int; anything else re-runs), its sum a double that starts as the int
    0 (an empty list returns the int 0). Errors come from weight's own code. weight is
    raise-free for arguments in [0, 2**30] (analyzer/raise_free.py): those calls run its
    unchecked copy; the others (negative: a zero divisor at -1; past 2**30; past the
    overflow of (i + j) * (i + j + 1) near 3037000500) its checked copy."""
    ref, jit = pair
    if jitcy.pipeline.lookup(jit.weighted_row) is None:
        swapped(jit.weight, 1, 2)
        swapped(jit.weighted_row, 3, [1.0, 2.0])
        out = io.StringIO()
        jitcy.explain(jit.weighted_row, file=out)
        text = out.getvalue()
        # the link checked once per call (nothing in a pure body can change it); the
        # call site runs the unchecked copy for small arguments, the checked call (whose
        # error value is tested) only otherwise; an exact float element read in the loop
        for part in ("cdef double total",
                     "x = __jitcy_float_value(__jitcy_list_at(__jitcy_sq0, __jitcy_sk0)) "
                     "if __jitcy_likely(__jitcy_is_exact_float(__jitcy_list_at(__jitcy_sq0, "
                     "__jitcy_sk0))) else __jitcy_spec_number_at(__jitcy_list_at(",
                     "__jitcy_lc0 = __jitcy_ready_0(__jitcy_b)",
                     "total = total + (__jitcy_inlf_0(i, j) if __jitcy_likely("
                     "__jitcy_call_0_fits(__jitcy_lc0, i, j)) else "
                     "__jitcy_call_0_p(__jitcy_b, __jitcy_lc0, i, j)) * x",
                     "@cython.overflowcheck(False)\n"
                     "cdef inline bint __jitcy_call_0_fits(unsigned long long* __jitcy_lc, "
                     "long long __jitcy_a0, long long __jitcy_a1) noexcept:\n"
                     "    if <unsigned long long>__jitcy_a0 <= 1073741824 and "
                     "<unsigned long long>__jitcy_a1 <= 1073741824:\n"
                     "        __jitcy_lc[0] += 1\n"
                     "        return True\n"
                     "    return False",
                     "@cython.overflowcheck(False)\n"
                     "cdef inline double __jitcy_inlf_0(long long i, long long j) noexcept:\n"
                     "    return __jitcy_fdiv_nz(1.0, ((i + j) * (i + j + 1) >> 1) + i + 1)",
                     "    if <unsigned long long>__jitcy_a0 <= 1073741824 and "
                     "<unsigned long long>__jitcy_a1 <= 1073741824:\n"
                     "        __jitcy_lc[0] += 1\n"
                     "        return __jitcy_inlf_0(__jitcy_a0, __jitcy_a1)"):
            assert part in text, part
    r, k = outcome(ref.weighted_row, i, xs), outcome(jit.weighted_row, i, xs)
    assert r[0] == k[0] and (same(r[1], k[1]) if r[0] == "ok" else r == k), (i, xs, r, k)


def test_a_pure_caller_leaves_while_its_callee_is_not_linked(pair):
    """While weight names another function the pure caller cannot call it in C: it leaves,
    and the original code calls whatever weight is now. Linked again once restored."""
    ref, jit = pair
    swapped(jit.weight, 1, 2)
    swapped(jit.weighted_row, 3, [1.0, 2.0])
    before = compiled_calls(jit.weight)
    assert same(jit.weighted_row(2, [1.0, 2, 3.5]), ref.weighted_row(2, [1.0, 2, 3.5]))
    assert compiled_calls(jit.weight) == before + 3          # ran inlined
    assert jit.weighted_row(2, []) == 0 and type(jit.weighted_row(2, [])) is int
    compiled_weight = jit.weight
    jit.weight = lambda i, j: 10 * i + j
    ref.weight = lambda i, j: 10 * i + j
    assert same(jit.weighted_row(2, [1, 2]), ref.weighted_row(2, [1, 2]))
    assert type(jit.weighted_row(2, [1, 2])) is int           # the lambda's int, as Python
    jit.weight = compiled_weight
    before = compiled_calls(jit.weight)
    jit.weighted_row(1, [1.0, 2.0])
    assert compiled_calls(jit.weight) == before + 2           # linked again
    with pytest.raises(ZeroDivisionError) as info:
        jit.weighted_row(-1, [1.0])
    assert [e.name for e in info.traceback][-1] == "weight"


def test_a_rebinding_of_the_callee_is_seen_at_once(pair):
    ref, jit = pair
    swapped(jit.norm, 3.0, 4.0)
    swapped(jit.total, 3, 0.5)
    compiled_norm = jit.norm
    jit.norm = lambda x, y: 1.0
    assert jit.total(5, 1.0) == 5.0
    jit.norm = compiled_norm
    assert jit.total(5, 1.0) == ref.total(5, 1.0)
    del jit.norm
    with pytest.raises(NameError, match="'norm' is not defined"):
        jit.total(1, 1.0)
    jit.norm = compiled_norm
    before = compiled_calls(jit.norm)
    jit.total(4, 1.0)
    assert compiled_calls(jit.norm) == before + 4      # linked again


def test_an_unswapped_callee_runs_interpreted(pair):
    ref, jit = pair
    swapped(jit.norm, 3.0, 4.0)
    swapped(jit.total, 3, 0.5)
    jitcy.unswap(jit.norm)
    before = compiled_calls(jit.norm)
    assert jit.total(10, 0.5) == ref.total(10, 0.5)
    assert compiled_calls(jit.norm) == before


def test_arguments_of_other_types_make_a_python_call(pair):
    ref, jit = pair
    swapped(jit.norm, 3.0, 4.0)
    swapped(jit.mixed, 3)
    assert "direct_calls" not in jitcy.stats(jit.mixed)["specializations"][0]
    assert jit.mixed(3) == ref.mixed(3)
    swapped(jit.head, [1, 2])
    swapped(jit.heads, [[1], []])
    assert jit.heads([[1, 2], [], [3]]) == ref.heads([[1, 2], [], [3]])


def test_a_callee_not_yet_compiled_is_a_python_call(pair):
    ref, jit = pair
    swapped(jit.total, 3, 0.5)
    assert "direct_calls" not in jitcy.stats(jit.total)["specializations"][0]
    assert jit.total(7, 0.5) == ref.total(7, 0.5)


@SETTINGS
@given(xs=st.lists(st.integers(-5, 5) | st.sampled_from([2**62, 2**63 - 1, 2**64, -2**63]),
                   max_size=6),
       k=st.integers(-3, 3) | st.sampled_from([2**31, 2**62, 2**63 - 1, 2**63, -2**63 - 1]))
def test_int_arguments_pass_as_c_long_longs_or_as_python_ints(pair, xs, k):
    """poly's C entry takes long longs. In poly_sum, i (a C counter) and k (a parameter
    used only there, converted at the entry: one that does not fit runs the original code)
    are passed as they are; in poly_sq, k * k (a Python int) is converted by the caller's
    helper, or poly is called in Python if it does not fit. A product past 2**63 re-runs
    poly interpreted (x, a list element, is not known to be an int: a Python call). Every
    answer is the interpreter's."""
    ref, jit = pair
    if jitcy.pipeline.lookup(jit.poly_sum) is None:
        swapped(jit.poly, 2, 3)
        for caller, helper in ((jit.poly_sum, "__jitcy_call_0(__jitcy_b, i, k)"),
                               (jit.poly_sq, "__jitcy_call_0_co(__jitcy_b, i, ")):
            st_ = swapped(caller, [1, 2], 3)
            assert st_["specializations"][0]["direct_calls"] == ["poly"]
            out = io.StringIO()
            jitcy.explain(caller, file=out)
            assert helper in out.getvalue()
    for name in ("poly_sum", "poly_sq"):
        r, j = outcome(getattr(ref, name), xs, k), outcome(getattr(jit, name), xs, k)
        assert r == j, (name, xs, k, r, j)


def _explained(func) -> str:
    out = io.StringIO()
    jitcy.explain(func, file=out)
    return out.getvalue()


@SETTINGS
@given(n=st.integers(0, 12),
       k=st.integers(-3, 14) | st.sampled_from([-2**30, -2**30 + 1, -2**30 - 1, 2**30,
                                                -3037000500, -2**32, -2**62, 2**63 - 1]))
def test_a_raise_free_callee_runs_unchecked_for_small_ints_and_checked_otherwise(pair, n, k):
    """tri is raise-free while 0 <= i, j <= 2**30 (analyzer/raise_free.py): tri_row (not
    pure: the call helper checks the link per call) runs its unchecked copy when both
    arguments pass the range test, and the checked copy otherwise: i - k = -1 divides by
    zero (raised from tri's own code), i - k past 3037000499 overflows i * i (the Python
    call, with Python's ints); a k past 2**61 runs tri_row's original code (its entry's
    int range). Every call counts as tri's."""
    ref, jit = pair
    if jitcy.pipeline.lookup(jit.tri_row) is None:
        swapped(jit.tri, 1, 2)
        swapped(jit.tri_row, 3, 0)
        text = _explained(jit.tri_row)
        for part in ("@cython.overflowcheck(False)\n"
                     "cdef inline double __jitcy_inlf_0(long long i, long long j) noexcept:",
                     "        if <unsigned long long>",
                     "            return __jitcy_inlf_0("):
            assert part in text, part
    before = compiled_calls(jit.tri)
    r, j = outcome(ref.tri_row, n, k), outcome(jit.tri_row, n, k)
    assert r[0] == j[0] and (same(r[1], j[1]) if r[0] == "ok" else r == j), (n, k, r, j)
    if r[0] == "ok":
        assert compiled_calls(jit.tri) == before + n


@SETTINGS
@given(n=st.integers(-1, 6), t=st.floats(allow_nan=True, allow_infinity=True))
def test_a_raise_free_float_callee_always_runs_its_unchecked_copy(pair, n, t):
    """lerp has no int parameter: no range test, its unchecked copy runs on every call
    (a float overflow gives inf, as in Python; nan and -0.0 as Python's)."""
    ref, jit = pair
    if jitcy.pipeline.lookup(jit.lerp_path) is None:
        swapped(jit.lerp, 1.0, 2.0, 0.5)
        swapped(jit.lerp_path, 3, 0.5)
        assert "        if 1:\n            (<__jitcy_Link>lp).calls[0] += 1\n" \
               "            return __jitcy_inlf_0(" in _explained(jit.lerp_path)
    before = compiled_calls(jit.lerp)
    assert same(jit.lerp_path(n, t), ref.lerp_path(n, t))
    assert compiled_calls(jit.lerp) == before + max(n, 0)


def test_a_callee_that_may_raise_has_no_unchecked_copy(pair):
    """safe_div divides by a float parameter, which may be 0.0: only its checked copy."""
    ref, jit = pair
    swapped(jit.safe_div, 1.0, 2.0)
    swapped(jit.ratios, 3, 2.0)
    text = _explained(jit.ratios)
    assert "__jitcy_inl_0(" in text and "__jitcy_inlf_" not in text
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        jit.ratios(2, 0.0)
