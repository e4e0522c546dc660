/// A response header block while it arrives on the client: its fields so far, and their size as
/// HTTP/2 counts it (``HeaderFieldSize``), bounded by
/// ``ClientConnectionHandler/maximumResponseHeaderListSize``.
struct IncomingHeaderBlock {
    /// The fields received so far.
    var fields: HeaderList = []
    /// Their size so far.
    var bytes = 0

    /// Adds a field of `size` (as HTTP/2 counts it).
    mutating func append(_ field: (name: String, value: String), size: Int) {
        fields.append(field)
        bytes += size
    }
}
