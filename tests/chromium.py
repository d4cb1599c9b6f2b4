"""A small Chrome DevTools Protocol client: headless Chromium, driven over its websocket, for the browser tests.

Debian's ``chromium`` and the ``websocket-client`` package are all it needs (no WebDriver, no Node).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import websocket

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
    # NOTE: without these, Chromium tries to reach Google's hosts at every start (and waits for them).
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
)


def find_chromium() -> str | None:
    """The browser to drive: ``$REFCHECK_CHROMIUM``, else the first Chromium on the PATH."""
    chosen = os.environ.get("REFCHECK_CHROMIUM")
    if chosen:
        return chosen
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class Page:
    """One browser tab: send a DevTools command and wait for its answer; events are kept in order."""

    def __init__(self, socket: websocket.WebSocket) -> None:
        self._socket = socket
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, timeout: float = 60, **params: Any) -> dict[str, Any]:
        """Run one command; its result, or an AssertionError with the browser's error."""
        self._next_id += 1
        ident = self._next_id
        self._socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            self._socket.settimeout(max(deadline - time.monotonic(), 0.01))
            message = json.loads(self._socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, timeout: float = 60) -> dict[str, Any]:
        """The first event of this name not yet consumed, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for index, seen in enumerate(self.events):
                if seen["method"] == event:
                    return self.events.pop(index)
            self._socket.settimeout(max(deadline - time.monotonic(), 0.01))
            message = json.loads(self._socket.recv())
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        """A script's value (awaited when it is a promise), or an AssertionError with the exception."""
        answer = self.send("Runtime.evaluate", timeout=timeout, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in answer:
            raise AssertionError(f"script failed: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def open(self, url: str, width: int = 1280, height: int = 1000) -> None:
        """Show a page in a window of this size, once it has loaded."""
        self.resize(width, height)
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def resize(self, width: int, height: int) -> None:
        """A window of this many CSS pixels (scale 1)."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def screenshot(self) -> bytes:
        """What the window shows, as PNG."""
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def pdf(self) -> bytes:
        """The page printed as the browser prints it (its own ``@page`` size: A4 landscape)."""
        answer = self.send("Page.printToPDF", timeout=120, preferCSSPageSize=True, printBackground=True)
        return base64.b64decode(answer["data"])


@contextmanager
def browser(executable: str, timeout: float = 30) -> Iterator[Page]:
    """A headless Chromium with a fresh profile, and its one tab; both gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="refcheck-chromium-") as profile:
        process = subprocess.Popen(
            [executable, *_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            port = _devtools_port(Path(profile), process, timeout)
            socket = websocket.create_connection(_tab(port, timeout), timeout=timeout, suppress_origin=True)
            try:
                page = Page(socket)
                page.send("Page.enable")
                page.send("Network.enable")
                yield page
            finally:
                socket.close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _devtools_port(profile: Path, process: subprocess.Popen[bytes], timeout: float) -> int:
    """The port Chromium chose, from the file it writes into its profile once it listens."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Chromium exited with {process.returncode} before it listened")
        if marker.exists() and (lines := marker.read_text().splitlines()):
            return int(lines[0])
        time.sleep(0.05)
    raise RuntimeError(f"Chromium did not listen within {timeout:g} s")


def _tab(port: int, timeout: float) -> str:
    """The websocket address of Chromium's first tab."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as answer:
        targets = json.load(answer)
    return str(next(target for target in targets if target["type"] == "page")["webSocketDebuggerUrl"])


def pdf_pages(document: bytes) -> int:
    """The number of pages in a PDF that Chromium wrote (its page objects, ``/Type /Page``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", document))
