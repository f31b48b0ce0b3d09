"""PyTorch reference of the multimodal VAE (issue 38), following scripts/reference/mvae_spec.md: the
MultimodalVAE module of python/crossmodal_torch.py trained on the digits halves with the
default quality recipe (RECIPE below), and a small deterministic fixture of the forward math.

Run: /usr/bin/python3 scripts/reference/mvae.py --jobs 2 > test/fixtures/mvae-reference.json
     /usr/bin/python3 scripts/reference/mvae.py mopoe > ...  (some fusions only; default mopoe poe moe)
     --jobs N          trained models in N worker processes at once (one thread each; default 1);
                       the numbers are the same for any N, only the seconds change
     --no-previous     leave out the previous recipe (the key previousRecipe)
(Debian python3-torch 1.13, CPU, one thread per process; about 45 s per model of the recipe and
15 s of the previous one on a quiet core, about 5 minutes in all with --jobs 2; progress on stderr.)

Recipes. RECIPE (JSON 'recipe', 'runs', 'meanOverSeeds') is the MultimodalVAE's default, chosen by
the validation sweep of scripts/reference/mvae_sweep.md (option B there: beta 0.25, hidden [256, 256]).
PREVIOUS_RECIPE (JSON 'previousRecipe': its 'recipe', 'runs', 'meanOverSeeds') is the spec's first
recipe (scripts/reference/mvae_spec.md: beta 1, hidden [128]), kept for comparison; same protocol.

Quality (per recipe, per fusion, seeds 0 and 1; torch.manual_seed(seed) before building the model,
the epoch shuffles from torch.Generator().manual_seed(seed), the evaluation draws from
torch.Generator().manual_seed(1000 + seed)):
  data       data/digits.csv, pixels / 16; left = columns 0..3 of every image row, right = 4..7;
             rows 0..1499 train, 1500..1796 held out
  model      widths [32, 32], latent 16, hidden [256, 256], LeakyReLU 0.01, crossmodal's init (He
             normal, zero biases), bernoulli, beta 0.25; float32 (previous: hidden [128], beta 1)
  training   300 epochs, batch 100 (15 full batches), rows shuffled every epoch, Adam lr 1e-3
             (betas .9 .999, eps 1e-8); the per-row loss -Σ_k w_k ELBO_k, one eps draw per term;
             finalLoss = the last epoch's mean over rows (as it trained); secondsPerEpoch = the
             training time / epochs (wall clock, one thread; 'timing' gives the load it ran under)
  measures   on the held-out rows, the model in float64:
     mseRightFromLeft   reconstruct([left, None]) right vs the true right, mean over elements
     crossCoherence     right halves sampled given the left (one draw each; the decoded
                        probabilities), [left | sampled right] re-interleaved to 8×8, classified
                        by the judge; share equal to the true label
     jointCoherence     1000 prior draws z ~ N(0, I), both halves decoded; share where the
                        left-half judge and the right-half judge agree
     logLikelihood      IWAE, K = 1000, both views: mean nats per held-out row
     heldOutLoss        the objective on the held-out rows (one eps draw per term)
Judges: as crossmodal's Classifier with its defaults (src/models/neural/classifier.ts): ReLU,
He init, Adam lr 1e-3, batch 128 (the last incomplete batch dropped), 60 epochs, softmax
cross-entropy, seed 0 (torch.manual_seed(0) and the shuffles from Generator seed 0); [64, 128, 10]
on the 1500 training digits (demo/demo.js's judge), [32, 128, 10] on the left / right halves.

Fixture ('fixture'): widths [5, 3], latent 2, hidden [4], LeakyReLU 0.01, float64 weights
given in the JSON (PyTorch's layout: weight is out × in, y = x Wᵀ + b; names as the state_dict),
3 rows of inputs in [0, 1], fixed standard-normal eps; the per-row loss for each fusion and each
likelihood ('bernoulli', gaussian with fixed scale 0.5, gaussian with learned scales
log_scales = [0.1, -0.2]), with both views and with view 1 missing; the IWAE estimate with K = 4
fixed draws and fixed mixture picks; encode() and reconstruct() outputs; the gradient of the
mean loss. Computed by the module in float64 and checked against a plain per-row numpy
implementation written separately below (to 1e-12).
Term order (eps[k] goes with term k) and component order (picks index them): subsets as bit
masks (bit v = view v), ascending: with both views {0}, {1}, {0, 1}.
"""
import json
import math
import multiprocessing
import os
import platform
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'python'))
from crossmodal_torch import MultimodalVAE, mlp  # noqa: E402

