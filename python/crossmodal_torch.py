"""PyTorch side of crossmodal's bridge: train here, run in a page or a Worker there.

The modules below name their parameters as crossmodal's ``fromTorch`` loaders expect, and
``save_safetensors`` writes a state_dict in the safetensors format (written by hand from the
format's specification: no ``safetensors`` package needed), which ``nn.readSafetensors``
reads in JavaScript.

    import torch
    from crossmodal_torch import mlp, save_safetensors

    net = mlp([5, 16, 16, 3], activation='leaky_relu', output_activation='tanh')
    ...  # train as usual
    save_safetensors('mlp.safetensors', net.state_dict())

    // JavaScript
    const net = MLP.fromTorch(nn.readSafetensors(bytes), { activation: 'leaky_relu', outputActivation: 'tanh' });

Names (each Linear at an even index of its Sequential, its activation after it):
    mlp(...)            0.weight, 0.bias, 2.weight, 2.bias, ...   -> MLP.fromTorch(t, { prefix: '' })
    DeepCCATowers(...)  x.0.weight, ..., y.0.weight, ...          -> DeepCCA.fromTorch(t, { data: [X, Y] })
    MultimodalAutoencoder(...)  encoders.{j}.0.weight, ..., fusion.0.weight, trunk.0.weight, ..., heads.{j}.0.weight
                        -> MultimodalAutoencoder.fromTorch(t, { activation, outputActivation })
    ConditionalGAN(...)  generator.0.weight, ..., discriminator.0.weight, ..., condition_mean, condition_scale
                        -> ConditionalGAN.fromTorch(t, { activation, outputActivation })

Needs torch (1.13 or later: torch.linalg) and numpy (which torch uses for .numpy()).
"""
import json
import struct

import numpy as np
import torch
from torch import nn

__all__ = ['save_safetensors', 'load_safetensors', 'mlp', 'DeepCCATowers', 'dcca_loss']

# ---------------------------------------------------------------------------------------------
# safetensors, by hand
#
#   8 bytes      N, unsigned 64-bit little-endian: the header's length
#   N bytes      UTF-8 JSON {"name": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]},
#                ..., "__metadata__": {"key": "value"}}, padded with spaces to a multiple of 8
#   the rest     the tensors' bytes, little-endian, row-major, one after another, no gaps

_DTYPES = {
    torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8',
    torch.uint8: 'U8', torch.bool: 'BOOL',
}
_TORCH = {v: k for k, v in _DTYPES.items()}
# integer types of the same width, to reach the bytes in a fixed (little-endian) order
_BITS = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
_NUMPY_LE = {1: '<u1', 2: '<i2', 4: '<i4', 8: '<i8'}


def _itemsize(dtype):
    return torch.empty((), dtype=dtype).element_size()


def _to_bytes(t):
    """The tensor's values as little-endian bytes, row-major."""
    t = t.detach().to('cpu').contiguous().reshape(-1)
    size = _itemsize(t.dtype)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    ints = t.view(_BITS[size]) if t.numel() else torch.empty(0, dtype=_BITS[size])
    return ints.numpy().astype(_NUMPY_LE[size], copy=False).tobytes()


