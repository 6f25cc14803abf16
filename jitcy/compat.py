"""Everything that depends on the CPython version, in one place.

* :func:`signature_shape` reads a code object's argument layout.
* :func:`make_trampoline` builds the code object that replaces ``f.__code__``.
* :data:`SUPPORTED` says whether this interpreter is one jitcy compiles for.

The trampoline
--------------
``f.__code__`` can only be replaced by a code object with the same number of free
variables, and the trampoline must not need a new name in the user's module. So we
compile, once per argument layout, a template such as::

    def __jitcy_outer():
        x = None                      # one per free variable of f, same names
        def f(a, b, *args, k, **kw):
            return "__jitcy_target__"("__jitcy_state__", a, b, args, k, kw)
            x                         # makes x a free variable; unreachable, compiled away
        return f

and replace the two placeholder strings in ``co_consts`` by the real target callable and
its state object. (The import hook's *pending* trampoline, for functions not called yet, is
cheaper still: the original code object itself with a template's bytecode and constants,
see :func:`pending_trampoline_factory`.) The interpreter still binds arguments (defaults and keyword arguments stay
on the function object), then the trampoline passes every parameter positionally, with
``*args`` as a tuple and ``**kw`` as a dict. The bytecode is two ``LOAD_CONST``, the
parameter loads and one call: the cheapest Python-level forwarding there is.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import sys
import types
import warnings

from .translator import naming

#: CPython versions jitcy is designed for (code-object layout, dict internals).
SUPPORTED_VERSIONS = ((3, 10), (3, 11), (3, 12), (3, 13))
SUPPORTED = (sys.implementation.name == "cpython"
             and sys.version_info[:2] in SUPPORTED_VERSIONS)

CO_VARARGS = inspect.CO_VARARGS
CO_VARKEYWORDS = inspect.CO_VARKEYWORDS
CO_GENERATOR = inspect.CO_GENERATOR
#: Code jitcy does not compile: coroutines and async generators (plain generators it does).
CO_ASYNC_LIKE = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE


@dataclasses.dataclass(frozen=True)
class SignatureShape:
    """The argument layout of a code object (what the trampoline must reproduce)."""

    posonly: tuple      # positional-only parameter names
    positional: tuple   # positional-or-keyword parameter names
    varargs: str | None
    kwonly: tuple
    varkw: str | None
    freevars: tuple

    @property
    def params(self) -> tuple:
        """Every parameter in the order the trampoline passes them."""
        names = self.posonly + self.positional
        if self.varargs:
            names += (self.varargs,)
        names += self.kwonly
        if self.varkw:
            names += (self.varkw,)
        return names

    def def_parameters(self, names=None) -> str:
        """The text between the parentheses of a ``def`` with this layout.

        ``names`` renames the parameters (same order as :attr:`params`)."""
        names = list(names or self.params)
        take = lambda n: [names.pop(0) for _ in range(n)]  # noqa: E731
        parts = take(len(self.posonly))
        if self.posonly:
            parts.append("/")
        parts += take(len(self.positional))
        if self.varargs:
            parts.append("*" + names.pop(0))
        elif self.kwonly:
            parts.append("*")
        parts += take(len(self.kwonly))
        if self.varkw:
            parts.append("**" + names.pop(0))
        return ", ".join(parts)

    def call_arguments(self, names=None) -> str:
        """How to call a function of this layout with the parameters held in ``names``."""
        names = list(names or self.params)
        n_pos = len(self.posonly) + len(self.positional)
        parts = names[:n_pos]
        rest = names[n_pos:]
        if self.varargs:
            parts.append("*" + rest.pop(0))
        for kw_name in self.kwonly:
            parts.append(f"{kw_name}={rest.pop(0)}")
        if self.varkw:
            parts.append("**" + rest.pop(0))
        return ", ".join(parts)


def signature_shape(code: types.CodeType) -> SignatureShape:
    names = code.co_varnames
    n_posonly = code.co_posonlyargcount
    n_pos = code.co_argcount
    i = n_pos
    varargs = None
    kwonly = names[i:i + code.co_kwonlyargcount]
    i += code.co_kwonlyargcount
    if code.co_flags & CO_VARARGS:
        varargs = names[i]
        i += 1
    varkw = names[i] if code.co_flags & CO_VARKEYWORDS else None
    return SignatureShape(
        posonly=names[:n_posonly],
        positional=names[n_posonly:n_pos],
        varargs=varargs,
        kwonly=kwonly,
        varkw=varkw,
        freevars=code.co_freevars,
    )


#: Layout of a code object's parameters: what a trampoline template depends on.
#: (positional-only, positional-or-keyword, has *args, keyword-only, has **kw, free vars)
def _layout(code: types.CodeType) -> tuple:
    flags = code.co_flags
    return (code.co_posonlyargcount, code.co_argcount - code.co_posonlyargcount,
            bool(flags & CO_VARARGS), code.co_kwonlyargcount, bool(flags & CO_VARKEYWORDS),
            len(code.co_freevars))


def _generic(i: int) -> str:
    return f"{naming.PREFIX}p{i}"


# The bodies. A bare ``except`` (no global name to look up) costs nothing on 3.11+ until
# something is raised (exception table); ON_ERROR rewrites the traceback (see
# jitcy.loader.tracebacks) and the bare ``raise`` re-raises the same exception.
_PROFILE_BODY = f"""\
        {naming.TRAMPOLINE_LOCAL} = {naming.TRAMPOLINE_COUNTER!r}
        {naming.TRAMPOLINE_COUNT} = {naming.TRAMPOLINE_LOCAL}.skip
        try:
            if {naming.TRAMPOLINE_COUNT}:
                {naming.TRAMPOLINE_LOCAL}.skip = {naming.TRAMPOLINE_COUNT} - 1
                return {naming.TRAMPOLINE_ORIGINAL!r}({{call}})
            return {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {{params}})
        except:
            {naming.TRAMPOLINE_ON_ERROR!r}()
            raise
