#!/usr/bin/env python3
"""Write the PyTorch parity fixtures in Tests/Fixtures/*.safetensors.

Run from the repository root:

    python3 scripts/make_fixtures.py            # every case
    python3 scripts/make_fixtures.py relu adam  # only the named cases

Needs torch, torchvision and safetensors. This script is the only thing that may produce the
fixtures: never edit them by hand. Change a case, bump FIXTURE_VERSION when the layout or the
meaning of a file changes, rerun, and update Tests/Fixtures/README.md.

Conventions (the Swift tests rely on them; see Tests/Fixtures/README.md):
- float32 on CPU, PyTorch's own layouts (NCHW activations, conv weight [out, in, kh, kw]).
- `x` (and `y`) inputs, `out` output, `grad_out` a random upstream gradient: the backward pass
  computes the gradient of `(out * grad_out).sum()`; `grad_x` (and `grad_y`) input gradients.
- `param.<state_dict name>`: the module's state_dict before the forward pass,
  `grad.<parameter name>`: parameter gradients, `state.<buffer name>`: buffers after it.
- Every file's `__metadata__` holds fixture_version, generator, torch_version, case and the
  op's configuration, all as strings (booleans as "true"/"false", floats as Python's repr).
"""

import json
import os
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torchvision
from safetensors.torch import save_file
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet, conv1x1

FIXTURE_VERSION = "1"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")
CHECKPOINT_LIMIT_BYTES = 20_000_000

CASES = {}


def case(fn):
    """Registers a case under its function name, which is also its file name."""
    CASES[fn.__name__] = fn
    return fn


def s(value):
    """Metadata values are strings; booleans lower-case so any JSON-minded reader agrees."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def seed_for(name):
    # A per-case seed that does not depend on which cases run or in what order.
    return zlib.crc32(name.encode())


def randomise_bn(module):
    """Non-trivial BN affine parameters and running statistics, so a swapped tensor shows."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.5)
                m.running_mean.normal_(0.0, 0.3)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(7)


def module_case(module, x, training=True):
    """Forward and backward through `module`; returns the tensors every module case saves."""
    tensors = {f"param.{k}": v.clone() for k, v in module.state_dict().items()}
    module.train(training)
    x = x.clone().requires_grad_(True)
    out = module(x)
    grad_out = torch.randn_like(out)
    out.backward(grad_out)
    tensors.update(x=x.detach(), out=out.detach(), grad_out=grad_out, grad_x=x.grad)
    for k, p in module.named_parameters():
        tensors[f"grad.{k}"] = p.grad
    for k, b in module.named_buffers():
        tensors[f"state.{k}"] = b.clone()
    return tensors


def conv(cin, cout, k, stride, pad, bias, x_shape):
    kh, kw = (k, k) if isinstance(k, int) else k
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    m = nn.Conv2d(cin, cout, (kh, kw), (sh, sw), (ph, pw), bias=bias)
    meta = dict(in_channels=cin, out_channels=cout, kernel_h=kh, kernel_w=kw, stride_h=sh,
                stride_w=sw, pad_h=ph, pad_w=pw, bias=bias)
    return module_case(m, torch.randn(x_shape)), meta


@case
def conv_7x7_s2_p3_c1():
    return conv(1, 8, 7, 2, 3, False, (2, 1, 28, 28))


@case
def conv_3x3_s1_p1():
    return conv(6, 8, 3, 1, 1, False, (2, 6, 7, 7))


@case
def conv_3x3_s2_p1():
    return conv(6, 8, 3, 2, 1, False, (2, 6, 7, 7))


@case
def conv_3x3_s1_p1_1x1map():
    return conv(6, 8, 3, 1, 1, False, (2, 6, 1, 1))


@case
def conv_1x1_s1():
    return conv(6, 8, 1, 1, 0, False, (2, 6, 5, 5))


@case
def conv_1x1_s2():
    return conv(6, 8, 1, 2, 0, False, (2, 6, 7, 7))


@case
def conv_5x3_s2x1_p2x0_bias():
    return conv(3, 4, (5, 3), (2, 1), (2, 0), True, (2, 3, 9, 8))


def bn(training):
    m = nn.BatchNorm2d(6)
    randomise_bn(m)
    x = torch.randn(4, 6, 5, 5) * 2.0 + 0.5
    meta = dict(num_features=6, eps=m.eps, momentum=m.momentum, training=training,
                affine=True, track_running_stats=True)
    return module_case(m, x, training), meta


@case
def bn_train():
    return bn(True)


@case
def bn_eval():
    return bn(False)


@case
def relu():
    return module_case(nn.ReLU(), torch.randn(2, 3, 4, 4)), {}


def maxpool(x_shape):
    m = nn.MaxPool2d(3, 2, 1)
    # Strongly negative so that zero padding instead of -inf padding would change the output.
    x = torch.randn(x_shape) - 10.0
    meta = dict(kernel_h=3, kernel_w=3, stride_h=2, stride_w=2, pad_h=1, pad_w=1,
                padding_value="-inf")
    return module_case(m, x), meta


