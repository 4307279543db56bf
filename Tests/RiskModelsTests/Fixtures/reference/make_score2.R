# make_score2.R -- reference values for ESC SCORE2 (2021), ages 40-69, four risk regions
#
# Primary:  RiskScorescvd 0.3.1 (github dvicencio/RiskScorescvd @ ec91c3be), SCORE2() from R/11_SCORE2_func.R,
#           sourced (the package's other files need dplyr/PooledCohort, not needed here).
#           Published SCORE2 coefficients and the published 4-decimal region scales (Hageman 2021, Suppl. Table).
#           Patch (output only): round() is made the identity (the package rounds to 1 decimal).
#           The package INCLUDES the diabetes term of the SCORE2 derivation model (men 0.6457, age x diabetes
#           -0.0983; women 0.8096, -0.1272), like the authors' Stata program score2risk (multdiab = 1 default).
# Columns:  expected_score2_cvd_10y                 package, diabetes term applied when diabetes = 1
#           expected_score2_cvd_uncalibrated_10y     package with scale1 = 0, scale2 = 1 forced (identity
#                                                    recalibration) = 1 - S0^exp(LP), incl. diabetes term
#           expected_score2_cvd_10y_diabetes_ignored package called with diabetes = 0 (what HeartScore /
#                                                    the published SCORE2 chart gives; equal to the first column when diabetes = 0)
# Checked against cvd-risk 0.1.48 (PyPI) SCORE2 (no diabetes term) by compare_python.py.
#
# (SCORE2() returns percent.)
# Run:  Rscript make_score2.R $REFWORK
args <- commandArgs(trailingOnly = TRUE)
work <- if (length(args) >= 1) args[1] else Sys.getenv("REFWORK", "refwork")
rs_env <- new.env()
sys.source(file.path(work, "src", "dvicencio+RiskScorescvd", "R", "11_SCORE2_func.R"), envir = rs_env)

# scale_override: NULL (package as shipped) or function(region, sex, age) -> c(scale1, scale2), evaluated
# right after the package's own region/sex scale selection (the first statement of the function body).
patch_score2 <- function(f, scale_override = NULL) {
  b <- as.list(body(f))
  stopifnot(is.call(b[[2]]), identical(b[[2]][[1]], as.name("if")),
            grepl("Risk.region", paste(deparse(b[[2]][[2]]), collapse = "")))
  if (!is.null(scale_override)) {
    ins <- quote({ .s <- .scale_override(Risk.region, Gender, Age); if (!is.null(.s)) { scale1 <- .s[1]; scale2 <- .s[2] } })
    b <- c(b[1:2], list(ins), b[-(1:2)])
  }
  body(f) <- as.call(b)
  e <- new.env(parent = environment(f))
  e$round <- function(x, digits = 0) x
  e$.scale_override <- scale_override
  environment(f) <- e
  f
}
score2_pkg   <- patch_score2(rs_env$SCORE2)
score2_uncal <- patch_score2(rs_env$SCORE2, function(r, s, a) c(0, 1))
REG <- c(low = "Low", moderate = "Moderate", high = "High", very_high = "Very high")
run <- function(f, g, diabetes = g$diabetes) mapply(function(r, a, s, sm, sbp, dm, tc, hdl)
  f(Risk.region = REG[[r]], Age = a, Gender = s, smoker = sm, systolic.bp = sbp, diabetes = dm,
    total.chol = tc, total.hdl = hdl, classify = FALSE),
  g$score2_region, g$age, g$sex, g$smoker, g$sbp, diabetes, g$total_chol, g$hdl)

set.seed(20240604)
combos <- expand.grid(sex = c("female", "male"), smoker = 0:1, diabetes = 0:1,
                      score2_region = names(REG), stringsAsFactors = FALSE)
n <- 320
g <- combos[rep(seq_len(nrow(combos)), length.out = n), ]
age <- runif(n, 40, 69)
age <- ifelse(runif(n) < 0.2, round(age, 1), round(age))
age[1:64] <- rep(c(40, 69), length.out = 64)
g$age <- age
g$sbp <- round(runif(n, 90, 200)); g$sbp[65:96] <- rep(c(90, 200), length.out = 32)
g$total_chol <- round(runif(n, 3, 10), 2)
g$hdl <- round(runif(n, 0.6, 2.6), 2)
g$case <- sprintf("s2-r%03d", seq_len(n))
# SCORE2 Suppl. Methods Table 4 worked example (50 y smoker, SBP 140, TC 6.3, HDL 1.4), every region and sex
w <- expand.grid(sex = c("male", "female"), score2_region = names(REG), stringsAsFactors = FALSE)
w <- data.frame(case = sprintf("s2-hageman2021-table4-%s-%s", w$score2_region, w$sex), sex = w$sex,
                smoker = 1, diabetes = 0, score2_region = w$score2_region, age = 50, sbp = 140,
                total_chol = 6.3, hdl = 1.4, stringsAsFactors = FALSE)
g <- rbind(w, g[, names(w)])

p     <- run(score2_pkg, g)
pu    <- run(score2_uncal, g)
pnodm <- run(score2_pkg, g, diabetes = rep(0, nrow(g)))
stopifnot(!anyNA(p), !anyNA(pu), !anyNA(pnodm))
f <- function(x) sprintf("%.12g", x)
out <- data.frame(case = g$case, age = as.character(g$age), sex = g$sex, smoker = g$smoker,
                  diabetes = g$diabetes, sbp = as.character(g$sbp), total_chol = as.character(g$total_chol),
                  hdl = as.character(g$hdl), score2_region = g$score2_region,
                  expected_score2_cvd_10y = f(p), expected_score2_cvd_uncalibrated_10y = f(pu),
                  expected_score2_cvd_10y_diabetes_ignored = f(pnodm))
write.csv(out, "score2.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("score2: %d rows, range %.4g-%.4g %%\n", nrow(out), min(p), max(p)))
print(out[1:8, c(1, 10:12)])
