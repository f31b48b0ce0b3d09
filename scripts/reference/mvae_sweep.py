"""Sweep of the MultimodalVAE defaults (issue 38) on a validation split.

Selection: train on rows 0..1199, measure on rows 1200..1499 (validation). Judges come from
scripts/reference/mvae.py train_judge: the spec's (trained on rows 0..1499) and, for the selection
measure 'cross2', a [64,128,10] judge trained on rows 0..1199 only, so it never saw the validation rows. The held-out rows
1500..1796 are only touched for the chosen setting(s), through scripts/reference/mvae.py's own
run() (trained on rows 0..1499, seeds 0 and 1), with the model's constructor arguments
(latent, hidden, beta) injected.

Usage (/usr/bin/python3, torch 1.13 CPU, one thread per process):
  python3 mvae_sweep.py val  STAGE [WORKER NWORKERS]   run the validation configs of STAGE (skip cached ones)
  python3 mvae_sweep.py held CONFIG [WORKER NWORKERS]  held-out runs of one config (all fusions, seeds 0, 1)
  python3 mvae_sweep.py held CONFIG W N only           the same, the config's own fusion only
  python3 mvae_sweep.py judges                         the judges' accuracy on true validation / held-out images
  python3 mvae_sweep.py timing CONFIG[,CONFIG...]      training time alone on rows 0..1499 (seed 0)
  python3 mvae_sweep.py table                          write scripts/reference/mvae_sweep.md from the cache
                                                       (with mvae_sweep_notes.md, the findings, at the top)
Stages as run: 1, 2, 4, 6, 7, 8 with seeds 0,1; 3 with seeds 2; 5 with seeds 3,4; 9 with seeds 2,3,4;
mopoe:0.25:16:256:300:0.002 also with seeds 2,3,4. Held out: mopoe:0.25:16:256:300:0.001 (all fusions; chosen
before any held-out run), mopoe:1:16:128:300:0.001 only (the spec's recipe), mopoe:0.25:16:256x256:300:0.001
(all fusions; run after the first held-out result).
Results are appended to scripts/reference/mvae_sweep_results.jsonl (one JSON object a line).
A config is written fusion:beta:latent:hidden:epochs:lr, e.g. mopoe:1:16:128:300:0.001 (hidden 256x256).
"""
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'scripts', 'reference'))
sys.path.insert(0, os.path.join(REPO, 'python'))
import mvae  # noqa: E402  (sets torch.set_num_threads(1))
from crossmodal_torch import MultimodalVAE  # noqa: E402

torch.set_num_threads(1)
CACHE = os.path.join(HERE, 'mvae_sweep_results.jsonl')
TABLE = os.path.join(HERE, 'mvae_sweep.md')
NOTES = os.path.join(HERE, 'mvae_sweep_notes.md')  # the findings, written by hand, put at the top of the table
TRAIN, VAL = (0, 1200), (1200, 1500)


def parse(cfg):
    f, beta, latent, hidden, epochs, lr = cfg.split(':')
    return {'fusion': f, 'beta': float(beta), 'latent': int(latent),
            'hidden': [int(h) for h in hidden.split('x')], 'epochs': int(epochs), 'lr': float(lr)}


def name(c):
    return f"{c['fusion']}:{c['beta']:g}:{c['latent']}:{'x'.join(map(str, c['hidden']))}:{c['epochs']}:{c['lr']:g}"


