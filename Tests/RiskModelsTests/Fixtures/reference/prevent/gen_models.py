#!/usr/bin/env python3
"""Generate the five PREVENT model files (riskengine.model/1 + extensions) from
coefficients_prevent.csv (supplement Excel Tables S12A-S12J as carried by preventr
0.12.0 and PooledCohort 0.0.2, identical in all 1,920 cells) and the published
worked examples in $SHARED_REFERENCE/prevent.csv."""
import csv, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = {  # model id suffix -> coefficient-table model name, optional predictors
    "base": ("base", []),
    "uacr": ("uacr", ["uacr"]),
    "hba1c": ("hba1c", ["hba1c"]),
    "sdi": ("sdi", ["sdi"]),
    "full": ("full", ["sdi", "uacr", "hba1c"]),
}
TITLES = {
    "base": "AHA PREVENT 2023 base model",
    "uacr": "AHA PREVENT 2023 base model + UACR",
    "hba1c": "AHA PREVENT 2023 base model + HbA1c",
    "sdi": "AHA PREVENT 2023 base model + SDI",
    "full": "AHA PREVENT 2023 full model (base + UACR + HbA1c + SDI)",
}
OUTCOMES = [("cvd", "total cardiovascular disease (ASCVD or heart failure)"),
            ("ascvd", "atherosclerotic CVD (MI, CHD death, stroke)"),
            ("hf", "heart failure")]
MGDL_PER_MMOL_PREVENT = 1 / 0.02586  # factor used by the PREVENT authors' code (0.02586 mmol/L per mg/dL)


def r6(x):
    return float("%.6g" % x)


def inputs(optional):
    inp = [
        {"field": "age", "min": 30, "max": 79, "outside": "not_applicable",
         "note": "10-year equations 30-79; 30-year outcomes only up to 59 (see outcomes[].when)"},
        {"field": "sex"},
        {"field": "sbp", "min": 90, "max": 200,
         "note": "AHA calculator range 90-200 mmHg (preventr restricts to 90-180)"},
        {"field": "bp_treated"},
        {"field": "total_chol", "min": 3.3618, "max": 8.2752,
         "note": "130-320 mg/dL x 0.02586; mmol/L is the equations' own unit, no conversion"},
        {"field": "hdl", "min": 0.5172, "max": 2.586, "note": "20-100 mg/dL x 0.02586"},
        {"field": "statin"},
        {"field": "diabetes"},
        {"field": "smoker"},
        {"field": "egfr", "min": 15, "max": 140},
        {"field": "bmi", "min": 18.5, "max": 39.9,
         "note": "used by the heart-failure equations only; range from the paper (Table 1 exclusions) and AHA calculator"},
    ]
    if "uacr" in optional:
        inp.append({"field": "uacr", "optional": True, "min": 0.1, "max": 25000,
                    "note": "mg/g; the AHA code sets 0 <= UACR < 0.1 to 0.1 before the log; here such values are out_of_range"})
    if "hba1c" in optional:
        inp.append({"field": "hba1c", "optional": True, "min": 4.5, "max": 15, "note": "% (NGSP)"})
    if "sdi" in optional:
        inp.append({"field": "sdi", "optional": True, "min": 1, "max": 10,
                    "note": "Social Deprivation Index decile (integer 1-10) of the residential ZIP code"})
    return inp