"""
_SWAP_BODY = f"""\
        if False: {naming.TRAMPOLINE_LOCAL} = 0
        return {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {{params}})
"""
_GUARDED_BODY = f"""\
        if False: {naming.TRAMPOLINE_LOCAL} = 0
        try:
            return {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {{params}})
        except:
            {naming.TRAMPOLINE_ON_ERROR!r}()
            raise
"""
# The import hook's trampoline until the function's first call. It runs once per function,
# so it passes no argument at all: the target reads them from the trampoline's frame
# (``pending_arguments``). Its bytecode is then the same for every argument layout (one
# template per number of free variables), and the trampoline is the original code object
# with this bytecode and these constants: (None, target, state, extra, on_error).
_PENDING_BODY = f"""\
        try:
            return {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {naming.TRAMPOLINE_ORIGINAL!r})
        except:
            {naming.TRAMPOLINE_ON_ERROR!r}()
            raise
"""
# A generator function's trampolines are generators themselves: ``return (yield from
# target(...))``. Calling the function still makes a real generator of the user's function
# (its type and name, ``inspect.isgenerator``, ``inspect.isgeneratorfunction``; nothing of
# it runs before the first ``next()``), which hands ``next``, ``send``, ``throw`` and
# ``close`` to what the target returned (the compiled generator, or the original
# function's own on a guard miss) and returns its return value.
_PROFILE_GENERATOR_BODY = f"""\
        {naming.TRAMPOLINE_LOCAL} = {naming.TRAMPOLINE_COUNTER!r}
        {naming.TRAMPOLINE_COUNT} = {naming.TRAMPOLINE_LOCAL}.skip
        try:
            if {naming.TRAMPOLINE_COUNT}:
                {naming.TRAMPOLINE_LOCAL}.skip = {naming.TRAMPOLINE_COUNT} - 1
                return (yield from {naming.TRAMPOLINE_ORIGINAL!r}({{call}}))
            return (yield from {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {{params}}))
        except:
            {naming.TRAMPOLINE_ON_ERROR!r}()
            raise
"""
_SWAP_GENERATOR_BODY = f"""\
        if False: {naming.TRAMPOLINE_LOCAL} = 0
        return (yield from {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {{params}}))
"""
_GUARDED_GENERATOR_BODY = f"""\
        if False: {naming.TRAMPOLINE_LOCAL} = 0
        try:
            return (yield from {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {{params}}))
        except:
            {naming.TRAMPOLINE_ON_ERROR!r}()
            raise
