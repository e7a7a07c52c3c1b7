# summary(survfit, times = ...): the step function read at requested times, with counts of events
# and censorings in the interval since the previous requested time, and the number at risk at the time.
# Rscript test/reference/km-times.R   (from the repository root)
source("test/reference/km-common.R")
lung <- read.csv("../shared/reference/lung.csv")
d <- data.frame(time = lung$time, event = lung$event, sex = lung$sex)
times <- c(1000, 0, 5, 11, 100, 365.25, 500, 965, 1022, 1100)
out <- list(data = d, times = times, call = list())
fit <- survfit(Surv(time, event) ~ sex, data = d)
out$by_sex_log <- km_summary(fit, times = times)
out$call$by_sex_log <- 'summary(survfit(Surv(time, event) ~ sex, data = d), times = times)'
out$by_sex_log_extend <- km_summary(fit, times = times, extend = TRUE)
out$call$by_sex_log_extend <- 'summary(survfit(Surv(time, event) ~ sex, data = d), times = times, extend = TRUE)'
fit <- survfit(Surv(time, event) ~ 1, data = d, conf.type = "plain")
out$all_plain <- km_summary(fit, times = times)
out$call$all_plain <- 'summary(survfit(Surv(time, event) ~ 1, data = d, conf.type = "plain"), times = times)'
write_ref(out, "test/reference/km-times.json")
