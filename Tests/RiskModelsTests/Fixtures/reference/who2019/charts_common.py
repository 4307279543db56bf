"""Shared loaders for chart transcriptions.  Axis order (also the nesting order of cells in the
chart files): region, sex, diabetes, smoker, age band, sbp band, chol band   (lab)
          region, sex, smoker, age band, sbp band, bmi band                   (non-lab)"""
import csv, os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")

REGIONS = ["north_africa_middle_east", "central_sub_saharan_africa", "eastern_sub_saharan_africa",
    "southern_sub_saharan_africa", "western_sub_saharan_africa", "southern_latin_america",
    "high_income_north_america", "caribbean", "andean_latin_america", "central_latin_america",
    "tropical_latin_america", "east_asia", "south_asia", "southeast_asia", "central_asia",
    "high_income_asia_pacific", "western_europe", "central_europe", "eastern_europe", "oceania", "australasia"]
SEXES = ["male", "female"]
AGE = [(40, 44), (45, 49), (50, 54), (55, 59), (60, 64), (65, 69), (70, 74)]
AGE_LABELS = [f"{a}-{b}" for a, b in AGE]
SBP_LABELS = ["<120", "120-139", "140-159", "160-179", ">=180"]
CHOL_LABELS = ["<4", "4-4.9", "5-5.9", "6-6.9", ">=7"]
BMI_LABELS = ["<20", "20-24", "25-29", "30-34", ">=35"]

# whoishRisk (PR #1) column codes -> region
WHOISH_COLS = ["N_AFR_ME", "CSS_AFR", "ESS_AFR", "SSS_AFR", "WSS_AFR", "SN_LAT_AME", "HI_N_AME", "CAR",
    "AND_LAT_AME", "CEN_LAT_AME", "TRO_LAT_AME", "EAS_ASI", "SOU_ASI", "SE_ASI", "CEN_ASI", "HI_ASI_PAC",
    "WES_EUR", "CEN_EUR", "EAS_EUR", "OCE", "AUS"]
# WHOCVRisk (mhajihos) region names -> region
MH_NAMES = {"North Afrika and Middle East": 0, "Central Sub-Saharan Africa": 1, "Eastern Sub-Saharan Africa": 2,
    "Southern Sub-Saharan Africa": 3, "Western Sub-Saharan Africa": 4, "Southern Latin America": 5,
    "High-Income North America": 6, "Caribbean": 7, "Andean Latin America": 8, "Central Latin America": 9,
    "Tropical Latin America": 10, "East Asia": 11, "South Asia": 12, "Southeast Asia": 13, "Central Asia": 14,
    "High-Income Asia Pacific": 15, "Western Europe": 16, "Central Europe": 17, "Eastern Europe": 18,
    "Oceania": 19, "Australasia": 20}
MH_BMI = {"<20": 0, "20-24": 1, "25-29": 2, "30-35": 3, ">=35": 4}

LAB_SHAPE = (21, 2, 2, 2, 7, 5, 5)
NONLAB_SHAPE = (21, 2, 2, 7, 5, 5)

def load_whoish_lab():
    a = np.full(LAB_SHAPE, -1, dtype=int)
    with open(os.path.join(SRC, "whoishRisk_pr1", "WHO_2019_Scores.csv")) as f:
        for r in csv.DictReader(f):
            sx = 0 if r["gdr"] == "1" else 1       # gdr 1 = male, 0 = female
            idx = (sx, int(r["dm"]), int(r["smk"]), AGE_LABELS.index(r["age"]), SBP_LABELS.index(r["sbp"]),
                   CHOL_LABELS.index(r["chl"]))
            for ri, c in enumerate(WHOISH_COLS):
                assert a[(ri,) + idx] == -1
                a[(ri,) + idx] = int(r[c])
    assert (a >= 0).all()
    return a

def load_mh_lab():
    a = np.full(LAB_SHAPE, -1, dtype=int)
    with open(os.path.join(SRC, "WHOCVRisk", "CVDRiskwithlab.csv")) as f:
        for r in csv.DictReader(f):
            idx = (MH_NAMES[r["Region"]], 0 if r["Gender"] == "M" else 1, 1 if r["DM"] == "Yes" else 0,
                   1 if r["Smoke"] == "Smoker" else 0, AGE_LABELS.index(r["Age"]), SBP_LABELS.index(r["SBP"]),
                   CHOL_LABELS.index(r["CHOL"]))
            assert a[idx] == -1
            a[idx] = int(r["Risk"])
    assert (a >= 0).all()
    return a