BASE = 'mopoe:1:16:128:300:0.001'
STAGES = {
    # one factor at a time from the spec's recipe
    '1': [BASE, 'mopoe:0.5:16:128:300:0.001', 'mopoe:0.25:16:128:300:0.001', 'mopoe:1:32:128:300:0.001',
          'mopoe:1:16:256:300:0.001', 'mopoe:1:16:256x256:300:0.001', 'mopoe:1:16:128:600:0.001',
          'mopoe:1:16:128:300:0.002'],
    # the smaller betas (the clearest effect of stage 1) crossed with the other factors
    '2': ['mopoe:0.5:32:128:300:0.001', 'mopoe:0.25:32:128:300:0.001', 'mopoe:0.5:16:256:300:0.001',
          'mopoe:0.25:16:256:300:0.001', 'mopoe:0.5:16:128:300:0.002', 'mopoe:0.25:16:128:300:0.002',
          'mopoe:0.5:16:128:600:0.001', 'mopoe:0.25:16:128:600:0.001'],
    # a third seed (2) for the leading configs of stages 1-2 (run with seeds '2')
    '3': [BASE, 'mopoe:0.5:16:128:300:0.001', 'mopoe:0.25:16:128:300:0.001', 'mopoe:0.25:32:128:300:0.001',
          'mopoe:0.25:16:256:300:0.001', 'mopoe:0.5:16:256:300:0.001', 'mopoe:0.5:32:128:300:0.001'],
    # further crosses
    '4': ['mopoe:0.25:32:256:300:0.001', 'mopoe:0.5:32:256:300:0.001'],
    # seeds 3 and 4 (run with seeds '3,4') to separate the leading beta-0.25 configs
    '5': [BASE, 'mopoe:0.25:16:128:300:0.001', 'mopoe:0.25:16:256:300:0.001', 'mopoe:0.25:32:128:300:0.001',
          'mopoe:0.5:16:256:300:0.001'],
    # context: beta 0.1 (outside the brief's candidates), and poe / moe at the leading settings
    '6': ['mopoe:0.1:16:128:300:0.001', 'mopoe:0.1:16:256:300:0.001',
          'poe:0.25:16:128:300:0.001', 'moe:0.25:16:128:300:0.001', 'poe:0.25:16:256:300:0.001',
          'moe:0.25:16:256:300:0.001', 'poe:0.25:32:128:300:0.001', 'moe:0.25:32:128:300:0.001'],
    # after the held-out check of the choice (see the report): the deeper net with the smaller betas
    '7': ['mopoe:0.25:16:256x256:300:0.001', 'mopoe:0.5:16:256x256:300:0.001'],
    # more training for the choice at the same cost (lr 2e-3) or twice the cost (600 epochs)
    '8': ['mopoe:0.25:16:256:300:0.002', 'mopoe:0.25:16:256:600:0.001', 'mopoe:0.25:32:256:300:0.002'],
    # seeds 2, 3, 4 for the deeper net (run with seeds '2,3,4')
    '9': ['mopoe:0.25:16:256x256:300:0.001', 'mopoe:0.5:16:256x256:300:0.001'],
}


def load_cache():
    out = {}
    if os.path.exists(CACHE):
        for line in open(CACHE):
            if line.strip():
                r = json.loads(line)
                out[(r['phase'], r['config'], r['seed'])] = r
    return out


def append(r):
    with open(CACHE, 'a') as fh:
        fh.write(json.dumps(r) + '\n')


_judges = None


def judges(data):
    global _judges
    if _judges is None:
        L, R, labels, pixels = data
        _judges = (mvae.train_judge(pixels[:1500], labels[:1500], [64, 128, 10]),
                   mvae.train_judge(L[:1500], labels[:1500], [32, 128, 10]),
                   mvae.train_judge(R[:1500], labels[:1500], [32, 128, 10]),
                   # a judge that never saw the validation rows (trained on rows 0..1199 only)
                   mvae.train_judge(pixels[TRAIN[0]:TRAIN[1]], labels[TRAIN[0]:TRAIN[1]], [64, 128, 10]))
    return _judges


def val_run(c, seed, data):
    """As mvae.run (same seeding: torch.manual_seed(seed) before the model, shuffles from
    Generator(seed), evaluation draws from Generator(1000 + seed); float32 training, float64
    measures) but trained on TRAIN rows and measured on VAL rows, without the IWAE."""
    L, R, labels, _ = data
    judge, judge_left, judge_right, judge_tr = judges(data)
    xl = torch.tensor(L[TRAIN[0]:TRAIN[1]], dtype=torch.float32)
    xr = torch.tensor(R[TRAIN[0]:TRAIN[1]], dtype=torch.float32)
    torch.manual_seed(seed)
    model = MultimodalVAE([32, 32], latent=c['latent'], hidden=c['hidden'], fusion=c['fusion'],
                          likelihood='bernoulli', beta=c['beta'])
    opt = torch.optim.Adam(model.parameters(), lr=c['lr'], betas=(0.9, 0.999), eps=1e-8)
    g = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    curve = mvae.train(model, opt, xl, xr, c['epochs'], 100, g)
    secs = time.perf_counter() - t0
    m = model.double().eval()
    tl, tr = torch.tensor(L[VAL[0]:VAL[1]]), torch.tensor(R[VAL[0]:VAL[1]])
    tlab = torch.tensor(labels[VAL[0]:VAL[1]])
    ev = torch.Generator().manual_seed(1000 + seed)
    with torch.no_grad():
        val_loss = float(m.loss([tl, tr], generator=ev).mean())
        rec = m.reconstruct([tl, None])[1]
        mse = float(((rec - tr) ** 2).mean())
        sampled = m.sample([tl, None], generator=ev)[1]
        cross = float((mvae.predict(judge, mvae.interleave(tl, sampled)) == tlab).double().mean())
        cross2 = float((mvae.predict(judge_tr, mvae.interleave(tl, sampled)) == tlab).double().mean())
        cross_rec = float((mvae.predict(judge, mvae.interleave(tl, rec)) == tlab).double().mean())
        prior = m.sample([None, None], generator=ev, rows=1000)
        joint = float((mvae.predict(judge_left, prior[0]) == mvae.predict(judge_right, prior[1])).double().mean())
    return {'finalLoss': curve[-1], 'valLoss': val_loss, 'mse': mse, 'cross': cross, 'cross2': cross2, 'crossRec': cross_rec,
            'joint': joint, 'seconds': secs}


