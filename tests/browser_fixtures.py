"""Shared browser fixtures: Playwright driving Debian's Chromium (never a browser download).

The fixtures are registered once for the whole session by ``pytest_plugins`` in conftest.py (importing them into a
test module would make a second session-scoped browser, and two sync Playwright drivers cannot share a thread)::

    pytestmark = pytest.mark.browser

    def test_x(new_page):
        page = new_page(viewport={"width": 390, "height": 844})

Tests that need the browser skip with a plain message when /usr/bin/chromium or the playwright package is absent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Flags from ../shared/docs/PLATFORM.md section 2: headless in a container, as root, no network chatter.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    """Debian's Chromium (or $STORYTRACE_CHROMIUM), or None when it is not installed."""
    for candidate in (os.environ.get("STORYTRACE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(playwright: Any) -> Any:
    """Launch Chromium through an already started ``sync_playwright()``; used by the fixture and bench/screens.py."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session; skips plainly when it cannot be had."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium); browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """A factory of fresh pages (each in its own context); all closed after the test.

    Every page records JavaScript dialogs in ``page.dialogs`` (and dismisses them) and console errors in
    ``page.console_errors``, so a test can assert that nothing fired.
    """
    contexts: list[Any] = []

    def make(**context_args: Any) -> Any:
        context_args.setdefault("viewport", DESKTOP)
        ctx = browser.new_context(**context_args)
        contexts.append(ctx)
        page = ctx.new_page()
        page.dialogs = []
        page.console_errors = []

        def on_dialog(dialog: Any) -> None:
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for ctx in contexts:
        ctx.close()
