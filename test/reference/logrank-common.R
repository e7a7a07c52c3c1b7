# Helper sourced by the logrank-*.R reference scripts (R 4.2, survival 3.5.3, jsonlite).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })

# survdiff as a list; observed/expected summed over strata as print.survdiff shows them.
logrank_list <- function(x) {
  o <- if (is.matrix(x$obs)) rowSums(x$obs) else x$obs
  e <- if (is.matrix(x$exp)) rowSums(x$exp) else x$exp
  list(groups = names(x$n), n = as.vector(x$n), observed = as.vector(o), expected = as.vector(e),
       variance = unname(x$var), chisq = x$chisq, df = sum(e > 0) - 1, p = x$pvalue,
       strata = if (is.null(x$strata)) NULL else list(labels = names(x$strata), n = as.vector(x$strata)),
       n_missing = length(x$na.action))
}

write_ref <- function(x, file) {
  x$R <- R.version.string
  x$survival <- as.character(packageVersion("survival"))
  writeLines(toJSON(x, digits = NA, na = "null", auto_unbox = TRUE, pretty = FALSE), file)
}
