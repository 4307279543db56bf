# Reference values for RiskValidation (see README.md in this folder).
# Run from this folder: Rscript make_reference.R
# Writes cohort.csv (inputs) and reference_*.csv (outputs), numbers with 17 significant digits.
suppressPackageStartupMessages({
  library(survival)
  library(prodlim)
  library(riskRegression)
  library(Hmisc)
})
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write17 <- function(df, file) {
  out <- as.data.frame(lapply(df, function(col) if (is.numeric(col)) fmt(col) else col))
  write.csv(out, file, row.names = FALSE, quote = FALSE)
}

set.seed(20261202)
n <- 400
horizon <- 5
age <- round(runif(n, 40, 75))
male <- rbinom(n, 1, 0.5)
lp <- 0.06 * (age - 55) + 0.5 * male + rnorm(n, 0, 0.5)
# Weibull event times, uniform drop-out, administrative censoring at 10 years
tev <- (-log(runif(n)) / (0.012 * exp(lp)))^(1 / 1.3)
tcen <- pmin(runif(n, 0, 14), 10)
time <- pmin(tev, tcen)
event <- as.integer(tev <= tcen)
# a coarse grid of half years: ties in time, events and censorings at the same time,
# and both at the horizon itself
time <- ceiling(time * 2) / 2
# predicted 5-year risk in percent with one decimal (ties in prediction), deliberately
# miscalibrated (scaled) so O/E and slope are not 1
p_true <- 1 - exp(-0.012 * horizon^1.3 * exp(lp))
pred_pct <- round(100 * pmin(0.95, 1 - (1 - p_true)^0.8), 1)
pred_pct <- pmax(pred_pct, 0.1)
cohort <- data.frame(id = seq_len(n), time = time, event = event, pred = pred_pct,
                     sex = ifelse(male == 1, "male", "female"))
write.csv(cohort, "cohort.csv", row.names = FALSE, quote = FALSE)
p <- cohort$pred / 100

# Harrell's C with counts; predictions are risks, so reverse = TRUE
h <- concordance(Surv(time, event) ~ p, data = cohort, reverse = TRUE)
# Uno's C truncated at the horizon
u <- concordance(Surv(time, event) ~ p, data = cohort, reverse = TRUE, timewt = "n/G2", ymax = horizon)

# Kaplan-Meier of the outcome (full table) and observed risk at the horizon
sf <- survfit(Surv(time, event) ~ 1, data = cohort)
km <- data.frame(time = sf$time, n_risk = sf$n.risk, n_event = sf$n.event, n_censor = sf$n.censor, surv = sf$surv)
write17(km, "reference_km.csv")
km_obs <- 1 - summary(sf, times = horizon)$surv

# Kaplan-Meier of censoring as prodlim computes it for riskRegression (reverse = TRUE)
pc <- prodlim(Hist(time, event) ~ 1, data = cohort, reverse = TRUE)
write17(data.frame(time = pc$time, surv = pc$surv), "reference_censoring_km.csv")

# calibration slope: Cox regression on log(-log(1 - p)), follow-up censored at the horizon
cohort$time_h <- pmin(cohort$time, horizon)
cohort$event_h <- as.integer(cohort$event == 1 & cohort$time <= horizon)
cohort$cll <- log(-log(1 - p))
tight <- coxph.control(eps = 1e-13, toler.chol = 1e-15, iter.max = 100)
cs <- coxph(Surv(time_h, event_h) ~ cll, data = cohort, ties = "efron", control = tight)

# Brier, IPA, AUC at the horizon (cens.model = "km": prodlim reverse Kaplan-Meier)
sc <- Score(list(model = matrix(p, ncol = 1)), formula = Hist(time, event) ~ 1, data = cohort,
            times = horizon, metrics = c("brier", "auc"), summary = "ipa", cens.model = "km",
            null.model = TRUE, se.fit = FALSE)
br <- as.data.frame(sc$Brier$score)
brier <- br$Brier[br$model == "model"]
brier_null <- br$Brier[br$model == "Null model"]
ipa <- br$IPA[br$model == "model"]
auc <- as.data.frame(sc$AUC$score)$AUC[1]

scalars <- data.frame(
  name = c("n", "events", "horizon", "harrell_c", "concordant", "discordant", "tied_x", "tied_y", "tied_xy",
           "uno_c", "km_observed_risk", "expected_risk", "oe_ratio", "calibration_slope", "brier", "brier_null",
           "ipa", "auc"),
  value = fmt(c(n, sum(cohort$event), horizon, h$concordance, h$count[["concordant"]], h$count[["discordant"]],
                h$count[["tied.x"]], h$count[["tied.y"]], h$count[["tied.xy"]], u$concordance, km_obs, mean(p),
                km_obs / mean(p), unname(coef(cs)), brier, brier_null, ipa, auc)))
write.csv(scalars, "reference_scalars.csv", row.names = FALSE, quote = FALSE)

# decile table: order by prediction then input order; decile = floor((rank - 1) * 10 / n) + 1
ord <- order(p, seq_len(n))
rank <- integer(n); rank[ord] <- seq_len(n)
dec <- floor((rank - 1) * 10 / n) + 1
deciles <- do.call(rbind, lapply(1:10, function(k) {
  s <- cohort[dec == k, ]
  f <- survfit(Surv(time, event) ~ 1, data = s)
  data.frame(decile = k, n = nrow(s), mean_predicted = mean(s$pred / 100),
             km_observed = 1 - summary(f, times = horizon, extend = TRUE)$surv)
}))
write17(deciles, "reference_deciles.csv")

