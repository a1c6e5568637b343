"""Real Chromium for the tests, from Debian's packages (`make browser` installs it), driven by Playwright.

Nothing is downloaded at run time: Playwright is told to start /usr/bin/chromium, never a browser of its own.
Pages are opened offline: every request that is not a local file (or data:, blob:, about:) is aborted and
recorded, so a page that reaches for the network fails its test instead of quietly working here.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("KMSFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

# The machine's network is closed: without these, Chromium opens background connections that are refused
# many at a time, and looks up its vendor's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@dataclass
class OfflinePage:
    """A Playwright page with what it said on the console and the requests it tried to make."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)


def launch(playwright):
    """Debian's Chromium, headless (Playwright's default)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def offline_page(browser, *, width: int = 1280, height: int = 900, accept_downloads: bool = False) -> OfflinePage:
    """A fresh page in its own context, with the network cut off and console errors collected."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=accept_downloads)
    page = context.new_page()
    result = OfflinePage(page)

    def on_console(message):
        if message.type == "error":
            result.console_errors.append(message.text)

    def on_route(route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            result.blocked_requests.append(url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.console_errors.append(str(error)))
    context.route("**/*", on_route)
    return result
