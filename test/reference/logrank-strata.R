# Stratified log-rank test: survdiff(Surv(time, event) ~ sex + strata(...)).
# Rscript test/reference/logrank-strata.R   (from the repository root)
source("test/reference/logrank-common.R")
lung <- read.csv("../shared/reference/lung.csv")
d <- data.frame(time = lung$time, event = lung$event, sex = lung$sex, ph_ecog = lung$ph_ecog,
                old = as.integer(lung$age >= 65))
out <- list(data = d, call = list())
out$sex_strata_ecog <- logrank_list(survdiff(Surv(time, event) ~ sex + strata(ph_ecog), data = d))
out$call$sex_strata_ecog <- 'survdiff(Surv(time, event) ~ sex + strata(ph_ecog), data = d)'
out$sex_strata_ecog_old <- logrank_list(survdiff(Surv(time, event) ~ sex + strata(ph_ecog, old), data = d))
out$call$sex_strata_ecog_old <- 'survdiff(Surv(time, event) ~ sex + strata(ph_ecog, old), data = d)'
# small inline case with ties across strata and groups
s <- data.frame(time = c(3, 1, 2, 2, 5, 4, 4, 6, 1, 2, 3, 3, 7, 5, 2, 8),
                event = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0),
                arm = c("b", "a", "a", "b", "a", "b", "a", "b", "a", "b", "b", "a", "a", "b", "a", "b"),
                site = c(rep("x", 8), rep("y", 8)))
out$small_data <- s
out$small_strata <- logrank_list(survdiff(Surv(time, event) ~ arm + strata(site), data = s))
out$call$small_strata <- 'survdiff(Surv(time, event) ~ arm + strata(site), data = s)'
write_ref(out, "test/reference/logrank-strata.json")