"""
_PENDING_GENERATOR_BODY = f"""\
        try:
            return (yield from {naming.TRAMPOLINE_TARGET!r}({naming.TRAMPOLINE_STATE!r}, {naming.TRAMPOLINE_ORIGINAL!r}))
        except:
            {naming.TRAMPOLINE_ON_ERROR!r}()
            raise
"""
_BODIES = {"profile": _PROFILE_BODY, "swap": _SWAP_BODY, "guarded": _GUARDED_BODY,
           "pending": _PENDING_BODY, "profile generator": _PROFILE_GENERATOR_BODY,
           "swap generator": _SWAP_GENERATOR_BODY, "guarded generator": _GUARDED_GENERATOR_BODY,
           "pending generator": _PENDING_GENERATOR_BODY}


def _kind(kind: str, original: types.CodeType) -> str:
    """The trampoline body for ``original``: a generator's for a generator function."""
    return kind + " generator" if original.co_flags & CO_GENERATOR else kind


class _Template:
    """A compiled trampoline for one layout, and where its per-function constants go."""

    __slots__ = ("code", "count", "extra", "reserved", "placeholders", "kwnames")

    def __init__(self, code: types.CodeType, count: int):
        self.code, self.count = code, count
        self.extra = code.co_varnames[count:]         # the trampoline's own locals
        self.reserved = frozenset(self.extra)
        position = {name: i for i, name in enumerate(code.co_varnames[:count])}
        placeholders = (naming.TRAMPOLINE_TARGET, naming.TRAMPOLINE_STATE,
                        naming.TRAMPOLINE_ORIGINAL, naming.TRAMPOLINE_ON_ERROR,
                        naming.TRAMPOLINE_COUNTER)
        self.placeholders, self.kwnames = [], []
        for i, c in enumerate(code.co_consts):
            if type(c) is str and c in placeholders:
                self.placeholders.append((i, c))
            elif type(c) is str and c in position:          # a keyword name of a call
                self.kwnames.append((i, position[c]))
            elif type(c) is tuple and c and all(type(x) is str and x in position for x in c):
                self.kwnames.append((i, tuple(position[x] for x in c)))


@functools.lru_cache(maxsize=None)
def _template(layout: tuple, kind: str) -> _Template:
    """The trampoline for one parameter layout, with generic names (renamed per function).

    Every line of the body is numbered like the ``def`` line, so once ``co_firstlineno`` is
    the user's, a traceback through the trampoline points at the user's ``def``."""
    n_posonly, n_pos, varargs, n_kwonly, varkw, n_free = layout
    count = n_posonly + n_pos + varargs + n_kwonly + varkw
    shape = SignatureShape(
        posonly=tuple(_generic(i) for i in range(n_posonly)),
        positional=tuple(_generic(i) for i in range(n_posonly, n_posonly + n_pos)),
        varargs=_generic(n_posonly + n_pos) if varargs else None,
        kwonly=tuple(_generic(i) for i in range(n_posonly + n_pos + varargs,
                                                   n_posonly + n_pos + varargs + n_kwonly)),
        varkw=_generic(count - 1) if varkw else None,
        freevars=tuple(f"{naming.PREFIX}f{i}" for i in range(n_free)))
    free = shape.freevars
    outer = ["def __jitcy_outer():"]
    if free:
        outer.append("    " + " = ".join(free) + " = None")
    outer.append(f"    def f({shape.def_parameters()}):")
    body = _BODIES[kind]
    outer.append(body.format(params=", ".join(shape.params),
                             call=shape.call_arguments()).rstrip("\n"))
    if free:
        # The free variables named after the body (unreachable, compiled away; an
        # ``if False:`` first would add a ``False`` constant): the trampolines' own
        # constants then sit at the same places with or without free variables (the
        # state at co_consts[1], which the import hook looks at).
        outer.append("        " + ", ".join(free))
    outer.append("    return f")
    tree = ast.parse("\n".join(outer) + "\n")
    inner = tree.body[0].body[-2]
    for node in ast.walk(inner):
        if "lineno" in node._attributes:
            node.lineno = node.end_lineno = 1
            node.col_offset, node.end_col_offset = 0, 0
    with warnings.catch_warnings():
        # "'str' object is not callable": the placeholder is replaced before any call.
        warnings.simplefilter("ignore", SyntaxWarning)
        module = compile(tree, "<jitcy trampoline>", "exec")
    outer_code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    return _Template(next(c for c in outer_code.co_consts if isinstance(c, types.CodeType)),
                     count)


