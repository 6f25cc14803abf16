"""Stage 4, build: ``.pyx`` text -> a loadable extension module (``.so``).

All Cython and C compiler work happens in one persistent, pre-warmed worker process
(:mod:`.worker`), never in the user's process: Cython is not thread-safe and slow to import,
and the user's GIL must stay free. :func:`compile_module` is the blocking call;
:data:`jobs` is the background thread the pipeline runs its builds on;
:func:`toolchain_identity` feeds the cache key.
"""
from __future__ import annotations

from .client import BuildRequest, BuildResult, annotate, compile_module, prewarm, shutdown
from .jobs import BackgroundJobs, jobs
from .toolchain import toolchain_identity

__all__ = [
    "BuildRequest",
    "BuildResult",
    "compile_module",
    "annotate",
    "prewarm",
    "toolchain_identity",
    "shutdown",
    "BackgroundJobs",
    "jobs",
]
