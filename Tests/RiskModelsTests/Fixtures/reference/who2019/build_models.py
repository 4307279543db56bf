#!/usr/bin/env python3
"""Build who2019_lab.json / who2019_nonlab.json (riskengine.model/1 + planned extensions) from the
authors' Stata files (github skkceu/stata @ d4372b64650e2a3158620058aceb0aa9f4ce6524), copied to src/.
Coefficients are PARSED from whocvdrisk_erfc_score_v03.ado (no retyping); recalibration parameters are
read from whocvdrisk_t10_calparms_gbd_sens0.dta (year 2017 = the program's default calyear = gbdyear,
GBD-region rows, columns cal2_m{1,2}_{cons,slope}_ep_{chdmi,crbv}).  Also writes
who2019_calparms_2017.csv (all countries and regions, both sexes, both models, for a later per-country option)."""
import json, os, re
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
COMMIT = "d4372b64650e2a3158620058aceb0aa9f4ce6524"

REGIONS = {  # gbdregid -> engine vocabulary (Sources/RiskCore/Fields.swift whoRegion)
    1: "north_africa_middle_east", 2: "central_sub_saharan_africa", 3: "eastern_sub_saharan_africa",
    4: "southern_sub_saharan_africa", 5: "western_sub_saharan_africa", 6: "southern_latin_america",
    7: "high_income_north_america", 8: "caribbean", 9: "andean_latin_america", 10: "central_latin_america",
    11: "tropical_latin_america", 12: "east_asia", 13: "south_asia", 14: "southeast_asia", 15: "central_asia",
    16: "high_income_asia_pacific", 17: "western_europe", 18: "central_europe", 19: "eastern_europe",
    20: "oceania", 21: "australasia"}

def parse_ado():
    txt = open(os.path.join(SRC, "whocvdrisk_erfc_score_v03.ado")).read()
    eqs = {}
    for m in re.finditer(r"replace (lp_m[12]_(?:chd|crbv|cvdd)) = (.*?) if sex==([12])", txt, re.S):
        name, body, sex = m.group(1), m.group(2), int(m.group(3))
        body = body.replace("///", " ")
        terms = re.findall(r"([+-]?\s*[0-9.]+)\*([a-z*]+)", body)
        eqs[(name, sex)] = {t[1].strip(): float(t[0].replace(" ", "")) for t in terms}
    s0 = {}
    for m in re.finditer(r"replace erfc_(chdr|strr|cvdd)_(m[12]) = 1-([0-9.]+)\^exp\(lp_m[12]_\w+\) if sex==([12])", txt):
        s0[(m.group(1), m.group(2), int(m.group(4)))] = float(m.group(3))
    return eqs, s0

VARMAP = {"cenages": "age", "centchol": "tc", "censbp": "sbp", "hxdiabbin": "diabetes", "smallbin": "smoker",
          "cenbmi": "bmi"}
def fname(stata):
    parts = stata.split("*")
    if len(parts) == 1:
        return VARMAP[parts[0]]
    assert parts[0] == "cenages"
    return "age_" + VARMAP[parts[1]]

def f32(x):
    # shortest decimal that round-trips the stored float32 (what Stata displays)
    return float(np.format_float_positional(np.float32(x), unique=True, trim="-"))