def features(optional, thirty):
    f = [
        {"name": "age", "kind": "linear", "input": "age", "center": 55, "scale": 10, "note": "(age - 55)/10"},
    ]
    if thirty:
        f.append({"name": "age_sq", "kind": "product", "of": ["age", "age"],
                  "note": "((age - 55)/10)^2, 30-year equations only"})
    f += [
        {"name": "tc", "kind": "linear", "input": "total_chol", "note": "total cholesterol, mmol/L"},
        {"name": "hdl_raw", "kind": "linear", "input": "hdl", "note": "HDL-C, mmol/L"},
        {"name": "nonhdl", "kind": "sum", "of": ["tc", "hdl_raw"], "weights": [1, -1], "center": 3.5, "scale": 1,
         "note": "PROPOSED kind (NOTES.md): (TC - HDL) - 3.5, non-HDL-C in mmol/L"},
        {"name": "hdl", "kind": "linear", "input": "hdl", "center": 1.3, "scale": 0.3, "note": "(HDL - 1.3)/0.3"},
        {"name": "sbp_lt110", "kind": "hinge", "input": "sbp", "knot": 110, "side": "below", "scale": -20,
         "note": "(min(SBP,110) - 110)/20 = -max(110 - SBP, 0)/20"},
        {"name": "sbp_ge110", "kind": "hinge", "input": "sbp", "knot": 110, "side": "above", "center": 20, "scale": 20,
         "note": "(max(SBP,110) - 130)/20 = (max(SBP - 110, 0) - 20)/20; hinge 'center' PROPOSED (NOTES.md)"},
        {"name": "diabetes", "kind": "linear", "input": "diabetes"},
        {"name": "smoker", "kind": "linear", "input": "smoker"},
        {"name": "bmi_lt30", "kind": "hinge", "input": "bmi", "knot": 30, "side": "below", "center": 5, "scale": -5,
         "note": "(min(BMI,30) - 25)/5 = (max(30 - BMI, 0) - 5)/(-5); hinge 'center' PROPOSED"},
        {"name": "bmi_ge30", "kind": "hinge", "input": "bmi", "knot": 30, "side": "above", "scale": 5,
         "note": "(max(BMI,30) - 30)/5"},
        {"name": "egfr_lt60", "kind": "hinge", "input": "egfr", "knot": 60, "side": "below", "scale": 15,
         "note": "(min(eGFR,60) - 60)/(-15) = max(60 - eGFR, 0)/15"},
        {"name": "egfr_ge60", "kind": "hinge", "input": "egfr", "knot": 60, "side": "above", "center": 30, "scale": -15,
         "note": "(max(eGFR,60) - 90)/(-15) = (max(eGFR - 60, 0) - 30)/(-15); hinge 'center' PROPOSED"},
        {"name": "bp_treated", "kind": "linear", "input": "bp_treated"},
        {"name": "statin", "kind": "linear", "input": "statin"},
        {"name": "bptx_sbp_ge110", "kind": "product", "of": ["bp_treated", "sbp_ge110"]},
        {"name": "statin_nonhdl", "kind": "product", "of": ["statin", "nonhdl"]},
        {"name": "age_nonhdl", "kind": "product", "of": ["age", "nonhdl"]},
        {"name": "age_hdl", "kind": "product", "of": ["age", "hdl"]},
        {"name": "age_sbp_ge110", "kind": "product", "of": ["age", "sbp_ge110"]},
        {"name": "age_diabetes", "kind": "product", "of": ["age", "diabetes"]},
        {"name": "age_smoker", "kind": "product", "of": ["age", "smoker"]},
        {"name": "age_bmi_ge30", "kind": "product", "of": ["age", "bmi_ge30"]},
        {"name": "age_egfr_lt60", "kind": "product", "of": ["age", "egfr_lt60"]},
    ]
    if "sdi" in optional:
        f += [
            {"name": "sdi_4_6", "kind": "points", "input": "sdi",
             "bands": [{"below": 4, "points": 0}, {"below": 7, "points": 1}, {"points": 0}],
             "note": "SDI decile 4-6 vs 1-3 (deciles are integers)"},
            {"name": "sdi_7_10", "kind": "points", "input": "sdi",
             "bands": [{"below": 7, "points": 0}, {"points": 1}], "note": "SDI decile 7-10 vs 1-3"},
            {"name": "sdi_missing", "kind": "missing_indicator", "input": "sdi"},
        ]
    if "uacr" in optional:
        f += [
            {"name": "ln_uacr", "kind": "log", "input": "uacr", "note": "ln(UACR in mg/g)"},
            {"name": "uacr_missing", "kind": "missing_indicator", "input": "uacr"},
        ]
    if "hba1c" in optional:
        f += [
            {"name": "hba1c_c", "kind": "linear", "input": "hba1c", "center": 5.3, "note": "HbA1c - 5.3 (%)"},
            {"name": "no_diabetes", "kind": "linear", "input": "diabetes", "center": 1, "scale": -1,
             "note": "1 - diabetes"},
            {"name": "hba1c_dm", "kind": "product", "of": ["hba1c_c", "diabetes"],
             "note": "(HbA1c - 5.3) x diabetes"},
            {"name": "hba1c_nodm", "kind": "product", "of": ["hba1c_c", "no_diabetes"],
             "note": "(HbA1c - 5.3) x (1 - diabetes)"},
            {"name": "hba1c_missing", "kind": "missing_indicator", "input": "hba1c"},
        ]
    return f


