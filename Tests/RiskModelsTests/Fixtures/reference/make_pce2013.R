# make_pce2013.R -- reference values for the ACC/AHA Pooled Cohort Equations (Goff 2013/2014)
#
# Primary:   PooledCohort 0.0.2 (github bcjaeger/PooledCohort @ b6c7d86a), predict_10yr_ascvd_risk(equation_version = "Goff_2013")
#            -> constants of the ACC/AHA spreadsheet / ASCVD Risk Estimator (S0 0.96652, mean -29.1817, ...)
# Secondary: CVrisk 1.2.0 (github vcastro/CVrisk @ 601dda03), ascvd_10y_accaha(), with its final round(.,2) and
#            "< 1 -> 1" clamp removed (see unclamp() below) -> constants as printed in Goff 2013 Table A
#            (S0 0.9665, mean -29.18, 3-decimal African-American coefficients).
# Units: the packages take mg/dL; mg/dL = mmol/L * 38.67 (exactly 38.67).
# Race "other" is evaluated with the white equations.
#
# Run (see README.md for the set-up of $REFWORK):
#   Rscript make_pce2013.R $REFWORK
args <- commandArgs(trailingOnly = TRUE)
work <- if (length(args) >= 1) args[1] else Sys.getenv("REFWORK", "refwork")
.libPaths(c(file.path(work, "Rlib"), .libPaths()))
library(PooledCohort)
cvrisk_dir <- file.path(work, "src", "vcastro+CVrisk")

# --- CVrisk: load its coefficient data and function, drop the output rounding/clamp ----------
cv_env <- new.env()
load(file.path(cvrisk_dir, "data", "ascvd_pooled_coef.rda"), envir = cv_env)
sys.source(file.path(cvrisk_dir, "R", "ascvd_10y_accaha.R"), envir = cv_env)
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
cv_accaha <- patch_cvrisk(cv_env$ascvd_10y_accaha, "ascvd_pooled_coef", cv_env$ascvd_pooled_coef,
                          "ifelse(risk_score < 1, 1, risk_score)")

MGDL <- 38.67

# --- input grid ------------------------------------------------------------------------
set.seed(20240601)
combos <- expand.grid(sex = c("female", "male"), race = c("white", "black", "other"),
                      smoker = 0:1, diabetes = 0:1, bp_treated = 0:1, stringsAsFactors = FALSE)
n <- 336                                        # 7 full passes over the 48 combinations
idx <- rep(seq_len(nrow(combos)), length.out = n)
g <- combos[idx, ]
age <- runif(n, 40, 79)
age <- ifelse(runif(n) < 0.2, round(age, 1), round(age))
age[1:48] <- rep(c(40, 79), length.out = 48)    # endpoints in every combination
g$age <- age
g$sbp <- round(runif(n, 90, 200)); g$sbp[49:96] <- rep(c(90, 200), length.out = 48)
# PCE valid range: TC 130-320 mg/dL (3.37-8.27 mmol/L), HDL 20-100 mg/dL (<= 2.58 mmol/L)
g$total_chol <- round(runif(n, 3.37, 8.27), 2)
g$hdl <- round(runif(n, 0.60, 2.58), 2)
g$case <- sprintf("pce-r%03d", seq_len(n))

# published worked example: Goff 2013 Table A (55 y, TC 213 mg/dL, HDL 50 mg/dL, SBP 120 untreated,
# non-smoker, non-diabetic); written with 10 significant digits and computed from the written value.
w <- expand.grid(sex = c("female", "male"), race = c("white", "black"), stringsAsFactors = FALSE)
w <- data.frame(case = sprintf("pce-goff2013-tableA-%s-%s", w$race, w$sex), sex = w$sex, race = w$race,
                smoker = 0, diabetes = 0, bp_treated = 0, age = 55, sbp = 120,
                total_chol = as.numeric(sprintf("%.10g", 213 / MGDL)),
                hdl = as.numeric(sprintf("%.10g", 50 / MGDL)), stringsAsFactors = FALSE)
g <- rbind(w, g[, names(w)])

# --- compute -----------------------------------------------------------------------------
yn <- function(x) ifelse(x == 1, "yes", "no")
pc_race <- ifelse(g$race == "black", "black", "white")
p1 <- 100 * predict_10yr_ascvd_risk(
  age_years = g$age, race = pc_race, sex = g$sex, smoke_current = yn(g$smoker),
  chol_total_mgdl = g$total_chol * MGDL, chol_hdl_mgdl = g$hdl * MGDL, bp_sys_mmhg = g$sbp,
  bp_meds = yn(g$bp_treated), diabetes = yn(g$diabetes), equation_version = "Goff_2013")
p2 <- cv_accaha(race = ifelse(g$race == "black", "aa", "white"), gender = g$sex, age = g$age,
                totchol = g$total_chol * MGDL, hdl = g$hdl * MGDL, sbp = g$sbp,
                bp_med = g$bp_treated, smoker = g$smoker, diabetes = g$diabetes)
stopifnot(!anyNA(p1), !anyNA(p2))

f <- function(x) sprintf("%.12g", x)
out <- data.frame(case = g$case, age = as.character(g$age), sex = g$sex, race = g$race,
                  smoker = g$smoker, diabetes = g$diabetes, bp_treated = g$bp_treated,
                  sbp = as.character(g$sbp), total_chol = as.character(g$total_chol),
                  hdl = as.character(g$hdl),
                  expected_pce2013_ascvd_10y = f(p1),
                  expected_pce2013_ascvd_10y_tableA_constants = f(p2))
write.csv(out, "pce2013.csv", row.names = FALSE, quote = FALSE)
d <- abs(p1 - p2)
cat(sprintf("pce2013: %d rows; PooledCohort vs CVrisk(Table A constants): max abs diff %.6g pp, max rel diff %.4g\n",
            nrow(out), max(d), max(d / p1)))
print(out[1:4, c("case", "expected_pce2013_ascvd_10y", "expected_pce2013_ascvd_10y_tableA_constants")])
