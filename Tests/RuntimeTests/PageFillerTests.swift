import CommonAPI
import Runtime
import Testing
import Wire

/// ``Runtime/PageFiller`` over a list of items of given sizes: every item once, in order, across
/// pages; a page never over its byte bound but for a lone item larger than it; reads of at most
/// ``Runtime/PageFiller/readAtOnce`` items and one more.
@Suite struct PageFillerTests {
    /// Items of `sizes` bytes (about: a `Money` whose currency code is that long), listed in order.
    struct Listing {
        let sizes: [Int]

        /// At most `limit` item numbers after `cursor` (whose id is the number of the last item given).
        func read(_ limit: Int, after cursor: PageCursor?) -> [Int] {
            let first = cursor.flatMap { Int($0.id) }.map { $0 + 1 } ?? 0
            return Array(sizes.indices.dropFirst(first).prefix(limit))
        }

        func message(_ item: Int) -> CommonAPI.Money {
            CommonAPI.Money.with { $0.currencyCode = String(repeating: "x", count: sizes[item]) }
        }
    }

    @Test(arguments: [1, 7, 10, 11, 23, 50, 500])
    func everyItemOnceInOrderWithinTheBound(pageSize: Int) async throws {
        let megabyte = 1 << 20
        let sizes =
            [10, megabyte, megabyte, megabyte + 1, 20, 30] + Array(repeating: 100, count: 30)
            + [4 * megabyte, 5] + Array(repeating: 200_000, count: 40)
        let listing = Listing(sizes: sizes)
        var seen: [Int] = []
        var start: PageCursor?
        var pages = 0
        var limits: [Int] = []
        repeat {
            let filler = PageFiller(size: pageSize, after: start)
            let (messages, next) = try await filler.fill(
                read: { limit, after in
                    limits.append(limit)
                    return listing.read(limit, after: after)
                },
                message: listing.message, cursor: { PageCursor(sortKey: 0, id: String($0)) })
            let sizes = messages.map { $0.serializedSize() }
            #expect(messages.count <= pageSize)
            #expect(messages.count == 1 || sizes.reduce(0, +) <= PageFiller.maximumBytes, "\(sizes)")
            seen += messages.map { $0.currencyCode.count }
            start = next.isEmpty ? nil : try PageCursor(token: next)
            pages += 1
        } while start != nil && pages < 1_000
        #expect(seen == sizes)
        #expect(limits.allSatisfy { $0 <= PageFiller.readAtOnce + 1 })
    }
}
