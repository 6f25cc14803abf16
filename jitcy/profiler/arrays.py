"""What the profiler records beyond an argument's type: a NumPy array's dtype, ndim and
layout, and the element types of a short tuple.

A specialization for ``float64`` 2-d C-contiguous arrays cannot run an ``int32`` vector, so
the observed signature of a call carries an :class:`ArrayType` where the argument is an
exact ``numpy.ndarray``::

    >>> import numpy as np                                   # doctest: +SKIP
    >>> refine((np.ndarray, int), (np.zeros((2, 3)), 4))     # doctest: +SKIP
    (ArrayType(dtype='<f8', ndim=2, contiguous=True), <class 'int'>)

NumPy stays optional: this module never imports it. An array is recognised by its exact
type's module and name (subclasses such as ``np.matrix`` or masked arrays stay plain
objects), and only the array's own attributes are read.

An exact tuple of 1 to :data:`MAX_TUPLE_ITEMS` items becomes a :class:`TupleType` of its
items' exact types (``def part(i_u): i, u = i_u`` called with ``(3, [1.0, 2.0])``): a tuple
cannot change, so a guard on its items holds for the whole call, and the body can type
``i`` and ``u`` (analyzer/infer_types.py)::

    >>> make_refiner(set())((tuple,), ((3, [1.0]),))
    (TupleType(items=(<class 'int'>, <class 'list'>)),)
"""
from __future__ import annotations

import dataclasses

#: Signatures seen without any array in them are remembered (up to this many) so the probe
#: pays one set lookup for them from the second call on.
_PLAIN_LIMIT = 256
#: Longer tuples stay plain ``tuple`` (records with many fields are rarely unpacked whole in
#: a hot loop, and each item type would be one more guard).
MAX_TUPLE_ITEMS = 4


@dataclasses.dataclass(frozen=True)
class ArrayType:
    """An observed exact ``numpy.ndarray``: its dtype (``dtype.str``, byte order included),
    number of dimensions, and whether it was C-contiguous."""

    dtype: str
    ndim: int
    contiguous: bool

    @property
    def __name__(self) -> str:   # what stats and build metadata show for a type
        layout = "C" if self.contiguous else "strided"
        return f"ndarray[{self.dtype}, {self.ndim}d, {layout}]"

    @property
    def key(self) -> str:        # what the cache key records
        return f"numpy.ndarray:{self.dtype}:{self.ndim}:{int(self.contiguous)}"


@dataclasses.dataclass(frozen=True)
class TupleType:
    """An observed exact ``tuple`` of ``len(items)`` items of these exact types."""

    items: tuple

    @property
    def __name__(self) -> str:   # what stats and build metadata show for a type
        return f"tuple[{', '.join(t.__name__ for t in self.items)}]"

    @property
    def key(self) -> str:        # what the cache key records
        return f"builtins.tuple[{','.join(type_key(t) for t in self.items)}]"


def is_ndarray_type(t) -> bool:
    return getattr(t, "__module__", None) == "numpy" and getattr(t, "__name__", None) == "ndarray"


def describe(value) -> ArrayType:
    return ArrayType(dtype=value.dtype.str, ndim=value.ndim,
                     contiguous=bool(value.flags.c_contiguous))


def describe_tuple(value):
    """The :class:`TupleType` of an exact tuple, or ``tuple`` (empty or too long)."""
    if 1 <= len(value) <= MAX_TUPLE_ITEMS:
        return TupleType(tuple(type(v) for v in value))
    return tuple


def stable_tuples(raw: tuple, seen) -> tuple:
    """``raw`` with each :class:`TupleType` replaced by plain ``tuple`` where the signatures
    ``seen`` so far hold another kind of tuple at that position: item types that vary
    from call to call would mean a specialization per combination, and calls dispatched
    among them by the miss path (``addColours(a, s, b)`` of int and float colours)."""
    positions = [k for k, t in enumerate(raw) if isinstance(t, TupleType)]
    if not positions:
        return raw
    out = list(raw)
    for sig in list(seen):
        if len(sig) != len(raw):
            continue
        for k in positions:
            if sig[k] != raw[k] and (sig[k] is tuple or isinstance(sig[k], TupleType)):
                out[k] = tuple
    return tuple(out)


def make_refiner(plain: set):
    """``refine(sig, args)``: the signature with each exact ndarray type replaced by its
    :class:`ArrayType` and each exact tuple by its :class:`TupleType`. Signatures with
    neither are added to ``plain`` (the probe skips the call for them)."""
    def refine(sig, args):
        if not any(t is tuple or is_ndarray_type(t) for t in sig):
            if len(plain) < _PLAIN_LIMIT:
                plain.add(sig)
            return sig
        return tuple(describe(a) if is_ndarray_type(t)
                     else describe_tuple(a) if t is tuple else t for t, a in zip(sig, args))
    return refine


def type_name(t) -> str:
    """A short name for an observed type, :class:`ArrayType` or :class:`TupleType` (stats,
    build metadata)."""
    return t.__name__


def type_key(t) -> str:
    """The stable text of an observed type, :class:`ArrayType` or :class:`TupleType` for
    cache keys."""
    if isinstance(t, (ArrayType, TupleType)):
        return t.key
    return f"{t.__module__}.{t.__qualname__}"
