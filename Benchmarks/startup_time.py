#!/usr/bin/env python3
"""Start-up time of the riskengine executable: two builds side by side.

Usage: Benchmarks/startup_time.py BEFORE_BINARY AFTER_BINARY [RUNS]

For each command (version, models list, models show pce2013, scoring a 10-row synthetic file with
pce2013 and framingham2008_lab), runs both binaries alternately RUNS times (default 5) after one
warm-up run each, and prints a Markdown table row: median wall-clock ms and median CPU ms
(user + system, from wait4) of each. The 10-row file is `riskengine synth --rows 10 --seed 1`,
written to a temporary folder.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def commands(exe, ten):
    return {
        "riskengine --version": [exe, "--version"],
        "riskengine models list": [exe, "models", "list"],
        "riskengine models show pce2013": [exe, "models", "show", "pce2013"],
        "score 10 rows, pce2013+framingham2008_lab": [
            exe, "score", ten, "--models", "pce2013,framingham2008_lab", "-o", os.devnull, "--quiet"],
    }


def run(cmd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if status != 0:
        sys.exit(f"{cmd[1:]} failed with status {status}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    before, after = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with tempfile.TemporaryDirectory() as d:
        ten = os.path.join(d, "ten.csv")
        subprocess.run([after, "synth", "--rows", "10", "--seed", "1", "-o", ten], check=True)
        print("| command | wall before | wall after | CPU before | CPU after |")
        print("|---|---:|---:|---:|---:|")
        for name in commands(after, ten):
            times = {before: [], after: []}
            for exe in (before, after):
                run(commands(exe, ten)[name])
            for _ in range(runs):
                for exe in (before, after):
                    times[exe].append(run(commands(exe, ten)[name]))

            def median(exe, k):
                return statistics.median(t[k] for t in times[exe])

            print(f"| `{name}` | {median(before, 0):.0f} | {median(after, 0):.0f} "
                  f"| {median(before, 1):.0f} | {median(after, 1):.0f} |")


if __name__ == "__main__":
    main()
