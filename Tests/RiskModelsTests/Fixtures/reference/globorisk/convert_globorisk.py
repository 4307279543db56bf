"""Convert the Globorisk tables (R package boyercb/globorisk v1.0.2, R/sysdata.rda objects
coefs / cvdr / rf) into compact CSV files.

Source actually read: the PyPI wheel cvd-risk 0.1.48, file
cvd_risk/models/globorisk/globorisk_data.pkl.xz, which holds the same three objects
(coefficients, cvd_rates[iso][sex][type][year][age][t], risk_factors[iso][sex][agec])
at 15 significant digits.  The snapshot of boyercb/globorisk available here lacks
R/sysdata.rda (binary > 4 MiB not stored); the LAO extract in iambodo/dhis2-cvd-globorisk-plugin
(globoriskData.js, written by pyreadr straight from sysdata.rda) is used as an independent
check (verify_against_dhis2_lao()).  The pickle is read with a restricted unpickler
(only numpy scalar/dtype allowed).

Outputs (all in this folder):
  coefs.csv        version,lac,term,coef
  rf_means.csv     iso,sex(0 man,1 woman),agec(1..9),mean_sbp(mmHg/10),mean_tc(mmol/L),mean_dm,mean_smk,mean_bmi(kg/m2/5)
  base_rates.csv   iso,type(FNF|F),sex,year(calendar 2000..2029),r1..r10  (annual baseline CVD hazard by age class
                   agec = trunc(age/5)-7: 1=40-44 ... 9=80-84, 10=85-89)
and checks that cvd_t(iso,sex,type,base year Y, age a) == base_rates(iso,type,sex,Y+t, agec(a+t)) for every
(iso,sex,type,Y,a,t) stored in the source.
"""
import csv, lzma, math, pickle, sys, json, re
import numpy as np

SRC = '../_dl/cvdrisk/cvd_risk/models/globorisk/globorisk_data.pkl.xz'

class Restricted(pickle.Unpickler):
    def find_class(self, m, n):
        if (m, n) in (('numpy.core.multiarray', 'scalar'), ('numpy._core.multiarray', 'scalar')):
            return np._core.multiarray.scalar
        if (m, n) == ('numpy', 'dtype'):
            return np.dtype
        raise pickle.UnpicklingError(f'forbidden global {m}.{n}')

def load():
    with lzma.open(SRC, 'rb') as f:
        return Restricted(f).load()

def agec(x):
    return int(x // 5) - 7  # 40-44 -> 1 ... 85-89 -> 10 (90+ -> 11: no rate)

def g(v):
    return '%.15g' % v

def main():
    d = load()
    # coefficients
    with open('coefs.csv', 'w', newline='') as f:
        w = csv.writer(f); w.writerow(['version', 'lac', 'term', 'coef'])
        for ver, byl in d['coefficients'].items():
            for lac, terms in sorted(byl.items()):
                for k, v in terms.items():
                    w.writerow([ver, int(lac), k, g(v)])
    # rf means
    with open('rf_means.csv', 'w', newline='') as f:
        w = csv.writer(f)
        keys = ['mean_sbp', 'mean_tc', 'mean_dm', 'mean_smk', 'mean_bmi']
        w.writerow(['iso', 'sex', 'agec'] + keys)
        for iso in sorted(d['risk_factors']):
            for sex in sorted(d['risk_factors'][iso]):
                for ac in sorted(d['risk_factors'][iso][sex]):
                    r = d['risk_factors'][iso][sex][ac]
                    w.writerow([iso, int(sex), int(ac)] + [g(r[k]) for k in keys])
    # base rates: calendar year x age class
    base = {}
    conflicts = 0
    n = 0
    for iso, bys in d['cvd_rates'].items():
        for sex, byt in bys.items():
            for typ, byy in byt.items():
                for Y, bya in byy.items():
                    for a, ser in bya.items():
                        for t, v in ser.items():
                            if v is None or (isinstance(v, float) and math.isnan(v)):
                                continue
                            key = (iso, typ, int(sex), int(Y) + int(t), agec(int(a) + int(t)))
                            n += 1
                            if key in base:
                                if base[key] != v:
                                    conflicts += 1
                            else:
                                base[key] = v
    print('source values', n, 'distinct cells', len(base), 'conflicts', conflicts)
    assert conflicts == 0
    isos = sorted({k[0] for k in base})
    with open('base_rates.csv', 'w', newline='') as f:
        w = csv.writer(f); w.writerow(['iso', 'type', 'sex', 'year'] + [f'r{k}' for k in range(1, 11)])
        for iso in isos:
            for typ in ('FNF', 'F'):
                for sex in (0, 1):
                    for y in range(2000, 2030):
                        row = [base.get((iso, typ, sex, y, k)) for k in range(1, 11)]
                        if all(v is None for v in row):
                            continue
                        w.writerow([iso, typ, sex, y] + ['' if v is None else g(v) for v in row])
    cov = {'cvd_rate_isos': len(isos), 'rf_isos': len(d['risk_factors']),
           'rf_only_isos': sorted(set(d['risk_factors']) - set(d['cvd_rates'])),
           'baseline_years': [2000, 2020], 'calendar_years_in_rates': [min(k[3] for k in base), max(k[3] for k in base)],
           'isos': isos}
    json.dump(cov, open('coverage.json', 'w'), indent=1)
    print(json.dumps({k: v for k, v in cov.items() if k != 'isos'}))

def verify_against_dhis2_lao(path='../_dl/globoriskData_LAO.js'):
    s = open(path).read()
    grab = lambda name: json.loads(re.search(r'export const ' + name + r' = (.*)\n', s).group(1))
    CV = grab('CVDR')['LAO']; RF = grab('RF')['LAO']
    base = {}
    for r in csv.DictReader(open('base_rates.csv')):
        if r['iso'] == 'LAO' and r['type'] == 'FNF':
            for k in range(1, 11):
                if r[f'r{k}']:
                    base[(int(r['sex']), int(r['year']), k)] = float(r[f'r{k}'])
    mx = 0; n = 0
    for Y, v in CV.items():
        for sx, v2 in v.items():
            for a, ser in v2.items():
                for t, val in enumerate(ser):
                    b = base.get((int(sx), int(Y) + t, agec(int(a) + t)))
                    if val is None:
                        continue
                    mx = max(mx, abs(val - b) / val); n += 1
    rfm = 0
    for r in csv.DictReader(open('rf_means.csv')):
        if r['iso'] == 'LAO':
            for k in ['mean_sbp', 'mean_tc', 'mean_dm', 'mean_smk', 'mean_bmi']:
                rfm = max(rfm, abs(float(r[k]) - RF[r['sex']][r['agec']][k]))
    print(f'LAO check vs sysdata extract (dhis2 plugin): {n} rates, max rel diff {mx:.3g}; rf max abs diff {rfm:.3g}')

if __name__ == '__main__':
    main()
    verify_against_dhis2_lao()
