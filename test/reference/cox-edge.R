# Awkward fits: monotone likelihood (infinite coefficient), collinear and constant covariates (NA
# coefficients), running out of iterations, two strata variables, and more cox.zph transforms.
# Rscript test/reference/cox-edge.R   (from the repository root)
source("test/reference/cox-common.R")
lung <- read_lung()
d <- data.frame(time = lung$time, event = lung$event, age = lung$age, sex = lung$sex, ph_ecog = lung$ph_ecog,
                ph_karno = lung$ph_karno)
d$age_sex <- d$age + 2 * d$sex          # collinear with age and sex
d$one <- 1                              # constant
# Monotone likelihood: every event is in group x = 1, the x = 0 rows are censored (late).
mono <- data.frame(time = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 4, 8, 12, 14),
                   event = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0),
                   x = c(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
                   z = c(0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.8, -1.5, 0.2, 1.3, -0.9, 0.6))
out <- list(data = d, mono = mono)
out$monotone <- cox_info('coxph(Surv(time, event) ~ x + z, data = mono)')
out$monotone_breslow <- cox_info('coxph(Surv(time, event) ~ x + z, data = mono, ties = "breslow")')
out$monotone_iter5 <- cox_info('coxph(Surv(time, event) ~ x + z, data = mono, iter.max = 5)')
out$monotone_counting <- cox_info('coxph(Surv(rep(0, 14), time, event) ~ x + z, data = mono)')
out$collinear <- cox_info('coxph(Surv(time, event) ~ age + sex + age_sex + ph_ecog, data = d)')
out$constant <- cox_info('coxph(Surv(time, event) ~ age + one + sex, data = d)')
out$iter2 <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, iter.max = 2)')
out$iter0 <- cox_info('coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, iter.max = 0)')
out$strata2 <- cox_info('coxph(Surv(time, event) ~ age + ph_karno + strata(sex, ph_ecog), data = d)')
fit <- coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d)
fitb <- coxph(Surv(time, event) ~ age + sex + ph_ecog, data = d, ties = "breslow")
fits <- coxph(Surv(time, event) ~ age + ph_ecog + strata(sex), data = d)
fitc <- coxph(Surv(time, event) ~ age + sex + age_sex + ph_ecog, data = d)
out$zph_rank <- zph_info('cox.zph(fit, transform = "rank")')
out$zph_identity <- zph_info('cox.zph(fit, transform = "identity")')
out$zph_breslow_km <- zph_info('cox.zph(fitb, transform = "km")')
out$zph_strata_km <- zph_info('cox.zph(fits, transform = "km")')
out$zph_collinear_km <- zph_info('cox.zph(fitc, transform = "km")')
write_ref(out, "test/reference/cox-edge.json")
