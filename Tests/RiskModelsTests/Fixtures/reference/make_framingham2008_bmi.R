# make_framingham2008_bmi.R -- reference values for D'Agostino 2008 general CVD risk, BMI ("office", non-laboratory) model
#
# Primary:  CVrisk 1.2.0 (github vcastro/CVrisk @ 601dda03), ascvd_10y_frs_simple(), coefficient table
#           data/frs_simple_coef.rda, with its final round(., 2) and its clamp to [1, 30] % removed
#           (output-only patch, see patch_cvrisk()).
# Check:    no second runnable package implements this model (cvd-risk 0.1.48 and cvd-risk-scores 1.0.2 only have
#           the lipid model); the script also evaluates a short independent transcription of D'Agostino 2008
#           (Circulation 2008;117:743-753, doi:10.1161/CIRCULATIONAHA.107.699579, Table 2 BMI model) and
#           prints the maximum difference. That transcription is a check only, not the fixture value.
#
# Run:  Rscript make_framingham2008_bmi.R $REFWORK
args <- commandArgs(trailingOnly = TRUE)
work <- if (length(args) >= 1) args[1] else Sys.getenv("REFWORK", "refwork")
cvrisk_dir <- file.path(work, "src", "vcastro+CVrisk")
cv_env <- new.env()
load(file.path(cvrisk_dir, "data", "frs_simple_coef.rda"), envir = cv_env)
sys.source(file.path(cvrisk_dir, "R", "ascvd_10y_frs_simple.R"), envir = cv_env)

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
frs_bmi <- patch_cvrisk(cv_env$ascvd_10y_frs_simple, "frs_simple_coef", cv_env$frs_simple_coef,
                        "ifelse(risk_score < 1, 1, ifelse(risk_score > 30, 30, risk_score))")

set.seed(20240603)
combos <- expand.grid(sex = c("female", "male"), smoker = 0:1, diabetes = 0:1, bp_treated = 0:1,
                      stringsAsFactors = FALSE)
n <- 320
g <- combos[rep(seq_len(nrow(combos)), length.out = n), ]
age <- runif(n, 30, 74)
age <- ifelse(runif(n) < 0.2, round(age, 1), round(age))
age[1:32] <- rep(c(30, 74), length.out = 32)
g$age <- age
g$sbp <- round(runif(n, 90, 200)); g$sbp[33:64] <- rep(c(90, 200), length.out = 32)
g$bmi <- round(runif(n, 16, 45), 1); g$bmi[65:96] <- rep(c(16, 45), length.out = 32)
g$case <- sprintf("fr-bmi-r%03d", seq_len(n))
# the two D'Agostino lipid-model example patients, with a BMI added (no published BMI-model value)
w <- data.frame(case = c("fr-bmi-woman61-bmi25", "fr-bmi-man53-bmi30"),
                sex = c("female", "male"), smoker = c(1, 0), diabetes = c(0, 1), bp_treated = c(0, 1),
                age = c(61, 53), sbp = c(124, 125), bmi = c(25, 30), stringsAsFactors = FALSE)
g <- rbind(w, g[, names(w)])

p <- frs_bmi(gender = g$sex, age = g$age, bmi = g$bmi, sbp = g$sbp, bp_med = g$bp_treated,
             smoker = g$smoker, diabetes = g$diabetes)
stopifnot(!anyNA(p))

# independent transcription (check only): D'Agostino 2008 Table 2, non-laboratory (BMI) model
chk <- function(sex, age, bmi, sbp, trt, smk, dm) {
  m <- sex == "male"
  lp <- ifelse(m, 3.11296 * log(age) + 0.79277 * log(bmi) + ifelse(trt == 1, 1.92672, 1.85508) * log(sbp) +
                   0.70953 * smk + 0.53160 * dm,
                   2.72107 * log(age) + 0.51125 * log(bmi) + ifelse(trt == 1, 2.88267, 2.81291) * log(sbp) +
                   0.61868 * smk + 0.77763 * dm)
  100 * (1 - ifelse(m, 0.88431, 0.94833)^exp(lp - ifelse(m, 23.9388, 26.0145)))
}
p2 <- chk(g$sex, g$age, g$bmi, g$sbp, g$bp_treated, g$smoker, g$diabetes)
out <- data.frame(case = g$case, age = as.character(g$age), sex = g$sex, smoker = g$smoker,
                  diabetes = g$diabetes, bp_treated = g$bp_treated, sbp = as.character(g$sbp),
                  bmi = as.character(g$bmi),
                  expected_framingham2008_bmi_cvd_10y = sprintf("%.12g", p))
write.csv(out, "framingham2008_bmi.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("framingham2008_bmi: %d rows; range %.4g-%.4g %%; CVrisk vs transcription max abs diff %.3g pp\n",
            nrow(out), min(p), max(p), max(abs(p - p2))))
