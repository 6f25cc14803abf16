"""Ahead of time: record which functions got hot with which types, then build them.

Record (in the program's run)::

    jitcy.record("profile.json")       # or JITCY_RECORD=profile.json, or
                                       # jitcy run --record profile.json app.py
    ...                                # at exit, profile.json lists every compiled
                                       # (or compiling) function and its argument types

Build (before deploying; in parallel on all cores, into the cache)::

    jitcy build profile.json [-j N]

The next run loads those specializations when each function is registered (decorated or
found by the import hook): its first call runs compiled code, with no profiling warm-up and
no compile latency. Several processes recording to one file merge their functions.

The profile (JSON, ``"format": "jitcy-profile"``)::

    {"format": "jitcy-profile", "version": 1, "functions": [
      {"module": "app.sim", "qualname": "Model.step", "file": "/src/app/sim.py",
       "signatures": [["object", "float"]]}]}

``jitcy build`` imports each module by name (the recorded file's package root is put on
``sys.path``); functions of the main script (``__main__``) are loaded from their file under
the name ``__mp_main__`` (as ``multiprocessing`` does), so its ``if __name__ ==
"__main__":`` block does not run. Nested functions (``<locals>`` in the qualname) cannot be
found by name and are reported as skipped.
"""
from __future__ import annotations

import atexit
import concurrent.futures
import importlib
import importlib.util
import json
import multiprocessing
import os
import pathlib
import sys
import threading
import time

from . import compat, errors

if compat.SUPPORTED:
    from . import pipeline
    from .cache import aot as aot_index
    from .cache import layout, locks
else:                   # an unsupported interpreter imports nothing CPython-specific, nor
    pipeline = None     # the cache's dependencies (filelock may not even import there)

FORMAT = "jitcy-profile"
VERSION = 1

_recording: dict = {"paths": [], "registered": False}
_record_lock = threading.Lock()


def record(path) -> None:
    """Write the hot functions and their argument types to ``path`` when the process exits
    (merged with what the file already holds). For ``jitcy build``. A no-op where jitcy is
    not supported (nothing gets compiled there, so there is nothing to record)."""
    if pipeline is None:
        return
    path = os.path.abspath(os.fspath(path))
    with _record_lock:
        if path not in _recording["paths"]:
            _recording["paths"].append(path)
        if not _recording["registered"]:
            _recording["registered"] = True
            atexit.register(_write_all)


def snapshot() -> list:
    """The profile's ``functions`` for this process right now."""
    out = []
    for hf in (pipeline.all_functions() if pipeline is not None else []):
        func = hf.func
        if func is None:
            continue
        with hf.lock:
            sigs = [s.arg_types for s in hf.specializations] + sorted(hf.in_flight, key=repr)
        if not sigs:
            continue
        out.append({"module": func.__module__, "qualname": func.__qualname__,
                    "file": hf.original_code.co_filename,
                    "signatures": [aot_index.type_names(t) for t in sigs]})
    return out


def _merge(old: list, new: list) -> list:
    by_name = {}
    for item in old + new:
        k = (item["module"], item["qualname"])
        have = by_name.setdefault(k, dict(item, signatures=[]))
        for sig in item["signatures"]:
            if sig not in have["signatures"]:
                have["signatures"].append(sig)
    return sorted(by_name.values(), key=lambda i: (i["module"], i["qualname"]))


def write_profile(path, functions: list | None = None) -> int:
    """Merge ``functions`` (default: :func:`snapshot`) into the profile at ``path``."""
    path = pathlib.Path(path)
    functions = snapshot() if functions is None else functions
    lock = locks.FileLock(str(path) + ".lock")
    lock.acquire(timeout=30)
    try:
        try:
            old = load_profile(path)
        except FileNotFoundError:
            old = []
        except ValueError:
            old = []            # a damaged profile is replaced, not merged
        merged = _merge(old, functions)
        layout.write_atomic(path, json.dumps(
            {"format": FORMAT, "version": VERSION, "functions": merged}, indent=1) + "\n")
    finally:
        lock.release(unlink=True)
    return len(merged)


def _write_all() -> None:
    for path in list(_recording["paths"]):
        try:
            write_profile(path)
        except Exception as exc:  # noqa: BLE001 - at exit: warn, never raise
            errors.warn_once(f"record:{path}", f"jitcy: cannot write the profile {path}: "
                                               f"{exc}")


