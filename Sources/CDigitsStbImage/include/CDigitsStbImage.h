// stb_image and stb_image_write from Debian's libstb-dev (/usr/include/stb): the declarations
// Swift sees. The implementations are compiled once, in stb_image.c.
#ifndef DIGITS_CSTBIMAGE_H
#define DIGITS_CSTBIMAGE_H

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#endif
