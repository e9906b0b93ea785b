#!/usr/bin/env python3
"""Check a `digits export` ONNX file against digits on the 10,000 MNIST test images.

    python3 scripts/check_onnx_predictions.py CHECKPOINT MODEL.onnx [--digits PATH] [--data-dir DIR]

Runs MODEL.onnx in ONNX Runtime on the test images as raw pixels in [0, 1] (the graph
normalises them) and compares its predictions with three views of the checkpoint:

- torchvision: the checkpoint's state_dict loaded into torchvision's ResNet (1-channel stem, the
  max-pool dropped when the metadata says `nomaxpool`), inputs normalised as the metadata says:
  arg-max agreement and the largest |logit difference| per image;
- `digits evaluate --checkpoint CHECKPOINT --json`: accuracy and confusion matrix, which ONNX
  Runtime's must equal;
- when CHECKPOINT is a run folder's best.safetensors, the folder's metrics.json (written by
  `digits train` from those weights): every image digits got wrong, with its prediction and
  confidence, so digits' own prediction for every image, which must equal ONNX Runtime's.

Needs onnxruntime, numpy, torch, torchvision and safetensors. Exits 1 when anything disagrees.
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort
import safetensors
import safetensors.torch
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import DATA_DIR, test_set  # noqa: E402

BATCH = 500


def ort_logits(model_path, pixels, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    return np.concatenate([session.run(["logits"], {"pixels": pixels[i:i + BATCH]})[0]
                           for i in range(0, len(pixels), BATCH)])


def torchvision_logits(checkpoint, pixels, threads):
    torch.set_num_threads(threads)
    with safetensors.safe_open(checkpoint, "pt") as f:
        metadata = f.metadata() or {}
    state = safetensors.torch.load_file(checkpoint)
    bottleneck = "layer1.0.conv3.weight" in state
    blocks = [sum(1 for k in state if k.startswith(f"layer{s}.") and k.endswith(".conv1.weight"))
              for s in range(1, 5)]
    block = torchvision.models.resnet.Bottleneck if bottleneck else torchvision.models.resnet.BasicBlock
    model = torchvision.models.ResNet(block, blocks, num_classes=state["fc.weight"].shape[0])
    model.conv1 = torch.nn.Conv2d(state["conv1.weight"].shape[1], 64, 7, 2, 3, bias=False)
    if metadata.get("stem") == "nomaxpool":
        model.maxpool = torch.nn.Identity()
    model.load_state_dict(state)
    model.eval()
    mean = float(metadata.get("normalization_mean", "0.1307"))
    std = float(metadata.get("normalization_std", "0.3081"))
    x = torch.from_numpy((pixels - np.float32(mean)) / np.float32(std))
    with torch.no_grad():
        return np.concatenate([model(x[i:i + BATCH]).numpy() for i in range(0, len(x), BATCH)])


def softmax(logits):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint")
    parser.add_argument("model")
    parser.add_argument("--digits", default=".build/release/digits", help="the digits executable")
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    pixels, labels = test_set(args.data_dir)
    count = len(labels)
    ok = True

    logits = ort_logits(args.model, pixels, args.threads)
    predicted = logits.argmax(axis=1)
    print(f"ONNX Runtime {ort.__version__}: {args.model} on {count} test images, "
          f"accuracy {(predicted == labels).mean():.4f}")

    reference = torchvision_logits(args.checkpoint, pixels, args.threads)
    agree = int((reference.argmax(axis=1) == predicted).sum())
    gap = float(np.abs(reference - logits).max())
    print(f"torchvision {torchvision.__version__}: arg-max agrees on {agree}/{count}; "
          f"max |logit difference| {gap:.3e} (max |logit| {np.abs(reference).max():.2f})")
    ok &= agree == count

    evaluated = json.loads(subprocess.run(
        [args.digits, "evaluate", "--checkpoint", args.checkpoint, "--json", "--data-dir", args.data_dir],
        check=True, capture_output=True, text=True).stdout)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    same = confusion.tolist() == evaluated["confusion_matrix"] and evaluated["count"] == count
    print(f"digits evaluate: accuracy {evaluated['accuracy']:.4f}; confusion matrix "
          f"{'equals' if same else 'differs from'} ONNX Runtime's")
    ok &= same

    folder = os.path.dirname(os.path.abspath(args.checkpoint))
    metrics_path = os.path.join(folder, "metrics.json")
    config_path = os.path.join(folder, "config.json")
    if os.path.basename(args.checkpoint) == "best.safetensors" and os.path.exists(metrics_path):
        with open(metrics_path) as f:
            metrics = json.load(f)
        with open(config_path) as f:
            tta = json.load(f).get("tta", False)
        if tta:
            print("metrics.json: skipped (the run's test used test-time augmentation)")
        else:
            digits_predicted = labels.copy()
            confidence = {}
            for wrong in metrics["misclassified"]:
                digits_predicted[wrong["index"]] = wrong["predicted"]
                confidence[wrong["index"]] = wrong["confidence"]
            agree = int((digits_predicted == predicted).sum())
            probabilities = softmax(logits.astype(np.float64))
            confidence_gap = max((abs(probabilities[i, predicted[i]] - c) for i, c in confidence.items()),
                                 default=0.0)
            print(f"digits train's metrics.json: digits' prediction agrees on {agree}/{count} images "
                  f"({len(confidence)} wrong); max |confidence difference| on those {confidence_gap:.3e}")
            ok &= agree == count
    print("OK: ONNX Runtime agrees with digits on every image" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
