"""The analyzer's output: jitcy's small IR (the AST, a type per local, the names used).

Types are short strings. ``int`` is a Python int (unbounded); whether it becomes a C
integer is decided by :attr:`TypedFunction.c_ints`, never by the type alone.
"""
from __future__ import annotations

import ast
import dataclasses

INT, FLOAT, BOOL, STR, BYTES = "int", "float", "bool", "str", "bytes"
LIST, DICT, TUPLE, SET, NONE, OBJECT = "list", "dict", "tuple", "set", "none", "object"

#: Observed Python types that a specialization guards on (exact type checks), by name.
GUARDED = {int: INT, float: FLOAT, bool: BOOL, str: STR, bytes: BYTES,
           list: LIST, dict: DICT, tuple: TUPLE, set: SET}
#: Types that can live in a C variable (given ``c_ints`` for INT).
C_SCALARS = frozenset({INT, FLOAT, BOOL})
#: Builtin containers, declared as their exact Cython builtin type.
CONTAINERS = frozenset({STR, BYTES, LIST, DICT, TUPLE, SET})


def normalize_types(raw: tuple) -> tuple:
    """Observed argument types -> the types a specialization is built and guarded for.
    Anything jitcy does not type stays ``object`` (accepted without a guard)."""
    return tuple(t if t in GUARDED else object for t in raw)


def join(a: str | None, b: str | None) -> str | None:
    """Join of two inferred types; None is 'no assignment seen yet'."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    return OBJECT


@dataclasses.dataclass
class TypedFunction:
    node: ast.FunctionDef          # decorators stripped, user's line numbers
    filename: str
    qualname: str
    name: str                      # the function's name (global name for self-recursion)
    params: tuple                  # parameter names in trampoline order
    arg_types: tuple               # normalized observed Python types, one per param
    types: dict                    # every local and parameter -> inferred type
    return_type: str
    locals: frozenset              # names local to the function (parameters included)
    freevars: tuple                # code.co_freevars, in cell order
    global_names: frozenset        # names read/written in the module's globals
    builtin_names: frozenset       # builtins used and not shadowed by the module
    declared_global: frozenset     # names in 'global' statements
    c_ints: bool                   # ints are C long long (pure function, overflow -> rerun)
    self_recursive: bool           # calls itself through its global name
    notes: list = dataclasses.field(default_factory=list)   # (line, why it stays slow)
    maybe_unbound: frozenset = frozenset()   # locals some path may read before assignment
    nogil_blocks: dict = dataclasses.field(default_factory=dict)   # `with jitcy.nogil():` line
    #                -> None (compiled without the GIL) or why it keeps the GIL

    def expression_typer(self):
        """A function: AST expression -> inferred type, by the analyzer's rules."""
        from .infer_types import ExpressionTyper
        typer = ExpressionTyper(self.types, self.name, self.builtin_names, self.locals)
        typer.return_type = self.return_type
        return typer.expr

    def c_type(self, name: str) -> str:
        """The Cython declaration type for a local or parameter ('object' if none)."""
        t = self.types.get(name, OBJECT)
        if t == INT:
            return "long long" if self.c_ints else "object"
        return {FLOAT: "double", BOOL: "bint"}.get(t, t if t in CONTAINERS else "object")
