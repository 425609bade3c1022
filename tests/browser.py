"""A real browser for tests: Debian's ``chromium`` driven by Playwright, with nothing downloaded.

``render/setup.sh`` installs the browser (apt package ``chromium``; on macOS ``brew install
--cask chromium``) and ``pip install -e .[dev]`` installs Playwright's Python package, which is
pointed at that browser (``executable_path``); ``playwright install`` is never run.

    from tests.browser import offline_page

    with offline_page(path_or_url) as (page, log):
        page.keyboard.press("ArrowRight")
        assert not log.left_machine and not log.errors

Every page opens offline: Chromium's own background traffic is switched off (the flags below),
host names resolve to nothing, and any http(s)/ws(s) request is recorded and aborted. ``log``
holds every request the page made and every console error and uncaught exception.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# The browser, in the order looked for: $GD_CHROMIUM, Debian's package, macOS's cask.
CANDIDATES = ("/usr/bin/chromium", "/Applications/Chromium.app/Contents/MacOS/Chromium")
INSTALL = ("Chromium is missing; run make setup (it installs Debian's chromium package: sudo "
           "apt-get install chromium; on macOS: brew install --cask chromium)")
FLAGS = (
    "--no-sandbox",  # tests run as root on CI
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--disable-default-apps", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: nothing can leave the machine
    "--autoplay-policy=user-gesture-required",  # as a browser opened by hand
)
# Requests that stay on the machine (everything else is recorded and aborted).
LOCAL_SCHEMES = ("file", "data", "blob", "about")
_REMOTE = re.compile(r"^(https?|wss?|ftp)://", re.I)


def chromium_executable() -> str:
    """The browser to drive, or RuntimeError saying how to install it."""
    for path in filter(None, (os.environ.get("GD_CHROMIUM"), *CANDIDATES)):
        if Path(path).exists() and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium")
    if found:
        return found
    raise RuntimeError(INSTALL)


@dataclass
class PageLog:
    """What a page did: every request URL, console errors and uncaught exceptions."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def left_machine(self) -> list[str]:
        """Requests whose scheme is not a local one (file:, data:, blob:, about:)."""
        return [u for u in self.requests if u.split(":", 1)[0].lower() not in LOCAL_SCHEMES]

    @property
    def not_file(self) -> list[str]:
        """Requests that are not ``file:`` at all."""
        return [u for u in self.requests if not u.lower().startswith("file:")]


@contextmanager
def browser(**launch_options):
    """A headless Chromium (Playwright ``Browser``) with the offline flags and a fresh profile
    (Playwright's ``launch`` makes a new temporary user-data dir for each browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RuntimeError("Playwright is missing; run make setup (pip install -e .[dev])") from None
    exe = chromium_executable()
    args = [*FLAGS, *launch_options.pop("args", ())]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=args, headless=True, **launch_options)
        try:
            yield b
        finally:
            b.close()


def _url(target) -> str:
    s = str(target)
    if re.match(r"^[a-z][a-z0-9+.-]*:", s, re.I) and not re.match(r"^[a-z]:[\\/]", s, re.I):
        return s
    return Path(s).resolve().as_uri()


@contextmanager
def offline_page(target, *, width: int = 1280, height: int = 720, goto: bool = True,
                 wait_until: str = "load"):
    """Open ``target`` (a path or URL) in a new page: yields ``(page, log)``.

    Remote requests are recorded in ``log.requests`` and aborted; console errors and uncaught
    exceptions go to ``log.errors``. The page is loaded before the block runs unless ``goto`` is
    false (then call ``page.goto`` yourself, after adding your own listeners)."""
    log = PageLog()
    with browser() as b:
        context = b.new_context(viewport={"width": width, "height": height},
                                service_workers="block")
        context.route(_REMOTE, lambda route: route.abort("internetdisconnected"))
        page = context.new_page()
        page.on("request", lambda r: log.requests.append(r.url))
        page.on("console", lambda m: log.errors.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: log.errors.append(f"exception: {e}"))
        page.on("popup", lambda p: p.on("request", lambda r: log.requests.append(r.url)))
        if goto:
            page.goto(_url(target), wait_until=wait_until)
        try:
            yield page, log
        finally:
            context.close()


def screenshot(target, out, *, width: int = 1280, height: int = 720, wait_ms: int = 500) -> PageLog:
    """Save a PNG of ``target`` as the browser shows it (for looking at, not for asserting)."""
    with offline_page(target, width=width, height=height) as (page, log):
        page.wait_for_timeout(wait_ms)
        page.screenshot(path=str(out))
    return log


if __name__ == "__main__":  # python -m tests.browser PAGE OUT.png: look at a page
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.browser PAGE OUT.png")
    result = screenshot(sys.argv[1], sys.argv[2])
    for line in result.errors + [f"request: {u}" for u in result.left_machine]:
        print(line)
