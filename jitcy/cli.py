"""Front door 3: the ``jitcy`` command. ``main(argv) -> exit code`` (0 ok, 1 failure, 2 usage)."""
from __future__ import annotations

import argparse
import sys

from . import cli_build, cli_cache


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jitcy", description="jitcy runtime compiler")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", add_help=False,     # parsed by jitcy.runner (see main)
                        help="run a program with the import hook: jitcy run [options] "
                             "(script.py | -m module) [args...]")
    cli_cache.add_parsers(commands)
    cli_build.add_parser(commands)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"]:         # the program's own arguments must not reach argparse
        from . import runner
        return runner.main(argv[1:])
    args = _parser().parse_args(argv)
    if args.version:
        from . import __version__
        print(f"jitcy {__version__}")
        return 0
    if args.command in ("cache", "build"):
        # A tool run by hand says what is wrong and stops; a program run under a bad value
        # only gets a warning (config._checked).
        from . import config
        problems = config.Config.from_env().problems
        if problems:
            for problem in problems:
                print(f"jitcy: error: {problem.split(' (using the default')[0]}; fix or unset "
                      "the variable", file=sys.stderr)
            return 2
    if args.command == "cache":
        return cli_cache.run(args)
    if args.command == "build":
        return cli_build.run(args)
    _parser().print_usage(sys.stderr)
    return 2
