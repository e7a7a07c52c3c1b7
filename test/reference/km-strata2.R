# Kaplan-Meier with strata from two variables (labels "sex=1, ph_ecog=0"; absent combinations
# dropped; the row with a missing ph_ecog dropped).
# Rscript test/reference/km-strata2.R   (from the repository root)
source("test/reference/km-common.R")
lung <- read.csv("../shared/reference/lung.csv")
d <- data.frame(time = lung$time, event = lung$event, sex = lung$sex, ph_ecog = lung$ph_ecog)
out <- list(data = d, call = list())
fit <- survfit(Surv(time, event) ~ sex + ph_ecog, data = d)
out$by_sex_ecog <- km_summary(fit)
out$n_missing <- length(fit$na.action)
out$call$by_sex_ecog <- 'summary(survfit(Surv(time, event) ~ sex + ph_ecog, data = d), censored = TRUE)'
write_ref(out, "test/reference/km-strata2.json")
