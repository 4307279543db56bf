# Step 2 of the Globorisk reference: run the package's own globorisk() (R/globorisk.R of
# boyercb/globorisk v1.0.2, commit af8322eb15b24921dd534f30615a5dd4d327f6b5, unmodified)
# with Debian R, on the data objects it expects (coefs, cvdr, rf) rebuilt from CSV extracts.
args <- commandArgs(trailingOnly = TRUE)
src <- args[1]
coefs <- read.csv("r_coefs.csv", stringsAsFactors = FALSE)
rf <- read.csv("r_rf.csv", stringsAsFactors = FALSE)
cvdr <- read.csv("r_cvdr.csv", stringsAsFactors = FALSE)
source(src)  # defines globorisk(); it looks up coefs, cvdr, rf in the global environment
inp <- read.csv("ref_inputs.csv", stringsAsFactors = FALSE)
sexn <- ifelse(inp$sex == "female", 1, 0)
out <- inp
for (v in c("lab", "office", "fatal")) {
  r <- globorisk(sex = sexn, age = inp$age, sbp = inp$sbp, tc = inp$total_chol,
                 dm = inp$diabetes, smk = inp$smoker, bmi = inp$bmi,
                 iso = inp$country, year = inp$baseline_year, version = v, type = "risk")
  out[[paste0("expected_globorisk_", v, "_cvd_10y")]] <- sprintf("%.12g", 100 * r)
}
write.csv(out, "../reference_globorisk.csv", row.names = FALSE, quote = FALSE)
cat("R", R.version.string, "rows", nrow(out), "NA:", sum(out == "NA"), "\n")
