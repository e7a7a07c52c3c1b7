# Helpers sourced by the ps-*.R reference scripts (comparative effectiveness: glm, MatchIt, weighted coxph).
# R 4.2 with survival, jsonlite and MatchIt 4.5.1 (Debian r-cran-matchit). Run from the repository root.
suppressPackageStartupMessages({ library(survival); library(jsonlite) })

with_warnings <- function(expr) {
  warns <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = warns)
}

write_ref <- function(x, file) {
  x$R <- R.version.string
  x$survival <- as.character(packageVersion("survival"))
  if (requireNamespace("MatchIt", quietly = TRUE)) x$MatchIt <- as.character(packageVersion("MatchIt"))
  writeLines(toJSON(x, digits = NA, na = "null", auto_unbox = TRUE, pretty = FALSE, null = "null",
                    dataframe = "columns"), file)
}
