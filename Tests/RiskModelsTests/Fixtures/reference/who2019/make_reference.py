#!/usr/bin/env python3
"""reference_who2019.csv: 300 seeded rows, expected values (percent, unrounded) from evaluate.py
(a transcription of the authors' Stata program, NOT an independent package), plus the chart lookup
(integer %) from who2019_*_chart.json.  Cross-checked by crosscheck_from_dta.R, which recomputes the
continuous values directly from the authors' .dta and the coefficients as printed in the .ado."""
import csv, json, os, random
import evaluate as ev

HERE = os.path.dirname(os.path.abspath(__file__))
REGIONS = ["southeast_asia"] * 6 + ["east_asia", "south_asia", "western_europe", "high_income_north_america",
           "central_asia", "eastern_europe", "western_sub_saharan_africa", "tropical_latin_america",
           "north_africa_middle_east", "oceania", "australasia", "central_europe", "caribbean"]

def chart_lookup(chart, x):
    idx = []
    for ax in chart["axes"]:
        v = x[ax["field"]]
        if "values" in ax:
            idx.append(ax["values"].index(v))
        else:
            for i, b in enumerate(ax["bands"]):
                if ("min" not in b or v >= b["min"]) and ("below" not in b or v < b["below"]):
                    idx.append(i); break
            else:
                return ""
    cell = chart["cells"]
    for i in idx:
        cell = cell[i]
    return cell

def main():
    rnd = random.Random(20190902)
    charts = {k: json.load(open(os.path.join(HERE, f"who2019_{k}_chart.json"))) for k in ("lab", "nonlab")}
    rows = []
    for i in range(300):
        x = dict(
            age=rnd.choice([round(rnd.uniform(40, 74.99), 1), float(rnd.randint(40, 74))]),
            sex=rnd.choice(["male", "female"]),
            smoker=int(rnd.random() < 0.35),
            diabetes=int(rnd.random() < 0.2),
            sbp=float(rnd.randint(95, 200)),
            total_chol=round(rnd.uniform(3.0, 9.0), 2),
            bmi=round(rnd.uniform(16.0, 42.0), 1),
            who_region=rnd.choice(REGIONS),
        )
        # a few exact band edges and midpoints
        if i % 25 == 0:
            x.update(age=float(rnd.choice([40, 44, 45, 60, 74])), sbp=float(rnd.choice([119, 120, 140, 180])),
                     total_chol=rnd.choice([3.99, 4.0, 6.0, 7.0]), bmi=rnd.choice([19.9, 20.0, 25.0, 35.0]))
        lab = ev.risk("lab", x, detail=True)
        non = ev.risk("nonlab", x, detail=True)
        r = {"id": f"ref{i+1:03d}", **x,
             "who2019_lab_cvd_10y": f"{100*lab['cvd']:.10f}",
             "who2019_nonlab_cvd_10y": f"{100*non['cvd']:.10f}",
             "who2019_lab_chart_cvd_10y": chart_lookup(charts["lab"], x),
             "who2019_nonlab_chart_cvd_10y": chart_lookup(charts["nonlab"], x),
             "lab_chd_10y": f"{100*lab['chd']:.10f}", "lab_stroke_10y": f"{100*lab['stroke']:.10f}",
             "nonlab_chd_10y": f"{100*non['chd']:.10f}", "nonlab_stroke_10y": f"{100*non['stroke']:.10f}"}
        rows.append(r)
    with open(os.path.join(HERE, "reference_who2019.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader(); w.writerows(rows)
    print(len(rows), "rows")

if __name__ == "__main__":
    main()
