"""C versions of ``math`` functions that keep Python's answers and errors.

Each helper calls libm (the functions CPython's ``math`` module calls for these) and hands
any suspicious result back to the ``math`` function itself, which returns Python's value or
raises Python's error with Python's message::

    math.sqrt(x)  ->  __jitcy_m_sqrt(x)

    cdef double __jitcy_mpy_sqrt(double x) except? -1.0 with gil:
        return __jitcy_math_module.sqrt(x)         # ValueError: math domain error

    cdef inline double __jitcy_m_sqrt(double x) except? -1.0 nogil:
        cdef double r = __jitcy_c_sqrt(x)
        if not isfinite(r) and ((isnan(r) and not isnan(x))
                                or (isinf(r) and not isinf(x))):
            return __jitcy_mpy_sqrt(x)
        return r

"Suspicious" is CPython's own test (``math_1`` in mathmodule.c): NaN out of a non-NaN, an
infinity out of a finite number. A finite result, the common case, is told by one test
(``isfinite`` first; trapezoid_sin's loop of ``sin`` and ``exp``: ~5% faster than with
the two tests). Two-argument ``atan2`` uses C only for finite arguments.

For ``sin``, ``cos``, ``exp``, ``sqrt`` and ``log`` the call site itself tests the argument
(``SAFE_ARGUMENT``: a sufficient test, e.g. ``x < 709.0`` for ``exp``) and calls libm
directly when it passes, the checked helper only otherwise (rewrite_arith.math_call)::

    math.sin(x)  ->  (__jitcy_c_sin(x) if likely(__jitcy_msafe_sin(x)) else __jitcy_m_sin(x))

The helper's error value (-1.0) is then tested only on that path, not after every call:
trapezoid_sin 0.90-0.92 -> 0.97-0.98 of its hand-typed ceiling (medians of 40 pairs,
alternating runs). Only for an argument that may be written out twice (names, literals,
arithmetic on them: rewrite_arith._repeatable).
The helpers are ``nogil`` so that ``with jitcy.nogil():`` blocks can call them: the fast
path is plain C; only the Python fallback (``__jitcy_mpy_*``, declared ``with gil``) takes
the GIL, and only when the result is suspicious (it is re-entrant: called with the GIL
held, as outside nogil blocks, it just runs). The helper itself holds no Python object, so
Cython adds no GIL-taking cleanup to its fast path.
The module also gets the ``known_ok`` check: are the known globals (``math``, ``sqrt``...)
still bound to the objects the code was compiled for?
"""
from __future__ import annotations

import re

from ..analyzer.known_globals import C_MATH, CONSTANTS
from . import naming

_PREDICATES = {"isnan", "isinf", "isfinite"}

#: A test of the argument under which libm's result is never suspicious (a finite result,
#: or an infinity out of an infinity). Only a sufficient test: an argument that fails it
#: takes the checked helper, which is right for every argument. ``math.exp(x)`` is finite up
#: to x = 709.78; NaN fails every comparison.
SAFE_ARGUMENT = {"sin": "{p}isfinite(x)", "cos": "{p}isfinite(x)", "exp": "x < 709.0",
                 "sqrt": "x >= 0.0", "log": "x > 0.0"}


def _helper(name: str) -> str:
    p, c = naming.PREFIX, f"{naming.MATH_LIBM}{name}"
    m, py = naming.MATH_MODULE, naming.MATH_PY + name
    if name in _PREDICATES:
        return (f"\ncdef inline bint {naming.MATH_C}{name}(double x) noexcept nogil:\n"
                f"    return {c}(x)\n")
    if name == "copysign":
        return (f"\ncdef inline double {naming.MATH_C}{name}(double x, double y) noexcept nogil:\n"
                f"    return {c}(x, y)\n")
    if name == "atan2":
        return (f"\ncdef double {py}(double y, double x) except? -1.0 with gil:\n"
                f"    return {m}.atan2(y, x)\n"
                f"\n\ncdef inline double {naming.MATH_C}{name}(double y, double x) except? -1.0 nogil:\n"
                f"    if {p}isfinite(y) and {p}isfinite(x):\n"
                f"        return {c}(y, x)\n"
                f"    return {py}(y, x)\n")
    safe = "" if name not in SAFE_ARGUMENT else (
        f"\n\ncdef inline bint {naming.MATH_SAFE}{name}(double x) noexcept nogil:\n"
        f"    return {SAFE_ARGUMENT[name].format(p=p)}\n")
    return (f"\ncdef double {py}(double x) except? -1.0 with gil:\n"
            f"    return {m}.{name}(x)\n"
            f"\n\ncdef inline double {naming.MATH_C}{name}(double x) except? -1.0 nogil:\n"
            f"    cdef double r = {c}(x)\n"
            f"    if not {p}isfinite(r) and (({p}isnan(r) and not {p}isnan(x))\n"
            f"                                or ({p}isinf(r) and not {p}isinf(x))):\n"
            f"        return {py}(x)\n"
            f"    return r\n" + safe)


def _used(body: str, prefix: str, names) -> list:
    found = set(re.findall(re.escape(prefix) + r"(\w+)", body))
    return sorted(n for n in found if n in names)


def known_pairs(known) -> str:
    """``('sqrt', math.sqrt), ...``: each known global (name, target) with the object the
    code was compiled for, as Cython tuple items (the module's own math import)."""
    return "".join(f"({name!r}, {naming.MATH_MODULE}"
                   f"{'' if target == 'math' else '.' + target.split('.', 1)[1]}), "
                   for name, target in sorted(known))


def math_support(body: str, known: dict) -> str:
    """Module-level text for the math helpers, constants and ``known_ok`` that ``body``
    uses (empty if none)."""
    p = naming.PREFIX
    functions = _used(body, naming.MATH_C, C_MATH)
    constants = _used(body, naming.MATH_CONST, CONSTANTS)
    uses_known = re.search(re.escape(naming.KNOWN_OK) + r"\b", body) is not None
    if not (functions or constants or uses_known):
        return ""
    out = [f"\nimport math as {naming.MATH_MODULE}\n"]
    cimports = sorted({f"{n} as {naming.MATH_LIBM}{n}" for n in functions}
                      | {f"{n} as {p}{n}" for n in ("isnan", "isinf", "isfinite")})
    out.append(f"from libc.math cimport {', '.join(cimports)}\n")
    out += [f"cdef double {naming.MATH_CONST}{n} = {naming.MATH_MODULE}.{n}\n" for n in constants]
    out += [_helper(n) for n in functions]
    if uses_known:
        pairs = known_pairs(known.items())
        out.append(f'''
cdef tuple {p}KNOWN = ({pairs})


cdef inline bint {naming.KNOWN_OK}({naming.BINDING_CLASS} b) except -1:
    """Are the known globals (math, sqrt...) still the objects the code was compiled for?"""
    cdef unsigned long long version = {p}dict_version(<PyObject*>b.globals)
    if version != 0 and version == b.known_version:
        return True
    for name, value in {p}KNOWN:
        if b.globals.get(name) is not value:
            return False
    b.known_version = version
    return True


cdef inline double {naming.AS_DOUBLE}(object value) except? -1.0:
    return value


cdef inline bint {naming.AS_BINT}(object value) except -1:
    return value
''')
    return "".join(out)
