"""Parse the ClinRisk QRISK3-2017 C source (cvd_female_raw / cvd_male_raw) into a plain dict.

Every number is taken from the C text as written (float(literal) == what a C compiler reads),
so no coefficient is typed by hand."""
import re

FLOAT = r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"


def split_functions(text):
    out = {}
    for sex in ("female", "male"):
        m = re.search(r"static double cvd_%s_raw\((.*?)\n}\n" % sex, text, re.S)
        if not m:
            raise ValueError("cvd_%s_raw not found" % sex)
        out[sex] = m.group(0)
    return out


def parse_function(body):
    r = {}
    surv = re.search(r"double survivor\[16\] = \{(.*?)\};", body, re.S).group(1)
    vals = [float(x) for x in re.findall(FLOAT, surv)]
    r["survivor10"] = vals[10]
    r["survivor10_literal"] = re.findall(FLOAT, surv)[10]
    eth = re.search(r"double Iethrisk\[10\] = \{(.*?)\};", body, re.S).group(1)
    r["ethnicity"] = [float(x) for x in re.findall(FLOAT, eth)]
    smk = re.search(r"double Ismoke\[5\] = \{(.*?)\};", body, re.S).group(1)
    r["smoking"] = [float(x) for x in re.findall(FLOAT, smk)]
    # fractional polynomial transforms
    tr = {}
    for name, expr in re.findall(r"double (age_\d|bmi_\d) = (.*?);", body):
        tr[name] = expr.replace(" ", "")
    r["transforms"] = tr
    cen = {}
    for name, c in re.findall(r"\n\s*(\w+) = \1 - (%s);" % FLOAT, body):
        cen[name] = float(c)
    r["centres"] = cen
    terms = []
    for lhs, coef in re.findall(r"a \+= (.*?) \* (%s);" % FLOAT, body):
        terms.append((lhs.replace(" ", ""), float(coef)))
    r["terms"] = terms
    return r


def parse_file(path_or_text, is_text=False):
    text = path_or_text if is_text else open(path_or_text).read()
    text = text.replace("\r", "") + "\n"
    return {sex: parse_function(b) for sex, b in split_functions(text).items()}


if __name__ == "__main__":
    import json, sys
    print(json.dumps(parse_file(sys.argv[1]), indent=1)[:3000])
