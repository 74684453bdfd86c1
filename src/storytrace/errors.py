"""storytrace's exceptions, one tree.

- ``StorytraceError``: the base; the CLI turns any of these into a one-line message and an exit code.
  - ``InputError``: one input (file, URL, stdin) cannot be read; carries ``origin`` and ``reason``. In a batch it is
    recorded as a ``Skipped`` record and the batch goes on.
  - ``UsageError``: the user asked for something that cannot be done (bad flag combination, bad ``--field`` map).
  - ``MissingExtra``: an optional part is not installed; the message names the ``pip install`` to run.
  - ``StoreError``: the database cannot be opened or written.
  - ``SchemaError``: a dossier does not validate against ``storytrace/dossier@1``.
"""

from __future__ import annotations


class StorytraceError(Exception):
    """Base of every error storytrace raises on purpose."""


class InputError(StorytraceError):
    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class UsageError(StorytraceError):
    pass


class MissingExtra(StorytraceError):
    def __init__(self, what: str, extra: str) -> None:
        super().__init__(f"{what} is not installed: pip install 'storytrace[{extra}]'")
        self.what = what
        self.extra = extra


class StoreError(StorytraceError):
    pass


class SchemaError(StorytraceError):
    pass
