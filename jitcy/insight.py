"""Seeing what jitcy did: ``jitcy.report()`` (a table of every function) and
``jitcy.explain(f)`` (the generated code, the type of every local, what stays slow).

>>> import jitcy
>>> jitcy.report()                                           # doctest: +SKIP
function       state    calls  interp us/call  compiled us/call  compiled calls  saved s  ...
mod.integrate  swapped      2          1503.2             14.10           10000   14.891  ...
mod.peek       failed       0               -                 -               0        -  ...

Rows are sorted by the time saved: compiled calls x (interpreted time per call, measured
while profiling, - compiled time per call, measured on sampled calls: the first 8, then 1 in
1024; each sample includes ~0.1 us of timer overhead). Functions where that cannot be
measured come after, by time spent interpreted.

``explain(f)`` prints, for each specialization (or, before any is compiled, for the argument
types seen most, or ``types=`` given), the inferred type of every local and the C type it
gets, the lines that still go through Python objects and why, and the generated ``.pyx``
(body lines end with ``# line N``, the user's line). ``html=path`` writes Cython's annotated
HTML of it (yellow lines call into the Python C API).
"""
from __future__ import annotations

import linecache
import pathlib
import sys


def _saved(st: dict):
    return st.get("saved_seconds")


def _types(st: dict) -> str:
    specs = st.get("specializations") or []
    if not specs:
        return "-"
    return " | ".join(", ".join(s["types"]) or "()" for s in specs)


def _cache(st: dict) -> str:
    hits, misses = st.get("cache_hits", 0), st.get("cache_misses", 0)
    return f"{hits}/{misses}" if hits or misses else "-"


