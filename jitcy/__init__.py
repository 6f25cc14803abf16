"""jitcy: hot Python functions compiled to typed Cython at run time, swapped in place.

Public API: :func:`hot`, :func:`once`, :func:`ignore`, :func:`wait`, :func:`stats`,
:func:`report`, :func:`explain`, :func:`unswap`, :func:`enable`, :func:`disable`,
:func:`status`, :func:`nogil`, :func:`inline`, :func:`record`, :func:`install`,
:func:`uninstall` (the import hook).
"""
__version__ = "0.1.0"

# (after __version__: pipeline reads it)
from .control import disable, enable, status  # noqa: E402
from .decorator import hot, ignore, is_ignored, once, stats, unswap, wait  # noqa: E402
from .importhook import install, uninstall  # noqa: E402
from .inline import inline  # noqa: E402
from .insight import explain, report  # noqa: E402
from .markers import nogil  # noqa: E402
from .aot import record  # noqa: E402

__all__ = ["hot", "once", "ignore", "is_ignored", "wait", "stats", "report", "unswap",
           "enable", "disable", "status", "explain", "nogil", "inline", "record",
           "install", "uninstall"]
