"""Front door 2: the import hook. ``jitcy.install(...) -> handle``, ``jitcy.uninstall(handle)``.

One finder sits at the front of ``sys.meta_path`` while any hook is installed. It finds
nothing itself: it asks the finders behind it, exactly as the import system would, and when
the module found is in a hook's scope it wraps the spec's loader for one call. The wrapper
puts the real loader back on the spec and the module (so ``__loader__``, ``__spec__``,
``importlib.resources``, ``linecache`` see the standard objects), runs the real
``exec_module`` (``.pyc`` caching, packages, ``reload`` unchanged), then *watches* every
function the module defined:

* module-level functions, and in classes defined there (nested classes too): instance
  methods, ``staticmethod``, ``classmethod``, property getters/setters/deleters and
  ``functools.cached_property`` functions;
* only functions whose code comes from the module's own file (``__module__`` and
  ``co_filename``), so re-exported functions, ``functools.wraps`` wrappers made elsewhere,
  builtins and C functions are left alone; so are coroutines and async generators (jitcy
  does not compile them), functions jitcy already handles, functions marked ``jitcy.ignore``, and
  functions that look at their caller's frame (``sys._getframe``, ``inspect.stack``,
  ``warnings.warn``...: while profiled, the caller would be jitcy's trampoline). That test
  is :func:`analyzer.unfriendly.looks_at_callers`: only real uses count (``inspect.stack``
  reached through the inspect module, a frame attribute such as ``.f_back``,
  ``__code__``), not an attribute that merely shares the name (``self.stack``,
  ``log.warn``); it disassembles only functions whose names include one of those.

Watching costs one code object per function and nothing else (``compat.
pending_trampoline_factory``: the original code with the trampoline's bytecode and a
constants tuple holding the original code and the hook; see ``benchmarks/bench_hook.py``).
The first call finds the function object from the trampoline's frame (by its qualified name
in its module, where the hook found it), takes the call's arguments from that frame, and
registers the function with the pipeline (the same profiling as ``@jitcy.hot``, with the
hook's threshold: default ``JITCY_HOOK_THRESHOLD``, 1000 calls, or
``JITCY_HOOK_TIME_LIMIT``, 0.2 s), which puts the original code back and builds the
profiling trampoline.

Scope: ``include``/``exclude`` are module-name patterns. A pattern without wildcards names a
module and everything under it (``mypkg`` is ``mypkg`` and ``mypkg.sub``); with ``*``, ``?``
or ``[...]`` it is matched against the whole dotted name (``mypkg.*``, ``*.kernels``). With
no ``include``, the scope is the user's code: modules whose file is under ``root`` (default:
the current directory when the hook is installed; ``jitcy run`` passes the script's
directory) and not in the standard library or site-packages. jitcy itself and the packages
it depends on are never watched. Modules imported before the hook was installed are not
touched.
"""
from __future__ import annotations

import fnmatch
import functools
import gc
import os
import re
import site
import sys
import sysconfig
import threading
import types

from . import compat, config, errors
from .translator import naming

if compat.SUPPORTED:
    from . import pipeline
    from .analyzer.unfriendly import CALLER_NAMES, looks_at_callers
else:                   # nothing CPython-specific is imported: install() does nothing
    pipeline = looks_at_callers = None
    CALLER_NAMES = frozenset()

#: Never watched, whatever the patterns say: jitcy and what it runs on while compiling.
_NEVER = ("jitcy", "Cython", "pyximport", "setuptools", "distutils", "_distutils_hack",
          "pkg_resources", "psutil", "platformdirs", "filelock")
_PATTERN = re.compile(r"^[\w.*?\[\]!-]+$")


