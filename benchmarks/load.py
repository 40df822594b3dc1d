"""Load test of the HTTP API on loopback: many concurrent yente-style ``/match`` clients.

Starts the real uvicorn server in a child process on 127.0.0.1 with the evaluation
configuration's lists loaded (EVAL.md), waits for ``/readyz``, then runs N concurrent
closed-loop clients that each post single-name ``/match/default`` queries back to back
over their own keep-alive connection for a fixed time, and prints requests/s, latency
percentiles, the error count, the CPU time per request of the server and of the client,
and the latency bound that Little's law sets for that many clients at the throughput
reached. The clients stop by themselves (time and request-count bounds) and target only
127.0.0.1; the server is stopped at the end.

The clients share the machine's CPUs with the server, so they are kept cheap: a minimal
HTTP/1.1 client on asyncio streams (uvloop when installed) that writes each request and
reads the status line, headers and ``Content-Length`` body (about a tenth of httpx's CPU
time per request). Every response is checked for status 200 and a complete body.

Little's law: with C clients each sending its next request as soon as the previous one
is answered, the mean latency is C / throughput, and p99 is at least about that. With 200
clients, p99 <= 50 ms would need 4,000 requests/s or more.

Usage::

    python benchmarks/load.py                      # 200 clients, 60 s
    python benchmarks/load.py --clients 50 --duration 10

Names come from the labelled queries of ``eval/names/queries.jsonl`` (first name of each
query, schema kept), shuffled with a fixed seed. The server runs with the rate limit off
(one client address sends everything), the JSON access log at WARNING level, one worker
process per CPU (``--workers``) and the heap frozen after the lists load, as
``screenwise serve`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
#: Hard cap on requests per run, whatever the duration.
MAX_REQUESTS = 5_000_000
#: Seconds after the end of the run before unanswered requests are given up.
GRACE_S = 60.0
#: Latency goal of the HTTP API's issue (p99 at or under it), in seconds.
P99_GOAL_S = 0.050


def shared_dir() -> Path:
    """Return the shared data folder (``$SCREENWISE_SHARED`` or ``../shared``)."""
    env = os.environ.get("SCREENWISE_SHARED")
    path = Path(env) if env else REPO.parent / "shared"
    if not (path / "data" / "lists").is_dir():
        raise SystemExit(f"shared data folder missing: {path} (set SCREENWISE_SHARED)")
    return path


def load_names(shared: Path, seed: int = 7) -> list[tuple[str, str]]:
    """Return ``(schema, name)`` pairs from the labelled queries, shuffled."""
    pairs: list[tuple[str, str]] = []
    with (shared / "eval" / "names" / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            query = json.loads(line)
            names = query.get("properties", {}).get("name", [])
            if names:
                pairs.append((query.get("schema", "LegalEntity"), names[0]))
    random.Random(seed).shuffle(pairs)
    return pairs


def bench_app() -> Any:
    """uvicorn factory (one call per worker): the app over the evaluation lists."""
    import logging

    from screenwise.api.app import create_app
    from screenwise.evaluation import load_eval_config
    from screenwise.screening import Screener
    from screenwise.settings import Settings
    from screenwise.store.alerts import AlertStore

    logging.basicConfig(level=logging.WARNING)
    settings = Settings(rate_limit_per_minute=0)
    screener = Screener.from_parsed(load_eval_config(shared_dir()), settings=settings)
    return create_app(
        settings, screener=screener, alerts=AlertStore("sqlite://"), settle_heap=True
    )


def serve(port: int, workers: int) -> None:
    """Child process: run uvicorn on 127.0.0.1:port with ``workers`` worker processes."""
    import uvicorn

    uvicorn.run(
        "load:bench_app",
        factory=True,
        app_dir=str(Path(__file__).resolve().parent),
        host=HOST,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        # Under full CPU load a worker can miss uvicorn's default 5 s health ping and be
        # restarted mid-run; screening is CPU-bound by design, so allow more.
        timeout_worker_healthcheck=120,
        # queued requests can keep a pooled connection idle longer than the 5 s default
        timeout_keep_alive=120,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


async def _wait_ready(base: str, timeout_s: float) -> float:
    import httpx

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=5.0) as client:
        while time.perf_counter() - started < timeout_s:
            try:
                response = await client.get("/readyz")
                if response.status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit(f"server not ready after {timeout_s:.0f} s")


def _requests(names: list[tuple[str, str]], port: int, route: str) -> list[bytes]:
    """Return the raw HTTP/1.1 requests the clients send, one per name (or one healthz)."""
    host = f"Host: {HOST}:{port}\r\n"
    if route == "healthz":
        return [f"GET /healthz HTTP/1.1\r\n{host}\r\n".encode("ascii")]
    raw: list[bytes] = []
    for schema, name in names:
        body = json.dumps(
            {"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}},
            ensure_ascii=False,
        ).encode("utf-8")
        head = (
            f"POST /match/default HTTP/1.1\r\n{host}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        raw.append(head.encode("ascii") + body)
    return raw


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request on a keep-alive connection; return (status, server closes)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    closes = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            closes = value.strip().lower() == b"close"
        elif name == b"transfer-encoding":
            raise ValueError("chunked response: not expected from this route")
    body = await reader.readexactly(length)
    if status == 200 and not body.endswith(b"}"):
        raise ValueError("incomplete JSON body")
    return status, closes


async def _run_clients(
    port: int, requests: list[bytes], clients: int, duration_s: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + duration_s
    counter = 0

    def error(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1

    async def worker(offset: int) -> None:
        nonlocal counter
        i = offset
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while time.perf_counter() < deadline and counter < MAX_REQUESTS:
                request = requests[i % len(requests)]
                i += clients
                counter += 1
                started = time.perf_counter()
                try:
                    if connection is None:
                        connection = await asyncio.open_connection(HOST, port)
                    status, closes = await _exchange(*connection, request)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                        ValueError) as exc:
                    error(type(exc).__name__)
                    if connection is not None:
                        connection[1].close()
                    connection = None
                    continue
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    error(f"HTTP {status}")
                if closes:
                    connection[1].close()
                    connection = None
        finally:
            if connection is not None:
                connection[1].close()

    started = time.perf_counter()
    tasks = [asyncio.ensure_future(worker(k)) for k in range(clients)]
    # a stuck server must not keep the benchmark running: a bounded grace after the end
    _done, pending = await asyncio.wait(tasks, timeout=duration_s + GRACE_S)
    for task in pending:
        task.cancel()
        error("no answer within the grace period")
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "elapsed_s": min(elapsed, duration_s
            + GRACE_S)}


def _run(coro: Any) -> Any:
    """Run a coroutine on uvloop when it is installed, else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants (Linux).

    Read from ``/proc/<pid>/stat`` fields 14 and 15 (proc(5)); 0.0 where /proc is missing.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (OSError, IndexError, ValueError):
            continue
    return total


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print the table; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--port", type=int, default=0, help="port (0 = a free one)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server worker processes (default: one per CPU)")
    parser.add_argument("--ready-timeout", type=float, default=600.0, help="seconds")
    parser.add_argument("--route", choices=["match", "healthz"], default="match",
                        help="match (default), or healthz to measure the HTTP layer alone")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.port, args.workers)
        return 0
    if not 1 <= args.clients <= 2000 or not 0 < args.duration <= 3600:
        parser.error("clients must be 1..2000 and duration 0..3600 s")
    shared = shared_dir()
    names = load_names(shared)
    port = args.port or _free_port()
    base = f"http://{HOST}:{port}"
    print(f"platform: {platform.platform()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")
    print(f"server: uvicorn on {base}, {args.workers} worker(s), lists of the EVAL.md "
          "evaluation configuration")
    what = ("GET /healthz" if args.route == "healthz"
            else f"{len(names)} distinct single-name /match queries")
    print(f"load: {args.clients} concurrent clients, {args.duration:.0f} s, {what}")
    print(f"load average before the run: {os.getloadavg()[0]:.2f}")
    env = dict(os.environ, SCREENWISE_SHARED=str(shared))
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        cwd=str(REPO),
    )
    requests = _requests(names, port, args.route)
    try:
        ready_s = asyncio.run(_wait_ready(base, args.ready_timeout))
        print(f"server ready after {ready_s:.1f} s")
        _run(_run_clients(port, requests, min(args.clients, 20), 3.0))  # warm-up
        server_cpu = _tree_cpu_s(child.pid)
        client_cpu = time.process_time()
        result = _run(_run_clients(port, requests, args.clients, args.duration))
        client_cpu = time.process_time() - client_cpu
        server_cpu = _tree_cpu_s(child.pid) - server_cpu
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    _report(result, args.clients, server_cpu, client_cpu)
    return 1 if result["errors"] else 0


