"""Argument types for eager compiles: ``@jitcy.hot(signatures=..., sample_args=...)``.

A specialization is built for one type per parameter, in the order the trampoline passes
them (positional, ``*args``, keyword-only, ``**kwargs``). The user writes either the types::

    @jitcy.hot(signatures=[(int, float), (float, float)])
    def f(a, b, scale=1.0): ...        # -> (int, float, float), (float, float, float)

(parameters left out take the type of their default; ``*args`` is ``tuple``, ``**kwargs``
``dict``) or sample arguments, bound exactly as a call would bind them, without calling::

    @jitcy.hot(sample_args=(1, 2.0))            # one sample: a tuple of positional args
    @jitcy.hot(sample_args=[(1, 2.0), (1.5, 2.0)])   # several samples: a list of tuples

A sample that is a dict is taken as keyword arguments, ``(args_tuple, kwargs_dict)`` as
both. Errors are raised at decoration time with what was wrong and how to write it.
"""
from __future__ import annotations

import inspect
import types

from . import compat


def _params(func: types.FunctionType):
    shape = compat.signature_shape(func.__code__)
    return shape, shape.params


def _describe(func) -> str:
    return f"{func.__qualname__}({compat.signature_shape(func.__code__).def_parameters()})"


def _default_for(func: types.FunctionType, name: str, shape):
    """The default value of parameter ``name``, or raise LookupError."""
    positional = shape.posonly + shape.positional
    defaults = func.__defaults__ or ()
    if name in positional:
        index = positional.index(name) - (len(positional) - len(defaults))
        if index >= 0:
            return defaults[index]
    kwdefaults = func.__kwdefaults__ or {}
    if name in kwdefaults:
        return kwdefaults[name]
    raise LookupError(name)


def from_signature(func: types.FunctionType, signature) -> tuple:
    """One entry of ``signatures=`` -> the raw type of every parameter."""
    if isinstance(signature, type):
        signature = (signature,)
    if not isinstance(signature, (tuple, list)):
        raise TypeError(f"jitcy.hot(signatures=...) takes a list of tuples of types, such as "
                        f"[(int, float)]; got the entry {signature!r}")
    for t in signature:
        if not isinstance(t, type):
            raise TypeError(f"jitcy.hot(signatures=...): {t!r} in {tuple(signature)!r} is not "
                            f"a type; write classes such as int, float, object")
    shape, params = _params(func)
    free = [p for p in params if p not in (shape.varargs, shape.varkw)]
    if len(signature) > len(free):
        raise ValueError(f"jitcy.hot(signatures=...): {tuple(t.__name__ for t in signature)} "
                         f"gives {len(signature)} types but {_describe(func)} has "
                         f"{len(free)} parameters (for a method, give object for self)")
    given = dict(zip(free, signature))
    result = []
    for name in params:
        if name == shape.varargs:
            result.append(tuple)
        elif name == shape.varkw:
            result.append(dict)
        elif name in given:
            result.append(given[name])
        else:
            try:
                result.append(type(_default_for(func, name, shape)))
            except LookupError:
                raise ValueError(
                    f"jitcy.hot(signatures=...): {tuple(t.__name__ for t in signature)} gives "
                    f"no type for parameter {name!r} of {_describe(func)}, which has no "
                    f"default; give one type per parameter (object for self)") from None
    return tuple(result)


def from_sample(func: types.FunctionType, sample) -> tuple:
    """One sample of ``sample_args=`` -> the raw type of every parameter (not called)."""
    if isinstance(sample, dict):
        args, kwargs = (), sample
    elif (isinstance(sample, tuple) and len(sample) == 2 and isinstance(sample[0], tuple)
          and isinstance(sample[1], dict)):
        args, kwargs = sample
    elif isinstance(sample, tuple):
        args, kwargs = sample, {}
    else:
        raise TypeError(f"jitcy.hot(sample_args=...) takes a tuple of arguments, such as "
                        f"(1, 2.0), or a list of such tuples; got {type(sample).__name__} "
                        f"{sample!r} (write (x,) for a single argument)")
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"jitcy.hot(sample_args=...): the sample {sample!r} does not fit "
                        f"{_describe(func)}: {exc}") from None
    bound.apply_defaults()
    _, params = _params(func)
    return tuple(type(bound.arguments[name]) for name in params)


def resolve(func: types.FunctionType, signatures, sample_args) -> list:
    """Raw type tuples for ``signatures`` and ``sample_args`` (either may be None)."""
    result = []
    if signatures is not None:
        if isinstance(signatures, (str, bytes)) or not hasattr(signatures, "__iter__"):
            raise TypeError(f"jitcy.hot(signatures=...) takes a list of tuples of types, "
                            f"such as [(int, float)]; got {signatures!r}")
        if isinstance(signatures, tuple) and signatures and all(
                isinstance(t, type) for t in signatures):
            raise TypeError(f"jitcy.hot(signatures=...) takes a list of signatures; write "
                            f"signatures=[{signatures!r}] for one")
        result += [from_signature(func, s) for s in signatures]
    if sample_args is not None:
        samples = sample_args if isinstance(sample_args, list) else [sample_args]
        result += [from_sample(func, s) for s in samples]
    return result
