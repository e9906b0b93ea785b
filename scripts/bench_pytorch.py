#!/usr/bin/env python3
"""The `digits bench` measurement in PyTorch, for BENCHMARKS.md.

torchvision's ResNet with the 1-channel stem, channels_last, float32 on CPU, real MNIST
batches (normalised as digits does), Adam; warm-up steps, then timed training steps
(forward + backward + Adam) and inference at batch 1024. Prints one JSON object with the
keys digits bench --json prints.

    python3 scripts/bench_pytorch.py --model resnet50 --batch-size 128 --threads 2

Needs torch and torchvision (pip install torch torchvision); not part of the test suite.
"""

import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# PyTorch's flop counter on a 28x28 image, per training step (3 x forward).
TRAIN_FLOPS = {"resnet18": None, "resnet34": 417e6, "resnet50": 467e6}


def load_idx(name, offset, shape):
    with gzip.open(os.path.join(ROOT, "data", "mnist", name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--inference-batches", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    images = load_idx("train-images-idx3-ubyte.gz", 16, (-1, 1, 28, 28))
    labels = load_idx("train-labels-idx1-ubyte.gz", 8, (-1,))
    test = load_idx("t10k-images-idx3-ubyte.gz", 16, (-1, 1, 28, 28))

    def batch(start, size, source):
        x = source[start:start + size].astype(np.float32) / 255
        x = torch.from_numpy((x - 0.1307) / 0.3081)
        return x.contiguous(memory_format=torch.channels_last)

    model = getattr(torchvision.models, args.model)(num_classes=10)
    model.conv1 = torch.nn.Conv2d(1, 64, 7, 2, 3, bias=False)
    model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()

    def step(index):
        start = (index * args.batch_size) % (len(images) - args.batch_size)
        x = batch(start, args.batch_size, images)
        y = torch.from_numpy(labels[start:start + args.batch_size].astype(np.int64))
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        optimizer.step()

    for index in range(2):
        step(index)
    started = time.perf_counter()
    for index in range(args.steps):
        step(index + 2)
    train_seconds = time.perf_counter() - started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    model.eval()
    with torch.no_grad():
        model(batch(0, 1024, test))
        started = time.perf_counter()
        for index in range(args.inference_batches):
            model(batch((index * 1024) % (len(test) - 1024), 1024, test))
        infer_seconds = time.perf_counter() - started

    train_images_per_s = args.steps * args.batch_size / train_seconds
    flops = TRAIN_FLOPS.get(args.model)
    print(json.dumps({
        "model": args.model,
        "batch_size": args.batch_size,
        "train_images_per_s": train_images_per_s,
        "infer_images_per_s": args.inference_batches * 1024 / infer_seconds,
        "train_gflops": train_images_per_s * flops / 1e9 if flops else None,
        "peak_rss_mb": peak_rss_mb,
        "threads": args.threads,
        "torch_version": torch.__version__,
    }, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
