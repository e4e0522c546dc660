import CommonAPI
import Runtime
import Wire

/// The console's link to a case page, from a case's type and id or from a reference such as
/// "return/R-123".
struct CaseLink: Equatable {
    /// The case types the case view shows.
    static let types = ["issue", "return", "refund", "ticket", "complaint"]

    /// The case's type.
    let type: String
    /// The case's id.
    let id: String

    /// The link for a case of `type`; nil for a type the console has no page for.
    init?(type: String, id: String) {
        guard Self.types.contains(type), !id.isEmpty else { return nil }
        self.type = type
        self.id = id
    }

    /// The link for a reference "type/id"; nil when it names no case type the console shows.
    init?(reference: String) {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        self.init(type: parts[0], id: parts[1])
    }

    /// The path of the case page.
    var path: String { "/cases/\(URLText.component(type))/\(URLText.component(id))" }
}
