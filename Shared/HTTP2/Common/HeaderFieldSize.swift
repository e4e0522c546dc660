/// How HTTP/2 counts a header list's size (SETTINGS_MAX_HEADER_LIST_SIZE, RFC 9113 6.5.2): each
/// field's name and value in bytes, plus 32 for the field (RFC 7541 4.1). Every header limit of
/// the transport counts this way, so that its figures mean what the peer's do.
enum HeaderFieldSize {
    /// What one field of `nameBytes` and `valueBytes` counts.
    static func of(nameBytes: Int, valueBytes: Int) -> Int {
        nameBytes + valueBytes + 32
    }

    /// What `headers` count in all.
    static func of(_ headers: HeaderList) -> Int {
        headers.reduce(0) { $0 + of(nameBytes: $1.name.utf8.count, valueBytes: $1.value.utf8.count) }
    }
}
