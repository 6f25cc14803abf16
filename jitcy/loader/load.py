"""Import a built module by path (never through sys.path) and bind it to a function.

The module is not put in ``sys.modules``: nothing imports it by name, and an entry there
would keep it alive after every function using it is gone. jitcy keeps its own reference.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import types

from ..errors import CacheError
from ..translator import naming
from .tracebacks import fix_traceback_direct


def import_extension(module_name: str, so_path) -> types.ModuleType:
    loader = importlib.machinery.ExtensionFileLoader(module_name, str(so_path))
    spec = importlib.util.spec_from_file_location(module_name, str(so_path), loader=loader)
    try:
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
    except ImportError as exc:
        raise CacheError(f"cannot load compiled module {so_path}: {exc}") from exc
    return module


def bind(module: types.ModuleType, func: types.FunctionType, fallback, state, self_name: str,
         original):
    """``(entry, binding)``: the compiled entry and its state for this function object.
    ``fallback`` takes guard misses on argument types, ``original`` runs the original code."""
    make_binding = getattr(module, naming.MAKE_BINDING)
    binding = make_binding(func, fallback, state, self_name, original)
    return getattr(module, naming.ENTRY), binding


def link(module: types.ModuleType, binding, targets: list) -> None:
    """Give a binding its direct call targets: ``(name, func, code, callee_binding,
    capsule, counter)`` per callee, in the order the module was built with (emit_calls.py)."""
    getattr(module, naming.SET_LINKS)(binding, tuple(targets))


def fast_path(module: types.ModuleType, func: types.FunctionType):
    """``(capsule, fixer)`` for :func:`jitcy.compat.make_trampoline` if the module has an
    entry for calls from C (plain positional parameters), after making ``func``'s calls
    from C go there (its vectorcall; it checks the trampoline at every call); else None."""
    capsule = getattr(module, naming.FAST_EXPORT, None)
    if capsule is None:
        return None
    getattr(module, naming.INSTALL_VECTORCALL)(func)
    return capsule, fix_traceback_direct