def load_coefs():
    c = {}
    with open(os.path.join(HERE, "coefficients_prevent.csv")) as fh:
        for r in csv.DictReader(fh):
            c.setdefault((r["model"], int(r["horizon_years"]), r["sex"], r["outcome"]), {})[r["term"]] = float(r["value"])
    return c


def load_examples(mid):
    src = os.path.join(os.environ.get("SHARED_REFERENCE", "shared/reference"), "prevent.csv")
    out = []
    pub_part = {"base": "published base", "full": "published"}
    with open(src) as fh:
        for r in csv.DictReader(fh):
            inp = {"age": float(r["age"]), "sex": r["sex"]}
            for k in ["smoker", "diabetes", "bp_treated", "statin", "sbp", "total_chol", "hdl", "bmi", "egfr",
                      "uacr", "hba1c", "sdi"]:
                if r[k] != "":
                    inp[k] = float(r[k])
            if mid == "base":
                for k in ["uacr", "hba1c", "sdi"]:
                    inp.pop(k, None)
            exp = {}
            for o in ["cvd", "ascvd", "hf"]:
                for h in [10, 30]:
                    v = r.get(f"expected_prevent_{mid}_{o}_{h}y", "")
                    if v != "":
                        exp[f"prevent2023_{mid}_{o}_{h}y"] = float(v)
            if not exp:
                continue
            if mid == "base" and r["id"] in ("prevent_0326", "prevent_0327"):
                continue  # same base inputs as 0324/0325
            published = {}
            s = r["source"]
            if mid == "base" and "published base" in s:
                p = s.split("published base ")[1].split(";")[0]
                a10, a30 = p.split(", 30y ")
                v10 = a10.replace("10y CVD/ASCVD/HF ", "").split("/")
                v30 = a30.split("/")
                for o, v in zip(["cvd", "ascvd", "hf"], v10):
                    published[f"prevent2023_base_{o}_10y"] = v.strip() + "%"
                for o, v in zip(["cvd", "ascvd", "hf"], v30):
                    published[f"prevent2023_base_{o}_30y"] = v.strip().rstrip(" %") + "%"
            elif mid == "full" and "full 10y" in s:
                p = s.split("full 10y ")[1].rstrip(')"')
                a10, a30 = p.split(", 30y ")
                for o, v in zip(["cvd", "ascvd", "hf"], a10.split("/")):
                    published[f"prevent2023_full_{o}_10y"] = v.strip() + "%"
                for o, v in zip(["cvd", "ascvd", "hf"], a30.replace(" %)", "").replace(" %", "").split("/")):
                    published[f"prevent2023_full_{o}_30y"] = v.strip() + "%"
            elif mid == "full" and "published full-model 10y total CVD" in s:
                v = s.split("total CVD ")[1].split(")")[0].replace(" ", "")
                published["prevent2023_full_cvd_10y"] = v
            out.append({
                "source": f"{s} [reference/prevent.csv row {r['id']}]",
                "inputs": inp, "expected": exp, "published": published,
                "tolerance_pp": 1e-5,
            })
    return out


