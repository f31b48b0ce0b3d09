"""Reference for the four multivariate tests of canonical correlations
(test/fixtures/cancorr-tests-reference.json): Wilks' lambda, Pillai's trace, the
Hotelling-Lawley trace and Roy's greatest root, as statsmodels computes them.

Usage (Debian's python3-statsmodels 0.13, with its numpy, scipy and pandas:
apt-get install python3-statsmodels):
    /usr/bin/python3 scripts/reference/cancorr_tests.py > test/fixtures/cancorr-tests-reference.json

For every table, statsmodels' CanCorr(Y, X) (endog Y, exog X) is fitted and
corr_test().stats_mv, its "multivariate statistics and F approximations" (H0: every canonical
correlation is zero), is written as `stats_mv`: value, F, df1 (Num DF), df2 (Den DF), p (Pr > F)
for each test. That is row 0 of crossmodal's significance(rho, n, p, q, { test: 'all' }).

Rows k > 0 (H0: rho_k and every later correlation are zero) have no statsmodels table. crossmodal
applies the same formulas to the problem of p - k and q - k variables and n - k rows (the
convention under which R's CCP Wilks rows, which crossmodal keeps, are what they are: their
multipliers n - 1 - (p + q + 1)/2 and n - 3/2 - (p + q)/2 do not change under
(n, p, q) -> (n - k, p - k, q - k)). `rows[k]` is statsmodels' own multivariate_stats on that
problem: multivariate_stats(rho_k^2..., q - k, p - k, (n - k) - (p - k) - 1), exactly what
corr_test() passes for row 0 with the reduced sizes. As a check of that convention the script
computes CCP's Wilks/Rao F for each row from its formula (p' = p - k, q' = q - k,
m = n - 3/2 - (p + q)/2) and stores the largest relative difference from rows[k].wilks.F.

statsmodels' per-component table (corr_test().stats) uses r = n - k_endog - 1 - (p' - q' + 1)/2
and so differs from CCP's Rao F when p != q; its row 0 is stored as `stats_table_row0` with the
relative difference from CCP's, for the record (crossmodal keeps CCP's).

statsmodels leaves out eigenvalues rho^2 <= 1e-8 (its tolerance); the tables here have none
(the smallest is stored), so the comparison does not depend on it. Its Hotelling-Lawley F
divides by n_sm - 1 (n_sm = (v - p - 1)/2) and so cannot be evaluated when n_sm = 1; the tables
here avoid it.

Tables (numpy default_rng, fixed seeds; values rounded to 6 significant digits and stored, so
both sides read the same numbers; X and Y are independent standard-normal latent columns where
pair i has the planted correlation rhos[i], each view then mixed by a random matrix):
  p3_q5   n = 200, p = 3, q = 5, rhos 0.5 0.3 0.1
  p6_q2   n = 300, p = 6, q = 2, rhos 0.4 0.2
  p4_q4   n = 150, p = q = 4, rhos 0.6 0.35 0.2 0.1
  strong  n = 500, p = 3, q = 4, rhos 0.9 0.8 0.6 (tiny p-values)
  null    n = 120, p = 3, q = 3, no planted correlation
  linnerud: data/linnerud_exercise.csv (X: Chins Situps Jumps) and
            data/linnerud_physiological.csv (Y: Weight Waist Pulse), n = 20 (not stored).
`readme`: multivariate_stats for the README's example, correlations (0.6, 0.3), n = 100,
p = 3, q = 2, rows 0 and 1 by the convention above.

The output is the same bytes on every run.
"""
import os

os.environ['OPENBLAS_NUM_THREADS'] = '1'
os.environ['OMP_NUM_THREADS'] = '1'

import json
import sys
import warnings

import numpy as np
import pandas
import scipy
import statsmodels
from statsmodels.multivariate.cancorr import CanCorr
from statsmodels.multivariate.multivariate_ols import multivariate_stats

warnings.simplefilter('error')  # a division by zero or an overflow in statsmodels is an error here

NAMES = {"Wilks' lambda": 'wilks', "Pillai's trace": 'pillai', 'Hotelling-Lawley trace': 'hotellingLawley',
         "Roy's greatest root": 'roy'}
TOL = 1e-8  # statsmodels' eigenvalue tolerance


def sig(v, digits=6):
    return float(f'{v:.{digits - 1}e}')


def table(seed, n, p, q, rhos):
    rng = np.random.default_rng(seed)
    Lx, Ly = rng.standard_normal((n, p)), rng.standard_normal((n, q))
    for i, r in enumerate(rhos):
        Ly[:, i] = r * Lx[:, i] + np.sqrt(1 - r * r) * Ly[:, i]
    X = Lx @ rng.standard_normal((p, p)) + rng.uniform(-3, 3, p)
    Y = Ly @ rng.standard_normal((q, q)) + rng.uniform(-3, 3, q)
    return np.vectorize(sig)(X), np.vectorize(sig)(Y)


def frame(df):
    """A stats_mv DataFrame as {test: {value, F, df1, df2, p}} in plain floats."""
    out = {}
    for label, name in NAMES.items():
        row = df.loc[label]
        out[name] = {'value': float(row['Value']), 'F': float(row['F Value']), 'df1': float(row['Num DF']),
                     'df2': float(row['Den DF']), 'p': float(row['Pr > F'])}
    return out


