"""``jitcy cache info|list|clear|prune|config``: inspect and manage the on-disk cache.

These commands work on the configured location (``JITCY_CACHE_DIR`` or the platform user
cache directory) as it is; only ``config --max-size`` creates it when it does not exist yet
(as jitcy does on first use: it needs a place for the settings file). ``clear``, ``prune``,
``list`` and ``config`` refuse a directory that does not carry jitcy's markers
(``CACHEDIR.TAG`` and ``jitcy-cache-version``), so ``JITCY_CACHE_DIR=~`` can never delete
a home directory, and even in a marked directory they only touch jitcy's own names
(``v<N>/``, ``tmp/``, ``locks/``, ``aot/``, ``config.json``). Exit codes: 0 ok, 1 failure,
2 bad usage.
"""
from __future__ import annotations

import datetime
import json
import os
import pathlib
import sys


def add_parsers(commands) -> None:
    cache = commands.add_parser("cache", help="inspect and manage the on-disk cache")
    sub = cache.add_subparsers(dest="cache_command", required=True)
    info = sub.add_parser("info", help="where the cache is and what it holds")
    lst = sub.add_parser("list", help="one line per compiled entry")
    clear = sub.add_parser("clear", help="remove entries (all, or matching --function/--module)")
    clear.add_argument("--function", metavar="PATTERN",
                       help="only entries of functions matching this shell pattern "
                            "(qualname or module.qualname, e.g. 'Model.*')")
    clear.add_argument("--module", metavar="PATTERN", help="only entries of matching modules")
    prune = sub.add_parser("prune", help="remove least recently used entries down to a size")
    prune.add_argument("--max-size", metavar="SIZE",
                       help="e.g. 500M or 2G (default: the cap, see `jitcy cache config`)")
    conf = sub.add_parser("config", help="show or set the cache's persistent settings "
                                         "(the size cap)")
    which = conf.add_mutually_exclusive_group()
    which.add_argument("--max-size", metavar="SIZE",
                       help="store a size cap in the cache directory: e.g. 500M or 2G, "
                            "0 or none for no cap (JITCY_CACHE_MAX_SIZE still wins)")
    which.add_argument("--reset", action="store_true",
                       help="remove the stored settings (the default cap, 1G, applies)")
    for p in (info, lst, clear, prune, conf):
        p.add_argument("--json", action="store_true", help="machine-readable output")


def _err(message: str) -> int:
    print(f"jitcy: {message}", file=sys.stderr)
    return 1


