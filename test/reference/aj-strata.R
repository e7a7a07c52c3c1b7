# Aalen-Johansen by strata: mgus2 by sex (every time, and at chosen times), and a small dataset
# with two strata variables, a missing stratum value, a cause absent from one curve and a curve
# with censorings only.
# Rscript test/reference/aj-strata.R   (from the repository root)
source("test/reference/aj-common.R")
mgus2 <- read.csv("../shared/reference/mgus2.csv")
out <- list(call = list())
fit <- survfit(Surv(etime, factor(event)) ~ sex, data = mgus2)
out$mgus2_sex <- aj_ref(fit)
out$call$mgus2_sex <- 'survfit(Surv(etime, factor(event)) ~ sex, data = mgus2)'
out$mgus2_sex_times <- aj_ref(fit, times = c(12, 60, 120, 240, 360, 400), extend = TRUE)
out$call$mgus2_sex_times <- 'summary(survfit(Surv(etime, factor(event)) ~ sex, data = mgus2), times = c(12, 60, 120, 240, 360, 400), extend = TRUE)'
s <- data.frame(
  time  = c(3, 1, 4, 2, 2, 5, 6, 1, 3, 3, 7, 2, 4, 4, 5, 8, 1, 2, 6, 6, 9, 3),
  event = c(1, 2, 0, 1, 2, 1, 0, 0, 2, 1, 1, 0, 2, 2, 0, 1, 0, 0, 0, 1, 2, 0),
  g     = c("a", "a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b", "b", "c", "c", "c", "c", "c", "c", "c", NA),
  h     = c(1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0)
)
s$event[which(s$g == "c" & s$h == 0)] <- 0   # curve g=c, h=0: censorings only
s$event[which(s$g == "a" & s$event == 2)] <- 1   # g=a: no cause 2
out$small_data <- s
fit <- survfit(Surv(time, factor(event)) ~ g + h, data = s)
out$small <- aj_ref(fit)
out$call$small <- 'survfit(Surv(time, factor(event)) ~ g + h, data = s)'
write_ref(out, "test/reference/aj-strata.json")
