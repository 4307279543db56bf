"""FINDRISC reference: OUR OWN independent evaluator (no packaged implementation found on
PyPI/Debian), written from the printed form as if/else, not from findrisc.json.
Rows include every band boundary (age 45/55/65, BMI 25/30, waist 80/88/94/102)."""
import csv, random
rng = random.Random(31)

def findrisc(age, sex, bmi, waist, act, fv, bp, glu, fam):
    p = 0 if age < 45 else 2 if age < 55 else 3 if age < 65 else 4
    p += 0 if bmi < 25 else 1 if bmi <= 30 else 3
    lo, hi = (94, 102) if sex == 'male' else (80, 88)
    p += 0 if waist < lo else 3 if waist <= hi else 4
    p += 0 if act == 1 else 2
    p += 0 if fv == 1 else 1
    p += 2 if bp == 1 else 0
    p += 5 if glu == 1 else 0
    p += {0: 0, 1: 3, 2: 5}[fam]
    if p < 7: band, risk = 'low', 1
    elif p <= 11: band, risk = 'slightly_elevated', 4
    elif p <= 14: band, risk = 'moderate', 17
    elif p <= 20: band, risk = 'high', 33
    else: band, risk = 'very_high', 50
    return p, band, risk

rows = []
edges_age = [44.9, 45, 54.9, 55, 64.9, 65]
edges_bmi = [24.9, 25, 30, 30.1]
edges_w = [79.9, 80, 88, 88.1, 93.9, 94, 102, 102.1]
for i in range(240):
    r = dict(id=f'f{i:03d}', age=rng.choice(edges_age) if i < 60 else round(rng.uniform(20, 85), 1),
             sex=rng.choice(['female', 'male']),
             bmi=rng.choice(edges_bmi) if i < 60 else round(rng.uniform(18, 42), 1),
             waist_cm=rng.choice(edges_w) if i < 80 else round(rng.uniform(65, 130), 1),
             physically_active=rng.randint(0, 1), daily_fruit_veg=rng.randint(0, 1), bp_treated=rng.randint(0, 1),
             high_glucose_history=int(rng.random() < 0.5 if i < 120 else rng.random() < 0.15),
             family_history_diabetes=rng.randint(0, 2))
    p, band, risk = findrisc(r['age'], r['sex'], r['bmi'], r['waist_cm'], r['physically_active'], r['daily_fruit_veg'],
                             r['bp_treated'], r['high_glucose_history'], r['family_history_diabetes'])
    r.update(expected_findrisc_points=p, expected_findrisc_band=band, expected_findrisc_t2d_10y=risk)
    rows.append(r)
with open('../reference_findrisc.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, list(rows[0])); w.writeheader(); w.writerows(rows)
print('findrisc rows', len(rows), 'bands', sorted({r['expected_findrisc_band'] for r in rows}))
