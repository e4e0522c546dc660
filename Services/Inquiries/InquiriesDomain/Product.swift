import SupportPolicy

/// A catalog product with its specifications.
public struct Product: Sendable, Hashable {
    /// Stock-keeping unit.
    public var sku: String
    /// Name.
    public var name: String
    /// Description.
    public var description: String
    /// Specifications by name.
    public var specifications: [String: String]
    /// Price.
    public var price: Money
    /// The catalog version that last changed it.
    public var catalogVersion: Int64

    /// A product.
    public init(
        sku: String, name: String, description: String, specifications: [String: String], price: Money,
        catalogVersion: Int64
    ) {
        self.sku = sku
        self.name = name
        self.description = description
        self.specifications = specifications
        self.price = price
        self.catalogVersion = catalogVersion
    }

    /// The official answer about this product: every specification, in name order.
    public var detailsText: String {
        let specs = specifications.keys.sorted().map { "\($0): \(specifications[$0] ?? "")" }.joined(separator: "; ")
        return "\(name) (\(sku)), \(price): \(description)" + (specs.isEmpty ? "" : ". Specifications: \(specs).")
    }

    /// The reference an answer about it cites.
    public var reference: PolicyRule {
        PolicyRule(id: "CATALOG-\(sku)@v\(catalogVersion)", text: detailsText)
    }

    /// Checks a product before it is stored.
    public func validate() throws(InquiriesError) {
        guard !sku.isEmpty, sku.utf8.count <= 100 else { throw .invalid("sku must be 1 to 100 characters") }
        guard !name.isEmpty, TextLimit.admits(name, characters: 200) else {
            throw .invalid("name must be 1 to 200 characters (800 UTF-8 bytes)")
        }
        guard TextLimit.admits(description, characters: 4_000), specifications.count <= 100 else {
            throw .invalid("description at most 4000 characters (16000 UTF-8 bytes), at most 100 specifications")
        }
        guard Currency.isValid(price.currency), price.minorUnits >= 0 else {
            throw .invalid("price must be a non-negative amount in an ISO 4217 currency the platform accepts")
        }
    }
}
