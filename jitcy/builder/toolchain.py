"""What the build depends on besides the ``.pyx`` text: flags, directives and the toolchain.

The flags and directives defined here are sent to the worker with every request, so the
cache key (:func:`toolchain_identity`) and the actual build can never disagree.

:func:`toolchain_identity` must stay cheap (it is part of every cache key): it reads
``sysconfig`` and the environment the way setuptools' ``customize_compiler`` does, identifies
the compiler binary by ``stat`` (no subprocess: running ``cc --version`` cost 6-16 ms on the
cache-hit path of every fresh process), and never imports Cython's compiler or setuptools
(each costs hundreds of milliseconds) nor starts the worker.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import sysconfig
import threading

#: Extra C compiler flags. They come after sysconfig's CFLAGS (``-O3 -g`` on most
#: builds) and override them: ``-O2 -g0`` compiles ~25% faster for the same speed of the
#: generated code, and jitcy's modules are never debugged with gdb. ``-ffp-contract=off``:
#: ``a * b + c`` stays two roundings, as in CPython and NumPy, even where CFLAGS allow
#: fused multiply-add instructions (``-march=native``; GCC contracts by default then).
#: ``-fno-builtin-pow`` and the like: CPython calls libm's pow, exp, sin... at run time; GCC
#: would rewrite ``pow(x, -1.0)`` as ``1.0 / x`` and fold calls on constants with its own
#: correctly rounded arithmetic, both of which can differ from libm in the last bit. (sqrt,
#: fabs, floor, fmod, copysign are exact either way and keep their builtins.)
_LIBM_AT_RUN_TIME = ("pow", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos",
                     "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh",
                     "acosh", "atanh")
COMPILE_ARGS: tuple = ("/O2",) if os.name == "nt" else (
    "-O2", "-g0", "-ffp-contract=off", *(f"-fno-builtin-{f}" for f in _LIBM_AT_RUN_TIME))
#: GCC only (other compilers reject or ignore them): -O3's inlining limits at -O2. They
#: let GCC inline a small recursive body into itself (``fib`` without a depth count,
#: analyzer/recursion.py: 2.2x) for ~3% more compile time; -O3 itself costs 25-40% more.
GCC_ARGS: tuple = ("--param", "max-inline-insns-auto=30", "--param", "inline-min-speedup=15")

#: Cython options jitcy passes on its side instead of in the ``.pyx`` (language level
#: only; everything else the translator writes as ``# cython:`` lines / decorators).
CYTHON_OPTIONS: dict = {"language_level": 3}

#: Cython compiler directives jitcy always passes from outside the ``.pyx`` (none today;
#: kept so that adding one changes the cache key automatically).
CYTHON_DIRECTIVES: dict = {}

#: The suffix of every built extension module, e.g. ``.cpython-311-x86_64-linux-gnu.so``.
EXT_SUFFIX: str = sysconfig.get_config_var("EXT_SUFFIX") or (".pyd" if os.name == "nt" else ".so")

#: Environment variables that setuptools' ``customize_compiler`` reads (and macOS's
#: ``ARCHFLAGS``/deployment target): a change in any of them can change the ``.so``.
COMPILER_ENV_VARS = ("CC", "CXX", "CFLAGS", "CPPFLAGS", "LDFLAGS", "LDSHARED", "CPP",
                     "AR", "ARFLAGS", "ARCHFLAGS", "MACOSX_DEPLOYMENT_TARGET")

_lock = threading.Lock()
_identities: dict = {}      # env snapshot -> identity dict


def compiler_commands(env=None) -> tuple:
    """``(compiler_so, linker_so)`` command strings as setuptools will build them.

    Mirrors ``distutils.sysconfig.customize_compiler`` for the unix compiler: ``CC``
    replaces the compiler (and the linker's leading compiler unless ``LDSHARED`` is
    set), ``CFLAGS``/``CPPFLAGS``/``LDFLAGS`` are appended.
    """
    env = os.environ if env is None else env
    if os.name == "nt":
        return ("msvc", "msvc")
    var = sysconfig.get_config_var
    cc, cflags, ccshared, ldshared = (var(n) or "" for n in ("CC", "CFLAGS", "CCSHARED", "LDSHARED"))
    if "CC" in env:
        if "LDSHARED" not in env and ldshared.startswith(cc):
            ldshared = env["CC"] + ldshared[len(cc):]
        cc = env["CC"]
    if "LDSHARED" in env:
        ldshared = env["LDSHARED"]
    if "LDFLAGS" in env:
        ldshared += " " + env["LDFLAGS"]
    if "CFLAGS" in env:
        cflags += " " + env["CFLAGS"]
        ldshared += " " + env["CFLAGS"]
    if "CPPFLAGS" in env:
        cflags += " " + env["CPPFLAGS"]
        ldshared += " " + env["CPPFLAGS"]
    return (f"{cc} {cflags} {ccshared}".strip(), ldshared.strip())


def _first_word(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return words[0] if words else ""


def _binary_identity(path: str) -> str:
    """The resolved compiler binary's size and modification time: an upgrade or a different
    compiler behind the same name changes it, and a stat costs microseconds."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"missing: {type(exc).__name__}: {exc}"
    return f"size={st.st_size} mtime_ns={st.st_mtime_ns}"


