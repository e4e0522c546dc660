import Wire

/// Fills one page of a list call whose items may be large (an order of 500 lines and 200
/// tracking events, an issue's conversation): up to the page size, read a few at a time after the
/// request's cursor, and stopped short once the page holds ``maximumBytes`` (one item at least),
/// so that a page stays under the 4 MiB a gRPC client accepts by default and a call holds no more
/// items than it sends. Each read asks for up to ``readAtOnce`` items and one more (to know
/// whether more follow): a list of that many items or fewer is one read.
public struct PageFiller: Sendable {
    /// Most bytes of items a page holds.
    public static let maximumBytes = 3 << 20
    /// How many items a read asks for at most (plus one).
    public static let readAtOnce = 10

    /// The page size.
    public let size: Int
    /// Where the page starts (nil: the first page).
    public let start: PageCursor?

    /// A page of `size` items after `start`.
    public init(size: Int, after start: PageCursor?) {
        self.size = max(1, size)
        self.start = start
    }

    /// The page's messages and its `next_page_token` (empty on the last page): items read with
    /// `read(limit, after)` (at most `limit`, in the list's order, after the cursor), each
    /// converted with `message`, each item's own cursor given by `cursor`.
    public func fill<Item, Message: WireMessage>(
        read: (_ limit: Int, _ after: PageCursor?) async throws -> [Item],
        message: (Item) -> Message,
        cursor: (Item) -> PageCursor
    ) async throws -> (messages: [Message], nextPageToken: String) {
        var messages: [Message] = []
        var bytes = 0
        var after = start
        while true {
            let wanted = min(size - messages.count, Self.readAtOnce)
            let items = try await read(wanted + 1, after)
            for item in items.prefix(wanted) {
                let converted = message(item)
                let length = converted.serializedSize()
                guard messages.isEmpty || bytes + length <= Self.maximumBytes else {
                    return (messages, after?.token ?? "")
                }
                messages.append(converted)
                bytes += length
                after = cursor(item)
            }
            guard items.count > wanted else { return (messages, "") }
            guard messages.count < size else { return (messages, after?.token ?? "") }
        }
    }
}
