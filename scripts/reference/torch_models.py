# PyTorch reference fixtures for the fromTorch loaders (test/torch.test.ts): small networks
# built with python/crossmodal_torch.py, trained briefly (Adam, a fixed seed, CPU, float32,
# one thread), saved with its hand-made safetensors writer, and the outputs PyTorch itself
# computes on fixed inputs. The tests load the files with nn.readSafetensors and the
# fromTorch loaders and compare crossmodal's outputs with these.
#
#   /usr/bin/python3 scripts/reference/torch_models.py              # every entry of MODELS
#   /usr/bin/python3 scripts/reference/torch_models.py mlp dtypes   # some of them
#
# (Debian's python3-torch; it has no safetensors package, hence the hand-made writer.)
# Each entry NAME of MODELS writes test/fixtures/torch/NAME.json (inputs, PyTorch's outputs,
# the versions used) and the .safetensors files it returns.
#
# Adding a model (the autoencoder, the conditional GAN): write make_NAME() like make_mlp —
# seed torch itself (torch.manual_seed) so that it does not depend on the other entries,
# return {'files': {'NAME.safetensors': state_dict, ...}, 'reference': {...JSON-able...}}
# (and 'metadata': a {str: str} header map, or None; default: the generator's name)
# (store matrices with matrix(t): exact float32 values as {rows, cols, data}) — and add it
# to MODELS. Regenerate only yours: `... torch_models.py NAME`. Keep the files small (the
# fixtures of one model: tens of KB).
import base64
import json
import os
import platform
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'python'))
from crossmodal_torch import DeepCCATowers, dcca_loss, load_safetensors, mlp, save_safetensors  # noqa: E402

OUT = os.path.join(REPO, 'test', 'fixtures', 'torch')
torch.set_num_threads(1)


def versions():
    return {'python': platform.python_version(), 'torch': torch.__version__, 'numpy': np.__version__}


def matrix(t):
    """A 2-D tensor as {rows, cols, data}: its float32 values, exactly (as float64 in JSON)."""
    t = t.detach().to(torch.float32)
    return {'rows': t.shape[0], 'cols': t.shape[1], 'data': [float(v) for v in t.reshape(-1).tolist()]}


def same_bits(a, b):
    ints = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[a.element_size()]
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a.reshape(-1).view(ints), b.detach().reshape(-1).view(ints))


def special(v):
    """A float for JSON: Infinity, -Infinity and NaN as strings."""
    v = float(v)
    if v != v:
        return 'NaN'
    if v in (float('inf'), float('-inf')):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


# ---------------------------------------------------------------------------------------------
# MLP: 5-16-16-3, LeakyReLU (slope 0.1) between the layers, tanh on the output

def make_mlp():
    torch.manual_seed(0)
    layers, slope = [5, 16, 16, 3], 0.1
    net = mlp(layers, activation='leaky_relu', output_activation='tanh', leaky_slope=slope)
    X = torch.randn(128, 5)
    T = torch.stack([torch.sin(X[:, 0] * X[:, 1]), torch.tanh(X[:, 2] - X[:, 3]), 0.5 * torch.cos(X[:, 4])], 1)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(40):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(X), T)
        loss.backward()
        opt.step()
    net.eval()
    inputs = torch.randn(12, 5) * 2  # wider than training, so that tanh saturates in places
    state = {k: v.detach().clone() for k, v in net.state_dict().items()}
    example = torch.tensor([[1.0, 0.0, -1.0, 0.5, 2.0]])  # the README's example input
    with torch.no_grad():
        outputs = net(inputs)
        example_out = net(example)
        # the same network with its weights rounded to bfloat16 (and widened back): what
        # crossmodal computes from mlp-bf16.safetensors
        rounded = mlp(layers, activation='leaky_relu', output_activation='tanh', leaky_slope=slope)
        rounded.load_state_dict({k: v.bfloat16().float() for k, v in state.items()})
        outputs_bf16 = rounded(inputs)
    return {
        'files': {
            'mlp.safetensors': state,
            'mlp-f64.safetensors': {k: v.double() for k, v in state.items()},
            'mlp-bf16.safetensors': {k: v.bfloat16() for k, v in state.items()},
        },
        'reference': {
            'model': {'layers': layers, 'activation': 'leaky_relu', 'outputActivation': 'tanh', 'leakySlope': slope},
            'training': {'optimizer': 'Adam', 'learningRate': 1e-2, 'steps': 40, 'loss': float(loss)},
            'inputs': matrix(inputs),
            'outputs': matrix(outputs),
            'outputsBf16': matrix(outputs_bf16),
            'example': {'input': matrix(example), 'output': matrix(example_out)},
        },
    }


