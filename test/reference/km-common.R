# Helpers sourced by the km-*.R reference scripts (R 4.2, survival 3.5.3, jsonlite).
# Run from the repository root: Rscript test/reference/km-ties.R (etc.).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })

# summary.survfit as a list: one row per time (censor-only times included, or the requested times)
# and the per-curve table of print.survfit (records, n, events, rmean, se(rmean), median and its CI).
km_summary <- function(fit, times = NULL, extend = FALSE, rmean = "common") {
  s <- if (is.null(times)) summary(fit, censored = TRUE, rmean = rmean)
       else summary(fit, times = times, extend = extend, rmean = rmean)
  strata <- if (is.null(s$strata)) rep("all", length(s$time)) else as.character(s$strata)
  rows <- data.frame(strata = strata, time = s$time, n_risk = s$n.risk, n_event = s$n.event,
                     n_censor = s$n.censor, surv = s$surv, std_err = s$std.err,
                     lower = s$lower, upper = s$upper)
  tab <- s$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1, dimnames = list("all", names(tab)))
  table <- data.frame(strata = if (is.null(rownames(tab))) "all" else rownames(tab),
                      records = tab[, 1], n = tab[, 2], events = tab[, 4],
                      rmean = tab[, 5], se_rmean = tab[, 6],
                      median = tab[, 7], median_lower = tab[, 8], median_upper = tab[, 9])
  rownames(table) <- NULL
  list(conf_type = fit$conf.type, conf_int = fit$conf.int, logse = fit$logse,
       rmean_endtime = s$rmean.endtime, rows = rows, table = table)
}

write_ref <- function(x, file) {
  x$R <- R.version.string
  x$survival <- as.character(packageVersion("survival"))
  writeLines(toJSON(x, digits = NA, na = "null", auto_unbox = TRUE, pretty = FALSE), file)
}