def _cython_version() -> str:
    try:
        import Cython  # the top-level package only: cheap, does not load the compiler
        return str(Cython.__version__)
    except Exception as exc:  # noqa: BLE001 - missing or broken: say so in the key
        return f"missing: {type(exc).__name__}"


def _extra_args(path) -> tuple:
    """GCC_ARGS if the compiler binary is GCC (not clang behind a ``gcc`` name: macOS)."""
    name = os.path.basename(os.path.realpath(path)) if path else ""
    if "gcc" in name and "clang" not in name and sys.platform != "darwin":
        return GCC_ARGS
    return ()


def compile_args() -> tuple:
    """The flags jitcy adds to every C compile: COMPILE_ARGS, and GCC_ARGS for GCC."""
    identity = toolchain_identity()
    return COMPILE_ARGS + _extra_args(identity["compiler_path"])


def toolchain_identity() -> dict:
    """Everything about the toolchain that changes the built ``.so``, as strings.

    Memoized per value of the compiler environment variables, so a test (or user) that
    changes ``CC`` gets a new identity. A missing compiler is reported in the dict
    (``compiler_path`` empty, ``compiler_binary`` says why) instead of raising.
    """
    snapshot = tuple(os.environ.get(name) for name in COMPILER_ENV_VARS)
    with _lock:
        cached = _identities.get(snapshot)
    if cached is not None:
        return dict(cached)
    compiler_so, linker_so = compiler_commands()
    program = _first_word(compiler_so)
    path = shutil.which(program) if program and program != "msvc" else None
    if program == "msvc":
        version = "msvc (chosen by setuptools at build time)"
    elif path:
        version = _binary_identity(os.path.realpath(path))
    else:
        version = f"missing: C compiler {program!r} not found"
    identity = {
        "cython_version": _cython_version(),
        "cython_options": json.dumps(CYTHON_OPTIONS, sort_keys=True),
        "cython_directives": json.dumps(CYTHON_DIRECTIVES, sort_keys=True),
        "compiler_so": compiler_so,
        "linker_so": linker_so,
        "compiler_path": os.path.realpath(path) if path else "",
        "compiler_binary": version,
        "compile_args": " ".join(COMPILE_ARGS + _extra_args(path)),
        "compiler_env": json.dumps(dict(zip(COMPILER_ENV_VARS, snapshot)), sort_keys=True),
        "cache_tag": str(sys.implementation.cache_tag),
        "ext_suffix": EXT_SUFFIX,
        "platform": sysconfig.get_platform(),
    }
    with _lock:
        _identities[snapshot] = identity
    return dict(identity)
