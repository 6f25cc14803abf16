"""``obj.m()`` in compiled code, where ``m`` is a trivial method (``return self``, ``return
<constant>``, ``return self.attr``, ``pass``) or a short one that runs as a program at the
call site (an expression of the instance's attributes with ``not``/``and``/``or``/``is``/
``if``; a run of ``self.name = <constant>`` then ``return self``), gives the method's result
at the call site without calling it (translator/runtime.py, ``lm0``, ``mrun``). These tests
check that the call is really skipped, that every answer stays the interpreter's, and the
cases where the method must be called after all: its code replaced, an attribute that is
not a plain instance value (an AttributeError keeps its traceback), a truth test that runs
code, the method shadowed in the instance, a profile function set."""
from __future__ import annotations

import sys

import pytest

import jitcy
from jitcy import pipeline

from .conftest import TESTS, compile_now, fresh_pair

pytestmark = pytest.mark.slow


@pytest.fixture
def pair(jitcy_env):
    with fresh_pair(TESTS / "corpus_trivial.py") as (ref, jit):
        yield ref, jit


@pytest.fixture
def m(pair):
    """A fresh copy of tests/corpus_trivial.py (its own classes and functions)."""
    return pair[1]


@pytest.fixture
def ref(pair):
    """Another fresh copy of the corpus, that stays interpreted."""
    return pair[0]


def _methods(m):
    return (m.Shape.is_point, m.Shape.me, m.Shape.get_x, m.Shape.hook, m.Shape.doc_const)


def test_compiled_trivial_methods_are_not_called(m):
    s = m.Shape(5)
    expected = m.use(s)
    assert expected == (15, True, 7, None)
    for f in _methods(m):
        st = compile_now(f, s)
        assert st["state"] == "swapped", st
    assert compile_now(m.use, s)["state"] == "swapped"
    assert m.use(s) == expected               # (each site's first call fills its cache)
    calls = {f.__name__: pipeline.lookup(f).primary.binding.calls for f in _methods(m)}
    for k in range(20):
        t = m.Shape(k)
        assert m.use(t) == (3 * k, True, 7, None)
    assert m.use(s) == expected
    after = {f.__name__: pipeline.lookup(f).primary.binding.calls for f in _methods(m)}
    assert after == calls                     # not one call reached the methods' entries


def test_plain_trivial_methods_give_the_interpreters_answers(m):
    s = m.Shape(2.5)
    expected = m.use(s)
    compile_now(m.use, s)
    assert jitcy.stats(m.use)["state"] == "swapped"
    interpreted = _interpreted(m.use)
    for x in (1, -3, 2.5, 2 ** 70, "ab", None, [1]):
        t = m.Shape(x)
        assert _outcome(m.use, t) == _outcome(interpreted, t)
    assert m.use(s) == expected
    assert compile_now(m.use_getter, m.Slotted(4))["state"] == "swapped"
    assert m.use_getter(m.Slotted(9)) == 9


def _outcome(func, *args):
    try:
        return "returned", func(*args)
    except Exception as exc:            # noqa: BLE001  (compared: type and message)
        return type(exc).__name__, str(exc)


def _recording(self):
    self.calls = self.calls + 1     # (runs with the corpus module's globals: none used)
    return "recorded"


def test_a_replaced_code_is_seen_at_the_next_call(m):
    s = m.Shape(1)
    compile_now(m.use_predicate, s)
    assert m.use_predicate(s) is True
    m.Shape.is_point.__code__ = (lambda self: False).__code__      # trivial too
    assert m.use_predicate(s) is False
    m.Shape.is_point.__code__ = _recording.__code__                # not trivial: called
    s.calls = 0
    assert m.use_predicate(s) == "recorded"
    assert m.use_predicate(s) == "recorded"
    assert s.calls == 2


