"""scikit-learn reference for PLSCanonical, PLSSVD and PLSRegression (issue 34).

Run through scripts/reference/pls.py (which merges this with scripts/reference/pls.R):
  /usr/bin/python3 scripts/reference/pls.py > test/fixtures/pls-reference.json
On its own it prints its part as JSON: /usr/bin/python3 scripts/reference/pls_sklearn.py

Data: Linnerud (X = exercise, Y = physiological; fitted on all 20 rows, "test" rows = the
same 20 rows), k = 2; the digits halves (data/digits.csv, pixels / 16, X = left half =
columns 0..3 of each image row, Y = right half = columns 4..7; training rows 0..1499, test
rows 1500..1796), k = 5. scale: false = centred columns; scale: true = centred and divided by
the training sd with ddof = 1 (scikit-learn's _center_scale_xy; a constant column keeps sd 1),
the same as crossmodal's `scale: true`.

Models: PLSCanonical(algorithm='svd') and PLSSVD (both exact: SVDs), PLSRegression (NIPALS,
run with tol = 1e-30 / max_iter = 100000 so the power iterations run to machine precision;
the default tol = 1e-6 compares the *squared* change of the weights and stops early).
Sign rule applied before writing (crossmodal's): in every component the x-weight of largest
magnitude is positive; that component's x and y weights, loadings, rotations and scores
flip together. Regression coefficients are p x q in raw units (sklearn 1.2's coef_ is
p x q on standardised X: divided here by the x sd), so Ypred = (X - x_mean) @ coef + y_mean.
Matrices are lists of rows. Digits test scores / predictions: the first 50 test rows only.
"""
import json
import sys
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.cross_decomposition import PLSCanonical, PLSRegression, PLSSVD

warnings.simplefilter('ignore', FutureWarning)
NTEST = 50


def load():
    ex = np.loadtxt('data/linnerud_exercise.csv', skiprows=1)
    ph = np.loadtxt('data/linnerud_physiological.csv', skiprows=1)
    d = np.loadtxt('data/digits.csv', delimiter=',')
    pix = d[:, :64].reshape(-1, 8, 8) / 16
    left, right = pix[:, :, :4].reshape(-1, 32), pix[:, :, 4:].reshape(-1, 32)
    return {
        'linnerud': (ex, ph, ex, ph, 2, len(ex)),
        'digits': (left[:1500], right[:1500], left[1500:], right[1500:], 5, NTEST),
    }


def mat(a):
    return [[float(v) for v in row] for row in np.atleast_2d(a)]


def signs(xw):
    idx = np.argmax(np.abs(xw), axis=0)
    s = np.sign(xw[idx, np.arange(xw.shape[1])])
    s[s == 0] = 1
    return s


def stats(X, Y, scale):
    sx, sy = X.std(0, ddof=1), Y.std(0, ddof=1)
    sx[sx == 0] = 1
    sy[sy == 0] = 1
    if not scale:
        sx, sy = np.ones_like(sx), np.ones_like(sy)
    return X.mean(0), sx, Y.mean(0), sy


def canonical(m, Xte, Yte, nte, loadings=True):
    s = signs(m.x_weights_)
    u, v = m.transform(Xte[:nte], Yte[:nte])
    out = {'x_weights': mat(m.x_weights_ * s), 'y_weights': mat(m.y_weights_ * s)}
    if loadings:
        out['x_loadings'] = mat(m.x_loadings_ * s)
        out['y_loadings'] = mat(m.y_loadings_ * s)
        out['x_rotations'] = mat(m.x_rotations_ * s)
        out['y_rotations'] = mat(m.y_rotations_ * s)
    out['x_scores_test'] = mat(u * s)
    out['y_scores_test'] = mat(v * s)
    return out


def regression(X, Y, Xte, k, nte, scale, **kw):
    m = PLSRegression(n_components=k, scale=scale, **kw).fit(X, Y)
    coef = m._coef_.T / m._x_std[:, None]
    s = signs(m.x_weights_)
    return m, {
        'coef': mat(coef),
        'predict_test': mat(m.predict(Xte[:nte])),
        'x_weights': mat(m.x_weights_ * s),
        'y_weights': mat(m.y_weights_ * s),
        'x_loadings': mat(m.x_loadings_ * s),
        'y_loadings': mat(m.y_loadings_ * s),
        'x_rotations': mat(m.x_rotations_ * s),
    }


def main():
    out = {'source': f'scripts/reference/pls_sklearn.py: Python {sys.version.split()[0]}, numpy {np.__version__}, '
                     f'scipy {scipy.__version__}, scikit-learn {sklearn.__version__}',
           'sklearn_scale_sd': 'ddof=1 (sample sd, n - 1); a zero sd is replaced by 1',
           'sklearn_regression_default_tol_max_abs_coef_diff': {}}
    for name, (X, Y, Xte, Yte, k, nte) in load().items():
        sec = {'k': k}
        for scale in (False, True):
            mx, sx, my, sy = stats(X, Y, scale)
            part = {'x_mean': [float(v) for v in mx], 'x_sd': [float(v) for v in sx],
                    'y_mean': [float(v) for v in my], 'y_sd': [float(v) for v in sy]}
            _, part['regression_sklearn'] = regression(X, Y, Xte, k, nte, scale, tol=1e-30, max_iter=100000)
            _, loose = regression(X, Y, Xte, k, nte, scale)
            out['sklearn_regression_default_tol_max_abs_coef_diff'][f'{name}_scale_{str(scale).lower()}'] = float(
                np.max(np.abs(np.array(loose['coef']) - np.array(part['regression_sklearn']['coef']))))
            part['canonical'] = canonical(PLSCanonical(n_components=k, algorithm='svd', scale=scale).fit(X, Y), Xte, Yte, nte)
            part['svd'] = canonical(PLSSVD(n_components=k, scale=scale).fit(X, Y), Xte, Yte, nte, loadings=False)
            sec[f'scale_{str(scale).lower()}'] = part
        out[name] = sec
    print(json.dumps(out))


if __name__ == '__main__':
    main()
