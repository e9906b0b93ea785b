"""MNIST's IDX files (raw or gzip) as numpy arrays, for the scripts that check exports.

read_idx("data/mnist/t10k-images-idx3-ubyte.gz") -> uint8 array [10000, 28, 28].
"""

import gzip
import os
import struct

import numpy as np

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mnist")


def read_idx(path):
    """An IDX file of unsigned bytes (type 0x08): the magic's last byte is the rank."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(f">{rank}I", data[4:4 + 4 * rank])
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if values.size != int(np.prod(shape)):
        raise ValueError(f"{path}: {values.size} values for shape {shape}")
    return values.reshape(shape)


def test_set(directory=DATA_DIR):
    """The test images as float32 [N, 1, 28, 28] in [0, 1] (pixel / 255) and the labels."""
    def find(stem):
        for name in (stem + ".gz", stem):
            if os.path.exists(os.path.join(directory, name)):
                return os.path.join(directory, name)
        raise FileNotFoundError(f"{directory}: no {stem}[.gz]")

    images = read_idx(find("t10k-images-idx3-ubyte"))
    labels = read_idx(find("t10k-labels-idx1-ubyte"))
    pixels = images.astype(np.float32)[:, None, :, :] / np.float32(255)
    return pixels, labels.astype(np.int64)
