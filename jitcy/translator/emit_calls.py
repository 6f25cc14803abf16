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

Inlining: a small pure callee that needs nothing of its module's binding also publishes its
body as ``cdef inline`` text (``inline_text``). A caller copies it into its own module and
its call helper runs the copy in place of the call, so the C compiler optimizes the two
together; the helper first checks what the callee's entry would (tracing; builtins not
shadowed, known globals unchanged), and any error in the copy makes the real call, which
raises it from the callee's own code (pure: running it again repeats nothing). A pure
caller runs no Python code, so none of those checks can change while its body runs: it
makes them once, at its start (``__jitcy_lc0 = __jitcy_ready_0(b)``, which leaves the body
if the callee is not callable in C), and each call site is a plain C call
(``_pure_call_helpers``; spectral_norm: a fifth of its time).
"""
from __future__ import annotations

import ast
import re

from ..analyzer.model import INT, CalleeSig, TypedFunction, observed_type
from ..analyzer.raise_free import FAST_ARG_MAX
from . import naming
from .math_support import known_pairs
from .rewrite_arrays import array_params
from .unparse_lines import LINE_MARK_RE as _LINE_MARK_RE

_EXCEPT = {"double": " except? -1.0", "bint": " except -1"}
LONG_LONG = "long long"
#: The error value of an inlined double body: a value it almost never returns, so the check
#: for an exception stays off the common path.
RARE_DOUBLE = "-1.2345678910111213e-300"
_INLINE_RETURNS = {"double": RARE_DOUBLE, "bint": "-1"}
_INLINE_PARAMS = (LONG_LONG, "double", "bint")
#: A body of more AST nodes than this is called, not copied into each caller (its C would
#: be compiled again in every caller's module; a call costs little next to a long body).
MAX_INLINE_NODES = 80
#: Names of a module's own, outside the support code every module can emit for itself
#: (runtime.support_code, flex_code): a body that uses one cannot be copied.
_MODULE_OWN = re.compile(rf"\b({naming.BINDING_ARG}|{naming.DEOPT}|{naming.DEOPT_ERROR}"
                         rf"|{naming.GLOBAL_SITE}\d+)\b")


def _export_ctype(ctype: str) -> str:
    return ctype if ctype in ("double", "bint") else "object"


def exportable(fn: TypedFunction) -> bool:
    """Can callers compiled later call this specialization directly? Not a generator (its
    call must make the user's generator: the trampoline does), nor with an array
    parameter (the entry takes its buffer) or a tuple parameter whose items are guarded
    (a caller knows a ``tuple`` argument, not its items)."""
    args = fn.node.args
    return (not fn.generator and not args.vararg and not args.kwonlyargs and not args.kwarg
            and len(fn.params) == len(args.posonlyargs) + len(args.args)
            and not array_params(fn) and not fn.tuple_items)


def inlinable(fn: TypedFunction, ret_c: str) -> bool:
    """May callers run this pure body inlined (see callee_helpers)? Only a body that needs
    nothing of its module's binding (no globals, cells or calls of compiled functions: a
    caller's module has its own) and takes and returns what its C export does (C ints,
    doubles, bints). The builtins it compiles natively (``abs``, ``min``...) and its known
    globals (``math``, ``sqrt``) the caller checks, as the callee's entry does."""
    return (exportable(fn) and ret_c in _INLINE_RETURNS
            and sum(1 for _ in ast.walk(fn.node)) <= MAX_INLINE_NODES
            and not (fn.callees or fn.nogil_blocks)
            and all(fn.c_type(q) in _INLINE_PARAMS for q in fn.params))


def inline_text(impl: str) -> str | None:
    """The copy of a pure body that callers inline (``impl``: it as ``cdef inline
    <ret> INLINE(<C parameters>)``), without the user's line marks (an error in it is
    never raised from the copy: the caller makes the call instead, see callee_helpers);
    None if it uses a name of its own module's."""
    if _MODULE_OWN.search(impl.partition("\n")[2]):
        return None
    return "\n".join(_LINE_MARK_RE.sub("", line) for line in impl.split("\n"))


