# Weighted Aalen-Johansen. survfit's multi-state curves use the weighted counts for the transition
# probabilities and the infinitesimal jackknife with one cluster per row: variance = sum over rows
# of w_i^2 U_i(t)^2. n.risk / n.event / n.censor stay unweighted row counts in survival 3.5.3.
# Rscript test/reference/aj-weights.R   (from the repository root)
source("test/reference/aj-common.R")
out <- list(call = list())
d <- data.frame(
  time  = c(1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 3, 7, 7),
  event = c(1, 2, 1, 0, 0, 2, 1, 0, 2, 1, 1, 2, 0),
  w     = c(1.5, 2, 0.5, 1, 3, 1.2, 0.7, 2.2, 1, 0.3, 0, 1.25, 0.4)
)
out$small_data <- d
fit <- survfit(Surv(time, factor(event)) ~ 1, data = d, weights = w)
out$small <- aj_ref(fit)
out$call$small <- 'survfit(Surv(time, factor(event)) ~ 1, data = d, weights = w)'
out$small_times <- aj_ref(fit, times = c(0.5, 2, 3.5, 7))
out$call$small_times <- 'summary(survfit(Surv(time, factor(event)) ~ 1, data = d, weights = w), times = c(0.5, 2, 3.5, 7))'
# medium random data: integer times with heavy ties, 2 causes, real weights, 2 strata
set.seed(20261125)
n <- 400
grp <- rbinom(n, 1, 0.5)
t1 <- rexp(n, 0.04 * exp(0.4 * grp)); t2 <- rexp(n, 0.03); tc <- rexp(n, 0.03)
tt <- pmin(t1, t2, tc, 30)
m <- data.frame(time = pmax(1, ceiling(tt)),
                event = ifelse(tt == t1, 1, ifelse(tt == t2, 2, 0)),
                grp = grp,
                w = round(runif(n, 0.2, 3), 3))
out$medium_data <- m
fit <- survfit(Surv(time, factor(event)) ~ grp, data = m, weights = w)
out$medium <- aj_ref(fit)
out$call$medium <- 'survfit(Surv(time, factor(event)) ~ grp, data = m, weights = w)'
fit <- survfit(Surv(time, factor(event)) ~ 1, data = m)
out$medium_unweighted <- aj_ref(fit)
out$call$medium_unweighted <- 'survfit(Surv(time, factor(event)) ~ 1, data = m)'
write_ref(out, "test/reference/aj-weights.json")
