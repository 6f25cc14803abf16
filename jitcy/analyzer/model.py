"""The analyzer's output: jitcy's small IR (the AST, a type per local, the names used).

Types are short strings. ``int`` is a Python int (unbounded); whether it becomes a C
integer is decided by :attr:`TypedFunction.c_ints`, never by the type alone.
"""
from __future__ import annotations

import ast
import dataclasses
import sys

from ..profiler.arrays import ArrayType, TupleType

INT, FLOAT, BOOL, STR, BYTES = "int", "float", "bool", "str", "bytes"
LIST, DICT, TUPLE, SET, NONE, OBJECT = "list", "dict", "tuple", "set", "none", "object"

#: Observed Python types that a specialization guards on (exact type checks), by name.
GUARDED = {int: INT, float: FLOAT, bool: BOOL, str: STR, bytes: BYTES,
           list: LIST, dict: DICT, tuple: TUPLE, set: SET}
#: Types that can live in a C variable (given ``c_ints`` for INT).
C_SCALARS = frozenset({INT, FLOAT, BOOL})
#: Builtin containers, declared as their exact Cython builtin type.
CONTAINERS = frozenset({STR, BYTES, LIST, DICT, TUPLE, SET})
#: NumPy scalars (what the interpreter's ``a[i]`` gives for a float64/int64/int32 array, and
#: ``np.bool_`` from comparing them): held in C, boxed as the NumPy type where they escape
#: (analyzer/npscalars.py, translator/rewrite_scalars.py). ``float|float64`` is a C double
#: whose kind (Python float or np.float64) is known only at run time: ``s = 0.0`` joined
#: with ``s += a[i]``.
F8, I8, I4, B1 = "float64", "int64", "int32", "bool_"
FLOAT_OR_F8 = "float|float64"
NUMPY_SCALARS = frozenset({F8, I8, I4, B1, FLOAT_OR_F8})


@dataclasses.dataclass(frozen=True)
class CalleeSig:
    """A module global that was a compiled function when this one was compiled: calls to
    it with arguments of its guarded types become direct C calls (translator/emit_calls.py)."""
    name: str
    index: int                 # its slot in the binding's links
    c_ret: str                 # C return type of its exported entry (double, bint, object)
    c_params: tuple            # C parameter types of that entry
    guard_types: tuple         # type strings each argument must have (object: any)
    return_type: str           # the type string of what it returns
    inline: str | None = None  # its pure body as an inline function callers may copy
    inline_builtins: tuple = ()   # builtins that body compiled natively (not shadowed)
    inline_known: tuple = ()      # (name, target) of its known globals (math, math.sqrt)
    inline_fast: str | None = None   # that body without checks, for small int arguments


def direct_callee(callees: dict, node, arg_types, locals_):
    """The compiled function a call ``g(args)`` reaches directly (translator/emit_calls.py),
    if its arguments have exactly the types it was compiled and guarded for; else None."""
    func = node.func
    callee = callees.get(func.id) if isinstance(func, ast.Name) else None
    if (callee is None or func.id in locals_ or node.keywords
            or len(node.args) != len(callee.guard_types)
            or any(isinstance(a, ast.Starred) for a in node.args)):
        return None
    if any(g != OBJECT and a != g for a, g in zip(arg_types, callee.guard_types)):
        return None
    return callee


def normalize_types(raw: tuple) -> tuple:
    """Observed argument types -> the types a specialization is built and guarded for.
    Anything jitcy does not type stays ``object`` (accepted without a guard); so do the
    items of a :class:`TupleType`, and one with no typed item is a plain ``tuple``."""
    return tuple(_normalize(t) for t in raw)


def _normalize(t):
    if isinstance(t, TupleType):
        items = tuple(item if item in GUARDED else object for item in t.items)
        return tuple if all(item is object for item in items) else TupleType(items)
    return t if t in GUARDED or _typed_array(t) else object


def observed_type(t) -> str:
    """The analyzer's type string for a normalized observed type (a :class:`TupleType` is a
    ``tuple``: its item types are :func:`tuple_items`)."""
    if isinstance(t, ArrayType):
        return f"{ARRAY}{t.dtype}:{t.ndim}:{'C' if t.contiguous else 'S'}"
    if isinstance(t, TupleType):
        return TUPLE
    return GUARDED.get(t, OBJECT)