def fast_inline_text(impl: str) -> str | None:
    """The raise-free copy of a pure body (analyzer/raise_free.py; ``impl``: the body as
    ``cdef inline <ret> INLINE_FAST(<C parameters>)``, compiled as the checked copy is):
    without overflow checks, its divisions unchecked, and no error value (``noexcept``),
    so that a caller's loop keeps no check of its own after each call. Every check it
    drops is one the proof shows cannot fail while each int argument is in [0,
    FAST_ARG_MAX] (the caller tests that first). None if the copy uses any helper but
    the unchecked division: the proof covers only what the translator writes for the
    constructs it accepts, and anything else may check (and raise) in its own way."""
    text = inline_text(impl)
    head = text and re.match(rf"(cdef inline \w[\w ]*? {naming.INLINE_FAST}\(.*?\))"
                             rf"( except[^:]*)?:", text)
    if not head:
        return None
    text = text.replace(head.group(0),
                        f"@cython.overflowcheck(False)\n{head.group(1)} noexcept:", 1)
    text = re.sub(rf"\b{naming.FLOAT_DIV}\(", f"{naming.FLOAT_DIV_NZ}(", text)
    allowed = {naming.INLINE_FAST, naming.FLOAT_DIV_NZ}
    if any(name not in allowed for name in re.findall(rf"\b{naming.PREFIX}\w+", text)):
        return None
    return text


def _fast_test(callee, names) -> str:
    """The C test that lets a call run the callee's raise-free copy: each long long
    argument in [0, FAST_ARG_MAX] (one unsigned compare each; "1" if it has none)."""
    tests = [f"<unsigned long long>{a} <= {FAST_ARG_MAX}"
             for a, t in zip(names, callee.c_params) if t == LONG_LONG]
    return " and ".join(tests) or "1"


def _inline_signature(inline: str):
    """(C return type, C parameter types) of an inline body's head."""
    match = re.match(rf"cdef inline (\w[\w ]*?) {naming.INLINE}\((.*?)\)", inline)
    if match is None:
        return None
    params = [a.rsplit(" ", 1)[0] for a in match.group(2).split(", ")] if match.group(2) else []
    return match.group(1), tuple(params)


def export(fn: TypedFunction, use_c: bool, ret_obj: str, obj_call, call_body,
           decls: list, inline: str | None = None, fast: str | None = None) -> str:
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
    lines += ["", "", "from cpython.pycapsule cimport PyCapsule_New"]
    if inline is not None and _inline_signature(inline) == (ret, tuple(c_params)):
        # A caller that runs the inlined copy counts its calls here (jitcy.stats).
        lines += [f"def {naming.CALLS_ADDRESS}({naming.BINDING_CLASS} {b}):",
                  f"    return PyCapsule_New(&{b}.calls, NULL, NULL)", ""]
        counter = naming.CALLS_ADDRESS
    else:
        inline = counter = None
    copy = (inline, tuple(sorted(fn.builtin_names)), tuple(sorted(fn.known_globals.items())),
            fast) if inline else None
    lines += [f"{naming.EXPORT} = (PyCapsule_New(<void*>{naming.CEXPORT}, b\"jitcy.cexport\", "
              f"NULL), {ret!r}, {tuple(c_params)!r}, {guard_types!r}, {fn.return_type!r}, "
              f"{copy!r}, {counter or 'None'})"]
    return "\n".join(lines)


