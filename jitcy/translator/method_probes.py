"""A short method's program (analyzer/method_programs.py) as C of its own, for the call
sites ``obj.m()`` of a compiled function (runtime.py, ``lm0p``, ``{p}MT_PROBE``).

The C does what runtime.py's ``mrun`` does with the same program, step for step, with the
stack in C variables, the jumps as ``goto`` and the attribute caches those of the method
cache's way (one class each, so that they hit; ``{p}mtrivial_t.caches``): the stores, all
checked first, then the expression, which gives up (NULL, no error: the method is called)
before any effect.
``match`` checks that the method a call finds has the bytecode the program came from; its
names and constants are read from the code found (the program is the same for any)."""
from __future__ import annotations

from ..analyzer.method_programs import MethodProgram
from . import naming

_TRUTH_JUMPS = {"jif_pop": 0, "jit_pop": 1, "pjif": 0, "pjit": 1}


def probe_text(c_name: str, program: MethodProgram) -> str:
    """``cdef extern`` text defining ``c_name`` (a ``{p}probe_t``) for ``program``."""
    p = naming.PREFIX
    caches = sum(op[0] in ("store", "sattr", "attr") for op in program.ops)
    c = "\n".join(_match(c_name, program) + _run(c_name, program)) + "\n" + \
        f"static {p}probe_t {c_name} = {{{c_name}_match, {c_name}_run, {caches}}};"
    body = "\n".join("    " + line if line else "" for line in c.splitlines())
    return f'cdef extern from *:\n    """\n{body}\n    """\n    {p}probe_t {c_name}\n'


def _match(c_name: str, program: MethodProgram) -> list:
    size = len(program.code)
    return [f"static int {c_name}_match(PyCodeObject *co, const unsigned char *b, Py_ssize_t n) {{",
            f"    static const unsigned char code[{size}] = {{{', '.join(map(str, program.code))}}};",
            f"    return n == {size} && memcmp(b, code, {size}) == 0",
            f"           && PyTuple_GET_SIZE(co->co_names) == {program.names}",
            f"           && PyTuple_GET_SIZE(co->co_consts) == {program.consts};",
            "}"]


def _run(c_name: str, program: MethodProgram) -> list:
    p = naming.PREFIX
    ops = program.ops
    stores = [op for op in ops if op[0] == "store"]
    out = [f"static PyObject *{c_name}_run(PyObject *o, PyObject *names, PyObject *consts,",
           f"                              {p}acache *c) {{",
           f"#ifdef {p}ATTR_FAST"]
    pushes = sum(op[0] in ("self", "sattr", "const") for op in ops)
    out += ["    PyObject " + ", ".join(f"*s{i}" for i in range(max(pushes, 1))) + ";",
            "    int t;",
            "    (void)t; (void)consts;"]
    for i, (_, name, _) in enumerate(stores):      # all checked before the first one
        out += [f"    if (!{p}mplace(o, PyTuple_GET_ITEM(names, {name}), &c[{i}], 1))",
                "        return NULL;"]
    for i, (_, name, const) in enumerate(stores):
        out += [f"    if ({p}sa(o, PyTuple_GET_ITEM(names, {name}), PyTuple_GET_ITEM(consts, {const}),"
                f" &c[{i}]) < 0)",
                "        return NULL;"]
    cache = len(stores)
    targets = {op[1]: None for op in ops if op[0] in _TRUTH_JUMPS or op[0] in
               ("pjin", "pjinn", "jump")}
    depth = 0
    for k in range(len(stores), len(ops)):
        op = ops[k]
        if k in targets:
            if depth is None:
                depth = targets[k]
            out.append(f"  L{k}: ;")
        if depth is None:
            continue                    # (unreachable: nothing jumps here)
        kind = op[0]
        if kind in ("self", "sattr"):
            out.append(f"    s{depth} = o;")
            depth += 1
        elif kind == "const":
            out.append(f"    s{depth} = PyTuple_GET_ITEM(consts, {op[1]});")
            depth += 1
        if kind in ("sattr", "attr"):
            out += [f"    if ((s{depth - 1} = {p}mattr(s{depth - 1}, "
                    f"PyTuple_GET_ITEM(names, {op[1]}), &c[{cache}])) == NULL)",
                    "        return NULL;"]
            cache += 1
        elif kind == "not":
            out += [f"    if ((t = {p}mtruth(s{depth - 1})) < 0)",
                    "        return NULL;",
                    f"    s{depth - 1} = t ? Py_False : Py_True;"]
        elif kind == "is":
            out.append(f"    s{depth - 2} = (s{depth - 2} == s{depth - 1}) != {op[1]} ? Py_True : Py_False;")
            depth -= 1
        elif kind in _TRUTH_JUMPS:
            value = depth - 1
            depth -= kind in ("pjif", "pjit")
            targets[op[1]] = depth
            depth -= kind in ("jif_pop", "jit_pop")
            if ops[k - 1] == ("not",) and k not in targets:
                out.append("    t = !t;")                 # (the truth of what not made)
            else:
                out += [f"    if ((t = {p}mtruth(s{value})) < 0)", "        return NULL;"]
            out += [f"    if (t == {_TRUTH_JUMPS[kind]})", f"        goto L{op[1]};"]
        elif kind in ("pjin", "pjinn"):
            depth -= 1
            targets[op[1]] = depth
            out += [f"    if ((s{depth} == Py_None) == {int(kind == 'pjin')})",
                    f"        goto L{op[1]};"]
        elif kind == "jump":
            targets[op[1]] = depth
            out.append(f"    goto L{op[1]};")
            depth = None
        elif kind == "return":
            out += [f"    Py_INCREF(s{depth - 1});", f"    return s{depth - 1};"]
            depth = None
    return out + ["#else", "    return NULL;", "#endif", "}"]
