// zlib from Debian's zlib1g-dev, for grpc-encoding: gzip. deflateInit2 and inflateInit2 are
// macros, which Swift cannot call; these inline wrappers can be.
#include <zlib.h>

static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int czlib_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
