"""Where the cache lives: ``JITCY_CACHE_DIR``, else the user cache dir, else a temp dir, else memory.

The root is resolved once per process (a lookup per compiled function would repeat the
checks). Loading a native module is executing code, so a root that another user could write
into is refused like an unwritable one. Every fallback is announced by exactly one
:class:`~jitcy.errors.JitcyWarning` saying why and what to do; the program itself never fails
because of the cache (CPython's ``importlib`` treats its bytecode cache the same way).
"""
from __future__ import annotations

import atexit
import errno
import logging
import os
import pathlib
import shutil
import tempfile
import threading
import time

import platformdirs

from .. import config, errors
from . import layout

log = logging.getLogger("jitcy.cache")

_UNSET = object()
_root = _UNSET
_lock = threading.Lock()
_state: dict = {}        # "degraded_since": monotonic time of a fallback; "read_only"


def configured_dir() -> str:
    """The directory the configuration asks for (nothing is created or checked)."""
    chosen = config.get().cache_dir
    if chosen:
        # Absolute now, so a later os.chdir does not move JITCY_CACHE_DIR=./cache.
        return os.path.abspath(os.path.expanduser(chosen))
    return platformdirs.user_cache_dir("jitcy", appauthor=False)


def _prepare(path: pathlib.Path) -> None:
    """Create and mark ``path`` as jitcy's cache; raise CacheError/OSError if it is unusable."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    reason = layout.unsafe_reason(os.lstat(path), "it")
    if reason:
        raise errors.CacheError(reason)
    tag = path / layout.TAG_FILE
    try:
        current = tag.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = ""
    if not current.startswith(layout.CACHEDIR_TAG.splitlines()[0]):
        _check_adoptable(path)
        layout.write_atomic(tag, layout.CACHEDIR_TAG)
    version = path / layout.VERSION_FILE
    wanted = f"{layout.FORMAT_VERSION}\n"
    try:
        current = version.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        current = ""
    if current != wanted:
        layout.write_atomic(version, wanted)
    for sub in (layout.TMP_DIR, layout.LOCKS_DIR, layout.version_dir(path).name):
        os.makedirs(path / sub, mode=0o700, exist_ok=True)
    # The markers may already exist in a read-only directory: probe a real write.
    fd, probe = tempfile.mkstemp(prefix=".probe-", dir=path / layout.TMP_DIR)
    os.close(fd)
    os.unlink(probe)


#: What an unmarked directory may already hold and still become a cache (the repository's
#: own ``cache/`` folder tracks a README and a .gitignore).
_ADOPTABLE = ("README", "README.md", "README.txt", ".gitignore", layout.TAG_FILE,
              layout.VERSION_FILE, layout.TMP_DIR, layout.LOCKS_DIR, layout.AOT_DIR,
              layout.CONFIG_FILE, f"v{layout.FORMAT_VERSION}")


def _is_marker_temp(name: str) -> bool:
    return name.endswith(".tmp") and any(name.startswith(f".{marker}.") for marker in
                                         (layout.TAG_FILE, layout.VERSION_FILE,
                                          layout.CONFIG_FILE))


def _check_adoptable(path: pathlib.Path) -> None:
    """A directory without jitcy's marker becomes the cache only if it is (nearly) empty:
    ``JITCY_CACHE_DIR=~`` must never turn a home directory into something
    ``jitcy cache clear`` would work on."""
    others = sorted(n for n in os.listdir(path) if n not in _ADOPTABLE
                    and not _is_marker_temp(n))    # another process marking it right now
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise errors.CacheError(
            f"it is not empty ({shown}) and has no jitcy {layout.TAG_FILE}, so it is not a "
            f"jitcy cache; jitcy only uses an empty or jitcy-made directory")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, errors.CacheError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return f"{type(exc).__name__}: {exc}"


def _resolve() -> pathlib.Path | None:
    wanted = pathlib.Path(configured_dir())
    try:
        _prepare(wanted)
        log.debug("cache root: %s", wanted)
        return wanted
    except (OSError, ValueError) as exc:  # ValueError: e.g. a NUL byte in the path
        why = _describe(exc)
        unwritable = isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES,
                                                                 errno.EPERM)
    _state["degraded_since"] = time.monotonic()
    if unwritable and _usable_read_only(wanted):
        _state["read_only"] = True
        errors.warn_once(
            f"cache-dir:{wanted}",
            f"jitcy: the cache directory {wanted} is read-only ({why}): compiled modules "
            f"are loaded from it, new builds are kept for this process only. Make it "
            f"writable (or set JITCY_CACHE_DIR) to store new builds.")
        return wanted
    advice = (f"make {wanted} a directory you own that only you can write "
              f"(chmod 700 {wanted}), or set JITCY_CACHE_DIR to such a directory")
    fallback = None
    try:
        fallback = pathlib.Path(tempfile.mkdtemp(prefix="jitcy-cache-"))
        _prepare(fallback)
    except (OSError, ValueError) as exc:
        if fallback is not None:
            shutil.rmtree(fallback, ignore_errors=True)
        errors.warn_once(
            f"cache-dir:{wanted}",
            f"jitcy: cannot use the cache directory {wanted}: {why}; no temporary directory "
            f"either ({_describe(exc)}), so compiled modules are kept for this process only "
            f"and every run compiles again. To fix: {advice}.")
        return None
    atexit.register(shutil.rmtree, fallback, True)
    errors.warn_once(
        f"cache-dir:{wanted}",
        f"jitcy: cannot use the cache directory {wanted}: {why}; using the temporary "
        f"directory {fallback} for this process (removed at exit, so the next run compiles "
        f"again). To fix: {advice}.")
    return fallback


def _usable_read_only(path: pathlib.Path) -> bool:
    """A marked, safe cache we cannot write (a read-only mount, a baked image) still serves
    hits: entries are verified as usual before loading."""
    from .evict import is_marked
    return is_marked(path) is None and os.access(path, os.R_OK | os.X_OK)


def is_read_only(root) -> bool:
    """True if ``root`` is this process's cache root and it may only be read."""
    return bool(_state.get("read_only")) and _root is not _UNSET and _root == root


#: Seconds between attempts to go back to the configured directory after a fallback.
RETRY_INTERVAL = 30.0


def maybe_recover() -> bool:
    """If this process fell back (temp dir, memory only, read-only), try the configured
    directory again (at most every RETRY_INTERVAL s). True if it is usable now: the caller
    then asks :func:`cache_root` again."""
    global _root
    since = _state.get("degraded_since")
    if since is None or time.monotonic() - since < RETRY_INTERVAL:
        return False
    with _lock:
        _state["degraded_since"] = time.monotonic()
        wanted = pathlib.Path(configured_dir())
        try:
            _prepare(wanted)
        except (OSError, ValueError):
            return False
        _root = wanted
        _state.clear()
    log.info("cache directory %s is usable again", wanted)
    return True


def cache_root() -> pathlib.Path | None:
    """The cache directory of this process, or None when nothing on disk is usable.

    None means memory-only: callers build in a temp dir and never publish.
    """
    global _root
    with _lock:
        if _root is _UNSET:
            _root = _resolve()
        return _root


def reset_root() -> None:
    """Forget the memoized root (tests change JITCY_CACHE_DIR and call config.reload())."""
    global _root
    with _lock:
        _root = _UNSET
        _state.clear()
