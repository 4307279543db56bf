"""Cross-check the QRISK3-2017 numbers across independent stored copies.

A: sisuhealthgroup/qrisk3 src/lib/original/qrisk3.c (ClinRisk C source, both sexes)
B: robhogan/clinrisk-js modules/qrisk3-2017/original/{female,male}.c (ClinRisk C source)
C: cran/QRISK3 0.6.0 inst/extdata/QRISK3_2017_src.txt (ClinRisk C source as shipped by the R package)
D: cran/QRISK3 0.6.0 R/QRISK3-2017ver9.R (the R port: 1-based arrays, smoke codes shifted by +1)
"""
import re, sys
from parse_c import parse_file, FLOAT

A = parse_file("sources/sisu_qrisk3.c")
B = parse_file(open("sources/robhogan_female.c").read() + "\n" + open("sources/robhogan_male.c").read(), is_text=True)
C = parse_file("sources/cran_QRISK3_2017_src.txt")
ok = True
for name, X in (("robhogan", B), ("cran C text", C)):
    same = X == A
    print(f"C source A vs {name}: {'identical' if same else 'DIFFERENT'}")
    ok &= same

# R port: parse its arithmetic and map back to C conventions
R = open("sources/cran_QRISK3-2017ver9.R").read()
blocks = {"female": R[R.index("fe_rst <-"):R.index("Ma_rst <-")], "male": R[R.index("Ma_rst <-"):]}
pre = {"female": R[:R.index("fe_rst <-")], "male": R[R.index("fe_rst <-"):R.index("Ma_rst <-")]}
for sex in ("female", "male"):
    rb, rp = blocks[sex], pre[sex]
    surv = [float(x) for x in re.findall(FLOAT, re.findall(r"survivor <- c\((.*?)\)", rp, re.S)[-1])]
    eth = [float(x) for x in re.findall(FLOAT, re.findall(r"Iethrisk <- c\((.*?)\)", rp, re.S)[-1])]
    smk = [float(x) for x in re.findall(FLOAT, re.findall(r"Ismoke <- c\((.*?)\)", rp, re.S)[-1])]
    terms = [(l.replace(" ", ""), float(c)) for l, c in re.findall(r"a =a\+ (.*?) \* (%s)\n" % FLOAT, rb)]
    # R smoke_cat==k+1  <->  C smoke_cat==k
    terms = [(re.sub(r"smoke_cat==(\d)", lambda m: "smoke_cat==%d" % (int(m.group(1)) - 1), l), c) for l, c in terms]
    cen = {n: float(c) for n, c in re.findall(r"\n\s*(\w+) = \1 - (%s)" % FLOAT, rb)}
    a = A[sex]
    checks = {
        "10-year baseline survival": surv[9] == a["survivor10"],
        "ethnicity (R drops C index 0)": eth == a["ethnicity"][1:],
        "smoking": smk == a["smoking"],
        "centres": cen == a["centres"],
        "terms": sorted(terms) == sorted(a["terms"]),
    }
    for k, v in checks.items():
        print(f"{sex}: R port vs C: {k}: {'same' if v else 'DIFFERENT'}")
        ok &= v
print("ALL SOURCES AGREE" if ok else "DISAGREEMENT FOUND")
sys.exit(0 if ok else 1)
