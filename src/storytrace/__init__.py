"""storytrace: which articles tell the same story, who copied whom, and which claims stand on independent sources."""

from __future__ import annotations

__version__ = "0.1.0"

from storytrace.errors import InputError, MissingExtra, SchemaError, StoreError, StorytraceError, UsageError
from storytrace.options import Options

__all__ = [
    "InputError",
    "MissingExtra",
    "Options",
    "SchemaError",
    "StoreError",
    "StorytraceError",
    "UsageError",
    "__version__",
]