@case
def maxpool_3x3_s2_p1():
    return maxpool((2, 4, 14, 14))


@case
def maxpool_3x3_s2_p1_odd():
    return maxpool((2, 4, 7, 7))


@case
def avgpool():
    return module_case(nn.AdaptiveAvgPool2d(1), torch.randn(2, 6, 4, 4)), dict(output_size=1)


@case
def linear():
    m = nn.Linear(12, 10)
    return module_case(m, torch.randn(5, 12)), dict(in_features=12, out_features=10, bias=True)


@case
def add():
    x = torch.randn(2, 3, 4, 4, requires_grad=True)
    y = torch.randn(2, 3, 4, 4, requires_grad=True)
    out = x + y
    grad_out = torch.randn_like(out)
    out.backward(grad_out)
    tensors = dict(x=x.detach(), y=y.detach(), out=out.detach(), grad_out=grad_out,
                   grad_x=x.grad, grad_y=y.grad)
    return tensors, {}


def cross_entropy_case(smoothing):
    x = (torch.randn(6, 10) * 2.0).requires_grad_(True)
    labels = torch.randint(0, 10, (6,), dtype=torch.int64)
    loss = nn.CrossEntropyLoss(label_smoothing=smoothing)(x, labels)
    loss.backward()
    tensors = dict(x=x.detach(), labels=labels, out=loss.detach(), grad_x=x.grad)
    meta = dict(reduction="mean", label_smoothing=smoothing, out_shape="[]")
    return tensors, meta


@case
def cross_entropy():
    return cross_entropy_case(0.0)


@case
def cross_entropy_smoothing():
    return cross_entropy_case(0.1)


def block_case(block):
    randomise_bn(block)
    x = torch.randn(2, 8, 8, 8)
    return module_case(block, x, training=True)


@case
def basic_block():
    down = nn.Sequential(conv1x1(8, 16, 2), nn.BatchNorm2d(16))
    block = BasicBlock(8, 16, stride=2, downsample=down)
    meta = dict(block="BasicBlock", inplanes=8, planes=16, stride=2, expansion=1,
                downsample="conv1x1(8,16,stride=2)+BatchNorm2d(16)", training=True)
    return block_case(block), meta


@case
def bottleneck():
    down = nn.Sequential(conv1x1(8, 16, 2), nn.BatchNorm2d(16))
    block = Bottleneck(8, 4, stride=2, downsample=down)
    meta = dict(block="Bottleneck", inplanes=8, planes=4, stride=2, expansion=4,
                stride_on="conv2", downsample="conv1x1(8,16,stride=2)+BatchNorm2d(16)",
                training=True)
    return block_case(block), meta


def optimiser_case(make, meta):
    param = torch.randn(37)
    grads = [torch.randn(37) for _ in range(3)]
    p = nn.Parameter(param.clone())
    opt = make([p])
    tensors = {"param": param}
    for i, g in enumerate(grads):
        tensors[f"grad_{i}"] = g
        p.grad = g.clone()
        opt.step()
        tensors[f"param_{i + 1}"] = p.detach().clone()
    return tensors, dict(meta, steps=3, maximize=False)


@case
def adam():
    meta = dict(optimizer="Adam", lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01,
                amsgrad=False,
                weight_decay_kind="L2 (added to the gradient)")
    make = lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                       weight_decay=0.01, foreach=False)
    return optimiser_case(make, meta)


@case
def adamw():
    meta = dict(optimizer="AdamW", lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01,
                amsgrad=False,
                weight_decay_kind="decoupled (param *= 1 - lr * weight_decay)")
    make = lambda ps: torch.optim.AdamW(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                        weight_decay=0.01, foreach=False)
    return optimiser_case(make, meta)


def sgd(nesterov):
    meta = dict(optimizer="SGD", lr=0.1, momentum=0.9, dampening=0.0, weight_decay=1e-4,
                nesterov=nesterov)
    make = lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.0,
                                      weight_decay=1e-4, nesterov=nesterov, foreach=False)
    return optimiser_case(make, meta)


@case
def sgd_momentum():
    return sgd(False)


@case
def sgd_nesterov():
    return sgd(True)


@case
def adamw_onecycle():
    """AdamW under OneCycleLR with its defaults, which also cycle Adam's beta1 (0.95 to 0.85 and
    back): `lr` and `beta1` before each of the 40 steps, and the parameters after each."""
    total, max_lr = 40, 2e-3
    param = torch.randn(37)
    p = nn.Parameter(param.clone())
    opt = torch.optim.AdamW([p], lr=max_lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=5e-4,
                            foreach=False)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total)
    lrs, beta1s, grads, params = [], [], [], []
    for _ in range(total):
        lrs.append(opt.param_groups[0]["lr"])
        beta1s.append(opt.param_groups[0]["betas"][0])
        g = torch.randn(37)
        grads.append(g)
        p.grad = g.clone()
        opt.step()
        schedule.step()
        params.append(p.detach().clone())
    tensors = {"param": param, "grads": torch.stack(grads), "params": torch.stack(params),
               "lr": torch.tensor(lrs, dtype=torch.float32),
               "beta1": torch.tensor(beta1s, dtype=torch.float32)}
    meta = dict(optimizer="AdamW", scheduler="OneCycleLR", max_lr=max_lr, total_steps=total,
                beta2=0.999, eps=1e-8, weight_decay=5e-4, pct_start=0.3, div_factor=25.0,
                final_div_factor=1e4, cycle_momentum=True, base_momentum=0.85, max_momentum=0.95)
    return tensors, meta


