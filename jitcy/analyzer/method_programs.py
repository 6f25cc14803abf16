"""Short methods that a compiled caller runs as straight C at its call sites.

A call without arguments of a short method (an expression of the instance's attributes,
or a run of ``self.name = <constant>`` then ``return self``) already runs as a small
program at the call site, decoded from its bytecode at run time (translator/runtime.py,
``mdecode``/``mrun``). Decoded here instead, at translation, that program becomes C of its
own at the call site (translator/method_probes.py): no dispatch between its steps, the
interpreter's cost (richards: a sixth of its time).

Which method a call ``obj.m()`` reaches is known only at run time: the translation takes
the one function named ``m`` that the classes of the caller's module define (none or more
than one: no program), and the C checks at run time that the method found has that
bytecode before it runs the program (its names and constants it reads from the code found,
so that a method of the same shape with other names runs right too); any other code takes
the run-time path. The rules of what a program may do are runtime.py's (``mdecode``): this
module decodes the same shapes, with ``dis``.
"""
from __future__ import annotations

import dataclasses
import dis
import sys
import types

#: what the run-time decoder takes: its jump kinds and their C op names
_JUMPS = {
    "JUMP_IF_FALSE_OR_POP": "jif_pop", "JUMP_IF_TRUE_OR_POP": "jit_pop",
    "POP_JUMP_FORWARD_IF_FALSE": "pjif", "POP_JUMP_FORWARD_IF_TRUE": "pjit",
    "POP_JUMP_FORWARD_IF_NONE": "pjin", "POP_JUMP_FORWARD_IF_NOT_NONE": "pjinn",
    "JUMP_FORWARD": "jump",
}
_MAX_CODE_BYTES = 192          # runtime.py's PROG_UNITS code units
_MAX_PUSHES = 8                # runtime.py's PROG_STACK


@dataclasses.dataclass(frozen=True)
class MethodProgram:
    """One short method's program (see module doc), and the code it was decoded from."""
    code: bytes       # co_code (3.11, caches zeroed) the method found must have
    names: int        # len(co_names) and len(co_consts) it must have: the program reads
    consts: int       # its names and constants from the code found, by index
    ops: tuple        # ("store", name, const) first, then ("self",), ("const", i),
    #                   ("sattr", name) (self.name), ("attr", name), ("not",), ("is", invert),
    #                   (jump kind, target op), ("return",); name, const: indexes


def supported() -> bool:
    """Programs are decoded from CPython 3.11's bytecode (runtime.py reads the same)."""
    return sys.version_info[:2] == (3, 11)


def called_without_arguments(code: types.CodeType) -> set:
    """The names ``m`` of the calls ``obj.m()`` in ``code`` and the code nested in it
    (3.11: LOAD_METHOD m, then PRECALL 0)."""
    names, stack = set(), [code]
    while stack:
        c = stack.pop()
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
        instructions = list(dis.get_instructions(c))
        for ins, after in zip(instructions, instructions[1:]):
            if ins.opname == "LOAD_METHOD" and after.opname == "PRECALL" and after.arg == 0:
                names.add(ins.argval)
    return names


def candidates(code: types.CodeType, module_globals: dict, module_name: str) -> dict:
    """``{name: function}``: for each call ``obj.name()`` in ``code``, the one plain
    function of that name that the classes of the module define (a base's method shared
    by its subclasses counts once); names with none or several are left out."""
    # (type() and vars() only: no attribute of the user's objects is looked up)
    classes = [v for v in list(module_globals.values())
               if issubclass(type(v), type) and vars(v).get("__module__") == module_name]
    out = {}
    if not classes:
        return out
    for name in sorted(called_without_arguments(code)):
        found = {id(f): f for f in (vars(c).get(name) for c in classes)
                 if type(f) is types.FunctionType}
        if len(found) == 1:
            out[name] = next(iter(found.values()))
    return out


def decode(code: types.CodeType) -> MethodProgram | None:
    """The program of a short method's (original) code, or None: not one of the shapes."""
    if (not supported() or code.co_argcount != 1 or code.co_kwonlyargcount
            or code.co_posonlyargcount or code.co_cellvars or code.co_freevars
            or code.co_flags & (0x04 | 0x08 | 0x20 | 0x80 | 0x100 | 0x200)
            or len(code.co_code) > _MAX_CODE_BYTES):
        return None
    instructions = list(dis.get_instructions(code))
    if not instructions or instructions[0].opname != "RESUME" or instructions[0].arg != 0:
        return None
    ops, at, pushes, i = [], {}, 0, 1
    while i < len(instructions):
        ins = instructions[i]
        at[ins.offset] = len(ops)
        name = ins.opname
        following = [x.opname for x in instructions[i + 1:i + 3]]
        if name == "LOAD_CONST" and following == ["LOAD_FAST", "STORE_ATTR"] \
                and instructions[i + 1].arg == 0:
            if any(op[0] != "store" for op in ops):
                return None                                 # stores only come first
            ops.append(("store", instructions[i + 2].arg, ins.arg))
            i += 3
            continue
        if name == "LOAD_FAST":
            if ins.arg != 0:
                return None
            pushes += 1
            if following[:1] == ["LOAD_ATTR"]:
                ops.append(("sattr", instructions[i + 1].arg))
                i += 2
                continue
            ops.append(("self",))
        elif name == "LOAD_CONST":
            pushes += 1
            ops.append(("const", ins.arg))
        elif name == "LOAD_ATTR":
            ops.append(("attr", ins.arg))
        elif name == "UNARY_NOT":
            ops.append(("not",))
        elif name == "IS_OP":
            ops.append(("is", int(bool(ins.arg))))
        elif name == "RETURN_VALUE":
            ops.append(("return",))
        elif name in _JUMPS:
            ops.append((_JUMPS[name], ins.argval))          # a byte offset for now
        else:
            return None               # EXTENDED_ARG, calls, globals, loops...: not taken
        i += 1
    if pushes > _MAX_PUSHES or not ops or ops[-1] != ("return",):
        return None
    for k, op in enumerate(ops):
        if op[0] in _JUMPS.values():
            target = at.get(op[1])
            if target is None or target <= k:
                return None                                 # forward, to an instruction
            ops[k] = (op[0], target)
    stores = sum(op[0] == "store" for op in ops)
    if stores and not (len(ops) == stores + 2 and ops[stores][0] in ("self", "const")):
        return None                   # stores, then ``return self`` or a constant
    if not stores and len(ops) <= 2 and ops[0][0] in ("self", "const", "sattr"):
        return None                   # trivial: runtime.py gives those without a program
    return MethodProgram(code=code.co_code, names=len(code.co_names),
                         consts=len(code.co_consts), ops=tuple(ops))

