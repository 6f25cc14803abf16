"""What the analyzer infers (fast: no build). The differential tests prove the compiled
code gives the interpreter's answers; these pin down that it is *typed* (C ints, doubles,
C math) and that the reasons for what stays slow are written down."""
from __future__ import annotations

import pytest

from jitcy import analyzer
from jitcy.translator import emit_module

from .conftest import TESTS, load_fresh_module


@pytest.fixture(scope="module")
def corpus():
    return load_fresh_module(TESTS / "corpus_types.py", "corpus_types_typing")


def typed(func, *types):
    return analyzer.analyze(func, func.__code__, analyzer.normalize_types(types))


@pytest.mark.parametrize("name, types", [
    ("fib_pair", (int,)), ("swap_floats", (float, float, int)),
    ("mandel_tuple", (float, float, int)), ("math_one", (int, float)),
    ("math_norms", (int, float)), ("math_of_ints", (int, int)), ("math_floor_ceil", (float,)),
    ("pure_with_default", (int, int, int)), ("char_classes", (str,)),
])
def test_pure_functions_get_c_ints(corpus, name, types):
    fn = typed(getattr(corpus, name), *types)
    assert fn.c_ints, fn.notes


def test_parallel_assignment_types(corpus):
    fn = typed(corpus.swap_floats, float, float, int)
    assert fn.types["x"] == fn.types["y"] == "float" and fn.c_type("x") == "double"
    fn = typed(corpus.mandel_tuple, float, float, int)
    assert fn.types["zr"] == fn.types["zi"] == "float" and fn.c_type("n") == "long long"


def test_math_calls_compile_to_c_helpers(corpus):
    pyx = emit_module.emit_module(typed(corpus.math_norms, int, float))
    assert "__jitcy_m_sqrt(" in pyx and "__jitcy_m_sin(" in pyx and "__jitcy_mc_pi" in pyx
    assert "global_get(__jitcy_b, 'math')" not in pyx     # pure: no per-use check
    pyx = emit_module.emit_module(typed(corpus.math_impure, list, float))
    # libm's sqrt where the argument gives no suspicious result, the checked helper
    # otherwise; both only while math is still the math module
    assert ("(__jitcy_c_sqrt(x) if __jitcy_likely(__jitcy_msafe_sqrt(x)) else __jitcy_m_sqrt(x))"
            " if __jitcy_known_ok(__jitcy_b)") in pyx
    assert ("cdef inline bint __jitcy_msafe_sqrt(double x) noexcept nogil:\n"
            "    return x >= 0.0") in pyx
    # math.exp(v) of an object (a list element): converted as math.exp converts it
    assert "__jitcy_m_exp(__jitcy_fx_value_F(v, " in pyx
    notes = [why for _, why in typed(corpus.math_impure, list, float).notes]
    assert not any("exp()" in why for why in notes), notes       # C math: not a slow call


def test_math_types(corpus):
    fn = typed(corpus.math_two, float, float)
    assert fn.return_type == "tuple"
    fn = typed(corpus.math_floor_ceil, float)
    assert fn.types["a"] == fn.types["b"] == fn.types["c"] == "int"
    fn = typed(corpus.math_of_objects, int)
    assert not fn.c_ints and fn.types["v"] == "int"


def test_math_known_only_while_bound_to_math(corpus):
    import math
    assert analyzer.known_globals_key(corpus.math_one.__code__, vars(corpus)) == [
        ["math", "math"], ["sqrt", "math.sqrt"]]
    fake = {"math": object(), "sqrt": abs}
    assert analyzer.known_globals_key(corpus.math_one.__code__, fake) == []
    assert math.sqrt is corpus.sqrt


def test_notes_say_why_code_stays_slow():
    source = load_fresh_module(TESTS / "corpus_types.py", "corpus_types_notes")
    fn = typed(source.math_impure, list, float)
    text = fn.describe()
    assert "x: float -> double" in text and "out: list -> list" in text
    notes = dict((why, line) for line, why in fn.notes)
    assert any("list element type unknown" in why for why in notes), fn.notes
    fn = typed(source.counter_index, list)
    assert fn.counters["i"] == (-1, 2**62 - 1) and fn.c_type("i") == "long long"
    assert f"i: int -> long long (C integer in -1..{2**62 - 1})" in fn.describe()


