"""Reference retrieval figures (issue 40), numpy only, written from the definitions, not from this package.

Run: /usr/bin/python3 scripts/reference/retrieval.py > test/fixtures/retrieval-reference.json

Definitions (as metrics.retrieval documents them):
- similarity in f64: cosine, (q / |q|) . (g / |g|); euclidean, minus the distance, ranked by the
  squared distance sum((q - g)^2) (computed directly here, not from norms).
- the rank of a relevant gallery row = 1 + the number of gallery rows strictly more similar.
- relevance 'paired': gallery row i is query i's only relevant row; labels: one label per gallery
  row, query i has labels[i], the gallery rows with its label are relevant.
- recall@k: share of queries whose best relevant row has rank <= k; medianRank: numpy median of
  those best ranks.
- average precision over the full ranking that orders the gallery by similarity, relevant rows
  first among equal similarities (then by index): mean over relevant rows of
  (relevant rows up to its position) / position. Built here by sorting the whole row.
- indices / scores: the top max(k) rows by similarity descending, ties to the lower index;
  scores the cosine, or the Euclidean distance sqrt(squared distance).
Cases: random Gaussian rows (rounded to 6 decimals so both sides read the same numbers) and
small-integer rows with duplicated gallery rows (exact ties). The same bytes on every run.
"""
import json
import sys

import numpy as np


def similarities(Q, G, metric):
    if metric == 'cosine':
        Qn = Q / np.sqrt((Q * Q).sum(1))[:, None]
        Gn = G / np.sqrt((G * G).sum(1))[:, None]
        return Qn @ Gn.T
    return -((Q[:, None, :] - G[None, :, :]) ** 2).sum(-1)


def figures(Q, G, relevance, metric, ks):
    S = similarities(Q, G, metric)
    nq, ng = S.shape
    glab = np.arange(ng) if isinstance(relevance, str) else np.asarray(relevance)
    qlab = np.arange(nq) if isinstance(relevance, str) else glab[:nq]
    K = max(ks)
    best, aps, top, scores = [], [], [], []
    for i in range(nq):
        s = S[i]
        rel = glab == qlab[i]
        ranks = np.array([1 + int((s > s[j]).sum()) for j in np.flatnonzero(rel)])
        best.append(int(ranks.min()))
        # the full ranking: similarity descending, relevant first among equals, then index
        order = np.lexsort((np.arange(ng), ~rel, -s))
        hits = rel[order]
        pos = np.flatnonzero(hits) + 1
        aps.append(float(np.mean(np.arange(1, len(pos) + 1) / pos)))
        t = np.lexsort((np.arange(ng), -s))[:K]
        top.append(t.tolist())
        scores.append((s[t] if metric == 'cosine' else np.sqrt(-s[t])).tolist())
    best = np.array(best)
    return {
        'recallAt': [float((best <= k).mean()) for k in ks],
        'meanAveragePrecision': float(np.mean(aps)),
        'medianRank': float(np.median(best)),
        'bestRank': best.tolist(),
        'averagePrecision': aps,
        'indices': top,
        'scores': scores,
    }


rng = np.random.default_rng(40)
cases = []


def case(name, Q, G, relevance, metric, ks):
    out = {'name': name, 'metric': metric, 'k': ks, 'relevance': relevance if isinstance(relevance, str) else [int(v) for v in relevance],
           'queries': Q.tolist(), 'gallery': G.tolist()}
    out.update(figures(Q, G, relevance, metric, ks))
    cases.append(out)


A = rng.normal(size=(53, 7)).round(6)
B = (0.8 * A + 0.6 * rng.normal(size=(53, 7))).round(6)
case('paired cosine, 37 queries, 53 gallery rows', A[:37], B, 'paired', 'cosine', [1, 5, 10])
case('paired euclidean, 37 queries, 53 gallery rows', A[:37], B, 'paired', 'euclidean', [1, 5, 10])
lab = rng.integers(0, 4, size=61)
C = (rng.normal(size=(61, 5)) + 0.7 * np.eye(5)[lab % 5]).round(6)
D = (rng.normal(size=(61, 5)) + 0.7 * np.eye(5)[lab % 5]).round(6)
case('labels cosine, 4 classes, 40 queries, 61 gallery rows', C[:40], D, lab, 'cosine', [1, 3, 10])
case('labels euclidean, 4 classes, 61 queries', C, D, lab, 'euclidean', [2, 7])
# exact ties: small integers, gallery rows duplicated
E = rng.integers(-2, 3, size=(50, 3)).astype(float)
F = rng.integers(-2, 3, size=(50, 3)).astype(float)
F[25:] = F[:25]
labt = rng.integers(0, 3, size=50)
case('labels euclidean, integer rows with ties', E, F, labt, 'euclidean', [1, 5, 10])
case('paired euclidean, integer rows with ties', E, F, 'paired', 'euclidean', [1, 4])
G2 = rng.normal(size=(30, 4)).round(6)
G2[15:] = G2[:15]
case('paired cosine, duplicated gallery rows', G2[:20] + rng.normal(size=(20, 4)).round(6), G2, 'paired', 'cosine', [1, 2, 5])
labc = rng.integers(0, 2, size=30)
case('labels cosine, duplicated gallery rows', G2, G2, labc, 'cosine', [1, 5])

json.dump({'generator': 'scripts/reference/retrieval.py', 'versions': {'python': sys.version.split()[0], 'numpy': np.__version__}, 'cases': cases}, sys.stdout, separators=(',', ':'))
print()
