# Cross-check of reference_who2019.csv computed along a separate path:
#  - linear predictors: the expression text of whocvdrisk_erfc_score_v03.ado evaluated by R itself
#  - baseline survivals: parsed from the same .ado
#  - recalibration: read from the authors' .dta with haven (exact float32 values), GBD-region rows, year 2017
# Usage: Rscript crosscheck_from_dta.R   (run in this folder)
suppressMessages(library(haven))
ado <- paste(readLines("src/whocvdrisk_erfc_score_v03.ado"), collapse = "\n")
ado <- gsub("///", " ", ado, fixed = TRUE)
stmts <- strsplit(ado, "replace ", fixed = TRUE)[[1]]
get_lp <- function(name, sex) {
  st <- stmts[startsWith(stmts, paste0(name, " = ")) & grepl(paste0("if sex==", sex), stmts, fixed = TRUE)]
  stopifnot(length(st) == 1)
  gsub("[\r\n\t]+", " ", sub(" if sex==.*$", "", sub(paste0("^", name, " = "), "", st)))
}
get_s0 <- function(r, mod, sex) {
  m <- regmatches(ado, regexpr(paste0("replace erfc_", r, "_", mod, " = 1-[0-9.]+\\^exp\\([a-z_0-9]+\\) if sex==", sex), ado))
  as.numeric(sub("\\^.*", "", sub(".*= 1-", "", m)))
}
cal <- read_dta("src/whocvdrisk_t10_calparms_gbd_sens0.dta")
cal <- as.data.frame(cal[cal$year == 2017 & grepl("GBDR_0", cal$ccode) & cal$gbdregid <= 21, ])
regnames <- c("north_africa_middle_east","central_sub_saharan_africa","eastern_sub_saharan_africa",
  "southern_sub_saharan_africa","western_sub_saharan_africa","southern_latin_america","high_income_north_america",
  "caribbean","andean_latin_america","central_latin_america","tropical_latin_america","east_asia","south_asia",
  "southeast_asia","central_asia","high_income_asia_pacific","western_europe","central_europe","eastern_europe",
  "oceania","australasia")
ref <- read.csv("reference_who2019.csv", stringsAsFactors = FALSE)
risk <- function(row, mod) {
  sex <- ifelse(row$sex == "male", 1, 2)
  env <- list(cenages = row$age - 60, centchol = row$total_chol - 6, censbp = row$sbp - 120,
              cenbmi = row$bmi - 25, hxdiabbin = row$diabetes, smallbin = row$smoker)
  cr <- cal[cal$gbdregid == match(row$who_region, regnames) & cal$sex == sex, ]
  stopifnot(nrow(cr) == 1)
  p <- c()
  for (k in list(c("chd", "chdr", "chdmi"), c("crbv", "strr", "crbv"))) {
    lp <- eval(parse(text = get_lp(paste0("lp_", mod, "_", k[1]), sex)), env)
    p0 <- 1 - get_s0(k[2], mod, sex)^exp(lp)
    a <- as.numeric(cr[[paste0("cal2_", mod, "_cons_ep_", k[3])]]); b <- as.numeric(cr[[paste0("cal2_", mod, "_slope_ep_", k[3])]])
    p <- c(p, 1 - exp(-exp(a + b * log(-log(1 - p0)))))
  }
  100 * (1 - (1 - p[1]) * (1 - p[2]))
}
d_lab <- d_non <- numeric(nrow(ref))
for (i in seq_len(nrow(ref))) {
  d_lab[i] <- risk(ref[i, ], "m1") - ref$who2019_lab_cvd_10y[i]
  d_non[i] <- risk(ref[i, ], "m2") - ref$who2019_nonlab_cvd_10y[i]
}
cat(sprintf("rows %d: max |R - CSV| lab = %.3g pp, nonlab = %.3g pp\n", nrow(ref), max(abs(d_lab)), max(abs(d_non))))
