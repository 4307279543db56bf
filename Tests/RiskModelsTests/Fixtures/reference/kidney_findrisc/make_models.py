"""Writes the model JSON files of this folder (single source of the numbers)."""
import json, math

def dump(obj, name):
    with open(name, 'w') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False); f.write('\n')

ALB_F = 0.1      # albumin g/L -> g/dL (1 g/dL = 10 g/L)
PHOS_F = 3.0974  # phosphate (as phosphorus) mmol/L -> mg/dL: atomic mass P 30.974 g/mol -> 1 mmol/L = 3.0974 mg/dL
CA_F = 4.008     # calcium mmol/L -> mg/dL: atomic mass Ca 40.078 g/mol -> 1 mmol/L = 4.008 mg/dL
CREAT_F = 88.4   # creatinine mg/dL -> umol/L: molar mass 113.12 g/mol -> 1 mg/dL = 10/113.12 mmol/L = 88.40 umol/L

KFRE_CIT = {
    "reference": "Tangri N, Stevens LA, Griffith J, et al. A predictive model for progression of chronic kidney disease to kidney failure. JAMA 2011;305:1553-1559; Tangri N, Grams ME, Levey AS, et al. Multinational assessment of accuracy of equations for predicting risk of kidney failure: a meta-analysis. JAMA 2016;315:164-174",
    "doi": "10.1001/jama.2011.451; 10.1001/jama.2015.18202",
    "table": "JAMA 2016 eTables (recalibrated baseline survival, North American vs non-North-American pooled cohorts); coefficients and centring means as in the JAMA 2011 models 3 (4-variable) and 6 (8-variable)",
    "confirmed_by": ["PyPI kfre 0.1.18 (lshpaner/kfre), kfre/main.py risk_pred(): identical coefficients, centring means and the four baseline survivals per model",
                     "kfre documentation 'Equations' page (docs/_sources/equations.rst.txt)"]}

