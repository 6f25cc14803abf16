"""The cache's persistent settings: ``<root>/config.json``, written by ``jitcy cache config``.

::

    $ jitcy cache config --max-size 2G      ->  <root>/config.json: {"max_size": "2G"}

Today it holds one setting, the size cap. Where the cap comes from, first match wins:

1. ``JITCY_CACHE_MAX_SIZE`` (the environment: one process, one CI job...);
2. ``max_size`` in ``config.json`` of the cache directory in use (persistent, per cache);
3. the default, :data:`DEFAULT_MAX_SIZE` (1 GiB).

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> write(root, {"max_size": "2G"})
>>> read(root)
({'max_size': '2G'}, None)
>>> from jitcy.config import Config
>>> max_size(root, Config())                    # JITCY_CACHE_MAX_SIZE not set
(2147483648, 'file')
>>> max_size(root, Config(cache_max_size=None, cache_max_size_from_env=True))
(None, 'env')

Reading never raises: a file that cannot be read, is not a JSON object, holds an unknown key
or a value that is not a size comes back as ``problem`` (one line saying what to do), and the
settings it could not use are left out, so the default applies. The file must be a regular
file owned by the user and not writable by group or others, like everything else in the
cache (:func:`layout.unsafe_reason`); otherwise it is ignored the same way. Writes are atomic
(a temp file, then ``os.replace``), mode 0600.
"""
from __future__ import annotations

import json
import os
import pathlib

from .. import errors
from . import layout

#: The size cap when neither the environment nor the settings file sets one.
DEFAULT_MAX_SIZE = 1 << 30
#: What ``config.json`` may hold.
KNOWN = ("max_size",)
_FIX = "fix it with `jitcy cache config --max-size SIZE`, or remove it with `jitcy cache config --reset`"


def path(root) -> pathlib.Path:
    return pathlib.Path(root) / layout.CONFIG_FILE


def parse_max_size(value) -> int | None:
    """A ``max_size`` value as stored (a size text such as "2G", or a number of bytes;
    0, "0" and "none" mean no cap) -> bytes or None. Raises ValueError saying how."""
    from ..config import parse_size
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{value!r} is not a size; write a text such as \"500M\" or \"2G\"")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value!r} is negative")
        return value or None
    return parse_size(value)


def read(root) -> tuple[dict, str | None]:
    """(the usable settings, problem or None). A missing file is no problem: ``({}, None)``."""
    where = path(root)
    try:
        st = os.lstat(where)
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"cannot read {where}: {exc.strerror or exc}; {_FIX}"
    unsafe = layout.unsafe_reason(st, str(where), kind="file")
    if unsafe:
        return {}, f"{unsafe}, so it is ignored; {_FIX}"
    try:
        data = json.loads(where.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        return {}, f"{where} is not valid JSON ({exc}); {_FIX}"
    if not isinstance(data, dict):
        return {}, f"{where} does not hold a JSON object; {_FIX}"
    usable, problems = {}, []
    for key, value in data.items():
        if key not in KNOWN:
            problems.append(f"unknown setting {key!r} (known: {', '.join(KNOWN)})")
            continue
        try:
            parse_max_size(value)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
            continue
        usable[key] = value
    if problems:
        return usable, f"{where}: {'; '.join(problems)}; {_FIX}"
    return usable, None


def write(root, settings: dict) -> None:
    """Replace ``config.json`` with ``settings`` (atomic, mode 0600); {} removes the file."""
    where = path(root)
    if not settings:
        try:
            os.unlink(where)
        except FileNotFoundError:
            pass
        return
    tmp = where.with_name(f".{where.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(settings, f, indent=2, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, where)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def resolve(root, cfg=None) -> tuple[int | None, str, str | None]:
    """(the size cap in bytes, None for no cap; where it comes from: 'env', 'file' or
    'default'; the problem with the settings file or None) for the cache at ``root``
    (None: no directory, so no file). ``cfg``: the :class:`jitcy.config.Config` (default:
    this process's). Never raises, never warns (the CLI prints the problem itself)."""
    if cfg is None:
        from .. import config
        cfg = config.get()
    if cfg.cache_max_size_from_env:
        return cfg.cache_max_size, "env", None
    if root is None:
        return DEFAULT_MAX_SIZE, "default", None
    settings, problem = read(root)
    if "max_size" in settings:
        return parse_max_size(settings["max_size"]), "file", problem
    return DEFAULT_MAX_SIZE, "default", problem


def max_size(root, cfg=None) -> tuple[int | None, str]:
    """:func:`resolve` for jitcy itself (eviction after a publish): a problem with the
    file is announced by one :class:`~jitcy.errors.JitcyWarning` per process and file."""
    cap, source, problem = resolve(root, cfg)
    if problem:
        errors.warn_once(f"cache-config:{path(root)}",
                         f"jitcy: ignoring a bad cache setting: {problem}. Meanwhile the "
                         f"size cap is {'the default (1G)' if source == 'default' else 'as set'}.")
    return cap, source