def _check_patterns(value, what: str) -> tuple:
    if value is None:
        return ()
    patterns = (value,) if isinstance(value, str) else value
    try:
        patterns = tuple(patterns)
    except TypeError:
        raise TypeError(f"jitcy.install({what}=...) takes a module-name pattern or a list of "
                        f"them, got {type(value).__name__}") from None
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(f"jitcy.install({what}=...): patterns are strings, got "
                            f"{type(pattern).__name__} {pattern!r}")
        if not _PATTERN.match(pattern) or pattern.startswith(".") or pattern.endswith("."):
            raise ValueError(f"jitcy.install({what}={pattern!r}): not a module-name pattern; "
                             f"write a dotted module name, optionally with * wildcards "
                             f"(mypkg, mypkg.*, *.kernels)")
    return patterns


def _matcher(patterns: tuple):
    exact = tuple(p for p in patterns if not any(c in p for c in "*?["))
    wild = tuple(p for p in patterns if p not in exact)

    def matches(name: str) -> bool:
        for p in exact:
            if name == p or name.startswith(p + "."):
                return True
        return any(fnmatch.fnmatchcase(name, p) for p in wild)
    return matches


_never = _matcher(_NEVER)


@functools.lru_cache(maxsize=1)
def _library_dirs() -> tuple:
    """Directories whose modules are never "the user's code": stdlib and site-packages."""
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(path)
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:      # old virtualenv's site module
        pass
    user_site = getattr(site, "getusersitepackages", lambda: None)()
    if user_site:
        dirs.add(user_site)
    dirs.update(p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages"))
    dirs.add(os.path.dirname(os.path.abspath(__file__)))
    return tuple(sorted({os.path.join(os.path.realpath(d), "") for d in dirs}))


class Hook:
    """The handle :func:`install` returns; pass it to :func:`uninstall`."""

    def __init__(self, include: tuple, exclude: tuple, threshold: int, time_limit: float,
                 root: str):
        self.include, self.exclude = include, exclude
        self.threshold, self.time_limit = threshold, time_limit
        self.root = root
        self.key = (include, exclude, threshold, time_limit, root)
        self._include = _matcher(include) if include else None
        self._exclude = _matcher(exclude)
        self.watched = 0            # functions watched so far

    @property
    def installed(self) -> bool:
        return self in _hooks

    def wants_name(self, name: str):
        """True/False when the name decides, None when the module's file must be seen."""
        if _never(name) or self._exclude(name):
            return False
        if self._include is not None:
            return self._include(name)
        return None

    def wants(self, name: str, origin) -> bool:
        decided = self.wants_name(name)
        if decided is not None:
            return decided
        if not origin or not origin.endswith(".py"):
            return False
        path = os.path.realpath(origin)
        return path.startswith(self.root) and not path.startswith(_library_dirs())

    def __repr__(self):
        scope = f"include={list(self.include)}" if self.include else f"root={self.root!r}"
        state = "installed" if self.installed else "uninstalled"
        return (f"<jitcy import hook {scope} exclude={list(self.exclude)} "
                f"threshold={self.threshold} time_limit={self.time_limit} ({state})>")


_hooks: list = []
_lock = threading.RLock()
_local = threading.local()


def install(include=None, exclude=None, threshold=None, time_limit=None, *, root=None) -> Hook:
    """Watch the functions of modules imported from now on (see the module docstring).

    Returns a handle for :func:`uninstall`. Installing again with the same arguments returns
    the same handle and changes nothing. With ``JITCY_DISABLE=1``, or on an interpreter
    jitcy does not support, nothing is installed (the handle says "uninstalled")."""
    from .decorator import _check_options
    include = _check_patterns(include, "include")
    exclude = _check_patterns(exclude, "exclude")
    _check_options(threshold, time_limit)
    cfg = config.get()
    threshold = cfg.hook_threshold if threshold is None else int(threshold)
    time_limit = cfg.hook_time_limit if time_limit is None else float(time_limit)
    if root is None:
        root = os.getcwd()
    elif not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"jitcy.install(root=...) takes a directory, got {type(root).__name__}")
    root = os.path.join(os.path.realpath(os.fspath(root)), "")
    hook = Hook(include, exclude, threshold, time_limit, root)
    if cfg.disable or pipeline is None:
        return hook         # JITCY_DISABLE=1 or an unsupported interpreter: nothing watched
    with _lock:
        for existing in _hooks:
            if existing.key == hook.key:
                return existing
        _hooks.append(hook)
        if not any(isinstance(f, _Finder) for f in sys.meta_path):
            sys.meta_path.insert(0, _FINDER)
    return hook


