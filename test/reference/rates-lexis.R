# Reference for lexisSplit: survival::survSplit applied once per time scale (Epi is not installed).
# Each scale is split on its own axis (age = calendar - birth, period = calendar, followUp =
# calendar - entry) and mapped back to calendar time. survSplit's episode k is band index k - 1.
# Values on a break are binary fractions (or whole days) so both sides compute them exactly.
# Run: cd test/reference && Rscript rates-lexis.R   (writes rates-lexis.json)
library(survival)
library(jsonlite)

split_on <- function(df, offset, cuts, band) {
  if (length(cuts) == 0) { df[[band]] <- 0L; return(df) }
  df$s0 <- df$cal0 - offset(df); df$s1 <- df$cal1 - offset(df)
  # Surv() reads a 1/2 status as censored/dead, so split on a 0/1 status and keep the event code aside.
  out <- survSplit(Surv(s0, s1, status) ~ ., data = df, cut = cuts, episode = band)
  out[[band]] <- out[[band]] - 1L
  out$cal0 <- out$s0 + offset(out); out$cal1 <- out$s1 + offset(out)
  out$s0 <- NULL; out$s1 <- NULL
  out
}

lexis <- function(persons, age, period, followUp, unit) {
  df <- persons; df$cal0 <- df$entry; df$cal1 <- df$exit; df$status <- as.integer(df$event > 0)
  df <- split_on(df, function(d) d$birth, age * unit, "ageBand")
  df <- split_on(df, function(d) 0, period, "period")
  df <- split_on(df, function(d) d$entry, followUp * unit, "followUp")
  df <- df[order(df$row, df$cal0), ]
  data.frame(id = df$id, ageBand = df$ageBand, period = df$period, followUp = df$followUp,
             entry = df$cal0, exit = df$cal1, personTime = (df$cal1 - df$cal0) / unit, event = df$status * df$event)
}

# Decimal years.
years <- data.frame(
  id    = c(1, 2, 3, 4, 5, 6, 7, 8),
  birth = c(1948.5, 1950.25, 1945, 1940.5, 1960.1, 1970, 1930, 1955),
  entry = c(1995.25, 2000.25, 2005, 1999.5, 2003.3, 1990, 2006, 2003.5),
  exit  = c(2010.75, 2005, 2007.125, 2006, 2012.9, 2000, 2008, 2009.5),
  event = c(1, 1, 0, 2, 1, 0, 1, 1)
)
years$row <- seq_len(nrow(years))
cases <- list(
  list(name = "age_period", call = "age cuts c(50, 60), period cuts 2005",
       breaks = list(age = c(50, 60), period = I(2005), followUp = numeric(0)), timeScale = "years",
       persons = years[, 1:5], split = lexis(years, c(50, 60), c(2005), numeric(0), 1)),
  list(name = "followup_period", call = "follow-up cuts c(1, 2.5), period cuts c(2000, 2005)",
       breaks = list(age = numeric(0), period = c(2000, 2005), followUp = c(1, 2.5)), timeScale = "years",
       persons = years[, 1:5], split = lexis(years, numeric(0), c(2000, 2005), c(1, 2.5), 1))
)

# Dates: days since 1970-01-01; age cuts in years * 365.25 days.
dates <- data.frame(
  id    = c("a", "b", "c", "d", "e"),
  birth = c("1950-03-15", "1955-01-01", "1940-07-20", "1954-12-31", "1960-02-29"),
  entry = c("1998-06-01", "2004-12-31", "2001-01-01", "2004-06-01", "2009-03-01"),
  exit  = c("2007-02-28", "2005-01-01", "2005-06-30", "2012-12-31", "2010-03-01"),
  event = c(1, 1, 0, 2, 1),
  stringsAsFactors = FALSE
)
dd <- data.frame(id = dates$id, birth = as.numeric(as.Date(dates$birth)), entry = as.numeric(as.Date(dates$entry)),
                 exit = as.numeric(as.Date(dates$exit)), event = dates$event, row = seq_len(nrow(dates)))
period_days <- as.numeric(as.Date("2005-01-01"))
cases[[3]] <- list(name = "days_age_period", call = "days: age cuts c(50, 60) * 365.25, period cut as.Date('2005-01-01')",
                   breaks = list(age = c(50, 60), period = I("2005-01-01"), followUp = numeric(0)), timeScale = "days",
                   persons = dates, split = lexis(dd, c(50, 60), period_days, numeric(0), 365.25))

out <- list(R = R.version.string, survival = as.character(packageVersion("survival")), cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, dataframe = "columns", pretty = TRUE), "rates-lexis.json")
