"""The on-disk store: look up, lock, build-directory, publish (layout in :mod:`.layout`).

Writes follow CPython's bytecode cache and Numba's cache: a build writes into a private
directory under ``<root>/tmp/`` and :meth:`Store.publish` makes it visible with one
``os.replace``, so a reader sees a whole entry or none, and a published ``.so`` is never
rewritten in place (a process that already loaded it keeps a consistent file).

Reads trust nothing: meta.json must name the key asked for, the ``.so`` must match its
recorded size and sha256, and every path must be ours and not writable by anyone else.
Anything odd is a miss; the odd entry is moved aside so the next build replaces it.

Typical use (the pipeline's)::

    store = Store(root)
    with store.lock(key, timeout=60):
        entry = store.lookup(key)
        if entry is None:
            work = store.new_workdir()          # the builder writes <module>.so into work
            entry = store.publish(key, work, so_name, {"module_name": name, ...})
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import pathlib
import re
import secrets
import shutil
import tempfile
import threading
import time

from .. import errors
from . import layout, locks

log = logging.getLogger("jitcy.cache")

# Keys become path components: only lowercase hex, so no key can climb out of the root.
_KEY_RE = re.compile(r"[0-9a-f]{16,128}\Z")


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"cache key must be 16-128 lowercase hex digits, got {key!r}")


def _check_filename(name: str) -> None:
    if (not isinstance(name, str) or not name or name in (".", "..")
            or os.path.basename(name) != name or "/" in name or "\\" in name):
        raise ValueError(f"expected a plain file name inside the entry, got {name!r}")


@dataclasses.dataclass(frozen=True)
class Entry:
    """A published, verified cache entry."""

    key: str
    path: pathlib.Path        # the entry directory
    so_path: pathlib.Path     # the extension module file inside it
    module_name: str
    meta: dict = dataclasses.field(hash=False, repr=False)


class _Odd(Exception):
    """An entry that must not be loaded; the message says why (logged, never raised out)."""


def _lstat_safe(path: pathlib.Path, what: str, kind: str):
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise _Odd(f"{what}: {exc.strerror or exc}") from None
    reason = layout.unsafe_reason(st, what, kind)
    if reason:
        raise _Odd(reason)
    return st


def _make_private(top: pathlib.Path) -> None:
    """Files 0600, directories 0700: nobody else may read or swap what we will execute."""
    os.chmod(top, 0o700)
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o700)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o600)


class Store:
    """One cache root. Counters in :meth:`stats` are per instance (use one per process)."""

    def __init__(self, root: pathlib.Path, read_only: bool = False):
        self.root = pathlib.Path(root)
        self.read_only = read_only      # serve hits only; the pipeline builds privately
        self._counts = {"hits": 0, "misses": 0, "corrupt": 0, "published": 0}
        self._counts_lock = threading.Lock()
        self._touched: set = set()

    def _count(self, name: str) -> None:
        with self._counts_lock:
            self._counts[name] += 1

    def stats(self) -> dict:
        """Counters of this Store: hits, misses (corrupt ones included), corrupt, published."""
        with self._counts_lock:
            return dict(self._counts)

    # -- reading -------------------------------------------------------------------------

    def lookup(self, key: str) -> Entry | None:
        """The verified entry for ``key``, or None (a corrupt entry is moved aside)."""
        _check_key(key)
        entry = self._find(key)
        if entry is None:
            self._count("misses")
            log.debug("cache miss %s", key)
            return None
        self._count("hits")
        log.debug("cache hit %s (%s)", key, entry.so_path)
        self._touch(entry)
        return entry

    def _touch(self, entry: Entry) -> None:
        """Last-used time for LRU eviction and ``jitcy cache list``: the mtime of meta.json,
        set at most once per process per entry (a read-only cache still serves hits)."""
        if entry.key in self._touched:
            return
        self._touched.add(entry.key)
        try:
            os.utime(entry.path / layout.META_FILE)
        except OSError:
            pass

    @contextlib.contextmanager
    def pinned(self, key: str):
        """Yield the verified entry (or None) while holding a shared lock on its meta.json,
        so eviction leaves it alone until the caller has loaded the ``.so``."""
        _check_key(key)
        pin = locks.FileLock(layout.entry_dir(self.root, key) / layout.META_FILE,
                             shared=True, create=False)
        try:
            pin.acquire()
        except OSError:     # no entry (or an unreadable one: lookup says why)
            pin = None
        try:
            yield self.lookup(key)
        finally:
            if pin is not None:
                pin.release()

    def _find(self, key: str) -> Entry | None:
        path = layout.entry_dir(self.root, key)
        try:
            return self._verify(key, path)
        except _Odd as odd:
            self._count("corrupt")
            log.info("cache entry %s is unusable (%s); moving it aside to rebuild", path, odd)
            self._discard(path)
            return None

    def _verify(self, key: str, path: pathlib.Path) -> Entry | None:
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):  # NotADirectory: a shard that is a file
            return None
        except OSError as exc:
            raise _Odd(f"entry directory: {exc.strerror or exc}") from None
        reason = layout.unsafe_reason(st, "entry directory", "dir")
        if reason:
            raise _Odd(reason)
        meta_path = path / layout.META_FILE
        _lstat_safe(meta_path, "meta.json", "file")
        try:
            meta = json.loads(meta_path.read_bytes())
        except (OSError, ValueError, RecursionError) as exc:
            raise _Odd(f"unreadable meta.json: {exc}") from None
        if not isinstance(meta, dict):
            raise _Odd("meta.json is not an object")
        if meta.get("key") != key:
            raise _Odd(f"meta.json belongs to key {meta.get('key')!r}")
        version = meta.get("format_version")
        if type(version) is not int or version != layout.FORMAT_VERSION:
            raise _Odd(f"format version {version!r} != {layout.FORMAT_VERSION}")
        so_name, module_name = meta.get("so_name"), meta.get("module_name")
        size, digest = meta.get("size"), meta.get("sha256")
        try:
            _check_filename(so_name)
        except ValueError as exc:
            raise _Odd(str(exc)) from None
        if not isinstance(module_name, str) or not module_name.isidentifier():
            raise _Odd(f"bad module_name {module_name!r}")
        if type(size) is not int or not isinstance(digest, str):
            raise _Odd("meta.json lacks size/sha256")
        so_path = path / so_name
        st = _lstat_safe(so_path, so_name, "file")
        if st.st_size != size:
            raise _Odd(f"{so_name} has {st.st_size} bytes, recorded {size}")
        try:
            actual, _ = layout.sha256_file(so_path)
        except OSError as exc:
            raise _Odd(f"cannot read {so_name}: {exc}") from None
        if actual != digest:
            raise _Odd(f"{so_name} sha256 {actual} != recorded {digest}")
        return Entry(key=key, path=path, so_path=so_path, module_name=module_name, meta=meta)

    def _discard(self, path: pathlib.Path) -> None:
        """Rename aside first (atomic, so nobody loads half a removal), then delete."""
        trash = self.root / layout.TMP_DIR / f"{layout.TRASH_PREFIX}{secrets.token_hex(8)}"
        try:
            os.makedirs(trash.parent, mode=0o700, exist_ok=True)
            os.rename(path, trash)
        except OSError as exc:
            log.warning("cannot move unusable cache entry %s aside: %s", path, exc)
            return
        if os.path.isdir(trash) and not os.path.islink(trash):
            shutil.rmtree(trash, ignore_errors=True)  # leftovers: trash-* is always evictable
        else:
            with contextlib.suppress(OSError):
                os.unlink(trash)

    # -- writing -------------------------------------------------------------------------

    def lock(self, key: str, timeout: float) -> contextlib.AbstractContextManager:
        """Hold the cross-process lock of ``key`` (so each key is built once across processes).

        The OS releases the lock when its holder dies (``kill -9`` included), so a crash
        leaves no stale lock and nobody waits for a dead process (see :mod:`.locks`). Raises :class:`~jitcy.errors.CacheError` after ``timeout`` seconds or when the lock
        file cannot be created.
        """
        _check_key(key)
        return self._lock(key, timeout)

    @contextlib.contextmanager
    def _lock(self, key: str, timeout: float):
        path = self.root / layout.LOCKS_DIR / f"{key}.lock"
        try:
            os.makedirs(path.parent, mode=0o700, exist_ok=True)
            held = locks.FileLock(path)
            held.acquire(timeout)
        except locks.Timeout:
            raise errors.CacheError(
                f"timed out after {timeout:g}s waiting for the cache lock {path} "
                f"(another process is building the same key)") from None
        except OSError as exc:
            raise errors.CacheError(f"cannot create the cache lock {path}: {exc}") from exc
        try:
            yield path
        finally:
            held.release(unlink=True)   # waiters notice and lock the next file (locks.py)

    def new_workdir(self) -> pathlib.Path:
        """A fresh private (0700) empty directory under ``<root>/tmp/`` for one build.

        Inside the root so that publish's ``os.replace`` stays on one file system.
        """
        tmp = self.root / layout.TMP_DIR
        try:
            os.makedirs(tmp, mode=0o700, exist_ok=True)
            return pathlib.Path(tempfile.mkdtemp(prefix=layout.BUILD_PREFIX, dir=tmp))
        except OSError as exc:
            raise errors.CacheError(f"cannot create a build directory in {tmp}: {exc}") from exc

    def publish(self, key: str, workdir: pathlib.Path, so_name: str, meta: dict) -> Entry:
        """Atomically make ``workdir`` the entry for ``key`` and return it.

        If a valid entry already exists (another process won the race), ``workdir`` is
        removed and that entry is returned. On OSError (disk full, read-only) raises
        CacheError and leaves ``workdir`` for the caller to use unpublished.
        """
        _check_key(key)
        _check_filename(so_name)
        if not isinstance(meta.get("module_name"), str):
            raise ValueError("publish() needs meta['module_name'] (the extension module name)")
        workdir = pathlib.Path(workdir)
        target = layout.entry_dir(self.root, key)
        winner = self._find(key)
        if winner is not None:
            shutil.rmtree(workdir, ignore_errors=True)
            return winner
        try:
            record = self._seal(key, workdir, so_name, meta)
            os.makedirs(target.parent, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise self._error(key, workdir, exc) from exc
        for _attempt in range(2):
            try:
                os.replace(workdir, target)
            except OSError as exc:
                if not os.path.lexists(target):
                    raise self._error(key, workdir, exc) from exc
                winner = self._find(key)  # lost the race (or found debris: moved aside)
                if winner is not None:
                    shutil.rmtree(workdir, ignore_errors=True)
                    return winner
                continue
            layout.fsync_dir(target.parent)
            self._count("published")
            log.debug("cache publish %s", target)
            return Entry(key=key, path=target, so_path=target / so_name,
                         module_name=record["module_name"], meta=record)
        raise self._error(key, workdir, FileExistsError(f"{target} keeps reappearing"))

    def _seal(self, key: str, workdir: pathlib.Path, so_name: str, meta: dict) -> dict:
        """Checksum the .so, write meta.json, fsync, chmod private; returns the meta dict."""
        so_path = workdir / so_name
        digest, size = layout.sha256_file(so_path)
        record = dict(meta)
        record.update(key=key, format_version=layout.FORMAT_VERSION,
                      module_name=meta["module_name"], so_name=so_name,
                      sha256=digest, size=size, created=time.time())
        text = json.dumps(record, sort_keys=True, indent=1)  # TypeError: meta not JSON-able
        with open(workdir / layout.META_FILE, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        layout.fsync_file(so_path)
        _make_private(workdir)
        layout.fsync_dir(workdir)
        return json.loads(text)  # exactly what lookup() will return later

    def _error(self, key: str, workdir: pathlib.Path, exc: OSError) -> errors.CacheError:
        why = exc.strerror or str(exc)
        return errors.CacheError(
            f"cannot publish cache entry {key[:16]} under {self.root}: {why}; the build in "
            f"{workdir} is used for this process only (free disk space or set "
            f"JITCY_CACHE_DIR to a writable directory)")