def _num(value, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


COLUMNS = ("function", "state", "calls", "interp us/call", "compiled us/call", "compiled calls",
           "saved s",
           "compile s", "cache h/m", "guard misses", "fallbacks", "types", "reason")
_RIGHT = {"calls", "interp us/call", "compiled us/call", "compiled calls", "saved s", "compile s",
          "cache h/m", "guard misses", "fallbacks"}


def rows(all_stats: dict) -> list:
    """One dict per function (the table's cells as strings), best saving first."""
    def key(item):
        name, st = item
        saved = _saved(st)
        return (saved is None, -(saved or 0.0), -st.get("profiled_seconds", 0.0), name)

    out = []
    for name, st in sorted(all_stats.items(), key=key):
        per_call = st.get("interpreted_seconds_per_call")
        out.append({
            "function": name,
            "state": st.get("state", "?"),
            "calls": str(st.get("calls", 0)),
            "interp us/call": _num(None if per_call is None else per_call * 1e6, ".1f"),
            "compiled us/call": _num(None if st.get("compiled_seconds_per_call") is None
                                     else st["compiled_seconds_per_call"] * 1e6, ".2f"),
            "compiled calls": str(st.get("compiled_calls") or 0),
            "saved s": _num(_saved(st), ".3f"),
            "compile s": _num(st.get("compile_seconds") or None, ".3f"),
            "cache h/m": _cache(st),
            "guard misses": str(st.get("guard_misses", 0)),
            "fallbacks": str(st.get("fallbacks", 0)),
            "types": _types(st),
            "reason": (st.get("reason") or "").splitlines()[0] if st.get("reason") else "",
        })
    return out


def format_report(all_stats: dict) -> str:
    """The aligned table for a ``jitcy.stats()`` result (``jitcy run --stats`` uses it)."""
    table = rows(all_stats)
    if not table:
        return "jitcy: no functions registered (decorate with @jitcy.hot or use the import hook)\n"
    widths = {c: max(len(c), *(len(r[c]) for r in table)) for c in COLUMNS}
    last = COLUMNS[-1]

    def line(cells):
        parts = []
        for c in COLUMNS:
            text = cells[c]
            if c == last:
                parts.append(text)
            elif c in _RIGHT:
                parts.append(text.rjust(widths[c]))
            else:
                parts.append(text.ljust(widths[c]))
        return "  ".join(parts).rstrip()

    out = [line({c: c for c in COLUMNS}), line({c: "-" * widths[c] for c in COLUMNS})]
    out += [line(r) for r in table]
    return "\n".join(out) + "\n"


def report(file=None) -> None:
    """Print every function jitcy knows as an aligned table (to ``file``, default stdout)."""
    from .decorator import stats
    (file or sys.stdout).write(format_report(stats()))


def _signatures(hf, types_):
    if types_ is not None:
        return [tuple(types_)]
    sigs = [s.arg_types for s in hf.specializations]
    if not sigs and hf.sigs:
        sigs = [max(hf.sigs.items(), key=lambda item: item[1])[0]]
    return sigs


def _local_rows(typed) -> list:
    rows_ = []
    for name in sorted(typed.locals, key=lambda n: (n not in typed.params, n)):
        inferred = typed.types.get(name) or "object"
        ctype = typed.c_type(name)
        kind = "parameter" if name in typed.params else "local"
        where = "Python object" if ctype == "object" else f"C {ctype}" if ctype in (
            "long long", "double", "bint") else f"Cython {ctype}"
        rows_.append((name, kind, inferred, where))
    return rows_


def _python_ints(typed) -> list:
    return [n for n in sorted(typed.locals)
            if typed.types.get(n) == "int" and typed.c_type(n) == "object"]


def _int_summary(typed) -> str:
    if typed.c_ints:
        return "ints as C long long (an overflow re-runs the call interpreted)"
    c = [n for n in sorted(typed.locals)
         if typed.types.get(n) == "int" and typed.c_type(n) != "object"]
    py = _python_ints(typed)
    parts = ([f"C long long for {', '.join(c)} (bounded)"] if c else []) + (
        [f"Python ints for {', '.join(py)}"] if py else [])
    return "ints: " + ("; ".join(parts) if parts else "none")


def _slow_lines(typed) -> list:
    """(line, why) for every line that still goes through Python objects."""
    out = list(typed.notes or [])
    objects = [n for n in sorted(typed.locals) if typed.c_type(n) == "object"]
    if objects:
        out.append((typed.node.lineno, "Python objects (type not known, or it varies): "
                    + ", ".join(objects)))
    py_ints = _python_ints(typed)
    if py_ints:
        out.append((typed.node.lineno, f"ints kept as Python ints ({', '.join(py_ints)}): the "
                    "function is not pure (it calls or stores outside its locals) and no bound "
                    "on them is proven, so a C integer could overflow where Python's does not"))
    return sorted(out, key=lambda item: (item[0] or 0))


def _pyx_lines(pyx: str, full: bool) -> list:
    """The generated module; without ``full``, from the function's own code on (the
    support code above it is the same for every function)."""
    from .translator import naming
    lines = pyx.rstrip().split("\n")
    marks = (naming.IMPL_C, naming.IMPL_OBJ, naming.DEOPT, naming.PREFIX + "BARE_BUILTINS")
    start = next((i for i, line in enumerate(lines)
                  if line.startswith("cdef ") and any(m in line for m in marks)), 0)
    if full or start == 0:
        return ["generated .pyx:"] + lines
    return ([f"generated .pyx (from line {start + 1}; lines 1-{start} are jitcy's support code, "
             f"explain(f, full=True) prints them):"] + lines[start:])


def format_explain(func, hf, results: list, html_paths: list, full: bool = False) -> str:
    st = hf.stats()
    out = [f"jitcy.explain: {hf.qualname} ({hf.filename}:{hf.firstlineno})",
           f"state: {st['state']}" + (f"; reason: {st['reason']}" if st["reason"] else "")]
    if not results:
        out.append("no argument types observed yet: call the function, or pass "
                   "jitcy.explain(f, types=(int, float))")
    for i, res in enumerate(results, 1):
        sig = ", ".join(t.__name__ for t in res["arg_types"]) or "no arguments"
        out += ["", f"== specialization {i}: ({sig}) -> module {res['module_name']}"]
        if res["error"]:
            out.append(f"not compiled: {res['error']}")
            continue
        typed = res["typed"]
        out.append(f"return type: {typed.return_type}; {_int_summary(typed)}")
        out.append("types of locals:")
        table = _local_rows(typed)
        w = max(len(r[0]) for r in table) if table else 0
        out += [f"  {n.ljust(w)}  {k:9}  {t:7}  -> {where}" for n, k, t, where in table]
        slow = _slow_lines(typed)
        out.append("still going through Python objects:" if slow else
                   "still going through Python objects: nothing found")
        for line, why in slow:
            text = linecache.getline(hf.filename, line).strip() if line else ""
            out.append(f"  line {line}: {why}" + (f"\n      | {text}" if text else ""))
        out += _pyx_lines(res["pyx"], full)
    for path in html_paths:
        out.append(f"annotated HTML: {path}")
    return "\n".join(out) + "\n"


def explain(func, html=None, types=None, file=None, full=False) -> str:
    """Print (to ``file``, default stdout) and return what jitcy generates for ``func``.

    ``html=path`` also writes Cython's annotated HTML (one file per specialization: the
    second is ``<stem>-2<suffix>`` and so on). ``types=(int, float)`` explains those
    argument types instead of the compiled or observed ones. ``full=True`` prints the
    whole module, support code included.
    """
    from . import pipeline
    from .decorator import _state_of
    hf = _state_of(func, "explain")
    results = [pipeline.explain(hf, sig) for sig in _signatures(hf, types)]
    html_paths = []
    if html is not None:
        base = pathlib.Path(html)
        for i, res in enumerate(r for r in results if r["pyx"]):
            path = base if i == 0 else base.with_name(f"{base.stem}-{i + 1}{base.suffix}")
            html_paths.append(pipeline.annotate_html(res["module_name"], res["pyx"], path))
    text = format_explain(func, hf, results, html_paths, full)
    (file or sys.stdout).write(text)
    return text
