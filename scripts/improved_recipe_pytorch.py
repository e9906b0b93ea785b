#!/usr/bin/env python3
"""The improved recipe in PyTorch, for comparing `digits train --protocol improved` against it.

    python3 scripts/improved_recipe_pytorch.py --model resnet18 --seed 0 --threads 1 \
        --out /tmp/torch-r18.json [--stem nomaxpool] [--interpolation bilinear] [--epochs 10]

Mirrors digits' recipe: a seeded 42,000/18,000 split of the training images (torch's generator,
so not digits' split), AdamW with OneCycleLR's defaults to 2e-3 (beta1 cycled), weight decay
5e-4, label smoothing 0.1, a random affine of +-10 degrees, +-10% shift and 0.9-1.1 scale per
image (torchvision's RandomAffine: nearest pixels and whole-pixel shifts, unless
--interpolation bilinear), an EMA of weights and BatchNorm buffers at 0.999 with the warm-up
min(d, (1 + t) / (10 + t)), validation of the EMA model each epoch, and the test of the last epoch's
EMA model (no early stopping, as digits keeps the last epoch with --patience 0), with and without
the five-view shift TTA. Writes the epochs and the test
figures as JSON. For comparisons on a developer's machine only: nothing in the build or the
tests runs it.
"""

import argparse
import copy
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from mnist_idx import read_idx  # noqa: E402

MEAN, STD = 0.1307, 0.3081


def load(directory, stem):
    images = torch.from_numpy(read_idx(f"{directory}/{stem}-images-idx3-ubyte.gz").copy())
    labels = torch.from_numpy(read_idx(f"{directory}/{stem}-labels-idx1-ubyte.gz").astype(np.int64))
    return images, labels


def augment(batch, generator, interpolation):
    """batch uint8 [N, 28, 28] -> float [N, 1, 28, 28] in [0, 1], each image its own affine about
    the centre (as RandomAffine: angle, whole-pixel shift, scale; zero outside), sampled with
    grid_sample as torchvision's tensor affine does."""
    n = batch.shape[0]
    u = torch.rand(n, 4, generator=generator) * 2 - 1
    angle = u[:, 0] * 10 * torch.pi / 180
    shift = u[:, 1:3] * 2.8
    if interpolation == "nearest":
        shift = shift.round()
    scale = 1 + u[:, 3] * 0.1
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    t = shift * 2 / 28  # pixels -> grid_sample's [-1, 1] coordinates (align_corners=False)
    theta = torch.stack([torch.stack([cos, sin, -(cos * t[:, 0] + sin * t[:, 1])], 1),
                         torch.stack([-sin, cos, -(-sin * t[:, 0] + cos * t[:, 1])], 1)], 1)
    x = batch.float()[:, None] / 255
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    return F.grid_sample(x, grid, mode=interpolation, padding_mode="zeros", align_corners=False)


def model_for(name, stem):
    m = getattr(torchvision.models, name)(num_classes=10)
    m.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)
    if stem == "nomaxpool":
        m.maxpool = nn.Identity()
    return m


def predict(model, images, batch=500):
    model.eval()
    with torch.no_grad():
        return torch.cat([F.softmax(model(images[i:i + batch]), 1) for i in range(0, len(images), batch)])


def tta(model, images):
    background = -MEAN / STD
    total = predict(model, images)
    for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        shifted = torch.full_like(images, background)
        ys, yd = (slice(0, 28 - dy), slice(dy, 28)) if dy >= 0 else (slice(-dy, 28), slice(0, 28 + dy))
        xs, xd = (slice(0, 28 - dx), slice(dx, 28)) if dx >= 0 else (slice(-dx, 28), slice(0, 28 + dx))
        shifted[:, :, yd, xd] = images[:, :, ys, xs]
        total += predict(model, shifted)
    return total / 5


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="resnet18")
    p.add_argument("--stem", default="standard", choices=["standard", "nomaxpool"])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--interpolation", default="nearest", choices=["nearest", "bilinear"])
    p.add_argument("--data-dir", default="data/mnist")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    generator = torch.Generator().manual_seed(a.seed)

    images, labels = load(a.data_dir, "train")
    test_images, test_labels = load(a.data_dir, "t10k")
    order = torch.randperm(60000, generator=generator)
    val_idx, train_idx = order[:18000], order[18000:]
    normalise = lambda x: (x - MEAN) / STD
    val_x = normalise(images[val_idx].float()[:, None] / 255)
    test_x = normalise(test_images.float()[:, None] / 255)

    model = model_for(a.model, a.stem)
    ema = copy.deepcopy(model)
    steps_per_epoch = (len(train_idx) + 127) // 128
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=a.epochs * steps_per_epoch)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    step, epochs = 0, []
    for epoch in range(1, a.epochs + 1):
        started = time.time()
        model.train()
        perm = train_idx[torch.randperm(len(train_idx), generator=generator)]
        total_loss = 0.0
        for b in range(steps_per_epoch):
            idx = perm[b * 128:(b + 1) * 128]
            x = normalise(augment(images[idx], generator, a.interpolation))
            loss = loss_fn(model(x), labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            schedule.step()
            step += 1
            d = min(0.999, (1 + step) / (10 + step))
            with torch.no_grad():
                for e, m in zip(ema.state_dict().values(), model.state_dict().values()):
                    if e.dtype.is_floating_point:
                        e.mul_(d).add_(m, alpha=1 - d)
                    else:
                        e.copy_(m)
            total_loss += loss.item() * len(idx)
        val_acc = (predict(ema, val_x).argmax(1) == labels[val_idx]).float().mean().item()
        epochs.append(dict(epoch=epoch, train_loss=total_loss / len(train_idx), val_acc=val_acc,
                           seconds=time.time() - started))
        print(json.dumps(epochs[-1]), flush=True)
    plain = (predict(ema, test_x).argmax(1) == test_labels).float().mean().item()
    with_tta = (tta(ema, test_x).argmax(1) == test_labels).float().mean().item()
    result = dict(vars(a), epochs=epochs, test_acc=plain, test_acc_tta=with_tta)
    print(json.dumps(dict(test_acc=plain, test_acc_tta=with_tta)))
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
