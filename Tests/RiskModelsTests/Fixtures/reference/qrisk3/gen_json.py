"""Generate qrisk3.json (riskengine.model/1 + proposed extensions) from the ClinRisk C source.

Usage: python3 gen_json.py   (reads sources/sisu_qrisk3.c, cross-checked by crosscheck.py;
reads reference_qrisk3.csv for the worked examples' unrounded expected values)."""
import csv, json, os, re
from parse_c import parse_file

C = parse_file("sources/sisu_qrisk3.c")

FLAGS = {  # C name -> canonical field (feature name = field name)
    "b_AF": "atrial_fibrillation",
    "b_atypicalantipsy": "atypical_antipsychotic",
    "b_corticosteroids": "corticosteroids",
    "b_impotence2": "erectile_dysfunction",
    "b_migraine": "migraine",
    "b_ra": "rheumatoid_arthritis",
    "b_renal": "ckd_stage_3_5",
    "b_semi": "severe_mental_illness",
    "b_sle": "sle",
    "b_treatedhyp": "bp_treated",
    "fh_cvd": "family_history_chd",
}
DIAB = {"b_type1": "diabetes_type1", "b_type2": "diabetes_type2"}
CONT = {"age_1": "age_1", "age_2": "age_2", "bmi_1": "bmi_1", "bmi_2": "bmi_2",
        "rati": "chol_hdl_ratio", "sbp": "sbp", "sbps5": "sbp_sd", "town": "townsend"}


def fname(sex, cname):
    m = re.fullmatch(r"\(smoke_cat==(\d)\)", cname)
    if m:
        return "smoking_%s" % m.group(1)
    if cname in FLAGS:
        return FLAGS[cname]
    if cname in DIAB:
        return DIAB[cname]
    if cname in CONT:
        return "%s_%s" % (sex, CONT[cname])
    raise KeyError(cname)


features = []
for k in range(2, 10):
    features.append({"name": "ethnicity_%d" % k, "kind": "indicator", "input": "ethnicity", "equals": k})
for k in range(1, 5):
    features.append({"name": "smoking_%d" % k, "kind": "indicator", "input": "smoking_category", "equals": k})
features.append({"name": "diabetes_type1", "kind": "indicator", "input": "diabetes_type", "equals": "type1"})
features.append({"name": "diabetes_type2", "kind": "indicator", "input": "diabetes_type", "equals": "type2"})
for field in FLAGS.values():
    features.append({"name": field, "kind": "linear", "input": field})

FP = {"pow(dage,-2)": ("age", -2, False), "dage": ("age", 1, False), "pow(dage,-1)": ("age", -1, False),
      "pow(dage,3)": ("age", 3, False), "pow(dbmi,-2)": ("bmi", -2, False),
      "pow(dbmi,-2)*log(dbmi)": ("bmi", -2, True)}
strata = []
for sex in ("female", "male"):
    P = C[sex]
    cen = P["centres"]
    for t in ("age_1", "age_2", "bmi_1", "bmi_2"):
        inp, p, tlog = FP[P["transforms"][t]]
        f = {"name": "%s_%s" % (sex, t), "kind": "power", "input": inp, "multiplier": 0.1,
             "exponent": p, "center": cen[t]}
        if tlog:
            f["times_log"] = True
        f["note"] = "C: %s with d%s = %s/10, minus %r" % (P["transforms"][t], inp, inp, cen[t])
        features.append(f)
    features.append({"name": "%s_chol_hdl_ratio" % sex, "kind": "ratio", "numerator": "total_chol",
                     "denominator": "hdl", "center": cen["rati"], "min": 1, "max": 12,
                     "range_label": "chol_hdl_ratio",
                     "note": "C: rati - %r; rati = total cholesterol / HDL cholesterol (same units)" % cen["rati"]})
    features.append({"name": "%s_sbp" % sex, "kind": "linear", "input": "sbp", "center": cen["sbp"]})
    features.append({"name": "%s_sbp_sd" % sex, "kind": "linear", "input": "sbp_sd", "center": cen["sbps5"]})
    features.append({"name": "%s_townsend" % sex, "kind": "linear", "input": "townsend", "center": cen["town"]})
    coef = {}
    for k in range(2, 10):
        coef["ethnicity_%d" % k] = P["ethnicity"][k]
    for k in range(1, 5):
        coef["smoking_%d" % k] = P["smoking"][k]
    for lhs, b in P["terms"]:
        parts = lhs.split("*")
        if len(parts) == 1:
            name = fname(sex, parts[0])
        else:
            assert len(parts) == 2 and parts[0] in ("age_1", "age_2"), lhs
            a, other = fname(sex, parts[0]), fname(sex, parts[1])
            name = "%s_x_%s" % (a, other.replace(sex + "_", ""))
            features.append({"name": name, "kind": "product", "of": [a, other]})
        assert name not in coef, name
        coef[name] = b
    strata.append({"id": sex, "when": {"sex": [sex]},
                   "equations": {"cvd": {"coefficients": coef, "baseline_survival": P["survivor10"],
                                         "mean_linear_predictor": 0.0}}})

