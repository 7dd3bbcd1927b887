#!/usr/bin/env python3
"""PyTorch baseline for `npm run bench` (bench/README.md).

Trains many Toy Models of Superposition (Elhage et al. 2022) at once, the way a careful PyTorch
practitioner would on a CPU: every model ("instance") of the sweep in one batch of float32 tensors,
fresh data drawn on the fly each step, AdamW (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay
0.01 on every parameter, W and b alike), loss per model = mean over the batch of
sum_i I_i (target_i - out_i)^2 (summed over models for the optimiser: the models are independent).

Models (docs/science.md "Models"):
  relu         h = W x,          x' = ReLU(W^T h + b)     W [m, n], b [n]
  linear       h = W x,          x' = W^T h + b
  hidden-relu  h = ReLU(W x),    x' = ReLU(W^T h + b)
  abs          h = ReLU(W1 x),   y' = ReLU(W2 h + b)      W1 [m, n], W2 [n, m], target |x|
Initialisation: each W entry N(0, 2 / (n + m)) (Xavier normal per model: the std does not depend on
the number of models), b = 0.

Layout: feature-major. A batch is x [models, n, batch], batch contiguous, so the big products are
W [models, m, n] @ x [models, n, batch] (torch.bmm, one BLAS GEMM per model with the batch as the
long dimension) and the gradient products contract over the batch.

Data: one uniform u per entry (into a preallocated buffer, one generator per thread: see Batch),
p = the feature's probability:
  relu / linear / hidden-relu:  x = max(0, 1 - u / p): P(x > 0) = p, and x | x > 0 ~ U(0, 1].
  abs (signed values):          x = 2 u / p - 1 where u < p, else 0: P(x != 0) = p, and
                                x | u < p ~ U[-1, 1) (sign and magnitude independent); target |x|.

Variants, timed on the same workload:
  manual    hand-written backward and AdamW under torch.no_grad(), preallocated buffers, no
            autograd in the timed loop; PyTorch's AdamW formula applied in place. Measured at each
            requested thread count (torch.set_num_threads); the best is the baseline.
  autograd  the notebook's loop: the same forward, loss.backward(), torch.optim.AdamW (at the
            manual variant's best thread count).
At start-up the manual gradients of every model kind are checked against autograd in float64 on a
small instance (gradCheckMaxRelError = max |manual - autograd| / max |autograd| over all
parameters, worst model), and one manual AdamW step against torch.optim.AdamW
(adamwStepMaxAbsError).

Usage:
  python3 torch_baseline.py --config '{"workloads": [...], "warmupSteps": 1, "threads": [1, 2]}'
  python3 torch_baseline.py --serve     (bench/run.ts: one request per stdin line,
                                         {"id", "repeat", "warmupSteps", "threads", "workload"})
  each workload: {"name", "model"?, "nFeatures", "nHidden", "instances", "batchSize", "maxSteps",
                  "minSteps"?, "targetSeconds"?, "variants"?,
                  "featureProbability"?: number or [points][n] (default 0.1),
                  "importance"?: number r (I_i = r^i; 1 = uniform) or [points][n] (default 0.9),
                  "seeds"?: models per point (default instances / points)}
  The timed loop runs steps until targetSeconds have passed (at least minSteps, at most maxSteps).
Prints one JSON object per line: first {"env": {...}} (torch, BLAS, threads, the checks), then
{"variant", "workload", "samplesPerSecond", ...} per measurement, {"variant", "workload", "error"}
for a failed one, and {"done": true} at the end (--serve: {"id", "done": true} per request).
"""
import argparse
import json
import math
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import torch

LR, BETA1, BETA2, EPS, WEIGHT_DECAY = 1e-3, 0.9, 0.999, 1e-8, 0.01
MODELS = ('relu', 'linear', 'hidden-relu', 'abs')
# Tuning variables of OpenBLAS builds; bench/run.ts removes them from this process's environment
# (torch's BLAS runs with its defaults). Reported so a run shows they were unset.
OPENBLAS_VARS = ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')


def emit(obj):
    print(json.dumps(obj), flush=True)


