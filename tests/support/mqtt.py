"""An MQTT broker for the ingest tests: the one at AISLE_TEST_MQTT_URL (default
mqtt://127.0.0.1:1883), or a private Mosquitto on a free port where none answers there.
The tests never skip for want of a broker: if neither works, they fail and say why."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from aisle.adapters.mqtt import broker_address
from tests.support.live import free_port

DEFAULT_URL = "mqtt://127.0.0.1:1883"


def _answers(url: str) -> bool:
    host, port = broker_address(url)
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def mqtt_broker() -> Iterator[str]:
    url = os.environ.get("AISLE_TEST_MQTT_URL", DEFAULT_URL)
    if _answers(url):
        yield url
        return
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        raise RuntimeError(
            f"No MQTT broker answers at {url} and Mosquitto is not installed: "
            "install it (apt-get install -y mosquitto) or set AISLE_TEST_MQTT_URL"
        )
    folder = Path(tempfile.mkdtemp(prefix="aisle-mqtt-"))
    port = free_port()
    config = folder / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.DEVNULL)
    private = f"mqtt://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not _answers(private):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"Mosquitto did not start on port {port}")
            time.sleep(0.05)
        yield private
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
