"""compare_python.py -- cross-check the fixture CSVs (written by the make_*.R drivers) against Python packages.

Run (see README.md):  $REFWORK/venv/bin/python compare_python.py
  pce2013              ascvd 0.5 (PyPI) compute_ten_year_score, its final round(x*10)/10 neutralised by
                       shadowing `round` in the module (ACC/AHA Risk Estimator constants)
  framingham2008_lab   cvd-risk 0.1.48 (PyPI) cvd_risk.models.framingham.Framingham (takes mmol/L, x 38.67 inside)
  score2               cvd-risk 0.1.48 SCORE2 (no diabetes term) vs expected_score2_cvd_10y_diabetes_ignored,
                       its metadata raw_uncalibrated vs expected_score2_cvd_uncalibrated_10y on diabetes == 0 rows
  score2_op            cvd-risk 0.1.48 SCORE2OP (2-decimal Table 1 scales) vs expected_score2_op_cvd_10y_table1_scales
cvd-risk's PatientData declares age as int; rows are built with model_construct() so 1-decimal ages are kept.
Prints the maximum absolute (percentage points) and relative differences; writes nothing.
"""
import csv
import math
import ascvd
from cvd_risk.core.validation import PatientData
from cvd_risk.models.framingham import Framingham
from cvd_risk.models.score2 import SCORE2
from cvd_risk.models.score2op import SCORE2OP

ascvd.round = lambda x, n=None: x  # compute_ten_year_score returns round(pct*100*10)/10 -> pct*100
MGDL = 38.67


def rows(name):
    with open(name, newline="") as fh:
        return list(csv.DictReader(fh))


def report(label, pairs):
    d = [abs(a - b) for a, b in pairs]
    r = [abs(a - b) / abs(b) for a, b in pairs if b != 0]
    print(f"{label}: n={len(pairs)} max abs diff {max(d):.3g} pp, max rel diff {max(r):.3g}")


def patient(r, **kw):
    base = dict(age=float(r["age"]), sex=r["sex"], systolic_bp=float(r["sbp"]),
                total_cholesterol=float(r["total_chol"]), hdl_cholesterol=float(r["hdl"]),
                smoking=r["smoker"] == "1", diabetes=r["diabetes"] == "1")
    base.update(kw)
    return PatientData.model_construct(**base)


pairs = []
for r in rows("pce2013.csv"):
    v = ascvd.compute_ten_year_score(r["sex"] == "male", r["race"] == "black", r["smoker"] == "1",
                                     r["bp_treated"] == "1", r["diabetes"] == "1", float(r["age"]),
                                     float(r["sbp"]), float(r["total_chol"]) * MGDL, float(r["hdl"]) * MGDL)
    pairs.append((v, float(r["expected_pce2013_ascvd_10y"])))
report("pce2013  ascvd 0.5 vs PooledCohort", pairs)

m = Framingham()
pairs = [(m.calculate(patient(r, antihypertensive=r["bp_treated"] == "1")).risk_score,
          float(r["expected_framingham2008_lab_cvd_10y"])) for r in rows("framingham2008_lab.csv")]
report("framingham2008_lab  cvd-risk vs CVrisk", pairs)

m = SCORE2()
pairs, upairs = [], []
for r in rows("score2.csv"):
    res = m.calculate(patient(r, region=r["score2_region"]))
    pairs.append((res.risk_score, float(r["expected_score2_cvd_10y_diabetes_ignored"])))
    if r["diabetes"] == "0":
        upairs.append((100 * float(res.calculation_metadata["raw_uncalibrated"]),
                       float(r["expected_score2_cvd_uncalibrated_10y"])))
        assert r["expected_score2_cvd_10y"] == r["expected_score2_cvd_10y_diabetes_ignored"]
report("score2  cvd-risk vs RiskScorescvd (diabetes ignored)", pairs)
report("score2  cvd-risk vs RiskScorescvd uncalibrated (diabetes == 0 rows)", upairs)

m = SCORE2OP()
pairs, upairs = [], []
for r in rows("score2_op.csv"):
    res = m.calculate(patient(r, region=r["score2_region"]))
    pairs.append((res.risk_score, float(r["expected_score2_op_cvd_10y_table1_scales"])))
    upairs.append((100 * float(res.calculation_metadata.get("raw_uncalibrated", math.nan)),
                   float(r["expected_score2_op_cvd_uncalibrated_10y"])))
report("score2_op  cvd-risk vs RiskScorescvd, both with Table 1 2-decimal scales", pairs)
report("score2_op  cvd-risk vs RiskScorescvd uncalibrated", upairs)
