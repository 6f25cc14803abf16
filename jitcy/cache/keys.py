"""Cache keys: a fingerprint of what a code object *does*, and a hash of the key parts.

Why not ``co_code`` alone (Numba's key): ``lambda x: x + 1`` and ``lambda x: x + 2`` have the
same bytecode and differ only in ``co_consts``. Why not ``hash()``: it is salted per process
for ``str``/``bytes``, so it cannot name a file another process will find.

Each field goes into sha256 as ``tag, length, bytes``, so no two different inputs can produce
the same byte stream. Constants carry their type: ``1``, ``1.0`` and ``True`` differ, and so do
``0.0`` and ``-0.0`` (``float.hex`` keeps the sign). Example::

    >>> code_fingerprint((lambda x: x + 1).__code__) != code_fingerprint((lambda x: x + 2).__code__)
    True

Left out on purpose: ``co_filename``, ``co_firstlineno`` and the line tables, so moving a
function (or editing the lines above it) keeps its compiled module. Tracebacks are the
loader's business, not the key's.
"""
from __future__ import annotations

import hashlib
import json
import types

# Bumping this string invalidates every fingerprint (change it with the encoding below).
_DOMAIN = b"jitcy-code-fingerprint-1"

# Code attributes that change behaviour, with how to encode each; optional ones (3.11+)
# are skipped on interpreters that lack them.
_INT_FIELDS = ("co_argcount", "co_posonlyargcount", "co_kwonlyargcount", "co_flags")
_NAME_FIELDS = ("co_names", "co_varnames", "co_freevars", "co_cellvars")


def _frame(tag: bytes, payload: bytes) -> bytes:
    return tag + len(payload).to_bytes(8, "big") + payload


def _const(value, memo: dict) -> bytes:
    """Typed, deterministic encoding of one constant (recursive for tuples/frozensets/code)."""
    kind = type(value)
    if value is None:
        return _frame(b"N", b"")
    if value is Ellipsis:
        return _frame(b"E", b"")
    if kind is bool:
        return _frame(b"B", b"1" if value else b"0")
    if kind is int:
        return _frame(b"I", hex(value).encode())  # hex(): no int-str digit limit (3.11+)
    if kind is float:
        return _frame(b"F", value.hex().encode())
    if kind is complex:
        return _frame(b"C", value.real.hex().encode() + b"," + value.imag.hex().encode())
    if kind is str:
        return _frame(b"S", value.encode("utf-8", "surrogatepass"))
    if kind is bytes:
        return _frame(b"Y", value)
    if kind is tuple:
        return _frame(b"T", b"".join(_const(v, memo) for v in value))
    if kind is frozenset:
        # Iteration order follows the salted hash(); sorting the encodings makes it canonical.
        return _frame(b"Z", b"".join(sorted(_const(v, memo) for v in value)))
    if kind is slice:  # constant slices appear in 3.14 bytecode
        return _frame(b"L", b"".join(_const(v, memo) for v in (value.start, value.stop, value.step)))
    if kind is types.CodeType:
        return _frame(b"K", _fingerprint(value, memo).encode())
    # Not produced by the compiler (only by code.replace): type + repr. A repr that is not
    # deterministic only costs a cache miss.
    name = f"{kind.__module__}.{kind.__qualname__}:{value!r}"
    return _frame(b"O", name.encode("utf-8", "surrogatepass"))


def _fingerprint(code: types.CodeType, memo: dict) -> str:
    cached = memo.get(id(code))
    if cached is not None:
        return cached[1]
    h = hashlib.sha256(_DOMAIN)
    h.update(_frame(b"code", code.co_code))
    for field in _INT_FIELDS:
        h.update(_frame(field.encode(), str(getattr(code, field)).encode()))
    for field in _NAME_FIELDS:
        names = getattr(code, field)
        h.update(_frame(field.encode(), b"".join(_const(n, memo) for n in names)))
    h.update(_frame(b"co_name", code.co_name.encode("utf-8", "surrogatepass")))
    qualname = getattr(code, "co_qualname", None)
    if qualname is not None:
        h.update(_frame(b"co_qualname", qualname.encode("utf-8", "surrogatepass")))
    table = getattr(code, "co_exceptiontable", None)
    if table is not None:
        h.update(_frame(b"co_exceptiontable", table))
    h.update(_frame(b"co_consts", b"".join(_const(c, memo) for c in code.co_consts)))
    result = h.hexdigest()
    memo[id(code)] = (code, result)  # keep code alive so its id() is not reused meanwhile
    return result


def code_fingerprint(code: types.CodeType) -> str:
    """sha256 hex over everything in ``code`` that changes what it does (see module doc).

    Nested code objects (inner functions, lambdas, comprehensions before 3.12) are
    fingerprinted the same way, so a change inside an inner function changes the outer one.
    """
    if not isinstance(code, types.CodeType):
        raise TypeError(f"code_fingerprint() needs a code object, not {type(code).__name__}")
    return _fingerprint(code, {})


def make_key(parts: dict) -> str:
    """sha256 hex of the canonical JSON of ``parts`` (sorted keys, no whitespace).

    Canonical so that the same parts give the same key in every process and on every
    platform; a non-JSON value (set, bytes, object) raises TypeError rather than being
    stringified in some process-dependent way.
    """
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