def uninstall(handle: Hook) -> None:
    """Remove the hook ``handle``: modules imported later are not watched by it. Functions it
    already watches keep being profiled and compiled. Removing it twice does nothing."""
    if not isinstance(handle, Hook):
        raise TypeError(f"jitcy.uninstall() takes the handle jitcy.install() returned, got "
                        f"{type(handle).__name__}")
    with _lock:
        if handle in _hooks:
            _hooks.remove(handle)
        if not _hooks:
            sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)]


def _hook_for(name: str, spec) -> Hook | None:
    for hook in list(_hooks):
        if hook.wants(name, spec.origin):
            return hook
    return None


class _Finder:
    """Finds nothing itself: asks the finders behind it and wraps the loader if in scope."""

    def find_spec(self, name, path=None, target=None):
        hooks = list(_hooks)
        if not hooks or all(h.wants_name(name) is False for h in hooks):
            return None
        busy = _local.__dict__.setdefault("busy", set())
        if name in busy:            # a finder behind us imports or finds the same name
            return None
        busy.add(name)
        try:
            spec = None
            for finder in list(sys.meta_path):
                if isinstance(finder, _Finder):
                    continue
                find = getattr(finder, "find_spec", None)
                if find is None:    # a legacy finder: let the import system handle it all
                    return None
                spec = find(name, path, target)
                if spec is not None:
                    break
        finally:
            busy.discard(name)
        if spec is None:
            return None
        loader = spec.loader
        if (loader is None or isinstance(loader, type) or not hasattr(loader, "exec_module")
                or isinstance(loader, _Loader) or not spec.has_location):
            return spec
        hook = _hook_for(name, spec)
        if hook is not None:
            spec.loader = _Loader(loader, hook)
        return spec

    def invalidate_caches(self):
        pass

    def __repr__(self):
        return "<jitcy import hook finder>"


_FINDER = _Finder()


class _Loader:
    """Stands in for the real loader during one import, then steps aside."""

    def __init__(self, loader, hook: Hook):
        self._loader = loader
        self._hook = hook

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def exec_module(self, module):
        real = self._loader
        spec = getattr(module, "__spec__", None)
        if spec is not None and spec.loader is self:
            spec.loader = real
        if getattr(module, "__loader__", None) is self:
            module.__loader__ = real
        registered = _registered()
        real.exec_module(module)
        try:
            # nothing registered while the module ran (no @jitcy.hot/ignore, no call of a
            # watched function): none of its functions can be one jitcy handles already
            watch_module(module, self._hook, careful=_registered() != registered)
        except Exception as exc:   # a bug in jitcy must not fail the user's import
            errors.internal_error(exc, "importhook")


def watch_module(module: types.ModuleType, hook: Hook, careful: bool = True) -> int:
    """Watch the functions ``module`` defines (after it ran). Returns how many.

    This runs for every function of every imported module (see ``benchmarks/bench_hook.py``:
    the import of a module under the hook must cost less than twice the plain import), so
    the functions are collected first and then watched in one tight loop, where the common
    case costs a few attribute reads and one ``code.replace()`` (``compat.
    pending_trampoline_factory``). ``careful=False``: no function was registered with the
    pipeline while the module ran, so none of them can be one jitcy handles already (no
    registry lookups)."""
    name = module.__name__
    spec = getattr(module, "__spec__", None)
    filename = getattr(spec, "origin", None) or getattr(module, "__file__", None)
    if not filename:
        return 0
    found = []
    add, function = found.append, types.FunctionType
    for value in list(module.__dict__.values()):
        if type(value) is function:
            add(value)
        elif isinstance(value, type) and value.__module__ == name:
            _collect_class(value, name, add, set())
    count = _watch_all(found, name, filename, hook, careful)
    hook.watched += count
    return count