names = [f["name"] for f in features]
assert len(names) == len(set(names))

DISCLAIMER = (
    "The initial version of this file, to be found at http://svn.clinrisk.co.uk/opensource/qrisk2, "
    "faithfully implements QRISK3-2017. ClinRisk Ltd. have released this code under the GNU Lesser General "
    "Public License to enable others to implement the algorithm faithfully. However, the nature of the GNU "
    "Lesser General Public License is such that we cannot prevent, for example, someone accidentally altering "
    "the coefficients, getting the inputs wrong, or just poor programming. ClinRisk Ltd. stress, therefore, "
    "that it is the responsibility of the end user to check that the source that they receive produces the "
    "same results as the original code found at https://qrisk.org. Inaccurate implementations of risk scores "
    "can lead to wrong patients being given the wrong treatment.")

inputs = [
    {"field": "age", "min": 25, "max": 84, "outside": "not_applicable", "floor": True,
     "note": "QRISK3 population 25-84 (BMJ 2017;357:j2099). The C function takes int age (whole years); "
             "proposed `floor: true` truncates decimal ages before range check and features, as a C caller "
             "passing completed years does."},
    {"field": "sex"},
    {"field": "ethnicity", "note": "QRISK3 code: 1 White or not stated, 2 Indian, 3 Pakistani, 4 Bangladeshi, "
                                   "5 Other Asian, 6 Black Caribbean, 7 Black African, 8 Chinese, 9 Other ethnic group"},
    {"field": "townsend", "min": -7, "max": 11,
     "note": "limits of ClinRisk's open-source QRISK2 validation function (d_in_range(town,-7,11)); the QRISK3-2017 source has no validation"},
    {"field": "smoking_category", "note": "0 non-smoker, 1 ex-smoker, 2 light (<10/day), 3 moderate (10-19/day), 4 heavy (>=20/day); C smoke_cat codes, not the R package's 1-5"},
    {"field": "diabetes_type"},
    {"field": "sbp", "min": 70, "max": 210, "note": "QRISK2 open-source validation limits (70,210)"},
    {"field": "sbp_sd", "min": 0, "note": "SD of at least two recent SBP readings; no published upper limit (schema plausibility 0-100 applies)"},
    {"field": "total_chol", "note": "enters only through the ratio total_chol/hdl (limits 1-12 on the ratio, from QRISK2 validation)"},
    {"field": "hdl"},
    {"field": "bmi", "min": 20, "max": 40, "note": "QRISK2 open-source validation limits (20,40); see notes"},
    {"field": "family_history_chd"},
    {"field": "atrial_fibrillation"},
    {"field": "rheumatoid_arthritis"},
    {"field": "ckd_stage_3_5"},
    {"field": "migraine"},
    {"field": "sle"},
    {"field": "severe_mental_illness"},
    {"field": "atypical_antipsychotic"},
    {"field": "corticosteroids"},
    {"field": "bp_treated"},
    {"field": "erectile_dysfunction", "optional": True,
     "note": "men only (women's equation has no such term); optional so female rows need no value; a male row without it is scored as 'no' with status ok;missing_optional:erectile_dysfunction"},
]

# worked examples: official QRISK3 test rows, expected = unrounded R-package value from reference_qrisk3.csv
EXAMPLE_IDS = ["q3-pub2017.0-01", "q3-pub2017.0-02", "q3-pub2017.0-12", "q3-pub2017.0-17", "q3-pub2017.0-22",
               "q3-pub2017.0-24", "q3-pub2017.0-25", "q3-pub2017.0-36", "q3-pub2017.0-37", "q3-pub2017.0-40",
               "q3-pub2017.0-48"]
examples = []
if os.path.exists("reference_qrisk3.csv"):
    ref = {r["id"]: r for r in csv.DictReader(open("reference_qrisk3.csv"))}
    off = {r["id"]: r for r in csv.DictReader(open(os.path.join(os.environ.get("SHARED_REFERENCE", "shared/reference"), "qrisk3.csv")))}
    for i in EXAMPLE_IDS:
        r, o = ref[i], off[i]
        printed = re.search(r"score (\d+\.\d)%", o["source"]).group(1)
        ins = {}
        for inp in inputs:
            v = r[inp["field"]]
            if inp["field"] in ("sex", "diabetes_type"):
                ins[inp["field"]] = v
            else:
                x = float(v)
                ins[inp["field"]] = int(x) if x == int(x) else x
        examples.append({
            "source": "QRISK3 R package 0.6.0 test set QRISK3_2017_test row %d (ClinRisk qrisk.org C algorithm score %s%%); "
                      "cholesterol ratio given as total_chol = ratio, hdl = 1; expected = unrounded R package value" %
                      (int(i.split("-")[-1]), printed),
            "inputs": ins,
            "expected": {"qrisk3_cvd_10y": float(r["expected_qrisk3_cvd_10y"])},
            "published": {"qrisk3_cvd_10y": printed + "%"},
            "tolerance_pp": 1e-6,
        })

