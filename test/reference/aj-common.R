# Helpers sourced by the aj-*.R reference scripts (R 4.2, survival 3.5.3, jsonlite): Aalen-Johansen
# curves from survfit(Surv(time, factor(event)) ~ strata), whose std.err is the infinitesimal-jackknife
# (robust) one, with survfit's default log confidence intervals.
# Run from the repository root: Rscript test/reference/aj-ties.R (etc.).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })

# The fit (every distinct time, censor-only times included) or summary(fit, times = , extend = ),
# one row per (curve, time). Matrix columns follow `states`: "(s0)" first, then the causes.
aj_ref <- function(fit, times = NULL, extend = FALSE) {
  s <- if (is.null(times)) fit else summary(fit, times = times, extend = extend)
  strata <- if (is.null(s$strata)) rep("all", length(s$time))
            else if (is.null(times)) rep(names(fit$strata), fit$strata) else as.character(s$strata)
  list(states = fit$states, conf_type = fit$conf.type, conf_int = fit$conf.int,
       n = fit$n, curves = if (is.null(fit$strata)) "all" else names(fit$strata),
       strata = strata, time = s$time, n_risk = as.matrix(s$n.risk)[, 1],
       n_event = s$n.event, n_censor = s$n.censor,
       pstate = s$pstate, std_err = s$std.err, lower = s$lower, upper = s$upper)
}

write_ref <- function(x, file) {
  x$R <- R.version.string
  x$survival <- as.character(packageVersion("survival"))
  writeLines(toJSON(x, digits = NA, na = "null", auto_unbox = TRUE, pretty = FALSE, matrix = "rowmajor"), file)
}
