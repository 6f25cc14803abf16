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
            if False: x               # makes x a free variable; the branch is compiled away
            return "__jitcy_target__"("__jitcy_state__", a, b, args, k, kw)
        return f

and replace the two placeholder strings in ``co_consts`` by the real target callable and
its state object. The interpreter still binds arguments (defaults and keyword arguments stay
on the function object), then the trampoline passes every parameter positionally, with
``*args`` as a tuple and ``**kw`` as a dict. The bytecode is two ``LOAD_CONST``, the
parameter loads and one call: the cheapest Python-level forwarding there is.
"""
from __future__ import annotations

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
CO_GENERATOR_LIKE = (inspect.CO_GENERATOR | inspect.CO_COROUTINE
                     | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE)


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


@functools.lru_cache(maxsize=256)
def _trampoline_template(shape: SignatureShape, name: str, guarded: bool = False) -> types.CodeType:
    free = shape.freevars
    outer = ["def __jitcy_outer():"]
    if free:
        outer.append("    " + " = ".join(free) + " = None")
    outer.append(f"    def {name}({shape.def_parameters()}):")
    if free:
        outer.append("        if False: " + ", ".join(free))
    args = ", ".join((repr(naming.TRAMPOLINE_STATE),) + shape.params)
    if guarded:
        # A bare except (no global name to look up); free on 3.11+ (exception table).
        outer += ["        try:",
                  f"            return {naming.TRAMPOLINE_TARGET!r}({args})",
                  "        except:",
                  f"            {naming.TRAMPOLINE_ON_ERROR!r}()",
                  "            raise"]
    else:
        outer.append(f"        return {naming.TRAMPOLINE_TARGET!r}({args})")
    outer.append(f"    return {name}")
    with warnings.catch_warnings():
        # "'str' object is not callable": the placeholder is replaced before any call.
        warnings.simplefilter("ignore", SyntaxWarning)
        module = compile("\n".join(outer) + "\n", "<jitcy trampoline>", "exec")
    outer_code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    return next(c for c in outer_code.co_consts if isinstance(c, types.CodeType))


def make_trampoline(original: types.CodeType, target, state, on_error=None) -> types.CodeType:
    """A code object with ``original``'s argument layout that returns
    ``target(state, *parameters)``. Its names, file and first line are the original's so
    tracebacks and ``repr`` still point at the user's function. With ``on_error``, an
    exception leaving ``target`` calls ``on_error()`` in the ``except`` block, then is
    re-raised (compiled code: see :mod:`jitcy.loader.tracebacks`)."""
    name = original.co_name if original.co_name.isidentifier() else "f"
    template = _trampoline_template(signature_shape(original), name, on_error is not None)
    placeholders = {naming.TRAMPOLINE_TARGET: target, naming.TRAMPOLINE_STATE: state,
                    naming.TRAMPOLINE_ON_ERROR: on_error}
    consts = tuple(placeholders[c] if type(c) is str and c in placeholders else c
                   for c in template.co_consts)
    changes = dict(co_consts=consts, co_name=original.co_name,
                   co_filename=original.co_filename, co_firstlineno=original.co_firstlineno)
    if sys.version_info >= (3, 11):
        changes["co_qualname"] = original.co_qualname
    return template.replace(**changes)