def test_step_counters_are_c_ints_in_bodies_that_are_not_pure(corpus):
    fn = typed(corpus.step_counters, list, int)
    assert not fn.c_ints
    assert fn.counters["count"] == (0, 2**62) and fn.c_type("count") == "long long"
    assert fn.counters["down"] == (-2**62, 10)
    assert "doubling" not in fn.counters        # may grow past 2**63
    # big starts at n, a parameter the entry checks within +-2**61 (ranges.PARAM_REACH)
    assert fn.counters["big"] == (-2**61, 2**62)
    pyx = emit_module.emit_module(fn)
    assert "count = count + 1  # line" in pyx and "down = down - 3  # line" in pyx
    assert "big = big + 1  # line" in pyx
    assert "doubling = doubling * 2  # line" in pyx     # Python ints (an object local)
    # count * down may leave a long long: computed on Python ints
    assert "__jitcy_mul(__jitcy_obj(count), __jitcy_obj(down))" in pyx


def test_loop_conditions_bound_the_body_and_steps_known_at_run_time_count_in_c(corpus):
    """``while i * i < n``: i * i is a C int in the body until i changes (ranges.py, loop
    facts), so range(i * i, n, i) has C bounds and j is a C counter; a range whose step is
    not a constant becomes a counted C loop (rewrite_arith.py), which Cython would not
    make. n, used only as a repetition count, a comparison operand and a range bound, is
    converted at the entry."""
    fn = typed(corpus.sieve_facts, int)
    assert not fn.c_ints
    assert {"n", "i", "j"} <= set(fn.counters)
    pyx = emit_module.emit_module(fn)
    assert "__jitcy_rg0a = i * i  # line" in pyx
    assert "for __jitcy_rg0k in range(__jitcy_range_count(__jitcy_rg0a, __jitcy_rg0b, " \
        "__jitcy_rg0c)):" in pyx
    assert "j = __jitcy_range_at(__jitcy_rg0a, __jitcy_rg0c, __jitcy_rg0k)" in pyx
    # Python ints: the condition, i * i after i changed, and i * i appended (an object
    # there: not a place where C pays)
    assert "while __jitcy_mul(__jitcy_obj(i), __jitcy_obj(i)) < n:" in pyx
    assert pyx.count("__jitcy_mul(__jitcy_obj(i), __jitcy_obj(i))") == 3
    fn = typed(corpus.range_steps, list, int, int, int)
    assert {"a", "b", "c", "j"} <= set(fn.counters)
    assert "__jitcy_range_count(" in emit_module.emit_module(fn)


def test_int_parameters_of_bodies_that_are_not_pure_are_c_within_their_reach(corpus):
    """ranges.PARAM_REACH: an int parameter is C within +-2**61 (checked at the entry), so
    n + 1 and the step counter r = n; r -= 1 fit; range() arguments are C places."""
    from jitcy.analyzer.ranges import PARAM_REACH
    fn = typed(corpus.param_reach, list, int)
    assert not fn.c_ints
    assert fn.counters["n"] == (-PARAM_REACH, PARAM_REACH)
    assert fn.counters["m"] == (-PARAM_REACH - 1, PARAM_REACH - 1)
    assert "r" in fn.counters
    pyx = emit_module.emit_module(fn)
    assert (f"if __jitcy_overflow or __jitcy_c1 < -{PARAM_REACH} or __jitcy_c1 > {PARAM_REACH}:"
            in pyx)
    assert "list(range(n + 1, n - 3, -1))" in pyx


def test_range_arguments_are_c_places_beside_direct_calls(corpus):
    """A call that is not a direct call (range) still makes its arguments C places when the
    function also calls compiled functions directly."""
    from jitcy.analyzer.model import CalleeSig
    f = corpus.range_with_call
    sig = CalleeSig(name="helper_scale", index=0, c_ret="double", c_params=("long long",),
                    guard_types=("int",), return_type="float")
    fn = analyzer.analyze(f, f.__code__, analyzer.normalize_types((list, int)),
                          {"helper_scale": sig})
    assert "n" in fn.counters


