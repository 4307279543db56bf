"""Compare reference_qrisk3.csv (R package) and evaluate.py with the original ClinRisk C code
compiled from sources/sisu_qrisk3.c via c_check.c (cc -O0 -o c_check c_check.c -lm)."""
import csv, json, subprocess
from evaluate import score_row
rows = list(csv.DictReader(open("reference_qrisk3.csv")))
lines = []
for r in rows:
    t = r["diabetes_type"]
    lines.append(" ".join(str(x) for x in [
        1 if r["sex"] == "female" else 0, int(float(r["age"])), r["atrial_fibrillation"], r["atypical_antipsychotic"],
        r["corticosteroids"], r["erectile_dysfunction"], r["migraine"], r["rheumatoid_arthritis"], r["ckd_stage_3_5"],
        r["severe_mental_illness"], r["sle"], r["bp_treated"], int(t == "type1"), int(t == "type2"), r["bmi"],
        r["ethnicity"], r["family_history_chd"], repr(float(r["total_chol"]) / float(r["hdl"])), r["sbp"],
        r["sbp_sd"], r["smoking_category"], r["townsend"]]))
out = subprocess.run(["./c_check"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True).stdout.split()
assert len(out) == len(rows)
model = json.load(open("qrisk3.json"))
dr = de = 0.0
for r, c in zip(rows, out):
    c = float(c)
    dr = max(dr, abs(c - float(r["expected_qrisk3_cvd_10y"])))
    de = max(de, abs(c - score_row(model, r)[1]["qrisk3_cvd_10y"]))
print("%d rows: max |C - R package (%%.12g)| = %.3g pp; max |C - evaluate.py| = %.3g pp" % (len(rows), dr, de))
