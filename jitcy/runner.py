"""Front door 3: ``jitcy run``: run a program as ``python script.py`` / ``python -m module``
would, with the import hook installed before its first import.

What the program sees is what ``python`` gives it: ``__name__ == "__main__"`` in a fresh
``__main__`` module, ``sys.argv`` (``argv[0]`` is the script path, or the module's file for
``-m``), ``sys.path[0]`` (the script's directory with symlinks resolved, or the current
directory for ``-m``), its exit code (``sys.exit`` codes pass through; an uncaught exception
prints its traceback and exits 1; Ctrl-C exits as Python does), and its own traceback: frames
of jitcy (this runner, the trampolines and probes) are taken out of it.

The functions of the main module itself are watched too (they are defined while it runs, so
the runner compiles the main module with one extra decorator on each top-level ``def`` and
``class``, placed on the line of its first decorator: line numbers, ``co_firstlineno`` and
the source are unchanged).
"""
from __future__ import annotations

import argparse
import ast
import builtins
import importlib.machinery
import importlib.util
import os
import signal
import sys
import tokenize
import types

from . import compat, config, importhook

_USAGE = ("jitcy run [--include PATTERN]... [--exclude PATTERN]... [--threshold N] [--sync] "
          "[--stats] [--record PROFILE] (script.py | -m module) [args...]")
_VALUE_OPTIONS = ("--include", "--exclude", "--threshold", "--record")


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jitcy run", usage=_USAGE,
        description="Run a Python program with jitcy's import hook: the functions of the "
                    "user's modules that get hot are compiled.")
    parser.add_argument("--include", action="append", default=[], metavar="PATTERN",
                        help="watch modules matching PATTERN (mypkg, mypkg.*, *.kernels); "
                             "default: modules under the script's directory")
    parser.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                        help="never watch modules matching PATTERN")
    parser.add_argument("--threshold", type=int, metavar="N",
                        help="calls before a function is compiled (default "
                             "JITCY_HOOK_THRESHOLD, 1000)")
    parser.add_argument("--sync", action="store_true",
                        help="compile on the calling thread when a function gets hot")
    parser.add_argument("--stats", action="store_true",
                        help="print a table of the functions that got hot at exit (stderr)")
    parser.add_argument("--record", metavar="PROFILE",
                        help="write the functions that got hot and their argument types to "
                             "PROFILE at exit (child processes too), for `jitcy build PROFILE`")
    return parser


def _split(argv: list) -> tuple:
    """``(jitcy options, module or None, script or None, program args)``."""
    options = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            if i + 1 >= len(argv):
                break
            return options, None, argv[i + 1], argv[i + 2:]
        if arg == "-m":
            if i + 1 >= len(argv):
                raise _UsageError("argument -m: expected a module name")
            return options, argv[i + 1], None, argv[i + 2:]
        if arg.startswith("-m") and not arg.startswith("--"):
            return options, arg[2:], None, argv[i + 1:]
        if not arg.startswith("-") or arg == "-":
            return options, None, arg, argv[i + 1:]
        options.append(arg)
        if arg in _VALUE_OPTIONS and i + 1 < len(argv):
            options.append(argv[i + 1])
            i += 1
        i += 1
    if any(opt in ("-h", "--help") for opt in options):
        return options, None, None, []
    raise _UsageError("give the program to run: a script path or -m module")


def main(argv: list) -> int:
    """``jitcy run ...``: returns the exit code (2 for bad usage)."""
    parser = _parser()
    try:
        options, module, script, args = _split(list(argv))
    except _UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"jitcy run: error: {exc}", file=sys.stderr)
        return 2
    try:
        opts = parser.parse_args(options)
    except SystemExit as exc:          # argparse: --help exits 0, bad flags exit 2
        return exc.code if isinstance(exc.code, int) else 2
    if module is None and script is None:
        return 0
    if opts.threshold is not None and opts.threshold < 1:
        parser.print_usage(sys.stderr)
        print("jitcy run: error: --threshold must be >= 1", file=sys.stderr)
        return 2
    try:
        importhook._check_patterns(opts.include, "include")
        importhook._check_patterns(opts.exclude, "exclude")
    except ValueError as exc:
        parser.print_usage(sys.stderr)
        print(f"jitcy run: error: {exc}", file=sys.stderr)
        return 2
    if opts.record:
        record = os.path.abspath(opts.record)
        os.environ["JITCY_RECORD"] = record      # child processes record into the same file
        config.reload()
        from .aot import record as start_recording
        start_recording(record)
    return run(script=script, module=module, args=args, include=opts.include,
               exclude=opts.exclude, threshold=opts.threshold, sync=opts.sync,
               stats=opts.stats)


