"""The one place where the stages are called, in order.

    profile -> analyze -> translate -> build -> cache -> swap

Front doors (``decorator``, later ``importhook`` and ``cli``) call :func:`register`; the
probe calls back into :func:`request_compile` when a function gets hot. Expected failures
(unsupported construct, build error, no compiler, unusable cache) become a reason on the
function plus one warning per cause; the function keeps running interpreted.
"""
from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import pathlib
import shutil
import sysconfig
import tempfile
import threading
import time
import types
import weakref

from . import __version__, analyzer, builder, cache, compat, config, errors, loader, profiler
from .hotfunc import HotFunction, Specialization, State, restore_pending
from .translator import emit_calls, emit_module, emit_snippet, naming


_registry: "weakref.WeakKeyDictionary[types.FunctionType, HotFunction]" = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()
_loaded: dict = {}            # cache key -> imported module (one import per process)
_store_state: dict = {}       # "store": cache.Store | None, resolved on first build
_switch = {"enabled": True}   # jitcy.enable() / jitcy.disable()


def register(func: types.FunctionType, *, threshold: int, time_limit: float,
             once: bool = False) -> HotFunction:
    """Put ``func`` under the profiler (idempotent). Returns its state.

    An ignored function (``@jitcy.ignore``, in any decorator order) stays ignored."""
    with _registry_lock:
        restore_pending(func)   # watched by the import hook, never called: its own code back
        hf = _registry.get(func)
        if hf is not None:
            return hf
        hf = _new_state(func, threshold=threshold, time_limit=time_limit, once=once)
        hf.suspended = not _switch["enabled"]
        _registry[func] = hf
    cfg = config.get()
    if func.__code__.co_flags & compat.CO_ASYNC_LIKE:
        hf.specialization_failed((), "unsupported: coroutines and async generators are not "
                                     "compiled yet; the function runs interpreted")
        return hf
    unfriendly = analyzer.jit_unfriendly(func.__code__, func.__globals__)
    if unfriendly:                       # never profiled: it costs nothing per call
        hf.specialization_failed((), unfriendly)
        return hf
    if cfg.record and not _store_state.get("recording"):
        _store_state["recording"] = True
        from . import aot        # JITCY_RECORD=path: same as jitcy.record(path)
        aot.record(cfg.record)
    hf.start()
    if _load_ahead_of_time(hf):
        return hf           # compiled code from `jitcy build`: nothing to warm up
    if not cfg.sync:
        builder.prewarm()   # Cython's first compile in a process costs ~1 s: pay it now
    return hf


def _new_state(func, *, threshold=1, time_limit=0.0, once=False) -> HotFunction:
    return HotFunction(func, threshold=threshold, time_limit=time_limit,
                       max_specializations=config.get().max_specializations,
                       compile_request=request_compile, normalize=analyzer.normalize_types,
                       once=once, on_error=loader.fix_traceback)


#: For the import hook's not-yet-called trampolines: drops jitcy's frames from a traceback.
fix_traceback = loader.fix_traceback


def ignore(func: types.FunctionType) -> HotFunction:
    """Never compile ``func`` (``@jitcy.ignore``); undoes an earlier ``register``."""
    with _registry_lock:
        restore_pending(func)
        hf = _registry.get(func)
        if hf is None:
            hf = _registry[func] = _new_state(func)
    hf.ignore()
    return hf


def is_ignored(func) -> bool:
    """True for a function marked ``@jitcy.ignore`` (the import hook skips those)."""
    hf = _registry.get(func) if isinstance(func, types.FunctionType) else None
    return hf is not None and hf.state is State.IGNORED


def set_enabled(enabled: bool) -> None:
    """``jitcy.enable()`` / ``jitcy.disable()`` for every registered function."""
    with _registry_lock:
        _switch["enabled"] = enabled
        functions = list(_registry.values())
    for hf in functions:
        hf.resume() if enabled else hf.suspend()


def is_enabled() -> bool:
    return _switch["enabled"]


