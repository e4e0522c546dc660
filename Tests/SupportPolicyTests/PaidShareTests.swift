import SupportPolicy
import Testing

/// The split of what was paid over lines and units (``PaidShare``): exact in minor units, the
/// leftover units by largest remainder with ties to the lower line, and every input that would
/// overflow or make no sense refused with nil rather than trapped.
@Suite struct PaidShareTests {
    @Test func leftOverUnitsGoToTheLargestRemaindersTiesToTheLowerLine() {
        #expect(PaidShare.lineShares(paid: 100, amounts: [100, 100, 100]) == [34, 33, 33])
        // Exact shares 28 4/7, 57 1/7, 14 2/7 of 100: floors 28 + 57 + 14 = 99, and the one left
        // over goes to the largest remainder, the first line's 4/7.
        #expect(PaidShare.lineShares(paid: 100, amounts: [200, 400, 100]) == [29, 57, 14])
        #expect(PaidShare.lineShares(paid: 8_000, amounts: [5_000, 5_000]) == [4_000, 4_000])
    }

    @Test func sharesAddUpToWhatWasPaid() throws {
        for paid: Int64 in [0, 1, 7, 999, 2_200] {
            let shares = try #require(PaidShare.lineShares(paid: paid, amounts: [300, 0, 700, 1_100, 100]))
            #expect(shares.reduce(0, +) == paid)
            #expect(shares[1] == 0)
        }
    }

    @Test func fullWidthArithmeticAtTheLimits() {
        #expect(PaidShare.lineShares(paid: .max, amounts: [.max]) == [.max])
        #expect(PaidShare.lineShares(paid: .max - 1, amounts: [.max / 2, .max / 2 + 1]) != nil)
    }

    @Test func refusesWhatCannotBeSplit() {
        #expect(PaidShare.lineShares(paid: -1, amounts: [10]) == nil)
        #expect(PaidShare.lineShares(paid: 5, amounts: [10, -1]) == nil)
        #expect(PaidShare.lineShares(paid: 11, amounts: [10]) == nil)
        #expect(PaidShare.lineShares(paid: 1, amounts: [.max, 1]) == nil)
        #expect(PaidShare.lineShares(paid: 1, amounts: []) == nil)
    }

    @Test func nothingToSplitGivesZeros() {
        #expect(PaidShare.lineShares(paid: 0, amounts: [0, 0]) == [0, 0])
        #expect(PaidShare.lineShares(paid: 0, amounts: []) == [])
    }

    @Test func unitsAreWorthTheirCumulativeFloor() {
        #expect(PaidShare.value(ofFirst: 0, of: 3, share: 100) == 0)
        #expect(PaidShare.value(ofFirst: 1, of: 3, share: 100) == 33)
        #expect(PaidShare.value(ofFirst: 2, of: 3, share: 100) == 66)
        #expect(PaidShare.value(ofFirst: 3, of: 3, share: 100) == 100)
        #expect(PaidShare.value(ofFirst: 2, of: 2, share: .max) == .max)
    }

    @Test func refusesUnitsOutsideTheLine() {
        #expect(PaidShare.value(ofFirst: 4, of: 3, share: 100) == nil)
        #expect(PaidShare.value(ofFirst: -1, of: 3, share: 100) == nil)
        #expect(PaidShare.value(ofFirst: 0, of: 0, share: 0) == nil)
        #expect(PaidShare.value(ofFirst: 1, of: 3, share: -1) == nil)
        #expect(PaidShare.refund(units: 2, after: 2, of: 3, share: 100) == nil)
        #expect(PaidShare.refund(units: -1, after: 2, of: 3, share: 100) == nil)
        #expect(PaidShare.refund(units: 1, after: -1, of: 3, share: 100) == nil)
        #expect(PaidShare.refund(units: 1, after: .max, of: 3, share: 100) == nil)
    }

    @Test func theLastUnitTakesTheRemainderInAnyOrderOfRefunds() {
        #expect(PaidShare.refund(units: 1, after: 0, of: 3, share: 100) == 33)
        #expect(PaidShare.refund(units: 1, after: 2, of: 3, share: 100) == 34)
        #expect(PaidShare.refund(units: 2, after: 1, of: 3, share: 100) == 67)
        #expect(PaidShare.refund(units: 3, after: 0, of: 3, share: 100) == 100)
    }
}
