import Foundation
import ReturnsDomain
import SupportPolicy
import Testing

/// Refund amounts are each unit's frozen share of what was paid (rule REF-SHARE-PAID): over many
/// random orders (lines, quantities, discounts, partial payments, currencies of 0, 2 and 3 minor
/// digits) returned in random splits and orders, with rejected returns returned again, the
/// refunds add up to exactly what was paid, and each line of each refund is within one minor unit
/// of its units' share.
@Suite struct RefundAllocationTests {
    static let currencies = ["JPY", "EUR", "BHD", "KRW", "USD", "KWD"]

    /// A random order: its lines (quantity, unit price), what was paid, and the currency.
    struct RandomOrder {
        var quantities: [Int]
        var prices: [Int64]
        var paid: Int64
        var currency: String

        var amounts: [Int64] { zip(quantities, prices).map { Int64($0) * $1 } }
        var total: Int64 { amounts.reduce(0, +) }

        init(using random: inout SplitMix64) {
            currency = RefundAllocationTests.currencies.randomElement(using: &random) ?? "EUR"
            let digits = Currency.minorDigits(of: currency) ?? 2
            var scale: Int64 = 1
            for _ in 0..<digits { scale *= 10 }
            let lineCount = Int.random(in: 1...6, using: &random)
            quantities = (0..<lineCount).map { _ in
                Bool.random(using: &random) ? 1 : Int.random(in: 1...7, using: &random)
            }
            prices = (0..<lineCount).map { _ in
                // Whole prices, odd cents, tiny and free lines.
                switch Int.random(in: 0..<5, using: &random) {
                case 0: Int64.random(in: 1...500, using: &random) * scale
                case 1: 0
                case 2: Int64.random(in: 1...9, using: &random)
                default: Int64.random(in: 1...99_999, using: &random) * max(1, scale / 100)
                }
            }
            let total = zip(quantities, prices).map { Int64($0) * $1 }.reduce(0, +)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: paid = total  // paid in full
            case 1: paid = total - total * Int64.random(in: 1...50, using: &random) / 100  // a discount
            case 2: paid = Int64.random(in: 0...total, using: &random)  // a partial payment
            default: paid = max(0, total - Int64.random(in: 0...7, using: &random))  // a few minor units off
            }
        }
    }

    @Test func lineSharesAddUpToWhatWasPaidAndEachIsWithinOneMinorUnitOfExact() throws {
        var random = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<2_000 {
            let order = RandomOrder(using: &random)
            let shares = try #require(PaidShare.lineShares(paid: order.paid, amounts: order.amounts))
            #expect(shares.reduce(0, +) == order.paid)
            for (share, amount) in zip(shares, order.amounts) {
                // |share - paid x amount / total| < 1, in integers.
                let exact = order.paid * amount
                #expect(abs(share * order.total - exact) < max(order.total, 1), "\(order)")
            }
        }
    }

    @Test func anyOrderOfReturnsRefundsExactlyWhatWasPaid() throws {
        var random = SplitMix64(seed: 0x5EED_0002)
        for _ in 0..<400 {
            let order = RandomOrder(using: &random)
            let shares = try #require(PaidShare.lineShares(paid: order.paid, amounts: order.amounts))
            let facts = PurchaseFacts(
                orderID: "o-1", customerID: "c-1", paid: Money(minorUnits: order.paid, currency: order.currency),
                progress: .delivered(EligibilityTests.delivered),
                lines: order.quantities.indices.map { index in
                    .init(
                        number: index + 1, quantity: order.quantities[index],
                        unitPrice: Money(minorUnits: order.prices[index], currency: order.currency),
                        paidShare: Money(minorUnits: shares[index], currency: order.currency))
                })
            var left = order.quantities  // units not yet approved for a refund
            var refunded: [Int: Int] = [:]
            var refundTotal: Int64 = 0
            var returnNumber = 0
            while left.contains(where: { $0 > 0 }) {
                // A batch of up to three returns opened side by side, then decided in random order.
                var open: [Int: Int] = [:]
                var batch: [ProductReturn] = []
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    var lines: [ReturnLine] = []
                    for index in left.indices.shuffled(using: &random) {
                        let free = left[index] - open[index + 1, default: 0]
                        guard free > 0, Bool.random(using: &random) || lines.isEmpty else { continue }
                        lines.append(
                            ReturnLine(lineNumber: index + 1, quantity: Int.random(in: 1...free, using: &random)))
                    }
                    guard !lines.isEmpty else { break }
                    returnNumber += 1
                    let opened = try ProductReturn.request(
                        id: "r-\(returnNumber)", facts: facts, lines: lines, reason: .changedMind, remedy: .refund,
                        description: "", alreadyReturned: refunded.merging(open, uniquingKeysWith: +),
                        alreadyRefunded: refunded, by: ProductReturnTests.customer, at: ProductReturnTests.now
                    ).0
                    for line in lines { open[line.lineNumber, default: 0] += line.quantity }
                    batch.append(opened)
                }
                for var productReturn in batch.shuffled(using: &random) {
                    _ = try productReturn.receive(by: ProductReturnTests.agent, at: ProductReturnTests.now)
                    // One in four is rejected: its units are free again and are returned later.
                    let finding: InspectionFinding =
                        Int.random(in: 0..<4, using: &random) == 0 ? .contradictsReason : .confirmsReason
                    _ = try productReturn.inspect(
                        finding: finding, notes: "", alreadyRefunded: refunded, by: ProductReturnTests.agent,
                        at: ProductReturnTests.now)
                    guard productReturn.state == .approved else { continue }
                    var sum: Int64 = 0
                    for line in productReturn.lines {
                        let index = line.lineNumber - 1
                        let amount = try #require(line.refundAmount).minorUnits
                        // Within one minor unit of the units' frozen share n x S / q.
                        let quantity = Int64(order.quantities[index])
                        #expect(abs(amount * quantity - Int64(line.quantity) * shares[index]) < quantity, "\(order)")
                        refunded[line.lineNumber, default: 0] += line.quantity
                        left[index] -= line.quantity
                        sum += amount
                    }
                    #expect(productReturn.refundAmount.minorUnits == sum)
                    refundTotal += productReturn.refundAmount.minorUnits
                }
            }
            #expect(left.allSatisfy { $0 == 0 })
            #expect(refundTotal == order.paid, "\(order): refunded \(refundTotal) of \(order.paid)")
        }
    }

    @Test func eightyPaidForTwoLinesOfFiftyRefundsFortyEach() throws {
        let shares = try #require(PaidShare.lineShares(paid: 8_000, amounts: [5_000, 5_000]))
        #expect(shares == [4_000, 4_000])
        let facts = PurchaseFacts(
            orderID: "o-1", customerID: "c-1", paid: Money(minorUnits: 8_000, currency: "EUR"),
            progress: .delivered(EligibilityTests.delivered),
            lines: [1, 2].map { number in
                .init(
                    number: number, quantity: 1, unitPrice: Money(minorUnits: 5_000, currency: "EUR"),
                    paidShare: Money(minorUnits: 4_000, currency: "EUR"))
            })
        for number in [2, 1] {
            let opened = try ProductReturn.request(
                id: "r-\(number)", facts: facts, lines: [ReturnLine(lineNumber: number, quantity: 1)],
                reason: .changedMind, remedy: .refund, description: "", by: ProductReturnTests.customer,
                at: ProductReturnTests.now
            ).0
            #expect(opened.refundAmount == Money(minorUnits: 4_000, currency: "EUR"))
        }
    }

    @Test func aReturnOpenedBeforeSharesWereFrozenKeepsItsAmount() throws {
        var legacy = try ProductReturnTests.open(quantity: 1)
        legacy.lines = [ReturnLine(lineNumber: 1, quantity: 1)]
        legacy.refundAmount = Money(minorUnits: 2_500, currency: "EUR")
        _ = try legacy.receive(by: ProductReturnTests.agent, at: ProductReturnTests.now)
        _ = try legacy.inspect(
            finding: .confirmsReason, notes: "", alreadyRefunded: [1: 1], by: ProductReturnTests.agent,
            at: ProductReturnTests.now)
        #expect(legacy.state == .approved)
        #expect(legacy.refundAmount == Money(minorUnits: 2_500, currency: "EUR"))
    }

    @Test func aLinesLastUnitTakesItsRemainder() {
        // 100 minor units over 3 units: 33, 33, 34 whichever way the returns split.
        #expect(PaidShare.refund(units: 1, after: 0, of: 3, share: 100) == 33)
        #expect(PaidShare.refund(units: 1, after: 1, of: 3, share: 100) == 33)
        #expect(PaidShare.refund(units: 1, after: 2, of: 3, share: 100) == 34)
        #expect(PaidShare.refund(units: 2, after: 1, of: 3, share: 100) == 67)
        #expect(PaidShare.refund(units: 2, after: 2, of: 3, share: 100) == nil)
    }
}
