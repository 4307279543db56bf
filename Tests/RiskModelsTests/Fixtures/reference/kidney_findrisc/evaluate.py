#!/usr/bin/env python3
"""Evaluate the model JSON files of this folder on a CSV of canonical inputs, following the
semantics of Models/README.md + the format extensions (+ the extensions
proposed in NOTES.md: points 'at_most', link 'annual_hazard', feature 'center_from').
Pure standard library.

  python3 evaluate.py MODEL.json INPUT.csv [OUT.csv]   -> writes id + output columns
  python3 evaluate.py --check                           -> compares every reference_*.csv
"""
import csv, json, math, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEX = {'female': 'female', 'f': 'female', 'nữ': 'female', 'male': 'male', 'm': 'male', 'nam': 'male'}
CATEGORICAL = {'sex', 'country', 'kfre_calibration', 'score2_region', 'who_region', 'race'}

class NA(Exception):
    pass

_tables = {}
def table(path):
    if path not in _tables:
        _tables[path] = list(csv.DictReader(open(os.path.join(HERE, path))))
    return _tables[path]

_rf_index = {}
def rf_lookup(spec, ctx):
    path = spec['table']
    if path not in _rf_index:
        _rf_index[path] = {(r['iso'], int(r['sex']), int(r['agec'])): r for r in table(path)}
    key = (ctx['country'], ctx['sex01'], ctx['agec'])
    r = _rf_index[path].get(key)
    if r is None:
        raise NA('no_risk_factor_means')
    return float(r[spec['column']])

_rate_index = {}
def base_rate(path, typ, iso, sex01, year, agec):
    if path not in _rate_index:
        idx = {}
        for r in table(path):
            idx[(r['iso'], r['type'], int(r['sex']), int(r['year']))] = r
        _rate_index[path] = idx
    r = _rate_index[path].get((iso, typ, sex01, year))
    if r is None or not (1 <= agec <= 10) or r[f'r{agec}'] == '':
        raise NA('no_baseline_rate')
    return float(r[f'r{agec}'])

def parse_row(raw, model):
    row = {}
    for inp in model['inputs']:
        f = inp['field']
        v = raw.get(f, '')
        if v is None or str(v).strip() in ('', 'NA'):
            raise NA(f'missing:{f}')
        v = str(v).strip()
        if f == 'sex':
            v = SEX[v.lower()]
        elif f in CATEGORICAL:
            v = v.upper() if f == 'country' else v
        else:
            v = float(v)
        if 'min' in inp and v < inp['min'] or 'max' in inp and v > inp['max']:
            raise NA(f'out_of_range:{f}')
        if 'values' in inp and v not in inp['values']:
            raise NA(f'invalid:{f}')
        row[f] = v
    for ex in model.get('exclusions', []):
        v = raw.get(ex['field'], '')
        if v not in ('', None) and float(v) == ex['equals']:
            raise NA(f"not_applicable:{ex['reason']}")
    return row

def points(bands, x):
    for b in bands:
        if 'equals' in b:
            if x == b['equals']:
                return b['points']
        elif 'below' in b:
            if x < b['below']:
                return b['points']
        elif 'at_most' in b:
            if x <= b['at_most']:
                return b['points']
        else:
            return b['points']
    raise NA('no_band')

def features(model, row, ctx):
    val = {}
    for f in model['features']:
        k = f['kind']
        x = row.get(f.get('input'))
        if k == 'linear':
            c = rf_lookup(f['center_from'], ctx) if 'center_from' in f else f.get('center', 0.0)
            val[f['name']] = (x / f.get('scale', 1.0) - c) if 'center_from' in f else (x - c) / f.get('scale', 1.0)
        elif k == 'log':
            val[f['name']] = math.log(x * f.get('multiplier', 1.0)) - f.get('center', 0.0)
        elif k == 'power':
            xm = x * f.get('multiplier', 1.0)
            p = math.log(xm) if f['exponent'] == 0 else xm ** f['exponent']
            val[f['name']] = (p - f.get('center', 0.0)) / f.get('scale', 1.0)
        elif k == 'hinge':
            xm = x * f.get('multiplier', 1.0); kn = f['knot']; below = f.get('side', 'above') == 'below'
            if f.get('log'):
                h = max(math.log(kn / xm), 0.0) if below else max(math.log(xm / kn), 0.0)
            else:
                h = (max(kn - xm, 0.0) if below else max(xm - kn, 0.0)) / f.get('scale', 1.0)
            val[f['name']] = h
        elif k == 'indicator':
            val[f['name']] = 1.0 if x == f['equals'] else 0.0
        elif k == 'product':
            p = 1.0
            for n in f['of']:
                p *= val[n]
            val[f['name']] = p
        elif k == 'points':
            val[f['name']] = float(points(f['bands'], x))
        else:
            raise ValueError(k)
    return val

def stratum(model, row):
    for s in model['strata']:
        if all(row[fld] in vals for fld, vals in s['when'].items()):
            return s
    raise NA('no_stratum')