def watch_objects(objects, name: str, filename: str, hook: Hook) -> int:
    """Watch the functions among ``objects`` and those of the classes among them, as if
    module ``name`` (file ``filename``) had defined them (``jitcy run``'s main script adds
    its definitions one by one). Returns how many."""
    found = []
    for obj in objects:
        if isinstance(obj, type):
            _collect_class(obj, name, found.append, set())
        else:
            _collect_functions(obj, found.append)
    count = _watch_all(found, name, filename, hook, careful=True)
    hook.watched += count
    return count


def _collect_class(cls, name, add, seen) -> None:
    """Add the functions ``cls`` (and the classes nested in it) defines to ``add``."""
    if cls in seen:
        return
    seen.add(cls)
    function = types.FunctionType
    for value in list(cls.__dict__.values()):
        if type(value) is function:
            add(value)
        elif isinstance(value, type):
            if value.__module__ == name and value.__qualname__.startswith(
                    cls.__qualname__ + "."):
                _collect_class(value, name, add, seen)
        else:
            _collect_functions(value, add)


def _watch_all(funcs, name, filename, hook, careful) -> int:
    """Give each function of ``funcs`` (plain functions only) that is the module's own (see
    the module docstring) the hook's trampoline. Returns how many."""
    skip_flags, callers = _NOT_COMPILED, _LOOKS_AT_CALLERS
    code_type, local, first_call, skip_counter = (_CodeType, _TRAMPOLINE_LOCAL, _first_call,
                                                  _SkipCounter)
    chosen, codes = [], []
    for func in funcs:
        if func.__module__ != name:
            continue
        code = func.__code__
        consts = code.co_consts
        n = len(consts)     # consts[0] is the docstring or None: nested code sits after it
        if (code.co_filename != filename or code.co_flags & skip_flags
                or (n > 2 and (consts[1] is first_call      # watched already,
                               or type(consts[1]) is skip_counter))     # or profiled
                or careful and (local in code.co_varnames
                                or _lookup(func) is not None)   # handled, or @jitcy.ignore
                or ((not callers.isdisjoint(code.co_names)
                     or (n > 1 and type(consts[n - 1]) is code_type)    # nested code:
                     or (n > 2 and code_type in map(type, consts)))     # checked too
                    and looks_at_callers(code, func.__globals__))):
            continue
        chosen.append(func)
        codes.append(code)
    _make_pending.each(chosen, codes, hook)
    return len(set(chosen))         # an alias (g = f) is one function, watched once


_NOT_COMPILED = compat.CO_ASYNC_LIKE
_lookup = pipeline.lookup if pipeline is not None else None
_registered = pipeline.registered_count if pipeline is not None else None
_fix_traceback = pipeline.fix_traceback if pipeline is not None else None
_TRAMPOLINE_LOCAL = naming.TRAMPOLINE_LOCAL


#: Names that may look at the caller's frames: while profiled, the caller of the user's
#: code is the trampoline, so a function that really does (``looks_at_callers``, run only
#: when one of these names occurs, or the code has nested code objects) is not watched at
#: all (it could not be compiled either; ``warnings.warn(stacklevel=2)`` would name the
#: wrong line).
_LOOKS_AT_CALLERS = CALLER_NAMES
_CodeType = types.CodeType


def _skip_counter():
    """``type(co_consts[1])`` of a registered function's profiling trampoline."""
    from .hotfunc import SkipCounter
    return SkipCounter


_SkipCounter = _skip_counter() if pipeline is not None else None