def held_run(c, seed, data):
    """mvae.run itself (train 0..1499, held out 1500..1796, IWAE K = 1000) on the recipe with the
    config's fusion, widths, β and training."""
    recipe = {**mvae.RECIPE, 'hidden': c['hidden'], 'latent': c['latent'], 'beta': c['beta'], 'epochs': c['epochs'], 'learningRate': c['lr']}
    r = mvae.run(c['fusion'], seed, data, judges(data)[:3], recipe=recipe)
    r['seconds'] = r['secondsPerEpoch'] * c['epochs']
    return r


def work(phase, configs, seeds, worker, nworkers):
    data = mvae.digits()
    cache = load_cache()
    jobs = [(cfg, s) for cfg in configs for s in seeds]
    for i, (cfg, seed) in enumerate(jobs):
        if i % nworkers != worker or (phase, cfg, seed) in cache:
            continue
        c = parse(cfg)
        r = val_run(c, seed, data) if phase == 'val' else held_run(c, seed, data)
        r.update({'phase': phase, 'config': cfg, 'seed': seed})
        append(r)
        mvae.log(phase, cfg, seed, {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()
                                    if k in ('mse', 'cross', 'cross2', 'joint', 'seconds', 'mseRightFromLeft', 'crossCoherence',
                                             'jointCoherence', 'logLikelihood')})


def judge_accuracy():
    """Accuracy of the judges on true images: the spec's judge (rows 0..1499) and the one trained on
    rows 0..1199, on the validation rows and on the held-out rows (the ceiling of cross-coherence)."""
    data = mvae.digits()
    L, R, labels, pixels = data
    judge, _, _, judge_tr = judges(data)
    acc = lambda net, a, b: float((mvae.predict(net, pixels[a:b]) == torch.tensor(labels[a:b])).double().mean())  # noqa: E731
    r = {'phase': 'judges', 'config': '-', 'seed': 0,
         'judge1500_val': acc(judge, *VAL), 'judge1500_held': acc(judge, 1500, 1797),
         'judge1200_val': acc(judge_tr, *VAL), 'judge1200_held': acc(judge_tr, 1500, 1797)}
    append(r)
    print(r)


def timing(configs):
    """Training time alone (no measures) of each config on the 1500 training rows, seed 0, one
    process, one thread: the recipe's cost for the library default (run these with nothing else of
    the sweep running)."""
    L, R, _, _ = mvae.digits()
    xl, xr = torch.tensor(L[:1500], dtype=torch.float32), torch.tensor(R[:1500], dtype=torch.float32)
    for cfg in configs:
        c = parse(cfg)
        torch.manual_seed(0)
        model = MultimodalVAE([32, 32], latent=c['latent'], hidden=c['hidden'], fusion=c['fusion'], beta=c['beta'])
        opt = torch.optim.Adam(model.parameters(), lr=c['lr'])
        g = torch.Generator().manual_seed(0)
        t0 = time.perf_counter()
        for _ in range(c['epochs']):
            order = torch.randperm(1500, generator=g)
            for s in range(0, 1500, 100):
                idx = order[s:s + 100]
                loss = model.loss([xl[idx], xr[idx]]).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
        r = {'phase': 'timing', 'config': cfg, 'seed': 0, 'seconds': time.perf_counter() - t0,
             'loadavg': open('/proc/loadavg').read().split()[0]}
        append(r)
        print(r, flush=True)


def fmt(x, d=3):
    return f'{x:.{d}f}'