def _report(result: dict[str, Any], clients: int, server_cpu: float, client_cpu: float) -> None:
    """Print the table: throughput, latencies, errors, CPU per request, Little's bound."""
    latencies = result["latencies"]
    errors = result["errors"]
    answered = len(latencies)
    total = answered + sum(v for k, v in errors.items() if not k.startswith("HTTP"))
    rate = total / result["elapsed_s"]
    ms = [x * 1000.0 for x in latencies]
    per = max(answered, 1)
    print()
    print(f"{'requests':>10} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'mean ms':>8} {'errors':>7} {'srv CPU ms/req':>15} "
          f"{'client CPU ms/req':>18}")
    print(
        f"{total:>10} {rate:>9.1f} {_percentile(ms, 50):>8.1f} "
        f"{_percentile(ms, 90):>8.1f} {_percentile(ms, 99):>8.1f} "
        f"{(max(ms) if ms else float('nan')):>8.1f} "
        f"{(statistics.fmean(ms) if ms else float('nan')):>8.1f} {sum(errors.values()):>7} "
        f"{server_cpu * 1000.0 / per:>15.2f} {client_cpu * 1000.0 / per:>18.2f}"
    )
    bound_ms = clients / rate * 1000.0 if rate > 0 else float("nan")
    print()
    print(f"Little's law: {clients} closed-loop clients at {rate:.1f} req/s means a mean "
          f"latency of {clients} / {rate:.1f} = {bound_ms:.1f} ms, and p99 is at least about "
          "that;")
    print(f"  p99 <= {P99_GOAL_S * 1000:.0f} ms with {clients} clients needs >= "
          f"{clients / P99_GOAL_S:,.0f} req/s "
          f"(server CPU {server_cpu * 1000.0 / per:.2f} ms/req allows at most "
          f"{(os.cpu_count() or 1) * per / max(server_cpu, 1e-9):,.0f} req/s on "
          f"{os.cpu_count()} CPUs with nothing else running)")
    if errors:
        print("errors:", ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())))


if __name__ == "__main__":
    sys.exit(main())
