"""Stage 1: call counts, cumulative time and observed argument types (see probe.py)."""
from .arrays import ArrayType, TupleType, type_key, type_name
from .probe import make_probe

__all__ = ["make_probe", "ArrayType", "TupleType", "type_key", "type_name"]
