"""Headless Chromium driven over the Chrome DevTools Protocol, with the Python standard library only.

Chromium's ``--remote-debugging-pipe`` reads protocol commands from file descriptor 3 and writes
replies and events to descriptor 4, each message a JSON text ended by a NUL byte: no websocket
client and no driver binary are needed (Puppeteer talks to Chromium the same way). The site is
served by :class:`SiteServer` on 127.0.0.1, so the browser sees it as a reader would (HTTP, with
404s for missing files) and Sphinx's search can fetch its index.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import http.server
import json
import os
import select
import shutil
import tempfile
import threading
import time
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    """The Chromium executable: ``$TSLEARNKIT_CHROMIUM`` or the first of :data:`CHROMIUM_NAMES` on PATH."""
    explicit = os.environ.get("TSLEARNKIT_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports failures itself
        pass


class SiteServer:
    """The folder ``root`` over HTTP on 127.0.0.1 (a free port), in a thread, until :meth:`close`."""

    def __init__(self, root):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class CDPError(RuntimeError):
    """The browser answered a command with an error, died, or did not answer in time."""


class Browser:
    """One headless Chromium with one page, driven over a pipe.

    Args:
        executable: the Chromium binary.
        width, height: the viewport in CSS pixels.
        timeout: seconds any one command or wait may take.
    """

    def __init__(self, executable: str, *, width: int = 1280, height: int = 900, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="tslearnkit-chromium-")
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # Chromium wants the pipe on descriptors 3 and 4; copy ours to 10 and above first so that
        # the dup2 below never meets a descriptor that already is 3 or 4.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_read, replies_write)]
        for fd in (commands_read, replies_write):
            os.close(fd)
        self._log = open(Path(self.profile) / "chromium.log", "wb")  # noqa: SIM115 (closed in close())
        args = [
            executable,
            "--headless",
            "--remote-debugging-pipe",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        actions = [  # the log first: its descriptor may be 3 or 4 here
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, self._log.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, self._log.fileno(), 2),
            (os.POSIX_SPAWN_DUP2, high[0], 3),
            (os.POSIX_SPAWN_DUP2, high[1], 4),
        ]
        self.pid = os.posix_spawn(executable, args, os.environ, file_actions=actions, setpgroup=0)
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.send(f"{domain}.enable", session=True)
        self.width, self.height = width, height
        self._viewport(width, height)

    # --- the protocol ---------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError(f"no answer from Chromium in {self.timeout:.0f} s")
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise CDPError(f"Chromium closed the pipe; its log: {self.log_tail()}")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, *, session: bool = False, **params) -> dict:
        """Send one command and return its result; events that arrive meanwhile go to :attr:`events`."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str, timeout: float | None = None) -> dict:
        """The first event named ``event`` not yet consumed (waiting for it if needed)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, seen in enumerate(self.events):
                if seen.get("method") == event:
                    return self.events.pop(i)
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise CDPError(f"{expression[:80]}...: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    # --- what a test does with a page -------------------------------------------------------------

    def open(self, url: str, *, settle: float = 0.3) -> list[dict]:
        """Load ``url``; return the page's failed requests: ``{"url", "why"}`` for every request
        that failed or answered 400 or more, including those of images and scripts. Every URL the
        page requested is left in :attr:`requested`."""
        self.events.clear()
        self.requested: list[str] = []
        self.send("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        time.sleep(settle)  # late requests (scripts that load after the load event)
        self.evaluate("1")  # drains the events that came meanwhile
        urls, failed = {}, []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
                self.requested.append(params["request"]["url"])
            elif event["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
                failed.append({"url": params["response"]["url"], "why": f"HTTP {params['response']['status']}"})
            elif event["method"] == "Network.loadingFailed" and not params.get("canceled"):
                failed.append({"url": urls.get(params["requestId"], "?"), "why": params.get("errorText", "failed")})
        return failed

    def screenshot(self, path, *, full_page: bool = False, max_height: int = 30000, scale: float = 1.0) -> Path:
        """A PNG of the viewport, or of the whole page (up to ``max_height`` CSS pixels) drawn in a
        viewport as tall as the page, at ``path``."""
        params = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]
            height = min(int(size["height"]), max_height)
            self._viewport(self.width, height)
            params["clip"] = {"x": 0, "y": 0, "width": self.width, "height": height, "scale": scale}
        try:
            data = self.send("Page.captureScreenshot", session=True, **params)["data"]
        finally:
            if full_page:
                self._viewport(self.width, self.height)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def _viewport(self, width: int, height: int) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def log_tail(self, chars: int = 2000) -> str:
        self._log.flush()
        return (Path(self.profile) / "chromium.log").read_text(errors="replace")[-chars:]

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (CDPError, OSError):
            pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                break
            time.sleep(0.1)
        else:  # still running: end its process group (the browser and the helpers it started)
            try:
                os.killpg(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        for fd in (self._commands, self._replies):
            os.close(fd)
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