_HAS_QUALNAME = sys.version_info >= (3, 11)


def _instantiate(t: _Template, original: types.CodeType, replacements: dict,
                 extra: tuple = ()) -> types.CodeType:
    """``t`` renamed to ``original``'s parameter names, with the placeholders replaced.
    (The import hook calls this for every function of a module: keep it lean.)"""
    names = original.co_varnames[:t.count]         # both in CPython's order
    if not t.reserved.isdisjoint(names):
        raise ValueError(f"{original.co_name}: a parameter uses a name reserved by jitcy "
                         f"({', '.join(sorted(t.reserved.intersection(names)))})")
    consts = list(t.code.co_consts)
    for i, key in t.placeholders:
        consts[i] = replacements[key]
    for i, pos in t.kwnames:
        consts[i] = names[pos] if type(pos) is int else tuple(names[p] for p in pos)
    consts += extra       # after every constant the bytecode uses: read only from C
    if _HAS_QUALNAME:
        return t.code.replace(co_consts=tuple(consts), co_varnames=names + t.extra,
                              co_freevars=original.co_freevars, co_name=original.co_name,
                              co_filename=original.co_filename,
                              co_firstlineno=original.co_firstlineno,
                              co_qualname=original.co_qualname)
    return t.code.replace(co_consts=tuple(consts), co_varnames=names + t.extra,
                          co_freevars=original.co_freevars, co_name=original.co_name,
                          co_filename=original.co_filename,
                          co_firstlineno=original.co_firstlineno)


def make_trampoline(original: types.CodeType, target, state, on_error=None,
                    fast=None) -> types.CodeType:
    """A code object with ``original``'s argument layout that returns
    ``target(state, *parameters)``. Its names, file and first line are the original's so
    tracebacks and ``repr`` still point at the user's function. With ``on_error``, an
    exception leaving ``target`` calls ``on_error()`` in the ``except`` block, then is
    re-raised (compiled code: see :mod:`jitcy.loader.tracebacks`).

    ``fast``: ``(capsule, fixer)`` of a compiled entry for calls from C (the generated
    module's vectorcall, translator/runtime.py): the trampoline then carries ``(capsule,
    state, fixer, original, marker)`` as its last constant, where that vectorcall finds it.
    Only for plain positional parameters (the vectorcall passes the caller's array)."""
    kind = _kind("swap" if on_error is None else "guarded", original)
    layout = _layout(original)
    extra = ()
    if fast is not None and not (layout[2] or layout[3] or layout[4]) \
            and not original.co_flags & CO_GENERATOR:    # (a generator has no fast entry)
        extra = ((fast[0], state, fast[1], original, sys.intern(naming.TRAMPOLINE_INFO)),)
    return _instantiate(_template(layout, kind), original,
                        {naming.TRAMPOLINE_TARGET: target, naming.TRAMPOLINE_STATE: state,
                         naming.TRAMPOLINE_ON_ERROR: on_error}, extra)


_ARG_FLAGS = CO_VARARGS | CO_VARKEYWORDS
_profile_templates: dict = {}     # argument counts -> generic template
_named_templates: dict = {}       # (counts, parameter names, free names) -> (code, indexes)
_NAMED_LIMIT = 4096
_PLACEHOLDERS = (naming.TRAMPOLINE_TARGET, naming.TRAMPOLINE_STATE, naming.TRAMPOLINE_ORIGINAL,
                 naming.TRAMPOLINE_ON_ERROR, naming.TRAMPOLINE_COUNTER)