def run(*, script=None, module=None, args=(), include=(), exclude=(), threshold=None,
        sync=False, stats=False) -> int:
    """Run the program; returns its exit code (``SystemExit`` from it propagates)."""
    if sync:
        os.environ["JITCY_SYNC"] = "1"      # the program's child processes inherit it
        config.reload()
    try:
        if module is not None:
            sys.path[0:1] = [os.getcwd()]
            hook = importhook.install(include or None, exclude or None, threshold,
                                      root=os.getcwd())
            code, main_globals = _prepare_module(module, args, hook)
        else:
            if not os.path.exists(script):
                print(f"jitcy run: can't open file {os.path.abspath(script)!r}: "
                      f"[Errno 2] No such file or directory", file=sys.stderr)
                return 2
            if os.path.isdir(script) or not script.endswith((".py", ".pyw")) and _is_zip(script):
                return _run_path_archive(script, args, include, exclude, threshold, stats)
            directory = os.path.dirname(os.path.realpath(script))
            sys.path[0:1] = [directory]
            hook = importhook.install(include or None, exclude or None, threshold,
                                      root=directory)
            code, main_globals = _prepare_script(script, args, hook)
    except _ProgramNotFound as exc:
        print(f"jitcy run: {exc}", file=sys.stderr)
        return 1
    try:
        return _execute(code, main_globals)
    finally:
        if stats:
            print_stats(sys.stderr)


class _ProgramNotFound(Exception):
    pass


def _is_zip(path) -> bool:
    import zipfile
    return zipfile.is_zipfile(path)


def _run_path_archive(path, args, include, exclude, threshold, stats) -> int:
    """A directory or zip with ``__main__.py``: runpy does what python does."""
    import runpy
    sys.argv[:] = [path, *args]
    importhook.install(include or None, exclude or None, threshold,
                       root=os.path.realpath(path) if os.path.isdir(path) else None)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as exc:        # noqa: B902 (the program's own error)
        return _report(exc)
    finally:
        if stats:
            print_stats(sys.stderr)
    return 0


def _prepare_script(script: str, args, hook):
    sys.argv[:] = [script, *args]
    path = os.path.abspath(script)          # python >= 3.9: the main script's __file__
    with tokenize.open(path) as f:          # honours the coding cookie, as python does
        source = f.read()
    loader = importlib.machinery.SourceFileLoader("__main__", path)
    main_globals = {"__name__": "__main__", "__doc__": None, "__file__": path,
                    "__cached__": None, "__loader__": loader, "__package__": None,
                    "__spec__": None}
    return _compile(source, path, hook.wants("__main__", path)), main_globals


def _prepare_module(name: str, args, hook):
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        raise _ProgramNotFound(f"Error while finding module specification for {name!r} "
                               f"({type(exc).__name__}: {exc})") from None
    if spec is None:
        raise _ProgramNotFound(f"No module named {name}")
    if spec.submodule_search_locations is not None:      # a package: run its __main__
        main_name = name + ".__main__"
        try:
            spec = importlib.util.find_spec(main_name)
        except ImportError:
            spec = None
        if spec is None:
            raise _ProgramNotFound(f"No module named {main_name}; {name!r} is a package "
                                   f"and cannot be directly executed")
        name = main_name
    loader = spec.loader
    if isinstance(loader, importhook._Loader):
        loader = spec.loader = loader._loader
    if loader is None or not hasattr(loader, "get_code"):
        raise _ProgramNotFound(f"No code object available for {name}")
    source = None
    try:
        source = loader.get_source(name)
    except (ImportError, AttributeError):
        pass
    filename = spec.origin
    sys.argv[:] = [filename, *args]
    main_globals = {"__name__": "__main__", "__doc__": None, "__file__": filename,
                    "__cached__": spec.cached, "__loader__": loader,
                    "__package__": spec.parent, "__spec__": spec}
    if source is None:
        return loader.get_code(name), main_globals
    watch = hook.wants(name, filename)
    return _compile(source, filename, watch), main_globals


