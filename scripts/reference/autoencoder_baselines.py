"""Baselines for the multimodal autoencoder on the digits (scikit-learn, not this package).

Run: /usr/bin/python3 scripts/reference/autoencoder_baselines.py > test/fixtures/autoencoder-baselines.json

Digits (data/digits.csv), pixels / 16, rows 0..1499 train, 1500..1796 test. For the halves
(left = columns 0..3 of every image row, right = columns 4..7) and for three horizontal bands
(pixel rows 0-2, 3-5, 6-7), the held-out mean squared error per element of each target
modality predicted from each single given modality by ridge regression with intercept
(alpha 1e-2) and by the training mean.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import Ridge

raw = np.loadtxt(sys.path[0] + '/../../data/digits.csv', delimiter=',')
pix = raw[:, :64].reshape(-1, 8, 8) / 16.0
tr, te = slice(0, 1500), slice(1500, None)


def split(kind):
    if kind == 'halves':
        return [pix[:, :, :4].reshape(len(pix), -1), pix[:, :, 4:].reshape(len(pix), -1)]
    return [pix[:, 0:3, :].reshape(len(pix), -1), pix[:, 3:6, :].reshape(len(pix), -1), pix[:, 6:8, :].reshape(len(pix), -1)]


out = {'versions': {'numpy': np.__version__, 'sklearn': sklearn.__version__}}
for kind in ['halves', 'bands']:
    views = split(kind)
    rows = []
    for g, X in enumerate(views):
        for t, Y in enumerate(views):
            if t == g:
                continue
            pred = Ridge(alpha=1e-2).fit(X[tr], Y[tr]).predict(X[te])
            mean = np.broadcast_to(Y[tr].mean(0), Y[te].shape)
            rows.append({'given': g, 'target': t, 'ridge': float(((pred - Y[te]) ** 2).mean()), 'mean': float(((mean - Y[te]) ** 2).mean())})
    out[kind] = rows
print(json.dumps(out, indent=1))
