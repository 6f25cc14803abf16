"""jitcy's exceptions and its one warning class.

Two channels (design.md section 6): an *expected* failure (an unsupported construct, a
build error, no compiler, an unusable cache) becomes a reason string on the function and
one :class:`JitcyWarning` per cause per process, and the function keeps running
interpreted. An *internal* error (a bug in jitcy) is recorded the same way with its
traceback, and raises under ``JITCY_STRICT=1``.

Each exception class carries a short ``slug`` used in reasons and in the docs.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import traceback
import warnings

from . import config


class JitcyError(Exception):
    """Root of jitcy's own exceptions."""

    slug = "jitcy-error"

    @property
    def cause(self) -> str:
        """What went wrong, without paths or names: one warning per cause per process."""
        return f"{self.slug}:{type(self).__name__}"


class UnsupportedConstruct(JitcyError, SyntaxError):
    """The function uses something jitcy does not compile; it stays interpreted.

    ``lineno`` is the line in the user's file, ``filename`` the user's file.
    """

    slug = "unsupported"

    def __init__(self, message: str, filename: str | None = None, lineno: int | None = None):
        SyntaxError.__init__(self, message)
        self.msg = message
        self.filename = filename
        self.lineno = lineno

    def __str__(self) -> str:
        where = f"{self.filename}:{self.lineno}: " if self.filename and self.lineno else ""
        return f"{where}{self.msg}"

    @property
    def cause(self) -> str:
        return f"{self.slug}:{self.msg}"


class SourceUnavailable(UnsupportedConstruct):
    """No source for the function, or the source does not match the running code."""

    slug = "no-source"


class BuildError(JitcyError, RuntimeError):
    """Cython or the C compiler failed (or is missing, or timed out).

    Carries the command that failed, its return code, the tail of its output and the
    directory that keeps the ``.pyx``, ``.c`` and log for the user to read.
    """

    slug = "build-failed"

    def __init__(self, message: str, argv=None, returncode=None, output_tail: str = "", workdir=None):
        RuntimeError.__init__(self, message)
        self.argv = list(argv) if argv else []
        self.returncode = returncode
        self.output_tail = output_tail
        self.workdir = workdir

    @property
    def cause(self) -> str:
        program = os.path.basename(str(self.argv[0])) if self.argv else "worker"
        return f"{self.slug}:{program}"

    def __str__(self) -> str:
        text = self.args[0] if self.args else "build failed"
        if self.workdir:
            text += f" (build files kept in {self.workdir})"
        if self.output_tail:
            text += "\n" + self.output_tail
        return text


class SnippetError(JitcyError, SyntaxError):
    """A ``jitcy.inline`` snippet does not compile: Cython's (or the C compiler's) message,
    at the snippet's own line (``lineno`` counts from the snippet's first line)."""

    slug = "inline-compile-error"
    _CYTHON_LINE = re.compile(r"^[^\n:]*\.pyx:(\d+):(\d+): (.+)$", re.M)

    def __init__(self, message: str, where: str, lineno=None, text=None, workdir=None,
                 output: str = ""):
        SyntaxError.__init__(self, message)
        self.msg, self.where, self.lineno, self.text = message, where, lineno, text
        self.filename = f"<jitcy.inline snippet at {where}>"
        self.workdir, self.output = workdir, output

    def __str__(self) -> str:
        at = f"line {self.lineno} of the snippet" if self.lineno else "the snippet"
        text = f"jitcy.inline at {self.where}: {at}: {self.msg}"
        if self.text is not None:
            text += f"\n    {self.text.strip()}"
        if self.workdir:
            text += f"\n(build files kept in {self.workdir})"
        return text

    @classmethod
    def from_build(cls, exc: "BuildError", snippet: str, line_map: dict, where: str):
        """Map the first error Cython reports in the generated module back to the snippet."""
        output = exc.output_tail
        log = os.path.join(str(exc.workdir), "build.log") if exc.workdir else None
        if log and os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as f:
                output = f.read() or output
        lines = snippet.split("\n")
        for match in cls._CYTHON_LINE.finditer(output):
            line = line_map.get(int(match.group(1)))
            if line is not None:
                return cls(match.group(3).strip(), where, line, lines[line - 1],
                           exc.workdir, output)
        message = exc.args[0] if exc.args else "build failed"
        return cls(f"{message}\n{exc.output_tail}".strip(), where, None, None,
                   exc.workdir, output)


class BuildCancelled(BuildError):
    """The process is exiting: jitcy stopped its build worker with a build in flight.
    Nothing went wrong, so this is recorded on the function but never warned about."""

    slug = "build-cancelled"


class CacheError(JitcyError, OSError):
    """The on-disk cache cannot be used (unwritable, foreign-owned, corrupt entry...)."""

    slug = "cache"


class JitcyWarning(UserWarning):
    """The one warning class jitcy emits (filter it with ``warnings`` as usual)."""


_warned: set = set()
_warned_lock = threading.Lock()


def warn_once(cause: str, message: str) -> bool:
    """Emit ``message`` once per ``cause`` in this process. Returns True if emitted."""
    with _warned_lock:
        if cause in _warned:
            return False
        _warned.add(cause)
    try:
        warnings.warn(message, JitcyWarning, stacklevel=3)
    except Exception:   # noqa: BLE001 - filters made it an error ("-W error", pytest's
        # filterwarnings = error): raising here would break the user's call that made the
        # function hot. The warning is dropped; the reason is in jitcy.stats() and the log.
        logging.getLogger("jitcy").warning("%s", message)
    return True


def reset_warnings() -> None:
    """Forget which causes were warned about (tests)."""
    with _warned_lock:
        _warned.clear()


def internal_error(exc: BaseException, where: str) -> str:
    """Record a bug in jitcy: returns the reason text; re-raises under JITCY_STRICT=1."""
    if config.get().strict:
        raise exc
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    reason = f"internal error in {where}: {type(exc).__name__}: {exc}"
    warn_once(f"internal:{where}:{type(exc).__name__}",
              f"jitcy: {reason} (the function keeps running interpreted; please report)\n{tb}")
    return reason
