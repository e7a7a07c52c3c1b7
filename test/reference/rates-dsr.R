# Reference for directStandardise: Fay & Feuer (1997) gamma interval, written out from the formula
# exactly as epitools::ageadjust.direct computes it (epitools is not installed here), with qgamma.
# Run: cd test/reference && Rscript rates-dsr.R   (writes rates-dsr.json)
library(jsonlite)

fay_feuer <- function(count, pop, stdpop, conf.level = 0.95) {
  rate <- count / pop
  alpha <- 1 - conf.level
  cruderate <- sum(count) / sum(pop)
  stdwt <- stdpop / sum(stdpop)
  dsr <- sum(stdwt * rate)
  dsr.var <- sum((stdwt^2) * (count / pop^2))
  wm <- max(stdwt / pop)
  gamma.lci <- if (dsr == 0) 0 else qgamma(alpha / 2, shape = (dsr^2) / dsr.var, scale = dsr.var / dsr)
  gamma.uci <- qgamma(1 - alpha / 2, shape = ((dsr + wm)^2) / (dsr.var + wm^2), scale = (dsr.var + wm^2) / (dsr + wm))
  c(crude.rate = cruderate, adj.rate = dsr, lci = gamma.lci, uci = gamma.uci, se = sqrt(dsr.var))
}

strata <- c("0-14", "15-44", "45-64", "65-74", "75+")
stdpop <- c(19000, 42000, 24000, 9000, 6000)
cases <- list(
  list(name = "five_strata", counts = c(1, 6, 25, 40, 61), pop = c(25000.5, 61000, 30250.25, 8100, 4300.75), conf = 0.95, per = 1e5),
  list(name = "zero_strata", counts = c(0, 0, 3, 8, 12), pop = c(1200, 3400, 2100.5, 900, 450), conf = 0.90, per = 1000),
  list(name = "no_events", counts = c(0, 0, 0, 0, 0), pop = c(1200, 3400, 2100.5, 900, 450), conf = 0.95, per = 1000),
  list(name = "large", counts = c(120, 900, 2500, 3100, 4200), pop = c(2.1e6, 5.3e6, 3.0e6, 8.8e5, 5.1e5), conf = 0.99, per = 1e5)
)
out <- lapply(cases, function(k) {
  r <- fay_feuer(k$counts, k$pop, stdpop, k$conf)
  list(name = k$name, call = sprintf("fay_feuer(count, pop, stdpop, conf.level = %s) * %s", k$conf, k$per),
       strata = strata, events = k$counts, person_time = k$pop, standard = stdpop, conf_level = k$conf, per = k$per,
       crude = unname(r["crude.rate"]) * k$per, adjusted = unname(r["adj.rate"]) * k$per,
       lower = unname(r["lci"]) * k$per, upper = unname(r["uci"]) * k$per, se = unname(r["se"]) * k$per)
})
# One stratum: Fay-Feuer reduces to the exact Garwood interval of poisson.test.
single <- fay_feuer(7, 1234.5, 1)
pt <- poisson.test(7, 1234.5)
out <- list(R = R.version.string, cases = out,
            single = list(call = "fay_feuer(7, 1234.5, 1) vs poisson.test(7, 1234.5)", lower = unname(single["lci"]), upper = unname(single["uci"]),
                          poisson_lower = pt$conf.int[1], poisson_upper = pt$conf.int[2]))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "rates-dsr.json")