def is_enumerate(loop) -> bool:
    """``for i, x in enumerate(one_iterable)`` (a builtin enumerate is checked by the
    typer: a shadowed one is a global, and the counter is then typed like any call)."""
    it, target = loop.iter, loop.target
    return (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate"
            and len(it.args) == 1 and not it.keywords and not isinstance(it.args[0], ast.Starred)
            and isinstance(target, ast.Tuple) and len(target.elts) == 2
            and isinstance(target.elts[0], ast.Name))


def unpacks_tuple_parameter(target, value, items: dict) -> bool:
    """``i, u = i_u``: one flat target per item of a tuple parameter whose length and item
    types the entry guards (``items``: TypedFunction.tuple_items), so the unpacking cannot
    fail and runs no user code."""
    return (isinstance(value, ast.Name) and value.id in items
            and isinstance(target, (ast.Tuple, ast.List))
            and len(target.elts) == len(items[value.id])
            and not any(isinstance(e, (ast.Starred, ast.Tuple, ast.List)) for e in target.elts))


def unpacked_items(node, items: dict) -> dict:
    """local -> (parameter, item index) for each target of an unpacking of a guarded tuple
    parameter (:func:`unpacks_tuple_parameter`) in ``node``'s own body."""
    out = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and unpacks_tuple_parameter(
                sub.targets[0], sub.value, items):
            for k, elt in enumerate(sub.targets[0].elts):
                if isinstance(elt, ast.Name):
                    out.setdefault(elt.id, (sub.value.id, k))
    return out


def tuple_items(t) -> tuple | None:
    """The type strings of the items of a normalized :class:`TupleType`, else None."""
    if isinstance(t, TupleType):
        return tuple(GUARDED.get(item, OBJECT) for item in t.items)
    return None


# -- NumPy arrays --------------------------------------------------------------------------
#: Type strings of array parameters start with this: ``array:<f8:2:C`` is a float64 2-d
#: C-contiguous array (``S``: any strides). Such a parameter stays the ndarray object; the
#: translator adds a typed memoryview of it for element access and ``shape``.
ARRAY = "array:"
_NATIVE = "<" if sys.byteorder == "little" else ">"
#: dtype.str -> (Cython element type, element type string: the NumPy scalar a read gives,
#: format characters, itemsize). Other dtypes (float32, float16, the small and unsigned
#: integers, bool, complex) stay objects: NumPy computes on their scalars.
ARRAY_DTYPES = {_NATIVE + "f8": ("double", F8, "d", 8), _NATIVE + "i8": ("int64_t", I8, "lq", 8),
                _NATIVE + "i4": ("int32_t", I4, "i", 4)}
MAX_ARRAY_NDIM = 8


def _typed_array(t) -> bool:
    return (isinstance(t, ArrayType) and t.dtype in ARRAY_DTYPES
            and 1 <= t.ndim <= MAX_ARRAY_NDIM and _numpy_2())


def _numpy_2() -> bool:
    """Is the NumPy that made the observed arrays NumPy 2 or later? The types of operations
    on its scalars follow NEP 50 (NumPy 1's value-based casting gives other types): with
    NumPy 1 arrays stay plain objects. NumPy is already imported when an array was seen."""
    numpy = sys.modules.get("numpy")
    version = getattr(numpy, "__version__", "0")
    return version.split(".")[0].isdigit() and int(version.split(".")[0]) >= 2


@dataclasses.dataclass(frozen=True)
class ArrayInfo:
    c_element: str      # C element type
    element: str        # type string of one element (F8, I8 or I4: a NumPy scalar)
    formats: str        # buffer-protocol format characters of this dtype (native order)
    itemsize: int
    ndim: int
    contiguous: bool    # the last axis has unit stride (the guard checks it)


def array_info(type_string) -> ArrayInfo | None:
    """The memoryview facts of an array type string, None for any other type."""
    if not isinstance(type_string, str) or not type_string.startswith(ARRAY):
        return None
    dtype, ndim, layout = type_string[len(ARRAY):].rsplit(":", 2)
    return ArrayInfo(*ARRAY_DTYPES[dtype], int(ndim), layout == "C")


