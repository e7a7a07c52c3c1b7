# Reference for poissonRate and rateRatio: R's poisson.test (stats), exact Garwood / conditional binomial.
# Run: cd test/reference && Rscript rates-poisson.R   (writes rates-poisson.json)
library(jsonlite)

single <- data.frame(
  events      = c(0, 1, 2, 3, 5, 17, 40, 250, 1000, 7, 4321, 1234567),
  person_time = c(100, 100, 0.75, 1250.5, 33.3, 4321.25, 1e6, 100000, 2500, 123.456, 2.5e6, 9.87e8),
  conf_level  = c(0.95, 0.90, 0.99, 0.95, 0.80, 0.95, 0.95, 0.99, 0.95, 0.999, 0.95, 0.95)
)
rates <- lapply(seq_len(nrow(single)), function(k) {
  x <- single$events[k]; t <- single$person_time[k]; cl <- single$conf_level[k]
  r <- poisson.test(x, t, conf.level = cl)
  list(call = sprintf("poisson.test(%s, %s, conf.level = %s)", x, t, cl),
       events = x, person_time = t, conf_level = cl,
       rate = unname(r$estimate), lower = r$conf.int[1], upper = r$conf.int[2])
})

pairs <- list(
  c(30, 12, 1500, 1400, 0.95),
  c(0, 5, 100, 200, 0.95),      # no event in the exposed arm: ratio 0
  c(5, 0, 100, 200, 0.95),      # no event in the reference arm: ratio Inf, upper Inf
  c(1, 1, 1, 1, 0.95),          # x == n p exactly: p = 1
  c(2, 10, 300, 700, 0.95),     # asymmetric: the two-sided rule matters
  c(10, 2, 700, 300, 0.90),     # the same, arms swapped
  c(7, 20, 1000, 1000, 0.95),
  c(3, 3, 250.5, 749.5, 0.99),
  c(500, 450, 1e5, 9e4, 0.95),  # large counts
  c(1, 0, 10, 10, 0.95),
  c(0, 1, 10, 10, 0.95),
  c(4, 4, 50, 50, 0.95),        # symmetric: ties of the pmf on both sides
  c(12345, 12000, 1e7, 9.9e6, 0.95),
  c(123456, 120000, 1e7, 9.9e6, 0.95)
)
ratios <- lapply(pairs, function(v) {
  r <- poisson.test(c(v[1], v[2]), c(v[3], v[4]), conf.level = v[5])
  up <- r$conf.int[2]; est <- unname(r$estimate)
  list(call = sprintf("poisson.test(c(%s, %s), c(%s, %s), conf.level = %s)", v[1], v[2], v[3], v[4], v[5]),
       events = v[1:2], person_time = v[3:4], conf_level = v[5],
       irr = if (is.finite(est)) est else NULL, lower = r$conf.int[1],
       upper = if (is.finite(up)) up else NULL, p = r$p.value)
})

# Gamma quantiles qgamma(p, a): a grid across the region where @stdlib's incomplete gamma is wrong
# (x > 1000 and x > a - 50), for the corrected gammaQuantile.
g <- expand.grid(a = c(10.5, 200, 900, 999, 1000, 1001, 1234.5678, 2000, 5000, 1e4, 33333.3, 1e5, 1e6, 1e7),
                 p = c(1e-6, 0.0005, 0.005, 0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975, 0.995, 0.9995, 1 - 1e-6))
g$q <- qgamma(g$p, g$a)

out <- list(R = R.version.string, rates = rates, rate_ratios = ratios,
            gamma_quantiles = list(call = "qgamma(p, a)", a = g$a, p = g$p, q = g$q))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), "rates-poisson.json")