def _named_template(key: tuple, original: types.CodeType, names: tuple):
    """The profiling template renamed to these parameter names, and where its five
    placeholders sit in ``co_consts`` (in the order of ``_PLACEHOLDERS``)."""
    t = _profile_templates.get(key[0])
    if t is None:
        t = _profile_templates[key[0]] = _template(_layout(original), _kind("profile", original))
    code = _instantiate(t, original, {p: p for p in _PLACEHOLDERS})   # ValueError if reserved
    where = {c: i for i, c in enumerate(code.co_consts) if type(c) is str and c in _PLACEHOLDERS}
    argv = None
    if _POSITIONAL_CODE:    # the constructor's arguments: cheaper than code.replace(**kw)
        argv = [code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
                code.co_nlocals, code.co_stacksize, code.co_flags, code.co_code,
                code.co_consts, code.co_names, code.co_varnames, code.co_filename,
                code.co_name, code.co_qualname, code.co_firstlineno, code.co_linetable,
                code.co_exceptiontable, code.co_freevars, code.co_cellvars]
    entry = (code, tuple(where[p] for p in _PLACEHOLDERS), argv)
    if len(_named_templates) >= _NAMED_LIMIT:
        _named_templates.clear()
    _named_templates[key] = entry
    return entry


#: CPython 3.11-3.13: types.CodeType(argcount, posonlyargcount, kwonlyargcount, nlocals,
#: stacksize, flags, code, consts, names, varnames, filename, name, qualname, firstlineno,
#: linetable, exceptiontable, freevars, cellvars)
_POSITIONAL_CODE = (3, 11) <= sys.version_info[:2] <= (3, 13)
_CodeType = types.CodeType


def make_profile_trampoline(original: types.CodeType, target, state, original_func,
                            on_error, counter=None) -> types.CodeType:
    """The profiling trampoline: while ``counter.skip`` is non-zero it decrements it and calls
    ``original_func`` directly (the cheap path, no Python call into jitcy); otherwise it
    returns ``target(state, *parameters)`` (the probe, which samples this call). An
    exception calls ``on_error()`` (which takes jitcy's frames out of the traceback) and is
    re-raised. ``counter`` (default ``state``) is best an object with ``__slots__``: its
    attribute is read and written on every call.

    The import hook calls this for every function of a module: the template renamed to the
    function's parameter names is cached (names repeat: ``self``, ``x``...), so most calls
    are one dict lookup and one code object built from cached constructor arguments."""
    counts = (original.co_argcount, original.co_posonlyargcount, original.co_kwonlyargcount,
              original.co_flags & _ARG_FLAGS, len(original.co_freevars),
              original.co_flags & CO_GENERATOR)
    key = (counts, original.co_varnames[:counts[0] + counts[2] + (counts[3] != 0)
                                        + (counts[3] == _ARG_FLAGS)],
           original.co_freevars)
    entry = _named_templates.get(key)
    if entry is None:
        entry = _named_template(key, original, key[1])
    code, (i_target, i_state, i_original, i_error, i_counter), argv = entry
    consts = list(code.co_consts)
    consts[i_target], consts[i_state], consts[i_error] = target, state, on_error
    consts[i_original] = original_func
    consts[i_counter] = state if counter is None else counter
    if argv is not None:
        argv = argv.copy()
        argv[7], argv[10], argv[11] = tuple(consts), original.co_filename, original.co_name
        argv[12], argv[13] = original.co_qualname, original.co_firstlineno
        return _CodeType(*argv)
    return code.replace(co_consts=tuple(consts), co_name=original.co_name,
                        co_filename=original.co_filename, co_firstlineno=original.co_firstlineno)