def kfre(nvar):
    if nvar == 4:
        b = {"age": -0.2201, "male": 0.2467, "egfr": -0.5567, "ln_uacr": 0.4510}
        s0 = {"north_american": (0.9750, 0.9240), "non_north_american": (0.9832, 0.9365)}
    else:
        b = {"age": -0.1992, "male": 0.1602, "egfr": -0.4919, "ln_uacr": 0.3364,
             "albumin": -0.3441, "phosphate": 0.2604, "bicarbonate": -0.07354, "calcium": -0.2228}
        s0 = {"north_american": (0.9780, 0.9301), "non_north_american": (0.9827, 0.9245)}
    mean_lp = b["male"] * 0.5642  # the male indicator is uncentred in the features; its centring (0.5642) goes here
    feats = [
        {"name": "age", "kind": "linear", "input": "age", "center": 70.36, "scale": 10, "note": "age/10 - 7.036"},
        {"name": "male", "kind": "indicator", "input": "sex", "equals": "male", "note": "centred at 0.5642 through mean_linear_predictor = beta_male x 0.5642"},
        {"name": "egfr", "kind": "linear", "input": "egfr", "center": 36.11, "scale": 5, "note": "eGFR/5 - 7.222"},
        {"name": "ln_uacr", "kind": "log", "input": "uacr", "multiplier": 1, "center": 5.137, "note": "ln(ACR mg/g) - 5.137"},
    ]
    inputs = [
        {"field": "age", "min": 18, "max": 110, "note": "developed in adults with CKD G3-G5"},
        {"field": "sex"},
        {"field": "egfr", "min": 1, "max": 200, "note": "developed for CKD G3-G5 (eGFR 10-59); risks at eGFR >= 60 are extrapolations. A row without egfr but with creatinine gets it derived by CKD-EPI 2021 (engine rule)."},
        {"field": "uacr", "min": 0.1, "max": 50000, "note": "mg/g; must be > 0 (ln); 0.1 mg/g is an assumed floor for plausibility"},
        {"field": "kfre_calibration", "values": ["north_american", "non_north_american"], "note": "usually --param kfre_calibration=non_north_american for Vietnam"},
    ]
    if nvar == 8:
        feats += [
            {"name": "albumin", "kind": "power", "input": "albumin", "multiplier": ALB_F, "exponent": 1, "center": 3.997, "scale": 1,
             "note": "albumin g/L x 0.1 = g/dL; (g/dL - 3.997)"},
            {"name": "phosphate", "kind": "power", "input": "phosphate", "multiplier": PHOS_F, "exponent": 1, "center": 3.916, "scale": 1,
             "note": "phosphate mmol/L x 3.0974 = mg/dL (P 30.974 g/mol); (mg/dL - 3.916)"},
            {"name": "bicarbonate", "kind": "linear", "input": "bicarbonate", "center": 25.57, "scale": 1,
             "note": "mmol/L = mEq/L (monovalent); (mEq/L - 25.57)"},
            {"name": "calcium", "kind": "power", "input": "calcium", "multiplier": CA_F, "exponent": 1, "center": 9.355, "scale": 1,
             "note": "total calcium mmol/L x 4.008 = mg/dL (Ca 40.078 g/mol); (mg/dL - 9.355)"},
        ]
        inputs[-1:-1] = [
            {"field": "albumin", "min": 5, "max": 70, "note": "g/L"},
            {"field": "phosphate", "min": 0.2, "max": 5, "note": "mmol/L"},
            {"field": "bicarbonate", "min": 3, "max": 50, "note": "mmol/L"},
            {"field": "calcium", "min": 0.8, "max": 4.5, "note": "mmol/L, total calcium"},
        ]
    strata = []
    for cal in ("north_american", "non_north_american"):
        strata.append({"id": cal, "when": {"kfre_calibration": [cal]},
                       "equations": {oid: {"coefficients": b, "baseline_survival": s0[cal][i], "mean_linear_predictor": mean_lp}
                                     for i, oid in enumerate(("kf_2", "kf_5"))}})
    return {
        "format": "riskengine.model/1", "id": f"kfre_{nvar}var",
        "title": f"Kidney Failure Risk Equation, {nvar}-variable, 2- and 5-year risk of kidney failure (dialysis or pre-emptive transplant)",
        "version": "2011 equation, 2016 recalibration",
        "citation": KFRE_CIT,
        "notes": [
            "risk = 1 - S0(t)^exp(lp - mean_linear_predictor), lp = sum beta x feature; centring of the continuous terms is inside the features (age/10 - 7.036, eGFR/5 - 7.222, ln ACR - 5.137" + (", albumin g/dL - 3.997, phosphate mg/dL - 3.916, bicarbonate - 25.57, calcium mg/dL - 9.355" if nvar == 8 else "") + "); male - 0.5642 via mean_linear_predictor.",
            "Two outcomes share one linear predictor and differ only by baseline survival; the 'kf' outcome id with horizons 2 and 5 gives the columns kfre_%dvar_kf_2y and kfre_%dvar_kf_5y. Outcome ids are kf_2/kf_5 internally with explicit column names." % (nvar, nvar),
            "Stratum = kfre_calibration (North American vs non-North-American baseline survival of the 2016 meta-analysis); coefficients are identical in both strata.",
        ] + (["SI -> US conversions use molar masses (P 30.974, Ca 40.078 g/mol): 3.0974 and 4.008; the kfre package's perform_conversions uses the rounded 3.1 and 4 (difference up to ~0.1 % in the converted value), so the reference feeds kfre with values converted by the exact factors."] if nvar == 8 else []),
        "outcomes": [
            {"id": "kf_2", "horizon_years": 2, "column": f"kfre_{nvar}var_kf_2y", "description": "kidney failure (dialysis or pre-emptive transplantation) within 2 years"},
            {"id": "kf_5", "horizon_years": 5, "column": f"kfre_{nvar}var_kf_5y", "description": "kidney failure (dialysis or pre-emptive transplantation) within 5 years"},
        ],
        "inputs": inputs, "exclusions": [], "features": feats, "link": "cox", "strata": strata, "examples": [],
    }

