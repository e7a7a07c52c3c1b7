# Kaplan-Meier on a small dataset with ties, censorings at event times, an event at time 0,
# a near-tie (4 + 1e-10, merged by survfit's timefix), a curve that is exactly 0.5 on a flat
# stretch (median = midpoint rule), and a curve that drops to 0 (undefined CI bounds).
# Rscript test/reference/km-ties.R   (from the repository root)
source("test/reference/km-common.R")
d <- data.frame(
  time   = c(6, 1, 2, 0, 2, 2, 3, 4, 4, 5, 1, 6, 7, 8, 8, 9,   1, 2, 3, 3, 4 + 1e-10, 5, 5, 6,   3, 1, 2, 4),
  status = c(1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,   1, 1, 0, 1, 1,         0, 1, 1,   0, 1, 1, 1),
  grp    = c(rep("a", 16), rep("b", 8), rep("c", 4))
)
out <- list(data = d, call = list())
for (ct in c("log", "log-log", "plain")) {
  fit <- survfit(Surv(time, status) ~ grp, data = d, conf.type = ct)
  out[[paste0("by_grp_", ct)]] <- km_summary(fit)
  out$call[[paste0("by_grp_", ct)]] <- sprintf('summary(survfit(Surv(time, status) ~ grp, data = d, conf.type = "%s"), censored = TRUE)', ct)
}
fit <- survfit(Surv(time, status) ~ 1, data = d, conf.int = 0.9)
out$all_log_90 <- km_summary(fit)
out$call$all_log_90 <- 'summary(survfit(Surv(time, status) ~ 1, data = d, conf.int = 0.9), censored = TRUE)'
fit <- survfit(Surv(time, status) ~ grp, data = d, conf.type = "log-log")
out$times_loglog <- km_summary(fit, times = c(0, 0.5, 2, 4.5, 8, 12), extend = FALSE)
out$call$times_loglog <- 'summary(survfit(Surv(time, status) ~ grp, data = d, conf.type = "log-log"), times = c(0, 0.5, 2, 4.5, 8, 12))'
out$times_loglog_extend <- km_summary(fit, times = c(12, 0.5, 2, 4.5, 8, 0), extend = TRUE)
out$call$times_loglog_extend <- 'summary(survfit(Surv(time, status) ~ grp, data = d, conf.type = "log-log"), times = c(12, 0.5, 2, 4.5, 8, 0), extend = TRUE)'
write_ref(out, "test/reference/km-ties.json")
