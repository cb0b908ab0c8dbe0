"""Load benchmark: N concurrent clients calling POST /api/ask; reports p50/p95 latency and throughput.

python bench/load.py                      # starts a server on a free port, 20 clients x 5 rounds
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
    """``clients`` threads start together; each asks ``rounds`` questions one after another, on
    one kept-alive connection. The client is the standard library's: on a 2-core machine the load
    generator's own CPU is taken from the server (httpx cost about 7 ms of CPU a request here)."""
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def post(conn: http.client.HTTPConnection, question: str) -> str | None:
        """None when answered; otherwise what went wrong."""
        conn.request("POST", "/api/ask", json.dumps({"question": question}), headers)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status == 200 and "answer" in json.loads(body):
            return None
        return f"HTTP {resp.status}: {body[:200]!r}"

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        barrier.wait()
        for r in range(rounds):
            question = questions[(i * rounds + r) % len(questions)]
            began = time.perf_counter()
            try:
                problem = post(conn, question)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if problem is None:
                    latencies.append(elapsed)
                else:
                    failures.append(problem)
        conn.close()

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


WORDINGS = (
    "{q}",
    "Please tell me: {q}",
    "{q} Thanks.",
    "Quick question. {q}",
    "I need to know: {q}",
)


def fresh_questions(count: int, root: Path | None = None) -> list[str]:
    """``count`` distinct questions (the eval sets' questions in several wordings): no cache hit."""
    root = root or Path(__file__).resolve().parents[1]
    base: list[str] = []
    for path in sorted((root / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                base.append(json.loads(line)["question"])
    base = list(dict.fromkeys(base)) or list(QUESTIONS)
    out = list(dict.fromkeys(w.format(q=q) for w in WORDINGS for q in base))
    n = 0
    while len(out) < count:  # more than the wordings give: number them
        n += 1
        out += [f"{q} (case {n})" for q in base]
    return out[:count]


def baseline_load(settings: Any, questions: Sequence[str], clients: int = 20) -> dict[str, Any]:
    """The tutorial's retrieval-only search (1000/200 chunks, dense, k=4) under the same load:
    ``clients`` threads in one process, each query a fresh question."""
    from coopqa.chain import Assistant

    searcher = Assistant(settings.with_(retrieval_mode="naive", use_facts=False))
    searcher.search("warm-up question", k=4)
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = max(1, len(questions) // clients)
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        barrier.wait()
        for question in questions[i * per_client : (i + 1) * per_client]:
            began = time.perf_counter()
            searcher.search(question, k=4)
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "throughput_rps": round(len(latencies) / wall, 2),
    }


def cli_figure(url: str, key: str | None, runs: int = 5) -> dict[str, float]:
    """Wall time of a one-off `coopqa ask --server URL` (a new Python process each time)."""
    import os
    import subprocess

    env = {**os.environ, "COOPQA_API_KEY": key or ""}
    times = []
    for question in fresh_questions(runs + 400)[400:]:
        began = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "coopqa.cli", "ask", "--server", url, question],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        times.append((time.perf_counter() - began) * 1000)
        if out.returncode != 0:
            raise RuntimeError(f"coopqa ask --server failed: {out.stderr.strip()}")
    return {"p50_ms": round(percentile(times, 50), 1), "max_ms": round(max(times), 1)}


def run_bench(
    url: str | None = None,
    clients: int = 20,
    rounds: int = 5,
    api_key: str | None = None,
    settings: Any = None,
    log_path: Path | None = None,
    workers: int | None = None,
    baseline: bool = True,
) -> dict[str, Any]:
    """Benchmark ``url``, or a fresh server with ``workers`` processes and ``settings``."""
    questions = fresh_questions(clients * (rounds + 1))
    warm, measured = questions[:clients], questions[clients:]
    if url:
        run_load(url, clients, 1, api_key, warm)
        return run_load(url, clients, rounds, api_key, measured)
    from coopqa.config import Settings
    from coopqa.serve.server import ServerProcess, default_workers, settings_env

    settings = settings or Settings.from_env()
    workers = workers or default_workers()
    key = api_key or (settings.api_keys[0] if settings.api_keys else None)
    env = {**settings_env(settings), "COOPQA_RATE_LIMIT": "0"}  # measure the server, not the limit
    with ServerProcess(env=env, log_path=log_path, workers=workers).start(timeout=900) as server:
        run_load(server.url, clients, 1, key, warm)
        report = run_load(server.url, clients, rounds, key, measured)
        report["workers"] = workers
        report["cli"] = cli_figure(server.url, key)
    if baseline:
        report["baseline"] = baseline_load(settings, measured, clients)
    return report


def format_full(report: dict[str, Any]) -> str:
    lines = [f"coopqa server, {report.get('workers', '?')} worker(s), fresh questions:"]
    lines.append(format_report(report))
    if "baseline" in report:
        b = report["baseline"]
        lines.append(
            f"tutorial baseline (retrieval only, same questions, {report['clients']} threads, "
            f"same run): p50 {b['p50_ms']:.0f} ms  p95 {b['p95_ms']:.0f} ms  "
            f"{b['throughput_rps']:.2f} searches/s"
        )
    if "cli" in report:
        c = report["cli"]
        lines.append(
            f"one-off `coopqa ask --server URL` (new process): p50 {c['p50_ms']:.0f} ms, "
            f"max {c['max_ms']:.0f} ms"
        )
    lines.append("targets: p95 <= 300 ms, >= 100 answers/s, 0 errors; CLI ask <= 2000 ms")
    return "\n".join(lines)


def main(settings: Any = None, clients: int = 20, rounds: int = 5) -> str:
    """What `make bench` prints: a fresh multi-worker server with ``settings`` under load."""
    return format_full(run_bench(clients=clients, rounds=rounds, settings=settings))


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one on a free port")
    parser.add_argument("--key", help="API key, when the server sets COOPQA_API_KEYS")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="questions per client")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the tutorial baseline")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--log", type=Path, help="server log when the bench starts the server")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.rounds < 1:
        parser.error("--clients and --rounds must be at least 1")
    report = run_bench(
        args.url,
        args.clients,
        args.rounds,
        args.key,
        log_path=args.log,
        workers=args.workers,
        baseline=not args.no_baseline,
    )
    print(format_full(report) if not args.url else format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(cli())
