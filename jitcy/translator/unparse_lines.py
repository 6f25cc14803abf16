"""``ast.unparse`` that ends every statement line with the user's line number, so a
traceback from compiled code can name the user's line (and ``explain`` can show it).

>>> import ast
>>> tree = ast.parse("x = 1\\nif x:\\n    y = 2", type_comments=False)
>>> print(unparse_with_lines(tree))
x = 1  # line 1
if x:  # line 2
    y = 2  # line 3

A docstring is written as a one-line string literal (never triple-quoted), so no output
line ends inside a string and the marks are always comments. :func:`line_map` reads the
marks back from the complete ``.pyx`` text.
"""
from __future__ import annotations

import ast
import re

from . import naming

LINE_MARK_RE = re.compile(re.escape(naming.LINE_MARK) + r"(\d+)$")


class _Unparser(ast._Unparser):  # private, but stable from 3.9 to 3.13
    def __init__(self, **options):
        # ast's unparser makes nested ones for f-string parts with type(self)(**options)
        super().__init__(**options)
        self._line = None
        self._marks = {}          # output line index -> user line
        self._newlines = 0

    def write(self, *text):
        for t in text:
            self._newlines += t.count("\n")
        super().write(*text)

    def fill(self, text=""):
        self.maybe_newline()
        if self._line is not None:
            self._marks[self._newlines] = self._line
        self.write("    " * self._indent + text)

    def maybe_newline(self):
        if self._source:
            self.write("\n")

    def traverse(self, node):
        if isinstance(node, (ast.stmt, ast.excepthandler)) and getattr(node, "lineno", None):
            saved, self._line = self._line, node.lineno
            try:
                return super().traverse(node)
            finally:
                self._line = saved
        return super().traverse(node)

    def _write_docstring_and_traverse_body(self, node):
        self.traverse(node.body)


def unparse_with_lines(node: ast.AST) -> str:
    unparser = _Unparser()
    text = unparser.visit(node)
    lines = text.split("\n")
    for index, user_line in unparser._marks.items():
        if 0 <= index < len(lines) and lines[index].strip():
            lines[index] += f"{naming.LINE_MARK}{user_line}"
    return "\n".join(lines)


def line_map(pyx_text: str) -> dict:
    """``{pyx line: user line}`` for every marked line of a complete module (1-based)."""
    out = {}
    for number, line in enumerate(pyx_text.split("\n"), start=1):
        match = LINE_MARK_RE.search(line)
        if match:
            out[number] = int(match.group(1))
    return out
