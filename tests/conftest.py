"""Shared fixtures. Compile-heavy tests share one session cache directory, so a module
built once is loaded from the cache by every later test that needs the same key."""
from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import pathlib
import sys
import types

import pytest

import jitcy
from jitcy import config, errors, pipeline

TESTS = pathlib.Path(__file__).parent


@pytest.fixture(scope="session", autouse=True)
def strict_c_compiler():
    """Generated C that calls an undeclared function builds with a warning on older GCC but
    fails on GCC >= 14 (and clang 16): make it fail here, whatever the compiler's version."""
    from jitcy.builder import toolchain
    saved = toolchain.COMPILE_ARGS
    if os.name != "nt":
        toolchain.COMPILE_ARGS = saved + ("-Werror=implicit-function-declaration",)
    yield
    toolchain.COMPILE_ARGS = saved


@pytest.fixture(scope="session")
def session_cache_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("jitcy-session-cache")
    path.chmod(0o700)
    return path


@pytest.fixture
def jitcy_env(monkeypatch, session_cache_dir):
    """Synchronous, strict jitcy on the session cache; state reset before and after."""
    monkeypatch.setenv("JITCY_CACHE_DIR", str(session_cache_dir))
    monkeypatch.setenv("JITCY_SYNC", "1")
    monkeypatch.setenv("JITCY_STRICT", "1")
    monkeypatch.delenv("JITCY_DISABLE", raising=False)
    config.reload()
    pipeline.reset()
    errors.reset_warnings()
    yield session_cache_dir
    config.reload()
    pipeline.reset()


def load_fresh_module(path: pathlib.Path, name: str) -> types.ModuleType:
    """Execute a source file as a new module object (one copy stays interpreted, another is
    compiled: the same source, so jitcy's source check passes for both)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def fresh_pair(path: pathlib.Path):
    """``(ref, jit)``: two fresh copies of a corpus file, ``ref`` to stay interpreted and
    ``jit`` to be compiled by the test (each its own classes and functions); both leave
    ``sys.modules`` afterwards."""
    n = next(_copies)
    ref = load_fresh_module(path, f"{path.stem}_ref_{n}")
    jit = load_fresh_module(path, f"{path.stem}_jit_{n}")
    try:
        yield ref, jit
    finally:
        sys.modules.pop(ref.__name__, None)
        sys.modules.pop(jit.__name__, None)


_copies = itertools.count()


def compile_now(func, *args, **kwargs):
    """Decorate with threshold=1 and call once: under JITCY_SYNC=1 the build happens in that
    call, and the next call runs compiled. Returns the function's stats."""
    jitcy.hot(func, threshold=1)
    func(*args, **kwargs)
    return jitcy.stats(func)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.pyx from the translator's current output "
                          "(then review the diff: it is the change you are making)")
