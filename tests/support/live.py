"""Start the real Aisle server in a child process on loopback, for tests and benchmarks.

The server is the same program a store runs: ``python -m aisle demo`` on a fresh data folder.
``LiveServer`` parses what the demo prints (the cart screen's address with its device token, and
the staff login), waits until ``/healthz`` answers, and kills the process when done.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

_CART_LINE = re.compile(r"Cart screen:\s+(?P<url>\S+/cart)#device=(?P<token>\S+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    data_dir: Path
    port: int = field(default_factory=free_port)
    env_extra: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None
    device_token: str = ""
    output: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> LiveServer:
        env = {**os.environ, "AISLE_DATA_DIR": str(self.data_dir), **self.env_extra}
        if "AISLE_DATABASE_URL" not in self.env_extra:
            env.pop("AISLE_DATABASE_URL", None)  # the demo's own SQLite, not the caller's database
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aisle",
                "demo",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                if self.process.poll() is not None:
                    raise RuntimeError("server exited:\n" + "".join(self.output))
                continue
            self.output.append(line)
            match = _CART_LINE.search(line)
            if match:
                self.device_token = match["token"]
                break
        else:
            raise RuntimeError("server printed no cart screen address:\n" + "".join(self.output))
        self._drain()
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz:\n" + "".join(self.output))

    def _drain(self) -> None:
        """Keep reading the child's output so its pipe never fills up and blocks it."""

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)

        threading.Thread(target=pump, daemon=True).start()

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what was committed must survive."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