torch.set_num_threads(1)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def versions():
    return {'python': platform.python_version(), 'torch': torch.__version__, 'numpy': np.__version__}


# ---------------------------------------------------------------------------------------------
# recipes

_COMMON = {'epochs': 300, 'batchSize': 100, 'optimizer': 'Adam', 'learningRate': 1e-3, 'betas': [0.9, 0.999], 'eps': 1e-8,
           'latent': 16, 'activation': 'leaky_relu', 'init': 'he', 'likelihood': 'bernoulli', 'fusion': 'mopoe',
           'dtype': 'float32 (training), float64 (measures)', 'train': [0, 1500], 'heldOut': [1500, 1797],
           'iwaeSamples': 1000, 'jointSamples': 1000}
# the MultimodalVAE's defaults ('fusion' is the default fusion; every fusion is trained)
RECIPE = {**_COMMON, 'hidden': [256, 256], 'beta': 0.25}
# the spec's first recipe (scripts/reference/mvae_spec.md), before the sweep
PREVIOUS_RECIPE = {**_COMMON, 'hidden': [128], 'beta': 1}
RECIPES = {'recipe': RECIPE, 'previousRecipe': PREVIOUS_RECIPE}


# ---------------------------------------------------------------------------------------------
# data

def digits():
    left, right, labels, pixels = [], [], [], []
    for line in open(os.path.join(REPO, 'data', 'digits.csv')):
        if not line.strip():
            continue
        v = [float(t) for t in line.split(',')]
        pixels.append([p / 16 for p in v[:64]])
        labels.append(int(v[64]))
        left.append([v[r * 8 + c] / 16 for r in range(8) for c in range(4)])
        right.append([v[r * 8 + c] / 16 for r in range(8) for c in range(4, 8)])
    return np.array(left), np.array(right), np.array(labels), np.array(pixels)


def interleave(left, right):
    """n×32 left and right halves back to n×64 images: pixel (y, x) = left[y*4 + x] for x < 4, else right[y*4 + x - 4]."""
    n = left.shape[0]
    return torch.cat([left.reshape(n, 8, 4), right.reshape(n, 8, 4)], 2).reshape(n, 64)


# ---------------------------------------------------------------------------------------------
# judges: crossmodal's Classifier defaults

def he_init(net):
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.Linear):
                m.weight.normal_(0.0, (2.0 / m.in_features) ** 0.5)
                m.bias.zero_()


