# Weighted Kaplan-Meier. survfit's default variance depends on the weights: integer weights keep
# Greenwood's formula on weighted counts; any non-integer weight switches to the robust
# (infinitesimal jackknife) variance, with one cluster per row (survfitKM: has.rwt => robust).
# Rscript test/reference/km-weights.R   (from the repository root)
source("test/reference/km-common.R")
lung <- read.csv("../shared/reference/lung.csv")
i <- seq_len(nrow(lung))
d <- data.frame(time = lung$time, event = lung$event, sex = lung$sex,
                w_real = 0.25 + (i %% 7) / 4 + ifelse(i %% 11 == 0, 0, 0.1),
                w_int = 1 + (i %% 3))
d$w_real[5] <- 0   # a zero weight
out <- list(data = d, call = list())
fit <- survfit(Surv(time, event) ~ sex, data = d, weights = w_real)
out$real_by_sex_log <- km_summary(fit)
out$call$real_by_sex_log <- 'summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_real), censored = TRUE)'
fit <- survfit(Surv(time, event) ~ sex, data = d, weights = w_real, conf.type = "log-log")
out$real_by_sex_loglog <- km_summary(fit)
out$call$real_by_sex_loglog <- 'summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_real, conf.type = "log-log"), censored = TRUE)'
fit <- survfit(Surv(time, event) ~ 1, data = d, weights = w_real, conf.type = "plain")
out$real_all_plain <- km_summary(fit)
out$call$real_all_plain <- 'summary(survfit(Surv(time, event) ~ 1, data = d, weights = w_real, conf.type = "plain"), censored = TRUE)'
fit <- survfit(Surv(time, event) ~ sex, data = d, weights = w_int)
out$int_by_sex_log <- km_summary(fit)
out$call$int_by_sex_log <- 'summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_int), censored = TRUE)'
fit <- survfit(Surv(time, event) ~ sex, data = d, weights = w_real, robust = FALSE)
out$real_by_sex_greenwood <- km_summary(fit)
out$call$real_by_sex_greenwood <- 'summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_real, robust = FALSE), censored = TRUE)'
fit <- survfit(Surv(time, event) ~ sex, data = d, weights = w_real)
out$real_by_sex_times <- km_summary(fit, times = c(100, 365, 730))
out$call$real_by_sex_times <- 'summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_real), times = c(100, 365, 730))'
# small inline case whose curve reaches 0 (robust std error 0 there, log CI undefined)
s <- data.frame(time = c(1, 2, 2, 3, 4, 4, 5, 6), status = c(1, 1, 0, 1, 1, 1, 0, 1),
                w = c(1.5, 2, 0.5, 1, 3, 1.2, 0.7, 2.2))
out$small_data <- s
for (ct in c("log", "plain")) {
  fit <- survfit(Surv(time, status) ~ 1, data = s, weights = w, conf.type = ct)
  out[[paste0("small_", ct)]] <- km_summary(fit)
  out$call[[paste0("small_", ct)]] <- sprintf('summary(survfit(Surv(time, status) ~ 1, data = s, weights = w, conf.type = "%s"), censored = TRUE)', ct)
}
write_ref(out, "test/reference/km-weights.json")
