"""Step 1 of the Globorisk reference: seeded input rows + an extract of the package's internal
data objects (coefs, cvdr, rf as in R/sysdata.rda) for R.  The extract is taken from the
source pickle directly (NOT from base_rates.csv), so the R run checks the compaction too."""
import csv, random, sys
sys.path.insert(0, '.')
from convert_globorisk import load

d = load()
rng = random.Random(20240607)
isos = sorted(d['cvd_rates'])
rows = []
for i in range(200):
    iso = 'VNM' if i < 60 else rng.choice(isos)
    age = round(rng.uniform(40, 74.99), 1) if i % 3 else rng.randint(40, 74)
    rows.append(dict(id=f'g{i:03d}', age=age, sex=rng.choice(['female', 'male']),
                     sbp=rng.randint(95, 200), total_chol=round(rng.uniform(3.0, 8.5), 2),
                     diabetes=int(rng.random() < 0.2), smoker=int(rng.random() < 0.3),
                     bmi=round(rng.uniform(17, 40), 1), country=iso,
                     baseline_year=rng.randint(2000, 2020)))
cols = list(rows[0])
with open('ref_inputs.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, cols); w.writeheader(); w.writerows(rows)

# coefs as the R code expects: one row per (type, lac) with columns named like the terms
terms = sorted({k for v in d['coefficients'].values() for t in v.values() for k in t})
with open('r_coefs.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['type', 'lac'] + terms)
    for ver, byl in d['coefficients'].items():
        for lac, t in byl.items():
            w.writerow([ver, int(lac)] + ['%.17g' % t[k] if k in t else 'NA' for k in terms])
# rf: all
with open('r_rf.csv', 'w', newline='') as f:
    w = csv.writer(f); keys = ['mean_sbp', 'mean_tc', 'mean_dm', 'mean_smk', 'mean_bmi']
    w.writerow(['iso', 'sex', 'agec'] + keys)
    for iso, bys in d['risk_factors'].items():
        for sex, bya in bys.items():
            for ac, r in bya.items():
                w.writerow([iso, int(sex), int(ac)] + ['%.17g' % r[k] for k in keys])
# cvdr rows needed: (iso, year, sex, type, age)
need = {(r['country'], r['baseline_year'], 0 if r['sex'] == 'male' else 1, int(r['age'])) for r in rows}
with open('r_cvdr.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['iso', 'year', 'sex', 'type', 'age', 'agec'] + [f'cvd_{t}' for t in range(20)])
    for (iso, y, sex, age) in sorted(need):
        for typ in ('FNF', 'F'):
            ser = d['cvd_rates'][iso][sex][typ][y][age]
            w.writerow([iso, y, sex, typ, age, age // 5 - 7] + ['%.17g' % ser[t] if ser.get(t) is not None else 'NA' for t in range(20)])
print('rows', len(rows), 'cvdr rows', 2 * len(need))
