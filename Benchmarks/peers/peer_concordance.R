# Harrell's C with survival::concordance on the comparison cohort; reading is not timed.
# Usage: Rscript peer_concordance.R COHORT.csv
suppressPackageStartupMessages(library(survival))
d <- read.csv(commandArgs(TRUE)[1])
s <- system.time(fit <- concordance(Surv(time, event) ~ risk, data = d, reverse = TRUE))[["elapsed"]]
cat(sprintf('{"tool": "R survival %s concordance", "rows": %d, "seconds": %.6f, "c": %.17g}\n',
            packageVersion("survival"), nrow(d), s, fit$concordance))
