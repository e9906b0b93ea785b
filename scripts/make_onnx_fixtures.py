#!/usr/bin/env python3
"""Write Tests/Fixtures/onnx_tiny.safetensors: ONNX Runtime's logits for `digits export` files.

Run from the repository root (needs the Swift toolchain, onnx, onnxruntime, numpy, safetensors,
and torch, whose make_fixtures.py sorts the metadata):

    python3 scripts/make_onnx_fixtures.py

It builds the package, has the test suite write the four seeded ResNets of
Tests/ExportTests/SeededClassifier.swift ([1, 1, 1, 1] blocks; BasicBlock and Bottleneck; the
standard and the max-pool-less stem) as checkpoints and export each with `digits export`
(DIGITS_ONNX_FIXTURE_DIR=DIR swift test --filter ONNXFixtureModels), then checks each file with
onnx.checker, runs it in ONNX Runtime on a fixed batch, and stores the batch (`x`, pixels in
[0, 1]) and the logits (`logits.<variant>`) with each file's size and CRC-32, so that
ONNXRuntimeParityTests can check, without Python, that digits still writes those very bytes and
computes those logits. It also exports every supported opset and checks that ONNX Runtime loads
each and gives the same logits, and that a batch of one gives each row's logits (the dynamic
batch dimension). Nothing else may write the fixture.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnx
import onnxruntime as ort
import safetensors
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import sort_metadata  # noqa: E402
from mnist_idx import test_set  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "onnx_tiny.safetensors")
VARIANTS = ["basic_standard", "basic_nomaxpool", "bottleneck_standard", "bottleneck_nomaxpool"]
OPSET = 17  # digits export's default, which the parity test exports with
OPSETS = range(9, 29)  # ONNXOpset.supported


def write_models(directory):
    """The seeded checkpoints and their `digits export` files, written by the test suite."""
    subprocess.run(["swift", "build", "--build-tests"], cwd=ROOT, check=True)
    env = dict(os.environ, DIGITS_ONNX_FIXTURE_DIR=directory)
    subprocess.run(["swift", "test", "--skip-build", "--filter", "ONNXFixtureModels"], cwd=ROOT, env=env,
                   check=True)
    binary = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    return os.path.join(binary, "digits")


def batch():
    """The first four MNIST test digits and one image of uniform noise, float32 [5, 1, 28, 28]."""
    pixels, _ = test_set()
    noise = np.random.default_rng(0).random((1, 1, 28, 28), dtype=np.float32)
    return np.concatenate([pixels[:4], noise])


def run(model_bytes, x):
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    (pixels,), (logits,) = session.get_inputs(), session.get_outputs()
    assert (pixels.name, pixels.shape, pixels.type) == ("pixels", ["N", 1, 28, 28], "tensor(float)"), pixels
    assert (logits.name, logits.shape, logits.type) == ("logits", ["N", 10], "tensor(float)"), logits
    return session.run(["logits"], {"pixels": x})[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="a folder ONNXFixtureModels already wrote (skips building)")
    parser.add_argument("--digits", help="the digits executable, with --models")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.models or scratch
        digits = args.digits if args.models else write_models(directory)
        x = batch()
        tensors = {"x": x}
        metadata = {"fixture_version": "1", "generator": "scripts/make_onnx_fixtures.py", "opset": str(OPSET),
                    "onnx_version": onnx.__version__, "onnxruntime_version": ort.__version__}
        for variant in VARIANTS:
            path = os.path.join(directory, f"{variant}.onnx")
            with open(path, "rb") as f:
                model_bytes = f.read()
            model = onnx.load_from_string(model_bytes)
            onnx.checker.check_model(model, full_check=True)
            assert model.opset_import[0].version == OPSET, model.opset_import
            logits = run(model_bytes, x)
            one_by_one = np.concatenate([run(model_bytes, x[i:i + 1]) for i in range(len(x))])
            batch_gap = float(np.abs(one_by_one - logits).max())
            assert batch_gap <= 1e-5 * max(1.0, float(np.abs(logits).max())), (variant, batch_gap)
            checkpoint = os.path.join(directory, f"{variant}.safetensors")
            with safetensors.safe_open(checkpoint, "np") as f:
                stem = f.metadata()["stem"]
            opset_gap = 0.0
            for opset in OPSETS:
                other = os.path.join(scratch, f"{variant}-{opset}.onnx")
                subprocess.run([digits, "export", "--checkpoint", checkpoint, "--format", "onnx", "--out", other,
                                "--opset", str(opset)], check=True, capture_output=True)
                with open(other, "rb") as f:
                    other_bytes = f.read()
                onnx.checker.check_model(onnx.load_from_string(other_bytes), full_check=True)
                opset_gap = max(opset_gap, float(np.abs(run(other_bytes, x) - logits).max()))
            tensors[f"logits.{variant}"] = logits
            metadata[f"crc32.{variant}"] = str(zlib.crc32(model_bytes))
            metadata[f"bytes.{variant}"] = str(len(model_bytes))
            print(f"{variant} ({stem} stem): {len(model.graph.node)} nodes, {len(model_bytes)} bytes, "
                  f"max |logit| {np.abs(logits).max():.3f}; batch of 1 vs 5: {batch_gap:.2e}; "
                  f"opsets {OPSETS.start}-{OPSETS.stop - 1} vs {OPSET}: {opset_gap:.2e}")
        save_file(tensors, OUT, metadata=metadata)
        sort_metadata(OUT)
        print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
