# Reference numbers for the RiskAlerts detectors, computed with R package `surveillance`.
# Run from this folder:  Rscript make_reference.R
# Writes series.csv (inputs), ears.csv, cusum.csv, cusum_params.csv, farrington.csv, session.txt.
suppressPackageStartupMessages(library(surveillance))

set.seed(20261202)
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

seasonal <- function(n, freq, base, amp, trend = 0) {
  t <- seq_len(n)
  base * exp(amp * sin(2 * pi * t / freq) + trend * t / freq)
}
series <- list()
add <- function(name, freq, y) series[[name]] <<- list(freq = freq, y = as.numeric(y))

# weekly, small counts, rise of +8 in weeks 185-188
y <- rpois(200, seasonal(200, 52, 3, 0.4)); y[185:188] <- y[185:188] + 8
add("w_small", 52, y)
# weekly, larger counts, 1.6-fold rise in weeks 200-203
y <- rpois(220, seasonal(220, 52, 40, 0.3)); y[200:203] <- round(y[200:203] * 1.6)
add("w_large", 52, y)
# weekly, overdispersed (negative binomial, size 5) with upward trend
y <- rnbinom(170, mu = seasonal(170, 52, 10, 0.2, trend = 0.15), size = 5); y[165:166] <- y[165:166] + 25
add("w_overdispersed", 52, y)
# weekly, many zeros
y <- rpois(180, seasonal(180, 52, 0.7, 0.5)); y[170:172] <- y[170:172] + 4
add("w_zeros", 52, y)
# monthly, medium counts, rise in months 50-52
y <- rpois(60, seasonal(60, 12, 8, 0.3)); y[50:52] <- y[50:52] + 12
add("m_medium", 12, y)
# monthly, small counts with zeros, rise in month 44
y <- rpois(48, seasonal(48, 12, 1.2, 0.5)); y[44] <- y[44] + 7
add("m_small", 12, y)
# monthly, large counts with trend, rise in month 66
y <- rpois(72, seasonal(72, 12, 120, 0.2, trend = 0.1)); y[66] <- round(y[66] * 1.4)
add("m_large", 12, y)
# short weekly series: EARS and CUSUM only (too short for Farrington)
y <- rpois(30, 5); y[26:27] <- y[26:27] + 9
add("w_short", 52, y)

inputs <- do.call(rbind, lapply(names(series), function(s) data.frame(
  series = s, freq = series[[s]]$freq, index = seq_along(series[[s]]$y), observed = series[[s]]$y)))
write.csv(inputs, "series.csv", row.names = FALSE, quote = FALSE)

alpha <- 0.001
ears <- list()
cusum <- list(); cusumParams <- list()
farr <- list()
for (s in names(series)) {
  y <- series[[s]]$y; freq <- series[[s]]$freq; n <- length(y)
  obj <- sts(observed = matrix(y, ncol = 1), frequency = freq)
  # EARS C1, C2, C3: baseline 7, one alpha for all three methods.
  for (m in c("C1", "C2", "C3")) {
    r <- earsC(obj, control = list(method = m, baseline = 7, alpha = alpha))
    first <- switch(m, C1 = 7 + 1, C2 = 7 + 3, C3 = 7 + 5)
    idx <- first:n  # earsC's default range for the method
    ears[[length(ears) + 1]] <- data.frame(series = s, method = m, index = idx,
      observed = fmt(observed(r)[, 1]), upperbound = fmt(upperbound(r)[, 1]),
      alarm = as.integer(alarms(r)[, 1]))
  }
  # Rogerson CUSUM: theta0 = mean of the first 12 periods, evaluated on 13..n,
  # s = 1, ARL0 = 100, reset to 0 after an alarm (limit = 0), k and h with one decimal.
  theta0 <- mean(y[1:12])
  range <- 13:n
  hv <- hValues(theta0 = theta0, ARL0 = 100, s = 1, distr = "poisson")
  r <- algo.rogerson(sts2disProg(obj), control = list(range = range,
    theta0t = rep(theta0, length(range)), ARL0 = 100, s = 1, hValues = hv$hValues,
    distribution = "poisson", limit = 0, digits = 1))
  cusum[[s]] <- data.frame(series = s, index = range, observed = fmt(y[range]),
    upperbound = fmt(r$upperbound[, 1]), alarm = as.integer(r$alarm[, 1]))
  cusumParams[[s]] <- data.frame(series = s, theta0 = fmt(theta0),
    k = fmt(hv$hValues[1, "k"]), h = fmt(hv$hValues[1, "h"]), arl = fmt(hv$hValues[1, "ARL"]))
  # farringtonFlexible with the Noufaily et al. (2013) settings.
  if (n >= freq * 3 + 2 + 1) {
    r <- farringtonFlexible(obj, control = list(b = 3, w = 2, reweight = TRUE,
      weightsThreshold = 2.58, alpha = 0.05, trend = TRUE, pThresholdTrend = 0.05,
      limit54 = c(5, 4), powertrans = "2/3", noPeriods = 10, pastWeeksNotIncluded = 6,
      thresholdMethod = "nbPlugin", glmWarnings = FALSE))
    farr[[s]] <- data.frame(series = s, index = (freq * 3 + 2 + 1):n, observed = fmt(observed(r)[, 1]),
      expected = fmt(r@control$expected[, 1]), upperbound = fmt(upperbound(r)[, 1]),
      alarm = as.integer(alarms(r)[, 1]), phi = fmt(r@control$phiVector[, 1]),
      trend = r@control$trend[, 1])
  }
}
write.csv(do.call(rbind, ears), "ears.csv", row.names = FALSE, quote = FALSE, na = "")
write.csv(do.call(rbind, cusum), "cusum.csv", row.names = FALSE, quote = FALSE, na = "")
write.csv(do.call(rbind, cusumParams), "cusum_params.csv", row.names = FALSE, quote = FALSE, na = "")
write.csv(do.call(rbind, farr), "farrington.csv", row.names = FALSE, quote = FALSE, na = "")
si <- sessionInfo()
writeLines(c(R.version.string,
  paste("surveillance", as.character(packageVersion("surveillance"))),
  paste("platform", si$platform),
  paste("BLAS", basename(si$BLAS)), paste("LAPACK", basename(si$LAPACK))), "session.txt")
