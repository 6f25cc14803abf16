"""Every name jitcy generates lives here, so no generated name can collide with a user's.

Python identifiers starting with ``__jitcy_`` are reserved by jitcy: the analyzer refuses a
function whose source uses one (so a user name can never shadow a generated one).
"""
from __future__ import annotations

#: Prefix of every generated identifier inside a ``.pyx`` module.
PREFIX = "__jitcy_"

#: Prefix of generated extension module names (``_jitcy_<key>``); the key makes it unique.
MODULE_PREFIX = "_jitcy_"

#: How many hex digits of the cache key go into a module name.
MODULE_KEY_DIGITS = 32

# Names inside a generated module.
BINDING_CLASS = PREFIX + "Binding"     # per-function state: globals, cells, fallback, caches
BINDING_ARG = PREFIX + "b"             # the binding, first argument of every generated function
ENTRY = PREFIX + "entry"               # def: guard + convert + call the typed implementation
IMPL_C = PREFIX + "impl_c"             # cdef: the body with C integers (pure functions only)
IMPL_OBJ = PREFIX + "impl_obj"         # cdef: the body with integers kept as Python objects
GLOBAL_GET = PREFIX + "global_get"     # live lookup in the user's module globals, then builtins
GLOBAL_SET = PREFIX + "global_set"
GLOBAL_DEL = PREFIX + "global_del"
CELL_GET = PREFIX + "cell_get"         # read a free variable's cell (NameError when empty)
CELL_SET = PREFIX + "cell_set"
SELF_BOUND = PREFIX + "self_bound"     # is the global name still bound to the compiled function?
MAKE_BINDING = PREFIX + "make_binding"
BUILTINS_OK = PREFIX + "builtins_ok"   # does the module still not shadow the bare builtins?
DEOPT = PREFIX + "deopt"               # leave the C-int body; the entry re-runs with objects
DEOPT_ERROR = PREFIX + "Deopt"
INPLACE = PREFIX + "inplace"           # x op= y for globals and cells, with in-place semantics
ABS_LL = PREFIX + "abs_ll"             # abs() of a C long long, OverflowError at the minimum
AS_OBJECT = PREFIX + "obj"             # a C value as a Python object (Python arithmetic)
FLOAT_DIV = PREFIX + "fdiv"            # float true division with Python's error message
TEMP = PREFIX + "t"                    # temporaries

# Placeholders in the trampoline template; replaced in co_consts by real objects.
TRAMPOLINE_TARGET = "__jitcy_target__"
TRAMPOLINE_STATE = "__jitcy_state__"


def module_name(key: str) -> str:
    """Extension module name for a cache key (``PyInit_<name>`` derives from it)."""
    return MODULE_PREFIX + key[:MODULE_KEY_DIGITS]


def is_reserved(identifier: str) -> bool:
    return identifier.startswith(PREFIX)
