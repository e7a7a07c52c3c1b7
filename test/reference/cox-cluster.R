# Robust variance on lung: per-row (robust = TRUE) and clustered by institution (cluster = inst; the row
# with a missing inst is dropped), with the robust score test (fit$rscore). Also strata + cluster.
# Rscript test/reference/cox-cluster.R   (from the repository root)
source("test/reference/cox-common.R")
lung <- read_lung()
d <- data.frame(time = lung$time, event = lung$event, age = lung$age, sex = lung$sex, ph_ecog = lung$ph_ecog,
                inst = lung$inst)
out <- list(data = d)
out$robust <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, robust = TRUE)')
out$cluster_inst <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, cluster = inst)')
out$cluster_inst_breslow <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, cluster = inst, ties = "breslow")')
out$cluster_inst_strata <- cox_info('coxph(Surv(time, event) ~ age + ph_ecog + strata(sex), data = d, cluster = inst)')
write_ref(out, "test/reference/cox-cluster.json")
