# Runs the two @examples of R/globorisk.R (whose printed outputs are in the package's
# pkgdown page docs/reference/globorisk.html) on the rebuilt data objects.
# Needs cvdr rows for the example countries: built by make_reference_inputs.py? no -> from r_cvdr_examples.csv
args <- commandArgs(trailingOnly = TRUE)
coefs <- read.csv("r_coefs.csv", stringsAsFactors = FALSE)
rf <- read.csv("r_rf.csv", stringsAsFactors = FALSE)
cvdr <- read.csv("r_cvdr_examples.csv", stringsAsFactors = FALSE)
source(args[1])
print(globorisk(sex = c(1, 0, 0), age = c(52, 60, 65), sbp = c(140, 160, 170), tc = c(4.5, 5, 5),
  dm = c(1, 1, 1), smk = c(0, 1, 1), iso = c("AFG", "AFG", "USA"), year = c(2000, 2000, 2020),
  version = "lab", type = "risk"), digits = 7)
cat("published: 0.3559493 0.6000554 0.2284217\n")
print(globorisk(sex = c(1, 0, 0), age = c(52, 60, 65), sbp = c(140, 160, 170), tc = c(4.5, 5, 5),
  dm = c(1, 1, 1), smk = c(0, 1, 1), iso = c("ARG", "BLZ", "CHL"), year = c(2000, 2000, 2020),
  version = "lab", type = "risk", updated_lac = TRUE), digits = 7)
cat("published: 0.1043132 0.5390669 0.2190250\n")
