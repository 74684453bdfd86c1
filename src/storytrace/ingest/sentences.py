"""Sentence boundaries as half-open character offsets into the article text."""

from __future__ import annotations

import re

from storytrace.records import Span

# A provisional rule-based splitter; replaced by a tuned one in the ingest stage.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)]?)\s+(?=[\"'“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        chunk = para.group()
        pos = 0
        for m in _BOUNDARY.finditer(chunk):
            if chunk[pos : m.start()].strip():
                spans.append((start + pos, start + m.start() + len(m.group(1))))
            pos = m.end()
        if chunk[pos:].strip():
            spans.append((start + pos, start + len(chunk.rstrip())))
    return spans
