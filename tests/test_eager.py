"""Eager compiles: ``@jitcy.hot(signatures=...)`` and ``@jitcy.hot(sample_args=...)``."""
from __future__ import annotations

import threading
import time

import pytest

import jitcy
from jitcy import config, pipeline, signatures

CALLS = []


def weighted(a, b, scale=2.0):
    CALLS.append(a)          # a side effect: eager compiles must not call the function
    return a * b * scale


def kwonly(x, *rest, k=3, **extra):
    return x + k + len(rest) + len(extra)


def test_signatures_compile_at_decoration_without_calling(jitcy_env):
    CALLS.clear()
    jitcy.hot(weighted, signatures=[(int, float), (float, float)], wait=True)
    st = jitcy.stats(weighted)
    assert CALLS == []
    assert st["state"] == "swapped" and st["calls"] == 0
    assert sorted(s["types"] for s in st["specializations"]) == [
        ["float", "float", "float"], ["int", "float", "float"]]
    assert weighted(3, 0.5) == 3.0 and weighted(1.5, 2.0) == 6.0
    assert jitcy.stats(weighted)["fallbacks"] == 0   # both ran compiled code
    assert CALLS == [3, 1.5]


def test_sample_args_bind_like_a_call(jitcy_env):
    jitcy.hot(kwonly, sample_args=[(1, 2, 3), ((1.0,), {"k": 2.0, "z": 1})], wait=True)
    st = jitcy.stats(kwonly)
    assert sorted(s["types"] for s in st["specializations"]) == [
        ["float", "tuple", "float", "dict"], ["int", "tuple", "int", "dict"]]
    assert kwonly(1, 2, 3) == 1 + 3 + 2 and kwonly(1.0, k=2.0, z=1) == 4.0
    assert jitcy.stats(kwonly)["fallbacks"] == 0


def test_method_signature_gives_object_for_self(jitcy_env):
    class Box:
        def __init__(self, v):
            self.v = v

        def times(self, k):
            return self.v * k
    jitcy.hot(Box.times, signatures=[(object, int)], wait=True)
    assert jitcy.stats(Box.times)["state"] == "swapped"
    assert Box(3).times(4) == 12


def _gate_the_build_stage(monkeypatch, hold_caller: bool):
    """Make the pipeline's build stage (``pipeline._specialize``, which analyzes,
    translates, builds and loads) wait for ``release`` before it runs. On the calling
    (test) thread it waits only if ``hold_caller``: a build that wrongly runs there then
    goes ahead at once, and the test's assertions say so (instead of a deadlock). Returns
    ``(release, seen)``: ``seen`` lists ``(thread, "entered"/"done")`` as the stage runs."""
    release = threading.Event()
    seen = []
    real = pipeline._specialize
    caller = threading.current_thread()

    def gated(hf, arg_types, build=True):
        seen.append((threading.current_thread(), "entered"))
        if hold_caller or threading.current_thread() is not caller:
            assert release.wait(120), "the gated build was never released"
        try:
            return real(hf, arg_types, build)
        finally:
            seen.append((threading.current_thread(), "done"))
    monkeypatch.setattr(pipeline, "_specialize", gated)
    return release, seen


def test_eager_default_is_background(jitcy_env, monkeypatch):
    """The decoration returns while the eager build is still pending (held back until
    ``release``), on another thread; the function runs interpreted meanwhile, and the
    build swaps once it may finish."""
    monkeypatch.setenv("JITCY_SYNC", "0")
    config.reload()
    release, seen = _gate_the_build_stage(monkeypatch, hold_caller=False)

    def square(x):
        return x * x
    try:
        jitcy.hot(square, signatures=[(float,)])
        assert jitcy.stats(square)["state"] == "building"      # returned, build pending
        assert square(3.0) == 9.0                               # runs interpreted meanwhile
        assert jitcy.stats(square)["compiled_calls"] == 0
        assert "done" not in [what for _, what in seen]
    finally:
        release.set()
    assert jitcy.wait(120)
    assert [what for _, what in seen] == ["entered", "done"]
    assert all(thread is not threading.current_thread() for thread, _ in seen)
    assert jitcy.stats(square)["state"] == "swapped"
    assert square(4.0) == 16.0
    assert jitcy.stats(square)["compiled_calls"] == 1


def test_eager_wait_true_blocks_until_swapped(jitcy_env, monkeypatch):
    """``wait=True`` (without JITCY_SYNC): the decoration returns only once the build it
    started has finished and is swapped in; the build ran on the decorating thread."""
    monkeypatch.setenv("JITCY_SYNC", "0")
    config.reload()
    release, seen = _gate_the_build_stage(monkeypatch, hold_caller=True)

    def cube(x):
        return x * x * x
    timer = threading.Timer(0.5, release.set)        # the build may finish in 0.5 s
    timer.start()
    try:
        started = time.perf_counter()
        jitcy.hot(cube, signatures=[(float,)], wait=True)
        elapsed = time.perf_counter() - started
    finally:
        timer.cancel()
        release.set()
    assert [(thread, what) for thread, what in seen] == [
        (threading.current_thread(), "entered"), (threading.current_thread(), "done")]
    assert elapsed >= 0.5
    assert jitcy.stats(cube)["state"] == "swapped"
    assert cube(2.0) == 8.0 and jitcy.stats(cube)["compiled_calls"] == 1


def test_profiling_still_adds_other_types_after_eager(jitcy_env):
    def add(a, b):
        return a + b
    jitcy.hot(add, signatures=[(int, int)], threshold=1, wait=True)
    assert add("a", "b") == "ab"       # guard miss -> interpreted, then compiled for str
    assert add("c", "d") == "cd"
    types = sorted(s["types"] for s in jitcy.stats(add)["specializations"])
    assert types == [["int", "int"], ["str", "str"]]


@pytest.mark.parametrize("kwargs, exc, text", [
    ({"signatures": (int, float)}, TypeError, "signatures=[(<class 'int'>"),
    ({"signatures": [(int, 3)]}, TypeError, "3 in (<class 'int'>, 3) is not a type"),
    ({"signatures": [(int, int, int, int)]}, ValueError, "gives 4 types but"),
    ({"signatures": [()]}, ValueError, "no type for parameter 'a'"),
    ({"signatures": "int"}, TypeError, "list of tuples"),
    ({"sample_args": 3}, TypeError, "write (x,) for a single argument"),
    ({"sample_args": (1, 2, 3, 4)}, TypeError, "does not fit test_bad_eager_options_say_what_to_write.<locals>.weighted(a, b, scale)"),
    ({"wait": "yes"}, TypeError, "True or False"),
])
def test_bad_eager_options_say_what_to_write(jitcy_env, kwargs, exc, text):
    def weighted(a, b, scale=2.0):   # a fresh function: nothing registered it before
        CALLS.append(a)
        return a * b * scale
    CALLS.clear()
    with pytest.raises(exc) as info:
        jitcy.hot(weighted, **kwargs)
    assert text in str(info.value)
    assert pipeline.lookup(weighted) is None and CALLS == []


def test_signature_defaults_fill_missing_parameters():
    assert signatures.from_signature(weighted, (int, int)) == (int, int, float)
    assert signatures.from_signature(kwonly, (str,)) == (str, tuple, int, dict)
    assert signatures.from_sample(weighted, {"a": 1, "b": 2.0}) == (int, float, float)
