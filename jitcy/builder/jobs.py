"""One background thread that runs the pipeline's build jobs, in submission order.

One thread is enough: the worker process builds one module at a time anyway, and a single
consumer keeps the order predictable (the first function to get hot is built first).
The thread is a daemon (a pending build must never keep the interpreter alive) and starts
lazily. After ``os.fork()`` the child starts with an empty queue and no thread; a job that
was running in the parent at fork time does not exist in the child.
"""
from __future__ import annotations

import collections
import os
import threading
import weakref


class BackgroundJobs:
    """FIFO queue of callables run by one lazily started daemon thread."""

    def __init__(self, name: str = "jitcy-builder"):
        self._name = name
        self._reset()
        _instances.add(self)

    def _reset(self) -> None:
        # Fresh lock and condition: after a fork the old ones may be held by a thread
        # that does not exist in the child.
        self._cond = threading.Condition(threading.Lock())
        self._queue: collections.deque = collections.deque()
        self._running = 0
        self._thread: threading.Thread | None = None

    def submit(self, fn, on_error=None) -> None:
        """Queue ``fn()``; if it raises, ``on_error(exc)`` is called (errors of ``on_error``
        itself are dropped). Never blocks on the jobs already queued."""
        with self._cond:
            self._queue.append((fn, on_error))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def pending(self) -> int:
        """Jobs queued or running."""
        with self._cond:
            return len(self._queue) + self._running

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has finished; False if ``timeout`` passed first."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("BackgroundJobs.wait() called from one of its own jobs "
                               "would wait for itself forever")
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._running, timeout)

    def _loop(self) -> None:
        cond = self._cond
        while True:
            with cond:
                while not self._queue:
                    cond.wait()
                fn, on_error = self._queue.popleft()
                self._running += 1
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001 - a failing job must not end the thread
                if on_error is not None:
                    try:
                        on_error(exc)
                    except BaseException:  # noqa: BLE001
                        pass
            finally:
                fn = on_error = None      # do not keep the job alive while idle
                with cond:
                    self._running -= 1
                    cond.notify_all()


_instances: "weakref.WeakSet[BackgroundJobs]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for instance in list(_instances):
        instance._reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

#: The process-wide queue the pipeline submits its builds to.
jobs = BackgroundJobs()
