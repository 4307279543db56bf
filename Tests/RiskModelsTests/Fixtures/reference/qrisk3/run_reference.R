# Reference values for qrisk3 from the QRISK3 R package 0.6.0 (cran/QRISK3, commit f895997),
# sourced unmodified from R/QRISK3-2017ver9.R (copied by sources/extract.sh).
# Usage: Rscript run_reference.R reference_inputs.csv reference_qrisk3.csv
args <- commandArgs(trailingOnly = TRUE)
inp <- if (length(args) >= 1) args[1] else "reference_inputs.csv"
out <- if (length(args) >= 2) args[2] else "reference_qrisk3.csv"
source("sources/cran_QRISK3-2017ver9.R")

d <- read.csv(inp, stringsAsFactors = FALSE, colClasses = c(id = "character", source = "character"))
x <- data.frame(
  ID = d$id,
  gender = ifelse(d$sex == "female", 1, 0),          # package: 1 women, 0 men
  age = d$age,
  b_AF = d$atrial_fibrillation,
  b_atypicalantipsy = d$atypical_antipsychotic,
  b_corticosteroids = d$corticosteroids,
  b_impotence2 = d$erectile_dysfunction,
  b_migraine = d$migraine,
  b_ra = d$rheumatoid_arthritis,
  b_renal = d$ckd_stage_3_5,
  b_semi = d$severe_mental_illness,
  b_sle = d$sle,
  b_treatedhyp = d$bp_treated,
  b_type1 = as.numeric(d$diabetes_type == "type1"),
  b_type2 = as.numeric(d$diabetes_type == "type2"),
  weight = d$bmi,                                   # package computes bmi = weight/(height/100)^2:
  height = 100,                                     # height 100 cm makes bmi == weight exactly
  ethrisk = d$ethnicity,                            # same 1-9 codes as the C code
  fh_cvd = d$family_history_chd,
  rati = d$total_chol / d$hdl,
  sbp = d$sbp,
  sbps5 = d$sbp_sd,
  smoke_cat = d$smoking_category + 1,               # package codes smoking 1-5 (C codes 0-4)
  town = d$townsend,
  stringsAsFactors = FALSE)
r <- suppressMessages(QRISK3_2017(data = x, patid = "ID", gender = "gender", age = "age",
  atrial_fibrillation = "b_AF", atypical_antipsy = "b_atypicalantipsy",
  regular_steroid_tablets = "b_corticosteroids", erectile_disfunction = "b_impotence2",
  migraine = "b_migraine", rheumatoid_arthritis = "b_ra", chronic_kidney_disease = "b_renal",
  severe_mental_illness = "b_semi", systemic_lupus_erythematosis = "b_sle",
  blood_pressure_treatment = "b_treatedhyp", diabetes1 = "b_type1", diabetes2 = "b_type2",
  weight = "weight", height = "height", ethiniciy = "ethrisk", heart_attack_relative = "fh_cvd",
  cholesterol_HDL_ratio = "rati", systolic_blood_pressure = "sbp",
  std_systolic_blood_pressure = "sbps5", smoke = "smoke_cat", townsend = "town"))
stopifnot(nrow(r) == nrow(d), !anyNA(r$QRISK3_2017))
m <- match(d$id, r$ID)
stopifnot(!anyNA(m))
# QRISK3_2017 is the unrounded score (the package's rounding goes to a separate QRISK3_2017_1digit column)
d$expected_qrisk3_cvd_10y <- sprintf("%.12g", r$QRISK3_2017[m])
cols <- setdiff(names(d), "source")
d <- d[, c(cols, "source")]
write.csv(d, out, row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %d rows to %s (R %s)\n", nrow(d), out, getRversion()))