def callee_sig(name: str, index: int, export_tuple) -> CalleeSig:
    """What a caller's analyzer and translator need from a callee's ``__jitcy_EXPORT``."""
    _, c_ret, c_params, guard_types, return_type, inline, _ = export_tuple
    text, builtins, known, fast = inline or (None, (), (), None)
    return CalleeSig(name=name, index=index, c_ret=c_ret, c_params=tuple(c_params),
                     guard_types=tuple(guard_types), return_type=return_type, inline=text,
                     inline_builtins=tuple(builtins), inline_known=tuple(known),
                     inline_fast=fast)


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
        pure = callee.inline is not None and re.search(
            rf"\b{base}{naming.PURE_CALL}\(", body) is not None
        if not variants and not pure:
            continue
        used.append(callee.name)
        exc = _EXCEPT.get(callee.c_ret, "")
        out += [f"ctypedef {callee.c_ret} (*{naming.CALL_TYPE}{i})"
                f"({', '.join(['object'] + list(callee.c_params))}){exc}", ""]
        if callee.inline is not None:
            # Called through a pointer type that propagates nothing, so that the call site
            # checks for an error itself (and makes the Python call instead).
            out += [f"ctypedef {callee.c_ret} (*{naming.INLINE_TYPE}{i})"
                    f"({', '.join(callee.c_params)}) noexcept", "",
                    "from cpython.exc cimport PyErr_Clear, PyErr_Occurred", "",
                    callee.inline.replace(f" {naming.INLINE}(", f" {naming.INLINE}{i}(", 1), ""]
            if callee.inline_fast is not None:
                out += [callee.inline_fast.replace(f" {naming.INLINE_FAST}(",
                                                   f" {naming.INLINE_FAST}{i}(", 1), ""]
            if callee.inline_builtins or callee.inline_known:
                # builtins that must not be shadowed; known globals with the objects the
                # copy was compiled for
                out += [f"cdef tuple {naming.INLINE_NAMES}{i} = {callee.inline_builtins!r}",
                        f"cdef tuple {naming.INLINE_KNOWN}{i} = "
                        f"({known_pairs(callee.inline_known)})", ""]
        for suffix in variants:
            kinds = suffix[1:] if suffix else "c" * len(callee.c_params)
            args = [f"{'object' if k == 'o' else t} {p}a{n}"
                    for n, (t, k) in enumerate(zip(callee.c_params, kinds))]
            passed = "".join(f", {p}c{n}" if k == "o" else f", {p}a{n}"
                             for n, k in enumerate(kinds))
            # The link, borrowed (__jitcy_linked checked it just before): reads through the
            # pointer take no reference.
            out += [f"cdef inline {callee.c_ret} {base}{suffix}("
                    f"{', '.join([f'{naming.BINDING_CLASS} {b}'] + args)}){exc}:",
                    f"    cdef PyObject* lp = {naming.TUPLE_ITEM}(<PyObject*>{b}.links, {i})"]
            converted = [n for n, k in enumerate(kinds) if k == "o"]
            python_call = (f"(<{link}>lp).func("
                           f"{', '.join(f'{p}a{n}' for n in range(len(kinds)))})")
            if converted:
                out += [f"    cdef int {p}overflow = 0"]
                for n in converted:
                    out += [f"    cdef long long {p}c{n} = PyLong_AsLongLongAndOverflow("
                            f"{p}a{n}, &{p}overflow)",
                            f"    if {p}overflow:",
                            f"        return {python_call}"]
            if callee.inline is None:
                out += [f"    return (<{naming.CALL_TYPE}{i}>(<{link}>lp).fp)((<{link}>lp).binding"
                        f"{passed})", ""]
                continue
            # The callee's body, inlined: what its C export does, minus the call. Any error
            # makes the Python call instead, which raises it from the callee's own code (a
            # pure body: running it again repeats nothing).
            ok = (f" and {naming.INLINE_OK}({b}, <{link}>lp, {naming.INLINE_NAMES}{i}, "
                  f"{naming.INLINE_KNOWN}{i})"
                  if callee.inline_builtins or callee.inline_known else "")
            out += [f"    cdef {callee.c_ret} {p}r",
                    f"    if not {naming.TRACING}(){ok}:"]
            if callee.inline_fast is not None:
                out += [f"        if {_fast_test(callee, passed[2:].split(', '))}:",
                        f"            (<{link}>lp).calls[0] += 1",
                        f"            return {naming.INLINE_FAST}{i}({passed[2:]})"]
            out += [f"        {p}r = (<{naming.INLINE_TYPE}{i}>{naming.INLINE}{i})({passed[2:]})",
                    f"        if {p}r != {_INLINE_RETURNS[callee.c_ret]} or PyErr_Occurred() == NULL:",
                    f"            (<{link}>lp).calls[0] += 1",
                    f"            return {p}r",
                    "        PyErr_Clear()",
                    f"    return {python_call}", ""]
        if pure:
            out += _pure_call_helpers(callee, base, exc)
    if used:
        out.append(f"{naming.DIRECT} = {tuple(used)!r}")
        # The helpers read links by index, unchecked: set_links refuses fewer targets.
        out.append(f"{naming.LINKS_NEEDED} = "
                   f"{max(c.index for c in fn.callees.values() if c.name in used) + 1}")
    return "\n".join(out)


