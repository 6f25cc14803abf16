"""Seeing what jitcy did: ``jitcy.report()`` (a table of every function) and
``jitcy.explain(f)`` (the generated code, the type of every local, what stays slow).

>>> import jitcy
>>> jitcy.report()                                           # doctest: +SKIP
function        state    calls  interp us/call  compiled calls  est. saved s  types  ...
mod.integrate   swapped      2          1503.2           10000        14.871  float, float, int
mod.peek        failed       0               -               0             -  -      jit-unfriendly: eval() ... at mod.py:12

Rows are sorted by the estimated time saved (compiled calls times the interpreted time per
call measured while profiling, minus nothing: an upper bound, since the compiled call's
own time is not measured), then by the time spent interpreted.
"""
from __future__ import annotations

import sys


def _saved(st: dict):
    per_call = st.get("interpreted_seconds_per_call")
    calls = st.get("compiled_calls") or 0
    if per_call is None or not calls:
        return None
    return per_call * calls


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


COLUMNS = ("function", "state", "calls", "interp us/call", "compiled calls", "est. saved s",
           "compile s", "cache h/m", "guard misses", "fallbacks", "types", "reason")
_RIGHT = {"calls", "interp us/call", "compiled calls", "est. saved s", "compile s",
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
            "compiled calls": str(st.get("compiled_calls") or 0),
            "est. saved s": _num(_saved(st), ".3f"),
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