# ---------------------------------------------------------------------------------------------
# DeepCCA: towers 6→[16]→4 and 5→[16]→4 (LeakyReLU 0.01), trained on dcca_loss; numpy's
# linear CCA of PyTorch's tower outputs on the fitting rows, with crossmodal's convention
# (README "Linear CCA"): Σ = H̄ᵀH̄/(n − 1) + rI, ρ = singular values of Σ11^-1/2 Σ12 Σ22^-1/2,
# weights Σ11^-1/2 U (Σ22^-1/2 V), each component's largest |x-weight| positive.

def inv_sqrt(s):
    w, v = np.linalg.eigh(s)
    return v @ np.diag(w ** -0.5) @ v.T


def linear_cca(H1, H2, k, r):
    n = H1.shape[0]
    m1, m2 = H1.mean(0), H2.mean(0)
    A, B = H1 - m1, H2 - m2
    S11 = A.T @ A / (n - 1) + r * np.eye(A.shape[1])
    S22 = B.T @ B / (n - 1) + r * np.eye(B.shape[1])
    S12 = A.T @ B / (n - 1)
    Ri1, Ri2 = inv_sqrt(S11), inv_sqrt(S22)
    U, d, Vt = np.linalg.svd(Ri1 @ S12 @ Ri2)
    Wx, Wy = Ri1 @ U[:, :k], Ri2 @ Vt.T[:, :k]
    for j in range(k):
        if Wx[np.argmax(np.abs(Wx[:, j])), j] < 0:
            Wx[:, j], Wy[:, j] = -Wx[:, j], -Wy[:, j]
    return d[:k], m1, m2, Wx, Wy


def make_deepcca():
    torch.manual_seed(1)
    n, k, ridge, final_ridge = 100, 4, 1e-3, 1e-6
    z = torch.rand(n + 12, 2) * 2 - 1
    noise = lambda c: 0.1 * torch.randn(n + 12, c)  # noqa: E731
    X = torch.cat([torch.sin(3 * z[:, :1]), z[:, 1:] ** 2, z[:, :1] * z[:, 1:], torch.randn(n + 12, 3)], 1) + noise(6)
    Y = torch.cat([z[:, :1] ** 3, torch.tanh(2 * z[:, 1:]), torch.randn(n + 12, 3)], 1) + noise(5)
    data, held = (X[:n], Y[:n]), (X[n:], Y[n:])
    towers = DeepCCATowers(6, 5, hidden=[16], outputs=4)
    opt = torch.optim.Adam(towers.parameters(), lr=1e-2)
    for _ in range(30):
        opt.zero_grad()
        loss = dcca_loss(*towers(*data), k, ridge)
        loss.backward()
        opt.step()
    towers.eval()
    with torch.no_grad():
        H1, H2 = towers(*data)
        G1, G2 = towers(*held)
    # the objective and its gradient (autograd) at the trained towers' outputs: crossmodal's
    # CCAObjective must agree, so that training here and there optimise the same thing
    A, B = H1.double().requires_grad_(), H2.double().requires_grad_()
    objective = -dcca_loss(A, B, k, ridge)
    objective.backward()
    rho, m1, m2, Wx, Wy = linear_cca(H1.double().numpy(), H2.double().numpy(), k, final_ridge)
    U = (G1.double().numpy() - m1) @ Wx
    V = (G2.double().numpy() - m2) @ Wy
    held_corr = [float(np.corrcoef(U[:, j], V[:, j])[0, 1]) for j in range(k)]
    return {
        'files': {'deepcca.safetensors': {k_: v.detach().clone() for k_, v in towers.state_dict().items()}},
        'reference': {
            'model': {'x': [6, 16, 4], 'y': [5, 16, 4], 'activation': 'leaky_relu', 'components': k, 'finalRegularization': final_ridge},
            'training': {'optimizer': 'Adam', 'learningRate': 1e-2, 'steps': 30, 'objectiveRidge': ridge, 'loss': float(loss)},
            'data': [matrix(data[0]), matrix(data[1])],
            'towerOutputs': [matrix(H1), matrix(H2)],
            'heldOut': [matrix(held[0]), matrix(held[1])],
            'heldOutTowerOutputs': [matrix(G1), matrix(G2)],
            'objective': {'components': k, 'ridge': ridge, 'value': float(objective),
                          'gradientRows': 10, 'gradient': [A.grad[:10].reshape(-1).tolist(), B.grad[:10].reshape(-1).tolist()]},
            'cca': {
                'source': 'numpy linalg eigh + svd on float64 copies of the tower outputs above',
                'correlations': [float(v) for v in rho],
                'heldOutVariates': [{'rows': U.shape[0], 'cols': k, 'data': U.reshape(-1).tolist()},
                                    {'rows': V.shape[0], 'cols': k, 'data': V.reshape(-1).tolist()}],
                'heldOutCorrelations': held_corr,
            },
        },
    }