def timed_loop(step, budget):
    """Runs step() until budget['targetSeconds'] passed (within [minSteps, maxSteps]); returns (seconds, steps)."""
    lo, hi, target = budget['minSteps'], budget['maxSteps'], budget['targetSeconds']
    t0 = time.perf_counter()
    k = 0
    while k < lo or (k < hi and time.perf_counter() - t0 < target):
        step()
        k += 1
    return time.perf_counter() - t0, k


# ----------------------------------------------------------------------------------------------
# Problem: parameters, per-model probabilities and importances, data
# ----------------------------------------------------------------------------------------------
def init_params(model, I, n, m, dtype, gen):
    """[W, b] or, for abs, [W1, W2, b]; every W entry N(0, 2 / (n + m)), b = 0."""
    std = math.sqrt(2.0 / (n + m))
    shapes = [(I, m, n), (I, n, m)] if model == 'abs' else [(I, m, n)]
    return [torch.randn(s, dtype=dtype, generator=gen) * std for s in shapes] + [torch.zeros(I, n, dtype=dtype)]


def per_model(value, I, n, seeds, dtype, decay):
    """[I, n] from a number (decay: I_i = value^i; else the same value everywhere) or per-point rows."""
    if isinstance(value, (int, float)):
        row = value ** torch.arange(n, dtype=dtype) if decay else torch.full((n,), float(value), dtype=dtype)
        return row[None, :].expand(I, n).contiguous()
    rows = torch.tensor(value, dtype=dtype)
    if rows.shape[1] != n:
        raise ValueError(f'per-point rows have {rows.shape[1]} features, expected {n}')
    seeds = seeds or max(1, I // rows.shape[0])
    out = rows.repeat_interleave(seeds, dim=0)  # instance = point * seeds + seed, as in the engine
    if out.shape[0] != I:
        raise ValueError(f'{rows.shape[0]} points x {seeds} seeds != {I} instances')
    return out.contiguous()


def make_problem(w, dtype, gen):
    model = w.get('model', 'relu')
    if model not in MODELS:
        raise ValueError(f'unknown model {model!r}; one of {", ".join(MODELS)}')
    I, n, m = w['instances'], w['nFeatures'], w['nHidden']
    p = per_model(w.get('featureProbability', 0.1), I, n, w.get('seeds'), dtype, decay=False)
    imp = per_model(w.get('importance', 0.9), I, n, w.get('seeds'), dtype, decay=True)
    return model, init_params(model, I, n, m, dtype, gen), p, imp


_POOLS = {}


def thread_pool(k):
    if k not in _POOLS:
        _POOLS[k] = ThreadPoolExecutor(k, thread_name_prefix='rng')
    return _POOLS[k]


class Batch:
    """Preallocated feature-major batch [I, n, B], one uniform per entry (see the module doc).

    torch.rand on the CPU draws from one mt19937 generator, serially: about half of a step of the
    baseline at 2 threads. With `threads` > 1 the buffer is split along the models into `threads`
    parts, each filled by its own generator from a Python thread (uniform_ releases the GIL), which
    nearly halves that time on 2 cores; the later, elementwise passes use ATen's own threads.
    """

    def __init__(self, model, p, B, threads=1, seed=0):
        I, n = p.shape
        dtype = p.dtype
        self.signed = model == 'abs'
        p3 = p[:, :, None]
        self.x = torch.empty(I, n, B, dtype=dtype)
        k = max(1, min(threads, I))
        self.parts = list(zip(self.x.chunk(k, dim=0), [torch.Generator().manual_seed(seed * 1000 + i) for i in range(k)])) if k > 1 else []
        self.pool = thread_pool(k) if k > 1 else None
        if self.signed:
            self.p3 = p3.contiguous()
            self.two_over_p = (2.0 / p3).contiguous()
            self.minus_one = torch.full((1, 1, 1), -1.0, dtype=dtype)
            self.on = torch.empty(I, n, B, dtype=dtype)  # [u < p] as 0 / 1 (see Manual: float masks)
            self.y = torch.empty(I, n, B, dtype=dtype)
        else:
            self.neg_inv_p = (-1.0 / p3).contiguous()
            self.one = torch.ones(1, 1, 1, dtype=dtype)

    def draw(self, gen=None):
        """Returns (input x, target): the same tensor for the auto-encoders, (x, |x|) for abs."""
        x = self.x
        if gen is None and self.pool is not None:  # u ~ U[0, 1)
            list(self.pool.map(lambda part: part[0].uniform_(generator=part[1]), self.parts))
        else:
            torch.rand(x.shape, out=x, generator=gen, dtype=x.dtype)
        if self.signed:
            torch.lt(x, self.p3, out=self.on)  # on where u < p
            torch.addcmul(self.minus_one, x, self.two_over_p, out=x)  # 2 u / p - 1
            x.mul_(self.on)
            torch.abs(x, out=self.y)
            return x, self.y
        torch.addcmul(self.one, x, self.neg_inv_p, out=x)  # 1 - u / p
        x.clamp_min_(0.0)
        return x, x


# ----------------------------------------------------------------------------------------------
# Forward pass and loss (autograd variant, final loss, gradient check)
# ----------------------------------------------------------------------------------------------
def forward(model, params, x):
    if model == 'abs':
        W1, W2, b = params
        return torch.relu(torch.baddbmm(b[:, :, None], W2, torch.relu(torch.bmm(W1, x))))
    W, b = params
    h = torch.bmm(W, x)
    if model == 'hidden-relu':
        h = torch.relu(h)
    pre = torch.baddbmm(b[:, :, None], W.transpose(1, 2), h)
    return pre if model == 'linear' else torch.relu(pre)


def loss_fn(model, params, x, target, imp):
    """Sum over models of (mean over the batch of sum_i I_i (target_i - out_i)^2)."""
    out = forward(model, params, x)
    return (imp[:, :, None] * (target - out) ** 2).sum() / x.shape[2]


# ----------------------------------------------------------------------------------------------
# The baseline: hand-written backward and AdamW, no autograd, preallocated buffers
# ----------------------------------------------------------------------------------------------
class Manual:
    """The baseline's training step. Buffers: x, pre = d, mask [I, n, B]; a = W x, g = dL/dh,
    hmask [I, m, B]; h_aug [I, m + 1, B] (h and a constant row of ones).

    The output bias rides in the matrices: pre = [W_out | b] [h; 1], so the forward is one bmm with
    no broadcast copy of b, and the decoder-side gradient bmm(d, [h; 1]^T) yields db as its last
    column (no separate reduction over the batch). Packed parameters:
      relu / linear / hidden-relu:  theta [I, m + 1, n] = [W; b^T]   (pre = theta^T [h; 1])
      abs:                          W1 [I, m, n] and theta2 [I, n, m + 1] = [W2 | b]
    """

    def __init__(self, model, params, p, imp, B):
        I, n = p.shape
        m = params[0].shape[1]
        dtype = p.dtype
        self.model, self.B, self.m = model, B, m
        if model == 'abs':
            W1, W2, b = params
            self.params = [W1.clone().contiguous(), torch.cat([W2, b[:, :, None]], dim=2).contiguous()]
        else:
            W, b = params
            self.params = [torch.cat([W, b[:, None, :]], dim=1).contiguous()]
        self.grads = [torch.zeros_like(t) for t in self.params]
        self.exp_avg = [torch.zeros_like(t) for t in self.params]
        self.exp_avg_sq = [torch.zeros_like(t) for t in self.params]
        self.denom = [torch.zeros_like(t) for t in self.params]
        self.t = 0
        self.data = Batch(model, p, B, torch.get_num_threads())
        # dL/dpre = s * d with s_i = 2 I_i / B and d = (out - target) [pre > 0]; s is folded into
        # the small tensors (gradients, a scaled copy of W) instead of a pass over the batch.
        s = (2.0 / B) * imp
        self.s_row, self.s_col = s[:, None, :].contiguous(), s[:, :, None].contiguous()
        self.imp = imp
        self.a = torch.empty(I, m, B, dtype=dtype)
        self.h_aug = torch.ones(I, m + 1, B, dtype=dtype)
        self.pre = torch.empty(I, n, B, dtype=dtype)
        # ReLU derivatives as float 0 / 1 masks (torch.gt(..., out=float)): mul_ by one took a fifth
        # of the time of masked_fill_ with a bool mask here.
        self.mask = torch.empty(I, n, B, dtype=dtype)
        self.hmask = torch.empty(I, m, B, dtype=dtype)
        self.g = torch.empty(I, m, B, dtype=dtype)
        self.gW_in = torch.empty(I, m, n, dtype=dtype)
        self.Ws = torch.empty(I, n, m, dtype=dtype) if model == 'abs' else torch.empty(I, m, n, dtype=dtype)

    def unpacked(self, tensors):
        """[W, b] or [W1, W2, b] views of packed tensors (self.params or self.grads)."""
        m = self.m
        if self.model == 'abs':
            W1, theta2 = tensors
            return [W1, theta2[:, :, :m], theta2[:, :, m]]
        theta = tensors[0]
        return [theta[:, :m, :], theta[:, m, :]]

    def gradients(self, x, target):
        """Fills self.grads for the batch (x, target)."""
        model, m = self.model, self.m
        hidden_relu = model in ('hidden-relu', 'abs')
        W_in = self.params[0] if model == 'abs' else self.params[0][:, :m, :]  # [I, m, n]
        h_aug = self.h_aug
        a = self.a
        torch.bmm(W_in, x, out=a)  # W x  [I, m, B]; into a contiguous buffer (bmm into a view of h_aug was 4x to 30x slower)
        if hidden_relu:
            torch.gt(a, 0.0, out=self.hmask)
            torch.mul(a, self.hmask, out=h_aug[:, :m, :])  # h = ReLU(W x)
        else:
            h_aug[:, :m, :].copy_(a)
        out_bias = self.params[1] if model == 'abs' else self.params[0].transpose(1, 2)  # [I, n, m + 1]
        d = self.pre
        torch.bmm(out_bias, h_aug, out=d)  # pre = W_out h + b
        if model != 'linear':
            torch.gt(d, 0.0, out=self.mask)
        d.sub_(target)  # pre - target (= out - target where pre > 0)
        if model != 'linear':
            d.mul_(self.mask)
        if model == 'abs':
            g_out = self.grads[1]
            torch.bmm(d, h_aug.transpose(1, 2), out=g_out)  # [dW2 | db]  [I, n, m + 1]
            g_out.mul_(self.s_col)
            torch.mul(self.params[1][:, :, :m], self.s_col, out=self.Ws)  # s * W2  [I, n, m]
            torch.bmm(self.Ws.transpose(1, 2), d, out=self.g)  # dL/dh  [I, m, B]
            self.g.mul_(self.hmask)
            torch.bmm(self.g, x.transpose(1, 2), out=self.grads[0])  # dW1  [I, m, n]
        else:
            g_theta = self.grads[0]
            torch.bmm(h_aug, d.transpose(1, 2), out=g_theta)  # decoder side of dW, and db  [I, m + 1, n]
            g_theta.mul_(self.s_row)
            torch.mul(W_in, self.s_row, out=self.Ws)
            torch.bmm(self.Ws, d, out=self.g)  # dL/dh  [I, m, B]
            if hidden_relu:
                self.g.mul_(self.hmask)
            torch.bmm(self.g, x.transpose(1, 2), out=self.gW_in)  # encoder side of dW
            g_theta[:, :m, :].add_(self.gW_in)

    def adamw(self):
        """torch.optim.AdamW's update (decoupled decay, bias-corrected Adam step), in place."""
        self.t += 1
        step_size = LR / (1 - BETA1 ** self.t)
        bc2_sqrt = math.sqrt(1 - BETA2 ** self.t)
        for p, g, m1, m2, den in zip(self.params, self.grads, self.exp_avg, self.exp_avg_sq, self.denom):
            p.mul_(1 - LR * WEIGHT_DECAY)
            m1.lerp_(g, 1 - BETA1)
            m2.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
            torch.sqrt(m2, out=den)
            den.div_(bc2_sqrt).add_(EPS)
            p.addcdiv_(m1, den, value=-step_size)

    def step(self):
        x, target = self.data.draw()
        self.gradients(x, target)
        self.adamw()

    def loss_per_model(self):
        x, target = self.data.draw()
        return float(loss_fn(self.model, self.unpacked(self.params), x, target, self.imp)) / self.imp.shape[0]


def run_manual(w, budget, warmup):
    gen = torch.Generator().manual_seed(0)
    model, params, p, imp = make_problem(w, torch.float32, gen)
    with torch.no_grad():
        trainer = Manual(model, params, p, imp, w['batchSize'])
        for _ in range(warmup):
            trainer.step()
        seconds, steps = timed_loop(trainer.step, budget)
        return seconds, steps, trainer.loss_per_model()


def run_autograd(w, budget, warmup):
    gen = torch.Generator().manual_seed(0)
    model, params0, p, imp = make_problem(w, torch.float32, gen)
    params = [torch.nn.Parameter(t) for t in params0]
    opt = torch.optim.AdamW(params, lr=LR, betas=(BETA1, BETA2), eps=EPS, weight_decay=WEIGHT_DECAY)
    data = Batch(model, p, w['batchSize'], torch.get_num_threads())

    def step():
        with torch.no_grad():
            x, target = data.draw()
        opt.zero_grad(set_to_none=True)
        loss_fn(model, params, x, target, imp).backward()
        opt.step()

    for _ in range(warmup):
        step()
    seconds, steps = timed_loop(step, budget)
    with torch.no_grad():
        x, target = data.draw()
        loss = float(loss_fn(model, params, x, target, imp)) / w['instances']
    return seconds, steps, loss


# ----------------------------------------------------------------------------------------------
# Start-up checks (float64)
# ----------------------------------------------------------------------------------------------
def grad_check():
    """Per model kind: manual gradients vs autograd (max |diff| / max |autograd| over all
    parameters), and one manual AdamW step vs torch.optim.AdamW (max |diff| of the parameters)."""
    out = {}
    for model in MODELS:
        I, n, m, B = 3, 6, 4, 64
        gen = torch.Generator().manual_seed(1)
        w = {'model': model, 'instances': I, 'nFeatures': n, 'nHidden': m, 'featureProbability': 0.5, 'importance': 0.9}
        _, params0, p, imp = make_problem(w, torch.float64, gen)
        params0[-1] = torch.randn(I, n, dtype=torch.float64, generator=gen) * 0.1  # some inactive outputs
        batch = Batch(model, p, B)
        with torch.no_grad():
            x, target = batch.draw(gen)
        params = [torch.nn.Parameter(t.clone()) for t in params0]
        opt = torch.optim.AdamW(params, lr=LR, betas=(BETA1, BETA2), eps=EPS, weight_decay=WEIGHT_DECAY)
        loss_fn(model, params, x, target, imp).backward()
        with torch.no_grad():
            manual = Manual(model, params0, p, imp, B)
            manual.gradients(x, target)
            diff = max(float((g - q.grad).abs().max()) for g, q in zip(manual.unpacked(manual.grads), params))
            scale = max(float(q.grad.abs().max()) for q in params)
            opt.step()
            manual.adamw()
            step_err = max(float((a - q).abs().max()) for a, q in zip(manual.unpacked(manual.params), params))
        out[model] = {'gradMaxRelError': diff / scale, 'adamwStepMaxAbsError': step_err}
    return out


def blas_info():
    """What torch computes with: BLAS / LAPACK from the build settings, the parallel backend."""
    show = torch.__config__.show()
    parallel = torch.__config__.parallel_info()

    def find(pattern, text):
        match = re.search(pattern, text)
        return match.group(1).strip() if match else None

    blas_line = next((ln.strip(' -') for ln in show.splitlines() if 'Math Kernel Library' in ln or 'OpenBLAS' in ln), None)
    return {
        'blas': find(r'BLAS_INFO=([^,]+)', show),
        'lapack': find(r'LAPACK_INFO=([^,]+)', show),
        'blasLibrary': blas_line,
        'parallelBackend': find(r'ATen parallel backend: *(.+)', parallel),
        'cpuCapability': torch.backends.cpu.get_cpu_capability(),
        'configShow': show,
        'parallelInfo': parallel,
    }


# ----------------------------------------------------------------------------------------------
# One workload
# ----------------------------------------------------------------------------------------------
def measure(w, warmup, thread_counts, repeat=0):
    """Yields one result (or error) per variant: manual at every thread count (order alternates
    with the repeat), reported at the best; autograd at that best thread count."""
    I, n, m, B = w['instances'], w['nFeatures'], w['nHidden'], w['batchSize']
    budget = {'maxSteps': w['maxSteps'], 'minSteps': w.get('minSteps', 1), 'targetSeconds': w.get('targetSeconds', 0)}
    base = {'workload': w['name'], 'model': w.get('model', 'relu'), 'instances': I, 'batchSize': B, 'nFeatures': n, 'nHidden': m}
    variants = w.get('variants', ['manual', 'autograd'])
    best_threads = thread_counts[0]
    if 'manual' in variants:
        by_threads = {}
        errors = []
        for t in thread_counts if repeat % 2 == 0 else list(reversed(thread_counts)):
            torch.set_num_threads(t)
            try:
                seconds, steps, loss = run_manual(w, budget, warmup)
                by_threads[str(t)] = {'samplesPerSecond': I * steps * B / seconds, 'seconds': seconds, 'steps': steps, 'finalLossPerModel': loss}
            except Exception as e:  # noqa: BLE001 - record and continue
                errors.append(f'{t} threads: {type(e).__name__}: {e}')
        if by_threads:
            best = max(by_threads, key=lambda k: by_threads[k]['samplesPerSecond'])
            best_threads = int(best)
            yield {'variant': 'manual', **base, **by_threads[best], 'threads': best_threads, 'byThreads': by_threads, **({'errors': errors} if errors else {})}
        else:
            yield {'variant': 'manual', **base, 'error': '; '.join(errors)}
    if 'autograd' in variants:
        torch.set_num_threads(best_threads)
        try:
            seconds, steps, loss = run_autograd(w, budget, warmup)
            yield {'variant': 'autograd', **base, 'samplesPerSecond': I * steps * B / seconds, 'seconds': seconds, 'steps': steps, 'finalLossPerModel': loss, 'threads': best_threads}
        except Exception as e:  # noqa: BLE001
            yield {'variant': 'autograd', **base, 'error': f'{type(e).__name__}: {e}'}


def main():
    ap = argparse.ArgumentParser(description='PyTorch baseline of npm run bench (see the module docstring).')
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument('--config', help='JSON: {"workloads": [...], "warmupSteps": N, "threads": [1, 2]}')
    group.add_argument('--serve', action='store_true', help='read one JSON request per stdin line (bench/run.ts)')
    args = ap.parse_args()
    checks = grad_check()
    env = {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'cpuCount': os.cpu_count(),
        'gradCheckMaxRelError': max(c['gradMaxRelError'] for c in checks.values()),
        'adamwStepMaxAbsError': max(c['adamwStepMaxAbsError'] for c in checks.values()),
        'gradCheckByModel': checks,
        'openblasEnv': {k: os.environ.get(k) for k in OPENBLAS_VARS},
        **blas_info(),
    }
    emit({'env': env})
    if args.serve:
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            threads = req.get('threads', [1, 2])
            for res in measure(req['workload'], int(req.get('warmupSteps', 1)), threads, int(req.get('repeat', 0))):
                emit({'id': req['id'], 'repeat': req.get('repeat', 0), **res})
            emit({'id': req['id'], 'done': True})
        return
    config = json.loads(args.config)
    threads = config.get('threads', [1, 2])
    for w in config['workloads']:
        for res in measure(w, int(config.get('warmupSteps', 1)), threads):
            emit(res)
    emit({'done': True})


if __name__ == '__main__':
    main()
