"""Seeded cohort for the concordance comparison: time (half years), event (0/1), risk (0.1 %).
Usage: python3 gen_cohort.py ROWS OUT.csv"""
import sys
import numpy as np

rows, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(20261202)
p = 0.01 + 0.4 * rng.random(rows)
t = -np.log(1 - rng.random(rows)) / (-np.log(1 - p) / 10)
c = rng.random(rows) * 15
time = np.ceil(np.minimum(t, c) * 2) / 2
event = (t <= c).astype(int)
risk = np.round(p * 1000) / 1000
with open(out, "w") as f:
    f.write("time,event,risk\n")
    for a, b, r in zip(time, event, risk):
        f.write(f"{float(a)!r},{int(b)},{float(r)!r}\n")