def lp_of(coefs, val):
    return sum(b * val[n] for n, b in coefs.items())

def score(model, raw):
    """Returns {column: value} (value float or str); raises NA on a non-ok status."""
    row = parse_row(raw, model)
    ctx = {}
    if model['link'] == 'annual_hazard':
        A = math.trunc(row['age'])
        ctx = {'country': row['country'], 'sex01': 1 if row['sex'] == 'female' else 0, 'A': A, 'agec': A // 5 - 7}
    val = features(model, row, ctx)
    s = stratum(model, row) if model.get('strata') else None
    values, out = {}, {}
    for o in model['outcomes']:
        col = o.get('column') or f"{model['id']}_{o['id']}_{o['horizon_years']}y"
        if 'lookup' in o:
            lk = o['lookup']; x = values[lk['of']]
            for b in lk['bands']:
                if 'below' not in b or x < b['below']:
                    v = b['label'] if lk.get('write') == 'label' else b['value']; break
            values[o['id']] = v
        else:
            link = model['link']
            if link == 'annual_hazard':
                hz = model['hazard']; A = ctx['A']
                main = lp_of(hz['main'], val); tv = lp_of(hz['time_varying'], val)
                Y = int(row['baseline_year'])
                H = 0.0
                for t in range(hz['years']):
                    h0 = base_rate(hz['baseline_rates']['table'], hz['baseline_rates']['type'], row['country'], ctx['sex01'], Y + t, (A + t) // 5 - 7)
                    H += h0 * math.exp(main + (A + t) * tv)
                v = 1.0 - math.exp(-H)
            else:
                eq = s['equations'][o['id']]
                lp = lp_of(eq['coefficients'], val)
                if link == 'cox':
                    v = 1.0 - eq['baseline_survival'] ** math.exp(lp - eq.get('mean_linear_predictor', 0.0))
                elif link == 'logistic':
                    v = 1.0 / (1.0 + math.exp(-(eq['intercept'] + lp)))
                elif link == 'exp':
                    v = math.exp(eq.get('intercept', 0.0) + lp)
                elif link == 'identity':
                    v = eq.get('intercept', 0.0) + lp
                else:
                    raise ValueError(link)
            values[o['id']] = v
        if o.get('output', True) is not False:
            v = values[o['id']]
            if not isinstance(v, str) and o.get('scale', 'percent') == 'percent' and 'lookup' not in o:
                v = 100.0 * v
            out[col] = v
    return out

def run(model_path, in_path, out_path=None):
    model = json.load(open(model_path))
    rows = list(csv.DictReader(open(in_path)))
    res = []
    for r in rows:
        try:
            res.append((r, score(model, r), 'ok'))
        except NA as e:
            res.append((r, {}, str(e)))
    return model, res

def check():
    pairs = [('kfre_4var.json', 'reference_kfre.csv'), ('kfre_8var.json', 'reference_kfre.csv'),
             ('egfr_ckdepi2021.json', 'reference_egfr_ckdepi2021.csv'), ('findrisc.json', 'reference_findrisc.csv'),
             ('globorisk/globorisk_lab.json', 'reference_globorisk.csv'), ('globorisk/globorisk_office.json', 'reference_globorisk.csv'),
             ('globorisk/globorisk_fatal.json', 'reference_globorisk.csv')]
    worst = 0.0
    for mp, rp in pairs:
        model, res = run(os.path.join(HERE, mp), os.path.join(HERE, rp))
        cols = [o.get('column') or f"{model['id']}_{o['id']}_{o['horizon_years']}y" for o in model['outcomes']]
        for c in cols:
            mx, n, mism, na_ok = 0.0, 0, 0, 0
            for r, out, st in res:
                exp = r.get('expected_' + c, '')
                if exp in ('', 'NA'):
                    if st != 'ok':
                        na_ok += 1
                    else:
                        mism += 1
                    continue
                if st != 'ok':
                    mism += 1; continue
                got = out[c]
                if isinstance(got, str):
                    mism += got != exp
                else:
                    mx = max(mx, abs(got - float(exp)))
                n += 1
            worst = max(worst, mx)
            print(f'{mp:34s} {c:34s} rows {n:4d} max|diff| {mx:.3g}  mismatches {mism}  expected-NA agreed {na_ok}')
    print(f'overall max |diff| {worst:.3g}')

if __name__ == '__main__':
    if sys.argv[1:] == ['--check']:
        check()
    else:
        model, res = run(sys.argv[1], sys.argv[2])
        cols = [o.get('column') or f"{model['id']}_{o['id']}_{o['horizon_years']}y" for o in model['outcomes'] if o.get('output', True) is not False]
        f = open(sys.argv[3], 'w', newline='') if len(sys.argv) > 3 else sys.stdout
        w = csv.writer(f); w.writerow(['id'] + cols + [model['id'] + '_status'])
        for r, out, st in res:
            w.writerow([r.get('id', '')] + [('%.12g' % out[c]) if c in out and not isinstance(out[c], str) else out.get(c, '') for c in cols] + [st])
