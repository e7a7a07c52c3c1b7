# Adjusted outcome models after weighting or matching:
# - weighted Cox with IPTW weights and the robust sandwich variance: coxph(..., weights = w, robust = TRUE);
# - Cox stratified on MatchIt's matched sets: coxph(Surv(time, event) ~ treat + strata(subclass));
# - weighted Kaplan-Meier and Aalen-Johansen risks at horizons: summary(survfit(..., weights = w), times = ).
# Rscript test/reference/ps-cox.R   (from the repository root)
source("test/reference/ps-common.R")
suppressPackageStartupMessages(library(MatchIt))

set.seed(20240614)
n <- 400
age <- round(rnorm(n, 62, 9))
diabetes <- rbinom(n, 1, 0.3)
ckd <- rbinom(n, 1, 0.2)
treat <- rbinom(n, 1, plogis(-3 + 0.045 * age + 0.6 * diabetes - 0.4 * ckd))
rate <- 0.0008 * exp(0.3 * treat + 0.03 * (age - 62) + 0.5 * diabetes + 0.4 * ckd)
t_event <- rexp(n, rate)
t_death <- rexp(n, 0.0004 * exp(0.05 * (age - 62)))
t_cens <- runif(n, 200, 1500)
time <- pmax(1, ceiling(pmin(t_event, t_death, t_cens)))   # whole days: ties
status <- ifelse(t_event <= pmin(t_death, t_cens), 1, ifelse(t_death <= t_cens, 2, 0))
event <- as.integer(status == 1)
d <- data.frame(time, event, status, treat, age, diabetes, ckd)
ps_fit <- glm(treat ~ age + diabetes + ckd, family = binomial, data = d)
d$ps <- unname(fitted(ps_fit))
p1 <- mean(d$treat)
d$w <- ifelse(d$treat == 1, p1 / d$ps, (1 - p1) / (1 - d$ps))   # stabilised ATE weights
d$dist <- round(1e4 * unname(ps_fit$linear.predictors))

cox_brief <- function(call) {
  fit <- eval(parse(text = call))
  list(call = call, coef = unname(coef(fit)), se = unname(sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var))),
       robust_se = if (is.null(fit$naive.var)) NULL else unname(sqrt(diag(fit$var))),
       loglik = fit$loglik, n = fit$n, nevent = fit$nevent)
}
out <- list(data = d)
out$weighted_robust <- cox_brief('coxph(Surv(time, event) ~ treat, data = d, weights = w, robust = TRUE)')
out$weighted_robust_adj <- cox_brief('coxph(Surv(time, event) ~ treat + age + diabetes, data = d, weights = w, robust = TRUE)')

m <- matchit(treat ~ age + diabetes + ckd, data = d, distance = d$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE)
md <- match.data(m)
# The matched set of every row as the row number of its target person (NA = unmatched).
set_of <- rep(NA_integer_, n)
mm <- m$match.matrix
for (i in seq_len(nrow(mm))) if (!is.na(mm[i, 1])) set_of[c(as.integer(rownames(mm)[i]), as.integer(mm[i, 1]))] <- as.integer(rownames(mm)[i])
out$set_of <- set_of
out$matched_strata <- cox_brief('coxph(Surv(time, event) ~ treat + strata(subclass), data = md)')
out$matched_cluster <- cox_brief('coxph(Surv(time, event) ~ treat, data = md, cluster = subclass)')

horizons <- c(180, 365, 730, 1000)
km <- summary(survfit(Surv(time, event) ~ treat, data = d, weights = w), times = horizons, extend = TRUE)
out$km_weighted <- list(call = 'summary(survfit(Surv(time, event) ~ treat, data = d, weights = w), times = c(180, 365, 730, 1000), extend = TRUE)',
  strata = as.character(km$strata), time = km$time, risk = 1 - km$surv)
aj <- summary(survfit(Surv(time, factor(status)) ~ treat, data = d, weights = w), times = horizons, extend = TRUE)
out$aj_weighted <- list(call = 'summary(survfit(Surv(time, factor(status)) ~ treat, data = d, weights = w), times = c(180, 365, 730, 1000), extend = TRUE)',
  strata = as.character(aj$strata), time = aj$time, states = colnames(aj$pstate), cif1 = unname(aj$pstate[, 2]), cif2 = unname(aj$pstate[, 3]))
write_ref(out, "test/reference/ps-cox.json")