def load_profile(path) -> list:
    """The ``functions`` of a profile; ValueError saying what is wrong with it."""
    try:
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a jitcy profile: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a jitcy profile (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a jitcy profile (no \"format\": \"{FORMAT}\"); "
                         f"write one with `jitcy run --record {path}` or jitcy.record()")
    if data.get("version") != VERSION:
        raise ValueError(f"{path} has profile version {data.get('version')!r}; this jitcy "
                         f"reads version {VERSION}: record it again")
    functions = data.get("functions")
    if not isinstance(functions, list):
        raise ValueError(f"{path}: \"functions\" must be a list")
    for i, item in enumerate(functions):
        ok = (isinstance(item, dict) and isinstance(item.get("module"), str)
              and isinstance(item.get("qualname"), str)
              and isinstance(item.get("signatures"), list)
              and all(isinstance(s, list) and all(isinstance(n, str) for n in s)
                      for s in item["signatures"]))
        if not ok:
            raise ValueError(f"{path}: function #{i} needs \"module\", \"qualname\" and "
                             f"\"signatures\" (lists of type names)")
        for sig in item["signatures"]:
            for name in sig:
                aot_index.resolve_type(name)     # ValueError names the bad type
    return functions


# -- jitcy build ------------------------------------------------------------------------------

_modules: dict = {}


def _import(module: str, file: str | None):
    key = (module, file)
    if key in _modules:
        return _modules[key]
    if module == "__main__":
        if not file or not os.path.exists(file):
            raise ImportError(f"the main script {file!r} no longer exists")
        sys.path.insert(0, os.path.dirname(os.path.abspath(file)))
        spec = importlib.util.spec_from_file_location("__mp_main__", file)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["__mp_main__"] = mod
        spec.loader.exec_module(mod)
    else:
        if file and os.path.exists(file):   # put the recorded package root on sys.path
            root = pathlib.Path(file).resolve().parent
            depth = module.count(".") + (1 if pathlib.Path(file).name == "__init__.py" else 0)
            for _ in range(depth):
                root = root.parent
            if str(root) not in sys.path:
                sys.path.append(str(root))
        mod = importlib.import_module(module)
    _modules[key] = mod
    return mod


def _find(item: dict):
    if "<locals>" in item["qualname"]:
        raise LookupError("nested functions cannot be found by name")
    obj = _import(item["module"], item.get("file"))
    for part in item["qualname"].split("."):
        obj = getattr(obj, part)
    obj = getattr(obj, "__func__", obj)          # staticmethod/classmethod/bound method
    if not hasattr(obj, "__code__"):
        raise LookupError(f"{item['qualname']} is a {type(obj).__name__}, not a function")
    return obj


def build_one(task: tuple) -> dict:
    """Build one (function, signature) into the cache. Runs in a pool process."""
    item, names = task
    started = time.perf_counter()
    label = f"{item['module']}.{item['qualname']}({', '.join(names)})"
    try:
        func = _find(item)
        arg_types = tuple(aot_index.resolve_type(n) for n in names)
        status = pipeline.build_ahead(func, arg_types)
        message = ""
    except LookupError as exc:
        status, message = "skipped", str(exc)
    except (ImportError, AttributeError) as exc:
        status, message = "failed", f"cannot find it: {type(exc).__name__}: {exc}"
    except errors.JitcyError as exc:
        status, message = "failed", f"{exc.slug}: {exc}"
    except Exception as exc:  # noqa: BLE001 - reported per function, the others go on
        status, message = "failed", f"{type(exc).__name__}: {exc}"
    return {"function": label, "status": status, "message": message,
            "seconds": round(time.perf_counter() - started, 3)}


def _pool_init() -> None:
    os.environ.setdefault("JITCY_SYNC", "1")


def build(path, jobs: int | None = None, progress=None) -> list:
    """Build every (function, signature) of the profile at ``path`` in ``jobs`` processes
    (default: all cores). ``progress(done, total, result)`` is called as each finishes."""
    functions = load_profile(path)
    tasks = [(item, sig) for item in functions for sig in item["signatures"]]
    if not tasks:
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    results = []
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=ctx,
                                                initializer=_pool_init) as pool:
        futures = [pool.submit(build_one, t) for t in tasks]
        for future in concurrent.futures.as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a pool process died
                result = {"function": "?", "status": "failed", "seconds": 0.0,
                          "message": f"build process died: {type(exc).__name__}: {exc}"}
            results.append(result)
            if progress is not None:
                progress(len(results), len(tasks), result)
    return results
