# Apparent and bootstrap figures of a Cox refit on fixed resample index vectors, for
# RiskValidation's Optimism (Harrell's bootstrap optimism correction).
# Usage (in this folder): Rscript optimism_reference.R
# Writes cohort.csv, indices.csv (seeded inputs), reference_replicates.csv, reference_summary.csv.
suppressPackageStartupMessages({ library(survival); library(riskRegression); library(prodlim) })
set.seed(20261203)
n <- 150
h <- 5
x1 <- rnorm(n); x2 <- rbinom(n, 1, 0.4); x3 <- rnorm(n); x4 <- rnorm(n)
lp <- 0.7 * x1 + 0.5 * x2
event_time <- (rexp(n) / (0.05 * exp(lp)))^(1 / 1.3)
censor_time <- runif(n, 0, 12)
time <- round(pmax(pmin(event_time, censor_time), 0.001), 3)
event <- as.integer(event_time <= censor_time)
write.csv(data.frame(time = sprintf("%.3f", time), event = event, x1 = sprintf("%.17g", x1), x2 = x2,
                     x3 = sprintf("%.17g", x3), x4 = sprintf("%.17g", x4)),
          "cohort.csv", row.names = FALSE, quote = FALSE)
B <- 20
idx <- t(replicate(B, sample.int(n, n, replace = TRUE)))
write.csv(data.frame(replicate = rep(seq_len(B), each = n), index = as.vector(t(idx))),
          "indices.csv", row.names = FALSE, quote = FALSE)

d <- read.csv("cohort.csv")
form <- Surv(time, event) ~ x1 + x2 + x3 + x4

# Risk at h of rows `newd` from a fit: 1 - exp(-H0(h) exp(x beta)), H0 at all-zero covariates with
# Efron's tie correction (ctype = 2).
risk_at <- function(fit, newd) {
  zero <- data.frame(x1 = 0, x2 = 0, x3 = 0, x4 = 0)
  sf <- survfit(fit, newdata = zero, ctype = 2)
  H0 <- if (any(sf$time <= h)) sf$cumhaz[max(which(sf$time <= h))] else 0
  eta <- as.vector(as.matrix(newd[, c("x1", "x2", "x3", "x4")]) %*% coef(fit))
  -expm1(-H0 * exp(eta))
}

figures <- function(dd, p) {
  km <- survfit(Surv(time, event) ~ 1, data = dd)
  observed <- 1 - summary(km, times = h, extend = TRUE)$surv
  harrell <- concordance(Surv(dd$time, dd$event) ~ p, reverse = TRUE)$concordance
  uno <- concordance(Surv(dd$time, dd$event) ~ p, reverse = TRUE, timewt = "n/G2", ymax = h)$concordance
  tt <- pmin(dd$time, h); ee <- dd$event == 1 & dd$time <= h; cc <- log(-log(1 - p))
  slope <- unname(coef(coxph(Surv(tt, ee) ~ cc, ties = "efron",
                             control = coxph.control(eps = 1e-13, toler.chol = 1e-15, iter.max = 100))))
  dat <- data.frame(time = dd$time, event = dd$event)
  sc <- Score(list(model = matrix(p, ncol = 1)), Hist(time, event) ~ 1, data = dat, times = h,
              metrics = c("brier", "auc"), summary = "ipa", cens.model = "km", null.model = TRUE, se.fit = FALSE)
  br <- sc$Brier$score
  c(harrell_c = unname(harrell), uno_c = unname(uno), oe_ratio = observed / mean(p), calibration_slope = slope,
    brier = br$Brier[br$model == "model"], ipa = br$IPA[br$model == "model"],
    auc = sc$AUC$score$AUC[sc$AUC$score$model == "model"])
}

apparent_fit <- coxph(form, data = d, ties = "efron")
apparent <- figures(d, risk_at(apparent_fit, d))
rows <- list()
for (b in seq_len(B)) {
  db <- d[idx[b, ], ]
  fb <- coxph(form, data = db, ties = "efron")
  boot <- figures(db, risk_at(fb, db))
  test <- figures(d, risk_at(fb, d))
  rows[[b]] <- data.frame(replicate = b, figure = names(boot), bootstrap = sprintf("%.17g", boot), test = sprintf("%.17g", test))
}
reps <- do.call(rbind, rows)
write.csv(reps, "reference_replicates.csv", row.names = FALSE, quote = FALSE)
optimism <- sapply(names(apparent), function(k) mean(as.numeric(reps$bootstrap[reps$figure == k]) - as.numeric(reps$test[reps$figure == k])))
write.csv(data.frame(figure = names(apparent), apparent = sprintf("%.17g", apparent), optimism = sprintf("%.17g", optimism),
                     corrected = sprintf("%.17g", apparent - optimism)),
          "reference_summary.csv", row.names = FALSE, quote = FALSE)
print(read.csv("reference_summary.csv"))
sink("sessionInfo.txt"); print(sessionInfo()); sink()
