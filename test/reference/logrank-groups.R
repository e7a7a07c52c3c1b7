# Log-rank tests with 3 and 4 groups (one group of a single subject), and a small tied case.
# Rscript test/reference/logrank-groups.R   (from the repository root)
source("test/reference/logrank-common.R")
lung <- read.csv("../shared/reference/lung.csv")
d <- data.frame(time = lung$time, event = lung$event, ph_ecog = lung$ph_ecog,
                agegrp = ifelse(lung$age < 56, "a<56", ifelse(lung$age < 66, "b56-65", "c66+")))
out <- list(data = d, call = list())
out$agegrp <- logrank_list(survdiff(Surv(time, event) ~ agegrp, data = d))
out$call$agegrp <- 'survdiff(Surv(time, event) ~ agegrp, data = d)'
out$ecog <- logrank_list(survdiff(Surv(time, event) ~ ph_ecog, data = d))
out$call$ecog <- 'survdiff(Surv(time, event) ~ ph_ecog, data = d)'
s <- data.frame(time = c(5, 1, 3, 3, 2, 4, 4, 6, 2, 7, 1, 3, 8, 2.0000000001),
                event = c(1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1),
                g = c(2, 1, 3, 1, 2, 3, 1, 2, 3, 1, 3, 2, 3, 1))
out$small_data <- s
out$small_3 <- logrank_list(survdiff(Surv(time, event) ~ g, data = s))
out$call$small_3 <- 'survdiff(Surv(time, event) ~ g, data = s)'
write_ref(out, "test/reference/logrank-groups.json")
