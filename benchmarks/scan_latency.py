"""Scan-to-screen latency: from a cart's scan until its screen shows the new total.

Every cart does what a real one does on the store's network: it opens a trip, keeps the cart
screen's WebSocket open, and scans an item every ``--interval`` seconds (each cart starts at a
random point of the interval, so the scans of a busy store are spread out, not in lockstep).
Each scan goes through the real HTTP API; the figure that matters is the time from sending the
scan until the pushed cart state with the new version arrives on that cart's socket, which is
when the shopper sees the item and the total change. The HTTP answer's time is reported too.

The in-run baseline is an empty request: every cart also sends ``GET /healthz`` as often as it
scans, on the same client, half an interval after each scan. ``push_p99_over_healthz_p99`` is
then the real path's cost relative to a request that does no work, on the same machine under
the same load; it moves much less than the raw milliseconds when the machine is noisy.

At the end, every cart's state is read back: its item count and version must match the scans
that were acknowledged (each scan adds one item and one event).

The report also gives the CPU the server, the load generator and everything else on the machine
used meanwhile (from /proc, on Linux), and how late the load generator's own event loop woke up:
on a small shared machine they tell a slow server from a busy machine.

    python benchmarks/scan_latency.py            # 200 carts for 60 s against a fresh demo store
    python benchmarks/scan_latency.py --quick    # 50 carts for 15 s
    python benchmarks/scan_latency.py --url http://127.0.0.1:8000 --device-token dev_...

The last line of stdout is one JSON object with the headline figures, for scripts and CI.
The load generator shares the machine with the server, so it stays lean: one HTTP client with
keep-alive connections, no JSON parsing of the answers in the hot loop beyond finding the
version, and the uvloop event loop when it is installed.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console, Group
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # so that tests.support.live imports when run as a script

from aisle.demo.catalog import demo_products
from aisle.domain.catalog import SoldBy
from tests.support.live import LiveServer

TARGET_PUSH_P99_MS = 50.0
PUSH_TIMEOUT_S = 5.0
OPEN_CONCURRENCY = 16
LATE_S = 0.1  # a scan that starts later than this after its time means the run is overloaded
TICK_S = 0.02
_VERSION_KEY = '"version":'


@dataclass(slots=True)
class Samples:
    """What the carts measured, in seconds, plus what went wrong and how often."""

    push: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    healthz: list[float] = field(default_factory=list)
    loop_lag: list[float] = field(default_factory=list)
    late_scans: int = 0
    resent: int = 0
    problems: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Cart:
    """One cart under load: its trip, its screen's socket and the pushes that socket received."""

    index: int
    cart_id: str
    events_url: str
    headers: dict[str, str]
    socket: ClientConnection
    version: int
    scans_sent: int = 0
    acknowledged: int = 0
    screen_version: int = 0
    arrived: dict[int, float] = field(default_factory=dict)
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)


def version_of(body: str | bytes) -> int:
    """The cart's version from a cart state or push, without parsing the whole document.

    The first ``"version":`` in the text is the cart's: no other object in it has that key, and
    inside a JSON string the quotes would be escaped.
    """
    text = body.decode() if isinstance(body, bytes) else body
    at = text.find(_VERSION_KEY)
    if at < 0:
        raise ValueError(f"no cart version in {text[:200]!r}")
    start = at + len(_VERSION_KEY)
    end = start
    while text[end].isdigit():
        end += 1
    return int(text[start:end])


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (no interpolation), in the values' unit; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def scan_codes() -> list[str]:
    """The demo products sold by the piece, as the 13-digit EAN a scanner reads."""
    return [p.gtin[1:] for p in demo_products() if p.sold_by is SoldBy.EACH]


# -- one cart ------------------------------------------------------------------------------------


async def open_cart(
    client: httpx.AsyncClient, base_url: str, device_token: str, index: int
) -> Cart:
    response = await client.post(
        "/api/v1/carts", headers={"Authorization": f"Bearer {device_token}"}
    )
    response.raise_for_status()
    created = response.json()
    cart_id, token = created["cart_id"], created["token"]
    ws_url = base_url.replace("http", "ws", 1) + f"/api/v1/carts/{cart_id}/live?token={token}"
    socket = await connect(ws_url, proxy=None, max_size=2**22, open_timeout=30)
    first = version_of(await socket.recv())
    return Cart(
        index=index,
        cart_id=cart_id,
        events_url=f"/api/v1/carts/{cart_id}/events",
        headers={"Authorization": f"Bearer {token}"},
        socket=socket,
        version=first,
        screen_version=first,
    )


