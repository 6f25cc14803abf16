"""The builder against the real toolchain: Cython, setuptools and the C compiler.

Every build here is a real one (~0.5 s each for a tiny module once the worker is warm);
tests that change the worker's environment stop it before and after.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest

from jitcy import builder
from jitcy.builder import client
from jitcy.builder.toolchain import EXT_SUFFIX
from jitcy.errors import BuildError

TINY = "def f(x):\n    return x * 2\n"
pytestmark = pytest.mark.slow


def build(tmp_path, name, text=TINY, timeout=120.0):
    workdir = tmp_path / name
    workdir.mkdir()
    return builder.compile_module(builder.BuildRequest(
        module_name=f"_jitcy_{name}", pyx_text=text, workdir=workdir, timeout=timeout))


def load(so_path, name):
    spec = importlib.util.spec_from_file_location(name, so_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fresh_worker():
    """For tests that change the environment the worker inherits at start."""
    builder.shutdown()
    yield
    builder.shutdown()


def test_public_api():
    assert set(builder.__all__) == {"BuildRequest", "BuildResult", "compile_module", "annotate",
                                    "prewarm",
                                    "toolchain_identity", "shutdown", "BackgroundJobs", "jobs"}


def test_builds_and_imports_a_module(tmp_path):
    builder.prewarm()
    builder.prewarm()                       # idempotent, non-blocking
    result = build(tmp_path, "tiny")
    assert result.so_path == tmp_path / "tiny" / f"_jitcy_tiny{EXT_SUFFIX}"
    assert result.seconds > 0
    assert load(result.so_path, "_jitcy_tiny").f(21) == 42
    kept = {p.name for p in (tmp_path / "tiny").iterdir()}
    assert {"_jitcy_tiny.pyx", "build.log", f"_jitcy_tiny{EXT_SUFFIX}"} <= kept
    assert "_jitcy_tiny.c" not in kept and "tmp" not in kept   # intermediates dropped


def test_second_build_reuses_the_worker(tmp_path):
    build(tmp_path, "first")
    pid = client.worker_pid()
    assert pid is not None
    second = build(tmp_path, "second", "def g(a, b):\n    return a + b\n")
    assert client.worker_pid() == pid
    assert load(second.so_path, "_jitcy_second").g(2, 3) == 5


def test_concurrent_callers_are_serialized(tmp_path):
    results, errors = {}, []

    def run(name):
        try:
            results[name] = build(tmp_path, name, f"def {name}():\n    return {name!r}\n")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("ta", "tb")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for name, result in results.items():
        assert getattr(load(result.so_path, f"_jitcy_{name}"), name)() == name


def test_cython_error_keeps_the_pyx(tmp_path):
    with pytest.raises(BuildError) as info:
        build(tmp_path, "bad", "def f(x):\n    return x +\n")
    err = info.value
    assert "cython" in str(err).lower()
    assert err.workdir == tmp_path / "bad"
    assert (tmp_path / "bad" / "_jitcy_bad.pyx").read_text() == "def f(x):\n    return x +\n"
    assert "_jitcy_bad.pyx:2" in err.output_tail
    assert "_jitcy_bad.pyx:2" in (tmp_path / "bad" / "build.log").read_text()
    assert err.argv
    # The worker survives a failed build.
    assert load(build(tmp_path, "after").so_path, "_jitcy_after").f(1) == 2


def test_missing_compiler(tmp_path, monkeypatch, fresh_worker):
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(BuildError) as info:
        build(tmp_path, "nocc")
    err = info.value
    assert "/nonexistent/cc" in str(err) and "not found" in str(err)
    assert err.argv[0] == "/nonexistent/cc"
    assert (tmp_path / "nocc" / "_jitcy_nocc.c").exists()        # Cython's part worked


def test_missing_cython(tmp_path, monkeypatch, fresh_worker):
    fake = tmp_path / "fake"
    (fake / "Cython").mkdir(parents=True)
    (fake / "Cython" / "__init__.py").write_text("raise ImportError('simulated: no Cython')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(fake), os.environ.get("PYTHONPATH")])))
    with pytest.raises(BuildError) as info:
        build(tmp_path, "nocython")
    assert "pip install 'Cython>=3.1'" in str(info.value)


def test_timeout_kills_the_worker_and_the_next_build_works(tmp_path):
    build(tmp_path, "warm")
    pid = client.worker_pid()
    with pytest.raises(BuildError) as info:
        build(tmp_path, "slow", timeout=0.001)
    assert "timed out" in str(info.value)
    assert client.worker_pid() is None
    with pytest.raises(ProcessLookupError):
        for _ in range(50):                 # the old worker is gone (killed and reaped)
            os.kill(pid, 0)
            time.sleep(0.05)
    result = build(tmp_path, "later")
    assert load(result.so_path, "_jitcy_later").f(4) == 8
    assert client.worker_pid() not in (None, pid)


def test_worker_crash_mid_build(tmp_path):
    build(tmp_path, "warm2")
    pid = client.worker_pid()
    workdir = tmp_path / "crash"
    workdir.mkdir()
    outcome = []

    def run():
        try:
            outcome.append(builder.compile_module(builder.BuildRequest(
                "_jitcy_crash", TINY, workdir, 120.0)))
        except BuildError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not (workdir / "build.log").exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)
    thread.join(60)
    assert isinstance(outcome[0], BuildError), outcome
    assert "died" in str(outcome[0])
    assert load(build(tmp_path, "revived").so_path, "_jitcy_revived").f(5) == 10


def test_fork_child_does_not_touch_the_parents_worker(tmp_path):
    build(tmp_path, "prefork")
    pid = client.worker_pid()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # fork with threads, 3.12+
        child = os.fork()
    if child == 0:
        code = 0 if client.worker_pid() is None and builder.jobs.pending() == 0 else 1
        builder.shutdown()
        os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.worker_pid() == pid
    build(tmp_path, "postfork")
    assert client.worker_pid() == pid


def test_toolchain_identity(monkeypatch):
    base = builder.toolchain_identity()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in base.items())
    assert base["ext_suffix"] == EXT_SUFFIX
    assert base["cache_tag"] == sys.implementation.cache_tag
    assert base["compiler_path"] and "missing" not in base["compiler_binary"]
    assert builder.toolchain_identity() == base
    monkeypatch.setenv("CC", "/nonexistent/cc")
    other = builder.toolchain_identity()
    assert other != base
    assert other["compiler_so"].startswith("/nonexistent/cc")
    assert other["compiler_path"] == "" and "missing" in other["compiler_binary"]
    monkeypatch.setenv("CC", "gcc")
    monkeypatch.setenv("CFLAGS", "-march=native")
    assert builder.toolchain_identity() not in (base, other)
    monkeypatch.delenv("CC")
    monkeypatch.delenv("CFLAGS")
    assert builder.toolchain_identity() == base


def test_toolchain_identity_is_cheap():
    """No Cython compiler, no setuptools and no worker in a fresh process."""
    code = textwrap.dedent("""
        import sys
        from jitcy.builder import toolchain_identity, client
        toolchain_identity()
        bad = [m for m in ("Cython.Compiler.Main", "setuptools", "distutils") if m in sys.modules]
        assert not bad, bad
        assert client.worker_pid() is None
    """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(builder.__file__)))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(root))


def test_background_jobs_order_wait_and_errors():
    jobs = builder.BackgroundJobs(name="jitcy-test-jobs")
    assert jobs.wait(0.1)                      # nothing submitted: already idle
    seen, errors, gate = [], [], threading.Event()
    jobs.submit(gate.wait)
    for i in range(5):
        jobs.submit(lambda i=i: seen.append(i))
    jobs.submit(lambda: 1 / 0, on_error=errors.append)
    jobs.submit(lambda: 1 / 0)                 # no on_error: dropped, thread lives on
    jobs.submit(lambda: seen.append("after"))
    assert jobs.pending() == 9
    assert not jobs.wait(0.05)                 # blocked on the gate
    gate.set()
    assert jobs.wait(10)
    assert seen == [0, 1, 2, 3, 4, "after"]
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)
    assert jobs.pending() == 0
    threads = [t for t in threading.enumerate() if t.name == "jitcy-test-jobs"]
    assert len(threads) == 1 and threads[0].daemon


def test_background_jobs_after_fork():
    jobs = builder.BackgroundJobs(name="jitcy-fork-jobs")
    gate = threading.Event()
    jobs.submit(gate.wait)                     # running in the parent at fork time
    jobs.submit(lambda: None)                  # queued in the parent at fork time
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:
        ok = jobs.pending() == 0 and jobs.wait(1)
        done = []
        jobs.submit(lambda: done.append(1))
        ok = ok and jobs.wait(5) and done == [1]
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    gate.set()
    assert jobs.wait(10)
    assert os.waitstatus_to_exitcode(status) == 0


def test_cimport_numpy_gets_numpy_headers(tmp_path):
    numpy = pytest.importorskip("numpy")
    text = "cimport numpy as cnp\ncnp.import_array()\ndef first(cnp.ndarray[double] a):\n    return a[0]\n"
    result = build(tmp_path, "np", text)
    assert load(result.so_path, "_jitcy_np").first(numpy.array([1.5, 2.0])) == 1.5