def explain(hf: HotFunction, arg_types: tuple) -> dict:
    """What jitcy generates for ``hf`` and ``arg_types`` (``jitcy.explain``): analysis and
    translation again, no build, with the direct calls a build would make now. Keys: ``types`` (the normalized argument types), ``typed``
    (the TypedFunction) and ``pyx`` (the module text), or ``error`` (why it is refused)."""
    func = hf.func
    arg_types = analyzer.normalize_types(tuple(arg_types))
    # The compiled functions it would call in C now, as a build now would (_specialize).
    callees = _direct_callees(func, hf.original_code)
    out = {"arg_types": arg_types, "typed": None, "pyx": None, "error": None,
           "module_name": naming.module_name(cache_key(func, hf.original_code, arg_types,
                                                       callees))}
    try:
        sigs = {name: emit_calls.callee_sig(name, i, spec.export)
                for i, (name, _, spec) in enumerate(callees)}
        typed = analyzer.analyze(func, hf.original_code, arg_types, sigs,
                                 _method_codes(func, hf.original_code))
        out["typed"] = typed
        out["pyx"] = emit_module.emit_module(typed)
    except errors.JitcyError as exc:
        out["error"] = f"{exc.slug}: {exc}"
    return out


def annotate_html(module_name: str, pyx: str, path: pathlib.Path) -> pathlib.Path:
    """Cython's annotated HTML of ``pyx`` (run in the build worker), copied to ``path``."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="jitcy-annotate-"))
    try:
        request = builder.BuildRequest(module_name=module_name, pyx_text=pyx, workdir=workdir,
                                       timeout=config.get().build_timeout)
        html = builder.annotate(request)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(html, path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return path


def toolchain_status() -> dict:
    """``compiler`` and ``cython`` as builds will see them, and a ``problem`` sentence (or
    None) if one is missing: functions then stay interpreted (jitcy.status())."""
    ident = builder.toolchain_identity()
    compiler = ident["compiler_path"] or None
    cython = None if ident["cython_version"].startswith("missing") else ident["cython_version"]
    problem = None
    if compiler is None and ident["compiler_binary"].startswith("missing"):
        problem = (f"no C compiler: {ident['compiler_binary'][len('missing: '):]} (install gcc "
                   f"or clang, or set CC); functions stay interpreted")
    elif cython is None:
        problem = "Cython is not installed (pip install 'Cython>=3.1'); functions stay interpreted"
    return {"compiler": compiler or ident["compiler_so"].split(" ")[0], "cython": cython,
            "problem": problem}
def function_key(code: types.CodeType) -> str:
    """Names a function's ahead-of-time index: its code and jitcy's version, no types."""
    return cache.make_key({"format": cache.FORMAT_VERSION, "jitcy": _jitcy_digest(),
                           "code": cache.code_fingerprint(code)})


def _load_ahead_of_time(hf: HotFunction) -> bool:
    """Load the specializations `jitcy build` made for ``hf`` (one stat when there are
    none). Runs at registration, so the first call runs compiled code. True if any loaded."""
    try:
        store = _store()
        sigs = cache.aot.read_index(store.root, function_key(hf.original_code)) if store else []
        for names in sigs:
            try:
                raw = tuple(cache.aot.resolve_type(n) for n in names)
            except ValueError:
                continue
            arg_types = analyzer.normalize_types(raw)
            if len(arg_types) == len(hf.shape.params) and hf.begin_eager(arg_types):
                _compile(hf, arg_types, build=False)    # a load; a miss goes back to profiling
    except Exception as exc:   # never break registration: profile as usual
        errors.internal_error(exc, "ahead-of-time load")
        return False
    return bool(hf.specializations)


def build_ahead(func: types.FunctionType, arg_types: tuple) -> str:
    """Compile ``func`` for ``arg_types`` into the cache without loading it (``jitcy build``)
    and add the signature to the function's ahead-of-time index. Returns "built" or
    "cached"; raises JitcyError (unsupported code, build error, no usable cache)."""
    hf = lookup(func)
    code = hf.original_code if hf is not None else func.__code__
    arg_types = analyzer.normalize_types(tuple(arg_types))
    store = _store()
    if store is None:
        raise errors.CacheError("no usable cache directory to build into (see the warning "
                                "above; set JITCY_CACHE_DIR to a writable directory)")
    key = cache_key(func, code, arg_types)
    status = "cached"
    if store.lookup(key) is None:
        typed = analyzer.analyze(func, code, arg_types, None,
                                 _method_codes(func, code))          # analyze
        pyx = emit_module.emit_module(typed)                          # translate
        _build_and_store(store, key, naming.module_name(key), pyx, func, arg_types)  # build
        if store.lookup(key) is None:
            raise errors.CacheError(f"built {func.__qualname__} but could not store it in "
                                    f"{store.root} (see the warning above)")
        status = "built"
    cache.aot.add_to_index(store, function_key(code),
                           f"{func.__module__}.{func.__qualname__}",
                           cache.aot.type_names(arg_types))
    return status


def wait(timeout=None) -> bool:
    """Block until the background builds submitted so far are done (False on timeout)."""
    return builder.jobs.wait(timeout)


def registered_count() -> int:
    """How many functions jitcy handles (the import hook compares it around a module's
    execution: unchanged means none of the module's functions was registered)."""
    return len(_registry)


def lookup(func) -> HotFunction | None:
    return _registry.get(func)


def all_functions() -> list:
    return list(_registry.values())


def request_compile(hf: HotFunction, arg_types: tuple) -> None:
    """Called at a call boundary when ``hf`` is hot for ``arg_types``."""
    if config.get().sync:
        _compile(hf, arg_types)
    else:
        builder.jobs.submit(lambda: _compile(hf, arg_types))


def compile_eager(hf: HotFunction, raw_signatures: list, *, wait: bool) -> None:
    """Compile ``hf`` for each signature now, without calling it (``signatures=``,
    ``sample_args=``). In the background unless ``wait`` (or ``JITCY_SYNC=1``): then the
    caller (the decorator, so the import) blocks until every build is loaded."""
    todo = []
    for raw in raw_signatures:
        arg_types = analyzer.normalize_types(tuple(raw))
        if arg_types not in todo and hf.begin_eager(arg_types):
            todo.append(arg_types)
    for arg_types in todo:
        if wait or config.get().sync:
            _compile(hf, arg_types)
        else:
            builder.jobs.submit(lambda t=arg_types: _compile(hf, t))


def _compile(hf: HotFunction, arg_types: tuple, build: bool = True) -> None:
    try:
        spec = _specialize(hf, arg_types, build=build)
    except errors.BuildCancelled as exc:   # interpreter exit: recorded, not worth a warning
        hf.specialization_failed(arg_types, f"{exc.slug}: {exc}")
        return
    except errors.JitcyError as exc:
        reason = f"{exc.slug}: {exc}"
        errors.warn_once(exc.cause, f"jitcy: {hf.qualname} stays interpreted: {reason}")
        hf.specialization_failed(arg_types, reason)
        return
    except Exception as exc:  # a bug in jitcy: recorded, raised under JITCY_STRICT=1
        hf.specialization_failed(arg_types, f"internal error: {type(exc).__name__}: {exc}")
        errors.internal_error(exc, "pipeline")
        return
    if spec is not None:
        hf.specialization_ready(spec)
    elif not build:
        hf.eager_cancelled(arg_types)


def _direct_callees(func: types.FunctionType, code: types.CodeType) -> list:
    """``[(name, function, specialization)]``: module globals this code names that are
    functions jitcy compiled and swapped in, exporting a C entry (emit_calls.py). Calls to
    them can become direct C calls; the translator checks the argument types."""
    out = []
    for name in sorted(set(code.co_names)):
        g = func.__globals__.get(name)
        if type(g) is not types.FunctionType or g is func or g.__globals__ is not func.__globals__:
            continue
        hg = _registry.get(g)
        spec = hg.primary if hg is not None else None
        if (spec is None or hg.state is not State.SWAPPED or spec.export is None
                or g.__code__ not in (spec.trampoline, hg.measure_code)):
            continue
        out.append((name, g, spec))
    return out


def _method_codes(func: types.FunctionType, code: types.CodeType) -> dict:
    """``{name: original code}`` of the methods whose calls ``obj.name()`` in ``code`` may
    run as C at the call site, if short (the analyzer decodes them: method_programs.py):
    the one function of that name in the module's classes, with the code the user wrote
    (a function jitcy swapped: its original; one in another tool's hands: left out)."""
    out = {}
    if not analyzer.method_programs.supported():
        return out
    for name, g in analyzer.method_programs.candidates(code, func.__globals__,
                                                        func.__module__).items():
        hg = _registry.get(g)
        c = hg.original_code if hg is not None else g.__code__
        if hg is not None or not compat.is_trampoline(c):
            out[name] = c
    return out


def cache_key(func: types.FunctionType, code: types.CodeType, arg_types: tuple,
              callees=()) -> str:
    """Everything that changes the compiled output (design.md section 5); ``callees`` from
    :func:`_direct_callees` (their modules name their keys)."""
    return cache.make_key({
        "callees": [[name, spec.module_name] for name, _, spec in callees],
        "format": cache.FORMAT_VERSION,
        "jitcy": _jitcy_digest(),
        "code": cache.code_fingerprint(code),
        "types": [profiler.type_key(t) for t in arg_types],
        "shadowed_builtins": analyzer.shadowed_builtins(code, func.__globals__),
        "known_globals": analyzer.known_globals_key(code, func.__globals__),
        "methods": [[name, cache.code_fingerprint(c)]
                    for name, c in _method_codes(func, code).items()],
        "directives": emit_module.DIRECTIVES,
        "toolchain": builder.toolchain_identity(),
    })


def _specialize(hf: HotFunction, arg_types: tuple, build: bool = True) -> Specialization | None:
    """The compiled specialization of ``hf`` for ``arg_types``: loaded (this process or the
    cache) or built and published. With ``build=False``, None on a cache miss."""
    started = time.perf_counter()
    func, code = hf.func, hf.original_code
    if func is None:
        return None
    # Ahead-of-time entries were built without direct calls: a load looks for those.
    callees = _direct_callees(func, code) if build else []
    key = cache_key(func, code, arg_types, callees)
    module_name = naming.module_name(key)
    module = _loaded.get(key)
    cache_hit = module is not None
    if module is None:
        store = _store()
        with (store.pinned(key) if store is not None else _no_entry()) as entry:
            cache_hit = entry is not None
            if entry is not None:      # pinned: eviction leaves it alone while we load it
                module = loader.import_extension(module_name, entry.so_path)   # load
        if module is None:
            if not build:
                return None
            sigs = {name: emit_calls.callee_sig(name, i, spec.export)
                    for i, (name, _, spec) in enumerate(callees)}
            typed = analyzer.analyze(func, code, arg_types, sigs,
                                     _method_codes(func, code))      # analyze
            pyx = emit_module.emit_module(typed)                      # translate
            _reused.flag = False
            so_path = _build_and_store(store, key, module_name, pyx, func, arg_types)
            cache_hit = _reused.flag       # another process built it while we waited
            module = loader.import_extension(module_name, so_path)   # load
        _loaded[key] = module
    entry_fn, binding = loader.bind(module, func, hf.miss, hf, code.co_name, hf.original)
    if callees and getattr(module, naming.DIRECT, ()):
        loader.link(module, binding, [(name, g, spec.trampoline, spec.binding, spec.export[0],
                                       spec.export[6](spec.binding) if spec.export[6] else None)
                                      for name, g, spec in callees])
    trampoline = compat.make_trampoline(code, entry_fn, binding,     # swapped in by hf
                                        on_error=loader.fix_traceback,
                                        fast=loader.fast_path(module, func))
    return Specialization(arg_types=arg_types, entry=entry_fn, binding=binding,
                          trampoline=trampoline, cache_hit=cache_hit, module_name=module_name,
                          compile_seconds=time.perf_counter() - started,
                          export=getattr(module, naming.EXPORT, None),
                          install_fast=getattr(module, naming.INSTALL_VECTORCALL, None),
                          fast=getattr(module, naming.FAST_EXPORT, None),
                          direct_callees=list(getattr(module, naming.DIRECT, ())))


# -- jitcy.inline snippets: analyze -> translate -> build -> cache -> load, no swap -------
_snippet_lock = threading.Lock()
#: Process-wide counts (tests and `jitcy.inline` docs): built here vs loaded from the cache.
snippet_counts = {"built": 0, "cache_hits": 0}


def snippet_plan(code: str):
    """The snippet split into module part and body, with the names it may capture."""
    return analyzer.snippet.scan(code)


#: The C type a captured or given value gets (its observed type, as for functions). An
#: alias, not a wrapper: the front door calls it once per value on every call.
snippet_c_type = analyzer.snippet.c_type_of


def snippet_key(plan, params: tuple) -> str:
    """The same rules as :func:`cache_key`: the snippet text stands in for the code object,
    the parameters' C types for the observed types."""
    return cache.make_key({
        "format": cache.FORMAT_VERSION,
        "jitcy": _jitcy_digest(),
        "snippet": plan.text,
        "params": [list(p) for p in params],
        "directives": emit_snippet.SNIPPET_DIRECTIVES,
        "toolchain": builder.toolchain_identity(),
    })


def snippet_line_map(plan, params: tuple) -> dict:
    """Generated module line -> snippet line (for exceptions raised by a loaded snippet)."""
    return emit_snippet.emit_snippet(plan, params)[1]


def compile_snippet(plan, params: tuple, where: str):
    """The compiled snippet for ``params`` (``(name, c_type)`` pairs in call order): loaded
    from this process or the cache, else built and published. A Cython or C error in the
    snippet raises :class:`errors.SnippetError` naming the snippet's line."""
    key = snippet_key(plan, params)
    module_name = naming.module_name(key)
    with _snippet_lock:        # one build per key in this process (the store's lock: across)
        module = _loaded.get(key)
        if module is None:
            store = _store()
            with (store.pinned(key) if store is not None else _no_entry()) as entry:
                if entry is not None:
                    module = loader.import_extension(module_name, entry.so_path)   # load
                    snippet_counts["cache_hits"] += 1
            if module is None:
                pyx, line_map = emit_snippet.emit_snippet(plan, params)     # translate
                meta = {"module_name": module_name, "qualname": f"jitcy.inline at {where}",
                        "module": "jitcy.inline",
                        "function": f"jitcy.inline at {where}",
                        "types": [f"{c} {n}" for n, c in params]}
                try:
                    so_path = _build_and_store(store, key, module_name, pyx, None, (), meta)
                except errors.BuildError as exc:
                    raise errors.SnippetError.from_build(exc, plan.text, line_map,
                                                         where) from None
                module = loader.import_extension(module_name, so_path)     # load
                snippet_counts["built"] += 1
            _loaded[key] = module
    return getattr(module, naming.SNIPPET)


#: Set by _build_and_store when the entry appeared while it waited for the key's lock.
_reused = threading.local()


@contextlib.contextmanager
def _no_entry():
    yield None


def type_name(t: type) -> str:
    if isinstance(t, (profiler.ArrayType, profiler.TupleType)):
        return t.__name__
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _build_and_store(store, key, module_name, pyx, func, arg_types, meta=None) -> pathlib.Path:
    """Build under the key's lock (each key is built once across processes) and publish."""
    cfg = config.get()
    so_name = module_name + sysconfig.get_config_var("EXT_SUFFIX")
    # What `jitcy cache list` shows (the entry's size and last use come from the files).
    meta = meta or {"module_name": module_name, "qualname": func.__qualname__,
                    "module": func.__module__,
                    "function": f"{func.__module__}.{func.__qualname__}",
                    "types": [type_name(t) for t in arg_types]}
    if store is not None and not store.read_only:
        try:
            with store.lock(key, timeout=cfg.build_timeout * 2):
                entry = store.lookup(key)      # another process may have built it meanwhile
                if entry is not None:
                    _reused.flag = True
                    return entry.so_path
                workdir = store.new_workdir()
                result = _build(module_name, pyx, workdir, cfg)
                try:
                    so_path = store.publish(key, workdir, so_name, meta).so_path
                except errors.CacheError as exc:
                    errors.warn_once("cache-publish", f"jitcy: cannot store compiled code in "
                                                      f"the cache ({exc}); using it for this "
                                                      f"process only")
                    return result.so_path
            cache.evict_if_needed(store, build_timeout=cfg.build_timeout)
            return so_path
        except errors.CacheError as exc:   # no lock or build directory (disk full, ...)
            errors.warn_once("cache-publish", f"jitcy: cannot use the cache for this build "
                                              f"({exc}); building for this process only")
    # No usable cache directory: build privately, never publish, remove at exit.
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="jitcy-build-"))
    atexit.register(shutil.rmtree, workdir, True)
    return _build(module_name, pyx, workdir, cfg).so_path