async def listen(cart: Cart) -> None:
    """Note when each version reaches the screen; wake the scan that waits for it."""
    async for message in cart.socket:
        arrived = time.perf_counter()
        version = version_of(message)
        cart.screen_version = max(cart.screen_version, version)
        waiter = cart.waiting.pop(version, None)
        if waiter is None:
            cart.arrived[version] = arrived  # the push beat the HTTP answer
        elif not waiter.done():
            waiter.set_result(arrived)


async def scan(cart: Cart, client: httpx.AsyncClient, code: str, samples: Samples) -> None:
    cart.version += 1
    cart.scans_sent += 1
    expected = cart.version
    body = {"event_id": f"b{cart.index}-{cart.scans_sent}", "type": "scan", "code": code}
    sent = time.perf_counter()
    try:
        response = await send(
            lambda: client.post(cart.events_url, json=body, headers=cart.headers), samples
        )
    except httpx.HTTPError as error:
        cart.version -= 1
        samples.problems[f"http {type(error).__name__}"] += 1
        return
    answered = time.perf_counter()
    if response.status_code != 200:
        cart.version -= 1
        samples.problems[f"http {response.status_code}"] += 1
        return
    cart.acknowledged += 1
    samples.http.append(answered - sent)
    version = version_of(response.content)
    if version != expected:
        samples.problems["unexpected version"] += 1
        cart.version = version
    pushed = cart.arrived.pop(version, None)
    if pushed is None:
        waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        cart.waiting[version] = waiter
        try:
            pushed = await asyncio.wait_for(waiter, PUSH_TIMEOUT_S)
        except TimeoutError:
            cart.waiting.pop(version, None)
            samples.problems["push missing"] += 1
            return
    samples.push.append(pushed - sent)


async def send(
    request: Callable[[], Awaitable[httpx.Response]], samples: Samples
) -> httpx.Response:
    """Send, and once more if the server closed the kept-alive connection under the request.

    The server closes connections idle for a few seconds, and a request can cross the close on
    the wire. A cart resends then, with the same ``event_id``, which makes that safe; the time
    counts from the first attempt.
    """
    try:
        return await request()
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
        samples.resent += 1
        return await request()


async def probe(client: httpx.AsyncClient, samples: Samples) -> None:
    sent = time.perf_counter()
    try:
        response = await send(lambda: client.get("/healthz"), samples)
    except httpx.HTTPError as error:
        samples.problems[f"healthz {type(error).__name__}"] += 1
        return
    if response.status_code == 200:
        samples.healthz.append(time.perf_counter() - sent)
    else:
        samples.problems[f"healthz {response.status_code}"] += 1


async def shop(
    cart: Cart,
    client: httpx.AsyncClient,
    picks: Callable[[], str],
    *,
    first: float,
    interval: float,
    end: float,
    samples: Samples,
) -> None:
    """Scan at ``first``, ``first + interval``, ... until ``end``; probe half-way between.

    The schedule is absolute, so one slow answer delays one action, not all that follow. A
    cart does one thing at a time, so the probes never wait for a free connection in the pool.
    """
    half = interval / 2
    k = 0
    while (at := first + k * half) < end:
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if k % 2:
            await probe(client, samples)
        else:
            if delay < -LATE_S:
                samples.late_scans += 1
            await scan(cart, client, picks(), samples)
        k += 1


async def watch_loop(end: float, lag: list[float]) -> None:
    """How late this process's event loop wakes up: is the load generator keeping up?"""
    while (due := time.perf_counter() + TICK_S) < end:
        await asyncio.sleep(TICK_S)
        lag.append(max(0.0, time.perf_counter() - due))


# -- the run -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    samples: Samples
    carts: int
    interval_s: float
    duration_s: float
    measured_s: float
    mismatches: int
    stale_screens: int
    server_cpu_s: float | None
    client_cpu_s: float
    machine_cpu_s: float | None


