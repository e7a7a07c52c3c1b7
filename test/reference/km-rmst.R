# Restricted mean survival time and its standard error, as print.survfit(rmean = ...) gives them.
# Rscript test/reference/km-rmst.R   (from the repository root)
source("test/reference/km-common.R")
lung <- read.csv("../shared/reference/lung.csv")
d <- data.frame(time = lung$time, event = lung$event, sex = lung$sex, ph_ecog = lung$ph_ecog)
out <- list(data = d, call = list())
fit <- survfit(Surv(time, event) ~ sex, data = d)
out$by_sex_common <- km_summary(fit, rmean = "common")$table
out$call$by_sex_common <- 'summary(survfit(Surv(time, event) ~ sex, data = d), rmean = "common")$table'
out$by_sex_365 <- km_summary(fit, rmean = 365)$table
out$call$by_sex_365 <- 'summary(survfit(Surv(time, event) ~ sex, data = d), rmean = 365)$table'
out$by_sex_2000 <- km_summary(fit, rmean = 2000)$table
out$call$by_sex_2000 <- 'summary(survfit(Surv(time, event) ~ sex, data = d), rmean = 2000)$table'
fit <- survfit(Surv(time, event) ~ 1, data = d)
out$all_common <- km_summary(fit, rmean = "common")$table
out$call$all_common <- 'summary(survfit(Surv(time, event) ~ 1, data = d), rmean = "common")$table'
fit <- survfit(Surv(time, event) ~ ph_ecog, data = d)
out$by_ecog_common <- km_summary(fit, rmean = "common")$table
out$call$by_ecog_common <- 'summary(survfit(Surv(time, event) ~ ph_ecog, data = d), rmean = "common")$table'
write_ref(out, "test/reference/km-rmst.json")