# smoothed calibration curve (Austin, Harrell & van Klaveren 2020): Cox on a restricted cubic
# spline of log(-log(1 - p)) with 3 knots at the 10th, 50th and 90th percentiles (quantile type 7),
# predicted risk at the horizon for each distinct prediction
knots <- unname(quantile(cohort$cll, c(0.1, 0.5, 0.9), type = 7))
basis <- rcspline.eval(cohort$cll, knots = knots, inclx = TRUE)
cohort$s1 <- basis[, 1]; cohort$s2 <- basis[, 2]
cc <- coxph(Surv(time_h, event_h) ~ s1 + s2, data = cohort, ties = "efron", control = tight)
grid <- sort(unique(p))
gb <- rcspline.eval(log(-log(1 - grid)), knots = knots, inclx = TRUE)
fit_grid <- survfit(cc, newdata = data.frame(s1 = gb[, 1], s2 = gb[, 2]))
curve_risk <- 1 - as.numeric(summary(fit_grid, times = horizon)$surv)
write17(data.frame(predicted = grid, observed = curve_risk), "reference_calibration_curve.csv")
# integrated calibration index: mean |curve(p_i) - p_i| over subjects
ici <- mean(abs(curve_risk[match(p, grid)] - p))
write.csv(data.frame(name = "ici", value = fmt(ici)), "reference_ici.csv", row.names = FALSE, quote = FALSE)
write17(data.frame(knot = knots, coef_index = 1:3, coef = c(coef(cc), NA)), "reference_calibration_spline.csv")

# net benefit, survival form of dcurves::dca (dcurves is not installed here; this is the same
# formula computed with survfit): f = mean(p >= pt), S+ = KM at h among them,
# NB = f (1 - S+) - f S+ pt / (1 - pt); treat all: (1 - S) - S pt / (1 - pt)
s_all <- summary(sf, times = horizon)$surv
nb <- do.call(rbind, lapply(c(0.05, 0.075, 0.1, 0.15, 0.2), function(pt) {
  sel <- p >= pt
  f <- mean(sel)
  s_plus <- if (any(sel)) summary(survfit(Surv(time, event) ~ 1, data = cohort[sel, ]), times = horizon, extend = TRUE)$surv else 1
  data.frame(threshold = pt, model = if (any(sel)) f * (1 - s_plus) - f * s_plus * pt / (1 - pt) else 0,
             treat_all = (1 - s_all) - s_all * pt / (1 - pt))
}))
write17(nb, "reference_net_benefit.csv")

# A second cohort: times and predictions on finer grids (0.1 year, 1 %), heavier censoring,
# horizon 4 (events and censorings at 4 as well); scalar figures only.
set.seed(5)
nb2 <- 3000
p2 <- round(runif(nb2, 0.01, 0.6), 2)
t2 <- round(rexp(nb2, -log(1 - p2) / 6), 1)
c2 <- round(runif(nb2, 0, 9), 1)
cohort_b <- data.frame(time = pmin(t2, c2), event = as.integer(t2 <= c2), pred = 100 * p2)
write.csv(cohort_b, "cohort_b.csv", row.names = FALSE, quote = FALSE)
h2 <- 4
hb <- concordance(Surv(time, event) ~ p2, data = cohort_b, reverse = TRUE)
ub <- concordance(Surv(time, event) ~ p2, data = cohort_b, reverse = TRUE, timewt = "n/G2", ymax = h2)
sfb <- survfit(Surv(time, event) ~ 1, data = cohort_b)
kmb <- 1 - summary(sfb, times = h2)$surv
csb <- coxph(Surv(pmin(time, h2), event == 1 & time <= h2) ~ log(-log(1 - p2)), data = cohort_b, ties = "efron", control = tight)
scb <- Score(list(model = matrix(p2, ncol = 1)), formula = Hist(time, event) ~ 1, data = cohort_b,
             times = h2, metrics = c("brier", "auc"), summary = "ipa", cens.model = "km",
             null.model = TRUE, se.fit = FALSE)
brb <- as.data.frame(scb$Brier$score)
write.csv(data.frame(
  name = c("n", "events", "horizon", "harrell_c", "concordant", "discordant", "tied_x", "tied_y", "tied_xy",
           "uno_c", "km_observed_risk", "expected_risk", "oe_ratio", "calibration_slope", "brier", "brier_null",
           "ipa", "auc"),
  value = fmt(c(nb2, sum(cohort_b$event), h2, hb$concordance, hb$count[["concordant"]], hb$count[["discordant"]],
                hb$count[["tied.x"]], hb$count[["tied.y"]], hb$count[["tied.xy"]], ub$concordance, kmb, mean(p2),
                kmb / mean(p2), unname(coef(csb)), brb$Brier[brb$model == "model"], brb$Brier[brb$model == "Null model"],
                brb$IPA[brb$model == "model"], as.data.frame(scb$AUC$score)$AUC[1]))),
  "reference_scalars_b.csv", row.names = FALSE, quote = FALSE)

writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
