"""Stage 6: import a built extension by path and bind it to a function object."""
from .load import bind, fast_path, import_extension, link
from .tracebacks import fix_traceback

__all__ = ["bind", "fast_path", "import_extension", "link", "fix_traceback"]
