"""The on-disk cache: keys, the cache root, and the store (design.md section 5).

``keys``: what a compiled module depends on, hashed; ``location``: where the cache lives and
whether it is safe; ``layout``: the on-disk names; ``store``: lookup, lock, publish.
"""
from __future__ import annotations

from . import aot
from .evict import evict_if_needed
from .keys import code_fingerprint, make_key
from .layout import FORMAT_VERSION
from .location import cache_root, reset_root
from .store import Entry, Store

__all__ = [
    "FORMAT_VERSION",
    "aot",
    "Entry",
    "Store",
    "cache_root",
    "code_fingerprint",
    "evict_if_needed",
    "make_key",
    "reset_root",
]
