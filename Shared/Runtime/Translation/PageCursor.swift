import RPC

/// An opaque `page_token`: the sort key and id of the last item of a page, so the next page
/// starts after it (keyset paging: every page costs the same however deep, unlike OFFSET).
public struct PageCursor: Sendable, Hashable {
    /// The last item's sort key (a time, as seconds since 1970).
    public var sortKey: Double
    /// The last item's id (breaks ties).
    public var id: String

    /// A cursor after the item with `sortKey` and `id`.
    public init(sortKey: Double, id: String) {
        self.sortKey = sortKey
        self.id = id
    }

    /// The cursor in a `page_token`; nil for the first page; INVALID_ARGUMENT if malformed.
    public init?(token: String) throws(RPCError) {
        guard !token.isEmpty else { return nil }
        guard let bytes = Base64URL.decode(Substring(token)), let text = String(validating: bytes, as: UTF8.self),
            let separator = text.firstIndex(of: "|"), let key = Double(text[..<separator])
        else { throw RPCError(.invalidArgument, "page_token is not a token this service issued") }
        self.init(sortKey: key, id: String(text[text.index(after: separator)...]))
    }

    /// The `page_token` naming this cursor.
    public var token: String {
        Base64URL.encode(Array("\(sortKey)|\(id)".utf8))
    }

    /// The page size when `page_size` is 0 (`support.common.v1.PageRequest`).
    public static let defaultPageSize = 50
    /// The largest page; a larger `page_size` gets this many.
    public static let maximumPageSize = 500

    /// The page size for a requested size, as `common.proto` documents it: ``defaultPageSize`` when
    /// unset, at most ``maximumPageSize``; INVALID_ARGUMENT if negative.
    public static func pageSize(_ requested: Int32) throws(RPCError) -> Int {
        guard requested >= 0 else { throw RPCError(.invalidArgument, "page_size must not be negative") }
        return requested == 0 ? defaultPageSize : min(Int(requested), maximumPageSize)
    }
}
