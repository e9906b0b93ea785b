"""Writes the image seeds of scripts/fuzz.sh into fuzz/seeds/image: one MNIST test digit in each
format `digits predict` reads (PNG gray/gray+alpha/RGB/RGBA/palette/1-bit/16-bit, JPEG baseline,
progressive, 4:2:0 and grayscale, PGM/PPM 8 and 16 bit). The seeds are committed, so fuzzing
needs no Python; rerun this (needs Pillow) only to change them:

    python3 fuzz/make_image_seeds.py
"""

import gzip
import io
import os
import struct

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "seeds", "image")


def mnist_digit(index):
    with gzip.open(os.path.join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz")) as f:
        data = f.read()
    _, count, rows, cols = struct.unpack(">IIII", data[:16])
    start = 16 + index * rows * cols
    return Image.frombytes("L", (cols, rows), data[start : start + rows * cols])


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    ink = mnist_digit(0)  # white ink on black, as MNIST stores it
    paper = Image.eval(ink, lambda v: 255 - v)  # dark ink on white paper, as a scan looks
    rgb = Image.merge("RGB", (paper, paper.point(lambda v: v * 9 // 10), ink))
    alpha = Image.merge("LA", (Image.new("L", ink.size, 0), ink))

    write("gray.png", encoded(paper, "PNG"))
    write("gray-alpha.png", encoded(alpha, "PNG"))
    write("rgb.png", encoded(rgb, "PNG"))
    write("rgba.png", encoded(Image.merge("RGBA", (*rgb.split(), ink)), "PNG"))
    write("palette.png", encoded(rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=16), "PNG"))
    write("bilevel.png", encoded(paper.point(lambda v: 255 if v > 127 else 0).convert("1"), "PNG"))
    write("gray16.png", encoded(paper.point(lambda v: v * 257, "I").convert("I;16"), "PNG"))
    write("gray.jpg", encoded(paper, "JPEG", quality=90))
    write("rgb-420.jpg", encoded(rgb, "JPEG", quality=75, subsampling=2))
    write("rgb-progressive.jpg", encoded(rgb, "JPEG", quality=80, progressive=True))
    write("gray-progressive.jpg", encoded(ink, "JPEG", quality=60, progressive=True))
    pixels = paper.tobytes()
    write("gray.pgm", b"P5\n# an MNIST digit\n28 28\n255\n" + pixels)
    write("gray16.pgm", b"P5 28 28 65535\n" + b"".join(struct.pack(">H", v * 257) for v in pixels))
    write("rgb.ppm", b"P6\n28 28\n255\n" + rgb.tobytes())


if __name__ == "__main__":
    main()