# ---------------------------------------------------------------------------------------------
# dtypes: one tensor per float type the reader supports, with the values torch itself
# decodes (special values included: the format stores them, the loaders refuse them)

def make_dtypes():
    torch.manual_seed(2)
    f16 = torch.tensor([1.0, -2.0, 2.0 ** -24, -(2.0 ** -14) * 0.5, 65504.0, 0.1, float('inf'), float('-inf'), float('nan'), -0.0], dtype=torch.float16)
    bf16 = torch.tensor([1.0, -2.0, 3.140625, 1e-40, 3.0e38, 0.1, float('inf'), float('nan')], dtype=torch.bfloat16)
    f32 = torch.randn(2, 3)
    f64 = torch.tensor([[0.1, -1e300], [2.0 ** -1074, 1.0 / 3.0]], dtype=torch.float64)
    tensors = {'half': f16, 'brain': bf16, 'single': f32, 'double': f64}
    ref = {name: {'dtype': {torch.float16: 'F16', torch.bfloat16: 'BF16', torch.float32: 'F32', torch.float64: 'F64'}[t.dtype],
                  'shape': list(t.shape),
                  'values': [special(v) for v in t.double().reshape(-1).tolist()]}
           for name, t in tensors.items()}
    if f16.view(torch.int16)[0].item() != 0x3C00:
        raise AssertionError('expected 1.0 to be 0x3C00 in float16')
    return {'files': {'dtypes.safetensors': tensors}, 'reference': {'tensors': ref}}


# ---------------------------------------------------------------------------------------------
# readme: the README's example network (2-3-1, tanh between), small enough to inline in
# base64; the README states the outputs PyTorch computes here

def make_readme():
    torch.manual_seed(3)
    net = mlp([2, 3, 1], activation='tanh')
    X = torch.rand(64, 2) * 2 - 1
    T = (X[:, :1] * X[:, 1:]) + 0.5 * X[:, :1]
    opt = torch.optim.Adam(net.parameters(), lr=5e-2)
    for _ in range(50):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(X), T)
        loss.backward()
        opt.step()
    inputs = torch.tensor([[0.5, -1.0], [1.0, 1.0]])
    with torch.no_grad():
        outputs = net(inputs)
    return {
        'files': {'readme.safetensors': {k: v.detach().clone() for k, v in net.state_dict().items()}},
        'metadata': None,
        'reference': {
            'model': {'layers': [2, 3, 1], 'activation': 'tanh'},
            'training': {'optimizer': 'Adam', 'learningRate': 5e-2, 'steps': 50, 'loss': float(loss)},
            'inputs': matrix(inputs),
            'outputs': matrix(outputs),
            'outputsPrinted': [f'{v:.6g}' for v in outputs.reshape(-1).tolist()],
        },
    }


MODELS = {'mlp': make_mlp, 'deepcca': make_deepcca, 'dtypes': make_dtypes, 'readme': make_readme}


# ---------------------------------------------------------------------------------------------
# Multimodal autoencoder: three modalities of widths 5, 4, 3 with encoders [6], [5, 4], [3]
# (one list per modality), code 4, trunk [7, 6], LeakyReLU 0.01, heads sigmoid / identity /
# tanh; trained with modality dropout (a random non-empty proper subset of a row's
# modalities removed with probability 2/3, as crossmodal's fit) on the masked MSE.

import itertools  # noqa: E402

from crossmodal_torch import ConditionalGAN, MultimodalAutoencoder  # noqa: E402