@case
def trajectory_adam():
    net = nn.Sequential(
        nn.Conv2d(1, 4, 3, 1, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
        nn.Conv2d(4, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))
    net.train()
    x = torch.randn(8, 1, 12, 12)
    labels = torch.randint(0, 10, (8,), dtype=torch.int64)
    tensors = {f"param.{k}": v.clone() for k, v in net.state_dict().items()}
    opt = torch.optim.Adam(net.parameters(), lr=1e-2, betas=(0.9, 0.999), eps=1e-8,
                           weight_decay=0.0, foreach=False)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = loss_fn(net(x), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    tensors.update(x=x, labels=labels, losses=torch.tensor(losses, dtype=torch.float32))
    tensors.update({f"final.{k}": v.clone() for k, v in net.state_dict().items()})
    meta = dict(
        net="Sequential(Conv2d(1,4,3,1,1,bias=False), BatchNorm2d(4), ReLU(), "
            "MaxPool2d(3,2,1), Conv2d(4,8,3,2,1,bias=False), BatchNorm2d(8), ReLU(), "
            "AdaptiveAvgPool2d(1), Flatten(), Linear(8,10))",
        init="PyTorch defaults", training=True, optimizer="Adam", lr=1e-2, beta1=0.9,
        beta2=0.999, eps=1e-8, weight_decay=0.0, loss="CrossEntropyLoss(mean)", steps=5,
        losses="loss of each step, computed before that step's update")
    return tensors, meta


@case
def checkpoint_tiny():
    # resnet18 would be ~45 MB; ResNet(BasicBlock, [1, 1, 1, 1]) has the same key structure
    # (one block per stage, downsample in layers 2-4) at under 20 MB.
    model = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=10)
    model.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)
    # Non-trivial BN affine parameters, then one training pass for non-trivial running stats.
    randomise_bn(model)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
    model.train()
    with torch.no_grad():
        model(torch.randn(4, 1, 28, 28))
    model.eval()
    x = torch.randn(3, 1, 28, 28)
    with torch.no_grad():
        out = model(x)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    meta = dict(model="resnet10", block="BasicBlock", layers="1,1,1,1", num_classes=10,
                in_channels=1, normalization_mean="0.1307", normalization_std="0.3081")
    io = ({"x": x, "out": out}, dict(case="checkpoint_tiny_io", mode="eval",
                                      checkpoint="checkpoint_tiny.safetensors"))
    return state, meta, {"checkpoint_tiny_io": io}


def save(name, tensors, meta):
    common = dict(fixture_version=FIXTURE_VERSION, generator="scripts/make_fixtures.py",
                  torch_version=torch.__version__, case=name)
    metadata = {k: s(v) for k, v in {**common, **meta}.items()}
    tensors = {k: v.detach().contiguous() for k, v in tensors.items()}
    for k, v in tensors.items():
        assert v.dtype in (torch.float32, torch.int64), f"{name}: {k} is {v.dtype}"
    path = os.path.join(OUT_DIR, f"{name}.safetensors")
    save_file(tensors, path, metadata=metadata)
    sort_metadata(path)
    return path


def sort_metadata(path):
    """Rewrites the header with `__metadata__` keys sorted, in place.

    safetensors serialises metadata from a Rust HashMap, so its key order changes from run to
    run; sorting makes the fixtures byte-for-byte reproducible. Same keys, same escaping, same
    length: the tensor entries and the data are untouched.
    """
    with open(path, "r+b") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        raw = f.read(n)
        header = json.loads(raw)
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
        text += b" " * (n - len(text))
        assert len(text) == n and json.loads(text) == json.loads(raw), path
        f.seek(8)
        f.write(text)


def main(argv):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    names = argv or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        sys.exit(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}")
    os.makedirs(OUT_DIR, exist_ok=True)
    for name in names:
        torch.manual_seed(seed_for(name))
        result = CASES[name]()
        tensors, meta = result[0], result[1]
        extra = result[2] if len(result) > 2 else {}
        path = save(name, tensors, meta)
        size = os.path.getsize(path)
        if name == "checkpoint_tiny" and size > CHECKPOINT_LIMIT_BYTES:
            os.remove(path)
            print(f"{name}: {size} bytes is over the {CHECKPOINT_LIMIT_BYTES} limit; dropped")
            continue
        print(f"{name}: {size} bytes")
        for extra_name, (t, m) in extra.items():
            p = save(extra_name, t, m)
            print(f"{extra_name}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
