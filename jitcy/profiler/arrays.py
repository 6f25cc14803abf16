"""What the profiler records for a NumPy array argument: dtype, ndim and layout, not only the type.

A specialization for ``float64`` 2-d C-contiguous arrays cannot run an ``int32`` vector, so
the observed signature of a call carries an :class:`ArrayType` where the argument is an
exact ``numpy.ndarray``::

    >>> import numpy as np                                   # doctest: +SKIP
    >>> refine((np.ndarray, int), (np.zeros((2, 3)), 4))     # doctest: +SKIP
    (ArrayType(dtype='<f8', ndim=2, contiguous=True), <class 'int'>)

NumPy stays optional: this module never imports it. An array is recognised by its exact
type's module and name (subclasses such as ``np.matrix`` or masked arrays stay plain
objects), and only the array's own attributes are read.
"""
from __future__ import annotations

import dataclasses

#: Signatures seen without any array in them are remembered (up to this many) so the probe
#: pays one set lookup for them from the second call on.
_PLAIN_LIMIT = 256


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


def is_ndarray_type(t) -> bool:
    return getattr(t, "__module__", None) == "numpy" and getattr(t, "__name__", None) == "ndarray"


def describe(value) -> ArrayType:
    return ArrayType(dtype=value.dtype.str, ndim=value.ndim,
                     contiguous=bool(value.flags.c_contiguous))


def make_refiner(plain: set):
    """``refine(sig, args)``: the signature with each exact ndarray type replaced by its
    :class:`ArrayType`. Array-free signatures are added to ``plain`` (the probe skips the
    call for them)."""
    def refine(sig, args):
        if not any(is_ndarray_type(t) for t in sig):
            if len(plain) < _PLAIN_LIMIT:
                plain.add(sig)
            return sig
        return tuple(describe(a) if is_ndarray_type(t) else t for t, a in zip(sig, args))
    return refine


def type_name(t) -> str:
    """A short name for an observed type or :class:`ArrayType` (stats, build metadata)."""
    return t.__name__


def type_key(t) -> str:
    """The stable text of an observed type or :class:`ArrayType` for cache keys."""
    if isinstance(t, ArrayType):
        return t.key
    return f"{t.__module__}.{t.__qualname__}"
