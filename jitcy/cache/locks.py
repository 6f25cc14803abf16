"""Cross-process locks on files: the per-key build lock and the entry pin.

POSIX uses ``flock``: the kernel drops a lock the moment its holder dies (``kill -9``
included), so there is no stale lock to time out and nobody waits for a dead process.
Two refinements over a plain ``flock``:

* **Removable lock files.** Eviction deletes ``locks/<key>.lock`` files nobody holds. A
  process that opened the file just before it was deleted would lock an orphan inode, so
  :func:`acquire` checks after locking that the path still names the inode it locked, and
  retries otherwise.
* **Fork.** A child forked while the parent holds a lock shares the lock (same open file
  description); if the parent were then killed, the child would keep it for as long as it
  lives. The child closes its copies at fork (closing does not unlock the parent's).

Elsewhere (Windows) the ``filelock`` package does the work (its locks also die with the
process); lock files are then left in place.
"""
from __future__ import annotations

import os
import time

try:
    import fcntl
except ImportError:   # Windows
    fcntl = None

import filelock


class Timeout(Exception):
    """The lock was not acquired in time."""


_held: dict = {}      # fd -> the FileLock holding it, for the fork handler


def _same_file(fd: int, path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


class FileLock:
    """An exclusive (or, with ``shared=True``, shared) lock on ``path``."""

    def __init__(self, path, *, shared: bool = False, create: bool = True):
        self.path = str(path)
        self.shared = shared
        self.create = create
        self._fd = None
        self._fallback = None

    def acquire(self, timeout: float | None = None) -> bool:
        """Block up to ``timeout`` seconds (None: forever; 0: one try). Raises
        :class:`Timeout`; FileNotFoundError when ``create`` is False and the file is gone."""
        if fcntl is None:
            if self.shared:
                return True    # no shared pins on Windows: a loaded .pyd cannot be deleted anyway
            self._fallback = filelock.FileLock(self.path, mode=0o600)
            try:
                self._fallback.acquire(timeout=-1 if timeout is None else timeout)
            except filelock.Timeout:
                raise Timeout(self.path) from None
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        op = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        flags = os.O_RDONLY if self.shared else os.O_RDWR
        if self.create:
            flags |= os.O_CREAT
        pause = 0.002
        while True:
            fd = os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                while True:
                    try:
                        fcntl.flock(fd, op)
                        break
                    except BlockingIOError:
                        if deadline is not None and time.monotonic() >= deadline:
                            raise Timeout(self.path) from None
                        time.sleep(pause)
                        pause = min(pause * 2, 0.05)
                if _same_file(fd, self.path):
                    self._fd = fd
                    _held[fd] = self
                    return True
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)      # the file was removed or replaced meanwhile: lock the new one
            if not self.create and not os.path.exists(self.path):
                raise FileNotFoundError(self.path)

    def release(self, unlink: bool = False) -> None:
        """Unlock; with ``unlink`` remove the file first (only while holding it exclusively,
        so a waiter notices through the inode check)."""
        if self._fallback is not None:
            self._fallback.release()
            self._fallback = None
            return
        fd, self._fd = self._fd, None
        if fd is None or _held.get(fd) is not self:
            return            # never acquired, or closed by the fork handler
        del _held[fd]
        try:
            if unlink and not self.shared:
                try:
                    os.unlink(self.path)
                except OSError:
                    pass
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


def _after_fork_in_child() -> None:
    for fd in list(_held):
        _held.pop(fd, None)
        try:
            os.close(fd)     # closes our copy only: the parent's lock stays
        except OSError:
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
