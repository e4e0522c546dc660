/// Writes the Swift enum for one proto3 enum: a case per named value plus `unrecognized`, so that
/// values added by a newer schema survive a round trip.
struct EnumEmitter {
    let enumType: EnumDescriptor
    let comments: [[Int32]: String]
    let path: [Int32]

    func emit(into printer: inout CodePrinter) {
        var seen = Set<Int32>()
        let values = enumType.values.enumerated().filter { seen.insert($0.element.number).inserted }
        let caseName = { (name: String) in
            SwiftNaming.escaped(SwiftNaming.enumCase(value: name, enumName: enumType.name))
        }
        printer.docComment(comments[path] ?? "The `\(enumType.name)` enum.")
        printer.block("public enum \(SwiftNaming.typeName(enumType.name)): WireEnum") { body in
            for (index, value) in values {
                body.docComment(comments[path + [2, Int32(index)]] ?? "`\(value.name)`")
                body.line("case \(caseName(value.name))")
            }
            body.line("/// A value this version of the schema does not name.")
            body.line("case unrecognized(Int32)")
            body.line()
            body.line("/// The case for a wire value; unnamed values become `unrecognized`.")
            body.block("public init(rawValue: Int32)") { initializer in
                initializer.line("switch rawValue {")
                for (_, value) in values { initializer.line("case \(value.number): self = .\(caseName(value.name))") }
                initializer.line("default: self = .unrecognized(rawValue)")
                initializer.line("}")
            }
            body.line()
            body.line("/// The value sent on the wire.")
            body.block("public var rawValue: Int32") { getter in
                getter.line("switch self {")
                for (_, value) in values { getter.line("case .\(caseName(value.name)): \(value.number)") }
                getter.line("case .unrecognized(let value): value")
                getter.line("}")
            }
        }
    }
}
