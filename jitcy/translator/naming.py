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
ENTRY_C = PREFIX + "entry_c"           # cdef: what ENTRY does (ENTRY and FAST call it)
FAST = PREFIX + "fast"                 # C: ENTRY_C for calls through the function's vectorcall
FAST_TARGET = PREFIX + "fast_target"   # C: ENTRY_C's address, which FAST calls
FAST_EXPORT = PREFIX + "FAST"          # module global: capsule of FAST (the trampoline's info)
INSTALL_VECTORCALL = PREFIX + "install_vectorcall"   # def: the function's calls from C go to FAST
TRY_ALTS = PREFIX + "try_alts"         # C: a guard miss tries the binding's other signatures
ALT_ARGV = PREFIX + "argv"             # ENTRY_C's arguments as an array, for TRY_ALTS
ALT_RESULT = PREFIX + "alt_r"          # TRY_ALTS's result (the alts tuple itself: no match)
IMPL_C = PREFIX + "impl_c"             # cdef: the body with C integers (pure functions only)
IMPL_OBJ = PREFIX + "impl_obj"         # cdef: the body with ints as Python objects (impure functions)
IMPL_GEN = PREFIX + "impl_gen"         # def: a generator function's body (a Cython generator)
IMPL_BOUNDED = PREFIX + "impl_b"       # cdef: IMPL_C without the depth count (analyzer/recursion.py)
GLOBAL_GET = PREFIX + "global_get"     # live lookup in the user's module globals, then builtins
GLOBAL_SITE = PREFIX + "gs"           # + n: the cache of global read n (module-level C struct)
GLOBAL_CACHE = PREFIX + "gcache"      # its C struct type
ATTR_GET = PREFIX + "ga"              # obj.name with a per-site cache (3.11 layouts)
ATTR_SET = PREFIX + "sa"              # obj.name = value, likewise
ATTR_AUG = PREFIX + "aa"              # obj.name op= value (obj any expression), likewise
ATTR_SITE = PREFIX + "as"             # + n: the cache of attribute site n
ATTR_CACHE = PREFIX + "acache"       # its C struct type
METHOD_LOOKUP = PREFIX + "lm"         # obj.m(...): the method, looked up first (cached)
METHOD_LOOKUP_NOARGS = PREFIX + "lm0"  # obj.m(): ... or a trivial method's result
METHOD_LOOKUP_PROBE = PREFIX + "lm0p"  # obj.m(), m's program written as C for the site
METHOD_PROBE = PREFIX + "mp"          # + n: that C (translator/method_probes.py)
METHOD_CALL = PREFIX + "cm"           # + N: ... then called with obj and N arguments
METHOD_SITE = PREFIX + "ms"           # + n: the cache of method site n
METHOD_CACHE = PREFIX + "mcache"     # its C struct type
METHOD_FLAG = PREFIX + "mf"           # + n: body local: does site n pass obj?
METHOD_RECEIVER = PREFIX + "mr"       # + n: body local: the object of site n, when it is
#                                       not a local (held from the lookup to the call)
METHOD_RESULT = PREFIX + "mres"       # (call, mr := None): the call's result, the object let go
CALL_ANY = PREFIX + "call"            # + N: f(N arguments), classes made directly
CALL_SITE = PREFIX + "cs"             # + n: the cache of call site n
CALL_CACHE = PREFIX + "ccache"       # its C struct type
MAX_FAST_ARGS = 8                     # calls with more arguments stay Cython's
FLEX_DOUBLE = PREFIX + "fd_"          # + local: the double beside a flex local
#                                        (flex_support.py: floats held unboxed)
FLEX_TEMP = PREFIX + "ft"             # + n: the double of a nested flex operation
FLEX_OP = PREFIX + "fx_"              # + op_KINDS: a flex operation
FLEX_BOX = PREFIX + "fbox"            # a flex value as a Python object
FLEX_FROM = PREFIX + "ffrom"          # a C double stored in a flex local
FLEX_VALUE = PREFIX + "fx_value_F"   # a flex operand as a C double (PyFloat_AsDouble)
FLEX_ITEM = PREFIX + "fx_item"         # o[i] as a flex operand: a float item read borrowed
FLEX_SET_ITEM = PREFIX + "fset_item_F"   # o[i] = a flex value: an exact list's float item
#                                          updated in place when only the list holds it
BLOCK_DONE = PREFIX + "bd"             # + n: how many statements of float block n ran in C
BLOCK_TEMP = PREFIX + "bt"             # + n: a checked divisor or power of a float block
BLOCK_LIST = PREFIX + "bk_list"        # float blocks (float_blocks.py): a list's items are floats
BLOCK_LOAD = PREFIX + "bk_load"        # ... a flex local holds a float: its value in its double
BLOCK_ITEM = PREFIX + "bk_item"        # ... a checked float item, read borrowed
BLOCK_STORE = PREFIX + "bk_store"      # ... a float stored into a checked item
BLOCK_DIV = PREFIX + "bk_div"          # ... float / by a divisor checked nonzero before
BLOCK_POW = PREFIX + "bk_pow"          # ... float ** in C, NaN where the interpreter's differs
BLOCK_MARKER = PREFIX + "bk_marker"    # ... the flex marker: the local's value is its double
RECURSION_BUDGET = PREFIX + "rem"    # C-int recursion: levels left, passed down as an argument
RECURSION_LEFT = PREFIX + "levels_left"   # ... the thread's own budget, taken by the entry
HELD_FLOAT = PREFIX + "pf_"          # + parameter: the double of a float parameter kept
#                                        as its object (rewrite_flex.held_float_params)
GLOBAL_SET = PREFIX + "global_set"
GLOBAL_DEL = PREFIX + "global_del"
CELL_GET = PREFIX + "cell_get"         # read a free variable's cell (NameError when empty)
CELL_SET = PREFIX + "cell_set"
SELF_BOUND = PREFIX + "self_bound"     # is the global name still bound to the compiled function?
MAKE_BINDING = PREFIX + "make_binding"
BUILTINS_OK = PREFIX + "builtins_ok"   # does the module still not shadow the bare builtins?
DEOPT = PREFIX + "deopt"               # leave the C-int body; the entry re-runs the original code
DEOPT_ERROR = PREFIX + "Deopt"
INPLACE = PREFIX + "inplace"           # x op= y for globals and cells, with in-place semantics
ABS_LL = PREFIX + "abs_ll"             # abs() of a C long long, OverflowError at the minimum
AS_OBJECT = PREFIX + "obj"             # a C value as a Python object (Python arithmetic)
ZERO_DIVISION_MESSAGE = PREFIX + "zero_division_message"   # the interpreter's own words
FREE_FORMAT = PREFIX + "free_format"   # ... for an empty free variable
MAKE_UNPACKER = PREFIX + "make_unpacker"   # unpacking compiled by the interpreter
FLOAT_DIV = PREFIX + "fdiv"            # float true division with Python's error message
FLOAT_DIV_NZ = PREFIX + "fdiv_nz"      # ... by a divisor proven nonzero (analyzer/raise_free.py)
RANGE_STOP = PREFIX + "range_stop"     # stop of a C range loop whose last step could overflow
RANGE_COUNT = PREFIX + "range_count"   # how many values range(a, b, c) gives, c known at run time
RANGE_AT = PREFIX + "range_at"         # its k-th value (a + k * c, computed without overflow)
RANGE_TEMP = PREFIX + "rg"             # + n + a/b/c/k: the C locals of such a counted loop
MOD_LL = PREFIX + "mod_ll"             # int % of C long longs: no SIGFPE, Python's message
UNPACK = PREFIX + "unpack"             # a, b = value with the interpreter's checks and messages
UNPACK_TEMP = PREFIX + "u"             # temporaries of nested and loop unpacking
GENEXP_ITER = PREFIX + "gi"            # + n: a generator expression's first iterable
GENEXP_RESULT = PREFIX + "gx"          # + n: tuple(<it as a comprehension>) (rewrite_genexps)
GENEXP_ERROR = PREFIX + "gxe"          # + n: a StopIteration it raised
OBJECT_MUL = PREFIX + "mul"            # object * object through PyNumber_Multiply (see below)
OBJECT_IMUL = PREFIX + "imul"          # object *= object through PyNumber_InPlaceMultiply
OBJECT_ADD = PREFIX + "add"            # + with a Python operand through PyNumber_Add
OBJECT_IADD = PREFIX + "iadd"          # object += object through PyNumber_InPlaceAdd
ORD = PREFIX + "ord"                   # ord(): Cython's fast path only where it is right
CHR = PREFIX + "chr"                   # chr(): likewise
BUILTINS_MODULE = PREFIX + "builtins_module"   # the real builtins, out of Cython's sight
BUILTIN = PREFIX + "builtin"           # BUILTIN("getattr"): a builtin the module shadows
RAISABLE = PREFIX + "raisable"         # the operand of raise, checked with Python's message
NEVER = PREFIX + "never"               # a false condition Cython cannot see through
FIX_UNBOUND = PREFIX + "fix_unbound"   # Cython's UnboundLocalError message -> this Python's
SPEC_FLOAT = PREFIX + "spec_float"     # a list element speculated float: checked, else deopt
SPEC_NUMBER = PREFIX + "spec_number"   # ... read only as a float operand: a float or an exact int
SPEC_FLOAT_AT = PREFIX + "spec_float_at"     # spec_float of an item read borrowed
SPEC_NUMBER_AT = PREFIX + "spec_number_at"   # spec_number of an item read borrowed
IS_EXACT_FLOAT = PREFIX + "is_exact_float"   # PyFloat_CheckExact of a borrowed item
LIKELY = PREFIX + "likely"             # Cython's likely(): __builtin_expect(!!(x), 1)
FLOAT_VALUE = PREFIX + "float_value"   # PyFloat_AS_DOUBLE of a borrowed item (declared with it)
LIST_AT = PREFIX + "list_at"           # PyList_GET_ITEM: borrowed, unchecked (a loop's index)
TUPLE_AT = PREFIX + "tuple_at"         # PyTuple_GET_ITEM: likewise
SEQ_SIZE = PREFIX + "seq_size"         # Py_SIZE of the list or tuple a loop walks
SEQ_TEMP = PREFIX + "sq"               # + n: the list or tuple a speculated loop walks
SEQ_INDEX = PREFIX + "sk"              # + n: its index
DEOPT_DOUBLE = PREFIX + "deopt_double"   # leave a pure body where a double is expected
DEOPT_BINT = PREFIX + "deopt_bint"       # ... a bint (a pure callee no longer linked)
INT_START = PREFIX + "is_int_"         # + name: a float local still holds its int start
INT_START_READ = PREFIX + "int_start_read"   # its value where an int would differ: else deopt
FLOAT_POW = PREFIX + "fpow"            # float ** (not complex): C pow, Python's errors
MATH_C = PREFIX + "m_"                 # math_support: C math function with Python's errors
MATH_PY = PREFIX + "mpy_"              # math_support: its Python fallback (takes the GIL)
MATH_CONST = PREFIX + "mc_"            # math_support: math.pi & co, folded at import
MATH_LIBM = PREFIX + "c_"              # math_support: the libm function itself (cimported as)
MATH_SAFE = PREFIX + "msafe_"         # math_support: its argument gives no suspicious result
MATH_MODULE = PREFIX + "math_module"   # the math module, for the error paths
KNOWN_OK = PREFIX + "known_ok"         # are the known globals (math, sqrt...) still bound?
AS_DOUBLE = PREFIX + "as_double"       # object -> double (a rebound math function's result)
AS_BINT = PREFIX + "as_bint"
FIX_UNBOUND_CAUGHT = PREFIX + "fix_unbound_caught"   # the same, in the body's own handlers
LINES = PREFIX + "LINES"               # module global: .pyx line -> user's line (tracebacks)
LINE_MARK = "  # line "                # ends each body line of the .pyx: the user's line number
SAMPLED = PREFIX + "sampled"           # record the time of a sampled compiled call (stats)
PERF_COUNTER = PREFIX + "perf_counter"   # time.perf_counter, for the sampled calls
SAMPLE_T0 = PREFIX + "t0"              # entry local: start time of a sampled call (0: not sampled)
TRACING = PREFIX + "tracing"           # C check: is a trace/profile function set (pdb, coverage)?

