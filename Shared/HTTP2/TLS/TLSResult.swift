/// The outcome of a `TLSConnection` operation that may need more input from the peer first (as
/// swift-nio-ssl's `AsyncOperationResult`).
enum TLSResult<Value> {
    /// OpenSSL needs more ciphertext from the peer; call again after feeding it.
    case incomplete
    /// Done, with the operation's value.
    case complete(Value)
    /// Failed; the connection cannot continue.
    case failed(TLSError)
}
