"""compare_cvd_risk_scores.py -- cross-check framingham2008_lab.csv against cvd-risk-scores 1.0.2 (PyPI).

cvd-risk-scores needs Python < 3.10 and pydantic < 2 (pydantic 1.10.27 used), so it lives in its own venv:  $REFWORK/venv39/bin/python compare_cvd_risk_scores.py
FraminghamRiskScore takes mg/dL (mg/dL = mmol/L * 38.67) and separate treated / untreated SBP (the unused one = 0,
which the package skips). Its subject template requires age > 30 (strict), so the age-30 rows are skipped.
Prints the maximum absolute and relative differences; writes nothing.
"""
import csv
from cvd_risk_scores import FraminghamRiskScore
from cvd_risk_scores.modules.templates import FraminghamSubject

MGDL = 38.67
m = FraminghamRiskScore()
d, rel, skipped = [], [], 0
with open("framingham2008_lab.csv", newline="") as fh:
    for r in csv.DictReader(fh):
        if float(r["age"]) <= 30:
            skipped += 1
            continue
        sbp, trt = float(r["sbp"]), r["bp_treated"] == "1"
        s = FraminghamSubject(sex=r["sex"], age=float(r["age"]), HDL=float(r["hdl"]) * MGDL,
                              tch=float(r["total_chol"]) * MGDL, SBP_nt=0.0 if trt else sbp,
                              SBP_t=sbp if trt else 0.0, smoking=r["smoker"] == "1",
                              diabetes=r["diabetes"] == "1")
        v = 100 * float(m._compute_single(s))
        e = float(r["expected_framingham2008_lab_cvd_10y"])
        d.append(abs(v - e)); rel.append(abs(v - e) / e)
print(f"framingham2008_lab  cvd-risk-scores vs CVrisk: n={len(d)} (skipped {skipped} age-30 rows) "
      f"max abs diff {max(d):.3g} pp, max rel diff {max(rel):.3g}")