def _pure_call_helpers(callee, base: str, exc: str) -> list:
    """A pure body's calls of an inlined callee (rewrite_names.py, visit_Call). Nothing in a
    pure body runs Python code, so what the other helpers check at every call (the link,
    tracing, the callee's builtins and known globals) cannot change during one call of the
    body: ``ready_<i>`` checks it once, at the body's start, and returns the address of
    the callee's call counter. Not callable in C now, the body leaves there, before it
    calls (the entry re-runs the call with the original code: pure, it repeats nothing).
    Leaving at the start rather than at the first call costs the compiled speed of calls
    that would not have reached the callee, and only while it is not linked; it keeps the
    call sites plain C calls: a site that could leave through a conditional expression
    (a call whose error check comes back into the loop) was one of the paths that made
    GCC keep spectral_norm's float accumulator in a stack slot (see the cold error
    functions in runtime.py).
    ``call_<i>_p`` runs the copy, the counter passed as the pointer (the link itself is read
    only on an error: the Python call, which raises it from the callee's own code).
    ``call_<i>_fits`` (a callee with a copy without checks): may the site run that copy? It
    counts the call if so. A site whose arguments are plain names or constants is then
    ``inlf_<i>(args) if likely(call_<i>_fits(lc, args)) else call_<i>_p(b, lc, args)``
    (rewrite_names.py): the error value of ``call_<i>_p`` (-1.0 for a double) is tested only
    on its own path, not after every call of the copy that cannot fail. spectral_norm's inner
    loop: 0.79 -> 0.89-1.0 of the hand-typed ceiling together with the walks' element read
    (rewrite_arith._walk_sequence), alternating runs. The accumulator stays in a register
    (checked in the assembly): the checked call comes back into the loop only with a
    value, its error leaves through the cold error functions."""
    i = callee.index
    b, link, p = naming.BINDING_ARG, naming.LINK_CLASS, naming.PREFIX
    ok = (f" or not {naming.INLINE_OK}({b}, link, {naming.INLINE_NAMES}{i}, "
          f"{naming.INLINE_KNOWN}{i})" if callee.inline_builtins or callee.inline_known else "")
    params = [f"{t} {p}a{n}" for n, t in enumerate(callee.c_params)]
    names = [f"{p}a{n}" for n in range(len(params))]
    passed = ", ".join(names)
    fast = [] if callee.inline_fast is None else [
        f"    if {_fast_test(callee, names)}:",
        f"        {p}lc[0] += 1",
        f"        return {naming.INLINE_FAST}{i}({passed})"]
    fits = [] if callee.inline_fast is None else [
        "@cython.overflowcheck(False)",
        f"cdef inline bint {base}{naming.FAST_FITS}("
        f"{', '.join([f'unsigned long long* {p}lc'] + params)}) noexcept:",
        f"    if {_fast_test(callee, names)}:",
        f"        {p}lc[0] += 1",
        "        return True",
        "    return False", ""]
    return fits + [
        f"cdef unsigned long long* {naming.CALL_READY}{i}({naming.BINDING_CLASS} {b}) except NULL:",
        f"    if not {naming.LINKED}({b}, {i}) or {naming.TRACING}():",
        f"        raise {naming.DEOPT_ERROR}()",
        f"    cdef {link} link = <{link}>{naming.TUPLE_ITEM}(<PyObject*>{b}.links, {i})",
        f"    if link.calls == NULL{ok}:",
        f"        raise {naming.DEOPT_ERROR}()",
        "    return link.calls", "",
        f"cdef inline {callee.c_ret} {base}{naming.PURE_CALL}("
        f"{', '.join([f'{naming.BINDING_CLASS} {b}', f'unsigned long long* {p}lc'] + params)}){exc}:",
        f"    cdef {callee.c_ret} {p}r", *fast,
        f"    {p}r = (<{naming.INLINE_TYPE}{i}>{naming.INLINE}{i})({passed})",
        f"    if {p}r != {_INLINE_RETURNS[callee.c_ret]} or PyErr_Occurred() == NULL:",
        f"        {p}lc[0] += 1",
        f"        return {p}r",
        "    PyErr_Clear()",
        f"    return (<{link}>{naming.TUPLE_ITEM}(<PyObject*>{b}.links, {i})).func({passed})", ""]