def _human(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _when(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def _root() -> pathlib.Path:
    from .cache import location
    return pathlib.Path(location.configured_dir())


_SOURCES = {"env": "JITCY_CACHE_MAX_SIZE", "file": "the cache's config.json",
            "default": "default"}


def _cap(root, usable: bool):
    """(cap, source, problem with the settings file) without warnings (the CLI prints)."""
    from .cache import settings
    return settings.resolve(root if usable else None)


def _info(args) -> int:
    from .cache import evict, layout
    root = _root()
    problem = evict.is_marked(root) if root.exists() else None
    entries = evict.scan(root) if root.exists() and problem is None else []
    tmp, lockdir = root / layout.TMP_DIR, root / layout.LOCKS_DIR
    cap, source, config_problem = _cap(root, root.exists() and problem is None)
    info = {
        "location": str(root),
        "exists": root.exists(),
        "usable": root.exists() and problem is None,
        "problem": problem,
        "entries": len(entries),
        "bytes": sum(e.size for e in entries),
        "max_size": cap,
        "max_size_source": source,
        "config_problem": config_problem,
        "builds_in_flight": (sum(1 for p in tmp.glob(layout.BUILD_PREFIX + "*"))
                             if problem is None and tmp.is_dir() else 0),
        "lock_files": (sum(1 for _ in lockdir.glob("*.lock"))
                       if problem is None and lockdir.is_dir() else 0),
        "aot_functions": (sum(1 for _ in (root / layout.AOT_DIR).rglob("*.json"))
                          if problem is None and (root / layout.AOT_DIR).is_dir() else 0),
        "format_version": layout.FORMAT_VERSION,
    }
    if args.json:
        print(json.dumps(info))
        return 0
    print(f"location: {root}" + ("" if info["exists"] else " (does not exist yet)"))
    if problem:
        print(f"problem: {problem}")
    print(f"entries: {info['entries']}")
    print(f"size: {_human(info['bytes'])} ({info['bytes']} bytes) of "
          f"{'no cap' if cap is None else _human(cap)} ({_SOURCES[source]})")
    if config_problem:
        print(f"settings problem: {config_problem}")
    print(f"builds in flight: {info['builds_in_flight']}, lock files: {info['lock_files']}, "
          f"functions built ahead of time: {info['aot_functions']}")
    print("hit/miss counters are per process: see jitcy.stats()")
    return 0


def _checked_root(verb: str):
    from .cache import evict
    root = _root()
    if not root.exists():
        return root, None
    problem = evict.is_marked(root)
    if problem:
        return root, _err(f"refusing to {verb} {root}: {problem}. Point JITCY_CACHE_DIR at "
                          f"jitcy's cache directory (`jitcy cache info` shows where it is)")
    return root, None


def _list(args) -> int:
    from .cache import evict
    root, failed = _checked_root("list")
    if failed is not None:
        return failed
    rows = [e.describe() for e in evict.scan(root)] if root.exists() else []
    rows.sort(key=lambda r: (r["module"], r["function"], r["types"]))
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print(f"no entries in {root}")
        return 0
    table = [("FUNCTION", "MODULE", "TYPES", "SIZE", "LAST USED")]
    for r in rows:
        table.append((r["function"], r["module"], "(" + ", ".join(r["types"]) + ")",
                      _human(r["size"]), _when(r["last_used"])))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
    return 0


def _clear(args) -> int:
    from . import config
    from .cache import evict
    root, failed = _checked_root("clear")
    if failed is not None:
        return failed
    if not root.exists():
        result = {"removed": 0, "freed": 0, "skipped_in_use": 0}
    else:
        result = evict.clear(root, function=args.function, module=args.module)
        if not (args.function or args.module):
            evict.sweep(root, config.get().build_timeout)
    return _done(args, result, root)


def _prune(args) -> int:
    from . import config
    from .config import parse_size
    try:
        cap = parse_size(args.max_size) if args.max_size is not None else None
    except ValueError as exc:
        print(f"jitcy cache prune: --max-size {exc}", file=sys.stderr)
        return 2
    from .cache import evict
    root, failed = _checked_root("prune")
    if failed is not None:
        return failed
    if args.max_size is None:
        cap, _source, problem = _cap(root, root.exists())
        if problem:
            print(f"jitcy: warning: {problem}", file=sys.stderr)
    if not root.exists():
        result = {"removed": 0, "freed": 0, "skipped_in_use": 0}
    else:
        result = evict.evict(root, cap, young=0.0) if cap is not None else {
            "removed": 0, "freed": 0, "skipped_in_use": 0}
        result["debris"] = evict.sweep(root, config.get().build_timeout)
    result["max_size"] = cap
    return _done(args, result, root)


def _done(args, result: dict, root) -> int:
    result["location"] = str(root)
    if args.json:
        print(json.dumps(result))
    else:
        line = f"removed {result['removed']} entries ({_human(result['freed'])}) from {root}"
        if result.get("skipped_in_use"):
            line += f"; kept {result['skipped_in_use']} that a process is using right now"
        print(line)
    return 0


def _config(args) -> int:
    from .cache import location, settings
    new = None
    if args.max_size is not None:
        try:
            settings.parse_max_size(args.max_size.strip())
        except ValueError as exc:
            print(f"jitcy cache config: --max-size {exc}", file=sys.stderr)
            return 2
        new = args.max_size.strip()
    root, failed = _checked_root("configure")
    if failed is not None:
        return failed
    if new is not None or args.reset:
        if new is not None and not root.exists():
            try:
                location._prepare(root)      # what jitcy does on first use: 0700, marked
            except (OSError, ValueError) as exc:
                return _err(f"cannot create the cache directory {root}: "
                            f"{location._describe(exc)}; set JITCY_CACHE_DIR to a "
                            f"directory you own")
        if root.exists():
            stored, _problem = settings.read(root)
            stored.pop("max_size", None)
            if new is not None:
                stored["max_size"] = new
            settings.write(root, {} if args.reset else stored)
    usable = root.exists()
    stored, problem = settings.read(root) if usable else ({}, None)
    cap, source, _problem = _cap(root, usable)
    file = settings.path(root)
    result = {"location": str(root), "file": str(file), "exists": file.exists(),
              "settings": stored, "problem": problem, "max_size": cap,
              "max_size_source": source}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"settings file: {file}" + ("" if result["exists"] else " (none)"))
        if "max_size" in stored:
            print(f"max_size = {stored['max_size']!r} (stored)")
        print(f"size cap: {'no cap' if cap is None else _human(cap)}"
              f"{'' if cap is None else f' ({cap} bytes)'}, from {_SOURCES[source]}")
    if problem:
        print(f"jitcy: warning: {problem}", file=sys.stderr)
    if source == "env" and "max_size" in stored:
        print(f"jitcy: note: JITCY_CACHE_MAX_SIZE={os.environ.get('JITCY_CACHE_MAX_SIZE')} "
              f"is set here and wins over the stored max_size; unset it to use the stored "
              f"one", file=sys.stderr)
    return 0


def run(args) -> int:
    from . import config
    try:
        config.get()
    except ValueError as exc:     # a bad JITCY_* variable
        print(f"jitcy cache {args.cache_command}: {exc}", file=sys.stderr)
        return 2
    handler = {"info": _info, "list": _list, "clear": _clear, "prune": _prune,
               "config": _config}[args.cache_command]
    try:
        return handler(args)
    except OSError as exc:
        return _err(f"cache {args.cache_command} failed: {exc}; check the permissions of "
                    f"the cache directory (`jitcy cache info`)")
