# Logit-scale recalibration figures for RiskRecalibration's LogitUpdate and RecalibrationRun.solveLarge.
# Usage (in this folder): Rscript logit_update.R
# Writes cohort.csv (seeded input: time, event, p) and reference.csv (name, value), then prints sessionInfo().
suppressPackageStartupMessages(library(survival))
set.seed(20260102)
n <- 400
h <- 10
p <- plogis(rnorm(n, -2, 0.9))
true_risk <- plogis(0.3 + 0.8 * qlogis(p))
event_time <- h * rexp(n) / -log1p(-true_risk)
censor_time <- runif(n, 2, 14)
time <- pmin(event_time, censor_time)
event <- as.integer(event_time <= censor_time)
write.csv(data.frame(time = sprintf("%.6f", time), event = event, p = sprintf("%.17g", p)),
          "cohort.csv", row.names = FALSE, quote = FALSE)

# Read back what the test reads.
d <- read.csv("cohort.csv")
stopifnot(!any(duplicated(d$time)))  # no tied times: the tie conventions of G do not matter
lp <- qlogis(d$p)

# Kaplan-Meier observed risk at h.
km <- survfit(Surv(time, event) ~ 1, data = d)
observed <- 1 - summary(km, times = h)$surv

# IPCW weights: case (event, T <= h) 1/G(T-), control (T > h) 1/G(h), censored at or before h 0.
cens <- survfit(Surv(time, 1 - event) ~ 1, data = d)
G <- stepfun(cens$time, c(1, cens$surv))
G_before <- function(t) G(t - 1e-9)  # no ties and times have 6 decimals: G(t-) = G(t - 1e-9)
y <- as.integer(d$event == 1 & d$time <= h)
w <- ifelse(y == 1, 1 / G_before(d$time), ifelse(d$time > h, 1 / G(h), 0))

ctrl <- glm.control(epsilon = 1e-15, maxit = 100)
fit_slope <- suppressWarnings(glm(y ~ lp, family = binomial, weights = w, control = ctrl))
fit_int <- suppressWarnings(glm(y ~ 1, offset = lp, family = binomial, weights = w, control = ctrl))
alpha <- unname(coef(fit_slope)[1])
beta <- unname(coef(fit_slope)[2])
intercept <- unname(coef(fit_int)[1])

solve_a <- function(b) uniroot(function(a) mean(plogis(a + b * lp)) - observed,
                               c(-10, 10), tol = 1e-15, maxiter = 1000)$root
a_large <- solve_a(1)
a_slope <- solve_a(beta)

ref <- data.frame(
  name = c("n", "km_observed_risk", "cases", "controls", "weight_sum",
           "slope_alpha", "slope_beta", "intercept_offset", "large_a", "slope_a"),
  value = sprintf("%.17g", c(n, observed, sum(y), sum(d$time > h), sum(w),
                             alpha, beta, intercept, a_large, a_slope)))
write.csv(ref, "reference.csv", row.names = FALSE, quote = FALSE)
print(ref)
sessionInfo()