def test_an_attribute_that_is_not_an_instance_value_calls_the_getter(m):
    s = m.Shape(3)
    compile_now(m.use_getter, s)
    assert m.use_getter(s) == 3
    t = m.Shape(4)
    del t.x
    with pytest.raises(AttributeError) as info:
        m.use_getter(t)
    assert str(info.value) == "'Shape' object has no attribute 'x'"
    names = [entry.name for entry in info.traceback]
    assert names[-2:] == ["use_getter", "get_x"]        # the getter's frame is there


def test_a_method_shadowed_in_the_instance_is_the_instances(m):
    s = m.Shape(3)
    compile_now(m.use_predicate, s)
    assert m.use_predicate(s) is True
    t = m.Shape(3)
    t.is_point = lambda: "own"
    assert m.use_predicate(t) == "own"
    assert m.use_predicate(s) is True


def test_under_a_profile_function_the_method_is_called(m):
    # set inside the compiled caller (set before the call, the caller would run its
    # original code, and the interpreter call the methods anyway)
    s = m.Shape(3)
    compile_now(m.predicate_between, s, _nothing, _nothing)
    assert m.predicate_between(s, _nothing, _nothing) == (True, True, 3)
    events = []

    def profile(frame, event, arg):
        if event == "call":
            events.append(frame.f_code.co_name)

    got = m.predicate_between(s, lambda: sys.setprofile(profile), lambda: sys.setprofile(None))
    sys.setprofile(None)
    assert got == (True, True, 3)
    assert {"is_point", "me", "get_x"} <= set(events)
    assert "predicate_between" not in events             # the caller ran compiled


def _interpreted(func):
    """A plain copy of ``func`` running its original code (never compiled)."""
    import types
    hf = pipeline.lookup(func)
    return types.FunctionType(hf.original_code, func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)


def test_a_method_swapped_after_the_callers_first_calls_is_skipped_from_then_on(m):
    s = m.Shape(1)
    jitcy.hot(m.Shape.is_point, threshold=1000)        # profiling: jitcy's trampoline
    compile_now(m.use_predicate, s)
    for _ in range(5):
        assert m.use_predicate(s) is True              # the method is called
    assert jitcy.stats(m.Shape.is_point)["state"] == "profiling"
    while jitcy.stats(m.Shape.is_point)["state"] == "profiling":    # called directly
        m.Shape.is_point(s)
    assert jitcy.stats(m.Shape.is_point)["state"] == "swapped"
    hf = pipeline.lookup(m.Shape.is_point)
    while hf.measuring is not None:                    # keep-what-pays: its window first
        m.Shape.is_point(s)
    assert jitcy.stats(m.Shape.is_point)["state"] == "swapped", jitcy.stats(m.Shape.is_point)
    m.use_predicate(s)                                 # the site sees the new code
    calls = pipeline.lookup(m.Shape.is_point).primary.binding.calls
    for _ in range(20):
        assert m.use_predicate(s) is True
    assert pipeline.lookup(m.Shape.is_point).primary.binding.calls == calls


# --- programs (MT_PROG) ---------------------------------------------------------------------

_PROGRAMS = ("holding_or_waiting", "waiting_with_packet", "running", "wait", "mark",
             "has_no_link", "choose")


def _task(mod, p, w, h, linked):
    return mod.Task(p, w, h, mod.Task(h, w, p) if linked else None)


def test_program_methods_are_not_called_once_compiled(m):
    t = m.Task(True, True, False)
    for name in _PROGRAMS:
        assert compile_now(getattr(m.Task, name), t)["state"] == "swapped", name
    for f in (m.states, m.transitions):
        assert compile_now(f, m.Task(True, True, False))["state"] == "swapped"
    m.transitions(m.Task(True, True, False))       # (each site's first call fills its cache)
    calls = {n: pipeline.lookup(getattr(m.Task, n)).primary.binding.calls for n in _PROGRAMS}
    for k in range(20):
        assert m.transitions(_task(m, k & 1, bool(k & 2), None, k & 4))[0] is not None
    after = {n: pipeline.lookup(getattr(m.Task, n)).primary.binding.calls for n in _PROGRAMS}
    assert after == calls


