# make_framingham2008_lab.R -- reference values for D'Agostino 2008 general CVD risk, lipid model
#
# Primary:  CVrisk 1.2.0 (github vcastro/CVrisk @ 601dda03), ascvd_10y_frs(), coefficient table data/frs_coef.rda,
#           with its final round(., 2) and "< 1 -> 1" clamp removed (output-only patch, see patch_cvrisk()).
# Checked against cvd-risk 0.1.48 (PyPI) Framingham and cvd-risk-scores 1.0.2 (PyPI) by compare_python.py.
# Units: CVrisk takes mg/dL; mg/dL = mmol/L * 38.67 (exactly 38.67).
#
# Run:  Rscript make_framingham2008_lab.R $REFWORK
args <- commandArgs(trailingOnly = TRUE)
work <- if (length(args) >= 1) args[1] else Sys.getenv("REFWORK", "refwork")
cvrisk_dir <- file.path(work, "src", "vcastro+CVrisk")
cv_env <- new.env()
load(file.path(cvrisk_dir, "data", "frs_coef.rda"), envir = cv_env)
sys.source(file.path(cvrisk_dir, "R", "ascvd_10y_frs.R"), envir = cv_env)

# CVrisk is not installable here (its dependency preventr needs ggplot2), so its function file is sourced.
# Patch (output only): the final clamp statement is replaced by `risk_score`, round() is made the identity,
# and the utils::data() call is replaced by the coefficient table loaded from the package's data/*.rda.
patch_cvrisk <- function(f, dataname, data, last_stmt) {
  b <- as.list(body(f)); n <- length(b)
  stopifnot(identical(paste(deparse(b[[n]]), collapse = ""), last_stmt))
  b[[n]] <- quote(risk_score)
  b <- lapply(b, function(s) {
    if (is.call(s) && identical(s[[1]], quote(utils::data))) return(quote(NULL))
    if (is.call(s) && identical(s[[1]], as.name("<-")) && identical(s[[2]], as.name(dataname))) return(call("<-", as.name(dataname), data))
    s
  })
  body(f) <- as.call(b)
  e <- new.env(parent = environment(f))
  e$round <- function(x, digits = 0) x
  environment(f) <- e
  f
}
frs <- patch_cvrisk(cv_env$ascvd_10y_frs, "frs_coef", cv_env$frs_coef, "ifelse(risk_score < 1, 1, risk_score)")
MGDL <- 38.67

set.seed(20240602)
combos <- expand.grid(sex = c("female", "male"), smoker = 0:1, diabetes = 0:1, bp_treated = 0:1,
                      stringsAsFactors = FALSE)
n <- 320
g <- combos[rep(seq_len(nrow(combos)), length.out = n), ]
age <- runif(n, 30, 74)
age <- ifelse(runif(n) < 0.2, round(age, 1), round(age))
age[1:32] <- rep(c(30, 74), length.out = 32)
g$age <- age
g$sbp <- round(runif(n, 90, 200)); g$sbp[33:64] <- rep(c(90, 200), length.out = 32)
g$total_chol <- round(runif(n, 3, 10), 2)
g$hdl <- round(runif(n, 0.6, 2.6), 2)
g$case <- sprintf("fr-lab-r%03d", seq_len(n))

# D'Agostino 2008 worked examples (published 10.48 % and 15.62 %), mg/dL converted and written to 10 digits
w <- data.frame(case = c("fr-lab-dagostino2008-woman61", "fr-lab-dagostino2008-man53"),
                sex = c("female", "male"), smoker = c(1, 0), diabetes = c(0, 1), bp_treated = c(0, 1),
                age = c(61, 53), sbp = c(124, 125),
                total_chol = as.numeric(sprintf("%.10g", c(180, 161) / MGDL)),
                hdl = as.numeric(sprintf("%.10g", c(47, 55) / MGDL)), stringsAsFactors = FALSE)
g <- rbind(w, g[, names(w)])

p <- frs(gender = g$sex, age = g$age, hdl = g$hdl * MGDL, totchol = g$total_chol * MGDL, sbp = g$sbp,
         bp_med = g$bp_treated, smoker = g$smoker, diabetes = g$diabetes)
stopifnot(!anyNA(p))
out <- data.frame(case = g$case, age = as.character(g$age), sex = g$sex, smoker = g$smoker,
                  diabetes = g$diabetes, bp_treated = g$bp_treated, sbp = as.character(g$sbp),
                  total_chol = as.character(g$total_chol), hdl = as.character(g$hdl),
                  expected_framingham2008_lab_cvd_10y = sprintf("%.12g", p))
write.csv(out, "framingham2008_lab.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("framingham2008_lab: %d rows; worked examples: %s (published 10.48, 15.62)\n", nrow(out),
            paste(sprintf("%.6f", p[1:2]), collapse = ", ")))
