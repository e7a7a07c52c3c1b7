# Helpers sourced by the cox-*.R reference scripts (R 4.2, survival 3.5.3, jsonlite).
# Run from the repository root: Rscript test/reference/cox-counting.R (etc.).
suppressPackageStartupMessages({ library(survival); library(jsonlite) })

# Evaluate a coxph call, keeping its warnings (R prints them; the tests check ours say the same).
with_warnings <- function(expr) {
  warns <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = warns)
}

# Everything the tests compare, from a coxph fit and its summary. `se` is the model-based standard
# error (naive.var when robust); `robust_se`/`robust_var` only with a robust variance. `wald` is the
# unrounded fit$wald.test (summary prints it rounded to 2 decimals).
cox_info <- function(call, ww = NULL) {
  if (is.null(ww)) ww <- with_warnings(eval(parse(text = call), envir = parent.frame()))
  fit <- ww$value
  s <- summary(fit)
  naive <- if (is.null(fit$naive.var)) fit$var else fit$naive.var
  cm <- s$coefficients
  ci <- s$conf.int
  df <- sum(!is.na(coef(fit)))
  list(call = call, terms = names(coef(fit)), coef = unname(coef(fit)),
       se = unname(sqrt(diag(naive))),
       robust_se = if (is.null(fit$naive.var)) NULL else unname(sqrt(diag(fit$var))),
       var = unname(naive),
       robust_var = if (is.null(fit$naive.var)) NULL else unname(fit$var),
       z = unname(cm[, "z"]), p = unname(cm[, "Pr(>|z|)"]),
       lower = unname(ci[, 3]), upper = unname(ci[, 4]),
       loglik = fit$loglik, iter = fit$iter, n = fit$n, nevent = fit$nevent,
       means = unname(fit$means),
       logtest = list(statistic = unname(s$logtest["test"]), df = df, p = unname(s$logtest["pvalue"])),
       sctest = list(statistic = unname(s$sctest["test"]), df = df, p = unname(s$sctest["pvalue"])),
       wald = list(statistic = unname(fit$wald.test), df = df,
                   p = pchisq(unname(fit$wald.test), df, lower.tail = FALSE)),
       rscore = if (is.null(fit$rscore)) NULL else
         list(statistic = fit$rscore, df = df, p = pchisq(fit$rscore, df, lower.tail = FALSE)),
       warnings = ww$warnings)
}

zph_info <- function(call) {
  z <- eval(parse(text = call), envir = parent.frame())
  list(call = call, terms = rownames(z$table), chisq = unname(z$table[, "chisq"]),
       df = unname(z$table[, "df"]), p = unname(z$table[, "p"]))
}

write_ref <- function(x, file) {
  x$R <- R.version.string
  x$survival <- as.character(packageVersion("survival"))
  writeLines(toJSON(x, digits = NA, na = "null", auto_unbox = TRUE, pretty = FALSE, null = "null"), file)
}

read_lung <- function() {
  lung <- read.csv("../shared/reference/lung.csv")
  lung
}
