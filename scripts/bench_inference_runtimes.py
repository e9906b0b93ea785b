#!/usr/bin/env python3
"""Inference at batch 1024 in ONNX Runtime and OpenVINO, for BENCHMARKS.md beside `digits bench`.

torchvision's ResNet with the 1-channel stem and 10 classes (random weights: speed does not
depend on them), exported by torch.onnx in eval mode, run on real MNIST test images normalised
as digits does, float32 on CPU with the given threads: one warm-up batch, then --batches timed
batches of 1024. Prints one JSON object: images/s per runtime.

    python3 scripts/bench_inference_runtimes.py --model resnet50 --threads 2

Needs torch, torchvision, onnxruntime and openvino (pip); not part of the test suite.
"""

import argparse
import gzip
import json
import os
import tempfile
import time

import numpy as np
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_images():
    with gzip.open(os.path.join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    return (x - 0.1307) / 0.3081


def timed(run, batches, images):
    run(images[:1024])
    started = time.perf_counter()
    for index in range(batches):
        start = (index * 1024) % (len(images) - 1024)
        run(images[start:start + 1024])
    return batches * 1024 / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--runtimes", default="onnxruntime,openvino")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)(num_classes=10)
    model.conv1 = torch.nn.Conv2d(1, 64, 7, 2, 3, bias=False)
    model.eval()
    images = np.ascontiguousarray(test_images())
    result = {"model": args.model, "threads": args.threads, "batch_size": 1024}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.onnx")
        torch.onnx.export(
            model, torch.zeros(1, 1, 28, 28), path, input_names=["images"], output_names=["logits"],
            dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
        runtimes = args.runtimes.split(",")
        if "onnxruntime" in runtimes:
            import onnxruntime
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = args.threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            result["onnxruntime_images_per_s"] = timed(
                lambda x: session.run(None, {"images": x}), args.batches, images)
            result["onnxruntime_version"] = onnxruntime.__version__
        if "openvino" in runtimes:
            import openvino
            core = openvino.Core()
            compiled = core.compile_model(path, "CPU", {
                "INFERENCE_NUM_THREADS": args.threads, "INFERENCE_PRECISION_HINT": "f32",
                "PERFORMANCE_HINT": "LATENCY"})
            request = compiled.create_infer_request()
            result["openvino_images_per_s"] = timed(lambda x: request.infer({0: x}), args.batches, images)
            result["openvino_version"] = openvino.__version__
    print(json.dumps(result, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
