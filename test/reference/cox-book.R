# Therneau's small validation data sets (survival's tests book1 / book2, "test1" and "test2"). The tests
# derive the loglik, score and information at beta = 0 by hand with exact fractions; these R values are
# a cross-check of the derivations.
# Rscript test/reference/cox-book.R   (from the repository root)
source("test/reference/cox-common.R")
test1 <- data.frame(time = c(9, 3, 1, 1, 6, 6, 8), status = c(1, NA, 1, 0, 1, 1, 0), x = c(0, 2, 1, 1, 1, 0, 0))
test2 <- data.frame(start = c(1, 2, 5, 2, 1, 7, 3, 4, 8, 8), stop = c(2, 3, 6, 7, 8, 9, 9, 9, 14, 17),
                    event = c(1, 1, 1, 1, 1, 1, 1, 0, 0, 0), x = c(1, 0, 0, 1, 0, 1, 1, 1, 0, 0))
out <- list(test1 = test1, test2 = test2)
out$test1_breslow <- cox_info('coxph(Surv(time, status) ~ x, data = test1, ties = "breslow")')
out$test1_efron <- cox_info('coxph(Surv(time, status) ~ x, data = test1)')
out$test1_breslow_iter0 <- cox_info('coxph(Surv(time, status) ~ x, data = test1, ties = "breslow", iter.max = 0)')
out$test1_efron_iter0 <- cox_info('coxph(Surv(time, status) ~ x, data = test1, iter.max = 0)')
out$test2_breslow <- cox_info('coxph(Surv(start, stop, event) ~ x, data = test2, ties = "breslow")')
out$test2_efron <- cox_info('coxph(Surv(start, stop, event) ~ x, data = test2)')
out$test2_breslow_iter0 <- cox_info('coxph(Surv(start, stop, event) ~ x, data = test2, ties = "breslow", iter.max = 0)')
out$test2_efron_iter0 <- cox_info('coxph(Surv(start, stop, event) ~ x, data = test2, iter.max = 0)')
write_ref(out, "test/reference/cox-book.json")
