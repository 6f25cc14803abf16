"""Direct C calls between compiled functions of one module (issue 3, item 6).

Callee side: every module whose function takes only positional parameters (no arrays)
exports a C entry, ``__jitcy_cexport(binding, <C-typed parameters>)``, with the entry's
semantics minus the type guards (the caller's static types guarantee them), and publishes
it with its C signature::

    cdef double __jitcy_cexport(object __jitcy_bo, double __jitcy_a0) except? -1.0: ...
    __jitcy_EXPORT = (PyCapsule_New(<void*>__jitcy_cexport, b"jitcy.cexport", NULL),
                      "double", ("double",), ("float",), "float")

A pure callee (C ints, re-run on overflow) takes its int parameters as ``long long``: a
caller passes its own C ints as they are, and a Python int through a helper that converts
it, or makes the Python call if it does not fit (``__jitcy_call_0_co``, see
callee_helpers).

Caller side: a call ``g(x)`` of a module global ``g`` that jitcy had compiled (and swapped)
when the caller was compiled, with arguments of exactly the types ``g`` was compiled for,
becomes (rewrite_names.py)::

    (__jitcy_call_0(__jitcy_b, x) if __jitcy_linked(__jitcy_b, 0)
     else __jitcy_global_get(__jitcy_b, 'g')(x))

``__jitcy_linked`` checks, per call, that the global ``g`` is still the same function
object (dict version tag, so a rebinding is seen) and that its ``__code__`` is still the
compiled trampoline it had when linked (an unswap, a revert or the program's own
assignment are seen); otherwise the call is the plain Python call. The C entry counts
against Python's recursion limit, so mutual direct calls cannot overflow the C stack (a
pure callee that does not call itself cannot recurse: its entry skips the count).
"""
from __future__ import annotations

import re

from ..analyzer.model import INT, CalleeSig, TypedFunction, observed_type
from . import naming
from .rewrite_arrays import array_params

_EXCEPT = {"double": " except? -1.0", "bint": " except -1"}
LONG_LONG = "long long"


def _export_ctype(ctype: str) -> str:
    return ctype if ctype in ("double", "bint") else "object"


def exportable(fn: TypedFunction) -> bool:
    """Can callers compiled later call this specialization directly? Not with an array
    parameter (the entry takes its buffer) or a tuple parameter whose items are guarded
    (a caller knows a ``tuple`` argument, not its items)."""
    args = fn.node.args
    return (not args.vararg and not args.kwonlyargs and not args.kwarg
            and len(fn.params) == len(args.posonlyargs) + len(args.args)
            and not array_params(fn) and not fn.tuple_items)


def export(fn: TypedFunction, use_c: bool, ret_obj: str, obj_call, call_body,
           decls: list) -> str:
    if not exportable(fn):
        return ""
    b, p = naming.BINDING_ARG, naming.PREFIX
    raw = [f"{p}a{i}" for i in range(len(fn.params))]
    # A pure body takes its int parameters as C long longs (callers convert or pass their
    # own C ints, see callee_helpers); other bodies take Python ints.
    c_params = [LONG_LONG if use_c and fn.types.get(q) == INT else _export_ctype(fn.c_type(q))
                for q in fn.params]
    ret = _export_ctype(ret_obj)
    sig = ", ".join([f"object {p}bo"] + [f"{t} {r}" for t, r in zip(c_params, raw)])
    lines = [f"cdef {ret} {naming.CEXPORT}({sig}){_EXCEPT.get(ret, '')}:",
             f"    cdef {naming.BINDING_CLASS} {b} = <{naming.BINDING_CLASS}>{p}bo"]
    lines += ["    " + d for d in decls]
    original = f"{b}.original({', '.join(raw)})"
    lines += [f"    if {naming.TRACING}():", f"        return {original}",
              f"    {b}.calls += 1"]
    if fn.builtin_names:
        lines += [f"    if not {naming.BUILTINS_OK}({b}):", f"        return {original}"]
    if fn.known_globals:
        lines += [f"    if not {naming.KNOWN_OK}({b}):", f"        return {original}"]
    body = call_body(fn, use_c, raw, None, [], [], obj_call(fn, use_c, raw, []))
    if use_c and not fn.self_recursive:
        # A pure body calls nothing in C (the original code it may re-run is a Python
        # call, counted by the interpreter): this entry cannot recurse, so it skips the
        # recursion count (~5% of a call).
        lines += ["    " + line for line in body]
    else:
        lines += ['    Py_EnterRecursiveCall(b" in a jitcy direct call")', "    try:"]
        lines += ["        " + line for line in body]
        lines += ["    finally:", "        Py_LeaveRecursiveCall()"]
    guard_types = tuple(observed_type(t) for t in fn.arg_types)
    lines += ["", "",
              "from cpython.pycapsule cimport PyCapsule_New",
              f"{naming.EXPORT} = (PyCapsule_New(<void*>{naming.CEXPORT}, b\"jitcy.cexport\", "
              f"NULL), {ret!r}, {tuple(c_params)!r}, {guard_types!r}, {fn.return_type!r})"]
    return "\n".join(lines)