def test_program_methods_give_the_interpreters_answers(m, ref):
    compile_now(m.states, m.Task(True, True, False))
    compile_now(m.transitions, m.Task(True, True, False))
    values = (True, False, 0, 7, 0.0, -2.5, "", "x", None, 2 ** 70, [], (1,))
    seen = 0
    for p in values:
        for w in values[::2]:
            for h in (True, False, None, "", [0]):
                for linked in (False, True):
                    got = (repr(m.states(_task(m, p, w, h, linked))),
                           repr(m.transitions(_task(m, p, w, h, linked))))
                    want = (repr(ref.states(_task(ref, p, w, h, linked))),
                            repr(ref.transitions(_task(ref, p, w, h, linked))))
                    assert got == want, (p, w, h, linked)
                    seen += 1
    assert seen == 12 * 6 * 5 * 2


def test_a_truth_test_that_runs_code_calls_the_method(m, ref):
    compile_now(m.states, m.Task(True, True, False))
    outcomes = []
    for mod in (m, ref):
        log = mod.LoggedTruth.log
        del log[:]
        t = mod.Task(mod.LoggedTruth(True), mod.LoggedTruth(False), False)
        got = [(type(v).__name__, getattr(v, "truth", v)) for v in mod.states(t)]
        outcomes.append((got, list(log)))
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0][1]) == 4                     # __bool__ ran, as in Python
    with pytest.raises(ValueError, match="no truth here") as info:
        m.states(m.Task(True, True, m.LoggedTruth(None)))
    names = [entry.name for entry in info.traceback]
    assert "holding_or_waiting" in names                # the method's frame is there
    del m.LoggedTruth.log[:]
    assert m.states(m.TaskWithPropertyLink(True, False, False)) == (False, False, True, "some")
    assert m.LoggedTruth.log == ["link read", "link read"]  # has_no_link, choose: it ran


def test_program_stores_follow_pythons_setattr(m, ref):
    compile_now(m.run_it, m.Task(True, True, True))
    s = m.SlottedTask()
    assert m.run_it(s) is s
    assert (s.pending, s.waiting, s.holding) == (False, False, False)
    del s.waiting                                       # a slot emptied: stored again
    m.run_it(s)
    assert s.waiting is False
    # the first store's old value runs a __del__ that deletes the next attribute: the
    # store puts it back, last in the instance's order, as Python's own setattr does
    results = []
    for mod in (m, ref):
        t = mod.Task(None, True, True)
        t.pending = mod.Unhooks(t, "waiting")
        assert mod.run_it(t) is t
        results.append((list(vars(t).items())))
    assert results[0] == results[1]
    assert [k for k, _ in results[0]] == ["pending", "holding", "link", "waiting"]
    # a property on the class: its setter runs (the method is called)
    t = m.TaskWithPropertyLink(True, True, True)
    assert m.run_it(t) is t and t.pending is False


def test_a_replaced_program_is_seen_at_the_next_call(m):
    t = m.Task(False, True, False)
    compile_now(m.states, t)
    assert m.states(t)[1] is False
    m.Task.waiting_with_packet.__code__ = (lambda self: self.waiting and not self.holding).__code__
    assert m.states(t)[1] is True
    m.Task.waiting_with_packet.__code__ = _recording.__code__
    t.calls = 0
    assert m.states(t)[1] == "recorded" and t.calls == 1


# --- probes: the program written as C at the call site (method_probes.py) -----------------

