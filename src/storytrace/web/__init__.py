"""The local web app (FastAPI + Jinja2): ``storytrace serve --db FILE``."""

from __future__ import annotations

from storytrace.web.app import create_app

__all__ = ["create_app"]
