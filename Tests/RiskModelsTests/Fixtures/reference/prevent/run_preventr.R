#!/usr/bin/env Rscript
# Reference values for the PREVENT model files from preventr 0.12.0 (patched: no output rounding,
# SBP upper limit 200; see README.md). Usage: Rscript run_preventr.R ref_inputs.csv reference_prevent.csv
.libPaths(c(Sys.getenv("PREVENT_RLIB", "prevent_rlib"), .libPaths()))
suppressPackageStartupMessages(library(preventr))
stopifnot(packageVersion("preventr") == "0.12.0")
args <- commandArgs(trailingOnly = TRUE)
infile <- if (length(args) >= 1) args[1] else "ref_inputs.csv"
outfile <- if (length(args) >= 2) args[2] else "reference_prevent.csv"
rawfile <- sub("\\.csv$", "_raw.csv", outfile)

inp <- read.csv(infile, colClasses = "character")
num <- function(x) if (is.na(x) || x == "") NULL else as.numeric(x)

# SDI enters preventr only through a ZIP code: pick, per decile, the first ZIP (sorted) that preventr maps to it
ns <- asNamespace("preventr")
sdi_dat <- get("sdi_decile_dat", envir = ns)
zip_for <- sapply(1:10, function(d) {
  z <- sort(sdi_dat$zip[!is.na(sdi_dat$sdi_decile) & sdi_dat$sdi_decile == d])
  for (zz in z) if (isTRUE(get("is_zip_with_sdi_data", envir = ns)(zz))) return(zz)
  NA_character_
})
stopifnot(!anyNA(zip_for))
for (d in 1:10) stopifnot(get("get_sdi", envir = ns)(zip_for[d]) == d)

models <- c("base", "uacr", "hba1c", "sdi", "full")
opt_of <- list(base = character(0), uacr = "uacr", hba1c = "hba1c", sdi = "sdi", full = c("uacr", "hba1c", "sdi"))
outs <- c(cvd = "total_cvd", ascvd = "ascvd", hf = "heart_failure")

res <- inp
raw <- inp
for (m in models) for (o in names(outs)) for (h in c(10, 30)) {
  res[[sprintf("expected_prevent2023_%s_%s_%dy", m, o, h)]] <- ""
  raw[[sprintf("expected_prevent2023_%s_%s_%dy", m, o, h)]] <- ""
}

for (i in seq_len(nrow(inp))) {
  r <- inp[i, ]
  for (m in models) {
    opt <- opt_of[[m]]
    sdi <- if ("sdi" %in% opt) num(r$sdi) else NULL
    est <- estimate_risk(
      age = as.numeric(r$age), sex = r$sex, sbp = as.numeric(r$sbp),
      bp_tx = as.numeric(r$bp_treated), total_c = as.numeric(r$total_chol), hdl_c = as.numeric(r$hdl),
      statin = as.numeric(r$statin), dm = as.numeric(r$diabetes), smoking = as.numeric(r$smoker),
      egfr = as.numeric(r$egfr), bmi = as.numeric(r$bmi),
      hba1c = if ("hba1c" %in% opt) num(r$hba1c) else NULL,
      uacr = if ("uacr" %in% opt) num(r$uacr) else NULL,
      zip = if (is.null(sdi)) NULL else zip_for[sdi],
      model = m, time = "both", chol_unit = "mmol/L", optional_strict = TRUE, quiet = TRUE)
    for (k in 1:2) {
      t <- as.data.frame(est[[k]])
      h <- if (k == 1) 10 else 30
      stopifnot(is.na(t$over_years[1]) || t$over_years[1] == h)
      if (!is.na(t$model[1]) && !(t$model[1] %in% c(m, "none"))) stop(sprintf("row %s model %s: preventr ran %s", r$id, m, t$model[1]))
      for (o in names(outs)) {
        v <- t[[outs[[o]]]][1]
        col <- sprintf("expected_prevent2023_%s_%s_%dy", m, o, h)
        s <- if (is.na(v)) "" else sprintf("%.12g", 100 * v)
        raw[[col]][i] <- s
        # 30-year equations apply to ages 30-59: leave the cell empty above 59 (preventr computes it with a warning)
        res[[col]][i] <- if (h == 30 && as.numeric(r$age) > 59) "" else s
      }
    }
  }
}
write.csv(res, outfile, row.names = FALSE, quote = FALSE, na = "")
write.csv(raw, rawfile, row.names = FALSE, quote = FALSE, na = "")
cat("wrote", outfile, "and", rawfile, ":", nrow(res), "rows;", "ZIPs used for SDI deciles 1-10:",
    paste(zip_for, collapse = " "), "\n")
