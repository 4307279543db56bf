#!/usr/bin/env python3
"""Independent evaluator for riskengine.model/1 files (with the FORMAT_EXTENSIONS.md extensions and the
two proposed in NOTES.md: hinge `center`, kind `sum`, and outcomes[].when).

Usage:
  evaluate.py examples [model.json ...]          check every examples[] entry
  evaluate.py compare reference_prevent.csv [model.json ...]
                                                 max |diff| per output column vs expected_<column>
  evaluate.py score input.csv model.json         print risks for the rows of a CSV
Only the standard library is used; nothing is shared with the reference implementation.
"""
import csv, glob, json, math, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEX = {"female": "female", "f": "female", "male": "male", "m": "male"}


def fmt_bound(x):
    return ("%g" % x)


class Model:
    def __init__(self, path):
        with open(path) as fh:
            self.d = json.load(fh)
        self.id = self.d["id"]
        self.inputs = {i["field"]: i for i in self.d["inputs"]}
        self.features = self.d["features"]
        self.fdef = {f["name"]: f for f in self.features}
        # which inputs each feature depends on (transitively)
        self.deps = {}
        for f in self.features:
            if "input" in f:
                self.deps[f["name"]] = {f["input"]}
            else:
                s = set()
                for g in f["of"]:
                    s |= self.deps[g]
                self.deps[f["name"]] = s

    def columns(self):
        return [o.get("column", f"{self.id}_{o['id']}_{o['horizon_years']}y") for o in self.d["outcomes"]]

    # --- row handling -------------------------------------------------------------------------
    def parse(self, row):
        vals, missing, invalid = {}, [], []
        for field, spec in self.inputs.items():
            raw = row.get(field)
            if raw is None or (isinstance(raw, str) and raw.strip() == ""):
                if not spec.get("optional"):
                    missing.append(field)
                vals[field] = None
                continue
            if field == "sex":
                v = SEX.get(str(raw).strip().lower())
                if v is None:
                    invalid.append(field)
                vals[field] = v
                continue
            try:
                vals[field] = float(raw)
            except ValueError:
                invalid.append(field)
        if invalid:
            return None, "invalid:" + "+".join(invalid)
        if missing:
            return None, "missing:" + "+".join(missing)
        oor, na = [], []
        for field, spec in self.inputs.items():
            v = vals[field]
            if v is None or isinstance(v, str):
                continue
            lo, hi = spec.get("min"), spec.get("max")
            bad = None
            if lo is not None and v < lo:
                bad = f"{field}_below_{fmt_bound(lo)}"
            elif hi is not None and v > hi:
                bad = f"{field}_above_{fmt_bound(hi)}"
            if bad:
                (na if spec.get("outside") == "not_applicable" else oor).append((field, bad))
        if oor:
            return None, "out_of_range:" + "+".join(f for f, _ in oor)
        if na:
            return None, "not_applicable:" + na[0][1]
        return vals, "ok"

    def feature_values(self, vals):
        missing_opt = {k for k, v in vals.items() if v is None}
        fv = {}
        for f in self.features:
            n, k = f["name"], f["kind"]
            if k == "missing_indicator":
                fv[n] = 1.0 if vals[f["input"]] is None else 0.0
                continue
            if self.deps[n] & missing_opt:
                fv[n] = 0.0
                continue
            if k == "product":
                p = 1.0
                for g in f["of"]:
                    p *= fv[g]
                fv[n] = p
                continue
            if k == "sum":
                w = f.get("weights", [1.0] * len(f["of"]))
                s = sum(wi * fv[g] for wi, g in zip(w, f["of"]))
                fv[n] = (s - f.get("center", 0.0)) / f.get("scale", 1.0)
                continue
            x = vals[f["input"]]
            m = f.get("multiplier", 1.0)
            if k == "linear":
                fv[n] = (x - f.get("center", 0.0)) / f.get("scale", 1.0)
            elif k == "log":
                fv[n] = math.log(x * m) - f.get("center", 0.0)
            elif k == "power":
                e = f["exponent"]
                t = math.log(x * m) if e == 0 else (x * m) ** e
                fv[n] = (t - f.get("center", 0.0)) / f.get("scale", 1.0)
            elif k == "hinge":
                knot, above = f["knot"], f.get("side", "above") == "above"
                xm = x * m
                if f.get("log"):
                    h = max(math.log(xm / knot), 0.0) if above else max(math.log(knot / xm), 0.0)
                else:
                    h = max(xm - knot, 0.0) if above else max(knot - xm, 0.0)
                fv[n] = (h - f.get("center", 0.0)) / f.get("scale", 1.0)
            elif k == "indicator":
                fv[n] = 1.0 if x == f["equals"] else 0.0
            elif k == "points":
                pts = None
                for b in f["bands"]:
                    if "equals" in b:
                        if x == b["equals"]:
                            pts = b["points"]
                            break
                    elif "below" in b:
                        if x < b["below"]:
                            pts = b["points"]
                            break
                    else:
                        pts = b["points"]
                        break
                fv[n] = float(pts if pts is not None else 0)
            else:
                raise ValueError(f"unknown kind {k}")
        return fv

    def score(self, row):
        """Returns (status, {column: risk% or None})."""
        vals, status = self.parse(row)
        cols = self.columns()
        if vals is None:
            return status, {c: None for c in cols}
        stratum = None
        for s in self.d["strata"]:
            if all(vals.get(fld) in accepted for fld, accepted in s["when"].items()):
                stratum = s
                break
        if stratum is None:
            return "not_applicable:no_stratum", {c: None for c in cols}
        fv = self.feature_values(vals)
        out, notes = {}, []
        missing_opt = [f for f, sp in self.inputs.items() if sp.get("optional") and vals[f] is None]
        for o, col in zip(self.d["outcomes"], cols):
            ok = True
            for fld, rng in o.get("when", {}).items():
                v = vals[fld]
                if ("max" in rng and v > rng["max"]) or ("min" in rng and v < rng["min"]):
                    ok = False
                    note = f"not_applicable_{o['horizon_years']}y:{fld}_" + (
                        f"above_{fmt_bound(rng['max'])}" if "max" in rng and v > rng["max"] else f"below_{fmt_bound(rng['min'])}")
                    if note not in notes:
                        notes.append(note)
            if not ok:
                out[col] = None
                continue
            eq = stratum["equations"][o["id"]]
            lp = sum(b * fv[n] for n, b in eq["coefficients"].items())
            link = self.d["link"]
            if link == "logistic":
                p = 1.0 / (1.0 + math.exp(-(eq["intercept"] + lp)))
            elif link == "cox":
                p = 1.0 - eq["baseline_survival"] ** math.exp(lp - eq.get("mean_linear_predictor", 0.0))
            else:
                raise ValueError(link)
            out[col] = 100.0 * p
        st = "ok"
        if missing_opt:
            notes.insert(0, "missing_optional:" + "+".join(missing_opt))
        if notes:
            st += ";" + ";".join(notes)
        return st, out


