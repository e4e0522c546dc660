/// How protobuf names become Swift names.
enum SwiftNaming {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true",
        "try", "Type", "Protocol",
    ]

    /// Words written in capitals when they are not the first word (`order_id` gives `orderID`).
    static let acronyms: [String: String] = ["id": "ID", "ids": "IDs", "url": "URL", "uri": "URI", "utc": "UTC"]

    /// `snake_case` or `SCREAMING_SNAKE` to `lowerCamelCase`.
    static func lowerCamel(_ name: String) -> String {
        let words = name.split(separator: "_").map { $0.lowercased() }
        guard let first = words.first else { return name }
        var result = first
        for word in words.dropFirst() {
            result += acronyms[word] ?? (word.prefix(1).uppercased() + word.dropFirst())
        }
        return result
    }

    /// `snake_case` to `UpperCamelCase`.
    static func upperCamel(_ name: String) -> String {
        let lower = lowerCamel(name)
        return lower.prefix(1).uppercased() + lower.dropFirst()
    }

    /// Escapes a Swift keyword with backticks.
    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// Type names that backticks cannot rescue: `Outer.Type` and `Outer.Protocol` read as the
    /// metatype even escaped, and `Self` is the enclosing type.
    static let metatypeNames: Set<String> = ["Type", "Protocol", "Self"]

    /// The Swift name of a message or enum type: its proto name, with an underscore appended when
    /// it would read as a metatype (`Type` gives `Type_`), escaped when it is another keyword.
    static func typeName(_ protoName: String) -> String {
        metatypeNames.contains(protoName) ? protoName + "_" : escaped(protoName)
    }

    /// The Swift case name of an enum value: the enum's own `SCREAMING_SNAKE` prefix is dropped
    /// (`ORDER_STATUS_IN_TRANSIT` in `OrderStatus` gives `inTransit`).
    static func enumCase(value: String, enumName: String) -> String {
        let prefix = screamingSnake(enumName) + "_"
        var stripped = value
        if value.hasPrefix(prefix), value.count > prefix.count { stripped = String(value.dropFirst(prefix.count)) }
        var name = lowerCamel(stripped)
        if name.first?.isNumber == true { name = "_" + name }
        return name
    }

    /// `OrderStatus` to `ORDER_STATUS`.
    static func screamingSnake(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result += "_" }
            result += character.uppercased()
            previous = character
        }
        return result
    }
}
