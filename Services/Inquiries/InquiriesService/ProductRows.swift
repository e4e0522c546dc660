import Foundation
import InquiriesDomain
import Storage
import SupportPolicy

/// How a catalog product is kept: a row of `products` and its specifications as rows of
/// `product_specifications`. The same SQL on SQLite and PostgreSQL.
enum ProductRows {
    /// Stores a new or changed product (its specifications anew).
    static func save(_ product: Product, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO products (sku, name, description, price_minor, currency, catalog_version)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (sku) DO UPDATE SET name = excluded.name, description = excluded.description,
                price_minor = excluded.price_minor, currency = excluded.currency,
                catalog_version = excluded.catalog_version
            """,
            [
                product.sku, product.name, product.description, product.price.minorUnits, product.price.currency,
                product.catalogVersion,
            ])
        try db.execute("DELETE FROM product_specifications WHERE sku = ?", [product.sku])
        for (name, value) in product.specifications.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                "INSERT INTO product_specifications (sku, name, value) VALUES (?, ?, ?)", [product.sku, name, value])
        }
    }

    /// The products `sql` selects (sku, name, description, price_minor, currency, catalog_version).
    static func products(_ sql: String, _ arguments: [any SQLBindable], in db: some SQLConnection) throws -> [Product] {
        try db.fetchRows(sql, arguments).map { row in
            let sku = try row.string(0)
            var specifications: [String: String] = [:]
            for specification in try db.fetchRows(
                "SELECT name, value FROM product_specifications WHERE sku = ?", [sku])
            {
                specifications[try specification.string(0)] = try specification.string(1)
            }
            return Product(
                sku: sku, name: try row.string(1), description: try row.string(2), specifications: specifications,
                price: Money(minorUnits: try row.int64(3), currency: try row.string(4)),
                catalogVersion: try row.int64(5))
        }
    }

    /// The columns ``products(_:_:in:)`` reads.
    static let columns = "sku, name, description, price_minor, currency, catalog_version"
}