def test_loop_facts_hold_only_where_nothing_can_have_changed_the_condition():
    """A loop fact covers the body statements before the first that assigns a name of
    the condition; none at all in a function with a nested scope (a closure could rebind
    the local) or for a condition that calls or reads an attribute."""
    import ast
    from jitcy.analyzer import ranges

    def conditions(src):
        node = ast.parse(src).body[0]
        locals_ = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {"n"}
        return [(ast.unparse(e), len(region))
                for e, _, _, region in ranges.loop_conditions(node, locals_)]

    assert conditions("def f(n):\n i = 0\n while i * i < n:\n  a = i * i\n  i += 1\n"
                      "  b = i * i\n") == [("i * i", 1), ("n", 1)]
    assert conditions("def f(n):\n i = 0\n while i < n:\n  g = lambda: i\n  i += 1\n") == []
    assert conditions("def f(n, xs):\n i = 0\n while len(xs) < n:\n  i += 1\n") == []
    assert conditions("def f(n):\n i = 0\n while i < n:\n  for k in range(2):\n"
                      "   i += k\n") == [("i", 0), ("n", 0)]
    assert conditions("def f(n):\n i = 0\n while i < n:\n  a = i\n  try:\n   pass\n"
                      "  except E as i:\n   pass\n") == [("i", 1), ("n", 1)]
    assert conditions("def f(n):\n i = 0\n while i < n:\n  match n:\n   case [*i]:\n"
                      "    pass\n") == [("i", 0), ("n", 0)]


def test_depth_bound_of_self_recursion():
    """analyzer/recursion.py: the depth a call can nest, from a base case that returns and
    self-calls that lower the same parameter by a literal; anything else: no bound."""
    module = load_fresh_module(TESTS / "corpus_recursion.py", "corpus_recursion_typing")
    assert typed(module.fib, int).depth_bound == (0, 0)
    assert typed(module.tri, int, int).depth_bound == (1, -2)   # calls need n >= 4
    for name in ("countdown", "grows", "late_guard", "base_recurses"):
        fn = typed(getattr(module, name), int)
        assert fn.self_recursive and fn.depth_bound is None, name


def test_notes_for_mixed_types_and_unknown_calls(tmp_path):
    path = tmp_path / "mixed_notes.py"
    path.write_text(
        "def g(v):\n"
        "    return v\n"
        "\n"
        "def f(xs, k, o):\n"
        "    y = 0\n"
        "    for x in xs:\n"
        "        y = y + 0.5\n"
        "    return y, g(k), o.attr, xs[0], o.m()\n")
    module = load_fresh_module(path, "mixed_notes")
    fn = typed(module.f, list, int, object)
    notes = {why: line for line, why in fn.notes}
    assert notes["'y' may be float or int: kept as a Python object (start it as 0.0, not 0, "
                 "if it holds floats)"] == 7
    assert notes["call to the global g(): a Python call, its result is an object"] == 8
    assert notes["xs[...]: list element type unknown (a Python object)"] == 8
    assert any(why.startswith("o.attr: attribute") for why in notes)
    assert any(why.startswith("method call .m()") for why in notes)
    assert notes["for x in xs: list element type unknown (each element is a Python object)"] == 6
    assert fn.types["y"] == "object" and fn.types["k"] == "int"


def test_str_loops_are_pure_and_chars_are_code_points(corpus):
    fn = typed(corpus.char_classes, str)
    assert fn.c_ints and fn.c_type("ch") == "Py_UCS4" and fn.c_type("vowels") == "long long"
    fn = typed(corpus.char_compares, str, int)
    assert fn.c_ints and fn.c_type("c") == "str"         # compared with "ab": stays a str
    fn = typed(corpus.char_escapes, str)
    assert fn.c_type("c") == "str"                       # appended: a str object


def _element_read(check: str) -> str:
    """A walked list's element, as the loop reads it: an exact float's value in the loop
    itself, the checking helper (spec_number_at / spec_float_at) only otherwise."""
    item = "__jitcy_list_at(__jitcy_sq0, __jitcy_sk0)"
    return (f"x = __jitcy_float_value({item}) if __jitcy_likely(__jitcy_is_exact_float({item}))"
            f" else __jitcy_spec_{check}_at({item})")


