# Propensity score and greedy nearest-neighbour matching references:
# glm(family = binomial) for the score, its c-statistic (Mann-Whitney W / (n1 n0), ties count 1/2), and
# MatchIt 4.5.1 matchit(method = "nearest") on a given distance with calipers, ratios and m.order.
#
# MatchIt 4.5.1 (the Debian package) has a bug in its vector nearest-neighbour code (nn_matchC_vec.cpp):
# the distance differences go through C's integer abs(), so they are truncated to whole numbers. With a
# logit PS as distance it then ignores calipers below 1 and picks a comparator 0.9 away over one 0.3 away
# (see bug_demo below; later MatchIt versions use std::abs). The algorithm itself (order, tie rules,
# rounds, weights) is checked here on whole-number distances, dist = round(10^4 * logit PS), for which
# the truncation is exact.
# Rscript test/reference/ps-matchit.R   (from the repository root)
source("test/reference/ps-common.R")
suppressPackageStartupMessages(library(MatchIt))

# For each unit, the row number of the target person of its matched set (NA when unmatched): a
# numbering-free description of the sets (MatchIt numbers subclasses by row name sorted as text).
set_of <- function(m, treat) {
  out <- rep(NA_integer_, length(treat))
  mm <- m$match.matrix
  rows <- as.integer(rownames(mm))
  for (i in seq_len(nrow(mm))) {
    ctl <- as.integer(mm[i, !is.na(mm[i, ])])
    if (length(ctl)) out[c(rows[i], ctl)] <- rows[i]
  }
  out
}

match_info <- function(call, d) {
  ww <- with_warnings(eval(parse(text = call)))
  m <- ww$value
  mm <- m$match.matrix
  list(call = call, set_of = set_of(m, d$treat), weights = unname(m$weights),
       match_matrix = unname(apply(mm, 2, function(x) as.integer(x))),
       caliper = if (is.null(m$caliper)) NULL else unname(m$caliper), warnings = ww$warnings)
}

# Discrete covariates only: many persons share a score, so the tie rules are exercised.
set.seed(20240612)
n <- 160
x1 <- rbinom(n, 1, 0.4)
x2 <- rbinom(n, 1, 0.3)
x3 <- sample(0:2, n, replace = TRUE)
treat <- rbinom(n, 1, plogis(-0.6 + 0.9 * x1 - 0.7 * x2 + 0.4 * x3))
d <- data.frame(treat, x1, x2, x3)
fit <- glm(treat ~ x1 + x2 + x3, family = binomial, data = d)
d$ps <- unname(fitted(fit))
d$lp <- unname(fit$linear.predictors)
d$dist <- round(1e4 * d$lp)
w <- wilcox.test(d$ps[d$treat == 1], d$ps[d$treat == 0], exact = FALSE)$statistic
out <- list(discrete = list(data = d, coef = unname(coef(fit)), se = unname(sqrt(diag(vcov(fit)))),
                            c_statistic = unname(w) / (sum(d$treat) * sum(1 - d$treat))))
out$discrete$largest <- match_info('matchit(treat ~ x1 + x2 + x3, data = d, distance = d$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE, m.order = "largest")', d)
out$discrete$smallest <- match_info('matchit(treat ~ x1 + x2 + x3, data = d, distance = d$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE, m.order = "smallest")', d)
out$discrete$data_order <- match_info('matchit(treat ~ x1 + x2 + x3, data = d, distance = d$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE, m.order = "data")', d)
out$discrete$ratio2 <- match_info('matchit(treat ~ x1 + x2 + x3, data = d, distance = d$dist, method = "nearest", ratio = 2, caliper = 0.2, std.caliper = TRUE, m.order = "largest")', d)
out$discrete$no_caliper <- match_info('matchit(treat ~ x1 + x2 + x3, data = d, distance = d$dist, method = "nearest", m.order = "largest")', d)

# A continuous score with poor overlap: a narrow caliper leaves target persons unmatched.
set.seed(20240613)
n <- 200
age <- round(rnorm(n, 60, 12), 1)
x <- rnorm(n)
treat <- rbinom(n, 1, plogis(-6 + 0.1 * age + 0.8 * x))
d2 <- data.frame(treat, age, x)
fit2 <- glm(treat ~ age + x, family = binomial, data = d2)
d2$ps <- unname(fitted(fit2))
d2$lp <- unname(fit2$linear.predictors)
d2$dist <- round(1e4 * d2$lp)
w2 <- wilcox.test(d2$ps[d2$treat == 1], d2$ps[d2$treat == 0], exact = FALSE)$statistic
out$continuous <- list(data = d2, coef = unname(coef(fit2)), c_statistic = unname(w2) / (sum(d2$treat) * sum(1 - d2$treat)))
out$continuous$caliper_02 <- match_info('matchit(treat ~ age + x, data = d2, distance = d2$dist, method = "nearest", caliper = 0.2, std.caliper = TRUE)', d2)
out$continuous$caliper_005 <- match_info('matchit(treat ~ age + x, data = d2, distance = d2$dist, method = "nearest", caliper = 0.05, std.caliper = TRUE, m.order = "smallest")', d2)
out$continuous$ratio3 <- match_info('matchit(treat ~ age + x, data = d2, distance = d2$dist, method = "nearest", ratio = 3, caliper = 0.2, std.caliper = TRUE, m.order = "data")', d2)
out$continuous$absolute <- match_info('matchit(treat ~ age + x, data = d2, distance = d2$dist, method = "nearest", caliper = 1000, std.caliper = FALSE)', d2)

# The truncation bug: target at 0, comparators at -0.9 and 0.3; MatchIt 4.5.1 takes -0.9 (both differences
# truncate to 0, the left one wins the tie) and ignores a caliper of 0.1 on the distance scale.
bug <- data.frame(treat = c(1, 0, 0), lp = c(0, -0.9, 0.3))
out$bug_demo <- list(data = bug,
  no_caliper = match_info('matchit(treat ~ lp, data = bug, distance = bug$lp, method = "nearest")', bug),
  caliper_01 = match_info('matchit(treat ~ lp, data = bug, distance = bug$lp, method = "nearest", caliper = 0.1, std.caliper = FALSE)', bug))
write_ref(out, "test/reference/ps-matchit.json")