def train_judge(X, y, layers, epochs=60, batch=128, lr=1e-3, seed=0):
    torch.manual_seed(seed)
    net = mlp(layers, activation='relu')
    he_init(net)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    n = len(X)
    for _ in range(epochs):
        order = torch.randperm(n, generator=g)
        for s in range(0, n - batch + 1, batch):
            idx = order[s:s + batch]
            loss = torch.nn.functional.cross_entropy(net(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return net


def predict(net, X):
    with torch.no_grad():
        return net(torch.as_tensor(X, dtype=torch.float32)).argmax(1)


# ---------------------------------------------------------------------------------------------
# quality

def train(model, opt, xl, xr, epochs, batch, g, each_epoch=None):
    """Epochs of shuffled batches (the order from generator g), each step on the batch's mean
    per-row loss; returns each epoch's mean loss per row (each_epoch(epoch, it) after each)."""
    n, curve = len(xl), []
    for epoch in range(epochs):
        order = torch.randperm(n, generator=g)
        total = 0.0
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            per_row = model.loss([xl[idx], xr[idx]])
            opt.zero_grad()
            per_row.mean().backward()
            opt.step()
            total += float(per_row.sum())
        curve.append(total / n)
        if each_epoch:
            each_epoch(epoch, curve[-1])
    return curve


def run(fusion, seed, data, judges, recipe=RECIPE):
    L, R, labels, _ = data
    judge, judge_left, judge_right = judges
    epochs, batch, lr = recipe['epochs'], recipe['batchSize'], recipe['learningRate']
    xl, xr = torch.tensor(L[:1500], dtype=torch.float32), torch.tensor(R[:1500], dtype=torch.float32)
    torch.manual_seed(seed)
    model = MultimodalVAE([32, 32], latent=recipe['latent'], hidden=recipe['hidden'], fusion=fusion,
                          likelihood=recipe['likelihood'], beta=recipe['beta'], activation=recipe['activation'], init=recipe['init'])
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=tuple(recipe['betas']), eps=recipe['eps'])
    g = torch.Generator().manual_seed(seed)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()

    def progress(epoch, loss):
        if epoch % 50 == 0 or epoch == epochs - 1:
            log(f'  {fusion} seed {seed} (hidden {recipe["hidden"]}, beta {recipe["beta"]}) epoch {epoch + 1}: {loss:.3f}')
    curve = train(model, opt, xl, xr, epochs, batch, g, progress)
    secs = time.perf_counter() - t0
    load1 = os.getloadavg()[0]

    m = model.double().eval()
    tl, tr = torch.tensor(L[1500:]), torch.tensor(R[1500:])
    tlab = torch.tensor(labels[1500:])
    ev = torch.Generator().manual_seed(1000 + seed)
    with torch.no_grad():
        held_loss = float(m.loss([tl, tr], generator=ev).mean())
        rec = m.reconstruct([tl, None])[1]
        mse = float(((rec - tr) ** 2).mean())
        mse_both = float(((m.reconstruct([tl, tr])[1] - tr) ** 2).mean())
        sampled = m.sample([tl, None], generator=ev)[1]
        cross = float((predict(judge, interleave(tl, sampled)) == tlab).double().mean())
        cross_rec = float((predict(judge, interleave(tl, rec)) == tlab).double().mean())
        prior = m.sample([None, None], generator=ev, rows=recipe['jointSamples'])
        joint = float((predict(judge_left, prior[0]) == predict(judge_right, prior[1])).double().mean())
        joint_full = predict(judge, interleave(prior[0], prior[1]))
        t1 = time.perf_counter()
        ll = m.log_likelihood([tl, tr], samples=recipe['iwaeSamples'], generator=ev)
        ll_left = m.log_likelihood([tl, None], samples=recipe['iwaeSamples'], generator=ev)
        ll_secs = time.perf_counter() - t1
    return {
        'fusion': fusion, 'seed': seed,
        'finalLoss': curve[-1],
        'lossEvery50Epochs': [curve[i] for i in range(0, epochs, 50)] + [curve[-1]],
        'heldOutLoss': held_loss,
        'mseRightFromLeft': mse,
        'mseRightFromBoth': mse_both,
        'crossCoherence': cross,
        'crossCoherenceReconstructed': cross_rec,
        'jointCoherence': joint,
        'jointClassesFullJudge': torch.bincount(joint_full, minlength=10).tolist(),
        'logLikelihood': float(ll.mean()),
        'logLikelihoodLeftOnly': float(ll_left.mean()),
        'secondsPerEpoch': secs / epochs,
        'secondsLogLikelihood': ll_secs,
        'loadAverage': [load0, load1],
    }


# the trained models in worker processes (spawned, one thread each); each trains the judges once
# (deterministic, under a second) rather than receive them
_worker = {}


def _work(task):
    torch.set_num_threads(1)
    if 'data' not in _worker:
        _worker['data'] = digits()
        _worker['judges'] = make_judges(_worker['data'])
    key, fusion, seed = task
    return key, run(fusion, seed, _worker['data'], _worker['judges'], RECIPES[key])


# ---------------------------------------------------------------------------------------------
# the deterministic fixture, and a plain per-row numpy implementation to check it

def np_softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def np_mlp(state, prefix, x):
    """x through the Sequential `prefix` (Linears at even indices, LeakyReLU 0.01 between)."""
    idx = sorted({int(k.split('.')[-2]) for k in state if k.startswith(prefix + '.')})
    h = np.array(x, dtype=np.float64)
    for j, i in enumerate(idx):
        W, b = state[f'{prefix}.{i}.weight'], state[f'{prefix}.{i}.bias']
        h = W @ h + b
        if j < len(idx) - 1:
            h = np.where(h > 0, h, 0.01 * h)
    return h


def np_row(state, fusion, lik, row, present, eps_terms, iw_eps, iw_picks, latent):
    """Loss and IWAE of one row, written plainly from the spec."""
    ex = {}
    for v in present:
        h = np_mlp(state, f'encoders.{v}', row[v])
        ex[v] = (h[:latent], h[latent:])
    full = sum(1 << v for v in present)
    members = lambda s: [v for v in present if s >> v & 1]  # noqa: E731
    subs = [s for s in range(1, full + 1) if s & full == s]

    def gauss(s):
        vs = members(s)
        if fusion != 'poe' and len(vs) == 1:
            return ex[vs[0]]
        T = (1.0 if fusion == 'poe' else 0.0) + sum(np.exp(-ex[v][1]) for v in vs)
        mu = sum(ex[v][0] * np.exp(-ex[v][1]) for v in vs) / T
        return mu, -np.log(T)

    def log_px(v, z):
        out = np_mlp(state, f'decoders.{v}', z)
        x = np.array(row[v])
        kind, scale = lik[v]
        if kind == 'bernoulli':
            return sum(x[j] * out[j] - np_softplus(out[j]) for j in range(len(x)))
        s = scale
        return sum(-0.5 * ((x[j] - out[j]) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi) for j in range(len(x)))

    if fusion == 'poe':
        terms = sorted({full} | {1 << v for v in present})
        terms = [(s, 1.0) for s in terms]
        comps = [full]
    elif fusion == 'moe':
        terms = [(1 << v, 1.0 / len(present)) for v in present]
        comps = [1 << v for v in present]
    else:
        terms = [(s, 1.0 / len(subs)) for s in subs]
        comps = subs
    loss = 0.0
    for k, (s, w) in enumerate(terms):
        mu, lv = gauss(s)
        z = mu + np.exp(lv / 2) * eps_terms[k]
        rec = sum(log_px(u, z) for u in present)
        kl = 0.5 * np.sum(np.exp(lv) + mu ** 2 - 1 - lv)
        loss -= w * (rec - kl)
    cg = [gauss(c) for c in comps]
    ws = []
    for e, p in zip(iw_eps, iw_picks):
        mu, lv = cg[p]
        z = mu + np.exp(lv / 2) * e
        lp = -0.5 * np.sum(z ** 2) - latent / 2 * math.log(2 * math.pi)
        lq = [np.sum(-0.5 * ((z - m) ** 2 / np.exp(l) + l + math.log(2 * math.pi))) for m, l in cg]
        mx = max(lq)
        lq = mx + math.log(sum(math.exp(a - mx) for a in lq)) - math.log(len(cg))
        ws.append(sum(log_px(u, z) for u in present) + lp - lq)
    mx = max(ws)
    iw = mx + math.log(sum(math.exp(a - mx) for a in ws)) - math.log(len(ws))
    return loss, iw


def fixture():
    widths, latent, hidden, n, K = [5, 3], 2, [4], 3, 4
    torch.manual_seed(38)
    base = MultimodalVAE(widths, latent=latent, hidden=hidden, fusion='mopoe', likelihood='gaussian').double()
    with torch.no_grad():
        for k, p in base.named_parameters():
            # round to 1/1024 so that the weights are short exact decimals-in-binary
            p.copy_(torch.round(torch.randn(p.shape, dtype=torch.float64) * 0.6 * 1024) / 1024)
        base.log_scales.copy_(torch.tensor([0.1, -0.2], dtype=torch.float64))
    state = {k: v.detach().clone() for k, v in base.state_dict().items()}
    g = torch.Generator().manual_seed(380)
    X = [torch.round(torch.rand(n, d, generator=g, dtype=torch.float64) * 64) / 64 for d in widths]
    eps = torch.round(torch.randn(3, n, latent, generator=g, dtype=torch.float64) * 256) / 256
    iw_eps = torch.round(torch.randn(K, n, latent, generator=g, dtype=torch.float64) * 256) / 256
    iw_picks = torch.randint(0, 3, (K, n), generator=g)  # component index = pick mod the count of components

    likelihoods = {
        'bernoulli': 'bernoulli',
        'gaussian-0.5': {'type': 'gaussian', 'scale': 0.5},
        'gaussian-learned': 'gaussian',
    }
    cases, worst = [], 0.0
    for fusion in MultimodalVAE.FUSIONS:
        for lname, lik in likelihoods.items():
            m = MultimodalVAE(widths, latent=latent, hidden=hidden, fusion=fusion, likelihood=lik).double()
            sd = {k: v for k, v in state.items() if k != 'log_scales' or m.log_scales is not None}
            m.load_state_dict(sd)
            for missing in (None, 1):
                views = [x if v != missing else None for v, x in enumerate(X)]
                present = [v for v in range(2) if v != missing]
                P = sum(1 << v for v in present)
                nterms, ncomps = len(m.terms(P)), len(m.components(P))
                e = eps[:nterms]
                picks = iw_picks % ncomps
                m.zero_grad()
                per_row = m.loss(views, eps=list(e))
                per_row.mean().backward()
                grads = {k: p.grad.tolist() for k, p in m.named_parameters() if p.grad is not None}
                with torch.no_grad():
                    iw = m.log_likelihood(views, eps=iw_eps, picks=picks)
                    mu, lv = m.encode(views)
                    rec = m.reconstruct(views)
                # the numpy check
                npstate = {k: v.numpy() for k, v in state.items()}
                npl = [(kind, scale if scale is not None else math.exp(state['log_scales'][v].item())) for v, (kind, scale) in enumerate(m.likelihoods)]
                for i in range(n):
                    row = [X[v][i].tolist() for v in range(2)]
                    l_np, iw_np = np_row(npstate, fusion, npl, row, present, [e[k, i].numpy() for k in range(nterms)],
                                         [iw_eps[k, i].numpy() for k in range(K)], [int(picks[k, i]) for k in range(K)], latent)
                    worst = max(worst, abs(l_np - float(per_row[i])) / max(1, abs(l_np)), abs(iw_np - float(iw[i])) / max(1, abs(iw_np)))
                cases.append({
                    'fusion': fusion, 'likelihood': lik, 'likelihoodName': lname, 'missing': missing,
                    'terms': [[mask, w] for mask, w in m.terms(P)],
                    'components': m.components(P),
                    'loss': per_row.tolist(), 'meanLoss': float(per_row.mean()),
                    'iwae': iw.tolist(), 'meanIwae': float(iw.mean()),
                    'iwaePicks': picks.tolist(),
                    'encode': {'mu': mu.tolist(), 'logvar': lv.tolist()},
                    'reconstruct': [r.tolist() for r in rec],
                    'gradient': grads,
                })
    if worst > 1e-12:
        raise AssertionError(f'the module and the numpy implementation differ by {worst:.3g}')
    log(f'fixture: module vs numpy, largest relative difference {worst:.3g}')
    return {
        'widths': widths, 'latent': latent, 'hidden': hidden, 'activation': 'leaky_relu', 'leakySlope': 0.01, 'beta': 1,
        'note': 'weights: PyTorch layout (out × in, y = x Wᵀ + b); log_scales only used by gaussian-learned (s_v = exp(log_scales[v])). '
                'eps[k] (n × latent) goes with terms[k] (subset bit masks ascending); a term list shorter than 3 uses eps[0..]. '
                'iwaeEps is K × n × latent, iwaePicks K × n component indices into components (iwaePicksRaw mod the count). '
                'missing: the index of the view given as null for every row (null: both present). '
                'gradient: d meanLoss / d parameter, same layout as the weights. '
                f'Checked against a plain numpy implementation: largest relative difference {worst:.3g}.',
        'weights': {k: v.tolist() for k, v in state.items()},
        'inputs': [x.tolist() for x in X],
        'eps': eps.tolist(),
        'iwaeEps': iw_eps.tolist(),
        'iwaePicksRaw': iw_picks.tolist(),
        'cases': cases,
        'maxDifferenceNumpy': worst,
    }


# ---------------------------------------------------------------------------------------------

def make_judges(data):
    L, R, labels, pixels = data
    return (train_judge(pixels[:1500], labels[:1500], [64, 128, 10]),
            train_judge(L[:1500], labels[:1500], [32, 128, 10]),
            train_judge(R[:1500], labels[:1500], [32, 128, 10]))


MEAN_KEYS = ['finalLoss', 'heldOutLoss', 'mseRightFromLeft', 'crossCoherence', 'jointCoherence', 'logLikelihood', 'secondsPerEpoch']


def main():
    args = sys.argv[1:]
    jobs, previous = 1, True
    if '--jobs' in args:
        i = args.index('--jobs')
        jobs = int(args[i + 1])
        del args[i:i + 2]
    if '--no-previous' in args:
        args.remove('--no-previous')
        previous = False
    fusions = args or ['mopoe', 'poe', 'moe']
    start = time.perf_counter()
    out = {
        'generatedBy': 'scripts/reference/mvae.py',
        'description': 'PyTorch reference of the multimodal VAE (issue 38; scripts/reference/mvae_spec.md; the defaults from the sweep '
                       'of scripts/reference/mvae_sweep.md): scripts/reference/mvae.py. recipe / runs / meanOverSeeds: the default '
                       'recipe (beta 0.25, hidden [256, 256]); previousRecipe: the spec\'s first recipe (beta 1, hidden [128]).',
        'versions': versions(),
        'recipe': RECIPE,
        'fixture': fixture(),
    }
    data = digits()
    L, R, labels, pixels = data
    t = time.perf_counter()
    judge, judge_left, judge_right = make_judges(data)
    acc = lambda net, X: float((predict(net, X) == torch.tensor(labels[1500:])).double().mean())  # noqa: E731
    out['judges'] = {
        'options': {'hidden': [128], 'activation': 'relu', 'init': 'he', 'epochs': 60, 'batchSize': 128, 'keepLastBatch': False,
                    'optimizer': 'Adam', 'learningRate': 1e-3, 'seed': 0},
        'heldOutAccuracy': {'full': acc(judge, pixels[1500:]), 'left': acc(judge_left, L[1500:]), 'right': acc(judge_right, R[1500:])},
        'seconds': time.perf_counter() - t,
    }
    log('judges', out['judges']['heldOutAccuracy'])
    # the recipe's models first (fusions in the order given), then the previous recipe's
    tasks = [(key, fusion, seed) for key in (['recipe', 'previousRecipe'] if previous else ['recipe'])
             for fusion in fusions for seed in (0, 1)]
    results = {key: [] for key, _, _ in tasks}
    if jobs <= 1:
        for key, fusion, seed in tasks:
            results[key].append(run(fusion, seed, data, (judge, judge_left, judge_right), RECIPES[key]))
            log(key, {k: v for k, v in results[key][-1].items() if k not in ('lossEvery50Epochs', 'jointClassesFullJudge')})
    else:
        with multiprocessing.get_context('spawn').Pool(jobs) as pool:
            done = {}
            for key, r in pool.imap_unordered(_work, tasks):
                log(key, {k: v for k, v in r.items() if k not in ('lossEvery50Epochs', 'jointClassesFullJudge')})
                done[(key, r['fusion'], r['seed'])] = r
        for t in tasks:
            results[t[0]].append(done[t])
    means = lambda runs: {f: {k: float(np.mean([r[k] for r in runs if r['fusion'] == f])) for k in MEAN_KEYS} for f in fusions}  # noqa: E731
    out['runs'] = results['recipe']
    out['meanOverSeeds'] = means(results['recipe'])
    out['targets'] = {'mseRightFromLeft': '<= 0.0496', 'crossCoherence': '>= 0.78'}
    if previous:
        out['previousRecipe'] = {
            'note': 'the spec\'s first recipe (scripts/reference/mvae_spec.md), the default before the sweep of scripts/reference/mvae_sweep.md; '
                    'same data, judges, seeds and measures as the recipe',
            'recipe': PREVIOUS_RECIPE,
            'runs': results['previousRecipe'],
            'meanOverSeeds': means(results['previousRecipe']),
        }
    out['timing'] = {'jobs': jobs, 'cpus': os.cpu_count(),
                     'note': 'secondsPerEpoch is wall clock with one thread per process; with jobs > 1 the models trained '
                             'side by side, and other work may have shared the machine (each run\'s loadAverage: the '
                             '1-minute load average before and after its training)'}
    out['seconds'] = time.perf_counter() - start
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    torch.set_num_threads(1)
    main()