def egfr():
    ln = math.log
    feats = [{"name": "age", "kind": "linear", "input": "age", "note": "coefficient ln(0.9938) per year"}]
    for sx, k in (("f", 0.7), ("m", 0.9)):
        feats += [
            {"name": f"scr_below_{sx}", "kind": "hinge", "input": "creatinine", "multiplier": 1 / CREAT_F, "knot": k, "side": "below", "log": True,
             "note": f"max(ln(kappa/Scr), 0), Scr mg/dL = umol/L / 88.4, kappa {k}"},
            {"name": f"scr_above_{sx}", "kind": "hinge", "input": "creatinine", "multiplier": 1 / CREAT_F, "knot": k, "side": "above", "log": True,
             "note": f"max(ln(Scr/kappa), 0), kappa {k}"},
        ]
    eq = lambda icpt, a, sx: {"value": {"intercept": icpt, "coefficients": {"age": ln(0.9938), f"scr_below_{sx}": -a, f"scr_above_{sx}": -1.200}}}
    return {
        "format": "riskengine.model/1", "id": "egfr_ckdepi2021",
        "title": "CKD-EPI 2021 creatinine equation (race-free), estimated GFR",
        "version": "2021",
        "citation": {"reference": "Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based equations to estimate GFR without race. N Engl J Med 2021;385:1737-1749",
                     "doi": "10.1056/NEJMoa2102953",
                     "table": "Table 2 / Supplementary Appendix: eGFRcr = 142 x min(Scr/kappa,1)^alpha x max(Scr/kappa,1)^-1.200 x 0.9938^age x 1.012 [female]; kappa 0.7 (F) / 0.9 (M); alpha -0.241 (F) / -0.302 (M)",
                     "confirmed_by": ["independent piecewise evaluator (refs/egfr_reference.py), written from the min/max form, not from this file"]},
        "notes": [
            "Written log-linearly: ln eGFR = ln(142 [x 1.012 female]) + ln(0.9938) x age + (-alpha) x max(ln(kappa/Scr),0) - 1.200 x max(ln(Scr/kappa),0); value = exp(intercept + lp).",
            "Creatinine in umol/L (canonical) -> mg/dL by / 88.4 (1 mg/dL = 10 mg/L / 113.12 g/mol = 88.40 umol/L; the factor used by CKD-EPI/NKF and most implementations). The 88.42 sometimes seen differs by 0.02 %: at most 0.03 % in eGFR.",
            "Sex-specific knots need sex-specific features (scr_*_f, scr_*_m); each stratum uses its own pair.",
            "Adults (>= 18 y); the equation is for IDMS-standardised creatinine.",
        ],
        "outcomes": [{"id": "value", "column": "egfr_ckdepi2021", "scale": "value", "unit": "mL/min/1.73m2",
                      "description": "estimated GFR (no horizon)"}],
        "inputs": [{"field": "age", "min": 18, "max": 110, "outside": "not_applicable"}, {"field": "sex"},
                   {"field": "creatinine", "min": 10, "max": 3000, "note": "umol/L"}],
        "exclusions": [], "features": feats, "link": "exp",
        "strata": [{"id": "female", "when": {"sex": ["female"]}, "equations": eq(ln(142 * 1.012), -0.241, "f")},
                   {"id": "male", "when": {"sex": ["male"]}, "equations": eq(ln(142), -0.302, "m")}],
        "examples": [],
    }