def callee_sig(name: str, index: int, export_tuple) -> CalleeSig:
    """What a caller's analyzer and translator need from a callee's ``__jitcy_EXPORT``."""
    _, c_ret, c_params, guard_types, return_type = export_tuple
    return CalleeSig(name=name, index=index, c_ret=c_ret, c_params=tuple(c_params),
                     guard_types=tuple(guard_types), return_type=return_type)


def call_helper_name(callee: CalleeSig, c_args) -> str:
    """The helper a call site uses: ``__jitcy_call_<i>`` when every long long parameter gets
    a C int, else ``__jitcy_call_<i>_<kinds>`` (``o``: that argument is a Python int,
    converted by the helper; ``c``: a C value), see callee_helpers."""
    kinds = "".join("c" if t != LONG_LONG or c else "o" for t, c in zip(callee.c_params, c_args))
    base = f"{naming.CALL}{callee.index}"
    return base if "o" not in kinds else f"{base}_{kinds}"


def callee_helpers(fn: TypedFunction, body: str) -> str:
    """Per callee that ``body`` calls directly: its function pointer type and the inline
    calls through it; and ``__jitcy_DIRECT``, their names (for ``jitcy.stats``). A call
    site passing a Python int for a long long parameter uses a helper that converts it and
    makes the Python call instead if it does not fit (the callee then runs its Python
    path, with Python's ints)."""
    out, used = [], []
    b, link, p = naming.BINDING_ARG, naming.LINK_CLASS, naming.PREFIX
    for callee in sorted(fn.callees.values(), key=lambda c: c.index):
        i = callee.index
        base = f"{naming.CALL}{i}"
        variants = sorted(set(re.findall(rf"\b{base}(_[oc]+)?\(", body)))
        if not variants:
            continue
        used.append(callee.name)
        exc = _EXCEPT.get(callee.c_ret, "")
        out += [f"ctypedef {callee.c_ret} (*{naming.CALL_TYPE}{i})"
                f"({', '.join(['object'] + list(callee.c_params))}){exc}", ""]
        for suffix in variants:
            kinds = suffix[1:] if suffix else "c" * len(callee.c_params)
            args = [f"{'object' if k == 'o' else t} {p}a{n}"
                    for n, (t, k) in enumerate(zip(callee.c_params, kinds))]
            passed = "".join(f", {p}c{n}" if k == "o" else f", {p}a{n}"
                             for n, k in enumerate(kinds))
            out += [f"cdef inline {callee.c_ret} {base}{suffix}("
                    f"{', '.join([f'{naming.BINDING_CLASS} {b}'] + args)}){exc}:",
                    f"    cdef {link} link = <{link}>{b}.links[{i}]"]
            converted = [n for n, k in enumerate(kinds) if k == "o"]
            if converted:
                python_call = f"link.func({', '.join(f'{p}a{n}' for n in range(len(kinds)))})"
                out += [f"    cdef int {p}overflow = 0"]
                for n in converted:
                    out += [f"    cdef long long {p}c{n} = PyLong_AsLongLongAndOverflow("
                            f"{p}a{n}, &{p}overflow)",
                            f"    if {p}overflow:",
                            f"        return {python_call}"]
            out += [f"    return (<{naming.CALL_TYPE}{i}>link.fp)(link.binding{passed})", ""]
    if used:
        out.append(f"{naming.DIRECT} = {tuple(used)!r}")
    return "\n".join(out)
