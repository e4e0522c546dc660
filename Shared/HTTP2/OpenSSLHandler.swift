import COpenSSL
import NIOCore

/// TLS on a NIO channel through the system OpenSSL, driven with memory BIOs: ciphertext from the
/// socket goes into one BIO, plaintext comes out of `SSL_read`; plaintext written by the HTTP/2
/// handler goes through `SSL_write`, ciphertext comes out of the other BIO. Writes made before
/// the handshake completes are held until it does. A handshake that does not negotiate `h2`
/// closes the connection.
final class OpenSSLHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Role {
        case server
        case client
    }

    private let ssl: OpaquePointer
    private let input: OpaquePointer
    private let output: OpaquePointer
    private let role: Role
    private var handshakeDone = false
    private var heldWrites: [ByteBuffer] = []
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var closed = false
    // Keeps the shared context alive as long as this connection.
    private let context: OpenSSLContext

    init(context: OpenSSLContext, role: Role) throws {
        guard let ssl = SSL_new(context.context), let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem())
        else { throw OpenSSLContext.failure("SSL_new") }
        self.ssl = ssl
        self.input = input
        self.output = output
        self.role = role
        self.context = context
        SSL_set_bio(ssl, input, output)
        switch role {
        case .server:
            SSL_set_accept_state(ssl)
        case .client:
            SSL_set_connect_state(ssl)
            if let hostname = context.serverHostname {
                _ = copenssl_set_tlsext_host_name(ssl, hostname)
                _ = SSL_set1_host(ssl, hostname)
            }
        }
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs too
    }

    func channelActive(context: ChannelHandlerContext) {
        if role == .client { advanceHandshake(context: context) }
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if role == .client, context.channel.isActive { advanceHandshake(context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var ciphertext = unwrapInboundIn(data)
        _ = ciphertext.readWithUnsafeReadableBytes { bytes in
            Int(BIO_write(input, bytes.baseAddress, Int32(bytes.count)))
        }
        if !handshakeDone {
            advanceHandshake(context: context)
            guard handshakeDone else { return }
        }
        readPlaintext(context: context)
        flushCiphertext(context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        guard handshakeDone else {
            heldWrites.append(plaintext)
            promise?.succeed()
            return
        }
        encrypt(plaintext, context: context)
        promise?.succeed()
    }

    func flush(context: ChannelHandlerContext) {
        flushCiphertext(context: context)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if !closed, handshakeDone {
            closed = true
            SSL_shutdown(ssl)
            flushCiphertext(context: context)
        }
        context.close(mode: mode, promise: promise)
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        // OpenSSL's error queue is per thread and shared by every connection on this event loop:
        // it must be empty before each call, or SSL_get_error reports another connection's error.
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            handshakeDone = true
            var protocolName: UnsafePointer<UInt8>?
            var length: UInt32 = 0
            SSL_get0_alpn_selected(ssl, &protocolName, &length)
            guard length == 2, let protocolName, protocolName[0] == UInt8(ascii: "h"),
                protocolName[1] == UInt8(ascii: "2")
            else {
                flushCiphertext(context: context)
                context.close(promise: nil)
                return
            }
            for held in heldWrites { encrypt(held, context: context) }
            heldWrites.removeAll()
            flushCiphertext(context: context)
            readPlaintext(context: context)
        } else {
            let error = SSL_get_error(ssl, result)
            flushCiphertext(context: context)
            if error != SSL_ERROR_WANT_READ, error != SSL_ERROR_WANT_WRITE {
                context.fireErrorCaught(OpenSSLContext.failure("the TLS handshake"))
                context.close(promise: nil)
            }
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        var received = false
        while true {
            ERR_clear_error()
            let count = readBuffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                var buffer = context.channel.allocator.buffer(capacity: Int(count))
                _ = readBuffer.withUnsafeBytes {
                    buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)]))
                }
                context.fireChannelRead(wrapInboundOut(buffer))
                received = true
                continue
            }
            let error = SSL_get_error(ssl, count)
            if error == SSL_ERROR_ZERO_RETURN {
                context.close(promise: nil)
            } else if error != SSL_ERROR_WANT_READ, error != SSL_ERROR_WANT_WRITE {
                context.close(promise: nil)
            }
            break
        }
        if received { context.fireChannelReadComplete() }
    }

    private func encrypt(_ plaintext: ByteBuffer, context: ChannelHandlerContext) {
        plaintext.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                ERR_clear_error()
                let written = SSL_write(ssl, bytes.baseAddress.map { $0 + offset }, Int32(bytes.count - offset))
                guard written > 0 else { break }
                offset += Int(written)
            }
        }
    }

    private func flushCiphertext(context: ChannelHandlerContext) {
        let pending = copenssl_bio_pending(output)
        guard pending > 0 else { return }
        var buffer = context.channel.allocator.buffer(capacity: Int(pending))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Int(pending)) { bytes in
            Int(max(0, BIO_read(output, bytes.baseAddress, Int32(pending))))
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
