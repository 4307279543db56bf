"""CKD-EPI 2021 reference: OUR OWN independent evaluator (no packaged implementation of the
2021 race-free equation was found on PyPI or Debian here; edc-egfr 0.3.8 implements only
CKD-EPI 2009).  Written from the published min/max form, not from egfr_ckdepi2021.json:
eGFR = 142 * min(Scr/k,1)^a * max(Scr/k,1)^-1.200 * 0.9938^age * 1.012[female],
k 0.7 F / 0.9 M, a -0.241 F / -0.302 M, Scr mg/dL = umol/L / 88.4."""
import csv, random
rng = random.Random(21)
rows = []
fixed = [(50, 'female', 0.7 * 88.4), (50, 'male', 0.9 * 88.4), (18, 'female', 40), (90, 'male', 900)]
for i in range(200):
    if i < len(fixed):
        age, sex, cr = fixed[i]
    else:
        age, sex, cr = round(rng.uniform(18, 100), 1), rng.choice(['female', 'male']), round(10 ** rng.uniform(1.4, 3.0), 1)
    scr = cr / 88.4
    k, a = (0.7, -0.241) if sex == 'female' else (0.9, -0.302)
    e = 142 * min(scr / k, 1) ** a * max(scr / k, 1) ** -1.200 * 0.9938 ** age * (1.012 if sex == 'female' else 1)
    rows.append(dict(id=f'e{i:03d}', age=age, sex=sex, creatinine=cr, expected_egfr_ckdepi2021='%.12g' % e))
with open('../reference_egfr_ckdepi2021.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, list(rows[0])); w.writeheader(); w.writerows(rows)
print('egfr rows', len(rows))
