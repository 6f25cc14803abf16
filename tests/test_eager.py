"""Eager compiles: ``@jitcy.hot(signatures=...)`` and ``@jitcy.hot(sample_args=...)``."""
from __future__ import annotations

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


def test_eager_default_is_background(jitcy_env, monkeypatch):
    monkeypatch.setenv("JITCY_SYNC", "0")
    config.reload()

    def square(x):
        return x * x
    started = time.perf_counter()
    jitcy.hot(square, signatures=[(float,)])
    assert jitcy.stats(square)["state"] in ("building", "swapped")
    assert square(3.0) == 9.0                      # runs (interpreted or compiled) meanwhile
    assert jitcy.wait(120)
    assert time.perf_counter() - started < 120
    assert jitcy.stats(square)["state"] == "swapped"
    assert square(4.0) == 16.0


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