def test_calls_of_the_modules_one_short_method_of_a_name_get_its_program_as_c(m):
    hf = pipeline.lookup(jitcy.hot(m.states, threshold=1000))
    pyx = pipeline.explain(hf, (m.Task,))["pyx"]
    for name in ("holding_or_waiting", "waiting_with_packet", "has_no_link", "choose"):
        assert f"__jitcy_lm0p(t, '{name}'" in pyx, name
    hf = pipeline.lookup(jitcy.hot(m.run_it, threshold=1000))
    pyx = pipeline.explain(hf, (m.Task,))["pyx"]
    assert "__jitcy_lm0(t, 'running'" in pyx     # Task's and SlottedTask's: no program


def test_a_probe_runs_only_for_its_bytecode_with_the_names_and_constants_found(m, ref):
    t = m.Task(True, False, False)
    compile_now(m.states, t)
    # same bytecode with other names or constants (the probe reads them from the code
    # found); bytecode of the same length that differs (the run-time program runs it)
    replacements = {
        "holding_or_waiting": lambda self: self.pending or (not self.holding and self.waiting),
        "choose": _choose_other_constants,
        "waiting_with_packet": lambda self: self.pending or self.waiting or not self.holding,
        "has_no_link": lambda self: self.link is not None,
    }
    for name, f in replacements.items():
        assert len(f.__code__.co_code) == len(getattr(m.Task, name).__code__.co_code)
    for name, f in replacements.items():
        getattr(m.Task, name).__code__ = f.__code__
        getattr(ref.Task, name).__code__ = f.__code__
    for p in (True, False, 0, "x"):
        for linked in (False, True):
            got = m.states(_task(m, p, not p, p, linked))
            want = ref.states(_task(ref, p, not p, p, linked))
            assert repr(got) == repr(want)


def _choose_other_constants(self):
    if self.link is not None:
        return self.link.pending
    return "other" if self.waiting else "some"


def test_a_methods_code_is_part_of_its_callers_cache_key(m):
    key = pipeline.cache_key(m.states, m.states.__code__, (m.Task,))
    m.Task.choose.__code__ = _choose_other_constants.__code__
    assert pipeline.cache_key(m.states, m.states.__code__, (m.Task,)) != key


def test_programs_are_looked_for_only_for_calls_without_arguments(m):
    from jitcy.analyzer import method_programs

    def uses(xs):
        return [x.choose() for x in xs], xs[0].wait(1), xs[0].running, xs[0].mark()

    assert method_programs.called_without_arguments(uses.__code__) == {"choose", "mark"}
    found = method_programs.candidates(uses.__code__, vars(m), m.__name__)
    assert found == {"choose": m.Task.choose, "mark": m.Task.mark}
    assert set(pipeline._method_codes(m.transitions, m.transitions.__code__)) == {
        "waiting_with_packet", "wait", "mark"}        # running: Task's and SlottedTask's
    # (a candidate that is not a program counts in the key too: editing it into one
    # must change the caller's key; the analyzer decodes)
    assert set(pipeline._method_codes(m.use, m.use.__code__)) == {
        "is_point", "me", "hook", "doc_const"}        # get_x: Shape's and Slotted's


def test_a_profile_function_set_inside_the_caller_sees_the_program_methods_called(m):
    # (a profile function set before the call runs the caller's original code: the
    # methods are called by the interpreter; set inside, the compiled caller keeps
    # running, and each site must call the method itself)
    t = m.Task(True, True, False)
    compile_now(m.states_between, t, _nothing, _nothing)
    expected = m.states_between(m.Task(True, True, False), _nothing, _nothing)
    events = []

    def profile(frame, event, arg):
        if event == "call":
            events.append(frame.f_code.co_name)

    got = m.states_between(m.Task(True, True, False), lambda: sys.setprofile(profile),
                           lambda: sys.setprofile(None))
    sys.setprofile(None)
    assert got == expected
    for name in ("holding_or_waiting", "waiting_with_packet", "has_no_link", "choose",
                 "wait", "mark"):
        assert name in events, name
    assert "states_between" not in events                # the caller ran compiled


def _nothing():
    pass