AE_MASKS = [[1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]]


def ae_views(z):
    a = torch.sigmoid(torch.cat([2 * z, z[:, :1] * z[:, 1:], torch.sin(3 * z)], 1))
    b = torch.cat([z[:, :1] ** 2 - z[:, 1:], torch.cos(2 * z), z.sum(1, keepdim=True)], 1)
    c = torch.tanh(torch.cat([z[:, 1:] - z[:, :1], 3 * z[:, :1] * z[:, 1:], z[:, 1:] ** 3], 1))
    return [a, b, c]


def ae_evaluate(model, views, present):
    """crossmodal's evaluate from its definition: for each non-empty subset S of the modalities
    (by size, then index order), the MSE per element of every modality j reconstructed from S
    alone, over the rows where j is present and some modality of S is."""
    m = len(views)
    subsets = sorted((s for k in range(1, m + 1) for s in itertools.combinations(range(m), k)), key=lambda s: (len(s), s))
    out = []
    for s in subsets:
        keep = torch.zeros(1, m)
        keep[0, list(s)] = 1
        gates = present * keep
        rows = gates.sum(1) > 0
        with torch.no_grad():
            rec = model(views, gates)
        mse = []
        for j in range(m):
            t = rows & (present[:, j] > 0)
            err = (rec[j].double() - views[j].double())[t] ** 2
            mse.append(float(err.sum() / (t.sum() * views[j].shape[1])))
        out.append({'given': list(s), 'mse': mse})
    return out


