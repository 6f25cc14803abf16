"""jitcy: hot Python functions compiled to typed Cython at run time, swapped in place.

Public API: :func:`hot`, :func:`wait`, :func:`stats`, :func:`unswap`, :func:`nogil`.
"""
__version__ = "0.1.0"

from .decorator import hot, stats, unswap, wait  # noqa: E402  (after __version__: pipeline reads it)
from .markers import nogil  # noqa: E402

__all__ = ["hot", "wait", "stats", "unswap", "nogil"]