def load_mh_nonlab():
    a = np.full(NONLAB_SHAPE, -1, dtype=int)
    with open(os.path.join(SRC, "WHOCVRisk", "CVDRisk.csv")) as f:
        for r in csv.DictReader(f):
            idx = (MH_NAMES[r["Region"]], 0 if r["Gender"] == "M" else 1, 1 if r["Smoke"] == "Smoker" else 0,
                   AGE_LABELS.index(r["Age"]), SBP_LABELS.index(r["SBP"]), MH_BMI[r["BMI"]])
            assert a[idx] == -1
            a[idx] = int(r["Risk"])
    assert (a >= 0).all()
    return a

def _brazil_sections():
    import re
    txt = open(os.path.join(SRC, "CVD_risk_Brazil", "CVD_risk_Brazil.R"), encoding="latin-1").read()
    def block(name):
        i = txt.index(f"mutate({name} = case_when(")
        j = txt.index("))", i)
        return txt[i:j]
    return txt, block

def load_brazil():
    """fyuecesena/CVD_risk_Brazil: Tropical Latin America only. Returns (lab[2,2,2,7,5,5], nonlab[2,2,7,5,5])
    indexed like the region-free part of LAB_SHAPE / NONLAB_SHAPE."""
    import re
    txt, block = _brazil_sections()
    cm = {}
    for m in re.finditer(r"cvd_dm == (\d) & cvd_sex == (\d) & cvd_smoking == (\d) & cvd_age_cat == (\d) ~ (\d+)", block("cat_multi")):
        dm, sx, sm, ag, n = map(int, m.groups())
        cm[n] = (sx - 1, dm, sm, ag - 1)
    cm2 = {}
    for m in re.finditer(r"cvd_sex == (\d) & cvd_smoking == (\d) & cvd_age_cat == (\d) ~ (\d+)", block("cat_multi2")):
        sx, sm, ag, n = map(int, m.groups())
        cm2[n] = (sx - 1, sm, ag - 1)
    assert len(cm) == 56 and len(cm2) == 28
    lab = np.full((2, 2, 2, 7, 5, 5), -1, dtype=int)
    for m in re.finditer(r"cat_multi == (\d+) & cvd_tc_mmoll_cat == (\d) & cvd_sbp_cat == (\d) ~ (\d+)", block("who_risk_lab")):
        n, ch, sb, r = map(int, m.groups())
        idx = cm[n] + (sb - 1, ch - 1)
        assert lab[idx] == -1
        lab[idx] = r
    non = np.full((2, 2, 7, 5, 5), -1, dtype=int)
    for m in re.finditer(r"cat_multi2 == (\d+) & cvd_bmi_cat == (\d) & cvd_sbp_cat == (\d) ~ (\d+)", block("who_risk_non_lab")):
        n, bm, sb, r = map(int, m.groups())
        idx = cm2[n] + (sb - 1, bm - 1)
        assert non[idx] == -1
        non[idx] = r
    assert (lab >= 0).all() and (non >= 0).all()
    return lab, non

def load_erick():
    """Erickcufe/CardiovascularRisk ref1/ref2 (exported to CSV with R): Central Latin America only.
    Gender 1 = male, 0 = female; Age/SBP/Cholesterol/BMI are 1-based band indices."""
    lab = np.full((2, 2, 2, 7, 5, 5), -1, dtype=int)
    with open(os.path.join(SRC, "CardiovascularRisk", "ref1.csv")) as f:
        for r in csv.DictReader(f):
            idx = (0 if r["Gender"] == "1" else 1, int(r["Diabetes"]), int(r["Smoke"]), int(r["Age"]) - 1,
                   int(r["SBP"]) - 1, int(r["Cholesterol"]) - 1)
            assert lab[idx] == -1
            lab[idx] = int(r["Score"])
    non = np.full((2, 2, 7, 5, 5), -1, dtype=int)
    with open(os.path.join(SRC, "CardiovascularRisk", "ref2.csv")) as f:
        for r in csv.DictReader(f):
            idx = (0 if r["Gender"] == "1" else 1, int(r["Smoke"]), int(r["Age"]) - 1, int(r["SBP"]) - 1, int(r["BMI"]) - 1)
            assert non[idx] == -1
            non[idx] = int(r["Score"])
    assert (lab >= 0).all() and (non >= 0).all()
    return lab, non
