// Compiles Debian's stb headers into this target rather than linking libstb.so, so the binary
// needs no runtime package and the decoders are limited to PNG and JPEG: less untrusted-input
// parser code, and a GIF or BMP under a .png name is refused instead of silently read. PGM is
// read in Swift (Sources/DigitsImaging/PNMImage.swift): stb_image 2.27's PNM loader is unsafe on
// truncated files.
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
// Zeroed allocations: stb_image 2.27 decodes a JPEG scan with a Huffman table the file never
// defined (DHT) from whatever the heap held, and an inconsistent table fails an assert in
// stbi__jpeg_huff_decode that aborts the process (found by scripts/fuzz.sh; the input is
// Tests/Fixtures/fuzz-regressions/image/jpeg-undefined-huffman-table.jpg). An all-zero table
// is consistent (every code reads as symbol 0): such files decode deterministically or are
// rejected (that one as "bad huffman code").
#include <stdlib.h>
#define STBI_MALLOC(size) calloc(1, size)
#define STBI_REALLOC(pointer, size) realloc(pointer, size)
#define STBI_FREE(pointer) free(pointer)
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

// PNG and JPEG output: `--save-preprocessed`, and test images.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