def join(a: str | None, b: str | None) -> str | None:
    """Join of two inferred types; None is 'no assignment seen yet'."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    if a in _FLOATISH and b in _FLOATISH:
        return FLOAT_OR_F8          # a C double with a run-time kind (see NUMPY_SCALARS)
    return OBJECT


_FLOATISH = frozenset({FLOAT, F8, FLOAT_OR_F8})


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
    pure: bool = False             # runs no user code and changes nothing outside its
    #                                locals (analyzer/purity.py): re-running it repeats nothing
    callees: dict = dataclasses.field(default_factory=dict)  # name -> CalleeSig (direct calls)
    maybe_unbound: frozenset = frozenset()   # locals some path may read before assignment
    nogil_blocks: dict = dataclasses.field(default_factory=dict)   # `with jitcy.nogil():` line
    #                -> None (compiled without the GIL) or why it keeps the GIL
    known_globals: dict = dataclasses.field(default_factory=dict)  # name -> 'math', 'math.sqrt'
    chars: frozenset = frozenset()   # str loop variables held as Py_UCS4 (chars.py)
    nonneg: frozenset = frozenset()  # locals never negative (signs.py): x ** 0.5 is a float
    generator: bool = False          # a generator function (its body: a Cython generator)
    speculated: bool = False         # list/tuple elements are floats, checked at each read
    #                                  (pure bodies only: a miss re-runs the original code)
    int_starts: frozenset = frozenset()   # float locals that start as an int literal
    #                                  (analyzer/int_starts.py; pure, speculated bodies)
    depth_bound: tuple | None = None    # (index, offset): a self-recursive pure body nests
    #                        at most params[index] + offset levels (analyzer/recursion.py)
    tuple_items: dict = dataclasses.field(default_factory=dict)   # tuple parameter -> the
    #                        types of its items, guarded at the entry (never rebound)
    counters: dict = dataclasses.field(default_factory=dict)   # C loop counters of a body
    #                        that is not pure: name -> (lo, hi), see analyzer/ranges.py
    global_sites: list = dataclasses.field(default_factory=list)   # filled by the translator:
    #                        (name, C type) of a cache per global read or attribute site
    local_sites: list = dataclasses.field(default_factory=list)    # (name, C type) of the
    #                        body's own C locals the translator adds (method call flags)
    method_programs: dict = dataclasses.field(default_factory=dict)   # name -> the
    #                        MethodProgram of calls obj.name() (method_programs.py)
    probes: dict = dataclasses.field(default_factory=dict)   # filled by the translator:
    #                        method name -> (C name, extern text) of its program's C

    def int_interval(self, node):
        """(lo, hi) of an int expression whose every value fits a long long, else None."""
        from .ranges import interval
        return interval(node, self.counters, self.builtin_names,
                        lambda e: getattr(e, "_jitcy_type", OBJECT))

    def expression_typer(self):
        """A function: AST expression -> inferred type, by the analyzer's rules."""
        from .infer_types import ExpressionTyper
        typer = ExpressionTyper(self.types, self.name, self.builtin_names, self.locals,
                                self.known_globals)
        typer.nonneg_names = self.nonneg
        typer.speculate = self.speculated
        typer.tuple_items = self.tuple_items
        typer.return_type = self.return_type
        typer.callees = self.callees
        return typer.expr

    def describe(self) -> str:
        """Each local's inferred type (and its C declaration), then each line that stays
        slow with the reason: the typing result, for people (``jitcy.explain`` renders
        ``types`` and ``notes`` its own way)."""
        lines = [f"{self.qualname} ({self.filename}:{self.node.lineno}), arguments "
                 f"{', '.join(t.__name__ for t in self.arg_types) or 'none'}; ints are "
                 f"{'C long long (pure: re-run on overflow)' if self.c_ints else 'Python ints'}"
                 f"{' except the C integers marked below' if self.counters else ''}"]
        for name in sorted(self.types):
            extra = (" (C integer in %d..%d)" % self.counters[name]
                     if name in self.counters else "")
            lines.append(f"  {name}: {self.types[name]} -> {self.c_type(name)}{extra}")
        lines.append(f"  return: {self.return_type}")
        lines += [f"  line {line}: {why}" for line, why in self.notes]
        return "\n".join(lines)

    def math_function(self, func) -> str | None:
        """'sqrt' for ``math.sqrt`` or ``sqrt`` bound to the math module's function."""
        from .infer_types import ExpressionTyper
        return ExpressionTyper({}, self.name, self.builtin_names, self.locals,
                               self.known_globals).math_function(func)

    def c_type(self, name: str) -> str:
        """The Cython declaration type for a local or parameter ('object' if none)."""
        t = self.types.get(name, OBJECT)
        if t == INT:
            return "long long" if self.c_ints or name in self.counters else "object"
        if t == STR and name in self.chars:
            return "Py_UCS4"
        return _C_TYPES.get(t, t if t in CONTAINERS else "object")


#: C declaration of the types held in C whatever the function (ints: see c_type).
_C_TYPES = {FLOAT: "double", BOOL: "bint", F8: "double", FLOAT_OR_F8: "double",
            I8: "long long", I4: "long long", B1: "bint"}
