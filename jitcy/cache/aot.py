"""The ahead-of-time index: which signatures ``jitcy build`` compiled for a function.

``<root>/aot/<fkey[:2]>/<fkey>.json`` where ``fkey`` hashes the function's code (and
jitcy's own version), not its argument types. When a function is registered, the pipeline
looks its ``fkey`` up (one ``stat``) and, if built ahead of time, loads those
specializations at once, so the first call already runs compiled code::

    {"function": "app.sim.Model.step", "signatures": [["object", "float"]]}

The index holds only type names from :data:`TYPE_NAMES`, or ``tuple[int, list]`` of them
for a short tuple whose items were observed (profiler/arrays.py), never anything imported; the
entries themselves are verified as usual before loading, and an index whose entries were
evicted simply loads nothing (the function is profiled as usual).
"""
from __future__ import annotations

import builtins
import json
import os
import pathlib

from ..profiler.arrays import MAX_TUPLE_ITEMS, TupleType
from . import layout
from .store import Store, _check_key

#: Argument types an index (or a recorded profile) may name: jitcy guards these exactly;
#: everything else was recorded as ``object``.
TYPE_NAMES = ("int", "float", "bool", "complex", "str", "bytes", "bytearray", "list", "dict",
              "tuple", "set", "frozenset", "object", "NoneType")


def resolve_type(name: str):
    """A type name from an index/profile -> the type (or :class:`TupleType` for
    ``tuple[int, list]``); ValueError for anything else."""
    if name.startswith("tuple[") and name.endswith("]"):
        items = [item.strip() for item in name[6:-1].split(",")]
        if 1 <= len(items) <= MAX_TUPLE_ITEMS:
            return TupleType(tuple(_plain_type(item, name) for item in items))
    return _plain_type(name, name)


def _plain_type(name: str, whole: str) -> type:
    if name == "NoneType":
        return type(None)
    if name not in TYPE_NAMES:
        raise ValueError(f"unknown argument type {whole!r} (expected one of "
                         f"{', '.join(TYPE_NAMES)}, or tuple[...] of 1 to {MAX_TUPLE_ITEMS} "
                         f"of them)")
    return getattr(builtins, name)


def type_names(arg_types: tuple) -> list:
    return [_type_name(t) for t in arg_types]


def _type_name(t) -> str:
    if isinstance(t, TupleType):
        names = [_type_name(item) for item in t.items]
        return "tuple" if "object" in names else f"tuple[{', '.join(names)}]"
    return t.__name__ if t.__name__ in TYPE_NAMES else "object"


def index_path(root: pathlib.Path, fkey: str) -> pathlib.Path:
    _check_key(fkey)
    return pathlib.Path(root) / layout.AOT_DIR / fkey[:2] / f"{fkey}.json"


def read_index(root: pathlib.Path, fkey: str) -> list:
    """The recorded signatures (lists of type names) for ``fkey``; [] if none or odd."""
    path = index_path(root, fkey)
    try:
        st = os.lstat(path)
    except OSError:
        return []
    if layout.unsafe_reason(st, "aot index", "file"):
        return []
    try:
        data = json.loads(path.read_bytes())
        sigs = data["signatures"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return []
    return [s for s in sigs if isinstance(s, list) and all(isinstance(n, str) for n in s)]


def add_to_index(store: Store, fkey: str, function: str, names: list) -> None:
    """Add one signature to ``fkey``'s index (read-modify-write under the fkey's lock)."""
    path = index_path(store.root, fkey)
    with store.lock(fkey, timeout=60):
        os.makedirs(path.parent, mode=0o700, exist_ok=True)
        sigs = read_index(store.root, fkey)
        if names not in sigs:
            sigs.append(names)
        text = json.dumps({"function": function, "signatures": sigs}, indent=1)
        layout.write_atomic(path, text)
        os.chmod(path, 0o600)