def findrisc():
    yn = lambda yes, no: [{"equals": 1, "points": yes}, {"equals": 0, "points": no}]
    feats = [
        {"name": "age_pts", "kind": "points", "input": "age", "bands": [{"below": 45, "points": 0}, {"below": 55, "points": 2}, {"below": 65, "points": 3}, {"points": 4}],
         "note": "<45: 0; 45-54: 2; 55-64: 3; >64: 4 (completed years, so 54.9 -> 2)"},
        {"name": "bmi_pts", "kind": "points", "input": "bmi", "bands": [{"below": 25, "points": 0}, {"at_most": 30, "points": 1}, {"points": 3}],
         "note": "<25: 0; 25-30: 1; >30: 3 -- 30.0 itself scores 1 (needs the inclusive 'at_most' band bound, see NOTES.md)"},
        {"name": "waist_pts_male", "kind": "points", "input": "waist_cm", "bands": [{"below": 94, "points": 0}, {"at_most": 102, "points": 3}, {"points": 4}],
         "note": "men: <94: 0; 94-102: 3; >102: 4"},
        {"name": "waist_pts_female", "kind": "points", "input": "waist_cm", "bands": [{"below": 80, "points": 0}, {"at_most": 88, "points": 3}, {"points": 4}],
         "note": "women: <80: 0; 80-88: 3; >88: 4"},
        {"name": "activity_pts", "kind": "points", "input": "physically_active", "bands": yn(0, 2), "note": ">= 30 min physical activity daily: no -> 2"},
        {"name": "fruitveg_pts", "kind": "points", "input": "daily_fruit_veg", "bands": yn(0, 1), "note": "vegetables, fruit or berries every day: no -> 1"},
        {"name": "bpmed_pts", "kind": "points", "input": "bp_treated", "bands": yn(2, 0), "note": "ever regular antihypertensive medication: yes -> 2"},
        {"name": "glucose_pts", "kind": "points", "input": "high_glucose_history", "bands": yn(5, 0), "note": "ever high blood glucose: yes -> 5"},
        {"name": "family_pts", "kind": "points", "input": "family_history_diabetes",
         "bands": [{"equals": 0, "points": 0}, {"equals": 1, "points": 3}, {"equals": 2, "points": 5}],
         "note": "0 none; 1 grandparent/aunt/uncle/first cousin (second degree) -> 3; 2 parent/sibling/own child -> 5"},
    ]
    common = {f["name"]: 1 for f in feats if not f["name"].startswith("waist")}
    eqs = lambda w: {"points": {"intercept": 0, "coefficients": dict(common, **{w: 1})}}
    bands = [{"below": 7, "value": 1, "label": "low"}, {"below": 12, "value": 4, "label": "slightly_elevated"},
             {"below": 15, "value": 17, "label": "moderate"}, {"below": 21, "value": 33, "label": "high"},
             {"value": 50, "label": "very_high"}]
    return {
        "format": "riskengine.model/1", "id": "findrisc",
        "title": "FINDRISC Finnish Diabetes Risk Score: points (0-26), risk band and 10-year risk of type 2 diabetes",
        "version": "Type 2 Diabetes Risk Assessment Form (Finnish Diabetes Association), 8 items",
        "citation": {"reference": "Lindström J, Tuomilehto J. The diabetes risk score: a practical tool to predict type 2 diabetes risk. Diabetes Care 2003;26:725-731",
                     "doi": "10.2337/diacare.26.3.725",
                     "table": "The FINDRISC form (Type 2 Diabetes Risk Assessment Form): item points, total 0-26, 5 bands with the estimated 10-year risk (1 in 100, 1 in 25, 1 in 6, 1 in 3, 1 in 2)",
                     "confirmed_by": ["form as reproduced by Novo Nordisk 'Type 2 diabetes test' page and other reproductions of the Finnish form (items, points, bands, 1 in N)"]},
        "notes": [
            "The 2003 paper's score has 7 items (0-20, no family history; activity asked as >= 4 h/week in the paper); the published form in clinical use adds family history (0/3/5) for 0-26 with the 5 bands and risks used here. This file implements the form.",
            "Risks per band: 1 in 100 = 1 %, 1 in 25 = 4 %, 1 in 6 = 16.7 % (printed as 17 %), 1 in 3 = 33.3 % (33 %), 1 in 2 = 50 %. The file writes the rounded percentages named in the data contract (1, 4, 17, 33, 50).",
            "Band bounds on integer points: low < 7, slightly elevated 7-11, moderate 12-14, high 15-20, very high > 20.",
            "Continuous bounds: BMI 25-30 and waist 94-102 / 80-88 are inclusive at the top ('at_most'), as printed ('higher than 30', 'more than 102').",
        ],
        "outcomes": [
            {"id": "points", "column": "findrisc_points", "scale": "value", "unit": "points", "description": "FINDRISC total 0-26"},
            {"id": "band", "column": "findrisc_band", "lookup": {"of": "points", "bands": bands, "write": "label"}, "description": "risk band label"},
            {"id": "t2d", "horizon_years": 10, "column": "findrisc_t2d_10y", "scale": "value", "unit": "%",
             "lookup": {"of": "points", "bands": bands}, "description": "published 10-year risk of type 2 diabetes for the band, %"},
        ],
        "inputs": [{"field": "age", "min": 18, "max": 110}, {"field": "sex"}, {"field": "bmi", "min": 10, "max": 80},
                   {"field": "waist_cm", "min": 40, "max": 250},
                   {"field": "physically_active", "values": [0, 1]}, {"field": "daily_fruit_veg", "values": [0, 1]},
                   {"field": "bp_treated", "values": [0, 1]}, {"field": "high_glucose_history", "values": [0, 1]},
                   {"field": "family_history_diabetes", "values": [0, 1, 2]}],
        "exclusions": [{"field": "diabetes", "equals": 1, "reason": "diabetes", "note": "the score predicts incident diabetes (applies only when the diabetes column is present)"}],
        "features": feats, "link": "identity",
        "strata": [{"id": "male", "when": {"sex": ["male"]}, "equations": eqs("waist_pts_male")},
                   {"id": "female", "when": {"sex": ["female"]}, "equations": eqs("waist_pts_female")}],
        "examples": [],
    }

