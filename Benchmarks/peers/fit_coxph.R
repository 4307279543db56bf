# Peer timing: R survival::coxph (Efron) on the cohort written by `riskengine synth --cohort`.
#   Rscript fit_coxph.R COHORT.csv TERMS
# Prints one line: peer, seconds for the fit (reading excluded), coefficients.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
f <- as.formula(paste("Surv(time, event) ~", args[2]))
t <- system.time(fit <- coxph(f, data = d, ties = "efron"))[["elapsed"]]
cat(sprintf("R-coxph %.3f %s\n", t, paste(format(coef(fit), digits = 10), collapse = " ")))
