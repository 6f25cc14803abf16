"""The global switch and the status line: ``jitcy.enable()``, ``jitcy.disable()``,
``jitcy.status()``.

``disable()`` puts every function's original code back at once (profiling stops, compiled
code stops running; builds already in flight finish and are kept); ``enable()`` re-installs
what each function had: compiled code where it is swapped, the profiler where it is still
being watched. Functions decorated while disabled are registered and start when enabled.

``JITCY_DISABLE=1`` and an unsupported interpreter are harder: the decorators return the
function untouched and nothing is registered, so ``enable()`` cannot turn jitcy on (it
warns once and says why); ``status()`` tells which case applies.
"""
from __future__ import annotations

import platform
import sys

from . import compat, config, errors


def _inactive_reason() -> str | None:
    """Why jitcy cannot be active in this process at all, or None."""
    impl = sys.implementation.name
    if impl != "cpython":
        return (f"not CPython: this is {impl} ({platform.python_implementation()}); jitcy "
                f"compiles for CPython only, decorators return functions unchanged")
    if not compat.SUPPORTED:
        supported = ", ".join(f"{a}.{b}" for a, b in compat.SUPPORTED_VERSIONS)
        return (f"unsupported CPython version {sys.version_info[0]}.{sys.version_info[1]} "
                f"(jitcy supports {supported}); decorators return functions unchanged")
    if config.get().disable:
        return "disabled by the environment: JITCY_DISABLE=1 (decorators return functions unchanged)"
    return None


def enable() -> bool:
    """Turn jitcy back on after :func:`disable`. Returns True if jitcy is now active."""
    reason = _inactive_reason()
    if reason is not None:
        errors.warn_once("enable-impossible", f"jitcy.enable() has no effect: {reason}")
        return False
    from . import pipeline
    pipeline.set_enabled(True)
    return True


def disable() -> None:
    """Run every function's original code until :func:`enable` (profiling stops too)."""
    if _inactive_reason() is not None:
        return
    from . import pipeline
    pipeline.set_enabled(False)


def status() -> dict:
    """Whether jitcy is active in this process, and why not.

    Keys: ``active`` (bool), ``reason`` (None when active, else a sentence),
    ``implementation``, ``python``, ``supported_versions``, ``enabled`` (the run-time
    switch), ``env_disabled`` (``JITCY_DISABLE``), ``compiler`` and ``cython`` (what
    builds will use; a missing one is named in ``reason``: functions then stay
    interpreted), ``functions`` (how many functions jitcy knows).
    """
    impl = sys.implementation.name
    info = {
        "active": False,
        "reason": _inactive_reason(),
        "implementation": impl,
        "python": ".".join(str(v) for v in sys.version_info[:3]),
        "supported_versions": [f"{a}.{b}" for a, b in compat.SUPPORTED_VERSIONS],
        "enabled": True,
        "env_disabled": config.get().disable,
        "compiler": None,
        "cython": None,
        "functions": 0,
    }
    if info["reason"] is not None:
        return info
    from . import pipeline
    info["enabled"] = pipeline.is_enabled()
    info["functions"] = len(pipeline.all_functions())
    tools = pipeline.toolchain_status()
    info["compiler"], info["cython"] = tools["compiler"], tools["cython"]
    if tools["problem"]:
        info["reason"] = tools["problem"]
    elif not info["enabled"]:
        info["reason"] = "disabled at run time by jitcy.disable() (jitcy.enable() turns it on)"
    else:
        info["active"] = True
    return info