def machine_cpu_seconds() -> float | None:
    """CPU time every core of the machine spent busy so far, from /proc/stat (Linux)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system = (int(f) for f in fields[:3])  # what processes ran, not interrupts
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process, from /proc (Linux); None where unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(
    *,
    base_url: str,
    device_token: str,
    carts: int,
    interval: float,
    duration: float,
    seed: int,
    server_pid: int | None,
    err: Console,
) -> Outcome:
    rng = random.Random(seed)
    codes = scan_codes()
    samples = Samples()
    limits = httpx.Limits(max_connections=carts + 10, max_keepalive_connections=carts + 10)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=30.0, trust_env=False
    ) as client:
        gate = asyncio.Semaphore(OPEN_CONCURRENCY)

        async def opened(index: int) -> Cart:
            async with gate:
                return await open_cart(client, base_url, device_token, index)

        err.print(f"Opening {carts} carts and their screens' sockets…")
        fleet = await asyncio.gather(*(opened(i) for i in range(carts)))
        listeners = [asyncio.create_task(listen(cart)) for cart in fleet]

        start = time.perf_counter() + 0.5
        end = start + duration
        server_cpu = cpu_seconds(server_pid)
        client_cpu = time.process_time()
        machine_cpu = machine_cpu_seconds()
        tasks = [watch_loop(end, samples.loop_lag)]
        for cart in fleet:
            phase = rng.uniform(0, interval)
            picks = functools.partial(random.Random(rng.random()).choice, codes)
            tasks.append(
                shop(
                    cart,
                    client,
                    picks,
                    first=start + phase,
                    interval=interval,
                    end=end,
                    samples=samples,
                )
            )

        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[scans]} scans"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True, refresh_per_second=4) as progress:
            bar = progress.add_task("Scanning", total=duration, scans=0)

            async def report() -> None:
                while (now := time.perf_counter()) < end:
                    progress.update(bar, completed=max(0.0, now - start), scans=len(samples.http))
                    await asyncio.sleep(0.5)

            reporter = asyncio.create_task(report())
            await asyncio.gather(*tasks)
            reporter.cancel()
        measured = time.perf_counter() - start
        client_cpu = time.process_time() - client_cpu
        machine_after = machine_cpu_seconds()
        machine_used = (
            None if machine_cpu is None or machine_after is None else machine_after - machine_cpu
        )
        server_after = cpu_seconds(server_pid)
        server_used = (
            None if server_cpu is None or server_after is None else server_after - server_cpu
        )

        mismatches = 0
        for cart in fleet:
            response = await client.get(f"/api/v1/carts/{cart.cart_id}", headers=cart.headers)
            state = response.json()
            # one event opened the cart; each acknowledged scan added one item and one event
            if (
                state["item_count"] != cart.acknowledged
                or state["version"] != cart.acknowledged + 1
            ):
                mismatches += 1
        stale = sum(1 for cart in fleet if cart.screen_version != cart.acknowledged + 1)
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*(cart.socket.close() for cart in fleet), return_exceptions=True)
    return Outcome(
        samples=samples,
        carts=carts,
        interval_s=interval,
        duration_s=duration,
        measured_s=measured,
        mismatches=mismatches,
        stale_screens=stale,
        server_cpu_s=server_used,
        client_cpu_s=client_cpu,
        machine_cpu_s=machine_used,
    )


# -- the report ----------------------------------------------------------------------------------


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def headline(outcome: Outcome, database: str) -> dict[str, Any]:
    s = outcome.samples
    push_p99 = percentile(s.push, 99)
    healthz_p99 = percentile(s.healthz, 99)
    errors = sum(s.problems.values())
    figures: dict[str, Any] = {
        "benchmark": "scan_latency",
        "carts": outcome.carts,
        "interval_s": outcome.interval_s,
        "duration_s": outcome.duration_s,
        "scans": len(s.http),
        "scans_per_s": round(len(s.http) / outcome.measured_s, 1),
    }
    for name, values in (("push", s.push), ("http", s.http), ("healthz", s.healthz)):
        for p in (50, 95, 99):
            figures[f"{name}_p{p}_ms"] = _ms(percentile(values, p))
        figures[f"{name}_max_ms"] = _ms(max(values, default=None))
    figures |= {
        "push_p99_over_healthz_p99": (
            round(push_p99 / healthz_p99, 2) if push_p99 is not None and healthz_p99 else None
        ),
        "late_scans": s.late_scans,
        "resent": s.resent,
        "client_loop_lag_p99_ms": _ms(percentile(s.loop_lag, 99)),
        "server_cpu_pct": (
            round(100 * outcome.server_cpu_s / outcome.measured_s, 1)
            if outcome.server_cpu_s is not None
            else None
        ),
        "client_cpu_pct": round(100 * outcome.client_cpu_s / outcome.measured_s, 1),
        # everything else the machine ran meanwhile (with --url, the server is in here too)
        "other_cpu_pct": (
            round(
                100
                * max(
                    0.0,
                    outcome.machine_cpu_s - (outcome.server_cpu_s or 0.0) - outcome.client_cpu_s,
                )
                / outcome.measured_s,
                1,
            )
            if outcome.machine_cpu_s is not None
            else None
        ),
        "cpu_cores": os.cpu_count(),
        "errors": errors,
        "mismatches": outcome.mismatches,
        "stale_screens": outcome.stale_screens,
        "target_push_p99_ms": TARGET_PUSH_P99_MS,
        "meets_target": (
            push_p99 is not None
            and push_p99 * 1000 <= TARGET_PUSH_P99_MS
            and errors == 0
            and outcome.mismatches == 0
        ),
        "database": database,
    }
    return figures


def report(outcome: Outcome, figures: dict[str, Any]) -> Group:
    s = outcome.samples
    title = (
        f"Scan latency: {outcome.carts} carts, each scanning every {outcome.interval_s:g} s "
        f"for {outcome.duration_s:g} s, on {figures['database']}"
    )
    latency = Table(title=title)
    latency.add_column("From sending the scan to")
    for heading in ("n", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        latency.add_column(heading, justify="right")
    for label, name, values in (
        ("the push on the screen's socket", "push", s.push),
        ("the HTTP answer", "http", s.http),
        ("(baseline: GET /healthz's answer)", "healthz", s.healthz),
    ):
        latency.add_row(
            label,
            str(len(values)),
            *(_shown(figures[f"{name}_{p}_ms"]) for p in ("p50", "p95", "p99", "max")),
        )
    verdict = "[green]meets[/green]" if figures["meets_target"] else "[red]misses[/red]"
    rows = [
        (f"Target: push p99 ≤ {TARGET_PUSH_P99_MS:g} ms", verdict),
        ("Push p99 / healthz p99", f"{figures['push_p99_over_healthz_p99']}"),
        ("Scans per second", f"{figures['scans_per_s']}"),
        (f"Scans started > {LATE_S * 1000:g} ms late", f"{figures['late_scans']}"),
        ("Requests sent again (connection closed)", f"{figures['resent']}"),
        ("Errors", f"{figures['errors']}"),
        *((f"  {problem}", str(count)) for problem, count in s.problems.most_common()),
        ("Carts whose state ≠ acknowledged scans", f"{figures['mismatches']}"),
        ("Screens left on an old version", f"{figures['stale_screens']}"),
        ("Server CPU (% of one core)", f"{figures['server_cpu_pct']}"),
        ("Load generator CPU (% of one core)", f"{figures['client_cpu_pct']}"),
        (
            f"Other processes' CPU (% of one core, of {figures['cpu_cores']})",
            f"{figures['other_cpu_pct']}",
        ),
        ("Load generator loop lag p99 (ms)", f"{figures['client_loop_lag_p99_ms']}"),
    ]
    summary = Table(show_header=False)
    summary.add_column()
    summary.add_column(justify="right")
    for label, value in rows:
        summary.add_row(label, value)
    return Group(latency, summary)


app = typer.Typer(add_completion=False)


@app.command()
def main(
    carts: Annotated[
        int | None, typer.Option(help="Carts shopping at once [200; quick: 50]")
    ] = None,
    duration: Annotated[
        float | None, typer.Option(help="Seconds of scanning [60; quick: 15]")
    ] = None,
    interval: Annotated[float, typer.Option(help="Seconds between one cart's scans")] = 2.0,
    quick: Annotated[bool, typer.Option(help="A short run: 50 carts for 15 s")] = False,
    url: Annotated[
        str | None, typer.Option(help="A running server, instead of a fresh demo")
    ] = None,
    device_token: Annotated[str | None, typer.Option(help="A cart device token for --url")] = None,
    database: Annotated[str, typer.Option(help="Label for the report's database")] = "sqlite",
    seed: Annotated[int, typer.Option(help="Seed for products and phases")] = 1,
) -> None:
    """Measure scan → screen latency with many carts shopping at once."""
    carts = carts if carts is not None else (50 if quick else 200)
    duration = duration if duration is not None else (15.0 if quick else 60.0)
    if (url is None) != (device_token is None):
        raise typer.BadParameter("--url and --device-token go together")
    out, err = Console(), Console(stderr=True)
    try:
        import uvloop

        runner: Callable[[Any], Any] = uvloop.run
    except ImportError:
        runner = asyncio.run

    with tempfile.TemporaryDirectory(prefix="aisle-bench-") as folder:
        server = None
        if url is None or device_token is None:
            err.print("Starting a demo store on SQLite…")
            server = LiveServer(data_dir=Path(folder) / "data")
            server.data_dir.mkdir()
            server.start()
            url, device_token = server.base_url, server.device_token
        try:
            outcome = runner(
                run(
                    base_url=url.rstrip("/"),
                    device_token=device_token,
                    carts=carts,
                    interval=interval,
                    duration=duration,
                    seed=seed,
                    server_pid=server.process.pid if server and server.process else None,
                    err=err,
                )
            )
        finally:
            if server is not None:
                server.stop()
    figures = headline(outcome, database)
    out.print(report(outcome, figures))
    sys.stdout.flush()
    print(json.dumps(figures, allow_nan=False))


if __name__ == "__main__":
    app()
