"""Names of everything jitcy puts on disk, and the few file-system helpers the cache needs.

One module holds the layout so the store, the CLI (``jitcy cache ...``) and later eviction
agree on it::

    <root>/CACHEDIR.TAG                  marks the tree as a cache (backup tools skip it)
    <root>/jitcy-cache-version           FORMAT_VERSION; `jitcy cache clear` requires a marker
    <root>/v<FORMAT_VERSION>/ab/<key>/   one published entry (meta.json, <module>.so, ...)
    <root>/tmp/build-*                   in-flight builds (never evicted while young)
    <root>/tmp/trash-*                   corrupt entries moved aside, being removed
    <root>/locks/<key>.lock              per-key cross-process locks (removed when released)
    <root>/aot/ab/<fkey>.json            signatures `jitcy build` compiled for one function
    <root>/config.json                   settings of this cache (`jitcy cache config`)

Loading a native module is executing code, so the safety test (:func:`unsafe_reason`) is
shared by the root check and by every entry lookup.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import stat

#: Bump when the on-disk layout or meta.json schema changes; entries live under ``v<N>/``
#: so two jitcy versions sharing a cache directory never read each other's entries.
FORMAT_VERSION = 1

TAG_FILE = "CACHEDIR.TAG"
VERSION_FILE = "jitcy-cache-version"
TMP_DIR = "tmp"
LOCKS_DIR = "locks"
AOT_DIR = "aot"
META_FILE = "meta.json"
CONFIG_FILE = "config.json"
BUILD_PREFIX = "build-"
TRASH_PREFIX = "trash-"

#: Standard content (https://bford.info/cachedir/); the first line is what tools look for.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by jitcy.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)

#: Where POSIX ownership and permission bits mean something (not on Windows).
POSIX_PERMS = hasattr(os, "getuid")


def version_dir(root: pathlib.Path) -> pathlib.Path:
    return root / f"v{FORMAT_VERSION}"


def entry_dir(root: pathlib.Path, key: str) -> pathlib.Path:
    """Two-hex-digit shards keep directories small (256 shards) on every file system."""
    return version_dir(root) / key[:2] / key


def unsafe_reason(st: os.stat_result, what: str, kind: str = "dir") -> str | None:
    """Why a path (from ``os.lstat``) must not be trusted, or None if it may be.

    Refused: a symlink (it can point anywhere), the wrong kind of object, anything owned by
    another user or writable by group/others (they could swap in their own native code).
    """
    if stat.S_ISLNK(st.st_mode):
        return f"{what} is a symlink"
    if kind == "dir" and not stat.S_ISDIR(st.st_mode):
        return f"{what} is not a directory"
    if kind == "file" and not stat.S_ISREG(st.st_mode):
        return f"{what} is not a regular file"
    if POSIX_PERMS:
        if st.st_uid != os.getuid():
            return f"{what} is owned by uid {st.st_uid}, not by you (uid {os.getuid()})"
        if st.st_mode & 0o022:
            return f"{what} is writable by group or others (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def sha256_file(path: pathlib.Path) -> tuple[str, int]:
    """(sha256 hex, size in bytes) of a file, read in chunks (hashlib.file_digest is 3.11+)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync_file(path: pathlib.Path) -> None:
    """Flush a file's data to disk ("r+b": Windows refuses to commit a read-only handle)."""
    with open(path, "r+b") as f:
        os.fsync(f.fileno())


def fsync_dir(path: pathlib.Path) -> None:
    """Make a rename durable; best effort (no directory fds on Windows, EINVAL on some FS)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: pathlib.Path, text: str) -> None:
    """Write a small file so readers see the old or the new content, never half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