CHECKED_NOGIL = PREFIX + "ll_"        # ll_add/ll_sub/ll_mul: C-int + - * inside `with nogil:`
#                                        (OverflowError taken with the GIL; Cython's own check
#                                        sets it without the GIL)
SNIPPET = PREFIX + "snippet"           # def: a jitcy.inline snippet's body, parameters C-typed
ARRAY_BUFFER = PREFIX + "buf_"        # + parameter: the Py_buffer of an array argument
ARRAY_DATA = PREFIX + "d_"             # + parameter: its data pointer (char*) in the body
ARRAY_SHAPE = PREFIX + "n_"            # + parameter + _axis: its shape
ARRAY_STRIDE = PREFIX + "s_"           # + parameter + _axis: its strides (bytes)
ARRAY_AT = PREFIX + "at"              # + ndim: address of an element (data, index, stride, ...)
ARRAY_LOAD = PREFIX + "ld_"            # + C element type: read one element at a char*
ARRAY_STORE = PREFIX + "st_"           # + C element type: write one
ARRAY_VIEW = PREFIX + "view"           # take an argument's buffer if it is of the guarded kind
ARRAY_INDEX = PREFIX + "ix"            # a C index of an array axis: wrapped, NumPy's IndexError
ARRAY_INDEX_OBJECT = PREFIX + "ixo"    # the same for a Python int index
NDARRAY = PREFIX + "ndarray"           # numpy.ndarray (modules with array arguments only)
ARRAY_INDEX_NONNEG = PREFIX + "ixn"    # an index proven >= 0 (analyzer/bounds.py): upper check only
# NumPy scalars held in C (rewrite_scalars.py, scalar_support.py)
NP_BASE = PREFIX + "np_base"           # marks the helpers that need numpy's scalar types
NP_FLOAT_OP = PREFIX + "nf_"           # + op: float64 arithmetic, NumPy's own when C could differ
NP_INT_OP = PREFIX + "ni_"             # + op: int64/int32 arithmetic, likewise
NP_BOX = PREFIX + "box_"               # + f8/ff8/i8/i4/b1: a C value as its NumPy scalar (escapes)
NP_UNBOX = PREFIX + "unbox_"           # + f8/int: an operation's result on objects, type-checked
NP_KIND = PREFIX + "k_"                # + local: True when a float|float64 local holds an np.float64
NP_AS_DOUBLE = PREFIX + "as_d"         # a C number as a C double (NumPy's comparisons, math)
NP_TRUTH = PREFIX + "c_bool"           # a C number's truth value, as a bint
NP_FAST_BASE = PREFIX + "fast_base"   # marks the fast loops' C support
NP_SLOW = PREFIX + "slow"              # fast_loops: the checked version of a loop must run
NP_SAVE = PREFIX + "sv"                # fast_loops: + n_local: a local saved before a fast loop
NP_ACC = PREFIX + "acc"                # fast_loops: + n: NaN once a watched value is not finite
NP_QUIET = PREFIX + "quiet"            # local: np.errstate ignores underflow (1), not (0), unknown (-1)
NP_QUIET_NOW = PREFIX + "np_quiet"     # read it (np.errstate's context variable, cached)
NP_FINITE = PREFIX + "finite"
NP_FUSED = PREFIX + "fv"               # a NumPy float expression computed in plain C, verified
NP_RAW_DIV = PREFIX + "rdiv"           # a / b in C, unchecked (fast loops: checked after)
INDEX_ERROR = PREFIX + "index_error"   # NumPy's own error for an int index past 64 bits
EXPORT = PREFIX + "EXPORT"             # module global: (capsule, C signature) of the C entry below
DIRECT = PREFIX + "DIRECT"             # module global: names of the callees it calls in C
LINKS_NEEDED = PREFIX + "LINKS_NEEDED" # module global: how many links its call helpers read
CEXPORT = PREFIX + "cexport"           # cdef: the entry for direct C calls from other modules
LINK_CLASS = PREFIX + "Link"           # one direct call target (func, code, binding, pointer)
SET_LINKS = PREFIX + "set_links"       # the pipeline binds a module's direct call targets
LINKED = PREFIX + "linked"             # may callee i be called in C right now?
TUPLE_ITEM = PREFIX + "tuple_item"     # PyTuple_GET_ITEM, borrowed (a binding's links)
CALL = PREFIX + "call_"                # + index: the direct call of callee i
CALL_TYPE = PREFIX + "fp_"             # + index: its function pointer type
INLINE = PREFIX + "inl_"               # + index: a small pure callee's C body, copied into
#                                        the caller's module (emit_calls.py: inline_text)
INLINE_TYPE = PREFIX + "inl_t"         # + index: that body as a pointer that propagates nothing
INLINE_FAST = PREFIX + "inlf_"         # + index: its copy without checks, for small int
#                                        arguments (analyzer/raise_free.py)
INLINE_NAMES = PREFIX + "inl_names"    # + index: the builtins it compiled natively
INLINE_KNOWN = PREFIX + "inl_known"    # + index: its known globals and their objects
INLINE_OK = PREFIX + "inline_ok"       # are they still what it was compiled for?
CALL_READY = PREFIX + "ready_"         # + index: a pure body checks callee i once per call:
#                                        its call counter's address, or NULL (not callable)
LINK_COUNTER = PREFIX + "lc"           # + index: that address, a local of the pure body
PURE_CALL = "_p"                       # CALL + index + this: the call after that check
FAST_FITS = "_fits"                    # CALL + index + this: may the site run the copy without checks?
CALLS_ADDRESS = PREFIX + "calls_address"   # a binding's compiled-call counter, for callers
#                                        that run the body inlined (jitcy.stats counts them)

# Placeholders in the trampoline template; replaced in co_consts by real objects.
TRAMPOLINE_TARGET = "__jitcy_target__"
TRAMPOLINE_STATE = "__jitcy_state__"
TRAMPOLINE_ON_ERROR = "__jitcy_on_error__"   # rewrites tracebacks of compiled code
TRAMPOLINE_ORIGINAL = "__jitcy_original__"
TRAMPOLINE_COUNTER = "__jitcy_counter__"       # the profiling trampoline's call countdown
#: Last item of the info tuple a swapped-in trampoline carries as its last constant
#: (compat.make_trampoline): (FAST capsule, binding, traceback fixer, original code, this).
TRAMPOLINE_INFO = PREFIX + "fastcall__"     # (runtime.py spells it "{p}fastcall__")
# Locals of the trampolines (the profiling one counts calls down in ``state.skip``).
TRAMPOLINE_LOCAL = PREFIX + "s"
TRAMPOLINE_COUNT = PREFIX + "k"


def module_name(key: str) -> str:
    """Extension module name for a cache key (``PyInit_<name>`` derives from it)."""
    return MODULE_PREFIX + key[:MODULE_KEY_DIGITS]


def is_reserved(identifier: str) -> bool:
    return identifier.startswith(PREFIX)
