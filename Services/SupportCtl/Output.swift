import Foundation

/// What a command prints: rows of a table for people, or the same fields as JSON for scripts.
struct Output {
    /// Whether to print JSON.
    let json: Bool

    /// Prints `fields` (in order) as "name  value" lines, or as one JSON object.
    func record(_ fields: [(String, Any)]) {
        if json {
            printJSON(Dictionary(fields, uniquingKeysWith: { first, _ in first }))
        } else {
            let width = fields.map(\.0.count).max() ?? 0
            for (name, value) in fields {
                print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + "\(value)")
            }
        }
    }

    /// Prints rows under `columns` as an aligned table, or as a JSON array of objects.
    func table(_ columns: [String], _ rows: [[String]]) {
        if json {
            printJSON(
                rows.map {
                    Dictionary(zip(columns, $0).map { ($0, $1 as Any) }, uniquingKeysWith: { first, _ in first })
                })
            return
        }
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        print(line(columns))
        print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { print(line(row)) }
    }

    private func printJSON(_ value: Any) {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
        else {
            print("{}")
            return
        }
        print(String(decoding: data, as: UTF8.self))
    }
}
