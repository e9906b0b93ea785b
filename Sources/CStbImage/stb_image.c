// Compiles Debian's stb headers into this target rather than linking libstb.so, so the binary
// needs no runtime package and the decoders are limited to PNG and JPEG: less untrusted-input
// parser code, and a GIF or BMP under a .png name is refused instead of silently read. PGM is
// read in Swift (Sources/Imaging/PNMImage.swift): stb_image 2.27's PNM loader is unsafe on
// truncated files.
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

// PNG and JPEG output: `--save-preprocessed`, and test images.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
