"""Stage 6: import a built extension by path and bind it to a function object."""
from .load import bind, import_extension, link
from .tracebacks import fix_traceback

__all__ = ["bind", "import_extension", "link", "fix_traceback"]
