"""The build worker: a long-lived process that turns ``.pyx`` files into extension modules.

Started by :mod:`jitcy.builder.client`, which runs this file by path (``python -m
jitcy.builder.worker`` works too, for debugging). Why a process:
Cython is not thread-safe and would hold the user's GIL for a second or more; why a
*persistent* one: a fresh process pays ~0.5 s of startup and ~1 s of lazy compiler imports,
a warm one compiles a small module to C in ~15 ms.

Protocol (one JSON object per line)::

    stdin  <- {"id": 1, "module_name": "_jitcy_ab12", "pyx_path": ".../_jitcy_ab12.pyx",
               "workdir": "...", "compile_args": ["-O2", "-g0"], "cython_options": {...},
               "directives": {}}
    proto  -> {"id": 1, "ok": true, "so_path": "...", "log": "..."}
           or {"id": 1, "ok": false, "stage": "cython"|"compile"|"worker", "message": "...",
               "argv": [...], "returncode": 1, "output_tail": "..."}

``proto`` is a private duplicate of the original stdout. For each build, fds 1 and 2 are
pointed at ``workdir/build.log`` so that Cython's messages and the C compiler's output
(inherited fds) land there and can never corrupt the protocol; fd 0 is ``/dev/null`` so
that no compiler can read the requests. This module imports nothing from jitcy (it must
start fast and must not depend on the rest of the package being importable).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import sys
import traceback
import warnings

TAIL_CHARS = 4000
LOG_CHARS = 64000
CYTHON_MISSING = "Cython is not installed: pip install 'Cython>=3.1'"


class BuildFailed(Exception):
    def __init__(self, stage, message, argv=(), returncode=None):
        super().__init__(message)
        self.stage, self.message, self.argv, self.returncode = stage, message, list(argv), returncode


@contextlib.contextmanager
def output_to(path):
    """Point fds 1 and 2 (and ``sys.stdout``/``sys.stderr`` above them) at ``path``."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = [os.dup(1), os.dup(2)]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)


def tail(path, limit=TAIL_CHARS):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return ""
    return text[-limit:]


def cythonize(pyx_path, module_name, cython_options, directives):
    """``.pyx`` -> ``.c`` next to it, with Cython's own API (no ``cythonize`` caching)."""
    try:
        from Cython.Compiler.Main import CompilationOptions, compile_single, default_options
    except ImportError as exc:
        raise BuildFailed("cython", f"{CYTHON_MISSING} ({exc})") from None
    options = CompilationOptions(default_options, compiler_directives=dict(directives),
                                 **cython_options)
    argv = ["Cython.Compiler.Main.compile_single", pyx_path, f"full_module_name={module_name}"]
    try:
        result = compile_single(pyx_path, options, full_module_name=module_name)
    except Exception as exc:  # Cython raises on some internal errors instead of counting them
        traceback.print_exc()
        raise BuildFailed("cython", f"Cython crashed: {type(exc).__name__}: {exc}", argv, 1) from None
    if result.num_errors or not result.c_file:
        raise BuildFailed("cython", f"Cython reported {result.num_errors or 'an'} error(s) "
                          "in the generated .pyx (a jitcy bug if the function is supported; "
                          "please report it with build.log)", argv, result.num_errors or 1)
    return result.c_file


def import_setuptools():
    """Import setuptools quietly (it may warn about replacing distutils) and return the
    distutils classes it provides. Plain distutils ``build_ext``: setuptools' own one would
    route the ``.c`` file through ``Cython.Distutils`` and ``cythonize`` again."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import setuptools  # noqa: F401 - activates setuptools' distutils on 3.12+
        from distutils.command.build_ext import build_ext
        from distutils.dist import Distribution
        from distutils.extension import Extension
    return build_ext, Distribution, Extension


def compile_c(c_file, module_name, workdir, compile_args, include_dirs):
    """``.c`` -> ``.so`` in ``workdir`` with setuptools' compiler machinery (honours CC...)."""
    build_ext, Distribution, Extension = import_setuptools()
    spawned = []

    class LoggedBuildExt(build_ext):
        """Writes each compiler/linker command to the log and remembers it for the error.
        setuptools >= 74 runs commands with ``compiler.call`` (``spawn`` delegates to it),
        older versions with ``compiler.spawn``: wrap whichever is the bottom one."""

        def build_extensions(self):
            name = "call" if hasattr(self.compiler, "call") else "spawn"
            run = getattr(self.compiler, name)

            def logged(cmd, *args, **kwargs):
                spawned.append(list(cmd))
                print("$ " + " ".join(shlex.quote(str(a)) for a in cmd), flush=True)
                return run(cmd, *args, **kwargs)

            setattr(self.compiler, name, logged)
            super().build_extensions()

    ext = Extension(module_name, [c_file], extra_compile_args=list(compile_args),
                    include_dirs=list(include_dirs))
    cmd = LoggedBuildExt(Distribution({"name": module_name, "ext_modules": [ext]}))
    cmd.build_lib = workdir
    cmd.build_temp = os.path.join(workdir, "tmp")
    cmd.force = True
    try:
        cmd.ensure_finalized()
        cmd.run()
    except Exception as exc:  # CompileError, LinkError, DistutilsExecError, PlatformError...
        argv = spawned[-1] if spawned else []
        if not argv:                          # failed before running anything: show why
            traceback.print_exc()
        program = str(argv[0]) if argv else ""
        if program and not shutil.which(program):
            message = (f"C compiler {program!r} not found: install gcc or clang, "
                       "or set CC to a working compiler")
            returncode = None
        else:
            match = re.search(r"exit (?:code|status) (-?\d+)", str(exc))
            returncode = int(match.group(1)) if match else None
            what = (f"exited with code {returncode}" if match
                    else f"failed ({type(exc).__name__}: {str(exc)[:300]})")
            message = (f"the C compiler {what} on Cython's output; its messages are in "
                       "build.log: check the compiler installation and CC/CFLAGS/LDFLAGS")
        raise BuildFailed("compile", message, argv, returncode) from None
    return cmd.get_ext_fullpath(module_name)


