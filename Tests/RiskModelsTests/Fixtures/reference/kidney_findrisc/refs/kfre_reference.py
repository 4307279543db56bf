"""KFRE reference values from the PyPI package kfre (kfre.risk_pred), 200 seeded rows.
Inputs in canonical SI units; converted to the US units that kfre expects with the exact
molar-mass factors (albumin g/L x 0.1, phosphate x 3.0974, calcium x 4.008; bicarbonate 1:1),
NOT with kfre.perform_conversions (which uses the rounded 3.1 and 4)."""
import csv, random, importlib.metadata
from kfre import risk_pred

rng = random.Random(11)
rows = []
for i in range(200):
    r = dict(id=f'k{i:03d}', age=round(rng.uniform(25, 95), 1), sex=rng.choice(['female', 'male']),
             egfr=round(rng.uniform(8, 75), 1), uacr=round(10 ** rng.uniform(0, 3.7), 1),
             albumin=round(rng.uniform(25, 50), 1), phosphate=round(rng.uniform(0.7, 2.4), 2),
             bicarbonate=round(rng.uniform(14, 32), 1), calcium=round(rng.uniform(1.9, 2.7), 2),
             kfre_calibration=rng.choice(['north_american', 'non_north_american']))
    na = r['kfre_calibration'] == 'north_american'
    male = 1 if r['sex'] == 'male' else 0
    for nv in (4, 8):
        for yrs in (2, 5):
            kw = dict(age=r['age'], sex=male, eGFR=r['egfr'], uACR=r['uacr'], is_north_american=na, years=yrs, num_vars=nv)
            if nv == 8:
                kw.update(albumin=r['albumin'] * 0.1, phosphorous=r['phosphate'] * 3.0974,
                          bicarbonate=r['bicarbonate'], calcium=r['calcium'] * 4.008)
            r[f'expected_kfre_{nv}var_kf_{yrs}y'] = '%.12g' % (100 * float(risk_pred(**kw)))
    rows.append(r)
with open('../reference_kfre.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, list(rows[0])); w.writeheader(); w.writerows(rows)
print('kfre', importlib.metadata.version('kfre'), 'rows', len(rows))
