"""Front door 3: the ``jitcy`` command. ``main(argv) -> exit code`` (0 ok, 1 failure, 2 usage)."""
from __future__ import annotations

import argparse
import json
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jitcy", description="jitcy runtime compiler")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    cache = commands.add_parser("cache", help="inspect the on-disk cache")
    cache_commands = cache.add_subparsers(dest="cache_command", required=True)
    info = cache_commands.add_parser("info", help="where the cache is and what it holds")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _cache_info(as_json: bool) -> int:
    from . import cache
    root = cache.cache_root()
    if root is None:
        print("jitcy: no usable cache directory (set JITCY_CACHE_DIR to a writable path)",
              file=sys.stderr)
        return 1
    files = [p for p in root.rglob("*") if p.is_file()]
    entries = sum(1 for p in files if p.name == "meta.json")
    info = {"location": str(root), "entries": entries,
            "bytes": sum(p.stat().st_size for p in files)}
    if as_json:
        print(json.dumps(info))
    else:
        for name, value in info.items():
            print(f"{name}: {value}")
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.version:
        from . import __version__
        print(f"jitcy {__version__}")
        return 0
    if args.command == "cache" and args.cache_command == "info":
        return _cache_info(args.json)
    _parser().print_usage(sys.stderr)
    return 2
