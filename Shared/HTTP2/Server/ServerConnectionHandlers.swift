import NIOCore
import RPC

/// Server connection handlers for code that drives one without a socket (the fuzz targets feed
/// one raw bytes in an `EmbeddedChannel`); the handler type itself stays internal.
package enum ServerConnectionHandlers {
    /// The handler of one server connection to `router`, as ``HTTP2Server`` installs it; nil if
    /// nghttp2 cannot create a session.
    package static func make(router: Router, configuration: ServerConfiguration) -> (any ChannelHandler)? {
        ServerConnectionHandler(router: router, configuration: configuration)
    }

    /// The event that asks such a handler to shut its connection down gracefully.
    package static let gracefulShutdown: any Sendable = GracefulShutdownEvent()
}
