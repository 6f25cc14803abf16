"""Front door 1: ``@jitcy.hot``, ``@jitcy.once``, ``@jitcy.ignore`` and the functions that
act on one decorated function.

On an interpreter jitcy does not support (PyPy, an unsupported CPython version) the
decorators return the function unchanged and the pipeline is never imported.
"""
from __future__ import annotations

import numbers
import types

from . import compat, config
from . import signatures as signatures_

if compat.SUPPORTED:
    from . import pipeline
else:                   # nothing CPython-specific is imported: see jitcy.status()
    pipeline = None


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
    """The plain function behind a staticmethod, classmethod or bound method, and behind
    ``functools.wraps``-style wrappers (``__wrapped__``, followed to the innermost
    function): a wrapper's own code is generic forwarding, the work is in the function it
    wraps, and swapping that function's code in place speeds up every wrapper around it."""
    seen = set()
    while id(func) not in seen:
        seen.add(id(func))
        if isinstance(func, (staticmethod, classmethod, types.MethodType)):
            func = func.__func__
            continue
        inner = getattr(func, "__wrapped__", None) if not isinstance(func, type) else None
        if inner is None or not callable(inner):
            break
        func = inner
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


def _python_function(func, verb: str):
    target = _underlying(func)
    if not isinstance(target, types.FunctionType):
        raise TypeError(
            f"jitcy.{verb} expects a Python function (def), got {type(func).__name__} "
            f"{getattr(func, '__qualname__', func)!r}: builtins, C functions, classes and "
            f"callable objects cannot be compiled; decorate the Python function itself")
    return target


def once(func=None, /, *, threshold=None, time_limit=None):
    """Like :func:`hot`, but compile only for the argument types of the first observed
    call and never specialize again: calls with other types run interpreted.

    Use bare (``@jitcy.once``) or with the options of :func:`hot`.
    """
    _check_options(threshold, time_limit)
    if func is None:
        return lambda f: once(f, threshold=threshold, time_limit=time_limit)
    target = _python_function(func, "once")
    cfg = config.get()
    if cfg.disable or not compat.SUPPORTED:
        return func
    pipeline.register(
        target,
        threshold=cfg.threshold if threshold is None else int(threshold),
        time_limit=cfg.time_limit if time_limit is None else float(time_limit),
        once=True,
    )
    return func


def ignore(func=None, /):
    """Never compile ``func``: it runs interpreted with no jitcy code in its path, whatever
    the other decorators (``@jitcy.hot`` above or below it) and the import hook say.

    Use bare (``@jitcy.ignore``) or called (``@jitcy.ignore()``). Returns ``func``.
    """
    if func is None:
        return ignore
    target = _python_function(func, "ignore")
    if config.get().disable or not compat.SUPPORTED:
        return func
    pipeline.ignore(target)
    if target is not func and isinstance(func, types.FunctionType):
        pipeline.ignore(func)           # the wrapper too: the import hook must skip it
    return func


def is_ignored(func) -> bool:
    """True if ``func`` (or the function it wraps) is marked ``@jitcy.ignore``."""
    if pipeline is None:
        return False
    return pipeline.is_ignored(func) or pipeline.is_ignored(_underlying(func))


def _state_of(func, verb: str):
    if pipeline is None:
        raise ValueError(f"jitcy.{verb}: jitcy is not active on this interpreter "
                         f"(see jitcy.status())")
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
    if pipeline is None:
        return {}
    out = {}
    for hf in pipeline.all_functions():
        st = hf.stats()
        name = hf.qualname
        if name in out:             # two functions with one qualified name (closures...)
            name = f"{name} ({hf.filename}:{hf.firstlineno} #{id(hf):x})"
        out[name] = st
    return out


def wait(timeout=None) -> bool:
    """Block until pending background builds finish. False if ``timeout`` passed first."""
    if pipeline is None:
        return True
    return pipeline.wait(timeout)
