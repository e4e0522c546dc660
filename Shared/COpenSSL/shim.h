// The system OpenSSL 3 from Debian's libssl-dev. Several OpenSSL calls are macros, which Swift
// cannot call; these inline wrappers can be.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static inline int copenssl_set_min_tls13(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION);
}

static inline long copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline long copenssl_bio_pending(BIO *bio) {
    return (long)BIO_ctrl_pending(bio);
}
