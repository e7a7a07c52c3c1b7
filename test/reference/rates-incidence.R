# Reference for incidenceRates: per-stratum totals, then poisson.test(sum(events), sum(personTime)).
# Rows with a missing value in a used column are dropped first (na.omit), as the estimator does.
# Run: cd test/reference && Rscript rates-incidence.R   (writes rates-incidence.json)
library(jsonlite)

d <- data.frame(
  sex    = c("M", "F", "M", "F", "M", "F", "M", "F", "M", "F", "M", "F", "M", "F", "M", "F", "M", NA, "F", "M"),
  agegrp = c(1, 1, 2, 2, 3, 3, 1, 2, 3, 1, 2, 3, 1, 1, 2, 2, 3, 2, 3, NA),
  events = c(0, 1, 1, 0, 2, 1, 0, 0, 1, 0, 1, 3, 0, 0, 0, 1, 0, 1, 0, 1),
  pt     = c(2.5, 3.25, 1.75, 4.1, 6.3, 2.2, 0.5, 7.75, 3.3, 1.1, 2.9, 5.05, 4.4, 0.25, 1.6, 3.35, 2.0, 1.0, NA, 3.0),
  stringsAsFactors = FALSE
)

rate_rows <- function(agg, conf, per) {
  lapply(seq_len(nrow(agg)), function(k) {
    r <- poisson.test(agg$events[k], agg$pt[k], conf.level = conf)
    c(as.list(agg[k, setdiff(names(agg), c("events", "pt")), drop = FALSE]),
      list(events = agg$events[k], personTime = agg$pt[k], rate = unname(r$estimate) * per,
           lower = r$conf.int[1] * per, upper = r$conf.int[2] * per))
  })
}

run <- function(strata, conf, per) {
  used <- d[complete.cases(d[, c(strata, "events", "pt")]), ]
  agg <- if (length(strata)) aggregate(used[, c("events", "pt")], used[, strata, drop = FALSE], sum) else data.frame(events = sum(used$events), pt = sum(used$pt))
  if (length(strata)) agg <- agg[do.call(order, unname(as.list(agg[, strata, drop = FALSE]))), ]
  tot <- data.frame(events = sum(used$events), pt = sum(used$pt))
  list(strata = I(strata), conf_level = conf, per = per, n = nrow(used), n_missing = nrow(d) - nrow(used),
       call = sprintf("poisson.test(sum(events), sum(pt), conf.level = %s) per stratum of %s, times %s", conf, paste(strata, collapse = " x "), per),
       rows = rate_rows(agg, conf, per), total = rate_rows(tot, conf, per)[[1]])
}

out <- list(R = R.version.string, data = d,
            cases = list(run(c("sex", "agegrp"), 0.90, 1000), run("sex", 0.95, 1), run(character(0), 0.95, 100)))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, dataframe = "columns", na = "null", pretty = TRUE), "rates-incidence.json")
