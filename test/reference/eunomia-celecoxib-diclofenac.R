# Independent reproduction of studies/eunomia-celecoxib-diclofenac in base R + survival, from the raw
# Eunomia GiBleed CSVs (../shared/data/eunomia-gibleed). Writes eunomia-celecoxib-diclofenac.json.
# Run from the repository root: Rscript test/reference/eunomia-celecoxib-diclofenac.R
# Design (The Book of OHDSI, population-level estimation): new users of celecoxib vs diclofenac from drug
# eras, index = first era, >= 180 days of prior observation (washout), persons in both removed, prior
# GI haemorrhage (192671 + descendants, any time before index) removed, time at risk day 0 to end of
# observation, unadjusted Cox with Breslow ties.
library(survival)
library(jsonlite)
dir <- "../shared/data/eunomia-gibleed"
rd <- function(f) { x <- read.csv(file.path(dir, f), stringsAsFactors = FALSE); names(x) <- tolower(names(x)); x }
person <- rd("person.csv")
op <- rd("observation_period.csv")
de <- rd("drug_era.csv")
co <- rd("condition_occurrence.csv")
ca <- rd("concept_ancestor.csv")

descendants <- function(id) unique(c(id, ca$descendant_concept_id[ca$ancestor_concept_id == id]))
op <- op[op$person_id %in% person$person_id, ]
op$start <- as.Date(op$observation_period_start_date)
op$end <- as.Date(op$observation_period_end_date)

new_users <- function(ingredient) {
  e <- de[de$drug_concept_id %in% descendants(ingredient) & de$person_id %in% person$person_id, ]
  e$date <- as.Date(e$drug_era_start_date)
  first <- aggregate(date ~ person_id, data = e, FUN = min)
  m <- merge(first, op[, c("person_id", "start", "end")], by = "person_id")
  m <- m[m$date >= m$start & m$date <= m$end, ]
  m[as.numeric(m$date - m$start) >= 180, ]
}
t <- new_users(1118084)
c <- new_users(1124300)
both <- intersect(t$person_id, c$person_id)
t <- t[!t$person_id %in% both, ]
c <- c[!c$person_id %in% both, ]
t$treated <- 1
c$treated <- 0
cohort <- rbind(t, c)

gi <- co[co$condition_concept_id %in% descendants(192671), ]
gi$date <- as.Date(gi$condition_start_date)
prior <- merge(cohort[, c("person_id", "date")], gi[, c("person_id", "date")], by = "person_id", suffixes = c("", ".o"))
cohort <- cohort[!cohort$person_id %in% prior$person_id[prior$date.o < prior$date], ]

after <- merge(cohort[, c("person_id", "date", "end")], gi[, c("person_id", "date")], by = "person_id", suffixes = c("", ".o"))
after <- after[after$date.o >= after$date & after$date.o <= after$end, ]
first_o <- if (nrow(after)) aggregate(date.o ~ person_id, data = after, FUN = min) else data.frame(person_id = integer(), date.o = as.Date(character()))
cohort <- merge(cohort, first_o, by = "person_id", all.x = TRUE)
cohort$event <- as.integer(!is.na(cohort$date.o))
cohort$time <- as.numeric(ifelse(cohort$event == 1, cohort$date.o - cohort$date, cohort$end - cohort$date))

fit <- coxph(Surv(time, event) ~ treated, data = cohort, ties = "breslow")
s <- summary(fit)
out <- list(
  call = "coxph(Surv(time, event) ~ treated, ties = 'breslow')",
  R = R.version.string, survival = as.character(packageVersion("survival")),
  persons = list(target = sum(cohort$treated == 1), comparator = sum(cohort$treated == 0)),
  events = list(target = sum(cohort$event[cohort$treated == 1]), comparator = sum(cohort$event[cohort$treated == 0])),
  person_days = list(target = sum(cohort$time[cohort$treated == 1]), comparator = sum(cohort$time[cohort$treated == 0])),
  coef = unname(coef(fit)), se = unname(sqrt(diag(vcov(fit)))),
  hr = unname(s$conf.int[1, 1]), lower = unname(s$conf.int[1, 3]), upper = unname(s$conf.int[1, 4]),
  p = unname(s$coefficients[1, 5]), loglik = fit$loglik, n = fit$n, nevent = fit$nevent
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "test/reference/eunomia-celecoxib-diclofenac.json")
