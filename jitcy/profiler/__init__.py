"""Stage 1: call counts, cumulative time and observed argument types (see probe.py)."""
from .probe import make_probe

__all__ = ["make_probe"]