def include_dirs_for(pyx_text):
    """numpy's headers, only when the module cimports numpy and numpy is importable."""
    if "cimport numpy" not in pyx_text:
        return []
    try:
        import numpy
    except ImportError:
        return []
    return [numpy.get_include()]


def build(request):
    workdir = request["workdir"]
    log_path = os.path.join(workdir, "build.log")
    with open(log_path, "w"):
        pass                                  # truncate a log left by an earlier attempt
    try:
        with open(request["pyx_path"], encoding="utf-8") as f:
            pyx_text = f.read()
        with output_to(log_path):
            c_file = cythonize(request["pyx_path"], request["module_name"],
                               request.get("cython_options", {}), request.get("directives", {}))
            if request.get("annotate_only"):      # jitcy.explain(f, html=...): no C build
                html = os.path.splitext(c_file)[0] + ".html"
                if not os.path.exists(html):
                    raise BuildFailed("cython", f"Cython wrote no annotated HTML ({html})")
                return {"ok": True, "so_path": html, "log": tail(log_path, LOG_CHARS)}
            so_path = compile_c(c_file, request["module_name"], workdir,
                                request.get("compile_args", []), include_dirs_for(pyx_text))
    except BuildFailed as exc:
        return {"ok": False, "stage": exc.stage, "message": exc.message, "argv": exc.argv,
                "returncode": exc.returncode, "output_tail": tail(log_path)}
    return {"ok": True, "so_path": so_path, "log": tail(log_path, LOG_CHARS)}


def warm_up(tmp):
    """Pay the one-time costs now: import Cython's compiler and setuptools, and compile a
    dummy module to C (the first compile in a process is ~1 s, the next ones ~15 ms).
    ``tmp`` is made by the client, which also removes it if this worker is killed first.
    Best effort: a warm-up that fails (say, ``tmp`` was removed) only costs the first build
    its ~1 s."""
    with contextlib.suppress(Exception):
        if tmp and os.path.isdir(tmp):
            pyx = os.path.join(tmp, "_jitcy_warm.pyx")
            with open(pyx, "w", encoding="utf-8") as f:
                f.write("def f(x):\n    return x * 2\n")
            with output_to(os.path.join(tmp, "warm.log")):
                cythonize(pyx, "_jitcy_warm", {"language_level": 3}, {})
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    with contextlib.suppress(Exception):
        import_setuptools()


def main():
    # The user's Ctrl-C belongs to the user's process; it decides whether to stop us
    # (closing our stdin). Ignored signals stay ignored in the compilers we run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)                                    # stray prints go to the worker's stderr
    os.close(devnull)
    warm_up(sys.argv[2] if len(sys.argv) > 2 else None)
    for line in proto_in:                            # EOF: the parent is gone or shut us down
        if not line.strip():
            continue
        request = {}
        try:
            request = json.loads(line)
            response = build(request)
        except BaseException as exc:  # noqa: BLE001 - report, keep serving
            response = {"ok": False, "stage": "worker", "argv": [], "returncode": None,
                        "message": f"jitcy build worker error: {type(exc).__name__}: {exc}",
                        "output_tail": traceback.format_exc()[-TAIL_CHARS:]}
        response["id"] = request.get("id") if isinstance(request, dict) else None
        proto_out.write(json.dumps(response).encode() + b"\n")
        proto_out.flush()
    # Nothing left to flush or clean up; skip the ~0.3 s of interpreter finalization
    # (Cython's compiler and setuptools are big), so shutdown() returns at once.
    os._exit(0)


if __name__ == "__main__":
    main()
