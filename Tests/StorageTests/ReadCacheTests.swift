import Testing

@testable import Storage

/// ``ReadCache``: a kept value is answered until its key is invalidated; a read that started
/// before any invalidation keeps nothing (it may have seen the database before that change); the
/// kept values never cost more than the budget, the oldest going first; a key a command holds is
/// neither answered nor kept until released; an invalidation of no keys fails no read; and its
/// queue and table stay proportionate to what is kept however many keepings and invalidations come.
@Suite struct ReadCacheTests {
    @Test func aKeptValueIsAnsweredUntilItsKeyIsInvalidated() {
        let cache = ReadCache<String, Int>(budget: 1_000)
        #expect(cache.value(for: "a") == nil)
        cache.keep(1, for: "a", cost: 10, readSince: cache.ticket())
        cache.keep(2, for: "b", cost: 10, readSince: cache.ticket())
        #expect(cache.value(for: "a") == 1)
        #expect(cache.value(for: "b") == 2)
        cache.invalidate(["a"])
        #expect(cache.value(for: "a") == nil)
        #expect(cache.value(for: "b") == 2)
        #expect(cache.count == 1 && cache.totalCost == 10)
    }

    @Test func aReadThatStartedBeforeAnInvalidationKeepsNothing() {
        let cache = ReadCache<String, Int>(budget: 1_000)
        let before = cache.ticket()
        // Any key's invalidation: the read cannot tell whether it saw the change or not.
        cache.invalidate(["other"])
        cache.keep(1, for: "a", cost: 10, readSince: before)
        #expect(cache.value(for: "a") == nil)
        let after = cache.ticket()
        cache.keep(1, for: "a", cost: 10, readSince: after)
        #expect(cache.value(for: "a") == 1)
        // A newer read of the same key replaces the value, and its cost.
        cache.keep(2, for: "a", cost: 30, readSince: cache.ticket())
        #expect(cache.value(for: "a") == 2)
        #expect(cache.count == 1 && cache.totalCost == 30)
    }

    @Test func theOldestGoFirstOnceTheBudgetIsSpent() {
        let cache = ReadCache<Int, Int>(budget: 100)
        for key in 0..<10 { cache.keep(key, for: key, cost: 10, readSince: cache.ticket()) }
        #expect(cache.count == 10 && cache.totalCost == 100)
        cache.keep(10, for: 10, cost: 25, readSince: cache.ticket())
        #expect(cache.totalCost <= 100)
        #expect((0..<3).allSatisfy { cache.value(for: $0) == nil })
        #expect((3...10).allSatisfy { cache.value(for: $0) == $0 })
        // Kept again, key 3 is the newest now: 4 goes before it.
        cache.keep(3, for: 3, cost: 10, readSince: cache.ticket())
        cache.keep(11, for: 11, cost: 10, readSince: cache.ticket())
        #expect(cache.value(for: 3) == 3)
        #expect(cache.value(for: 4) == nil)
        #expect(cache.totalCost <= 100)
        // A value over the budget is not kept, and drops nothing.
        let count = cache.count
        cache.keep(99, for: 99, cost: 101, readSince: cache.ticket())
        #expect(cache.value(for: 99) == nil && cache.count == count)
    }

    @Test func aZeroBudgetKeepsNothing() {
        let cache = ReadCache<String, Int>(budget: 0)
        cache.keep(1, for: "a", cost: 1, readSince: cache.ticket())
        #expect(cache.value(for: "a") == nil && cache.count == 0)
    }

    @Test func theQueueStaysProportionateToWhatIsKept() {
        let cache = ReadCache<Int, Int>(budget: 1_000_000)
        for round in 0..<10_000 {
            cache.keep(round, for: round % 8, cost: 1, readSince: cache.ticket())
            if round % 3 == 0 { cache.invalidate([round % 8]) }
        }
        #expect(cache.count <= 8)
        #expect(cache.queuedPlaces <= 2 * cache.count + 64)
    }

    @Test func aHeldKeyIsNeitherAnsweredNorKeptUntilEveryHoldIsReleased() {
        let cache = ReadCache<String, Int>(budget: 1_000)
        cache.keep(1, for: "a", cost: 10, readSince: cache.ticket())
        cache.keep(2, for: "b", cost: 10, readSince: cache.ticket())
        cache.hold(["a"])
        cache.hold(["a"])
        // Held: what was kept is dropped, and a read that starts now keeps nothing.
        #expect(cache.value(for: "a") == nil)
        cache.keep(3, for: "a", cost: 10, readSince: cache.ticket())
        #expect(cache.value(for: "a") == nil)
        #expect(cache.value(for: "b") == 2, "other keys are answered as before")
        cache.release(["a"])
        cache.keep(3, for: "a", cost: 10, readSince: cache.ticket())
        #expect(cache.value(for: "a") == nil, "one of two holds is left")
        cache.release(["a"])
        cache.release(["a"])  // one release too many is ignored
        cache.keep(4, for: "a", cost: 10, readSince: cache.ticket())
        #expect(cache.value(for: "a") == 4)
    }

    @Test func anInvalidationOfNoKeysFailsNoRead() {
        let cache = ReadCache<String, Int>(budget: 1_000)
        let ticket = cache.ticket()
        cache.invalidate([String]())
        cache.keep(1, for: "a", cost: 10, readSince: ticket)
        #expect(cache.value(for: "a") == 1)
    }

    @Test func theTableIsRebuiltOnceMostlyEmpty() {
        let cache = ReadCache<Int, Int>(budget: 1_000_000)
        for key in 0..<10_000 { cache.keep(key, for: key, cost: 1, readSince: cache.ticket()) }
        let grown = cache.tableCapacity
        cache.invalidate(0..<9_990)
        // The next keeping compacts: the table has room for about what it holds, not 10,000.
        cache.keep(0, for: 0, cost: 1, readSince: cache.ticket())
        #expect(cache.count == 11)
        #expect(grown >= 10_000)
        #expect(cache.tableCapacity <= 3 * cache.count + 64)
    }
}
