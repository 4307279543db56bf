#!/usr/bin/env python3
"""Build who2019_lab_chart.json / who2019_nonlab_chart.json (proposed riskengine.chart/1) from public
transcriptions of the printed WHO 2019 charts, compare the transcriptions cell by cell, and compare every
cell with the continuous model (evaluate.py) at the band midpoints.  Writes chart_disagreements.csv and
chart_model_agreement.txt."""
import csv, json, os
import numpy as np
import charts_common as c
import evaluate as ev

HERE = c.HERE
AGE_MID = [42.5, 47.5, 52.5, 57.5, 62.5, 67.5, 72.5]
SBP_MID = [110, 130, 150, 170, 190]
CHOL_MID = [3.5, 4.5, 5.5, 6.5, 7.5]
BMI_MID = [17.5, 22.5, 27.5, 32.5, 37.5]

SRC_DESC = {
    "whoishRisk": "github DylanRJCollins/whoishRisk, pull request #1 (rdosreis, 2020-03) head d62f06c964875d9603def150f8a60eb5822de597, inst/extdata/WHO_2019_Scores.csv (lab, 21 regions)",
    "WHOCVRisk": "github mhajihos/WHOCVRisk @ 4b664ee41fa4a84ddbd7b46133fd1d146e6447ef, data/CVDRiskwithlab.csv (lab) and data/CVDRisk.csv (non-lab), 21 regions",
    "CVD_risk_Brazil": "github fyuecesena/CVD_risk_Brazil @ a59031e953917eeb32667ecbc4e8129751edd831, CVD_risk_Brazil.R (lab and non-lab, Tropical Latin America only)",
    "CardiovascularRisk": "github Erickcufe/CardiovascularRisk @ 5d27d784b8cf4c5b6e6e938219e3a89a2ba3ac12, data/ref1.rda (lab) and data/ref2.rda (non-lab), Central Latin America only",
}

def model_grid(lab):
    shape = c.LAB_SHAPE if lab else c.NONLAB_SHAPE
    g = np.zeros(shape)
    for idx in np.ndindex(*shape):
        if lab:
            r, s, dm, sm, a, b, h = idx
            x = dict(age=AGE_MID[a], sex=c.SEXES[s], smoker=sm, diabetes=dm, sbp=SBP_MID[b], total_chol=CHOL_MID[h], who_region=c.REGIONS[r])
        else:
            r, s, sm, a, b, h = idx
            x = dict(age=AGE_MID[a], sex=c.SEXES[s], smoker=sm, sbp=SBP_MID[b], bmi=BMI_MID[h], who_region=c.REGIONS[r])
        g[idx] = 100 * ev.risk("lab" if lab else "nonlab", x)
    return g

def cell_name(lab, idx):
    if lab:
        r, s, dm, sm, a, b, h = idx
        return dict(region=c.REGIONS[r], sex=c.SEXES[s], diabetes=dm, smoker=sm, age=c.AGE_LABELS[a], sbp=c.SBP_LABELS[b], band3=c.CHOL_LABELS[h])
    r, s, sm, a, b, h = idx
    return dict(region=c.REGIONS[r], sex=c.SEXES[s], diabetes="", smoker=sm, age=c.AGE_LABELS[a], sbp=c.SBP_LABELS[b], band3=c.BMI_LABELS[h])

def bands(field, labels, edges, unit, mids, lo=None, hi=None):
    out = []
    for i, lab in enumerate(labels):
        b = {"label": lab}
        if i > 0:
            b["min"] = edges[i - 1]
        elif lo is not None:
            b["min"] = lo
        if i < len(labels) - 1:
            b["below"] = edges[i]
        elif hi is not None:
            b["below"] = hi
        b["midpoint"] = mids[i]
        out.append(b)
    return {"field": field, "unit": unit, "bands": out}

