"""The user's side of the build worker: start it, send requests, wait with a timeout.

One persistent worker process (:mod:`jitcy.builder.worker`) does all Cython and C compiler
work, so the user's process never runs Cython (not thread-safe, slow to import, holds the
GIL). Requests are serialized by a lock; the calling thread then sleeps in ``select()`` on
the worker's pipe (GIL released) until the answer or the deadline. Anything unexpected
(timeout, a crash, an interrupt while waiting) kills the worker, so a late answer can never
be read as the answer to the next request; the next request starts a fresh worker.
"""
from __future__ import annotations

import atexit
import dataclasses
import contextlib
import itertools
import json
import os
import pathlib
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from ..errors import BuildCancelled, BuildError
from . import toolchain

_TAIL = 4000


@dataclasses.dataclass(frozen=True)
class BuildRequest:
    module_name: str        # e.g. "_jitcy_0123abcd..."; the extension's PyInit_<module_name>
    pyx_text: str           # complete .pyx source
    workdir: pathlib.Path   # existing empty dir owned by the caller; ALL outputs go here
    timeout: float          # seconds, wall clock, for this build
    annotate_only: bool = False   # Cython only, with its annotated HTML (see annotate())


@dataclasses.dataclass(frozen=True)
class BuildResult:
    so_path: pathlib.Path   # workdir / (module_name + EXT_SUFFIX)
    seconds: float          # wall time of the build
    log: str                # Cython + compiler output (warnings), possibly empty


#: Runs worker.py by path as a standalone module. Not ``-m jitcy.builder.worker``: that
#: would import ``jitcy/__init__`` and with it every stage and their dependencies, which the
#: worker neither needs nor should be able to break on. ``sys.path[0]`` (the cwd) is
#: dropped so that nothing in the worker's directory can shadow a module.
_BOOTSTRAP = (
    "import sys, importlib.util as u\n"
    "if not getattr(sys.flags, 'safe_path', False): del sys.path[0]\n"
    "s = u.spec_from_file_location('_jitcy_build_worker', sys.argv[1])\n"
    "m = u.module_from_spec(s); s.loader.exec_module(m); m.main()\n"
)
_WORKER_FILE = str(pathlib.Path(__file__).resolve().with_name("worker.py"))
WORKER_ARGV = (sys.executable, "-c", _BOOTSTRAP, _WORKER_FILE)


class _Worker:
    """One worker process, its pipes and an anonymous file that collects its stderr."""

    def __init__(self):
        self.stderr = tempfile.TemporaryFile()
        # The worker warms up in a directory we own: a worker killed mid-warm-up (a short
        # program exiting at once) cannot clean up after itself, so stop() removes it.
        self.warm_dir = tempfile.mkdtemp(prefix="jitcy-warm-")
        self.proc = subprocess.Popen(
            (*WORKER_ARGV, self.warm_dir), cwd=os.path.dirname(_WORKER_FILE), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, start_new_session=False)
        self.buffer = b""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace")[-_TAIL:]
        except (OSError, ValueError):
            return ""

    def stop(self, grace: float = 0.0) -> None:
        """Close stdin (the worker exits at EOF), wait up to ``grace`` s, then kill."""
        try:
            self.proc.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            self.proc.wait(grace if grace > 0 else 0.001)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.warm_dir, ignore_errors=True)

    def forget(self) -> None:
        """In a forked child: drop our copies of the parent's pipes, never touch its worker."""
        for f in (self.proc.stdin, self.proc.stdout, self.stderr):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        self.proc.returncode = 0   # so Popen.__del__ does not try to reap a foreign child


_request_lock = threading.Lock()     # one request in flight at a time
_state_lock = threading.Lock()       # guards _worker (never held while waiting on the worker)
_worker: _Worker | None = None
_ids = itertools.count(1)
_exiting = threading.Event()         # set at exit: a dying worker is our doing


def _get_worker() -> _Worker:
    global _worker
    with _state_lock:
        if _worker is None or not _worker.alive():
            if _worker is not None:
                _worker.stop()        # reaps it and removes its warm-up directory
            _worker = _Worker()
        return _worker


def _discard(worker: _Worker, grace: float = 0.0) -> None:
    global _worker
    with _state_lock:
        if _worker is worker:
            _worker = None
    worker.stop(grace)


def _read_line(worker: _Worker, deadline: float):
    """The next line from the worker, or None on timeout; raises EOFError if it died."""
    fd = worker.proc.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while b"\n" not in worker.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not sel.select(remaining):
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError
            worker.buffer += chunk
    line, _, worker.buffer = worker.buffer.partition(b"\n")
    return line


def _drop_intermediates(workdir: pathlib.Path, module_name: str) -> None:
    """A successful build keeps the .so, the .pyx and the log; the C file (~0.5 MB) and the
    object files are only worth keeping when something failed."""
    shutil.rmtree(workdir / "tmp", ignore_errors=True)
    with contextlib.suppress(OSError):
        (workdir / (module_name + ".c")).unlink()


def _log_tail(workdir: pathlib.Path) -> str:
    try:
        return (workdir / "build.log").read_text(encoding="utf-8", errors="replace")[-_TAIL:]
    except OSError:
        return ""


