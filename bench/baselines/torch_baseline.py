#!/usr/bin/env python3
"""PyTorch baseline for `npm run bench` (bench/README.md).

Trains many Toy Models of Superposition (Elhage et al. 2022) at once, the way the paper's notebook
does: every model ("instance") batched in one float32 tensor W of shape instances x n x m, fresh
data drawn on the fly each step, ReLU output model, importance-weighted squared error summed over
features and instances and averaged over the batch, AdamW (lr 1e-3, betas (0.9, 0.999), eps 1e-8,
weight decay 0.01 on W and b).

Two variants, timed on the same workload:
  autograd  the notebook's loop: einsum forward, loss.backward(), torch.optim.AdamW.
  manual    hand-written backward under torch.no_grad() with preallocated buffers and a
            hand-written AdamW update on one flat parameter tensor (PyTorch's AdamW formula).
Before timing, the manual gradients are checked against autograd in float64 on a small problem
(reported as gradCheckMaxRelError).

Usage: python3 torch_baseline.py --config '{"workloads": [...], "warmupSteps": 1}'
  each workload: {"name", "nFeatures", "nHidden", "instances", "batchSize", "maxSteps",
                  "minSteps"?, "targetSeconds"?, "variants"?}
  The timed loop runs steps until targetSeconds have passed (at least minSteps, at most maxSteps).
Prints one JSON object per line: {"variant", "workload", "samplesPerSecond", ...}; an
{"error": ...} line for a failed measurement; a final {"done": true} line.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

LR, BETA1, BETA2, EPS, WEIGHT_DECAY = 1e-3, 0.9, 0.999, 1e-8, 0.01


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


def make_problem(I, n, m, dtype, gen):
    """Per-instance Xavier-normal W (std sqrt(2/(n+m)), each model on its own), b = 0, and
    per-instance feature probabilities / importances like the bench's ModelSets (p log-spread over
    [0.05, 1], importance 0.9^i)."""
    W = torch.randn(I, n, m, dtype=dtype, generator=gen) * math.sqrt(2.0 / (n + m))
    b = torch.zeros(I, n, dtype=dtype)
    t = torch.linspace(0, 1, I, dtype=dtype)
    p = (0.05 * (1 / 0.05) ** t)[:, None].expand(I, n).contiguous()
    imp = (0.9 ** torch.arange(n, dtype=dtype))[None, :].expand(I, n).contiguous()
    return W, b, p, imp


# ----------------------------------------------------------------------------------------------
# Variant 1: the notebook's loop (autograd + torch.optim.AdamW)
# ----------------------------------------------------------------------------------------------
def gen_batch(I, B, n, p):
    """Notebook data: each feature U[0,1) with probability p, else 0. Layout (instances, batch, n)."""
    values = torch.rand(I, B, n)
    mask = torch.rand(I, B, n) < p[:, None, :]
    return values * mask


def forward(W, b, x):
    h = torch.einsum('ibf,ifh->ibh', x, W)
    out = torch.einsum('ibh,ifh->ibf', h, W) + b[:, None, :]
    return torch.relu(out)


def loss_fn(W, b, x, imp):
    out = forward(W, b, x)
    # sum_i I_i (x - x')^2, mean over the batch, summed over instances
    return (imp[:, None, :] * (x - out) ** 2).sum() / x.shape[1]


def run_autograd(I, n, m, B, budget, warmup):
    gen = torch.Generator().manual_seed(0)
    W0, b0, p, imp = make_problem(I, n, m, torch.float32, gen)
    W = torch.nn.Parameter(W0)
    b = torch.nn.Parameter(b0)
    opt = torch.optim.AdamW([W, b], lr=LR, betas=(BETA1, BETA2), eps=EPS, weight_decay=WEIGHT_DECAY)

    def step():
        x = gen_batch(I, B, n, p)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(W, b, x, imp)
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        step()
    seconds, steps = timed_loop(step, budget)
    with torch.no_grad():
        loss = loss_fn(W, b, gen_batch(I, B, n, p), imp)
    return seconds, steps, float(loss) / I


# ----------------------------------------------------------------------------------------------
# Variant 2: hand-written backward and AdamW, no autograd, preallocated buffers
# ----------------------------------------------------------------------------------------------
class Manual:
    """Shapes: x, pre, d (I, B, n); h, dW-helper (I, B, m); theta = [W (n*m) | b (n)] per instance."""

    def __init__(self, I, n, m, B, W0, b0, p, imp):
        dtype = W0.dtype
        self.I, self.n, self.m, self.B = I, n, m, B
        self.P = n * m + n
        self.theta = torch.cat([W0.reshape(I, n * m), b0], dim=1).contiguous()
        self.grad = torch.zeros_like(self.theta)
        self.m1 = torch.zeros_like(self.theta)
        self.m2 = torch.zeros_like(self.theta)
        self.denom = torch.zeros_like(self.theta)
        self.W = self.theta[:, : n * m].view(I, n, m)  # views: updating theta updates W and b
        self.b = self.theta[:, n * m:]
        self.gW = self.grad[:, : n * m].view(I, n, m)
        self.gb = self.grad[:, n * m:]
        self.p = p[:, None, :]
        self.scale = (2.0 / B) * imp[:, None, :]  # d = 2 I (out - x) / B on active outputs
        self.x = torch.empty(I, B, n, dtype=dtype)
        self.u = torch.empty(I, B, n, dtype=dtype)
        self.mask = torch.empty(I, B, n, dtype=torch.bool)
        self.h = torch.empty(I, B, m, dtype=dtype)
        self.pre = torch.empty(I, B, n, dtype=dtype)
        self.d = torch.empty(I, B, n, dtype=dtype)
        self.dWh = torch.empty(I, B, m, dtype=dtype)
        self.t = 0

    def draw(self):
        # One uniform per feature: u < p switches the feature on, and then u / p is U[0, 1)
        # (the same distribution as a second, independent uniform, at half the RNG cost).
        torch.rand(self.u.shape, out=self.u)
        torch.ge(self.u, self.p, out=self.mask)  # feature off where u >= p
        torch.div(self.u, self.p, out=self.x)
        self.x.masked_fill_(self.mask, 0.0)

    def gradients(self, x):
        """Fills self.grad (gW, gb) for batch x; returns nothing. Model: h = x W, pre = h W^T + b,
        out = relu(pre); L = (1/B) sum_e sum_i I_i (x_i - out_i)^2."""
        W = self.W
        torch.bmm(x, W, out=self.h)
        torch.baddbmm(self.b[:, None, :], self.h, W.transpose(1, 2), out=self.pre)
        # d = 2 I (relu(pre) - x) / B * [pre > 0]
        torch.clamp_min(self.pre, 0.0, out=self.d)
        self.d.sub_(x)
        torch.le(self.pre, 0.0, out=self.mask)
        self.d.masked_fill_(self.mask, 0.0)
        self.d.mul_(self.scale)
        # dL/dW (n x m) = d^T h + x^T (d W)
        torch.bmm(self.d, W, out=self.dWh)
        self.gW.copy_(torch.baddbmm(torch.bmm(self.d.transpose(1, 2), self.h), x.transpose(1, 2), self.dWh))
        torch.sum(self.d, dim=1, out=self.gb)

    def adamw(self):
        """PyTorch AdamW: decoupled decay, then the bias-corrected Adam step, on all of theta."""
        self.t += 1
        bc1 = 1 - BETA1 ** self.t
        bc2 = 1 - BETA2 ** self.t
        g = self.grad
        self.m1.mul_(BETA1).add_(g, alpha=1 - BETA1)
        self.m2.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
        torch.sqrt(self.m2, out=self.denom)
        self.denom.div_(math.sqrt(bc2)).add_(EPS)
        self.theta.mul_(1 - LR * WEIGHT_DECAY).addcdiv_(self.m1, self.denom, value=-LR / bc1)

    def step(self):
        self.draw()
        self.gradients(self.x)
        self.adamw()

    def loss(self):
        out = torch.relu(torch.bmm(torch.bmm(self.x, self.W), self.W.transpose(1, 2)) + self.b[:, None, :])
        return float(((self.scale * self.B / 2) * (self.x - out) ** 2).sum() / self.B)


def run_manual(I, n, m, B, budget, warmup):
    gen = torch.Generator().manual_seed(0)
    W0, b0, p, imp = make_problem(I, n, m, torch.float32, gen)
    with torch.no_grad():
        model = Manual(I, n, m, B, W0, b0, p, imp)
        for _ in range(warmup):
            model.step()
        seconds, steps = timed_loop(model.step, budget)
        model.draw()
        return seconds, steps, model.loss() / I


def grad_check():
    """Manual gradients and one AdamW step against autograd + torch.optim.AdamW, float64."""
    I, n, m, B = 3, 5, 2, 64
    gen = torch.Generator().manual_seed(1)
    W0, b0, p, imp = make_problem(I, n, m, torch.float64, gen)
    b0 = torch.randn(I, n, dtype=torch.float64, generator=gen) * 0.1  # some inactive outputs
    x = torch.rand(I, B, n, dtype=torch.float64, generator=gen)
    x = x * (torch.rand(I, B, n, dtype=torch.float64, generator=gen) < 0.5)
    W = torch.nn.Parameter(W0.clone())
    b = torch.nn.Parameter(b0.clone())
    opt = torch.optim.AdamW([W, b], lr=LR, betas=(BETA1, BETA2), eps=EPS, weight_decay=WEIGHT_DECAY)
    loss_fn(W, b, x, imp).backward()
    with torch.no_grad():
        model = Manual(I, n, m, B, W0.clone(), b0.clone(), p, imp)
        model.gradients(x)
        ref = torch.cat([W.grad.reshape(I, -1), b.grad], dim=1)
        grad_err = float((model.grad - ref).abs().max() / ref.abs().max())
        opt.step()
        model.adamw()
        ref_theta = torch.cat([W.detach().reshape(I, -1), b.detach()], dim=1)
        step_err = float((model.theta - ref_theta).abs().max())
    return grad_err, step_err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config', required=True, help='JSON: {"workloads": [...], "warmupSteps": N}')
    args = ap.parse_args()
    config = json.loads(args.config)
    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    grad_err, step_err = grad_check()
    env = {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'threads': torch.get_num_threads(),
        'gradCheckMaxRelError': grad_err,
        'adamwStepMaxAbsError': step_err,
    }
    emit({'env': env})
    warmup = int(config.get('warmupSteps', 1))
    runners = {'manual': run_manual, 'autograd': run_autograd}
    for w in config['workloads']:
        I, n, m, B = w['instances'], w['nFeatures'], w['nHidden'], w['batchSize']
        budget = {'maxSteps': w['maxSteps'], 'minSteps': w.get('minSteps', 1), 'targetSeconds': w.get('targetSeconds', 0)}
        for variant in w.get('variants', ['manual', 'autograd']):
            try:
                seconds, steps, loss = runners[variant](I, n, m, B, budget, warmup)
                emit({
                    'variant': variant,
                    'workload': w['name'],
                    'samplesPerSecond': I * steps * B / seconds,
                    'seconds': seconds,
                    'steps': steps,
                    'instances': I,
                    'batchSize': B,
                    'nFeatures': n,
                    'nHidden': m,
                    'finalLossPerModel': loss,
                    **env,
                })
            except Exception as e:  # noqa: BLE001 - record and continue
                emit({'variant': variant, 'workload': w['name'], 'error': f'{type(e).__name__}: {e}'})
    emit({'done': True})


if __name__ == '__main__':
    main()