def ccp_rao_f(lam, k, n, p, q):
    """CCP::p.asym's Rao F for row k (what crossmodal's Wilks rows compute)."""
    pk, qk = p - k, q - k
    den = pk * pk + qk * qk - 5
    s = np.sqrt((pk * pk * qk * qk - 4) / den) if den > 0 else 1.0
    df1 = pk * qk
    df2 = (n - 1.5 - (p + q) / 2) * s - df1 / 2 + 1
    return (lam ** (-1 / s) - 1) * df2 / df1, df1, df2


def rows_by_convention(eig, n, p, q):
    """multivariate_stats on the problem of p - k, q - k variables and n - k rows, per k."""
    rows, worst = [], 0.0
    for k in range(len(eig)):
        a, b, nk = q - k, p - k, n - k  # a: endog (Y) columns, b: exog (X) columns, as corr_test passes them
        r = frame(multivariate_stats(eig[k:], a, b, nk - b - 1))
        F, df1, df2 = ccp_rao_f(float(np.prod(1 - eig[k:])), k, n, p, q)
        worst = max(worst, abs(r['wilks']['F'] - F) / abs(F), abs(r['wilks']['df2'] - df2) / df2, abs(r['wilks']['df1'] - df1))
        rows.append(r)
    return rows, worst


def case(name, X, Y, store):
    n, p = X.shape
    q = Y.shape[1]
    cc = CanCorr(Y, X)
    res = cc.corr_test()
    eig = np.power(cc.cancorr, 2)  # as corr_test computes them
    assert eig.min() > TOL, f'{name}: an eigenvalue below statsmodels tolerance'
    mv = frame(res.stats_mv)
    rows, worst = rows_by_convention(eig, n, p, q)
    # row 0 of the convention is corr_test's own call (to rounding: numpy's sums may differ in the last bit)
    assert all(abs(rows[0][t][f] - mv[t][f]) <= 1e-14 * abs(mv[t][f]) for t in mv for f in mv[t]), name
    # the tests are symmetric in the two views: CanCorr(X, Y) gives the same table
    swap = frame(CanCorr(X, Y).corr_test().stats_mv)
    sym = max(abs(swap[t][f] - mv[t][f]) / max(abs(mv[t][f]), 1e-300) for t in mv for f in mv[t])
    st = res.stats.loc[0]
    F0, _, df20 = ccp_rao_f(float(np.prod(1 - eig)), 0, n, p, q)
    out = {'name': name, 'n': n, 'p': p, 'q': q,
           'correlations': [float(v) for v in cc.cancorr],
           'smallest_eigenvalue': float(eig.min()),
           'stats_mv': mv, 'rows': rows,
           'stats_table_row0': {'F': float(st['F Value']), 'df2': float(st['Den DF']),
                                'relative_difference_from_ccp_F': abs(float(st['F Value']) - F0) / F0},
           'checks': {'rows_wilks_vs_ccp_max_relative': worst, 'swapped_views_max_relative': sym}}
    if store:
        out['X'] = X.tolist()
        out['Y'] = Y.tolist()
    return out


def linnerud():
    read = lambda f: np.loadtxt(f'data/{f}', skiprows=1)
    return read('linnerud_exercise.csv'), read('linnerud_physiological.csv')


cases = [
    case('p3_q5', *table(351, 200, 3, 5, [0.5, 0.3, 0.1]), True),
    case('p6_q2', *table(352, 300, 6, 2, [0.4, 0.2]), True),
    case('p4_q4', *table(353, 150, 4, 4, [0.6, 0.35, 0.2, 0.1]), True),
    case('strong', *table(354, 500, 3, 4, [0.9, 0.8, 0.6]), True),
    case('null', *table(355, 120, 3, 3, []), True),
    case('linnerud', *linnerud(), False),
]
readme_eig = np.power(np.array([0.6, 0.3]), 2)
readme_rows, _ = rows_by_convention(readme_eig, 100, 3, 2)

out = {
    'source': (f'scripts/reference/cancorr_tests.py: statsmodels {statsmodels.__version__} (CanCorr.corr_test, '
               f'multivariate_stats), numpy {np.__version__}, scipy {scipy.__version__}, pandas {pandas.__version__}, '
               f'Python {sys.version.split()[0]}'),
    'notes': [
        'stats_mv: CanCorr(Y, X).corr_test().stats_mv, H0 all canonical correlations zero (row 0).',
        'rows[k]: multivariate_stats(rho_k^2.., q - k, p - k, (n - k) - (p - k) - 1): the problem of p - k, q - k '
        'variables and n - k rows, the convention of crossmodal rows k > 0.',
        'p, q: columns of X, Y; CanCorr is given endog Y and exog X.',
        'Tables are stored with 6 significant digits (X, Y); linnerud is read from data/.',
    ],
    'cases': cases,
    'readme': {'correlations': [0.6, 0.3], 'n': 100, 'p': 3, 'q': 2, 'rows': readme_rows},
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write('\n')
