#!/usr/bin/env python3
"""Seeded draws of PREVENT inputs (canonical units) for reference_prevent.csv."""
import csv, math, random
rng = random.Random(20231110)
FIELDS = ["id", "age", "sex", "smoker", "diabetes", "bp_treated", "statin", "sbp", "total_chol", "hdl", "bmi",
          "egfr", "uacr", "hba1c", "sdi"]
rows = []
# the Table S25 / preventr example patient (TC 200, HDL 45 mg/dL expressed in mmol/L via /38.67), both sexes
for sex in ("female", "male"):
    rows.append(dict(id=f"ex_{sex}", age=50, sex=sex, smoker=0, diabetes=1, bp_treated=1, statin=0, sbp=160,
                     total_chol="%.6f" % (200 / 38.67), hdl="%.6f" % (45 / 38.67), bmi=35, egfr=90,
                     uacr=92, hba1c=9.2, sdi=3))
edge_ages = [30, 30, 59, 59, 59.5, 60, 60, 79, 79, 45]
edge_sbp = [90, 110, 110, 200, 109.5, 110.5, 180, 200]
for i in range(290):
    age = edge_ages[i] if i < len(edge_ages) else round(rng.uniform(30, 79), 1)
    sbp = edge_sbp[i % len(edge_sbp)] if i % 9 == 0 else round(rng.uniform(90, 200))
    tc = round(rng.uniform(3.37, 8.27), 2)
    hdl = round(rng.uniform(0.52, min(2.58, tc - 0.5)), 2)
    bmi = rng.choice([30.0, 18.5, 39.9]) if i % 13 == 0 else round(rng.uniform(18.5, 39.9), 1)
    egfr = rng.choice([60, 15, 140]) if i % 11 == 0 else round(rng.uniform(15, 140), 1)
    uacr = "" if rng.random() < 0.25 else round(math.exp(rng.uniform(math.log(0.1), math.log(25000))), 3)
    if uacr != "" and uacr < 0.1:
        uacr = 0.1
    hba1c = "" if rng.random() < 0.25 else round(rng.uniform(4.5, 15), 1)
    sdi = "" if rng.random() < 0.25 else rng.randint(1, 10)
    rows.append(dict(id=f"r{i:03d}", age=age, sex=rng.choice(["female", "male"]),
                     smoker=int(rng.random() < 0.3), diabetes=int(rng.random() < 0.3),
                     bp_treated=int(rng.random() < 0.4), statin=int(rng.random() < 0.3), sbp=sbp,
                     total_chol=tc, hdl=hdl, bmi=bmi, egfr=egfr, uacr=uacr, hba1c=hba1c, sdi=sdi))
# a few rows outside the valid ranges: both sides must leave every cell empty
bad = [dict(age=29), dict(age=80), dict(sbp=85), dict(bmi=41), dict(egfr=10), dict(hba1c=16), dict(uacr=0.05),
       dict(hdl=0.4)]
for j, b in enumerate(bad):
    r = dict(rows[2 + j]); r.update(b); r["id"] = f"bad{j}"
    rows.append(r)
with open("ref_inputs.csv", "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=FIELDS); w.writeheader(); w.writerows(rows)
print(len(rows), "rows")
