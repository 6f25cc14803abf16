"""``jitcy.inline`` snippets: which names a snippet may capture, and the C type of a value.

>>> plan = scan('''
... cdef extern from "math.h":
...     double sqrt(double x)
... cdef double s = 0
... for i in range(n):
...     s += sqrt(xs[i]) * scale
... return s
... ''')
>>> sorted(plan.free)
['n', 'scale', 'xs']
>>> plan.module_lines, plan.body_lines
([0, 1], [2, 3, 4, 5])
>>> c_type_of(3), c_type_of(2.5), c_type_of(True), c_type_of("s")
('long long', 'double', 'bint', 'object')

The snippet is Cython the user wrote, so it is not analyzed like a function: it is compiled
as written. ``scan`` only splits it into the part that must live at module level (``cdef
extern``, ``cimport``, ``ctypedef``, ``cdef struct``/``class``, ``cdef`` functions, with
their indented blocks) and the function body (everything else), and lists the names the
body reads that it does not bind itself: those are captured from the caller when it has
them. Names bound in the snippet (assigned, ``cdef``-declared, loop targets, imports,
``except ... as``, ``with ... as``) and names the module part declares are not captured;
neither are attributes (``.name``), keyword-argument names, Cython's own words and Python's
keywords.
"""
from __future__ import annotations

import dataclasses
import io
import keyword
import re
import textwrap
import tokenize

_MODULE_LEVEL = re.compile(
    r"(cdef\s+extern\b|cdef\s+(struct|union|enum|class|cppclass|packed)\b|ctypedef\b|cimport\b"
    r"|from\s+\S+\s+cimport\b|cpdef\b|cdef\s+(public\s+|api\s+)?inline\b|include\b|DEF\b"
    r"|cdef\s+[^=]*\([^=]*\)\s*(noexcept\s*|nogil\s*|except\s*[^:]*)*:\s*(#.*)?$)")

#: Words that are never captured (Cython types and keywords, C words).
CYTHON_WORDS = frozenset("""
    cdef cpdef ctypedef cimport include extern nogil gil readonly public api sizeof NULL DEF
    IF ELIF ELSE char short int long double float signed unsigned void bint Py_ssize_t size_t
    const volatile struct union enum inline fused cython typeof noexcept object complex
    int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t Py_UCS4 Py_UNICODE
    True False None print range len abs min max
""".split())


@dataclasses.dataclass(frozen=True)
class SnippetPlan:
    text: str                  # the snippet, dedented
    module_lines: list         # 0-based line numbers that go at module level
    body_lines: list           # 0-based line numbers of the function body
    free: frozenset            # names the body reads and does not bind (capture candidates)


def scan(code: str) -> SnippetPlan:
    text = textwrap.dedent(code).strip("\n")
    lines = text.split("\n") if text else []
    module_lines, body_lines = [], []
    in_module_block = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        indented = line[:1].isspace()
        if not indented and stripped:
            in_module_block = bool(_MODULE_LEVEL.match(stripped))
        if in_module_block and (indented or not stripped or _MODULE_LEVEL.match(stripped)):
            module_lines.append(number)
        else:
            in_module_block = in_module_block and not stripped == ""
            body_lines.append(number)
    module_text = "\n".join(lines[i] for i in module_lines)
    body_text = "\n".join(lines[i] for i in body_lines)
    declared = _declared_in_module_part(module_text)
    reads, bound = _names(body_text)
    free = frozenset(n for n in reads - bound - declared
                     if n not in CYTHON_WORDS and not keyword.iskeyword(n))
    return SnippetPlan(text=text, module_lines=module_lines, body_lines=body_lines, free=free)


def _tokens(text: str):
    """(type, string) tokens; a snippet that Python's tokenizer rejects is split by regex."""
    try:
        return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(text).readline)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        text = re.sub(r"#.*", "", text)
        text = re.sub(r"'(\\.|[^'\\])*'|\"(\\.|[^\"\\])*\"", "''", text)
        return [(tokenize.NAME if re.match(r"[A-Za-z_]", s) else tokenize.OP, s)
                for s in re.findall(r"[A-Za-z_]\w*|==|!=|<=|>=|[-+*/%&|^<>]=|\S", text)]


def _declared_in_module_part(text: str) -> set:
    """Function, type and cimported names the module part declares."""
    declared = set()
    tokens = [t for t in _tokens(text) if t[0] in (tokenize.NAME, tokenize.OP)]
    for i, (kind, string) in enumerate(tokens):
        if kind != tokenize.NAME:
            continue
        after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        before = tokens[i - 1][1] if i else ""
        if after == "(" or before in ("struct", "union", "enum", "class", "cppclass", "cimport",
                                      "as") or (after in (":", "\n", "") and before not in ("",)):
            declared.add(string)
    for line in text.split("\n"):
        m = re.match(r"\s*(ctypedef\s.*?|from\s+\S+\s+cimport\s+(?P<names>.*))$", line)
        if m and m.group("names"):
            declared.update(n.split(" as ")[-1].strip() for n in m.group("names").split(","))
        elif line.lstrip().startswith("ctypedef"):
            words = re.findall(r"[A-Za-z_]\w*", line)
            if words:
                declared.add(words[-1])
        elif re.match(r"\s*cimport\s", line):
            declared.update(w.split(" as ")[-1].strip().split(".")[0]
                            for w in line.strip()[len("cimport"):].split(","))
    return declared