def model_paths(args):
    return args if args else sorted(glob.glob(os.path.join(HERE, "prevent2023_*.json")))


def cmd_examples(paths):
    worst = 0.0
    n = 0
    for p in paths:
        m = Model(p)
        for i, ex in enumerate(m.d.get("examples", [])):
            st, out = m.score({k: (str(v) if not isinstance(v, str) else v) for k, v in ex["inputs"].items()})
            for col, exp in ex["expected"].items():
                got = out.get(col)
                diff = abs(got - exp) if got is not None else float("inf")
                worst = max(worst, diff)
                n += 1
                flag = "OK " if diff <= ex["tolerance_pp"] else "BAD"
                print(f"{flag} {m.id} ex{i} {col}: got {got:.6f} expected {exp} diff {diff:.2e} "
                      f"(tol {ex['tolerance_pp']}) status {st}")
    print(f"{n} example values checked, max |diff| {worst:.3g} pp")


def cmd_compare(ref, paths):
    with open(ref) as fh:
        rows = list(csv.DictReader(fh))
    models = [Model(p) for p in paths]
    print(f"{len(rows)} rows from {ref}")
    print(f"{'column':34s} {'n':>4s} {'max_abs_diff_pp':>16s}  (rows where exactly one side is empty)")
    overall = 0.0
    for m in models:
        res = [m.score(r) for r in rows]
        for col in m.columns():
            e = "expected_" + col
            if e not in rows[0]:
                print(f"{col:34s}  no expected column")
                continue
            mx, n, mism = 0.0, 0, 0
            for r, (st, out) in zip(rows, res):
                got, exp = out[col], r[e]
                if exp == "" or got is None:
                    if (exp == "") != (got is None):
                        mism += 1
                    continue
                mx = max(mx, abs(got - float(exp)))
                n += 1
            overall = max(overall, mx)
            print(f"{col:34s} {n:4d} {mx:16.3e}  {mism}")
    print(f"overall max |diff| = {overall:.3e} percentage points")


def cmd_score(inp, path):
    m = Model(path)
    with open(inp) as fh:
        rows = list(csv.DictReader(fh))
    w = csv.writer(sys.stdout)
    w.writerow(["id"] + m.columns() + [m.id + "_status"])
    for r in rows:
        st, out = m.score(r)
        w.writerow([r.get("id", "")] + ["" if out[c] is None else "%.12g" % out[c] for c in m.columns()] + [st])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "examples":
        cmd_examples(model_paths(sys.argv[2:]))
    elif cmd == "compare":
        cmd_compare(sys.argv[2], model_paths(sys.argv[3:]))
    elif cmd == "score":
        cmd_score(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
