# Aalen-Johansen on a small unsorted dataset: ties of different causes at the same time, censorings
# at event times, an event at time 0, cause codes 1 and 3 (no 2), a time with censorings only.
# Rscript test/reference/aj-ties.R   (from the repository root)
source("test/reference/aj-common.R")
d <- data.frame(
  time  = c(5, 2, 2, 2, 7, 3, 3, 3, 0, 4, 4, 6, 6, 8, 8, 8, 1, 9, 2, 5, 10, 10),
  event = c(1, 3, 1, 0, 0, 1, 3, 0, 3, 0, 1, 3, 3, 1, 0, 3, 0, 1, 3, 0, 0, 0)
)
out <- list(data = d, call = list())
fit <- survfit(Surv(time, factor(event)) ~ 1, data = d)
out$all <- aj_ref(fit)
out$call$all <- 'survfit(Surv(time, factor(event)) ~ 1, data = d)'
fit90 <- survfit(Surv(time, factor(event)) ~ 1, data = d, conf.int = 0.9)
out$all_90 <- aj_ref(fit90)
out$call$all_90 <- 'survfit(Surv(time, factor(event)) ~ 1, data = d, conf.int = 0.9)'
out$times <- aj_ref(fit, times = c(8.5, 0.5, 2, 2, 4.5, 12, 0))
out$call$times <- 'summary(survfit(Surv(time, factor(event)) ~ 1, data = d), times = c(8.5, 0.5, 2, 2, 4.5, 12, 0))'
out$times_extend <- aj_ref(fit, times = c(8.5, 0.5, 2, 4.5, 12, 0), extend = TRUE)
out$call$times_extend <- 'summary(survfit(Surv(time, factor(event)) ~ 1, data = d), times = c(8.5, 0.5, 2, 4.5, 12, 0), extend = TRUE)'
# single cause: the AJ curve is 1 - KM and its robust se equals Greenwood's here
d1 <- d[d$event != 3, ]
fit1 <- survfit(Surv(time, factor(event)) ~ 1, data = d1)
km1 <- survfit(Surv(time, event) ~ 1, data = d1)
out$single <- aj_ref(fit1)
out$single_km <- list(time = km1$time, surv = km1$surv, std_err = km1$std.err * km1$surv)
out$call$single <- 'survfit(Surv(time, factor(event)) ~ 1, data = d[d$event != 3, ])'
write_ref(out, "test/reference/aj-ties.json")