def _names(text: str):
    """``(read, bound)``: names the body reads, and names it binds."""
    reads, bound = set(), set()
    tokens = [t for t in _tokens(text)
              if t[0] in (tokenize.NAME, tokenize.OP, tokenize.NEWLINE, tokenize.NL,
                          tokenize.NUMBER, tokenize.STRING)]
    statement_start = True
    depth = 0
    in_cdef = False
    for i, (kind, string) in enumerate(tokens):
        if kind in (tokenize.NEWLINE, tokenize.NL):
            if depth == 0:
                statement_start, in_cdef = True, False
            continue
        prev = tokens[i - 1][1] if i else ""
        after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if kind == tokenize.OP:
            depth += string in "([{"
            depth -= string in ")]}"
            if string == ":" and depth == 0:
                statement_start = True   # `if x: y = 1`
            continue
        first = statement_start
        statement_start = False
        if kind != tokenize.NAME:
            continue
        if first and string in ("cdef", "cpdef"):
            in_cdef = True
            continue
        if in_cdef and depth == 0:
            # cdef double[:] a, b = x * 2: each declared name is the last name before ',', '='
            # or the end; names after '=' are reads.
            if _declares(tokens, i):
                bound.add(string)
            elif _after_equals(tokens, i):
                reads.add(string)
            continue
        if prev == "." or (after == "=" and depth > 0):
            continue          # attribute, or a keyword argument's name
        if prev in ("for", "as", "import", "def", "class", "global", "nonlocal") or (
                prev == "," and _binding_list(tokens, i)):
            bound.add(string)
            continue
        if after in ("=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=",
                     "<<=", ">>=", "@=") and depth == 0:
            bound.add(string)
            if after != "=":
                reads.add(string)
            continue
        if after == "," and first and _assigned_tuple(tokens, i):
            bound.add(string)
            continue
        reads.add(string)
    return reads, bound


def _declares(tokens, i) -> bool:
    """In a cdef line, is the name at ``i`` a declared name (followed by , = [size] or end,
    and not after '=')?"""
    if _after_equals(tokens, i):
        return False
    j = i + 1
    if j < len(tokens) and tokens[j][1] == "[" and not any(
            tokens[k][1] == ":" for k in range(j, min(len(tokens), j + 8))
            if tokens[k][1] != "]"):
        return True       # int x[10]
    return j >= len(tokens) or tokens[j][1] in (",", "=", "") or tokens[j][0] in (
        tokenize.NEWLINE, tokenize.NL)


def _after_equals(tokens, i) -> bool:
    j, depth = i - 1, 0
    while j >= 0 and tokens[j][0] not in (tokenize.NEWLINE, tokenize.NL):
        s = tokens[j][1]
        if s in ")]}":
            depth += 1
        elif s in "([{":
            depth -= 1
        elif s == "," and depth == 0:
            return False
        elif s == "=" and depth == 0:
            return True
        j -= 1
    return False


def _statement(tokens, i):
    start = i
    while start > 0 and tokens[start - 1][0] not in (tokenize.NEWLINE, tokenize.NL):
        start -= 1
    end = i
    while end < len(tokens) and tokens[end][0] not in (tokenize.NEWLINE, tokenize.NL):
        end += 1
    return [t[1] for t in tokens[start:end]]


def _binding_list(tokens, i) -> bool:
    """``for a, b in``, ``import a, b``, ``a, b = ...``: is this name after a comma bound?"""
    words = _statement(tokens, i)
    if words and words[0] in ("for", "import", "global", "nonlocal"):
        k = words.index("in") if "in" in words else len(words)
        return words[0] != "for" or _position(tokens, i) < k
    return "=" in words and _position(tokens, i) < words.index("=")


def _position(tokens, i) -> int:
    start = i
    while start > 0 and tokens[start - 1][0] not in (tokenize.NEWLINE, tokenize.NL):
        start -= 1
    return i - start


def _assigned_tuple(tokens, i) -> bool:
    words = _statement(tokens, i)
    return "=" in words


#: Python scalar types -> the C type a captured value gets.
_SCALARS = {float: "double", bool: "bint", complex: "double complex"}
_DTYPES = {"float64": "double", "float32": "float", "int64": "int64_t", "int32": "int32_t",
           "int16": "int16_t", "int8": "int8_t", "uint64": "uint64_t", "uint32": "uint32_t",
           "uint16": "uint16_t", "uint8": "uint8_t", "complex128": "double complex",
           "complex64": "float complex"}
_LLONG = 2**63


def c_type_of(value) -> str:
    """The Cython type a snippet parameter gets for ``value``: ``long long`` for an int that
    fits (a bigger one stays a Python object), ``double``, ``bint``, ``double complex``, a
    typed memoryview for a NumPy array of a plain numeric dtype (``const`` when it is read
    only, ``::1`` on the last axis when C-contiguous), ``object`` for anything else."""
    t = type(value)
    if t is int:
        return "long long" if -_LLONG <= value < _LLONG else "object"
    c = _SCALARS.get(t)
    if c is not None:
        return c
    if t.__name__ == "ndarray" and t.__module__ == "numpy":
        return _memoryview(value)
    return "object"


_bases: dict = {}       # dtype -> C element type or None (dtype.name costs microseconds)
_views: dict = {}       # (base, ndim, c_contiguous, writeable) -> memoryview type


def _memoryview(array) -> str:
    dtype = array.dtype
    try:
        base = _bases[dtype]
    except KeyError:
        base = _bases[dtype] = _DTYPES.get(dtype.name) if dtype.isnative else None
    ndim = array.ndim
    if base is None or ndim == 0:
        return "object"
    flags = array.flags
    shape = (base, ndim, flags.c_contiguous, flags.writeable)
    try:
        return _views[shape]
    except KeyError:
        axes = [":"] * ndim
        if shape[2]:
            axes[-1] = "::1"
        const = "" if shape[3] else "const "
        view = _views[shape] = f"{const}{base}[{', '.join(axes)}]"
        return view
