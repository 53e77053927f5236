// zlib's inflate, for gzip / deflate response bodies read without a NIO channel (ContentDecoding).
#include <zlib.h>
