# Reference numbers for RiskFittingTests from R survival::coxph and glm(binomial).
# Run from this folder:  Rscript make_reference.R
# Writes cohort.csv (the seeded input) and reference.csv (fit, quantity, row, column, value),
# values with 17 significant digits. Row/column are 1-based indices into the terms (0 if unused).
suppressPackageStartupMessages(library(survival))

set.seed(20261202)
n <- 600
age <- round(runif(n, 35, 75), 1)
male <- rbinom(n, 1, 0.5)
chol <- round(exp(rnorm(n, log(5.2), 0.2)), 2)
site <- sample(1:3, n, replace = TRUE)
w <- round(runif(n, 0.5, 2), 3)
lp <- 0.05 * (age - 55) + 0.4 * male + 0.8 * log(chol / 5.2) + 0.01 * (age - 55) * male
rate <- 0.04 * c(0.7, 1, 1.4)[site] * exp(lp)
event_time <- rexp(n, rate)
censor_time <- pmin(runif(n, 2, 15), 12)
# Half-year rounding makes many tied times, including events tied with censorings.
time <- ceiling(pmin(event_time, censor_time) * 2) / 2
event <- as.integer(event_time <= censor_time)
cohort <- data.frame(id = seq_len(n), time, event, age, male, chol, site, w)
# Rows stay in random (unsorted) time order.
write.csv(cohort, "cohort.csv", row.names = FALSE, quote = FALSE)

horizons <- c(2, 5, 8)
zero <- data.frame(age = 0, male = 0, chol = 1)  # log(chol) = 0
f <- Surv(time, event) ~ age + male + log(chol) + age:male

out <- list()
put <- function(fit, quantity, value, row = 0, column = 0) {
  out[[length(out) + 1]] <<- data.frame(fit = fit, quantity = quantity, row = row,
                                         column = column, value = value)
}
put_vector <- function(fit, quantity, v) for (i in seq_along(v)) put(fit, quantity, v[i], i, 0)
put_matrix <- function(fit, quantity, m) {
  for (i in seq_len(nrow(m))) for (j in seq_len(ncol(m))) put(fit, quantity, m[i, j], i, j)
}
cumhaz_at <- function(fit, ctype) {
  sf <- survfit(fit, newdata = zero, ctype = ctype, se.fit = FALSE)
  s <- summary(sf, times = horizons, extend = TRUE)
  s$cumhaz  # strata in order, horizons within strata
}

cox_case <- function(name, fit) {
  put_vector(name, "coef", coef(fit))
  naive <- if (is.null(fit$naive.var)) fit$var else fit$naive.var
  put_matrix(name, "vcov", naive)
  put_vector(name, "se", sqrt(diag(naive)))
  if (!is.null(fit$naive.var)) {
    put_matrix(name, "vcov_robust", fit$var)
    put_vector(name, "se_robust", sqrt(diag(fit$var)))
  }
  put(name, "loglik_initial", fit$loglik[1])
  put(name, "loglik_final", fit$loglik[2])
  put(name, "iterations", fit$iter)
  put(name, "lr_test", 2 * diff(fit$loglik))
  put(name, "wald_test", as.numeric(t(coef(fit)) %*% solve(naive, coef(fit))))
  put(name, "score_test", fit$score)
  # Breslow increments (ctype = 1) and Efron's tie-corrected increments (ctype = 2) at x = 0.
  put_vector(name, "cumhaz_breslow", cumhaz_at(fit, 1))
  put_vector(name, "cumhaz_efron", cumhaz_at(fit, 2))
}

cox_case("efron", coxph(f, data = cohort, ties = "efron"))
cox_case("breslow", coxph(f, data = cohort, ties = "breslow"))
cox_case("strata", coxph(update(f, . ~ . + strata(site)), data = cohort, ties = "efron"))
cox_case("weights", coxph(f, data = cohort, ties = "efron", weights = w, robust = TRUE))

g <- glm(event ~ age + male + log(chol) + age:male, family = binomial, data = cohort)
g0 <- glm(event ~ 1, family = binomial, data = cohort)
put_vector("logistic", "coef", coef(g))
put_matrix("logistic", "vcov", vcov(g))
put_vector("logistic", "se", sqrt(diag(vcov(g))))
put("logistic", "deviance", deviance(g))
put("logistic", "null_deviance", g$null.deviance)
put("logistic", "aic", AIC(g))
put("logistic", "loglik_final", as.numeric(logLik(g)))
put("logistic", "loglik_initial", as.numeric(logLik(g0)))
put("logistic", "iterations", g$iter)
put("logistic", "lr_test", g$null.deviance - deviance(g))
b <- coef(g)[-1]
put("logistic", "wald_test", as.numeric(t(b) %*% solve(vcov(g)[-1, -1], b)))
put("logistic", "score_test", anova(g0, g, test = "Rao")$Rao[2])

# Case weights (non-integer: R warns about non-integer successes; the fit is the weighted
# likelihood all the same). Robust variance: sandwich::sandwich (HC0). AIC is not compared: R's
# binomial AIC counts binomial coefficients for weights.
gw <- suppressWarnings(glm(event ~ age + male + log(chol) + age:male, family = binomial,
                           data = cohort, weights = w))
put_vector("logistic_weights", "coef", coef(gw))
put_matrix("logistic_weights", "vcov", vcov(gw))
put_vector("logistic_weights", "se", sqrt(diag(vcov(gw))))
put_matrix("logistic_weights", "vcov_robust", sandwich::sandwich(gw))
put_vector("logistic_weights", "se_robust", sqrt(diag(sandwich::sandwich(gw))))
put("logistic_weights", "deviance", deviance(gw))
put("logistic_weights", "null_deviance", gw$null.deviance)
put("logistic_weights", "iterations", gw$iter)

res <- do.call(rbind, out)
res$value <- trimws(formatC(res$value, digits = 17, format = "g"))
write.csv(res, "reference.csv", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
