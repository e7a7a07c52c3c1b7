# Case weights on lung. Integer weights keep the model-based variance; non-integer weights make coxph
# default to the robust variance (has.rwt => robust = TRUE, one cluster per row), with rscore.
# Rscript test/reference/cox-weights.R   (from the repository root)
source("test/reference/cox-common.R")
lung <- read_lung()
i <- seq_len(nrow(lung))
d <- data.frame(time = lung$time, event = lung$event, age = lung$age, sex = lung$sex, ph_ecog = lung$ph_ecog,
                w_int = 1 + (i %% 3), w_real = 0.25 + (i %% 7) / 4 + ifelse(i %% 11 == 0, 0, 0.1))
out <- list(data = d)
out$int_efron <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_int)')
out$int_breslow <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_int, ties = "breslow")')
out$real_efron <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_real)')
out$real_naive <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_real, robust = FALSE)')
fit <- coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_int)
out$zph_int_km <- zph_info('cox.zph(fit, transform = "km")')
fitr <- coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, weights = w_real)
out$zph_real_rank <- zph_info('cox.zph(fitr, transform = "rank")')
write_ref(out, "test/reference/cox-weights.json")