def make_autoencoder():
    torch.manual_seed(3)
    widths, hidden, code, trunk, outs = [5, 4, 3], [[6], [5, 4], [3]], 4, [7, 6], ['sigmoid', 'identity', 'tanh']
    model = MultimodalAutoencoder(widths, hidden=hidden, code=code, decoder_hidden=trunk, activation='leaky_relu', output_activation=outs)
    n, steps, lr = 64, 40, 1e-2
    train = ae_views(torch.rand(n, 2) * 2 - 1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    proper = torch.tensor([mk for mk in AE_MASKS if 0 < sum(mk) < 3], dtype=torch.float32)
    for _ in range(steps):
        drop = torch.rand(n) < 2 / 3
        gates = torch.ones(n, 3)
        gates[drop] = proper[torch.randint(len(proper), (int(drop.sum()),))]
        opt.zero_grad()
        rec = model(train, gates)
        loss = sum(torch.nn.functional.mse_loss(r, x) for r, x in zip(rec, train))
        loss.backward()
        opt.step()
    model.eval()
    views = ae_views(torch.rand(14, 2) * 2 - 1)
    mixed = torch.tensor([AE_MASKS[i % len(AE_MASKS)] for i in range(14)], dtype=torch.float32)
    cases = {}
    with torch.no_grad():
        for name, given, present in [('all', views, None), ('without1', [views[0], None, views[2]], None),
                                     ('only2', [None, None, views[2]], None), ('mixed', views, mixed)]:
            cases[name] = {'given': [v is not None for v in given],
                           'present': None if present is None else matrix(present),
                           'reconstruct': [matrix(r) for r in model(given, present)],
                           'encode': matrix(model.encode(given, present))}
    return {
        'files': {'autoencoder.safetensors': {k: v.detach().clone() for k, v in model.state_dict().items()}},
        'reference': {
            'model': {'widths': widths, 'hidden': hidden, 'code': code, 'decoderHidden': trunk, 'activation': 'leaky_relu', 'outputActivation': outs},
            'training': {'optimizer': 'Adam', 'learningRate': lr, 'steps': steps, 'rows': n, 'modalityDropout': 2 / 3, 'loss': float(loss)},
            'views': [matrix(v) for v in views],
            'cases': cases,
            'evaluate': {'all': ae_evaluate(model, views, torch.ones(14, 3)), 'mixed': ae_evaluate(model, views, mixed)},
        },
    }


# ---------------------------------------------------------------------------------------------
# Conditional GAN: x 4 wide, condition 3 wide ([one-hot of 2 classes | a real value]), noise
# 3, G [6 → 8 → 6 → 4] sigmoid, D [7 → 7 → 1], LeakyReLU 0.01; the condition standardised
# (fit_condition, as crossmodal's fit); a few Adam steps (β1 0.5) of the usual alternating
# BCE-with-logits loop.

def make_cgan():
    torch.manual_seed(4)
    noise, p, q, steps, lr, n = 3, 4, 3, 30, 2e-3, 64
    gan = ConditionalGAN(noise, p, q, hidden=[8, 6], discriminator_hidden=[7], activation='leaky_relu', output_activation='sigmoid')

    def data(rows):
        k = (torch.rand(rows) < 0.5).long()
        t = torch.rand(rows, 1) * 4 - 1
        c = torch.cat([torch.nn.functional.one_hot(k, 2).float(), t], 1)
        x = torch.sigmoid(torch.cat([2 * k[:, None] - 1 + 0.3 * t, t, -t, 0.5 * t * (2 * k[:, None] - 1)], 1) + 0.2 * torch.randn(rows, p))
        return x, c

    X, C = data(n)
    gan.fit_condition(C)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    optG = torch.optim.Adam(gan.generator.parameters(), lr=lr, betas=(0.5, 0.999))
    optD = torch.optim.Adam(gan.discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    for _ in range(steps):
        fake = gan.generate(torch.randn(n, noise), C)
        optD.zero_grad()
        lossD = bce(gan.discriminate(X, C), torch.ones(n, 1)) + bce(gan.discriminate(fake.detach(), C), torch.zeros(n, 1))
        lossD.backward()
        optD.step()
        optG.zero_grad()
        lossG = bce(gan.discriminate(fake, C), torch.ones(n, 1))
        lossG.backward()
        optG.step()
    gan.eval()
    x, c = data(10)
    c[0, 2] = 7.5  # a condition outside the training range
    z = torch.randn(10, noise)
    with torch.no_grad():
        ref = {
            'c': matrix(c), 'z': matrix(z), 'x': matrix(x),
            'standardized': matrix(gan.standardize(c)),
            'generate': matrix(gan.generate(z, c)),
            'discriminate': matrix(gan.discriminate(x, c)),
            'discriminateGenerated': matrix(gan.discriminate(gan.generate(z, c), c)),
            # the same networks with no condition statistics (c̃ = c): what fromTorch builds
            # when condition_mean / condition_scale are absent
            'generateRaw': matrix(gan.generator(torch.cat([z, c], 1))),
        }
    return {
        'files': {'cgan.safetensors': {k: v.detach().clone() for k, v in gan.state_dict().items()}},
        'reference': {
            'model': {'noise': noise, 'x': p, 'c': q, 'hidden': [8, 6], 'discriminatorHidden': [7], 'activation': 'leaky_relu', 'outputActivation': 'sigmoid'},
            'training': {'optimizer': 'Adam', 'learningRate': lr, 'beta1': 0.5, 'steps': steps, 'rows': n, 'discriminatorLoss': float(lossD), 'generatorLoss': float(lossG)},
            'condition': {'mean': gan.condition_mean.tolist(), 'scale': gan.condition_scale.tolist()},
            **ref,
        },
    }


MODELS.update({'autoencoder': make_autoencoder, 'cgan': make_cgan})


def main(names):
    os.makedirs(OUT, exist_ok=True)
    for name in names or list(MODELS):
        if name not in MODELS:
            raise SystemExit(f'unknown model {name!r}: one of {", ".join(MODELS)}')
        made = MODELS[name]()
        for fname, tensors in made['files'].items():
            path = os.path.join(OUT, fname)
            save_safetensors(path, tensors, made.get('metadata', {'generator': 'scripts/reference/torch_models.py'}))
            back = load_safetensors(path)  # the writer checked against the reader here
            assert set(back) == set(tensors) and all(same_bits(back[k], tensors[k]) for k in tensors), fname
        ref = {'generator': 'scripts/reference/torch_models.py', 'versions': versions(), 'files': sorted(made['files']), **made['reference']}
        if name == 'readme':  # the bytes the README inlines
            with open(os.path.join(OUT, 'readme.safetensors'), 'rb') as f:
                ref['base64'] = base64.b64encode(f.read()).decode('ascii')
        with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
            json.dump(ref, f, separators=(',', ':'))
            f.write('\n')
        sizes = ', '.join(f'{fn} {os.path.getsize(os.path.join(OUT, fn))} B' for fn in [f'{name}.json', *made['files']])
        print(f'{name}: {sizes}')


if __name__ == '__main__':
    main(sys.argv[1:])
