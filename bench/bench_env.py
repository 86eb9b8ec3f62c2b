#!/usr/bin/env python3
"""How long environment detection takes (the promise: well under 50 ms,
DESIGN.md section 9). Not a test: it measures and prints.

Runs `pyforge env --json` many times in each simulated environment (a
laptop; serverless; classic 13.3 from a DBR_VERSION file; a Databricks
Connect client) and reports the library's own measure of one uncached
detection (detect_seconds: every run is a fresh process, so the first look
is never cached) and the wall time of the whole `pyforge env` process.

    bench/bench_env.py [--pyforge build/release/pyforge] [--runs 300]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def environments(tmp: Path) -> dict[str, dict]:
    (tmp / "classic" / "databricks").mkdir(parents=True)
    (tmp / "classic" / "databricks" / "DBR_VERSION").write_text("13.3.x-scala2.12\n")
    (tmp / "Volumes" / "main" / "default" / "raw").mkdir(parents=True)
    none = str(tmp / "none")
    return {
        "laptop": {"PYFORGE_DATABRICKS_ROOT": none, "PYFORGE_VOLUMES_ROOT": none},
        "serverless": {"DATABRICKS_RUNTIME_VERSION": "client.3.1", "IS_SERVERLESS": "TRUE",
                       "SPARK_CONNECT_MODE_ENABLED": "1", "PYFORGE_DATABRICKS_ROOT": none,
                       "PYFORGE_VOLUMES_ROOT": str(tmp / "Volumes")},
        "classic-13.3": {"DB_HOME": "/databricks", "PYFORGE_DATABRICKS_ROOT": str(tmp / "classic" / "databricks"),
                         "PYFORGE_VOLUMES_ROOT": str(tmp / "Volumes")},
        "client": {"DATABRICKS_HOST": "https://adb-1.azuredatabricks.net", "DATABRICKS_TOKEN": "dapi" + "0" * 32,
                   "SPARK_REMOTE": "sc://h:443/;token=x", "PYFORGE_DATABRICKS_ROOT": none,
                   "PYFORGE_VOLUMES_ROOT": none},
    }


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pyforge", default=str(REPO / "build" / "release" / "pyforge"))
    ap.add_argument("--runs", type=int, default=300)
    a = ap.parse_args()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DATABRICKS_", "DB_", "SPARK_", "IS_SERVERLESS"))}
    print(f"pyforge: {a.pyforge}; {a.runs} runs per environment; {os.cpu_count()} CPUs\n")
    print(f"{'environment':<14} {'detect median':>14} {'p99':>9} {'max':>9}   {'process median':>15} {'p99':>9}")
    with tempfile.TemporaryDirectory() as d:
        for name, env in environments(Path(d)).items():
            detect, wall = [], []
            for _ in range(a.runs):
                t0 = time.perf_counter()
                out = subprocess.run([a.pyforge, "env", "--json"], env={**base, **env}, capture_output=True,
                                     text=True, check=True).stdout
                wall.append(time.perf_counter() - t0)
                detect.append(json.loads(out)["detect_seconds"])
            ms = 1e3
            print(f"{name:<14} {statistics.median(detect) * ms:>11.3f} ms {pct(detect, .99) * ms:>6.3f} ms "
                  f"{max(detect) * ms:>6.3f} ms   {statistics.median(wall) * ms:>12.2f} ms {pct(wall, .99) * ms:>6.2f} ms")


if __name__ == "__main__":
    main()
