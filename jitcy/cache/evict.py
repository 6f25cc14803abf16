"""Listing, eviction and clearing of a cache root (``jitcy cache list|clear|prune``).

What is never removed:

* an entry another process is loading right now: loaders hold a shared lock on the entry's
  ``meta.json`` (``Store.pinned``); removal takes the exclusive lock without waiting and
  skips the entry if that fails. A process that already loaded a ``.so`` keeps running: the
  entry is renamed away and unlinked, which leaves the mapped file intact (POSIX);
* an entry used in the last :data:`YOUNG` seconds (it may be between publish and load);
* a build in flight (``tmp/build-*`` younger than twice the build timeout);
* a lock file some process holds.

Least recently used first: the last use is the mtime of ``meta.json`` (``Store._touch``).
"""
from __future__ import annotations

import dataclasses
import fnmatch
import json
import logging
import os
import pathlib
import secrets
import shutil
import threading
import time

from . import layout, locks, settings

log = logging.getLogger("jitcy.cache")

#: Seconds after its last use during which an entry is never evicted automatically.
YOUNG = 60.0
#: Automatic eviction runs at most this often per process (it walks the cache).
EVICT_INTERVAL = 10.0
#: ``evict_if_needed``'s default cap: the configured one (see ``settings.max_size``).
CONFIGURED = object()


@dataclasses.dataclass
class EntryInfo:
    key: str
    path: pathlib.Path
    meta: dict | None            # None: unreadable meta.json (shown, and evicted first)
    size: int                    # bytes of every file in the entry
    last_used: float             # mtime of meta.json (or of the directory)

    def describe(self) -> dict:
        meta = self.meta or {}
        return {"key": self.key, "function": meta.get("qualname") or meta.get("function", "?"),
                "module": meta.get("module", "?"), "types": meta.get("types", []),
                "size": self.size, "last_used": self.last_used, "path": str(self.path)}