def table():
    cache = load_cache()
    val = {}
    for (phase, cfg, seed), r in cache.items():
        if phase == 'val':
            val.setdefault(cfg, {})[seed] = r
    lines = ['# MultimodalVAE defaults sweep (issue 38)', '',
             'Generated by scripts/reference/mvae_sweep.py from mvae_sweep_results.jsonl. Targets: cross-coherence >= 0.78, MSE (right from left) <= 0.0496.', '',
             '## Validation (train rows 0..1199, measured on rows 1200..1499; judged by the spec judge of rows 0..1499 and by a judge of rows 0..1199)', '',
             'config = fusion:beta:latent:hidden:epochs:lr; batch 100, Adam, bernoulli. Per-seed values are separated by /. '
             'Seconds = PyTorch training time of 300/600 epochs on one thread, the fastest of the seeds (two sweep processes shared 2 cores with other work, so timings are indicative; see the timing section). Sorted by the mean cross-coherence under the judge that never saw the validation rows (the selection measure).', '',
             '| config | seeds | cross-coh. per seed (judge rows 0..1499) | mean | cross-coh. per seed (judge rows 0..1199) | mean | MSE per seed | mean MSE | cross (recon. mean) | joint coh. | val loss | s train (fastest seed) |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    rows = []
    for cfg, by in val.items():
        seeds = sorted(by)
        g = lambda k: [by[s][k] for s in seeds]  # noqa: E731
        per = lambda k, d=3: ' / '.join(fmt(by[s][k], d) for s in seeds)  # noqa: E731
        rows.append((np.mean(g('cross2')), cfg,
                     f"| {cfg} | {','.join(map(str, seeds))} | {per('cross')} | {fmt(np.mean(g('cross')))} | {per('cross2')} | **{fmt(np.mean(g('cross2')))}** | "
                     f"{per('mse', 4)} | **{fmt(np.mean(g('mse')), 4)}** | "
                     f"{fmt(np.mean(g('crossRec')))} | {fmt(np.mean(g('joint')))} | {fmt(np.mean(g('valLoss')), 2)} | {fmt(min(g('seconds')), 1)} |"))
    lines += [r for _, _, r in sorted(rows, reverse=True)]
    held = {}
    for (phase, cfg, seed), r in cache.items():
        if phase == 'held':
            held.setdefault(cfg, {})[seed] = r
    if held:
        lines += ['', '## Held out (train rows 0..1499, measured on rows 1500..1796; scripts/reference/mvae.py run())', '',
                  'Seconds here were measured with up to 4 sweep processes and other sessions sharing 2 cores: not a cost measure (see Timing).', '',
                  '| config | seed | cross-coherence | MSE right from left | joint coherence | IWAE LL (K=1000) | held-out loss | s train |',
                  '|---|---|---|---|---|---|---|---|']
        for cfg in sorted(held):
            for s in sorted(held[cfg]):
                r = held[cfg][s]
                lines.append(f"| {cfg} | {s} | {fmt(r['crossCoherence'])} | {fmt(r['mseRightFromLeft'], 4)} | {fmt(r['jointCoherence'])} | "
                             f"{fmt(r['logLikelihood'], 2)} | {fmt(r['heldOutLoss'], 2)} | {fmt(r['seconds'], 1)} |")
    tim = [r for (phase, _, _), r in cache.items() if phase == 'timing']
    if tim:
        lines += ['', '## Timing (train rows 0..1499, 300 epochs, seed 0, one process, one thread, no measures; `mvae_sweep.py timing`)', '',
                  'Other sessions loaded the 2-core machine (load average in the last column), so these are upper bounds; in a quiet '
                  'window the sweep itself measured on 1200 rows: [128] 9.4-10.1 s, [256] 11.2-11.7 s, latent 32 [128] 12.0-13.3 s '
                  '(x1.25 for 1500 rows: about 12, 14, 16 s).', '',
                  '| config | s | load average |', '|---|---|---|']
        lines += [f"| {r['config']} | {fmt(r['seconds'], 1)} | {r['loadavg']} |" for r in tim]
    jd = [r for (phase, _, _), r in cache.items() if phase == 'judges']
    if jd:
        r = jd[0]
        lines += ['', '## Judge accuracy on true images (the ceiling of cross-coherence)', '',
                  '| judge | validation rows 1200..1499 | held-out rows 1500..1796 |', '|---|---|---|',
                  f"| spec judge (rows 0..1499) | {fmt(r['judge1500_val'])} | {fmt(r['judge1500_held'])} |",
                  f"| judge of rows 0..1199 | {fmt(r['judge1200_val'])} | {fmt(r['judge1200_held'])} |"]
    if os.path.exists(NOTES):
        lines = lines[:4] + [open(NOTES).read().rstrip(), ''] + lines[4:]
    open(TABLE, 'w').write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


def main():
    a = sys.argv[1:]
    if a[0] == 'table':
        return table()
    if a[0] == 'judges':
        return judge_accuracy()
    if a[0] == 'timing':
        return timing(a[1].split(','))
    worker, nworkers = (int(a[2]), int(a[3])) if len(a) > 2 else (0, 1)
    if a[0] == 'val':
        configs = STAGES[a[1]] if a[1] in STAGES else a[1].split(',')
        seeds = [0, 1]
        if len(a) > 4:
            seeds = [int(s) for s in a[4].split(',')]
        work('val', configs, seeds, worker, nworkers)
    elif a[0] == 'held':
        fusions = ['mopoe', 'poe', 'moe']
        base = parse(a[1])
        configs = [name({**base, 'fusion': f}) for f in fusions]
        if len(a) > 4:
            configs = configs[:1]
        work('held', configs, [0, 1], worker, nworkers)


if __name__ == '__main__':
    main()
