import InquiriesDomain
import Synchronization

/// The newest rate table a read found, kept decoded. A published version never changes, so a read
/// that finds the same newest version takes the table from here instead of reading and decoding
/// its entries again (`ConvertCurrency` reads the table on every call). Only read-only snapshots
/// use it: they see committed versions only, so a table kept here can never be one that a
/// command's transaction wrote and then rolled back.
final class RateTableCache: Sendable {
    private let kept = Mutex<RateTable?>(nil)

    /// The table of `version`, if it is the one kept.
    func table(version: Int64) -> RateTable? {
        kept.withLock { table in table?.version == version ? table : nil }
    }

    /// Keeps `table` (a committed version), unless a newer one is kept already.
    func keep(_ table: RateTable) {
        kept.withLock { kept in
            if kept.map({ $0.version < table.version }) ?? true { kept = table }
        }
    }
}
