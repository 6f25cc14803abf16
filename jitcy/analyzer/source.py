"""Find a function's source, parse it, strip decorators, and check it is the running code.

>>> def twice(x):
...     return 2 * x
>>> node, filename = function_ast(twice)   # doctest: +SKIP
>>> node.name, node.decorator_list
('twice', [])

Line numbers in the returned tree are the user's file lines. The check compiles the
stripped ``def`` (inside a scope that gives it the same free variables) and compares the
bytecode, names and constants with ``func.__code__``: if the file changed since it was
imported, or the source is a lookalike, we refuse rather than compile the wrong thing.
"""
from __future__ import annotations

import ast
import copy
import inspect
import linecache
import symtable
import types
import warnings

from ..errors import SourceUnavailable


def function_ast(func: types.FunctionType, code: types.CodeType | None = None):
    """``(ast.FunctionDef, filename)`` for ``func`` (its original ``code``)."""
    code = code or func.__code__
    filename = code.co_filename
    try:
        lines, first = inspect.findsource(code)
        block = inspect.getblock(lines[first:])
    except (OSError, TypeError, IndexError) as exc:
        raise SourceUnavailable(f"no source for {func.__qualname__}: {exc}", filename,
                                code.co_firstlineno) from None
    text = "".join(block)
    indented = text[:1].isspace()
    try:
        tree = ast.parse("if 1:\n" + text if indented else text)
    except SyntaxError as exc:
        raise SourceUnavailable(f"the source of {func.__qualname__} does not parse: {exc.msg}",
                                filename, code.co_firstlineno) from None
    body = tree.body[0].body if indented else tree.body
    node = body[0] if body else None
    if isinstance(node, ast.AsyncFunctionDef) or not isinstance(node, ast.FunctionDef):
        raise SourceUnavailable(f"the source at {filename}:{first + 1} is not a plain 'def' "
                                f"(lambdas and async functions are not compiled)",
                                filename, first + 1)
    ast.increment_lineno(node, first - (1 if indented else 0))
    node.decorator_list = []
    try:
        _check_matches(node, code, filename)
    except SourceUnavailable:
        # A method's private names (``self.__size``) were mangled by the compiler in the
        # class body (``self._Cache__size``); compiled on its own they would not be. Mangle
        # them as the class did and check again: the bytecode comparison decides.
        mangled = _mangled(node, _class_of(func.__qualname__))
        if mangled is None:
            raise
        _check_matches(mangled, code, filename)
        node = mangled
    return node, filename


def _class_of(qualname: str) -> str | None:
    """The class whose body defined a function of this qualified name, or None."""
    parts = qualname.split(".")
    return parts[-2] if len(parts) >= 2 and parts[-2] != "<locals>" else None


def _mangled(node: ast.FunctionDef, class_name: str | None):
    """``node`` with every private identifier mangled as CPython mangles it in the body of
    class ``class_name`` (``__x`` -> ``_Class__x``; see ``_Py_Mangle``), or None if that
    changes nothing. The function's own name is left as it is (the code object keeps it)."""
    stripped = (class_name or "").lstrip("_")
    if not stripped:
        return None

    def mangle(name):
        if name and name.startswith("__") and not name.endswith("__") and "." not in name:
            return "_" + stripped + name
        return name

    node = copy.deepcopy(node)
    before = ast.dump(node)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            sub.id = mangle(sub.id)
        elif isinstance(sub, ast.Attribute):
            sub.attr = mangle(sub.attr)
        elif isinstance(sub, ast.arg):
            sub.arg = mangle(sub.arg)
        elif isinstance(sub, ast.keyword) and sub.arg:
            sub.arg = mangle(sub.arg)
        elif isinstance(sub, (ast.Global, ast.Nonlocal)):
            sub.names = [mangle(n) for n in sub.names]
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            sub.name = mangle(sub.name)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
                sub is not node):
            sub.name = mangle(sub.name)
        elif isinstance(sub, ast.alias) and sub.asname:
            sub.asname = mangle(sub.asname)
    return None if ast.dump(node) == before else node


def _compile_standalone(node: ast.FunctionDef, code: types.CodeType,
                        imported=()) -> types.CodeType:
    # Renamed, so that the wrapper does not bind the function's own name (a recursive call
    # must stay a global lookup, as in the module).
    node = copy.copy(node)
    node.name = "__jitcy_checked"
    free = code.co_freevars
    outer = ast.parse("def __jitcy_outer():\n    pass\n").body[0]
    outer.body = ([ast.parse(" = ".join(free) + " = None").body[0]] if free else []) + [node]
    # CPython compiles ``mod.f()`` as LOAD_ATTR, not LOAD_METHOD, when the module binds
    # ``mod`` by an import: the same imports (never executed) give the same bytecode.
    imports = [ast.Import(names=[ast.alias(name=n)]) for n in sorted(imported)]
    module = ast.Module(body=imports + [outer], type_ignores=[])
    ast.fix_missing_locations(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = compile(module, code.co_filename, "exec", dont_inherit=True,
                           flags=code.co_flags & _FUTURE_FLAGS)
    outer_code = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    return next(c for c in outer_code.co_consts if isinstance(c, types.CodeType))


def _module_imports(filename: str) -> set:
    """Names the module binds with an import statement (its symbol table's view)."""
    try:
        table = symtable.symtable("".join(linecache.getlines(filename)), filename, "exec")
    except (SyntaxError, ValueError):
        return set()
    return {sym.get_name() for sym in table.get_symbols() if sym.is_imported()}


_FUTURE_FLAGS = 0
for _feature in ("annotations", "generator_stop", "barry_as_FLUFL"):
    _FUTURE_FLAGS |= getattr(__import__("__future__"), _feature).compiler_flag


def _shape(code: types.CodeType):
    consts = tuple(_shape(c) if isinstance(c, types.CodeType) else (type(c), repr(c))
                   for c in code.co_consts)
    return (code.co_code, code.co_names, code.co_varnames, code.co_freevars,
            code.co_cellvars, code.co_argcount, code.co_kwonlyargcount, consts)


def _check_matches(node: ast.FunctionDef, code: types.CodeType, filename: str) -> None:
    try:
        recompiled = _compile_standalone(node, code, _module_imports(filename))
    except SyntaxError as exc:
        raise SourceUnavailable(f"the source of {code.co_name} does not compile on its own: "
                                f"{exc.msg}", filename, node.lineno) from None
    if _shape(recompiled) != _shape(code):
        linecache.checkcache(filename)
        raise SourceUnavailable(
            f"the source of {code.co_name} in {filename} does not match the running code "
            f"(was the file edited after import?)", filename, node.lineno)
