# R reference for PLSRegression (issue 34): R's pls package, plsr(method = "oscorespls")
# (NIPALS with orthogonal scores, the algorithm of crossmodal's PLSRegression and of
# scikit-learn's PLSRegression), cross-checked with method = "kernelpls".
#
# Run through scripts/reference/pls.py (which merges this with pls_sklearn.py):
#   /usr/bin/python3 scripts/reference/pls.py > test/fixtures/pls-reference.json
# On its own: Rscript scripts/reference/pls.R   (prints its part as JSON)
# Needs Debian's r-base-core and r-cran-pls (R 4.2.2, pls 2.8-1 when written).
#
# Data as in pls_sklearn.py: Linnerud (X = exercise, Y = physiological, all 20 rows, test
# rows = the same 20 rows), k = 2; digits halves (data/digits.csv, pixels / 16, X = left
# half, Y = right half, training rows 0..1499, test rows 1500..1796, predictions written for
# the first 50 test rows), k = 5.
#
# scale: false -> plsr(Y ~ X, ncomp = k, method = "oscorespls", scale = FALSE) (plsr centres).
# scale: true  -> crossmodal's `scale: true` standardises the columns of X AND of Y by the
#   training sd (n - 1; a constant column keeps sd 1). R's own `scale = TRUE` divides the X
#   columns only (Y stays in raw units, which changes the fit when Y has several columns, and
#   gives NaN for a constant X column such as digits' left column 0), so it does NOT match;
#   here X and Y are standardised by hand and fitted with scale = FALSE. Coefficients are
#   converted back to raw units: coef[i, j] = B[i, j] * sd_y[j] / sd_x[i], prediction =
#   (x - mean_x) %*% coef + mean_y.
# oscorespls is iterative (tol = sqrt(eps) on the summed relative change of the scores,
# maxit = 100 by default); it is run as written above, and again with maxit = 100000 (its
# non-convergence warnings are counted), and the maxit = 100000 fit is the one written.
# kernelpls (an eigenvector computation, not iterative for several responses) is the check.
suppressPackageStartupMessages(library(pls))

num <- function(x) {
  s <- sprintf("%.17g", x)
  s[is.na(x)] <- "null"
  s
}
vec <- function(x) paste0("[", paste(num(x), collapse = ","), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, vec), collapse = ","), "]")
str <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
obj <- function(...) {
  a <- list(...)
  paste0("{", paste(paste0(str(names(a)), ":", unlist(a)), collapse = ","), "}")
}

ex <- as.matrix(read.table("data/linnerud_exercise.csv", header = TRUE))
ph <- as.matrix(read.table("data/linnerud_physiological.csv", header = TRUE))
d <- as.matrix(read.csv("data/digits.csv", header = FALSE))
pix <- d[, 1:64] / 16
leftc <- as.vector(sapply(0:7, function(r) r * 8 + 1:4))
rightc <- as.vector(sapply(0:7, function(r) r * 8 + 5:8))
left <- pix[, leftc]; right <- pix[, rightc]
dimnames(left) <- dimnames(right) <- NULL
dimnames(ex) <- dimnames(ph) <- NULL
sets <- list(
  linnerud = list(X = ex, Y = ph, Xte = ex, k = 2),
  digits = list(X = left[1:1500, ], Y = right[1:1500, ], Xte = left[1501:1550, ], k = 5)
)

warns <- 0
fit <- function(X, Y, k, method, ...) {
  withCallingHandlers(
    {
      m <- plsr(Y ~ X, ncomp = k, method = method, scale = FALSE, ...)
      matrix(coef(m, ncomp = k)[, , 1], ncol(X), ncol(Y))
    },
    warning = function(w) {
      warns <<- warns + 1
      invokeRestart("muffleWarning")
    }
  )
}

sdv <- function(Z) {
  s <- apply(Z, 2, sd)
  s[s == 0] <- 1
  s
}

sections <- character(0)
stats <- character(0)
for (name in names(sets)) {
  s <- sets[[name]]
  parts <- character(0)
  for (scale in c(FALSE, TRUE)) {
    mx <- colMeans(s$X); my <- colMeans(s$Y)
    sx <- if (scale) sdv(s$X) else rep(1, ncol(s$X))
    sy <- if (scale) sdv(s$Y) else rep(1, ncol(s$Y))
    Xs <- sweep(sweep(s$X, 2, mx), 2, sx, "/")
    Ys <- sweep(sweep(s$Y, 2, my), 2, sy, "/")
    raw <- function(B) sweep(sweep(B, 1, sx, "/"), 2, sy, "*")
    warns <- 0
    osc_default <- raw(fit(Xs, Ys, s$k, "oscorespls"))
    w_default <- warns
    warns <- 0
    osc <- raw(fit(Xs, Ys, s$k, "oscorespls", maxit = 100000))
    w_long <- warns
    kern <- raw(fit(Xs, Ys, s$k, "kernelpls"))
    pred <- sweep(sweep(s$Xte, 2, mx) %*% osc, 2, my, "+")
    tag <- paste0(name, "_scale_", tolower(as.character(scale)))
    stats <- c(stats, paste0(str(tag), ":", obj(
      oscorespls_default_maxit100_nonconvergence_warnings = num(w_default),
      oscorespls_maxit100000_nonconvergence_warnings = num(w_long),
      max_abs_coef_diff_oscorespls_default_vs_maxit100000 = num(max(abs(osc_default - osc))),
      max_abs_coef_diff_kernelpls_vs_oscorespls = num(max(abs(kern - osc))),
      max_abs_coef = num(max(abs(osc)))
    )))
    parts <- c(parts, paste0(str(paste0("scale_", tolower(as.character(scale)))), ":",
                             obj(regression_r = obj(coef = mat(osc), predict_test = mat(pred)))))
  }
  sections <- c(sections, paste0(str(name), ":{", paste(parts, collapse = ","), "}"))
}

# R's own scale = TRUE (X columns only) against the X-and-Y standardisation, on Linnerud
s <- sets$linnerud
own <- matrix(coef(plsr(s$Y ~ s$X, ncomp = 2, method = "oscorespls", scale = TRUE, maxit = 100000), ncomp = 2)[, , 1], 3, 3)
sx <- sdv(s$X); sy <- sdv(s$Y)
Xs <- scale(s$X, TRUE, sx); Ys <- scale(s$Y, TRUE, sy)
both <- sweep(sweep(fit(Xs, Ys, 2, "oscorespls", maxit = 100000), 1, sx, "/"), 2, sy, "*")

cat("{",
    str("source"), ":", str(paste0("scripts/reference/pls.R: ", R.version.string, ", pls ", as.character(packageVersion("pls")))), ",",
    str("r_checks"), ":{", paste(stats, collapse = ","), "},",
    str("r_scale_true_x_only_vs_x_and_y_linnerud_max_abs_coef_diff"), ":", num(max(abs(own - both))), ",",
    paste(sections, collapse = ","), "}\n", sep = "")