def globorisk(version):
    lab = version in ("lab", "fatal")
    mean = lambda col: {"table": "globorisk/rf_means.csv", "by": {"iso": "country", "sex": "sex01", "agec": "agec"}, "column": col}
    feats = [
        {"name": "sbp_c", "kind": "linear", "input": "sbp", "scale": 10, "center_from": mean("mean_sbp"), "note": "sbp/10 - mean_sbp(country, sex, agec)"},
        {"name": "smk_c", "kind": "linear", "input": "smoker", "center_from": mean("mean_smk")},
        {"name": "female", "kind": "indicator", "input": "sex", "equals": "female"},
    ]
    if lab:
        feats[1:1] = [{"name": "tc_c", "kind": "linear", "input": "total_chol", "center_from": mean("mean_tc")},
                      {"name": "dm_c", "kind": "linear", "input": "diabetes", "center_from": mean("mean_dm")}]
        feats += [{"name": "female_dm_c", "kind": "product", "of": ["female", "dm_c"]},
                  {"name": "female_smk_c", "kind": "product", "of": ["female", "smk_c"]}]
        main = {"sbp_c": "main_sbpc", "tc_c": "main_tcc", "dm_c": "main__Idm_1", "smk_c": "main_smok",
                "female_dm_c": "main_sexdm", "female_smk_c": "main_sexsmok"}
        tvc = {"sbp_c": "tvc_sbpc", "tc_c": "tvc_tcc", "dm_c": "tvc_dm", "smk_c": "tvc_smok"}
    else:
        feats.insert(1, {"name": "bmi_c", "kind": "linear", "input": "bmi", "scale": 5, "center_from": mean("mean_bmi"), "note": "bmi/5 - mean_bmi(country, sex, agec); mean_bmi is stored already /5"})
        feats += [{"name": "female_smk_c", "kind": "product", "of": ["female", "smk_c"]}]
        main = {"sbp_c": "main_sbpc", "bmi_c": "main_bmi5c", "smk_c": "main_smokc", "female_smk_c": "main_sexsmokc"}
        tvc = {"sbp_c": "tvc_sbpc", "smk_c": "tvc_smokc", "bmi_c": "tvc_bmi5c"}
    import csv
    co = {r["term"]: float(r["coef"]) for r in csv.DictReader(open("globorisk/coefs.csv")) if r["version"] == version and r["lac"] == "0"}
    inputs = [{"field": "age", "min": 40, "max": 74.999, "outside": "not_applicable", "note": "40 to under 75 (the 70-74 class includes fractional ages such as 74.8; an exclusive bound would be cleaner). The package itself accepts 40-84 (NA from 85); the papers report and chart ages 40-74"},
              {"field": "sex"}, {"field": "sbp", "min": 70, "max": 270}, {"field": "smoker"}]
    inputs += ([{"field": "total_chol", "min": 1.75, "max": 20}, {"field": "diabetes"}] if lab else [{"field": "bmi", "min": 10, "max": 80}])
    inputs += [{"field": "country", "note": "ISO3; 182 countries (globorisk/coverage.json minus SSD, which has rates but no risk-factor means)"},
               {"field": "baseline_year", "min": 2000, "max": 2020, "outside": "not_applicable"}]
    return {
        "format": "riskengine.model/1 (PROPOSED extension: link annual_hazard, center_from tables)", "id": f"globorisk_{version}",
        "title": f"Globorisk {version} 10-year risk of {'fatal' if version == 'fatal' else 'fatal and non-fatal'} CVD, country- and year-specific",
        "version": "2017 (lab/office, Ueda et al.), 2015 (fatal, Hajifathalian et al.); R package globorisk 1.0.2",
        "citation": {"reference": "Hajifathalian K, Ueda P, Lu Y, et al. Lancet Diabetes Endocrinol 2015;3:339-355; Ueda P, Woodward M, Lu Y, et al. Lancet Diabetes Endocrinol 2017;5:196-213",
                     "doi": "10.1016/S2213-8587(15)00081-9; 10.1016/S2213-8587(17)30015-3",
                     "table": "coefficients, country risk-factor means and baseline CVD rates from the R package globorisk 1.0.2 (boyercb/globorisk, R/sysdata.rda); see globorisk/README in NOTES.md",
                     "confirmed_by": ["reference_globorisk.csv: the package's own globorisk() run in Debian R 4.2.2"]},
        "notes": ["See NOTES.md 'Globorisk' for the exact formula. updated_lac = FALSE (package default): the LAC-recalibrated equations (lac = 1 rows of coefs.csv) are not used."],
        "outcomes": [{"id": "cvd", "horizon_years": 10, "description": "fatal CVD" if version == "fatal" else "fatal and non-fatal CVD (CHD and stroke)"}],
        "inputs": inputs, "exclusions": [], "features": feats,
        "link": "annual_hazard",
        "hazard": {"years": 10, "age_for_tables": "trunc(age)", "agec": "trunc(age/5) - 7",
                   "baseline_rates": {"table": "globorisk/base_rates.csv", "type": "F" if version == "fatal" else "FNF",
                                      "key": "iso=country, sex=sex01 (0 man, 1 woman), year=baseline_year + t, column r<agec(trunc(age)+t)>"},
                   "main": {f: co[t] for f, t in main.items()},
                   "time_varying": {f: co[t] for f, t in tvc.items()},
                   "time_varying_multiplier": "trunc(age) + t"},
        "examples": [],
    }

if __name__ == "__main__":
    dump(kfre(4), "kfre_4var.json"); dump(kfre(8), "kfre_8var.json")
    dump(egfr(), "egfr_ckdepi2021.json"); dump(findrisc(), "findrisc.json")
    for v in ("lab", "office", "fatal"):
        dump(globorisk(v), f"globorisk/globorisk_{v}.json")
    print("written")