def test_list_elements_speculated_only_where_they_type_the_body(corpus):
    fn = typed(corpus.spec_stats, list)
    assert fn.speculated and fn.c_ints and fn.c_type("total") == "double"
    assert fn.c_type("x") == "double"
    fn = typed(corpus.spec_index, list, tuple, int)
    assert fn.speculated and fn.c_type("s") == "double"
    fn = typed(corpus.counter_index, list)          # not pure: elements stay objects
    assert not fn.speculated
    pyx = emit_module.emit_module(typed(corpus.spec_stats, list))
    # the list walked by index, each item read borrowed; x is read only as an operand of
    # float arithmetic: an exact int passes too
    for line in ("__jitcy_sq0 = xs", "__jitcy_sk0 = 0",
                 "while __jitcy_sk0 < __jitcy_seq_size(__jitcy_sq0):",
                 _element_read("number"),
                 "__jitcy_sk0 += 1"):
        assert line in pyx, line
    pyx = emit_module.emit_module(typed(corpus.spec_strict_reads, list, float))
    # last = x: an int would show
    assert _element_read("float") in pyx


def test_float_locals_that_start_as_an_int_literal(corpus):
    """``total = 0`` then float additions: a C double with a flag in a pure, speculated
    body; the flag is checked only where the int would show (returned, stored)."""
    fn = typed(corpus.spec_enumerate_dot, list, float)
    assert fn.c_ints and fn.speculated and fn.int_starts == {"total"}
    assert fn.c_type("total") == "double" and fn.c_type("j") == "long long"
    pyx = emit_module.emit_module(fn)
    for line in ("total = 0.0", "__jitcy_is_int_total = True",
                 _element_read("number"),
                 "j = __jitcy_sk0", "total = total + (x * w + j * 0.5)",
                 "__jitcy_is_int_total = False",
                 "return __jitcy_int_start_read(__jitcy_is_int_total, total)"):
        assert line in pyx, line
    pyx = emit_module.emit_module(typed(corpus.spec_strict_reads, list, float))
    assert "if total > 100:" in pyx                            # a comparison: the double
    assert "return (__jitcy_int_start_read(__jitcy_is_int_total, total), last, total < 1)" in pyx


def test_int_starts_only_where_every_assignment_gives_a_float(tmp_path):
    path = tmp_path / "int_starts.py"
    path.write_text(
        "def count(xs):\n    n = 0\n    for x in xs:\n        n += 1\n    return n\n"
        "def squares(xs):\n    s = 0\n    for x in xs:\n        s += x * x\n    return s\n"
        "def chained(xs):\n    s = 0\n    t = 0\n    for x in xs:\n"
        "        t += x * 0.5\n        s += t\n    return s, t\n"
        "def halves(xs):\n    h = 0\n    for x in xs:\n        h = x / 2\n    return h\n"
        "def big(xs):\n    s = 1152921504606846976\n    for x in xs:\n        s += x * 0.5\n    return s\n")
    module = load_fresh_module(path, "int_starts_cases")
    # an int plus an int stays an int; x * x of int elements is an int; t may be an int
    for name in ("count", "squares", "chained"):
        fn = typed(getattr(module, name), list)
        assert not fn.int_starts and not fn.speculated, name
    assert typed(module.halves, list).int_starts == {"h"}        # / gives a float
    assert not typed(module.big, list).int_starts     # past 2**53: not exactly a float


def test_no_speculation_without_a_float(tmp_path):
    path = tmp_path / "ints_only.py"
    path.write_text("def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"
                    "def pick(xs, i):\n    return xs[i]\n")
    module = load_fresh_module(path, "ints_only")
    assert not typed(module.total, list).speculated
    assert not typed(module.pick, list, int).speculated


def test_a_nonzero_literal_divisor_is_a_plain_c_division():
    """``x / 3.0``: no zero test, and no error value for the caller to test after it. An int
    literal past 2**53 (rounded as a double) and a variable divisor keep the checked one
    (the answers: test_differential.py, literal_divisors)."""
    module = load_fresh_module(TESTS / "corpus.py", "corpus_typing_divisors")
    pyx = emit_module.emit_module(typed(module.literal_divisors, float, int))
    for part in ("__jitcy_fdiv_nz(x, 3.0)", "__jitcy_fdiv_nz(x, 0 - 4)",
                 "__jitcy_fdiv_nz(-x, 9007199254740992)", "__jitcy_fdiv_nz(x, 1e-300)",
                 "__jitcy_fdiv_nz(i, 2.5)", "__jitcy_fdiv_nz(x, 0.1)",
                 "__jitcy_fdiv(x, 9007199254740993)", "__jitcy_fdiv(x, i)"):
        assert part in pyx, part
