# Logistic regression references: glm(family = binomial) with and without weights, with missing values,
# an aliased covariate and a (quasi-)separated covariate.
# Rscript test/reference/ps-glm.R   (from the repository root)
source("test/reference/ps-common.R")

glm_info <- function(call, d) {
  ww <- with_warnings(eval(parse(text = call)))
  fit <- ww$value
  s <- summary(fit)
  cf <- coef(fit)
  cm <- matrix(NA_real_, length(cf), 4, dimnames = list(names(cf), NULL))
  cm[rownames(s$coefficients), ] <- s$coefficients
  list(call = call, terms = names(cf), coef = unname(cf), se = unname(cm[, 2]), z = unname(cm[, 3]),
       p = unname(cm[, 4]), deviance = fit$deviance, null_deviance = fit$null.deviance,
       loglik = as.numeric(logLik(fit)), aic = fit$aic, iter = fit$iter, converged = fit$converged,
       n = nobs(fit), nrow = length(fit$y), fitted = unname(fitted(fit)), warnings = ww$warnings)
}

set.seed(20240611)
n <- 300
age <- round(rnorm(n, 65, 10))
female <- rbinom(n, 1, 0.5)
diabetes <- rbinom(n, 1, 0.25)
ckd <- rbinom(n, 1, 0.15)
nhosp <- rpois(n, 0.6)
lp <- -4 + 0.05 * age + 0.4 * female + 0.8 * diabetes - 0.5 * ckd + 0.3 * nhosp
treat <- rbinom(n, 1, plogis(lp))
age[c(7, 50, 123)] <- NA
treat[201] <- NA
w_int <- 1 + (seq_len(n) %% 3)
w_real <- round(0.3 + (seq_len(n) %% 7) / 5 + ifelse(seq_len(n) %% 11 == 0, 0, 0.17), 2)
aliased <- diabetes + ckd
# sep = 1 only in treated persons: quasi-complete separation
sep <- ifelse(seq_len(n) %% 9 == 0 & !is.na(treat) & treat == 1, 1, 0)
d <- data.frame(treat, age, female, diabetes, ckd, nhosp, w_int, w_real, aliased, sep)

out <- list(data = d)
out$plain <- glm_info('glm(treat ~ age + female + diabetes + ckd + nhosp, family = binomial, data = d)', d)
out$weights_int <- glm_info('glm(treat ~ age + female + diabetes + ckd + nhosp, family = binomial, data = d, weights = w_int)', d)
out$weights_real <- glm_info('glm(treat ~ age + female + diabetes + ckd + nhosp, family = binomial, data = d, weights = w_real)', d)
out$aliased <- glm_info('glm(treat ~ age + diabetes + ckd + aliased, family = binomial, data = d)', d)
out$separated <- glm_info('glm(treat ~ age + female + sep, family = binomial, data = d)', d)
out$intercept_only <- glm_info('glm(treat ~ 1, family = binomial, data = d)', d)
# Complete separation on tiny inline data (outcome = a step function of x).
sep_bin <- data.frame(y = c(0, 0, 0, 1, 1, 1), x = c(0, 0, 0, 1, 1, 1))
sep_cont <- data.frame(y = c(0, 0, 0, 1, 1, 1), x = c(1, 2, 3, 4, 5, 6))
out$complete_binary <- c(list(data = sep_bin), glm_info('glm(y ~ x, family = binomial, data = sep_bin)', sep_bin))
out$complete_continuous <- c(list(data = sep_cont), glm_info('glm(y ~ x, family = binomial, data = sep_cont)', sep_cont))
write_ref(out, "test/reference/ps-glm.json")
