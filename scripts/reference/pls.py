"""Writes test/fixtures/pls-reference.json: R's pls (scripts/reference/pls.R) and
scikit-learn (scripts/reference/pls_sklearn.py) references for PLSRegression, PLSCanonical
and PLSSVD, merged into one JSON (the same bytes on every run).

Run from the repository root (needs Rscript with the pls package, and /usr/bin/python3 with
numpy, scipy and scikit-learn 1.2):
  /usr/bin/python3 scripts/reference/pls.py > test/fixtures/pls-reference.json

Layout: {source, notes, checks, linnerud: {k, scale_false, scale_true}, digits: {...}};
each scale_* holds x_mean / x_sd / y_mean / y_sd (sd = 1 everywhere when scale is false),
regression_r (R oscorespls: coef p x q raw units, predict_test), regression_sklearn (coef,
predict_test, x/y weights, x/y loadings, x rotations), canonical (PLSCanonical 'svd':
x/y weights, loadings, rotations, x/y scores of the test rows) and svd (PLSSVD: x/y weights,
x/y scores of the test rows). Matrices are lists of rows; weights are p x k.
"""
import json
import subprocess
import sys

import numpy as np

r = json.loads(subprocess.run(['Rscript', 'scripts/reference/pls.R'], check=True, capture_output=True, text=True).stdout)
sk = json.loads(subprocess.run([sys.executable, 'scripts/reference/pls_sklearn.py'], check=True, capture_output=True, text=True).stdout)

out = {
    'source': f"scripts/reference/pls.py merging {r['source']} and {sk['source']}",
    'notes': [
        'Linnerud: X = exercise (Chins Situps Jumps), Y = physiological (Weight Waist Pulse), fitted on all 20 rows, '
        'test rows = the same 20 rows, k = 2.',
        'digits: data/digits.csv pixels / 16, X = left half (columns 0..3 of each image row), Y = right half '
        '(columns 4..7), fitted on rows 0..1499, test rows 1500..1796 of which the first 50 are written, k = 5.',
        'scale true = crossmodal\'s scale: true: X and Y columns centred and divided by the training sd with n - 1 '
        '(a constant column keeps sd 1), as scikit-learn\'s _center_scale_xy (ddof=1). R\'s plsr(scale = TRUE) '
        'divides X only and is not used: R fits the standardised X and Y with scale = FALSE.',
        'coef is p x q in raw units: prediction = (x - x_mean) @ coef + y_mean.',
        'Sign rule on every component (sklearn parts): the x-weight of largest magnitude is positive; x and y '
        'weights, loadings, rotations and scores of that component flip together.',
        'R oscorespls is written with maxit = 100000 (default tol); scikit-learn PLSRegression with tol = 1e-30, '
        'max_iter = 100000 (both iterate to convergence); PLSCanonical(algorithm="svd") and PLSSVD are exact.',
    ],
    'checks': {'r': r['r_checks'],
               'r_scale_true_x_only_vs_x_and_y_linnerud_max_abs_coef_diff': r['r_scale_true_x_only_vs_x_and_y_linnerud_max_abs_coef_diff'],
               'sklearn_regression_default_tol_max_abs_coef_diff': sk['sklearn_regression_default_tol_max_abs_coef_diff'],
               'max_abs_coef_diff_r_oscorespls_vs_sklearn': {},
               'max_abs_predict_diff_r_oscorespls_vs_sklearn': {}},
}
for name in ('linnerud', 'digits'):
    sec = {'k': sk[name]['k']}
    for scale in ('scale_false', 'scale_true'):
        part = dict(sk[name][scale])
        part = {**{k: part[k] for k in ('x_mean', 'x_sd', 'y_mean', 'y_sd')},
                'regression_r': r[name][scale]['regression_r'],
                'regression_sklearn': part['regression_sklearn'],
                'canonical': part['canonical'], 'svd': part['svd']}
        tag = f'{name}_{scale}'
        a, b = part['regression_r'], part['regression_sklearn']
        out['checks']['max_abs_coef_diff_r_oscorespls_vs_sklearn'][tag] = float(np.max(np.abs(np.array(a['coef']) - np.array(b['coef']))))
        out['checks']['max_abs_predict_diff_r_oscorespls_vs_sklearn'][tag] = float(np.max(np.abs(np.array(a['predict_test']) - np.array(b['predict_test']))))
        sec[scale] = part
    out[name] = sec
print(json.dumps(out, separators=(',', ':')))