def _activate(code, hook, frame):
    """The first call of a watched function (``code``: its own code, ``frame``: the
    trampoline's, holding the call's arguments): register it. Returns ``(target, state,
    arguments)``: the call runs as ``target(state, *arguments)`` (profiled, or
    interpreted)."""
    arguments = compat.pending_arguments(frame, code)
    func = _function_running(frame)
    if func is None:        # only exec() of the trampoline itself: nothing to register
        return _passthrough(code), _Original(types.FunctionType(code, frame.f_globals)), \
            arguments
    del frame
    return _activated(func, code, hook) + (arguments,)


def _function_running(frame):
    """The function whose call runs in ``frame``, a pending trampoline's frame: found by its
    qualified name in its module (where the hook found it), else among the module's
    functions and classes (it was rebound, or wrapped by a decorator defined in the
    module), else among the objects referring to the trampoline (``gc``: slow, and only
    for a function the program moved out of its module)."""
    trampoline, namespace = frame.f_code, frame.f_globals
    parts = getattr(trampoline, "co_qualname", trampoline.co_name).split(".")
    obj = namespace.get(parts[0]) if "<locals>" not in parts else None
    for part in parts[1:]:
        own = getattr(obj, "__dict__", None) if isinstance(obj, type) else None
        obj = own.get(part) if own is not None else None
    found = []
    _collect_functions(obj, found.append)
    for func in found:
        if func.__code__ is trampoline:
            return func
    found.clear()
    module_name = namespace.get("__name__")
    for value in list(namespace.values()):
        if type(value) is types.FunctionType:
            found.append(value)
        elif isinstance(value, type) and value.__module__ == module_name:
            _collect_class(value, module_name, found.append, set())
    for func in found:
        if func.__code__ is trampoline:
            return func
    for func in gc.get_referrers(trampoline):           # moved out of its module
        if type(func) is types.FunctionType and func.__code__ is trampoline:
            return func
    return None


def _collect_functions(obj, add) -> None:
    """The plain functions ``obj`` holds as a class attribute (itself, a static or class
    method's, a property's accessors, a cached property's)."""
    function = types.FunctionType
    if type(obj) is function:
        add(obj)
    elif isinstance(obj, (staticmethod, classmethod)):
        if type(obj.__func__) is function:
            add(obj.__func__)
    elif isinstance(obj, property):
        for func in (obj.fget, obj.fset, obj.fdel):
            if type(func) is function:
                add(func)
    elif isinstance(obj, functools.cached_property):
        if type(obj.func) is function:
            add(obj.func)


def _activated(func, code, hook):
    hf = None
    try:
        hf = pipeline.register(func, threshold=hook.threshold, time_limit=hook.time_limit)
    except Exception as exc:   # never break the program: run it interpreted
        if func is not None and func.__code__ is not code:
            func.__code__ = code
        errors.internal_error(exc, "importhook")
    if hf is None:
        return _passthrough(code), _Original(func)
    if hf.profiling:
        return hf.probe, hf
    primary = hf.primary
    if primary is not None:        # loaded at registration (`jitcy build`): run it compiled
        return primary.entry, primary.binding
    return hf.passthrough, hf


# Compiled under a "<jitcy ...>" file name: traceback fixing drops its frame.
_FIRST_CALL = """\
def first_call(code, hook):
    target, state, arguments = activate(code, hook, getframe(1))
    return target(state, *arguments)
"""
_namespace = {"activate": _activate, "getframe": sys._getframe}
exec(compile(_FIRST_CALL, "<jitcy first call>", "exec"), _namespace)
_first_call = _namespace["first_call"]
_make_pending = (compat.pending_trampoline_factory(_first_call, _fix_traceback)
                 if pipeline is not None else None)


class _Original:
    __slots__ = ("original",)

    def __init__(self, func):
        self.original = func


def _passthrough(code):
    from .profiler import make_probe
    return make_probe(compat.signature_shape(code)).passthrough