def _build(module_name, pyx, workdir, cfg):
    request = builder.BuildRequest(module_name=module_name, pyx_text=pyx,
                                   workdir=pathlib.Path(workdir), timeout=cfg.build_timeout)
    return builder.compile_module(request)


def _store():
    if "store" in _store_state and cache.location.maybe_recover():
        del _store_state["store"]     # the configured directory works again
    if "store" not in _store_state:
        root = cache.cache_root()
        _store_state["store"] = (cache.Store(root, read_only=cache.location.is_read_only(root))
                                 if root is not None else None)
    return _store_state["store"]


def reset() -> None:
    """Forget the cache location and loaded modules (tests change JITCY_CACHE_DIR)."""
    _store_state.clear()
    _loaded.clear()
    cache.reset_root()


def _after_fork_in_child() -> None:
    """A child forked during a build must not wait for it (it runs in the parent): every
    function forgets builds in flight and profiles again if it had none loaded yet."""
    global _registry_lock
    _registry_lock = threading.Lock()
    for hf in list(_registry.values()):
        hf.after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


_digest: list = []


def _jitcy_digest() -> str:
    """Hash of the code that decides what jitcy generates, so a changed jitcy never loads
    an entry built by an older one (the format version alone relies on people bumping it)."""
    if not _digest:
        root = pathlib.Path(__file__).parent
        h = hashlib.sha256(__version__.encode())
        for sub in ("analyzer", "translator", "builder"):
            for path in sorted((root / sub).glob("*.py")):
                h.update(path.name.encode())
                h.update(path.read_bytes())
        _digest.append(h.hexdigest()[:16])
    return _digest[0]
