/* A stand-in for a vendor WLT decoder, built by the tests with gcc and loaded by the driver with ctypes.
 * It implements the two supported signatures; the "image" is derived from the WLT bytes so the test can
 * tell the library really received the card's photo. */
#include <string.h>

#define W 102
#define H 126

int unpack(char *wlt, char *rgb, int save_bmp) {
    if (save_bmp != 0) return -2; /* the driver must never ask for a file */
    for (int i = 0; i < W * H * 3; i++) rgb[i] = (char)(wlt[i % 1024] ^ 0x5A);
    return 1;
}

static void put32(unsigned char *p, unsigned v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

int wlt2bmpBuffer(unsigned char *wlt, unsigned char *bmp, int size) {
    const int row = W * 3 + 2, total = 54 + row * H;
    if (size < total) return -1;
    memset(bmp, 0, total);
    bmp[0] = 'B'; bmp[1] = 'M'; put32(bmp + 2, total); put32(bmp + 10, 54);
    put32(bmp + 14, 40); put32(bmp + 18, W); put32(bmp + 22, H);
    bmp[26] = 1; bmp[28] = 24;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W * 3; x++) bmp[54 + y * row + x] = wlt[(y * W * 3 + x) % 1024] ^ 0x5A;
    return 1;
}