def pending_trampoline_factory(target, on_error):
    """``make(original, state, extra) -> code``: the import hook's trampoline for a function
    not called yet. Called, it runs ``target(state, extra)`` (an exception calls
    ``on_error()`` and is re-raised); ``target`` gets the call's arguments with
    :func:`pending_arguments`, and :func:`pending_state` reads ``(state, extra)`` back.
    ``make.each(funcs, originals, extra)`` sets each ``func.__code__`` to
    ``make(original, original, extra)``: the hook's batch, without a call per function.
    The hook passes the original code object itself and the hook as ``state`` and
    ``extra``, so a watched function costs nothing but its trampoline (one code object and
    its constants tuple); the first call finds the function object from the frame.

    This runs for every function of every module the import hook watches (target: importing
    a module under the hook costs less than twice the plain import), so it is the lean
    sibling of :func:`make_profile_trampoline`: ``original.replace()`` with the template's
    bytecode, exception table, line table, stack size and constants. Everything else is
    the original's, copied in C: argument layout, parameter and local names (so the
    interpreter binds the call exactly as for the original), free variables, name,
    qualified name, file and first line (so ``inspect.getsource``, pytest's and doctest's
    locations and tracebacks see the user's function before its first call too). The
    template depends only on the number of free variables (its bytecode copies them into
    the frame). Cell variables stay declared but the trampoline makes no cell: its frame
    holds each parameter's plain value, which is what ``frame.f_locals`` reads for a cell
    whose ``MAKE_CELL`` has not run (3.11-3.13)."""
    templates: dict = {}
    canonical = (None, naming.TRAMPOLINE_TARGET, naming.TRAMPOLINE_STATE,
                 naming.TRAMPOLINE_ORIGINAL, naming.TRAMPOLINE_ON_ERROR)

    def template(nfree: int, generator: int = 0):
        t = _template((0, 0, False, 0, False, nfree),
                      "pending generator" if generator else "pending")
        c = t.code
        fields = {"co_code": c.co_code, "co_linetable": c.co_linetable,
                  "co_stacksize": c.co_stacksize}
        if hasattr(c, "co_exceptiontable"):
            fields["co_exceptiontable"] = c.co_exceptiontable
        places = {key: i for i, key in t.placeholders}
        fields = (fields, None if c.co_consts == canonical else (list(c.co_consts), places))
        templates[nfree, generator] = fields
        return fields

    def constants(generic, state, extra):
        """The constants of a template whose layout is not the usual one (another
        CPython's compiler): target, state and extra still follow each other."""
        consts, places = generic
        consts = list(consts)
        consts[places[naming.TRAMPOLINE_TARGET]] = target
        consts[places[naming.TRAMPOLINE_STATE]] = state
        consts[places[naming.TRAMPOLINE_ORIGINAL]] = extra
        consts[places[naming.TRAMPOLINE_ON_ERROR]] = on_error
        return tuple(consts)

    def make(original, state, extra):
        # A generator function's is a generator too (its first next() makes the first call).
        key = (len(original.co_freevars), original.co_flags & CO_GENERATOR)
        fields, generic = templates.get(key) or template(*key)
        consts = (None, target, state, extra, on_error) if generic is None else constants(
            generic, state, extra)
        return original.replace(co_consts=consts, **fields)

    def make_each(funcs, originals, extra):
        for func, original in zip(funcs, originals):
            func.__code__ = make(original, original, extra)

    plain_fields, plain_generic = template(0)
    if _POSITIONAL_CODE and plain_generic is None:
        # No free variable (nearly every function): the keywords spelled out, no dict.
        code0, linetable0, exceptions0, stack0 = (
            plain_fields["co_code"], plain_fields["co_linetable"],
            plain_fields["co_exceptiontable"], plain_fields["co_stacksize"])

        def make_each(funcs, originals, extra):       # noqa: F811
            for func, original in zip(funcs, originals):
                if original.co_freevars or original.co_flags & CO_GENERATOR:
                    func.__code__ = make(original, original, extra)
                else:
                    func.__code__ = original.replace(
                        co_code=code0, co_consts=(None, target, original, extra, on_error),
                        co_linetable=linetable0, co_exceptiontable=exceptions0,
                        co_stacksize=stack0)
    make.each = make_each
    _pending_targets.add(target)
    return make


#: The targets of pending trampolines (one per factory: the import hook's first call).
_pending_targets: set = set()


def pending_arguments(frame, original: types.CodeType) -> list:
    """The arguments of the call running in ``frame``, a pending trampoline's frame, in the
    order the other trampolines pass them (``*args`` as a tuple, ``**kw`` as a dict)."""
    values = frame.f_locals
    return [values[name] for name in signature_shape(original).params]


def pending_state(code: types.CodeType):
    """``(state, extra)`` of a trampoline made by :func:`pending_trampoline_factory`, or
    None for any other code object."""
    consts = code.co_consts
    for i, const in enumerate(consts[:len(consts) - 2]):
        if any(const is t for t in _pending_targets):      # state and extra follow it
            return consts[i + 1], consts[i + 2]
    return None


def is_trampoline(code: types.CodeType) -> bool:
    """Is ``code`` one of jitcy's trampolines (for traceback filtering)? The import hook's
    (pending) one has no local of its own: it is known by its state."""
    return naming.TRAMPOLINE_LOCAL in code.co_varnames or pending_state(code) is not None
