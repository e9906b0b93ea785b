// zlib from Debian's zlib1g-dev, for reading gzip-compressed IDX files.
#include <zlib.h>
