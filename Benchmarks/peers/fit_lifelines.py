"""Peer timing: lifelines CoxPHFitter (Efron ties) on the cohort written by `riskengine synth --cohort`.

    python3 fit_lifelines.py COHORT.csv TERMS

Prints one line: peer, seconds for the fit (reading excluded), coefficients.
"""
import sys
import time

import pandas as pd
from lifelines import CoxPHFitter

data = pd.read_csv(sys.argv[1]).drop(columns=["id"])
start = time.perf_counter()
cph = CoxPHFitter().fit(data, duration_col="time", event_col="event", formula=sys.argv[2])
elapsed = time.perf_counter() - start
print("lifelines %.3f %s" % (elapsed, " ".join("%.10g" % b for b in cph.params_.values)))
