// libnghttp2 from Debian's libnghttp2-dev (1.52). Only the HTTP2 transport imports this module.
#include <nghttp2/nghttp2.h>