def main():
    eqs, s0 = parse_ado()
    df = pd.read_stata(os.path.join(SRC, "whocvdrisk_t10_calparms_gbd_sens0.dta"), convert_categoricals=False)
    cal = df[(df.year == 2017)]
    # companion CSV of all 2017 parameters (country-level cal1_*, region-level cal2_*)
    cols = ["ccode", "country", "gbdreg", "gbdregid", "sex"] + [c for c in df.columns if c.startswith(("cal1_m", "cal2_m")) and ("chdmi" in c or "crbv" in c)]
    out = cal[cols].copy()
    for c in cols[5:]:
        out[c] = [f32(v) if pd.notna(v) else "" for v in out[c]]
    out.to_csv(os.path.join(HERE, "who2019_calparms_2017.csv"), index=False)

    reg = cal[cal.ccode.str.contains("GBDR_0") & cal.gbdregid.between(1, 21)]
    assert len(reg) == 42, len(reg)
    for mi, model_id in ((1, "lab"), (2, "nonlab")):
        scales = {}
        for _, r in reg.sort_values(["gbdregid", "sex"]).iterrows():
            name = REGIONS[int(r.gbdregid)]
            sx = "male" if r.sex == 1 else "female"
            # region rows: cal1_* == cal2_* ; check
            for ep in ("chdmi", "crbv"):
                for k in ("cons", "slope"):
                    assert r[f"cal1_m{mi}_{k}_ep_{ep}"] == r[f"cal2_m{mi}_{k}_ep_{ep}"]
            scales.setdefault(name, {})[sx] = {
                "chd": [f32(r[f"cal2_m{mi}_cons_ep_chdmi"]), f32(r[f"cal2_m{mi}_slope_ep_chdmi"])],
                "stroke": [f32(r[f"cal2_m{mi}_cons_ep_crbv"]), f32(r[f"cal2_m{mi}_slope_ep_crbv"])],
            }
        # also check: every country row's cal2_* equals its region row
        for _, r in cal[cal.gbdregid.between(1, 21)].iterrows():
            sx = "male" if r.sex == 1 else "female"
            v = scales[REGIONS[int(r.gbdregid)]][sx]
            assert f32(r[f"cal2_m{mi}_cons_ep_chdmi"]) == v["chd"][0] and f32(r[f"cal2_m{mi}_slope_ep_crbv"]) == v["stroke"][1], r.ccode
        lab = mi == 1
        features = [
            {"name": "age", "kind": "linear", "input": "age", "center": 60, "scale": 1},
            {"name": "smoker", "kind": "linear", "input": "smoker"},
            {"name": "sbp", "kind": "linear", "input": "sbp", "center": 120, "scale": 1},
        ]
        if lab:
            features += [{"name": "diabetes", "kind": "linear", "input": "diabetes"},
                         {"name": "tc", "kind": "linear", "input": "total_chol", "center": 6, "scale": 1}]
        else:
            features += [{"name": "bmi", "kind": "linear", "input": "bmi", "center": 25, "scale": 1}]
        inter = ["smoker", "sbp"] + (["diabetes", "tc"] if lab else ["bmi"])
        features += [{"name": f"age_{v}", "kind": "product", "of": ["age", v]} for v in inter]
        fnames = [f["name"] for f in features]
        strata = []
        for sex, sid in ((1, "male"), (2, "female")):
            e = {}
            for oc, lpn, s0n in (("chd", "chd", "chdr"), ("stroke", "crbv", "strr")):
                co = {fname(k): v for k, v in eqs[(f"lp_m{mi}_{lpn}", sex)].items()}
                assert set(co) == set(fnames), (set(co) ^ set(fnames))
                e[oc] = {"coefficients": {n: co[n] for n in fnames},
                         "baseline_survival": s0[(s0n, f"m{mi}", sex)], "mean_linear_predictor": 0.0}
            strata.append({"id": sid, "when": {"sex": [sid]}, "equations": e})
        inputs = [{"field": "age", "min": 40, "max": 74, "outside": "not_applicable",
                   "note": "charts and validation: 40-74 years; the authors' program itself does not restrict age"},
                  {"field": "sex"}, {"field": "smoker", "note": "current smoker (Stata smallbin: 0 other, 1 current)"},
                  {"field": "sbp"}]
        if lab:
            inputs += [{"field": "diabetes", "note": "history of diabetes (Stata hxdiabbin)"},
                       {"field": "total_chol", "note": "mmol/L, used untransformed (centred at 6)"}]
        else:
            inputs += [{"field": "bmi", "note": "kg/m2, centred at 25"}]
        inputs += [{"field": "who_region", "note": "GBD region; usually given once with --param who_region=...; Vietnam = southeast_asia"}]
        m = {
            "format": "riskengine.model/1",
            "id": f"who2019_{model_id}",
            "title": "WHO 2019 CVD risk, " + ("laboratory-based" if lab else "non-laboratory-based (BMI)") + " model, 21 GBD regions (continuous)",
            "version": "2019 (recalibration GBD 2017, calyear 2017)",
            "citation": {
                "reference": "WHO CVD Risk Chart Working Group. World Health Organization cardiovascular disease risk charts: revised models to estimate risk in 21 global regions. Lancet Glob Health 2019;7:e1332-e1345",
                "doi": "10.1016/S2214-109X(19)30318-3",
                "table": f"Authors' Stata program whocvdrisk (S Kaptoge, L Pennells), github skkceu/stata @ {COMMIT}: whocvdrisk_erfc_score_v03.ado (model {mi}: coefficients, 10-year baseline survival), whocvdrisk.ado (recalibration and combination), whocvdrisk_t10_calparms_gbd_sens0.dta (recalibration parameters, year 2017, GBD-region rows, cal2_m{mi}_cons/slope_ep_chdmi and _ep_crbv)",
                "confirmed_by": ["printed-chart transcriptions: see who2019_lab_chart.json / who2019_nonlab_chart.json and README (cell agreement at band midpoints)"],
            },
            "notes": [
                "Two sex-specific Cox models (CHD and stroke) fitted in ERFC, risk_k = 1 - S0_k^exp(lp_k) with the centred predictors below (no further mean subtraction); each recalibrated by the cloglog form p_cal = 1 - exp(-exp(cons + slope*ln(-ln(1-p)))) with region- and sex-specific (cons, slope) per outcome; CVD = 1 - (1 - CHD_cal)(1 - stroke_cal). Exactly as in whocvdrisk.ado.",
                "Recalibration parameters are stored as float32 in the .dta; the values here are the shortest decimals that round-trip the float32 (relative difference <1e-7, negligible).",
                "The .dta also holds country-level (cal1_*) parameters for 1990-2017; the program's default (calyear = gbdyear = 2017) is used here. Country-level parameters are in who2019_calparms_2017.csv for a possible later per-country option (Viet Nam VNM differs from the Southeast Asia region row).",
                "Outcomes: CHD = ep_chdmi (fatal CHD + non-fatal MI), stroke = ep_crbv (fatal and non-fatal stroke).",
            ] + ([] if lab else ["Non-laboratory model has no diabetes term (the authors' program ignores hxdiabbin for model 2)."]),
            "outcomes": [
                {"id": "chd", "horizon_years": 10, "description": "fatal CHD or non-fatal MI (component)", "output": False},
                {"id": "stroke", "horizon_years": 10, "description": "fatal or non-fatal stroke (component)", "output": False},
                {"id": "cvd", "horizon_years": 10, "description": "fatal or non-fatal CVD (MI, CHD death or stroke)", "combine": {"any_of": ["chd", "stroke"]}},
            ],
            "inputs": inputs,
            "features": features,
            "link": "cox",
            "strata": strata,
            "recalibration": {"kind": "cloglog", "by": "who_region", "scales": scales,
                              "source": f"skkceu/stata@{COMMIT} whocvdrisk_t10_calparms_gbd_sens0.dta, year 2017, GBD-region rows (ccode A0xGBDR_0nn_*), cal2_m{mi}_{{cons,slope}}_ep_{{chdmi,crbv}}"},
            "examples": [],
        }
        with open(os.path.join(HERE, f"who2019_{model_id}.json"), "w") as f:
            json.dump(m, f, indent=1)
        print("wrote", model_id)

if __name__ == "__main__":
    main()
