"""Front door 1: ``@jitcy.hot`` and the functions that act on one decorated function."""
from __future__ import annotations

import numbers
import types

from . import compat, config, pipeline
from . import signatures as signatures_


def _check_options(threshold, time_limit):
    if threshold is not None and (isinstance(threshold, bool)
                                  or not isinstance(threshold, numbers.Integral)):
        raise TypeError(f"jitcy.hot(threshold=...) takes a whole number of calls, "
                        f"got {type(threshold).__name__} {threshold!r}")
    if threshold is not None and threshold < 1:
        raise ValueError(f"jitcy.hot(threshold={threshold!r}): the threshold must be >= 1 call")
    if time_limit is not None and (isinstance(time_limit, bool)
                                   or not isinstance(time_limit, numbers.Real)):
        raise TypeError(f"jitcy.hot(time_limit=...) takes seconds as a number, "
                        f"got {type(time_limit).__name__} {time_limit!r}")
    if time_limit is not None and not time_limit >= 0:
        raise ValueError(f"jitcy.hot(time_limit={time_limit!r}): seconds must be >= 0")


def _underlying(func):
    """The plain function behind a staticmethod, classmethod or bound method."""
    if isinstance(func, (staticmethod, classmethod, types.MethodType)):
        return func.__func__
    return func


def hot(func=None, /, *, threshold=None, time_limit=None, signatures=None, sample_args=None,
        wait=False):
    """Compile ``func`` once it is hot: after ``threshold`` calls (default ``JITCY_THRESHOLD``,
    2) or ``time_limit`` cumulative seconds in it (default ``JITCY_TIME_LIMIT``, 0.05).

    Use bare (``@jitcy.hot``) or with options (``@jitcy.hot(threshold=10)``). Returns the same
    function object: references taken before or after decoration run the compiled code.
    Works on functions, methods, and ``staticmethod``/``classmethod`` objects.

    Eager compiles (see :mod:`jitcy.signatures`): ``signatures=[(int, float), ...]`` or
    ``sample_args=(1, 2.0)`` (a list for several samples) compile those specializations
    now, without calling the function. They build in the background (the import goes on;
    calls run interpreted until the build is loaded); ``wait=True`` blocks until they are.
    """
    _check_options(threshold, time_limit)
    if not isinstance(wait, bool):
        raise TypeError(f"jitcy.hot(wait=...) takes True or False, got {wait!r}")
    if func is None:
        return lambda f: hot(f, threshold=threshold, time_limit=time_limit,
                             signatures=signatures, sample_args=sample_args, wait=wait)
    cfg = config.get()
    target = _underlying(func)
    if not isinstance(target, types.FunctionType):
        raise TypeError(
            f"jitcy.hot expects a Python function (def), got {type(func).__name__} "
            f"{getattr(func, '__qualname__', func)!r}: builtins, C functions, classes and "
            f"callable objects cannot be compiled; decorate the Python function itself")
    eager = signatures_.resolve(target, signatures, sample_args)   # bad input raises here
    if cfg.disable or not compat.SUPPORTED:
        return func
    hf = pipeline.register(
        target,
        threshold=cfg.threshold if threshold is None else int(threshold),
        time_limit=cfg.time_limit if time_limit is None else float(time_limit),
    )
    if eager:
        pipeline.compile_eager(hf, eager, wait=wait)
    return func


def _state_of(func, verb: str):
    target = _underlying(func)
    hf = pipeline.lookup(target) if isinstance(target, types.FunctionType) else None
    if hf is None:
        raise ValueError(f"jitcy.{verb}: {getattr(func, '__qualname__', func)!r} is not a "
                         f"function jitcy handles (decorate it with @jitcy.hot first)")
    return hf


def unswap(func) -> None:
    """Put the original code back; the function runs interpreted from its next call."""
    _state_of(func, "unswap").unswap()


def stats(func=None):
    """Per-function figures: for ``func``, or a dict of all functions by qualified name."""
    if func is not None:
        return _state_of(func, "stats").stats()
    return {hf.qualname: hf.stats() for hf in pipeline.all_functions()}


def wait(timeout=None) -> bool:
    """Block until pending background builds finish. False if ``timeout`` passed first."""
    return pipeline.wait(timeout)
