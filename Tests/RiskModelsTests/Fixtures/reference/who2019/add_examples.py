#!/usr/bin/env python3
"""Append examples[] to who2019_lab.json / who2019_nonlab.json: profiles at chart-band midpoints, whose
printed chart cell (published) must equal the rounded expected value.  expected = evaluate.py (transcription
of the authors' program); published = printed chart cell (who2019_*_chart.json)."""
import json, os
import evaluate as ev
HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {
 "lab": [
  dict(age=62.5, sex="male", smoker=1, diabetes=0, sbp=150, total_chol=5.5, who_region="southeast_asia"),
  dict(age=52.5, sex="female", smoker=0, diabetes=1, sbp=130, total_chol=6.5, who_region="southeast_asia"),
  dict(age=72.5, sex="male", smoker=0, diabetes=1, sbp=170, total_chol=4.5, who_region="southeast_asia"),
  dict(age=47.5, sex="female", smoker=1, diabetes=0, sbp=110, total_chol=3.5, who_region="southeast_asia"),
  dict(age=57.5, sex="male", smoker=1, diabetes=1, sbp=190, total_chol=7.5, who_region="eastern_europe"),
  dict(age=67.5, sex="female", smoker=0, diabetes=0, sbp=150, total_chol=5.5, who_region="western_europe"),
 ],
 "nonlab": [
  dict(age=62.5, sex="male", smoker=1, sbp=150, bmi=22.5, who_region="southeast_asia"),
  dict(age=52.5, sex="female", smoker=0, sbp=130, bmi=27.5, who_region="southeast_asia"),
  dict(age=72.5, sex="male", smoker=0, sbp=170, bmi=32.5, who_region="southeast_asia"),
  dict(age=42.5, sex="female", smoker=1, sbp=190, bmi=17.5, who_region="southeast_asia"),
  dict(age=57.5, sex="male", smoker=1, sbp=110, bmi=37.5, who_region="south_asia"),
  dict(age=67.5, sex="female", smoker=0, sbp=150, bmi=22.5, who_region="central_asia"),
 ]}

def lookup(chart, x):
    cell = chart["cells"]
    for ax in chart["axes"]:
        v = x[ax["field"]]
        if "values" in ax:
            i = ax["values"].index(v)
        else:
            i = next(k for k, b in enumerate(ax["bands"]) if ("min" not in b or v >= b["min"]) and ("below" not in b or v < b["below"]))
        cell = cell[i]
    return cell

for kind, cases in CASES.items():
    p = os.path.join(HERE, f"who2019_{kind}.json")
    m = json.load(open(p))
    chart = json.load(open(os.path.join(HERE, f"who2019_{kind}_chart.json")))
    col = f"who2019_{kind}_cvd_10y"
    ex = []
    for x in cases:
        val = 100 * ev.risk(kind, x)
        pub = lookup(chart, x)
        assert round(val) == pub and abs(val - round(val)) < 0.48, (x, val, pub)
        ex.append({"source": "Profile at the band midpoints of a printed WHO 2019 chart cell (Lancet Glob Health 2019;7:e1332 appendix charts; "
                             "transcription in who2019_" + kind + "_chart.json). expected = continuous model per the authors' whocvdrisk program "
                             "(skkceu/stata@d4372b6), unrounded; published = the printed integer cell.",
                   "inputs": x, "expected": {col: round(val, 6)}, "published": {col: f"{pub}%"}, "tolerance_pp": 0.01})
    m["examples"] = ex
    json.dump(m, open(p, "w"), indent=1)
    print(kind, [(e["expected"][col], e["published"][col]) for e in ex])