model = {
    "format": "riskengine.model/1",
    "id": "qrisk3",
    "title": "QRISK3-2017 10-year risk of cardiovascular disease (UK)",
    "version": "2017",
    "citation": {
        "reference": "Hippisley-Cox J, Coupland C, Brindle P. Development and validation of QRISK3 risk prediction algorithms to estimate future risk of cardiovascular disease: prospective cohort study. BMJ 2017;357:j2099",
        "doi": "10.1136/bmj.j2099",
        "table": "ClinRisk Ltd. open-source QRISK3-2017 C algorithm (qrisk.org, LGPL-3): cvd_female_raw and cvd_male_raw (fractional polynomial terms, centring constants, Iethrisk and Ismoke arrays, age interactions, survivor[10])",
        "confirmed_by": [
            "three stored copies of the ClinRisk C source, byte-identical in every number: sisuhealthgroup/qrisk3 src/lib/original/qrisk3.c (019ded1), robhogan/clinrisk-js modules/qrisk3-2017/original/*.c (63812ee), cran/QRISK3 0.6.0 inst/extdata/QRISK3_2017_src.txt (f895997)",
            "QRISK3 R package 0.6.0 (Yan Li et al., cran/QRISK3 f895997): same numbers; reproduces all 97 official test rows and 300 seeded rows to < 1e-12 pp",
            "official QRISK3 test rows (QRISK3_2017_test, QRISK3_2019_test; qrisk.org scores to 1 decimal) all reproduced after rounding",
        ],
    },
    "notes": [
        "LICENCE DISCLAIMER (must be shown, or be easily accessible by a prominent link, wherever a QRISK3 score is displayed): " + DISCLAIMER,
        "Form: score = 100 * (1 - S0^exp(a)), a = sum of centred terms (C code subtracts the centring constants inside each term), so mean_linear_predictor = 0. S0 = survivor[10] (female 0.988876402378082, male 0.977268040180206).",
        "Sex-specific features (female_*, male_*): the fractional-polynomial powers and all centring constants differ by sex; each stratum has coefficients only for its own features (others contribute 0). Women: age_1 = (age/10)^-2, age_2 = age/10; men: age_1 = (age/10)^-1, age_2 = (age/10)^3; both: bmi_1 = (bmi/10)^-2, bmi_2 = (bmi/10)^-2 * ln(bmi/10).",
        "Ethnicity code 1 (White or not stated) is the reference (C Iethrisk[0] = Iethrisk[1] = 0); smoking 0 (non-smoker) is the reference. Interactions: age_1 and age_2 times smoking categories, AF, corticosteroids, migraine, CKD, SLE (women only), treated hypertension, type 1 and type 2 diabetes, bmi_1, bmi_2, family history, centred SBP, centred Townsend; men also ED. Atypical antipsychotics, RA, severe mental illness and SBP variability have main effects only.",
        "Proposed extensions used: (1) feature kind `ratio` (total_chol/hdl, with centre and plausibility limits 1-12 -> out_of_range:chol_hdl_ratio); (2) `power` key `times_log: true` for the fractional-polynomial repeated-power term x^p*ln(x); (3) input key `floor: true` on age (C takes int age). See NOTES.md for exact semantics and fall-backs without them.",
        "Limits: the published QRISK3-2017 C code has no validation and no clamping at all (raw functions only). Age 25-84 is the QRISK3 derivation range (paper; the R package stops outside it). BMI 20-40, SBP 70-210, ratio 1-12 and Townsend -7..11 are the limits of ClinRisk's open-source QRISK2 validation functions, which reject (never clamp) out-of-range values; we reject too (out_of_range). The qrisk.org web calculator's own limits for QRISK3 could not be checked here.",
        "Inputs are those of the C function; the qrisk.org web calculator's imputation of missing BMI, SBP or cholesterol ratio is not part of the open-source algorithm and is not done: those inputs are required. `diabetes` and `smoker` are not used (QRISK3 uses diabetes_type and smoking_category).",
        "Known port pitfalls: the R package QRISK3 codes smoking 1-5 (1 = non-smoker) and ethnicity 1-9 with 1-based arrays, so passing the C 0-4 smoking codes to it (or the R 1-5 codes to a C-indexed port) shifts every category by one (non-smokers scored as ex-smokers); the clinrisk-js test file labels code 2 'Pakistani' and 3 'Indian' (swapped: 2 = Indian, 3 = Pakistani). The numbers here follow the C source indices.",
    ],
    "outcomes": [{"id": "cvd", "horizon_years": 10,
                  "description": "coronary heart disease, ischaemic stroke or transient ischaemic attack (QRISK3 CVD outcome)"}],
    "inputs": inputs,
    "features": features,
    "link": "cox",
    "strata": strata,
    "examples": examples,
}
with open("qrisk3.json", "w") as fh:
    json.dump(model, fh, indent=2, ensure_ascii=False)
    fh.write("\n")
print("features:", len(features), "examples:", len(examples))