def preventr_examples(mid):
    """Unpublished examples for the variant models: the published example patient scored by preventr 0.12.0
    (rounding removed), taken from reference_prevent.csv rows ex_* (see README.md)."""
    path = os.path.join(HERE, "reference_prevent.csv")
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as fh:
        for r in csv.DictReader(fh):
            if not r["id"].startswith("ex_"):
                continue
            inp = {"age": float(r["age"]), "sex": r["sex"]}
            for k in ["smoker", "diabetes", "bp_treated", "statin", "sbp", "total_chol", "hdl", "bmi", "egfr"]:
                inp[k] = float(r[k])
            for k in MODELS[mid][1]:
                if r[k] != "":
                    inp[k] = float(r[k])
            exp = {}
            for o in ["cvd", "ascvd", "hf"]:
                for h in [10, 30]:
                    v = r[f"expected_prevent2023_{mid}_{o}_{h}y"]
                    if v != "":
                        exp[f"prevent2023_{mid}_{o}_{h}y"] = float(v)
            out.append({"source": f"not published: preventr 0.12.0 (unrounded) on the Table S25 example patient, "
                                  f"reference_prevent.csv row {r['id']}",
                        "inputs": inp, "expected": exp, "published": {}, "tolerance_pp": 1e-6})
    return out


