#!/usr/bin/env python3
"""WHO 2019 CVD risk (WHO CVD Risk Chart Working Group, Lancet Glob Health 2019;7:e1332).

A TRANSCRIPTION of the authors' Stata program `whocvdrisk` (Kaptoge & Pennells), github
skkceu/stata @ d4372b64650e2a3158620058aceb0aa9f4ce6524:
  - whocvdrisk_erfc_score_v03.ado : coefficients and 10-year baseline survivals (sex 1=men, 2=women)
  - whocvdrisk.ado                : recalibration  p_cal = 1 - exp(-exp(cons + slope * ln(-ln(1 - p))))
                                    then CVD = 1 - (1 - CHD_cal)(1 - STR_cal)
  - whocvdrisk_t10_calparms_gbd_sens0.dta : cons/slope per (year, ccode, sex) and outcome;
                                    GBD-region rows (ccode like A05GBDR_014_SEA) and cal2_* columns.
It is NOT an independent package.  Parameters are read from who2019_lab.json / who2019_nonlab.json
(written by build_models.py from the .dta) so this also checks those files.
"""
import json, math, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def load(model):
    with open(os.path.join(HERE, f"who2019_{model}.json")) as f:
        return json.load(f)

_MODELS = {}
def model(name):
    if name not in _MODELS:
        _MODELS[name] = load(name)
    return _MODELS[name]

def features(m, x):
    vals = {}
    for f in m["features"]:
        k = f["kind"]
        if k == "linear":
            vals[f["name"]] = (x[f["input"]] - f.get("center", 0.0)) / f.get("scale", 1.0)
        elif k == "product":
            p = 1.0
            for o in f["of"]:
                p *= vals[o]
            vals[f["name"]] = p
        else:
            raise ValueError(k)
    return vals

def risk(name, x, detail=False):
    """x: dict with age, sex ('male'/'female'), smoker (0/1), sbp, diabetes (0/1), total_chol (mmol/L), bmi,
    who_region. Returns CVD 10-year risk as a fraction (unrounded)."""
    m = model(name)
    fv = features(m, x)
    stratum = next(s for s in m["strata"] if x["sex"] in s["when"]["sex"])
    rec = m["recalibration"]["scales"][x["who_region"]][stratum["id"]]
    out = {}
    for oc, eq in stratum["equations"].items():
        lp = sum(c * fv[n] for n, c in eq["coefficients"].items())
        p = 1.0 - eq["baseline_survival"] ** math.exp(lp - eq.get("mean_linear_predictor", 0.0))
        s1, s2 = rec[oc]
        out[oc + "_uncal"] = p
        out[oc] = 1.0 - math.exp(-math.exp(s1 + s2 * math.log(-math.log(1.0 - p))))
    out["cvd"] = 1.0 - (1.0 - out["chd"]) * (1.0 - out["stroke"])
    return out if detail else out["cvd"]

if __name__ == "__main__":
    # tiny CLI: evaluate.py lab|nonlab key=value ...
    name = sys.argv[1]
    x = {}
    for a in sys.argv[2:]:
        k, v = a.split("=")
        x[k] = v if k in ("sex", "who_region") else float(v)
    print(json.dumps(risk(name, x, detail=True), indent=1))