def _compile(source: str, filename: str, watch: bool):
    tree = ast.parse(source, filename)
    if watch:
        _add_watch_decorators(tree.body)
    return compile(tree, filename, "exec", dont_inherit=True)


def _add_watch_decorators(body) -> None:
    """``@__import__('jitcy.runner').runner.watch_main`` on every module-level def/class."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            anchor = node.decorator_list[0] if node.decorator_list else node
            deco = ast.Attribute(
                value=ast.Attribute(
                    value=ast.Call(func=ast.Name("__import__", ast.Load()),
                                   args=[ast.Constant("jitcy.runner")], keywords=[]),
                    attr="runner", ctx=ast.Load()),
                attr="watch_main", ctx=ast.Load())
            for sub in ast.walk(deco):
                ast.copy_location(sub, anchor)
                sub.end_lineno, sub.end_col_offset = anchor.lineno, anchor.col_offset
            node.decorator_list.insert(0, deco)
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                _add_watch_decorators(getattr(node, field, []) or [])
            for handler in getattr(node, "handlers", []):
                _add_watch_decorators(handler.body)
        elif sys.version_info >= (3, 11) and isinstance(node, ast.TryStar):
            for field in ("body", "orelse", "finalbody"):
                _add_watch_decorators(getattr(node, field, []) or [])
            for handler in node.handlers:
                _add_watch_decorators(handler.body)


def watch_main(obj):
    """The decorator the runner adds in the main module: watch ``obj`` and return it."""
    try:
        main = sys.modules.get("__main__")
        hook = next(iter(importhook._hooks), None)
        filename = getattr(main, "__file__", None)
        if hook is not None and filename:
            importhook.watch_objects([obj], "__main__", filename, hook)
    except Exception as exc:
        from . import errors
        errors.internal_error(exc, "runner")
    return obj


def _execute(code, main_globals) -> int:
    main = types.ModuleType("__main__")
    main.__dict__.update(main_globals)
    main.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as exc:        # noqa: B902 (the program's own error)
        return _report(exc)
    return 0


def _report(exc: BaseException) -> int:
    """Print the program's traceback as python would (without jitcy's frames)."""
    _strip_jitcy_frames(exc, set())
    sys.excepthook(type(exc), exc, exc.__traceback__)
    if isinstance(exc, KeyboardInterrupt):
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return 1


_JITCY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")


def _is_jitcy_frame(code: types.CodeType) -> bool:
    filename = code.co_filename
    return (filename.startswith(_JITCY_DIR) or filename.startswith("<jitcy")
            or compat.is_trampoline(code))


def _strip_jitcy_frames(exc: BaseException, seen: set) -> None:
    """Unlink jitcy's frames from the traceback of ``exc`` and of the exceptions chained
    to it (tracebacks are linked lists whose ``tb_next`` is writable)."""
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    tb = exc.__traceback__
    kept = []
    while tb is not None:
        # (an entry made by jitcy's traceback fixing, tb_lasti -1, is the user's function
        # run compiled: its frame is the trampoline's)
        if tb.tb_lasti == -1 or not _is_jitcy_frame(tb.tb_frame.f_code):
            kept.append(tb)
        tb = tb.tb_next
    if kept:
        for first, second in zip(kept, kept[1:]):
            first.tb_next = second
        kept[-1].tb_next = None
        exc.__traceback__ = kept[0]
    _strip_jitcy_frames(exc.__cause__, seen)
    _strip_jitcy_frames(exc.__context__, seen)


def print_stats(stream) -> None:
    """The ``--stats`` table: the functions that got hot (``jitcy.report()``'s columns)."""
    from . import decorator, insight
    every = decorator.stats()
    hot = {name: st for name, st in every.items()
           if st["state"] not in ("cold", "profiling", "ignored")
           or st["calls"] >= st.get("threshold", 1 << 62)}
    watched = sum(h.watched for h in importhook._hooks)
    stream.write(f"\njitcy: {len(hot)} function(s) got hot ({watched} watched, "
                 f"{len(every)} called)\n")
    if hot:
        stream.write(insight.format_report(hot))