def compile_module(request: BuildRequest) -> BuildResult:
    """Build ``request.pyx_text`` into ``workdir/<module_name><EXT_SUFFIX>`` in the worker.

    Blocking and thread-safe (requests are serialized). Raises :class:`BuildError` on a
    Cython or compiler error, a missing toolchain, a timeout or a worker crash; the
    ``.pyx``, ``.c`` and ``build.log`` stay in ``workdir`` either way.
    """
    workdir = pathlib.Path(request.workdir)
    if _exiting.is_set():                      # queued behind a build cancelled at exit
        shutil.rmtree(workdir, ignore_errors=True)
        raise BuildCancelled(f"the process exited before {request.module_name} was built")
    # Absolute paths for the worker: its working directory is not ours.
    pyx_path = pathlib.Path(os.path.abspath(workdir / (request.module_name + ".pyx")))
    try:
        pyx_path.write_text(request.pyx_text, encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"cannot write {pyx_path}: {exc}", workdir=workdir) from exc
    request_id = next(_ids)
    message = json.dumps({
        "id": request_id, "module_name": request.module_name, "pyx_path": str(pyx_path),
        "workdir": str(pyx_path.parent), "compile_args": list(toolchain.compile_args()),
        "cython_options": ({**toolchain.CYTHON_OPTIONS, "annotate": True}
                           if request.annotate_only else toolchain.CYTHON_OPTIONS),
        "directives": toolchain.CYTHON_DIRECTIVES, "annotate_only": request.annotate_only,
    }).encode() + b"\n"
    worker_argv = list(WORKER_ARGV)
    with _request_lock:
        # The deadline starts once it is our turn: time queued behind another thread's
        # build must not make us kill a healthy worker.
        start = time.monotonic()
        deadline = start + request.timeout
        try:
            worker = _get_worker()
        except OSError as exc:
            raise BuildError(f"cannot start the jitcy build worker: {exc}", argv=worker_argv,
                             workdir=workdir) from exc
        try:
            worker.proc.stdin.write(message)
            worker.proc.stdin.flush()
            line = _read_line(worker, deadline)
        except (OSError, ValueError, EOFError):
            line = b""                         # the worker died (or was shut down)
        except BaseException:                  # interrupted while waiting: state unknown
            _discard(worker)
            raise
        if line is None:
            _discard(worker)
            raise BuildError(
                f"building {request.module_name} timed out after {request.timeout:g} s and "
                "the build worker was stopped; raise JITCY_BUILD_TIMEOUT if the machine is "
                "slow or the function is very large", argv=worker_argv,
                output_tail=_log_tail(workdir), workdir=workdir)
        try:
            response = json.loads(line) if line else None
        except ValueError:
            response = None
        if not isinstance(response, dict) or response.get("id") != request_id:
            _discard(worker, grace=1.0)
            returncode = worker.proc.returncode
            if _exiting.is_set():       # we stopped it ourselves: leave nothing behind
                shutil.rmtree(workdir, ignore_errors=True)
                raise BuildCancelled(f"the process exited while {request.module_name} "
                                     f"was being built", workdir=None)
            raise BuildError(
                f"the jitcy build worker died while building {request.module_name} "
                f"(exit code {returncode}); it is restarted on the next build",
                argv=worker_argv, returncode=returncode,
                output_tail=(_log_tail(workdir) + "\n" + worker.stderr_tail()).strip(),
                workdir=workdir)
    if not response.get("ok"):
        stage = response.get("stage", "worker")
        raise BuildError(f"{stage} stage failed for {request.module_name}: "
                         f"{response.get('message', 'no message')}",
                         argv=response.get("argv"), returncode=response.get("returncode"),
                         output_tail=response.get("output_tail", ""), workdir=workdir)
    if request.annotate_only:
        return BuildResult(so_path=pathlib.Path(response["so_path"]),
                           seconds=time.monotonic() - start, log=response.get("log", ""))
    so_path = workdir / (request.module_name + toolchain.EXT_SUFFIX)
    if not so_path.exists():                   # setuptools named it differently: trust it
        so_path = pathlib.Path(response["so_path"])
    _drop_intermediates(workdir, request.module_name)
    return BuildResult(so_path=so_path, seconds=time.monotonic() - start,
                       log=response.get("log", ""))


def annotate(request: BuildRequest) -> pathlib.Path:
    """Run Cython only, with ``annotate=True``: the path of its annotated HTML in
    ``request.workdir`` (yellow lines call into the Python C API). Raises BuildError."""
    return compile_module(dataclasses.replace(request, annotate_only=True)).so_path


def prewarm() -> None:
    """Start the worker now; it warms itself up (imports, a dummy compile) in the background."""
    try:
        _get_worker()
    except Exception:  # noqa: BLE001 - the next compile_module reports the problem
        pass


def _at_exit() -> None:
    """Interpreter exit: stop the worker at once. Builds in flight or queued are cancelled
    quietly: their jobs get BuildCancelled, remove their files and release their locks,
    which the builder thread (a daemon) gets up to a second to do before the interpreter
    stops it. A program that ends while its builds are in flight keeps nothing of them;
    ``jitcy build`` or ``JITCY_SYNC=1`` compile short programs ahead of their end."""
    from .jobs import jobs
    _exiting.set()
    global _worker
    with _state_lock:
        worker, _worker = _worker, None
    if worker is not None:
        worker.stop()
    jobs.wait(1.0)


def shutdown() -> None:
    """Stop the worker (idempotent). A build in flight in another thread gets a
    BuildError."""
    global _worker
    with _state_lock:
        worker, _worker = _worker, None
    if worker is not None:
        worker.stop(grace=0.5)    # an idle worker exits at once on EOF; a busy one is killed


def worker_pid() -> int | None:
    """The worker's process id, or None when no worker runs (tests, diagnostics)."""
    with _state_lock:
        return _worker.proc.pid if _worker is not None and _worker.alive() else None


def _after_fork_in_child() -> None:
    global _worker, _request_lock, _state_lock
    _request_lock, _state_lock = threading.Lock(), threading.Lock()
    if _worker is not None:
        _worker.forget()
        _worker = None


atexit.register(_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
