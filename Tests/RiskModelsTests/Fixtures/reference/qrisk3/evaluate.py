#!/usr/bin/env python3
"""Independent evaluator of a riskengine.model/1 JSON file (with the proposed extensions), used here
for qrisk3.json.  Usage:
    python3 evaluate.py [--model qrisk3.json] CSV [CSV ...] [--out scored.csv]
Each CSV has canonical input columns; if it has expected_<model>_<outcome>_<h>y it is compared, and a
`source` column containing 'score NN.N%' is compared as the published 1-decimal score."""
import argparse, csv, json, math, re, sys

SEX = {"female": "female", "f": "female", "nữ": "female", "male": "male", "m": "male", "nam": "male"}


class RowStatus(Exception):
    pass


def parse_inputs(model, row):
    vals, missing_req, missing_opt, oor, na = {}, [], [], [], []
    for inp in model["inputs"]:
        f = inp["field"]
        raw = (row.get(f) or "").strip()
        if raw == "":
            (missing_opt if inp.get("optional") else missing_req).append(f)
            continue
        if f == "sex":
            v = SEX.get(raw.lower())
            if v is None:
                raise RowStatus("invalid:sex")
        elif f == "diabetes_type":
            v = raw.lower()
        else:
            v = float(raw)
            if inp.get("floor"):
                v = float(math.floor(v))
            lo, hi = inp.get("min"), inp.get("max")
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                if inp.get("outside") == "not_applicable":
                    na.append("%s_%s_%s" % (f, "below" if lo is not None and v < lo else "above",
                                            fmt(lo if lo is not None and v < lo else hi)))
                else:
                    oor.append(f)
        if "values" in inp and str(v) not in inp["values"]:
            raise RowStatus("invalid:" + f)
        vals[f] = v
    if missing_req:
        raise RowStatus("missing:" + "+".join(missing_req))
    return vals, missing_opt, oor, na


def fmt(x):
    return ("%g" % x)


def feature_values(model, vals):
    fv, oor = {}, []
    for f in model["features"]:
        k = f["kind"]
        m = f.get("multiplier", 1.0)
        c = f.get("center", 0.0)
        s = f.get("scale", 1.0)
        if k in ("linear", "log", "power", "hinge", "indicator"):
            if f["input"] not in vals:          # missing optional input
                fv[f["name"]] = 0.0
                continue
            x = vals[f["input"]]
        if k == "linear":
            v = (x - c) / s
        elif k == "log":
            v = math.log(x * m) - c
        elif k == "power":
            xm = x * m
            p = f["exponent"]
            t = math.log(xm) if p == 0 else xm ** p
            if f.get("times_log"):
                t *= math.log(xm)
            v = (t - c) / s
        elif k == "hinge":
            xm = x * m
            kn = f["knot"]
            if f.get("log"):
                v = max(math.log(xm / kn), 0.0) if f.get("side", "above") == "above" else max(math.log(kn / xm), 0.0)
            else:
                v = (max(xm - kn, 0.0) if f.get("side", "above") == "above" else max(kn - xm, 0.0)) / s
        elif k == "indicator":
            v = 1.0 if (x == f["equals"] if isinstance(x, str) else x == float(f["equals"])) else 0.0
        elif k == "product":
            v = 1.0
            for n in f["of"]:
                v *= fv[n]
        elif k == "ratio":
            if f["numerator"] not in vals or f["denominator"] not in vals:
                fv[f["name"]] = 0.0
                continue
            r = vals[f["numerator"]] / vals[f["denominator"]] * m
            lo, hi = f.get("min"), f.get("max")
            if (lo is not None and r < lo) or (hi is not None and r > hi):
                oor.append(f.get("range_label", f["name"]))
            v = (r - c) / s
        else:
            raise ValueError("unknown feature kind " + k)
        fv[f["name"]] = v
    return fv, oor


