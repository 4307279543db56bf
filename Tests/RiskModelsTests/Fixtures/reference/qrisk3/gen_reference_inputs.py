"""Make reference_inputs.csv: 300 seeded rows spanning the valid ranges and every category,
plus the 97 official QRISK3 test rows from $SHARED_REFERENCE/qrisk3.csv (canonical columns)."""
import csv, random
import os

COLS = ["id", "age", "sex", "ethnicity", "townsend", "smoking_category", "smoker", "diabetes_type", "diabetes",
        "sbp", "sbp_sd", "bp_treated", "total_chol", "hdl", "bmi", "family_history_chd", "atrial_fibrillation",
        "rheumatoid_arthritis", "ckd_stage_3_5", "migraine", "sle", "severe_mental_illness",
        "atypical_antipsychotic", "corticosteroids", "erectile_dysfunction", "source"]
FLAGS = ["bp_treated", "family_history_chd", "atrial_fibrillation", "rheumatoid_arthritis", "ckd_stage_3_5",
         "migraine", "sle", "severe_mental_illness", "atypical_antipsychotic", "corticosteroids",
         "erectile_dysfunction"]
rng = random.Random(20170523)
rows = []
for i in range(300):
    r = {"id": "q3-seed-%03d" % (i + 1)}
    r["age"] = rng.randint(25, 84)
    r["sex"] = "female" if (i % 2 == 0) else "male"
    r["ethnicity"] = 1 + i % 9
    r["smoking_category"] = (i // 9) % 5 if i < 270 else rng.randint(0, 4)
    r["diabetes_type"] = rng.choice(["none", "none", "type1", "type2"])
    r["townsend"] = round(rng.uniform(-7, 11), 2)
    r["sbp"] = rng.randint(70, 210)
    r["sbp_sd"] = round(rng.uniform(0, 30), 1)
    r["bmi"] = round(rng.uniform(20, 40), 2)
    while True:
        hdl = round(rng.uniform(0.6, 2.6), 2)
        tc = round(rng.uniform(1.05, 11.9) * hdl, 1)
        if 1 <= tc / hdl <= 12:
            break
    r["total_chol"], r["hdl"] = tc, hdl
    for f in FLAGS:
        r[f] = 1 if rng.random() < 0.25 else 0
    rows.append(r)
# boundary rows (inclusive limits): age, BMI, SBP, Townsend, ratio at both ends
edges = [dict(age=25, bmi=20, sbp=70, townsend=-7, total_chol=1.2, hdl=1.2, sbp_sd=0),
         dict(age=84, bmi=40, sbp=210, townsend=11, total_chol=6.0, hdl=0.5, sbp_sd=30)]
for j, e in enumerate(edges * 2):
    rows[j].update(e)
for r in rows:
    r["smoker"] = 1 if r["smoking_category"] >= 2 else 0
    r["diabetes"] = 0 if r["diabetes_type"] == "none" else 1
    r["source"] = "seeded row (random.Random(20170523)); expected from QRISK3 R package 0.6.0"
for o in csv.DictReader(open(os.path.join(os.environ.get("SHARED_REFERENCE", "shared/reference"), "qrisk3.csv"))):
    rows.append({c: o[c] for c in COLS})
with open("reference_inputs.csv", "w", newline="") as fh:
    w = csv.DictWriter(fh, COLS)
    w.writeheader()
    w.writerows(rows)
print(len(rows), "rows")
