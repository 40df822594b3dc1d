"""Load test of the HTTP API on loopback: many concurrent yente-style ``/match`` clients.

Starts the real uvicorn server in a child process on 127.0.0.1 with the evaluation
configuration's lists loaded (EVAL.md), waits for ``/readyz``, then runs N concurrent
clients (asyncio + httpx) that each post single-name ``/match/default`` queries back to
back for a fixed time, and prints requests/s, latency percentiles and the error count.
The clients stop by themselves (time and request-count bounds) and target only
127.0.0.1; the server is stopped at the end.

Usage::

    python benchmarks/load.py                      # 200 clients, 60 s
    python benchmarks/load.py --clients 50 --duration 10

Names come from the labelled queries of ``eval/names/queries.jsonl`` (first name of each
query, schema kept), shuffled with a fixed seed. The server runs with the rate limit off
(one client address sends everything), the JSON access log at WARNING level and one
worker process per CPU (``--workers``).
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
    return create_app(settings, screener=screener, alerts=AlertStore("sqlite://"))


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


async def _run_clients(
    base: str, names: list[tuple[str, str]], clients: int, duration_s: float, route: str
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + duration_s
    counter = 0

    async def worker(offset: int, client: httpx.AsyncClient) -> None:
        nonlocal counter
        i = offset
        while time.perf_counter() < deadline and counter < MAX_REQUESTS:
            schema, name = names[i % len(names)]
            i += clients
            counter += 1
            body = {"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}}
            started = time.perf_counter()
            try:
                if route == "healthz":
                    response = await client.get("/healthz")
                else:
                    response = await client.post("/match/default", json=body)
                status = response.status_code
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=300.0, limits=limits) as client:
        await asyncio.gather(*(worker(k, client) for k in range(clients)))
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "elapsed_s": elapsed}


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
    try:
        ready_s = asyncio.run(_wait_ready(base, args.ready_timeout))
        print(f"server ready after {ready_s:.1f} s")
        asyncio.run(_run_clients(base, names, min(args.clients, 20), 3.0, args.route))  # warm-up
        result = asyncio.run(
            _run_clients(base, names, args.clients, args.duration, args.route)
        )
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    latencies = result["latencies"]
    errors = result["errors"]
    total = len(latencies) + sum(v for k, v in errors.items() if not k.startswith("HTTP"))
    ms = [x * 1000.0 for x in latencies]
    print()
    print(f"{'requests':>10} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'mean ms':>8} {'errors':>7}")
    print(
        f"{total:>10} {total / result['elapsed_s']:>9.1f} {_percentile(ms, 50):>8.1f} "
        f"{_percentile(ms, 90):>8.1f} {_percentile(ms, 99):>8.1f} "
        f"{(max(ms) if ms else float('nan')):>8.1f} "
        f"{(statistics.fmean(ms) if ms else float('nan')):>8.1f} {sum(errors.values()):>7}"
    )
    if errors:
        print("errors:", ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
