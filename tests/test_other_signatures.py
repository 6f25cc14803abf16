"""A call that the primary specialization's guard rejects, of a signature jitcy compiled
too, goes from the primary's entry straight to that specialization's entry, in C
(translator/runtime.py, TRY_ALTS; hotfunc.py, ``_add_alt``): no miss dispatcher. These
tests check that it happens, that the answers stay the interpreter's, that a recursion
alternating signatures is still a RecursionError, and that the entries forget the other
signatures whenever the miss dispatcher does."""
from __future__ import annotations

import pytest

import jitcy
from jitcy import pipeline

pytestmark = pytest.mark.slow


def halve_sum(x):
    s = x
    for i in range(40):
        s = s * 0.5 + i
    return s


def flip(x, n):
    if n == 0:
        return x
    return flip(float(x) if type(x) is int else int(x), n - 1)


class CountingDict(dict):
    """The miss dispatcher's cache, counting its lookups."""

    def __init__(self):
        super().__init__()
        self.lookups = 0

    def get(self, *args):
        self.lookups += 1
        return super().get(*args)


def _settled_second_signature(func, first, second):
    """Swapped for ``first``'s types; then ``second``'s until its own specialization was
    built and its measuring window decided. Returns (HotFunction, that specialization)."""
    jitcy.hot(func, threshold=2)
    for _ in range(3):
        func(*first)
    hf = pipeline.lookup(func)
    for _ in range(600):
        func(*second)
        other = [s for s in hf.specializations if s is not hf.primary]
        if other and other[0].measured is not None:
            break
    assert hf.state.value == "swapped" and len(other) == 1, jitcy.stats(func)
    assert other[0].measured["verdict"] == "kept", other[0].measured
    return hf, other[0]


def test_a_settled_second_signature_runs_from_the_primarys_entry(jitcy_env):
    hf, spec = _settled_second_signature(halve_sum, (3,), (2.5,))
    halve_sum(2.5)                          # the first miss after the window: dispatcher
    alts = hf.primary.binding.alts
    assert alts is not None and len(alts) == 1 and alts[0][0] == (float,)
    hf.dispatch = counting = CountingDict()
    calls = spec.binding.calls
    interpreted = _interpreted(halve_sum)
    for k in range(50):
        x = k * 0.75
        assert repr(halve_sum(x)) == repr(interpreted(x))
    assert counting.lookups == 0                     # never through the dispatcher
    assert spec.binding.calls == calls + 50          # the float entry ran each call
    assert halve_sum(7) == interpreted(7)            # the primary still runs its own
    assert counting.lookups == 0


def _interpreted(func):
    """A plain copy of ``func`` running its original code (never compiled)."""
    import types
    hf = pipeline.lookup(func)
    return types.FunctionType(hf.original_code, func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)


def test_other_types_still_go_to_the_dispatcher(jitcy_env):
    hf, spec = _settled_second_signature(halve_sum, (3,), (2.5,))
    halve_sum(2.5)
    hf.dispatch = counting = CountingDict()
    assert halve_sum(True) == _interpreted(halve_sum)(True)      # bool: no entry for it
    assert counting.lookups == 1


def test_the_entries_forget_other_signatures_with_the_dispatcher(jitcy_env):
    hf, spec = _settled_second_signature(halve_sum, (3,), (2.5,))
    halve_sum(2.5)
    binding = hf.primary.binding
    assert binding.alts is not None
    jitcy.unswap(halve_sum)
    assert binding.alts is None and spec.binding.alts is None
    assert halve_sum(2.5) == _interpreted(halve_sum)(2.5)


def test_a_recursion_alternating_signatures_is_still_a_recursion_error(jitcy_env):
    hf, spec = _settled_second_signature(flip, (3, 4), (3.0, 4))
    flip(3.0, 4)
    assert hf.primary.binding.alts is not None
    assert flip(5, 101) == _interpreted(flip)(5, 101) == 5.0
    with pytest.raises(RecursionError):
        flip(5, 10 ** 6)
    assert flip(5, 11) == 5.0                        # and it still runs afterwards
