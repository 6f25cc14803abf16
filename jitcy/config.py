"""Every ``JITCY_*`` environment variable, read once into a frozen :class:`Config`.

Variables (all optional):

``JITCY_DISABLE=1``
    ``@jitcy.hot`` returns the function untouched; nothing is profiled or compiled.
``JITCY_SYNC=1``
    Build on the calling thread when a function gets hot (deterministic; used by tests).
``JITCY_STRICT=1``
    jitcy's own internal errors raise instead of being recorded (use it in jitcy's tests).
    Expected failures (unsupported construct, build error, missing compiler) never raise.
``JITCY_CACHE_DIR=path``
    The on-disk cache. Default: the platform user cache directory (``platformdirs``).
``JITCY_THRESHOLD=n``
    Calls before a ``@jitcy.hot`` function is compiled (default 2).
``JITCY_TIME_LIMIT=seconds``
    Cumulative seconds spent in a profiled function that make it hot regardless of
    the call count (default 0.05).
``JITCY_HOOK_THRESHOLD=n``, ``JITCY_HOOK_TIME_LIMIT=seconds``
    The same for functions watched by the import hook (``jitcy.install``, ``jitcy run``):
    default 1000 calls or 0.2 s, higher than for ``@jitcy.hot`` because a whole program
    should compile what matters, not everything that ran twice.
``JITCY_MAX_SPECIALIZATIONS=n``
    Distinct argument-type signatures compiled per function before it is left
    interpreted as megamorphic (default 4).
``JITCY_BUILD_TIMEOUT=seconds``
    Wall-clock limit for one Cython + C compiler build (default 180).
``JITCY_CACHE_MAX_SIZE=size``
    Size cap of the on-disk cache (suffixes K, M, G, T are powers of 1024, ``0`` or
    ``none`` means no cap). It wins over the cap stored in the cache directory by
    ``jitcy cache config --max-size`` (``cache/settings.py``); without either the cap is
    ``1G``. When a process publishes an entry that takes the cache over the cap, the least
    recently used entries are removed (never one being loaded or built right now).
    ``jitcy cache prune --max-size`` does the same on demand.
``JITCY_RECORD=path``
    Record which functions got hot with which argument types and write them to ``path``
    (JSON) when the process exits, for ``jitcy build path`` (same as ``jitcy.record(path)``).

The C compiler is the one setuptools picks (``CC``, ``CFLAGS``, ... are honoured by it).
"""
from __future__ import annotations

import dataclasses
import os


def _flag(env, name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _number(env, name: str, default, kind, minimum, problems: list):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        problems.append(f"{name}={raw!r} is not a valid {kind.__name__}; unset it or give a "
                        f"number >= {minimum} (using the default, {default})")
        return default
    if value < minimum:
        problems.append(f"{name}={raw!r} must be >= {minimum} (using the default, {default})")
        return default
    return value


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int | None:
    """``"500M"`` -> bytes; ``"0"``/``"none"`` -> None (no cap). K/M/G/T are powers of 1024
    (``KB``, ``KiB``, ``MB``... are accepted as the same). Raises ValueError saying how."""
    raw = str(text).strip()
    if raw.lower() in ("none", "0", "unlimited"):
        return None
    body = raw.upper().replace("IB", "").rstrip("B")
    unit = body[-1:] if body[-1:] in _UNITS and body[-1:] else ""
    number = body[:-1] if unit else body
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value:
        raise ValueError(f"{raw!r} is not a size; write a number of bytes with an optional "
                         f"K, M, G or T suffix (such as 500M or 2G), or 0/none for no cap")
    return int(value * _UNITS[unit])


def _size(env, name: str, default, problems: list):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse_size(raw)
    except ValueError as exc:
        problems.append(f"{name}={exc} (using the default, {default} bytes)")
        return default


@dataclasses.dataclass(frozen=True)
class Config:
    disable: bool = False
    sync: bool = False
    strict: bool = False
    cache_dir: str | None = None
    threshold: int = 2
    time_limit: float = 0.05
    hook_threshold: int = 1000
    hook_time_limit: float = 0.2
    max_specializations: int = 4
    build_timeout: float = 180.0
    cache_max_size: int | None = 1 << 30
    cache_max_size_from_env: bool = False     # JITCY_CACHE_MAX_SIZE was set (wins over
    #                                           the cache's config.json, cache/settings.py)
    record: str | None = None
    #: What was wrong with the environment: each bad value was replaced by its default.
    problems: tuple = ()

    @classmethod
    def from_env(cls, env=None) -> "Config":
        env = os.environ if env is None else env
        problems: list = []
        return cls(
            disable=_flag(env, "JITCY_DISABLE"),
            sync=_flag(env, "JITCY_SYNC"),
            strict=_flag(env, "JITCY_STRICT"),
            cache_dir=env.get("JITCY_CACHE_DIR") or None,
            threshold=_number(env, "JITCY_THRESHOLD", 2, int, 1, problems),
            time_limit=_number(env, "JITCY_TIME_LIMIT", 0.05, float, 0.0, problems),
            hook_threshold=_number(env, "JITCY_HOOK_THRESHOLD", 1000, int, 1, problems),
            hook_time_limit=_number(env, "JITCY_HOOK_TIME_LIMIT", 0.2, float, 0.0, problems),
            max_specializations=_number(env, "JITCY_MAX_SPECIALIZATIONS", 4, int, 1, problems),
            build_timeout=_number(env, "JITCY_BUILD_TIMEOUT", 180.0, float, 1.0, problems),
            cache_max_size=_size(env, "JITCY_CACHE_MAX_SIZE", 1 << 30, problems),
            # a bad value was replaced by the default: it must not win over config.json
            cache_max_size_from_env=bool((env.get("JITCY_CACHE_MAX_SIZE") or "").strip())
            and not any(p.startswith("JITCY_CACHE_MAX_SIZE=") for p in problems),
            record=env.get("JITCY_RECORD") or None,
            problems=tuple(problems),
        )


_current: Config | None = None


def get() -> Config:
    """The configuration of this process, read from the environment on first use."""
    global _current
    if _current is None:
        _current = _checked(Config.from_env())
    return _current


def reload() -> Config:
    """Read the environment again (tests change variables at run time)."""
    global _current
    _current = _checked(Config.from_env())
    return _current


def _checked(current: Config) -> Config:
    """A bad value must not break the program that happens to run under it (as Numba does
    with its NUMBA_* variables: warn, use the default). Under JITCY_STRICT=1 it raises."""
    if current.problems:
        message = "jitcy: " + "; ".join(current.problems)
        if current.strict:
            raise ValueError(message)
        from . import errors    # errors imports this module
        errors.warn_once("config:" + message, message)
    return current