def main():
    report = []
    rows = []
    for lab in (True, False):
        kind = "lab" if lab else "nonlab"
        if lab:
            srcs = {"whoishRisk": c.load_whoish_lab(), "WHOCVRisk": c.load_mh_lab()}
            bl, bn = c.load_brazil(); el, en = c.load_erick()
            partial = {"CVD_risk_Brazil": ("tropical_latin_america", bl), "CardiovascularRisk": ("central_latin_america", el)}
        else:
            srcs = {"WHOCVRisk": c.load_mh_nonlab()}
            bl, bn = c.load_brazil(); el, en = c.load_erick()
            partial = {"CVD_risk_Brazil": ("tropical_latin_america", bn), "CardiovascularRisk": ("central_latin_america", en)}
        g = model_grid(lab)
        mr = np.rint(g).astype(int)
        # distance of model values from a rounding boundary
        frac = np.abs(g - np.floor(g) - 0.5)
        report.append(f"[{kind}] model at midpoints: min |x - (n+0.5)| = {frac.min():.4f} pp (rounding unambiguous if > 0)")
        # adopted chart: majority of (full sources + partial + model) per cell
        primary = srcs["whoishRisk"] if lab else srcs["WHOCVRisk"]
        chart = primary.copy()
        corrections = []
        for name, a in srcs.items():
            d = a != mr
            report.append(f"[{kind}] {name} (21 regions): {a.size} cells, {int((~d).sum())} equal to model rounded, {int(d.sum())} differ")
        for name, (reg, a) in partial.items():
            ri = c.REGIONS.index(reg)
            d = a != mr[ri]
            report.append(f"[{kind}] {name} ({reg} only): {a.size} cells, {int((~d).sum())} equal to model rounded, {int(d.sum())} differ")
            for nm2, full in srcs.items():
                report.append(f"[{kind}]    {name} vs {nm2} ({reg}): {int((a != full[ri]).sum())} cells differ")
        # list every cell where any source differs from any other or from the model
        for idx in np.ndindex(*chart.shape):
            vals = {n: int(a[idx]) for n, a in srcs.items()}
            for n, (reg, a) in partial.items():
                if c.REGIONS[idx[0]] == reg:
                    vals[n] = int(a[idx[1:]])
            m = int(mr[idx])
            if len(set(vals.values()) | {m}) > 1:
                # adopt the value given by the majority of transcriptions; when only one transcription exists
                # and it breaks monotonicity, adopt the model value
                from collections import Counter
                cnt = Counter(vals.values())
                top, n_top = cnt.most_common(1)[0]
                adopted = top if n_top > 1 or len(vals) == 1 and top == m else (m if len(cnt) > 1 or top != m else top)
                if len(vals) == 1 and top != m:
                    adopted = m
                if adopted != chart[idx]:
                    corrections.append((idx, int(chart[idx]), int(adopted)))
                    chart[idx] = adopted
                rows.append(dict(chart=kind, **cell_name(lab, idx), **{f"src_{k}": v for k, v in vals.items()},
                                 model_unrounded=round(float(g[idx]), 4), model_rounded=m, adopted=int(chart[idx])))
        d = chart != mr
        report.append(f"[{kind}] ADOPTED chart: {int((~d).sum())}/{chart.size} cells equal to the continuous model rounded at band midpoints; max |diff| = {int(np.abs(chart - mr).max())}")
        for idx, old, new in corrections:
            report.append(f"[{kind}]    corrected {cell_name(lab, idx)}: {old} -> {new}")
        # monotonicity check of the adopted chart along sbp, age and chol/bmi axes
        ax = (4, 5, 6) if lab else (3, 4, 5)
        nonmono = sum(int((np.diff(chart, axis=k) < 0).sum()) for k in ax)
        report.append(f"[{kind}] adopted chart: {nonmono} decreasing steps along age/sbp/{'chol' if lab else 'bmi'} axes")
        # write chart file
        axes = [{"field": "who_region", "values": c.REGIONS},
                {"field": "sex", "values": c.SEXES}]
        if lab:
            axes.append({"field": "diabetes", "values": [0, 1]})
        axes += [{"field": "smoker", "values": [0, 1]},
                 bands("age", c.AGE_LABELS, [45, 50, 55, 60, 65, 70], "years", AGE_MID, 40, 75),
                 bands("sbp", c.SBP_LABELS, [120, 140, 160, 180], "mmHg", SBP_MID)]
        if lab:
            axes.append(bands("total_chol", c.CHOL_LABELS, [4, 5, 6, 7], "mmol/L", CHOL_MID))
        else:
            axes.append(bands("bmi", c.BMI_LABELS, [20, 25, 30, 35], "kg/m2", BMI_MID))
        used = ["whoishRisk", "WHOCVRisk", "CVD_risk_Brazil", "CardiovascularRisk"] if lab else ["WHOCVRisk", "CVD_risk_Brazil", "CardiovascularRisk"]
        out = {
            "format": "riskengine.chart/1",
            "id": f"who2019_{kind}_chart",
            "title": "WHO 2019 CVD risk charts, " + ("laboratory-based" if lab else "non-laboratory-based (BMI)") + ", 21 GBD regions (printed charts, integer %)",
            "version": "2019",
            "citation": {
                "reference": "WHO CVD Risk Chart Working Group. World Health Organization cardiovascular disease risk charts: revised models to estimate risk in 21 global regions. Lancet Glob Health 2019;7:e1332-e1345 (charts in the appendix; also WHO HEARTS technical package)",
                "doi": "10.1016/S2214-109X(19)30318-3",
                "transcriptions": [SRC_DESC[k] for k in used],
                "confirmed_by": [f"continuous model who2019_{kind} (authors' whocvdrisk program) evaluated at band midpoints: see README / chart_model_agreement.txt"],
            },
            "notes": [
                "Cells are integer percent 10-year risk of fatal or non-fatal CVD.",
                "cells is a nested array in axis order: cells[region][sex]" + ("[diabetes]" if lab else "") + "[smoker][age band][sbp band][" + ("chol" if lab else "bmi") + " band].",
                "Numeric axes: a value x falls in the band with min <= x < below (first band open below, last band open above; age outside 40-74 -> not_applicable). The printed labels (e.g. '4-4.9', '120-139') use whole/tenth units; half-open bands extend them to any decimal.",
                "midpoint: value at which the continuous model reproduces the printed cell (used for checks only).",
            ] + [f"cell corrected from the primary transcription: {cell_name(lab, i)}: {o} -> {n} (see chart_disagreements.csv)" for i, o, n in corrections],
            "outcome": {"id": "cvd", "horizon_years": 10, "description": "fatal or non-fatal CVD (MI, CHD death, stroke)"},
            "inputs": [{"field": "age", "min": 40, "max": 74, "outside": "not_applicable"}, {"field": "sex"}, {"field": "smoker"}, {"field": "sbp"}]
                      + ([{"field": "diabetes"}, {"field": "total_chol"}] if lab else [{"field": "bmi"}]) + [{"field": "who_region"}],
            "axes": axes,
            "cells": chart.tolist(),
        }
        with open(os.path.join(HERE, f"who2019_{kind}_chart.json"), "w") as f:
            # compact: one line per innermost 5-vector
            txt = json.dumps(out, indent=1)
        import re
        txt = re.sub(r"\[\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)\s*\]", r"[\1,\2,\3,\4,\5]", txt)
        with open(os.path.join(HERE, f"who2019_{kind}_chart.json"), "w") as f:
            f.write(txt)
    keys = ["chart", "region", "sex", "diabetes", "smoker", "age", "sbp", "band3", "src_whoishRisk", "src_WHOCVRisk",
            "src_CVD_risk_Brazil", "src_CardiovascularRisk", "model_unrounded", "model_rounded", "adopted"]
    with open(os.path.join(HERE, "chart_disagreements.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, restval="")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    with open(os.path.join(HERE, "chart_model_agreement.txt"), "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))

if __name__ == "__main__":
    main()
