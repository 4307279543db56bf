"""Harrell's C with lifelines.utils.concordance_index on the comparison cohort; reading is not timed.
lifelines scores higher predictions as longer survival, so the risk is negated.
Usage: python3 peer_lifelines.py COHORT.csv"""
import json, sys, time
import numpy as np
import lifelines
from lifelines.utils import concordance_index

d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
start = time.perf_counter()
c = concordance_index(d[:, 0], -d[:, 2], d[:, 1])
seconds = time.perf_counter() - start
print(json.dumps({"tool": f"lifelines {lifelines.__version__} concordance_index", "rows": len(d), "seconds": seconds, "c": c}))