def save_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} (e.g. a state_dict) to `path` in the safetensors format.

    Tensors are stored in name order; `metadata` is an optional {str: str} map (stored as
    the header's __metadata__; crossmodal reads it with nn.readSafetensorsMetadata).
    """
    header, chunks, offset = {}, [], 0
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError('metadata must map str to str')
        header['__metadata__'] = dict(metadata)
    for name in sorted(tensors):
        t = tensors[name]
        if name == '__metadata__':
            raise ValueError('__metadata__ is reserved')
        if t.dtype not in _DTYPES:
            raise TypeError(f'{name}: dtype {t.dtype} has no safetensors name here')
        data = _to_bytes(t)
        header[name] = {'dtype': _DTYPES[t.dtype], 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # data then starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def load_safetensors(path):
    """Reads a safetensors file into {name: torch.Tensor} (checks the offsets tile the data)."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    if n > len(raw) - 8 or raw[8:9] != b'{':
        raise ValueError(f'{path}: not a safetensors file')
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    header.pop('__metadata__', None)
    data = raw[8 + n:]
    out, end = {}, 0
    for name, e in sorted(header.items(), key=lambda kv: tuple(kv[1]['data_offsets'])):
        b, e_, dtype = *e['data_offsets'], _TORCH[e['dtype']]
        if b != end:
            raise ValueError(f'{path}: {name} starts at {b}, expected {end}')
        size = _itemsize(dtype)
        count = 1
        for d in e['shape']:
            count *= d
        if e_ - b != count * size:
            raise ValueError(f'{path}: {name} has {e_ - b} bytes for shape {e["shape"]}')
        ints = torch.from_numpy(np.frombuffer(data, dtype=_NUMPY_LE[size], count=count, offset=b).astype(_NUMPY_LE[size][1:]).copy())
        t = ints.to(torch.uint8).to(torch.bool) if dtype == torch.bool else ints.view(dtype)
        out[name] = t.reshape(e['shape'])
        end = e_
    if end != len(data):
        raise ValueError(f'{path}: {len(data) - end} bytes after the last tensor')
    return out


# ---------------------------------------------------------------------------------------------
# networks with crossmodal's names

_ACTIVATIONS = ('identity', 'relu', 'leaky_relu', 'sigmoid', 'tanh')


def _activation(name, leaky_slope):
    if name not in _ACTIVATIONS:
        raise ValueError(f'activation {name!r}: expected one of {_ACTIVATIONS}')
    return {'identity': nn.Identity, 'relu': nn.ReLU, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh,
            'leaky_relu': lambda: nn.LeakyReLU(leaky_slope)}[name]()


def mlp(layers, activation='relu', output_activation=None, leaky_slope=0.01):
    """nn.Sequential(Linear, act, Linear, act, ..., Linear[, output act]) with widths `layers`.

    The Linears sit at indices 0, 2, 4, ... (state_dict names 0.weight, 0.bias, 2.weight,
    ...), as MLP.fromTorch expects; load with the same activation, output_activation
    ('identity' for None) and leaky_slope. Activations: 'identity', 'relu', 'leaky_relu',
    'sigmoid', 'tanh' (crossmodal's names).
    """
    layers = list(layers)
    if len(layers) < 2:
        raise ValueError('layers: at least [in, out]')
    mods = []
    for i in range(len(layers) - 1):
        mods.append(nn.Linear(layers[i], layers[i + 1]))
        if i + 2 < len(layers):
            mods.append(_activation(activation, leaky_slope))
    if output_activation not in (None, 'identity'):
        mods.append(_activation(output_activation, leaky_slope))
    return nn.Sequential(*mods)


class DeepCCATowers(nn.Module):
    """DeepCCA's two towers: .x and .y are mlp([p, *hidden, outputs]) and mlp([q, *hidden, outputs])
    with `activation` between the layers and none after the last, as DeepCCA builds them
    (default LeakyReLU, slope 0.01). state_dict names: x.0.weight, ..., y.0.weight, ...

    Train with dcca_loss; load with DeepCCA.fromTorch(tensors, { activation, data: [X, Y] }),
    which fits the final linear CCA on the towers' outputs for [X, Y].
    """

    def __init__(self, x_features, y_features, hidden=(256, 256), outputs=2, activation='leaky_relu'):
        super().__init__()
        self.x = mlp([x_features, *hidden, outputs], activation)
        self.y = mlp([y_features, *hidden, outputs], activation)

    def forward(self, x, y):
        return self.x(x), self.y(y)


def dcca_loss(h1, h2, components, ridge=1e-3):
    """−(sum of the top `components` canonical correlations of h1, h2), DeepCCA's objective
    ('trace', Andrew et al. 2013) as crossmodal computes it: for centred m×o outputs,
        Σ11 = H̄1ᵀH̄1/(m−1) + ridge·I,  Σ22 likewise,  Σ12 = H̄1ᵀH̄2/(m−1),
        T = Σ11^-1/2 Σ12 Σ22^-1/2,  loss = −Σ_{i<k} σ_i(T).
    Computed in float64; differentiable by autograd (the top-k singular values must be
    distinct, as they are in practice).
    """
    h1, h2 = h1.double(), h2.double()
    m, o = h1.shape
    h1 = h1 - h1.mean(0, keepdim=True)
    h2 = h2 - h2.mean(0, keepdim=True)
    eye = torch.eye(o, dtype=h1.dtype, device=h1.device)
    s11 = h1.T @ h1 / (m - 1) + ridge * eye
    s22 = h2.T @ h2 / (m - 1) + ridge * eye
    s12 = h1.T @ h2 / (m - 1)

    def inv_sqrt(s):
        w, v = torch.linalg.eigh(s)
        return v @ torch.diag(w.rsqrt()) @ v.T

    t = inv_sqrt(s11) @ s12 @ inv_sqrt(s22)
    return -torch.linalg.svdvals(t)[:components].sum()


def ey_loss(h1, h2):
    """DeepCCA's Eckart-Young objective ('ey'; Chapman, Wells & Lawry Aguila, arXiv 2310.01012)
    as crossmodal states it:
        L = -2 tr(Cov(h1, h2) + Cov(h2, h1)) + tr(B1 B2),   B = Var(h1) + Var(h2),
    the cross term from the whole batch, the quadratic term tr(B^2) estimated without bias by
    B1 and B2 from its two halves (rows 0..m//2-1 and m//2..m-1). Covariances normalised by
    (rows - 1). Computed in float64; minimise it.
    """
    h1, h2 = h1.double(), h2.double()
    m = h1.shape[0]

    def cov(a, b):
        a = a - a.mean(0, keepdim=True)
        b = b - b.mean(0, keepdim=True)
        return a.T @ b / (a.shape[0] - 1)

    c = cov(h1, h2)
    half = m // 2
    b1 = cov(h1[:half], h1[:half]) + cov(h2[:half], h2[:half])
    b2 = cov(h1[half:], h1[half:]) + cov(h2[half:], h2[half:])
    return -2 * torch.trace(c + c.T) + torch.trace(b1 @ b2)


# --- autoencoder ---

class MultimodalAutoencoder(nn.Module):
    """crossmodal's MultimodalAutoencoder for m >= 2 modalities of widths `widths`:

        e_j   = encoders[j](x_j)                         mlp([p_j, *hidden_j]), `activation` after every Linear
        code  = fusion([e_1*g_1 | ... | e_m*g_m | g])     mlp([sum of last widths + m, code]), `activation` after it
        h     = trunk(code)                              mlp([code, *decoder_hidden]), `activation` after every Linear
        x̂_j   = heads[j](h)                              mlp([last trunk width, p_j]), output_activation[j]

    g is the n×m presence mask (1 given, 0 missing); a missing modality's rows are fed as
    zeros and its encoding is multiplied by 0, and the mask itself is the last m columns of
    the fusion input. `hidden` is one list for every modality or one per modality;
    `decoder_hidden` defaults to [sum of the encoders' last widths]; `output_activation` is one
    name or one per modality. LeakyReLU slope 0.01 (crossmodal's).

    state_dict names, read by MultimodalAutoencoder.fromTorch(tensors, { activation, outputActivation }):
        encoders.{j}.{i}.weight / .bias, fusion.0.weight / .bias, trunk.{i}.weight / .bias,
        heads.{j}.0.weight / .bias

    Train with modality dropout (crossmodal's fit removes a random non-empty proper subset of
    an example's modalities with probability 2/3: zero those columns of g) and the MSE of
    every present modality; dropout is training-only, nothing of it is stored.
    """

    def __init__(self, widths, hidden=(128,), code=32, decoder_hidden=None, activation='leaky_relu', output_activation='sigmoid'):
        super().__init__()
        widths = list(widths)
        m = len(widths)
        if m < 2:
            raise ValueError('widths: at least two modalities')
        hidden = [list(h) for h in hidden] if isinstance(hidden[0], (list, tuple)) else [list(hidden)] * m
        outs = [output_activation] * m if isinstance(output_activation, str) else list(output_activation)
        if len(hidden) != m or len(outs) != m:
            raise ValueError(f'hidden and output_activation: one value or one per modality ({m})')
        lasts = sum(h[-1] for h in hidden)
        trunk = list(decoder_hidden) if decoder_hidden else [lasts]
        self.widths = widths
        self.encoders = nn.ModuleList([mlp([p, *h], activation, activation) for p, h in zip(widths, hidden)])
        self.fusion = mlp([lasts + m, code], activation, activation)
        self.trunk = mlp([code, *trunk], activation, activation)
        self.heads = nn.ModuleList([mlp([trunk[-1], p], activation, o) for p, o in zip(widths, outs)])

    def _inputs(self, views, present):
        """Missing views (None) as zero rows; present defaults to 1 for every given view."""
        n = next(v for v in views if v is not None).shape[0]
        ref = next(v for v in views if v is not None)
        xs = [v if v is not None else ref.new_zeros(n, p) for v, p in zip(views, self.widths)]
        given = ref.new_tensor([[0.0 if v is None else 1.0 for v in views]]).expand(n, -1)
        present = given if present is None else present.to(ref.dtype) * given
        return xs, present

    def encode(self, views, present=None):
        """The shared code (n×code) from the views given (None for a missing one)."""
        xs, g = self._inputs(views, present)
        parts = [enc(x) * g[:, j:j + 1] for j, (enc, x) in enumerate(zip(self.encoders, xs))]
        return self.fusion(torch.cat(parts + [g], dim=1))

    def forward(self, views, present=None):
        """Every modality reconstructed (a list of n×p_j) from the views given."""
        h = self.trunk(self.encode(views, present))
        return [head(h) for head in self.heads]


# --- conditional GAN ---

class ConditionalGAN(nn.Module):
    """crossmodal's ConditionalGAN: a generator G(z, c) and a discriminator D(x, c).

        c̃     = (c - condition_mean) / condition_scale      per column (standardize_condition)
        G(z,c) = generator([z | c̃])      mlp([noise + q, *hidden, p]), `activation`, then output_activation
        D(x,c) = discriminator([x | c̃])  mlp([p + q, *discriminator_hidden, 1]), `activation`, a logit

    z is standard normal, noise wide. `fit_condition(c)` sets the statistics from the training
    conditions as crossmodal's fit does (mean and population standard deviation per column, a
    constant column only centred: scale 1); call it before training. With
    standardize_condition=False there are no statistics (c̃ = c). LeakyReLU slope 0.01.

    state_dict names, read by ConditionalGAN.fromTorch(tensors, { activation, outputActivation }):
        generator.{i}.weight / .bias, discriminator.{i}.weight / .bias,
        condition_mean, condition_scale (q each; absent without standardisation)
    The noise width is the generator's input width less q (q = D's input width less G's output).
    """

    def __init__(self, noise, x_width, c_width, hidden=(256, 512), discriminator_hidden=None, activation='leaky_relu', output_activation='sigmoid', standardize_condition=True):
        super().__init__()
        dh = list(discriminator_hidden) if discriminator_hidden else list(hidden)[::-1]
        self.noise = noise
        self.generator = mlp([noise + c_width, *hidden, x_width], activation, output_activation)
        self.discriminator = mlp([x_width + c_width, *dh, 1], activation, 'identity')
        if standardize_condition:
            self.register_buffer('condition_mean', torch.zeros(c_width))
            self.register_buffer('condition_scale', torch.ones(c_width))
        else:
            self.condition_mean = self.condition_scale = None

    @torch.no_grad()
    def fit_condition(self, c):
        """Per-column mean and population standard deviation of c (float64, then stored); a constant column gets scale 1."""
        if self.condition_mean is None:
            return
        c = c.double()
        mean = c.mean(0)
        scale = ((c - mean) ** 2).mean(0).sqrt()
        scale[scale == 0] = 1
        self.condition_mean.copy_(mean)
        self.condition_scale.copy_(scale)

    def standardize(self, c):
        return c if self.condition_mean is None else (c - self.condition_mean) / self.condition_scale

    def generate(self, z, c):
        """G(z, c): one sample per row."""
        return self.generator(torch.cat([z, self.standardize(c)], dim=1))

    def discriminate(self, x, c):
        """D(x, c): one logit per row."""
        return self.discriminator(torch.cat([x, self.standardize(c)], dim=1))

    def sample(self, c, generator=None):
        """G(z, c) with fresh z ~ N(0, 1) (torch's PRNG, not crossmodal's: samples differ there)."""
        z = torch.randn(c.shape[0], self.noise, generator=generator, dtype=c.dtype)
        return self.generate(z, c)

    forward = generate


__all__ += ['MultimodalAutoencoder', 'ConditionalGAN']



# --- multimodal VAE ---

_LOG_2PI = 1.8378770664093453  # log(2π)


def _he_init(net):
    """crossmodal's MLP init for ReLU-like activations ('auto' → 'he'): weights normal with
    standard deviation √(2 / fan_in), biases zero."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0.0, (2.0 / m.in_features) ** 0.5)
                m.bias.zero_()


def _softplus(x):
    """log(1 + e^x) without a threshold (torch's softplus returns x above 20, off by e^-20)."""
    return x.clamp(min=0) + torch.log1p(torch.exp(-x.abs()))


class MultimodalVAE(nn.Module):
    """crossmodal's MultimodalVAE (issue 38; scripts/reference/mvae_spec.md): one Gaussian encoder and one
    decoder per view, the views' experts fused by 'poe' (MVAE), 'moe' (MMVAE) or 'mopoe' (MoPoE).

        encoders[v] = mlp([d_v, *hidden, 2L])            columns 0..L-1 mu_v, L..2L-1 logvar_v (no clamp)
        decoders[v] = mlp([L, *reversed(hidden), d_v])   logits ('bernoulli') or the mean ('gaussian')

    `activation` between the layers, none after the last (LeakyReLU slope 0.01). `likelihood`
    is one value or one per view: 'bernoulli', 'gaussian' (a learned scale s_v = exp(log_scales[v]),
    init 1) or {'type': 'gaussian', 'scale': s} (fixed). init='he' is crossmodal's ('auto' for
    ReLU-like activations: normal √(2/fan_in), zero biases); init='torch' keeps nn.Linear's.

    state_dict names: encoders.{v}.{i}.weight / .bias, decoders.{v}.{i}.weight / .bias and, when
    some view has a learned Gaussian scale, log_scales (one per view; the entries of the other
    views are unused and stay 0).

    Subsets of the views are bit masks (bit v for view v); every list of subsets here (the
    objective's ELBO terms, the inference mixture's components) is in ascending mask order.
    A view given as None is missing (for every row).
    """

    FUSIONS = ('poe', 'moe', 'mopoe')

    def __init__(self, widths, latent=16, hidden=(128,), fusion='mopoe', likelihood='bernoulli', beta=1.0, activation='leaky_relu', init='he'):
        super().__init__()
        widths = list(widths)
        if fusion not in self.FUSIONS:
            raise ValueError(f'fusion {fusion!r}: expected one of {self.FUSIONS}')
        m = len(widths)
        liks = [likelihood] * m if isinstance(likelihood, (str, dict)) else list(likelihood)
        if len(liks) != m:
            raise ValueError(f'likelihood: one value or one per view ({m})')
        self.widths, self.latent, self.fusion, self.beta = widths, latent, fusion, beta
        self.likelihoods = []
        for lik in liks:
            if lik == 'bernoulli':
                self.likelihoods.append(('bernoulli', None))
            elif lik == 'gaussian':
                self.likelihoods.append(('gaussian', None))
            elif isinstance(lik, dict) and lik.get('type') == 'gaussian' and lik.get('scale', 0) > 0:
                self.likelihoods.append(('gaussian', float(lik['scale'])))
            else:
                raise ValueError(f"likelihood {lik!r}: 'bernoulli', 'gaussian' or {{'type': 'gaussian', 'scale': s > 0}}")
        hidden = list(hidden)
        self.encoders = nn.ModuleList([mlp([d, *hidden, 2 * latent], activation) for d in widths])
        self.decoders = nn.ModuleList([mlp([latent, *hidden[::-1], d], activation) for d in widths])
        if any(k == 'gaussian' and s is None for k, s in self.likelihoods):
            self.log_scales = nn.Parameter(torch.zeros(m))
        else:
            self.log_scales = None
        if init == 'he':
            _he_init(self)
        elif init != 'torch':
            raise ValueError(f"init {init!r}: 'he' or 'torch'")

    # --- subsets and Gaussians ---

    @staticmethod
    def _present(views):
        mask = 0
        for v, x in enumerate(views):
            if x is not None:
                mask |= 1 << v
        if not mask:
            raise ValueError('views: at least one present')
        return mask

    @staticmethod
    def _members(mask):
        return [v for v in range(mask.bit_length()) if mask >> v & 1]

    @staticmethod
    def _submasks(mask):
        return [s for s in range(1, mask + 1) if s & mask == s]

    def terms(self, present):
        """The objective's ELBO terms for present views `present` (a mask): [(subset mask, weight)]."""
        singles = [1 << v for v in self._members(present)]
        if self.fusion == 'poe':
            return [(s, 1.0) for s in sorted(set(singles) | {present})]
        if self.fusion == 'moe':
            return [(s, 1.0 / len(singles)) for s in singles]
        subs = self._submasks(present)
        return [(s, 1.0 / len(subs)) for s in subs]

    def components(self, present):
        """The inference mixture's components (masks) for present views, each weighted 1/count."""
        if self.fusion == 'poe':
            return [present]
        if self.fusion == 'moe':
            return [1 << v for v in self._members(present)]
        return self._submasks(present)

    def experts(self, views):
        """[(mu_v, logvar_v) or None] per view."""
        out = []
        for enc, x in zip(self.encoders, views):
            if x is None:
                out.append(None)
            else:
                h = enc(x)
                out.append((h[:, :self.latent], h[:, self.latent:]))
        return out

    def gaussian(self, experts, mask):
        """(mu, logvar) of subset `mask`: 'poe' the product with the prior expert N(0, I),
        T = 1 + Σ exp(-logvar_v); 'moe'/'mopoe' without it, T = Σ exp(-logvar_v) (a single view
        is its expert itself); var = 1/T, logvar = -log T, mu = var · Σ mu_v exp(-logvar_v)."""
        vs = self._members(mask)
        if self.fusion != 'poe' and len(vs) == 1:
            return experts[vs[0]]
        precisions = [torch.exp(-experts[v][1]) for v in vs]
        t = sum(precisions)
        if self.fusion == 'poe':
            t = t + 1
        weighted = sum(experts[v][0] * p for v, p in zip(vs, precisions))
        return weighted / t, -torch.log(t)

    # --- likelihoods ---

    def decode(self, v, z):
        """Decoder v's output: logits (bernoulli) or the mean (gaussian)."""
        return self.decoders[v](z)

    def mean(self, v, out):
        """The decoded mean: sigmoid of the logits (bernoulli) or the output itself (gaussian)."""
        return torch.sigmoid(out) if self.likelihoods[v][0] == 'bernoulli' else out

    def log_px(self, v, x, out):
        """log p(x_v | z) per row, summed over the columns."""
        kind, scale = self.likelihoods[v]
        if kind == 'bernoulli':
            return (x * out - _softplus(out)).sum(1)
        log_s = self.log_scales[v] if scale is None else torch.tensor(scale, dtype=out.dtype).log()
        r = (x - out) * torch.exp(-log_s)
        return (-0.5 * r * r - log_s - 0.5 * _LOG_2PI).sum(1)

    # --- the objective ---

    def loss(self, views, eps=None, generator=None):
        """Per-row loss -Σ_k w_k ELBO_k (n), the terms as terms(present):
        ELBO_s = Σ_{u present} log p(x_u | z_s) - beta · KL(q_s || N(0, I)), z_s = mu_s + exp(logvar_s / 2) · eps_s.
        eps: one n×L tensor per term (in terms' order), or None for fresh N(0, 1) draws."""
        present = self._present(views)
        ex = self.experts(views)
        terms = self.terms(present)
        total = 0
        for k, (s, w) in enumerate(terms):
            mu, logvar = self.gaussian(ex, s)
            e = eps[k] if eps is not None else torch.randn(mu.shape, generator=generator, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * e
            rec = sum(self.log_px(u, views[u], self.decode(u, z)) for u in self._members(present))
            kl = 0.5 * (torch.exp(logvar) + mu * mu - 1 - logvar).sum(1)
            total = total + w * (rec - self.beta * kl)
        return -total

    forward = loss

    # --- inference ---

    def encode(self, views):
        """(mu, logvar) of q_S for the present views S: 'poe' PoE with the prior; 'moe' the
        mixture's mean (1/|S|) Σ mu_v and the log of its per-dimension variance
        mean(var_v + mu_v²) - mean_mu²; 'mopoe' the PoE (without prior) of S."""
        present = self._present(views)
        ex = self.experts(views)
        if self.fusion != 'moe':
            return self.gaussian(ex, present)
        vs = self._members(present)
        mean = sum(ex[v][0] for v in vs) / len(vs)
        second = sum(torch.exp(ex[v][1]) + ex[v][0] ** 2 for v in vs) / len(vs)
        return mean, torch.log(second - mean * mean)

    def reconstruct(self, views):
        """Every view's decoded mean at the encode() mean."""
        mu, _ = self.encode(views)
        return [self.mean(v, self.decode(v, mu)) for v in range(len(self.widths))]

    def sample(self, views, generator=None, rows=None):
        """One draw per row: z ~ q(z | S) (a component picked uniformly for 'moe'/'mopoe';
        z ~ N(0, I) with no view given: then `rows` is the count), every view decoded to its mean."""
        if all(x is None for x in views):
            z = torch.randn(rows, self.latent, generator=generator, dtype=self.encoders[0][0].weight.dtype)
        else:
            present = self._present(views)
            ex = self.experts(views)
            comps = [self.gaussian(ex, c) for c in self.components(present)]
            mu, logvar = comps[0]
            n = mu.shape[0]
            pick = torch.randint(len(comps), (n,), generator=generator)
            mus = torch.stack([c[0] for c in comps])[pick, torch.arange(n)]
            lvs = torch.stack([c[1] for c in comps])[pick, torch.arange(n)]
            z = mus + torch.exp(0.5 * lvs) * torch.randn(mus.shape, generator=generator, dtype=mus.dtype)
        return [self.mean(v, self.decode(v, z)) for v in range(len(self.widths))]

    def log_likelihood(self, views, samples=1000, eps=None, picks=None, generator=None, chunk=100):
        """IWAE estimate (Burda et al. 2016) of log p(x_P) per row (n):
        log (1/K) Σ_k p(x_P | z_k) p(z_k) / q(z_k | x_P), z_k ~ q(z | P) the inference mixture
        (components(P), uniform weights; log q by logsumexp over them). eps: K×n×L standard
        normal draws and picks: K×n component indices (in components' order), or None to draw them
        (per chunk of K: the picks then the eps)."""
        present = self._present(views)
        ex = self.experts(views)
        comps = [self.gaussian(ex, c) for c in self.components(present)]
        cm = torch.stack([c[0] for c in comps])  # C×n×L
        clv = torch.stack([c[1] for c in comps])
        C, n, L = cm.shape
        K = samples if eps is None else eps.shape[0]
        rows = torch.arange(n)
        parts = []
        for k0 in range(0, K, chunk):
            k1 = min(K, k0 + chunk)
            if eps is None:
                p = torch.randint(C, (k1 - k0, n), generator=generator)
                e = torch.randn((k1 - k0, n, L), generator=generator, dtype=cm.dtype)
            else:
                p, e = picks[k0:k1], eps[k0:k1]
            z = cm[p, rows] + torch.exp(0.5 * clv[p, rows]) * e  # k×n×L
            log_prior = (-0.5 * z * z - 0.5 * _LOG_2PI).sum(2)
            d = z.unsqueeze(1) - cm.unsqueeze(0)  # k×C×n×L
            log_qc = (-0.5 * (d * d * torch.exp(-clv) + clv + _LOG_2PI)).sum(3)
            log_q = torch.logsumexp(log_qc, 1) - torch.log(torch.tensor(float(C), dtype=cm.dtype))
            zf = z.reshape(-1, L)
            log_px = sum(self.log_px(u, views[u].repeat(k1 - k0, 1), self.decode(u, zf)) for u in self._members(present))
            parts.append(log_px.reshape(k1 - k0, n) + log_prior - log_q)
        w = torch.cat(parts)
        return torch.logsumexp(w, 0) - torch.log(torch.tensor(float(K), dtype=w.dtype))


__all__ += ['MultimodalVAE']
