import Foundation
import InquiriesAPI
import RPC
import SupportPolicy
import Synchronization

/// Where Oversight learns the official rate table in force: Inquiries' `GetRateTable`, called as
/// a service through its published contract, and remembered for ``lifetime`` seconds. While
/// Inquiries cannot answer, the last table it gave is used; before any, none (the report then
/// says its value bands are unconverted).
final class RateTableSource: Sendable {
    /// How long a fetched table is used before asking again.
    static let lifetime: TimeInterval = 60

    private let inquiries: Inquiries.Client
    private let cache = Mutex<(rates: PublishedRates, fetchedAt: Date)?>(nil)

    /// A source asking Inquiries through `inquiries` (a client carrying this service's credentials).
    init(inquiries: RPCClient) {
        self.inquiries = Inquiries.Client(inquiries)
    }

    /// The table in force at `now`, if Inquiries gave one (now or before).
    func current(at now: Date) async -> PublishedRates? {
        let cached = cache.withLock { $0 }
        if let cached, now.timeIntervalSince(cached.fetchedAt) < Self.lifetime { return cached.rates }
        guard
            let wire = try? await inquiries.getRateTable(
                GetRateTableRequest(), options: CallOptions(timeout: .seconds(2), isSafeToRetry: true)),
            let rates = Self.rates(wire)
        else { return cached?.rates }
        cache.withLock { $0 = (rates, now) }
        return rates
    }

    /// The published table's numbers; nil if a rate is not a decimal the policy allows.
    static func rates(_ wire: InquiriesAPI.RateTable) -> PublishedRates? {
        var entries: [String: PublishedRates.Entry] = [:]
        for rate in wire.rates {
            guard let value = ExchangeRate(decimal: rate.unitsPerBase), (0...4).contains(rate.minorDigits) else {
                return nil
            }
            entries[rate.currencyCode] = PublishedRates.Entry(rate: value, minorDigits: Int(rate.minorDigits))
        }
        guard entries[wire.baseCurrency] != nil else { return nil }
        return PublishedRates(version: wire.version, base: wire.baseCurrency, entries: entries)
    }
}