def is_marked(root: pathlib.Path) -> str | None:
    """None if ``root`` carries jitcy's markers and is safely ours, else why not."""
    try:
        st = os.lstat(root)
    except FileNotFoundError:
        return f"{root} does not exist"
    except OSError as exc:
        return f"cannot read {root}: {exc.strerror or exc}"
    reason = layout.unsafe_reason(st, str(root))
    if reason:
        return reason
    try:
        tag = (root / layout.TAG_FILE).read_text(encoding="utf-8")
        version = (root / layout.VERSION_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return (f"{root} has no {layout.TAG_FILE} and {layout.VERSION_FILE}, so it is not a "
                f"jitcy cache")
    if not tag.startswith(layout.CACHEDIR_TAG.splitlines()[0]) or not version.strip().isdigit():
        return f"{root} has damaged jitcy markers ({layout.TAG_FILE}, {layout.VERSION_FILE})"
    return None


def _dir_size(path: pathlib.Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def scan(root: pathlib.Path) -> list:
    """Every entry under ``<root>/v<N>/`` (all format versions), oldest use first."""
    found = []
    root = pathlib.Path(root)
    for vdir in sorted(root.glob("v[0-9]*")):
        if not vdir.is_dir() or vdir.is_symlink():
            continue
        for shard in os.scandir(vdir):
            if not shard.is_dir(follow_symlinks=False):
                continue
            for item in os.scandir(shard.path):
                path = pathlib.Path(item.path)
                meta_path = path / layout.META_FILE
                try:
                    meta = json.loads(meta_path.read_bytes())
                    meta = meta if isinstance(meta, dict) else None
                    last = os.stat(meta_path).st_mtime
                except (OSError, ValueError, RecursionError):
                    meta = None
                    try:
                        last = os.lstat(path).st_mtime
                    except OSError:
                        continue
                size = _dir_size(path) if item.is_dir(follow_symlinks=False) else 0
                found.append(EntryInfo(item.name, path, meta, size, last))
    found.sort(key=lambda e: (e.meta is not None, e.last_used))
    return found


def remove_entry(root: pathlib.Path, path: pathlib.Path) -> bool:
    """Remove one entry unless a process is loading it; True if removed."""
    pin = locks.FileLock(path / layout.META_FILE, create=False)
    try:
        pin.acquire(timeout=0)
    except locks.Timeout:
        return False                 # being loaded right now
    except OSError:
        pin = None                   # no meta.json: debris, nobody can load it
    try:
        trash = pathlib.Path(root) / layout.TMP_DIR / f"{layout.TRASH_PREFIX}{secrets.token_hex(8)}"
        try:
            os.makedirs(trash.parent, mode=0o700, exist_ok=True)
            os.rename(path, trash)
        except OSError as exc:
            log.info("cannot remove cache entry %s: %s", path, exc)
            return False
    finally:
        if pin is not None:
            pin.release()
    if trash.is_dir() and not trash.is_symlink():
        shutil.rmtree(trash, ignore_errors=True)
    else:
        try:
            os.unlink(trash)
        except OSError:
            pass
    return True


def sweep(root: pathlib.Path, build_timeout: float) -> dict:
    """Remove debris: trash, builds older than twice the build timeout (their process
    died), lock files nobody holds. Returns counts."""
    root = pathlib.Path(root)
    counts = {"trash": 0, "stale_builds": 0, "locks": 0}
    tmp = root / layout.TMP_DIR
    now = time.time()
    if tmp.is_dir():
        for item in os.scandir(tmp):
            try:
                age = now - item.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            if item.name.startswith(layout.TRASH_PREFIX):
                kind = "trash"
            elif item.name.startswith(layout.BUILD_PREFIX) and age > 2 * build_timeout:
                kind = "stale_builds"
            elif item.name.startswith(".probe-") and age > 60:
                kind = "trash"
            else:
                continue
            if item.is_dir(follow_symlinks=False):
                shutil.rmtree(item.path, ignore_errors=True)
            else:
                try:
                    os.unlink(item.path)
                except OSError:
                    continue
            counts[kind] += 1
    lockdir = root / layout.LOCKS_DIR
    if lockdir.is_dir():
        for item in os.scandir(lockdir):
            if not item.name.endswith(".lock") or not item.is_file(follow_symlinks=False):
                continue
            lock = locks.FileLock(item.path, create=False)
            try:
                lock.acquire(timeout=0)
            except (locks.Timeout, OSError):
                continue             # held by a live process (or already gone)
            lock.release(unlink=True)
            counts["locks"] += 1
    return counts


def evict(root: pathlib.Path, max_bytes: int, *, young: float = YOUNG) -> dict:
    """Remove least recently used entries until the entries take at most ``max_bytes``."""
    entries = scan(root)
    total = sum(e.size for e in entries)
    removed, freed, busy = 0, 0, 0
    now = time.time()
    for info in entries:
        if total <= max_bytes:
            break
        if now - info.last_used < young:
            busy += 1
            continue
        if remove_entry(root, info.path):
            total -= info.size
            freed += info.size
            removed += 1
        else:
            busy += 1
    return {"removed": removed, "freed": freed, "kept": len(entries) - removed,
            "bytes": total, "skipped_in_use": busy}


def clear(root: pathlib.Path, *, function: str | None = None, module: str | None = None) -> dict:
    """Remove every entry (or those whose function/module matches the shell patterns)."""
    root = pathlib.Path(root)
    removed, freed, busy = 0, 0, 0
    for info in scan(root):
        if function or module:
            desc = info.describe()
            if function and not (fnmatch.fnmatchcase(desc["function"], function)
                                 or fnmatch.fnmatchcase(f"{desc['module']}.{desc['function']}",
                                                        function)):
                continue
            if module and not fnmatch.fnmatchcase(desc["module"], module):
                continue
        if remove_entry(root, info.path):
            removed += 1
            freed += info.size
        else:
            busy += 1
    if not (function or module):
        aot = root / layout.AOT_DIR
        if aot.is_dir() and not aot.is_symlink():
            shutil.rmtree(aot, ignore_errors=True)
    return {"removed": removed, "freed": freed, "skipped_in_use": busy}


_last_evict = [0.0]
_evict_lock = threading.Lock()


def evict_if_needed(store, max_bytes=CONFIGURED, build_timeout: float | None = None) -> None:
    """After a publish: keep the cache under its cap (at most every EVICT_INTERVAL s).
    ``max_bytes``: by default the configured cap (``JITCY_CACHE_MAX_SIZE``, else the
    cache's ``config.json``, else 1G: :func:`settings.max_size`); None: no cap.
    ``build_timeout``: default ``JITCY_BUILD_TIMEOUT`` (builds younger than twice that are
    in flight)."""
    if max_bytes is None:
        return
    if build_timeout is None:
        from .. import config
        build_timeout = config.get().build_timeout
    with _evict_lock:
        now = time.monotonic()
        if now - _last_evict[0] < EVICT_INTERVAL:
            return
        _last_evict[0] = now
    if max_bytes is CONFIGURED:
        max_bytes, _source = settings.max_size(store.root)
        if max_bytes is None:
            return
    try:
        result = evict(store.root, max_bytes)
        sweep(store.root, build_timeout)
    except OSError as exc:
        log.info("cache eviction in %s failed: %s", store.root, exc)
        return
    if result["removed"]:
        log.info("cache over %d bytes: removed %d least recently used entries (%d bytes)",
                 max_bytes, result["removed"], result["freed"])
