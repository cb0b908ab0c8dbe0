"""Load benchmark: N concurrent clients calling POST /api/ask; reports p50/p95 latency and throughput.

python bench/load.py                      # starts a server on a free port, 20 clients x 3 rounds
python bench/load.py --url http://127.0.0.1:7860 --key KEY --clients 20 --rounds 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

QUESTIONS = (
    "How many persons were newly dispatched to international organizations in FY2012?",
    "What was the total number of dispatched personnel at the end of FY2012?",
    "How many persons returned to Japan in FY2012?",
    "Whom did the NPA invite in FY2013?",
    "How many people attended the International Symposium?",
    "How many officials participated in the Seminar for Middle-level Officials in FY2013?",
    "When did the Seminar on Governmental Human Resources Management for Senior Officials start?",
    "Which organization hosts the training courses for developing countries?",
    "What does the Employee Dispatching Act require when a dispatch exceeds five years?",
    "How many of the dispatched personnel were working in Africa?",
)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def run_load(
    base_url: str,
    clients: int = 20,
    rounds: int = 1,
    api_key: str | None = None,
    questions: Sequence[str] = QUESTIONS,
    timeout: float = 120.0,
) -> dict[str, Any]:
    """``clients`` threads start together; each asks ``rounds`` questions one after another."""
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=timeout) as http:
            barrier.wait()
            for r in range(rounds):
                question = questions[(i + r * clients) % len(questions)]
                began = time.perf_counter()
                try:
                    resp = http.post("/api/ask", json={"question": question})
                    ok = resp.status_code == 200 and "answer" in resp.json()
                    problem = f"HTTP {resp.status_code}: {resp.text[:200]}"
                except (httpx.HTTPError, ValueError) as exc:
                    ok, problem = False, f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        failures.append(problem)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout * rounds + 30)
    wall = time.perf_counter() - started
    total = clients * rounds
    return {
        "url": base_url,
        "clients": clients,
        "rounds": rounds,
        "requests": total,
        "ok": len(latencies),
        "errors": total - len(latencies),
        "error_samples": failures[:5],
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall > 0 else 0.0,
    }


def format_report(report: dict[str, Any]) -> str:
    return (
        f"{report['requests']} requests from {report['clients']} concurrent clients "
        f"({report['rounds']} each): {report['ok']} ok, {report['errors']} failed\n"
        f"latency p50 {report['p50_ms']:.0f} ms  p95 {report['p95_ms']:.0f} ms  "
        f"max {report['max_ms']:.0f} ms\n"
        f"throughput {report['throughput_rps']:.2f} answers/s over {report['wall_s']:.1f} s"
    )


def run_bench(
    url: str | None = None,
    clients: int = 20,
    rounds: int = 3,
    api_key: str | None = None,
    settings: Any = None,
    log_path: Path | None = None,
) -> dict[str, Any]:
    """Benchmark ``url``, or a fresh server on a free port with ``settings`` (default: COOPQA_*)."""
    if url:
        return run_load(url, clients, rounds, api_key)
    from coopqa.config import Settings
    from coopqa.server import ServerProcess, settings_env

    settings = settings or Settings.from_env()
    key = api_key or (settings.api_keys[0] if settings.api_keys else None)
    with ServerProcess(env=settings_env(settings), log_path=log_path) as server:
        run_load(server.url, clients=2, rounds=1, api_key=key)  # warm-up
        return run_load(server.url, clients, rounds, key)


def main(settings: Any = None, clients: int = 20, rounds: int = 3) -> str:
    """What `make bench` prints: a fresh server with ``settings`` under ``clients`` clients."""
    return format_report(run_bench(clients=clients, rounds=rounds, settings=settings))


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one on a free port")
    parser.add_argument("--key", help="API key, when the server sets COOPQA_API_KEYS")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="questions per client")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--log", type=Path, help="server log when the bench starts the server")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.rounds < 1:
        parser.error("--clients and --rounds must be at least 1")
    report = run_bench(args.url, args.clients, args.rounds, args.key, log_path=args.log)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(cli())