def build(mid):
    cname, optional = MODELS[mid]
    coefs = load_coefs()
    model_id = f"prevent2023_{mid}"
    feats = features(optional, thirty=True)
    names = [f["name"] for f in feats]
    outcomes = []
    for h in (10, 30):
        for o, desc in OUTCOMES:
            oc = {"id": f"{o}{h}", "horizon_years": h, "description": desc,
                  "column": f"{model_id}_{o}_{h}y"}
            if h == 30:
                oc["when"] = {"age": {"max": 59}}
                oc["note"] = ("PROPOSED key (NOTES.md): 30-year equations were derived for ages 30-59; for "
                                   "age > 59 this cell is left empty and the status gets ';not_applicable_30y:age_above_59'")
            outcomes.append(oc)
    strata = []
    for sex in ("female", "male"):
        eqs = {}
        for h in (10, 30):
            for o, _ in OUTCOMES:
                c = dict(coefs[(cname, h, sex, o)])
                icpt = c.pop("constant")
                for t in c:
                    assert t in names, (t, mid)
                eqs[f"{o}{h}"] = {"intercept": icpt, "coefficients": {n: c[n] for n in names if n in c}}
        strata.append({"id": sex, "when": {"sex": [sex]}, "equations": eqs})
    notes = [
        "Sex-specific logistic equations (10-year: ages 30-79; 30-year: ages 30-59) for total CVD, ASCVD and heart failure, "
        "predictors centred at age 55, non-HDL-C 3.5 mmol/L, HDL-C 1.3 mmol/L, SBP 130, BMI 25, eGFR 90, HbA1c 5.3 %.",
        "Cholesterol: the equations use non-HDL-C and HDL-C in mmol/L, the canonical unit here, so no conversion happens. The "
        "authors' code (and preventr, PooledCohort, Stata prevent10) converts mg/dL with x 0.02586 (i.e. 38.67 mg/dL per "
        "mmol/L); callers who hold mg/dL must divide by 38.67 (0.02586 exactly reproduces the AHA calculator).",
        "Hinges: SBP at 110 mmHg, BMI at 30 kg/m2, eGFR at 60 mL/min/1.73m2, written as in the supplement "
        "((min(x,k) - c)/s and (max(x,k) - c)/s). Heart-failure equations have no cholesterol or statin terms; only they use BMI.",
        "Interactions: antihypertensive treatment x SBP>=110 term, statin x non-HDL-C, and age x (non-HDL-C, HDL-C, SBP>=110, "
        "diabetes, smoking, BMI>=30, eGFR<60).",
        "30-year outcomes for ages 60-79: the AHA online calculator and its R package AHAprevent (as seen in ports) return no "
        "30-year risk above age 59; preventr computes it anyway with a warning ('questionable estimation'); PooledCohort does not "
        "restrict. Here the 30-year cells are left empty for age > 59 and the 10-year values are written (outcomes[].when).",
        "Valid ranges follow the AHA calculator / paper: age 30-79, SBP 90-200, TC 130-320 mg/dL, HDL 20-100 mg/dL, "
        "BMI 18.5-39.9, eGFR 15-140. BMI is required even though only the HF equations use it (as in preventr; the AHA code "
        "instead drops only HF when BMI is missing/out of range, and only CVD/ASCVD when cholesterol is).",
        "Coefficients: supplemental Excel file of Khan et al. 2024 (Tables S12A-S12J, one sheet per model and horizon), carried "
        "identically (1,920 cells) by preventr 0.12.0 and PooledCohort 0.0.2; base 10-year equations also checked against "
        "Ariel Linden's Stata prevent10.ado (SSC).",
    ]
    if optional:
        notes.append(
            "Optional predictors " + ", ".join(optional) + ": when missing, their terms are 0 and the published "
            "missing-indicator coefficient is added (the 'Missing ...' rows of the supplement), as in preventr and the AHA code.")
    if "sdi" in optional:
        notes.append("SDI: the AHA calculator derives the decile from the ZIP code (Robert Graham Center SDI 2015-2019 "
                     "ZCTA file); here the decile is an input. PooledCohort, 'to match the online calculator', ignores a "
                     "missing SDI for the female ASCVD equation (treats it as decile 1-3 with no missing term); preventr and "
                     "this file add the published Missing-SDI coefficient.")
    if "uacr" in optional:
        notes.append("UACR: the AHA code replaces 0 <= UACR < 0.1 mg/g by 0.1 before ln(); preventr rejects UACR < 0.1. "
                     "Here UACR < 0.1 is out_of_range.")
    if "hba1c" in optional:
        notes.append("HbA1c enters as (HbA1c - 5.3) with separate slopes with and without diabetes.")
    if mid == "base":
        notes.append("A female base-model detail: the AHA code (AHAprevent 1.0.0 ports) prints the 10-year total-CVD "
                     "SBP>=110 coefficient as 0.360078; the supplement Excel, preventr, PooledCohort and Stata have 0.3600781 "
                     "(used here; difference < 1e-5 percentage points).")
    model = {
        "format": "riskengine.model/1",
        "id": model_id,
        "title": TITLES[mid],
        "version": "2023 (published 2024)",
        "citation": {
            "reference": "Khan SS, Matsushita K, Sang Y, et al. Development and Validation of the American Heart "
                         "Association's PREVENT Equations. Circulation 2024;149:430-449",
            "doi": "10.1161/CIRCULATIONAHA.123.067626",
            "table": "Supplemental Excel file, Tables S12A-S12J (sex-specific logistic coefficients for base, +UACR, "
                     "+HbA1c, +SDI and full models, 10- and 30-year; sheet letters per model/horizon not verified "
                     "here); worked example: Supplemental Table S25",
            "confirmed_by": [
                "preventr 0.12.0 (martingmayer/preventr ebe2ac1, R/sysdata.rda from the supplement Excel)",
                "PooledCohort 0.0.2 (bcjaeger/PooledCohort b6c7d86, data-raw/coefs_prevent.xlsx): all 1,920 cells identical",
                "Stata prevent10/prevent30 1.0.0 by A. Linden (SSC) for the base equations",
                "reference_prevent.csv: preventr run on 300 rows, max |diff| < 1e-9 pp",
            ],
        },
        "notes": notes,
        "outcomes": outcomes,
        "inputs": inputs(optional),
        "features": feats,
        "link": "logistic",
        "strata": strata,
        "examples": load_examples(mid) if mid in ("base", "full") else preventr_examples(mid),
    }
    return model


if __name__ == "__main__":
    for mid in MODELS:
        m = build(mid)
        with open(os.path.join(HERE, f"prevent2023_{mid}.json"), "w") as fh:
            json.dump(m, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        print(mid, len(m["features"]), "features,", len(m["examples"]), "examples")
