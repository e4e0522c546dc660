import HummingbirdCore
import NIOCore

/// How the console's HTTP/1.1 server bounds what one browser connection may hold: a request head
/// of at most 16 KiB (a session cookie and the usual headers fit), and a connection that is idle or
/// leaves a request unfinished for the idle timeout is closed. Together with the cap on open
/// connections, this bounds the memory unfinished requests can pin.
enum ConsoleHTTP {
    /// The largest single header field, in bytes.
    static let maximumHeaderFieldSize = 16 * 1_024

    /// The largest request head (all header fields together), in bytes.
    static let maximumHeaderListSize = 16 * 1_024

    /// The most header fields in one request.
    static let maximumHeaderFieldCount = 100

    /// Connections the kernel queues while the console is at its connection cap.
    static let backlog = 128

    /// The HTTP/1 server configuration with these limits and `idleTimeout`.
    static func configuration(idleTimeout: TimeAmount) -> HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            idleTimeout: idleTimeout,
            httpDecoderConfiguration: HTTP1Channel.Configuration.DecoderConfiguration(
                maxHeaderFieldSize: maximumHeaderFieldSize, maxHeaderListSize: maximumHeaderListSize,
                maxHeaderFieldCount: maximumHeaderFieldCount))
    }
}
