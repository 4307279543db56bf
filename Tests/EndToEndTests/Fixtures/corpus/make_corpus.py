"""Builds the messy variants of the fixed scoring corpus from clean.csv.

clean.csv itself is `riskengine synth --rows 2500 --seed 20261202` as of December 2026 (synthetic
people, no real data). Run once, from this folder, with Python 3:  python3 make_corpus.py
The outputs are committed; the byte-identity test (OutputIdentityTests) scores them with fixed
options and compares SHA-256 hashes of every output with the committed ones, so any change to what
the engine writes for the same input and options is caught.
"""
import csv
import io
import random

rng = random.Random(20261202)
rows = list(csv.reader(open("clean.csv", newline="", encoding="utf-8")))
header, data = rows[0], rows[1:]
col = {name: i for i, name in enumerate(header)}


def dirty(rec):
    """One seeded defect per chosen row: the kinds real exports have."""
    rec = list(rec)
    k = rng.randrange(12)
    if k == 0:
        rec[col["sbp"]] = "12O"                      # letter O for zero
    elif k == 1:
        rec[col["total_chol"]] = str(round(float(rec[col["total_chol"]]) * 38.67, 1))  # mg/dL
    elif k == 2:
        rec[col["age"]] = ""                         # missing
    elif k == 3:
        rec[col["sbp"]] = "1320"                     # typing error, implausible
    elif k == 4:
        rec[col["sex"]] = rng.choice(["nữ", "Nam", "F", " m ", "unknown"])
    elif k == 5:
        rec[col["hdl"]] = "-0.4"
    elif k == 6:
        rec = rec[:-3]                               # too few fields
    elif k == 7:
        rec = rec + ["extra"]                        # too many fields
    elif k == 8:
        rec[col["smoker"]] = rng.choice(["yes", "2", "0.0", "1.0"])
    elif k == 9:
        rec[col["age"]] = rng.choice(["17", "95", "39.5", "1e2"])
    elif k == 10:
        rec[col["egfr"]] = ""
        rec[col["creatinine"]] = rng.choice(["88", "1.1"])  # umol/L or mg/dL
    else:
        rec[col["diabetes"]] = ""
    return rec


def write(path, header, records, delimiter=",", endings=("\n",), bom=False, decimal_comma=False):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    lines = out.getvalue()
    out = io.StringIO()
    text = ("\ufeff" if bom else "") + lines
    for rec in records:
        if rec is None:
            text += rng.choice(endings)              # a blank line
            continue
        if decimal_comma:
            rec = [c.replace(".", ",") if c.replace(".", "", 1).lstrip("-").isdigit() else c for c in rec]
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(rec)
        text += buf.getvalue() + rng.choice(endings)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


# messy.csv: BOM, mixed LF/CRLF endings, blank lines, quoted free text (commas, quotes, a line
# break), one defect in about a fifth of the rows.
notes = ["", "", "", "kiểm tra lại", "BP, repeated", 'said "no"', "line one\nline two"]
records = []
for rec in data[:1500]:
    rec = rec + [rng.choice(notes)]
    if rng.random() < 0.2:
        rec = dirty(rec)
    records.append(rec)
    if rng.random() < 0.01:
        records.append(None)
write("messy.csv", header + ["note"], records, endings=("\n", "\r\n"), bom=True)

# semicolon.csv: a European/Vietnamese office export: semicolons, decimal commas, CRLF, no id.
keep = [c for c in header if c != "id"]
write("semicolon.csv", keep, [[r[col[c]] for c in keep] for r in data[1500:2000]],
      delimiter=";", endings=("\r\n",), decimal_comma=True)

# cr_only.csv: classic Mac line endings, the last record without a line end.
write("cr_only.csv", header, data[2000:2100], endings=("\r",))
with open("cr_only.csv", "rb") as f:
    b = f.read()
with open("cr_only.csv", "wb") as f:
    f.write(b[:-1])