def score_row(model, row):
    """Returns (status, {column: risk%})."""
    try:
        vals, missing_opt, oor, na = parse_inputs(model, row)
    except RowStatus as e:
        return str(e), {}
    except ValueError:
        return "invalid:row", {}
    fv, oor2 = feature_values(model, vals)
    for o in oor2:
        if o not in oor:
            oor.append(o)
    if oor:
        return "out_of_range:" + "+".join(oor), {}
    if na:
        return "not_applicable:" + na[0], {}
    stratum = None
    for st in model["strata"]:
        if all(str(vals.get(fld)) in accepted for fld, accepted in st["when"].items()):
            stratum = st
            break
    if stratum is None:
        return "not_applicable:no_stratum", {}
    out = {}
    for oc in model["outcomes"]:
        eq = stratum["equations"][oc["id"]]
        lp = sum(b * fv[n] for n, b in eq["coefficients"].items())
        if model["link"] == "cox":
            risk = 1.0 - eq["baseline_survival"] ** math.exp(lp - eq.get("mean_linear_predictor", 0.0))
        elif model["link"] == "logistic":
            risk = 1.0 / (1.0 + math.exp(-(eq["intercept"] + lp)))
        else:
            raise ValueError(model["link"])
        out["%s_%s_%dy" % (model["id"], oc["id"], oc["horizon_years"])] = 100.0 * risk
    status = "ok" + (";missing_optional:" + "+".join(missing_opt) if missing_opt else "")
    return status, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qrisk3.json")
    ap.add_argument("--out")
    ap.add_argument("csv", nargs="+")
    a = ap.parse_args()
    model = json.load(open(a.model))
    outcol = "%s_%s_%dy" % (model["id"], model["outcomes"][0]["id"], model["outcomes"][0]["horizon_years"])
    w = None
    if a.out:
        w = csv.writer(open(a.out, "w", newline=""))
        w.writerow(["file", "id", outcol, "status", "expected", "diff"])
    # the model file's own worked examples
    worst = 0.0
    for ex in model.get("examples", []):
        st, r = score_row(model, {k: str(v) for k, v in ex["inputs"].items()})
        for col, e in ex["expected"].items():
            d = abs(r[col] - e) if st.startswith("ok") else float("inf")
            worst = max(worst, d)
            assert d <= ex["tolerance_pp"], (ex["source"], st, r, e)
            pub = float(ex["published"][col].rstrip("%"))
            assert abs(round(r[col], 1) - pub) < 1e-9, (ex["source"], r[col], pub)
    print("model examples: %d checked, max |diff| %.3g pp, all printed values reproduced"
          % (len(model.get("examples", [])), worst))
    rc = 0
    for path in a.csv:
        rows = list(csv.DictReader(open(path, newline="")))
        exp_col = "expected_" + outcol
        n = nok = 0
        dmax = pmax = 0.0
        arg = "-"
        npub = pub_mis = 0
        statuses = {}
        for row in rows:
            st, r = score_row(model, row)
            statuses[st.split(";")[0].split(":")[0]] = statuses.get(st.split(";")[0].split(":")[0], 0) + 1
            n += 1
            v = r.get(outcol)
            e = row.get(exp_col, "")
            d = ""
            if v is not None:
                nok += 1
                if e != "":
                    d = abs(v - float(e))
                    if d >= dmax:
                        dmax, arg = d, row.get("id")
                m = re.search(r"score (\d+\.\d)%", row.get("source", ""))
                if m:
                    npub += 1
                    pmax = max(pmax, abs(v - float(m.group(1))))
                    if abs(round(v + 1e-12, 1) - float(m.group(1))) > 1e-9:
                        pub_mis += 1
            elif e != "":
                print("  %s: expected a score but status %s" % (row.get("id"), st))
                rc = 1
            es = row.get("expected_status")
            if es is not None and es != st:
                print("  %s: status %s, expected %s" % (row.get("id"), st, es))
                rc = 1
            if w:
                w.writerow([path, row.get("id"), "" if v is None else "%.12g" % v, st, e, "" if d == "" else "%.3g" % d])
        print("%s: %d rows, %d scored, statuses %s%s" % (path, n, nok, statuses,
              ", all expected_status matched" if "expected_status" in rows[0] and rc == 0 else ""))
        if exp_col in rows[0]:
            print("  max |evaluate.py - %s| = %.3g pp (row %s)" % (exp_col, dmax, arg))
        if npub:
            print("  vs official 1-decimal scores: %d rows, max |unrounded - printed| = %.4f pp, "
                  "%d rows where round(score,1) != printed" % (npub, pmax, pub_mis))
    return rc


if __name__ == "__main__":
    sys.exit(main())
