/// Writes the Swift struct for one message: properties, nested types, and the size, encode and
/// merge functions.
struct MessageEmitter {
    let message: MessageDescriptor
    let protoName: String
    let swiftName: String
    let module: String
    let registry: TypeRegistry
    let comments: [[Int32]: String]
    let path: [Int32]

    /// A real (non-synthetic) oneof: its property, its enum type and its members.
    struct Oneof {
        var property: String
        var typeName: String
        var members: [FieldModel]
        var comment: String?
        var isIndirect: Bool
    }

    func emit(into printer: inout CodePrinter) throws(GeneratorError) {
        let fields = try message.fields.enumerated().map { (index, field) throws(GeneratorError) in
            try model(of: field, index: index)
        }
        let oneofs = makeOneofs(fields)
        printer.docComment(comments[path])
        let declaration = "public struct \(swiftName): WireMessage"
        var emitError: GeneratorError?
        printer.block(declaration) { body in
            do throws(GeneratorError) {
                try emitBody(into: &body, fields: fields, oneofs: oneofs)
            } catch {
                emitError = error
            }
        }
        if let emitError { throw emitError }
    }

    private func emitBody(into printer: inout CodePrinter, fields: [FieldModel], oneofs: [Oneof]) throws(GeneratorError)
    {
        printer.line("/// The message's protobuf name.")
        printer.line("public static let protoMessageName = \"\(protoName.dropFirst())\"")
        printer.line()
        for field in fields {
            if case .oneofMember = field.shape { continue }
            emitProperty(field, into: &printer)
        }
        for oneof in oneofs {
            printer.docComment(oneof.comment ?? "One of the following, or none.")
            printer.line("public var \(oneof.property): \(oneof.typeName)?")
            printer.line()
        }
        printer.line("/// Fields this version of the schema does not know, kept for re-encoding.")
        printer.line("public var unknownFields = UnknownFields()")
        printer.line()
        printer.line("/// A message with every field at its default.")
        printer.line("public init() {}")
        for oneof in oneofs { emitOneofEnum(oneof, into: &printer) }
        try emitNestedTypes(into: &printer)
        emitSize(fields, oneofs: oneofs, into: &printer)
        emitEncode(fields, into: &printer)
        emitMerge(fields, into: &printer)
    }

    // MARK: Model

    private func model(of field: FieldDescriptor, index: Int) throws(GeneratorError) -> FieldModel {
        guard let type = FieldType(rawValue: field.type), type != .group else {
            throw GeneratorError("\(protoName).\(field.name): groups are not supported")
        }
        let swiftType = try elementSwiftType(type: type, typeName: field.typeName)
        var model = FieldModel(
            number: Int(field.number), type: type, swiftName: SwiftNaming.escaped(SwiftNaming.lowerCamel(field.name)),
            swiftType: swiftType, shape: .singular, isIndirect: false,
            defaultValue: type.defaultValue(swiftType: swiftType, enumZeroCase: try enumZeroCase(field)),
            comment: comments[path + [2, Int32(index)]])
        if field.isRepeated {
            if type == .message, let entry = try registry.entry(field.typeName).message, entry.isMapEntry {
                let key = try mapPart(entry, number: 1)
                let value = try mapPart(entry, number: 2)
                model.shape = .map(key: key, value: value)
            } else {
                model.shape = .repeated(packed: type.isPackable)
            }
        } else if field.isProto3Optional {
            model.shape = .optional
        } else if let oneofIndex = field.oneofIndex, Int(oneofIndex) < message.oneofNames.count {
            model.shape = .oneofMember(
                property: SwiftNaming.escaped(SwiftNaming.lowerCamel(message.oneofNames[Int(oneofIndex)])),
                caseName: SwiftNaming.escaped(SwiftNaming.lowerCamel(field.name)))
        }
        if type == .message, !field.isRepeated {
            model.isIndirect = field.typeName == protoName || reaches(field.typeName, target: protoName, seen: [])
        }
        return model
    }

    private func mapPart(_ entry: MessageDescriptor, number: Int32) throws(GeneratorError) -> FieldModel {
        guard let field = entry.fields.first(where: { $0.number == number }) else {
            throw GeneratorError("\(protoName): malformed map entry \(entry.name)")
        }
        var part = try model(of: field, index: 0)
        part.comment = nil
        return part
    }

    private func elementSwiftType(type: FieldType, typeName: String) throws(GeneratorError) -> String {
        switch type {
        case .message, .enumeration: try registry.swiftName(typeName, from: module)
        default: type.scalarSwiftType
        }
    }

    private func enumZeroCase(_ field: FieldDescriptor) throws(GeneratorError) -> String? {
        guard field.type == FieldType.enumeration.rawValue,
            let enumType = try registry.entry(field.typeName).enumType,
            let zero = enumType.values.first(where: { $0.number == 0 })
        else { return nil }
        return SwiftNaming.escaped(SwiftNaming.enumCase(value: zero.name, enumName: enumType.name))
    }

    /// Whether `typeName` can contain `target` through singular message fields.
    private func reaches(_ typeName: String, target: String, seen: Set<String>) -> Bool {
        guard !seen.contains(typeName), let message = registry.entries[typeName]?.message else { return false }
        let seen = seen.union([typeName])
        for field in message.fields where field.type == FieldType.message.rawValue && !field.isRepeated {
            if field.typeName == target || reaches(field.typeName, target: target, seen: seen) { return true }
        }
        return false
    }

    private func makeOneofs(_ fields: [FieldModel]) -> [Oneof] {
        var oneofs: [Oneof] = []
        for (index, field) in fields.enumerated() {
            guard case .oneofMember(let property, _) = field.shape else { continue }
            if let position = oneofs.firstIndex(where: { $0.property == property }) {
                oneofs[position].members.append(field)
                oneofs[position].isIndirect = oneofs[position].isIndirect || field.isIndirect
            } else {
                let oneofIndex = message.fields[index].oneofIndex ?? 0
                let name = message.oneofNames[Int(oneofIndex)]
                oneofs.append(
                    Oneof(
                        property: property, typeName: SwiftNaming.upperCamel(name), members: [field],
                        comment: comments[path + [8, oneofIndex]], isIndirect: field.isIndirect))
            }
        }
        return oneofs
    }

    // MARK: Declarations

    private func emitProperty(_ field: FieldModel, into printer: inout CodePrinter) {
        printer.docComment(field.comment ?? "The `\(field.swiftName)` field.")
        if field.isIndirect {
            printer.block("public var \(field.swiftName): \(field.propertyType)") { body in
                body.line("get { _\(field.swiftName.trimmingBackticks)?.value }")
                body.line("set { _\(field.swiftName.trimmingBackticks) = newValue.map(Indirect.init) }")
            }
            printer.line("private var _\(field.swiftName.trimmingBackticks): Indirect<\(field.swiftType)>?")
        } else {
            printer.line("public var \(field.swiftName): \(field.propertyType) = \(field.initialValue)")
        }
        printer.line()
    }

    private func emitOneofEnum(_ oneof: Oneof, into printer: inout CodePrinter) {
        printer.line()
        printer.docComment(oneof.comment ?? "The cases of `\(oneof.property)`.")
        let keyword = oneof.isIndirect ? "public indirect enum" : "public enum"
        printer.block("\(keyword) \(oneof.typeName): Sendable, Hashable") { body in
            for member in oneof.members {
                guard case .oneofMember(_, let caseName) = member.shape else { continue }
                body.docComment(member.comment ?? "The `\(caseName)` case.")
                body.line("case \(caseName)(\(member.swiftType))")
            }
        }
    }

    private func emitNestedTypes(into printer: inout CodePrinter) throws(GeneratorError) {
        for (index, nested) in message.nestedMessages.enumerated() where !nested.isMapEntry {
            printer.line()
            let emitter = MessageEmitter(
                message: nested, protoName: protoName + "." + nested.name, swiftName: SwiftNaming.typeName(nested.name),
                module: module,
                registry: registry, comments: comments, path: path + [3, Int32(index)])
            try emitter.emit(into: &printer)
        }
        for (index, nested) in message.nestedEnums.enumerated() {
            printer.line()
            EnumEmitter(enumType: nested, comments: comments, path: path + [4, Int32(index)]).emit(into: &printer)
        }
    }

    // MARK: Size

    private func emitSize(_ fields: [FieldModel], oneofs: [Oneof], into printer: inout CodePrinter) {
        printer.line()
        printer.line("/// The exact number of bytes ``encode(to:)`` writes.")
        printer.block("public func serializedSize() -> Int") { body in
            body.line("var size = unknownFields.serializedSize")
            for field in fields { emitSize(of: field, into: &body) }
            for oneof in oneofs {
                body.block("switch \(access(oneof.property))") { cases in
                    for member in oneof.members {
                        guard case .oneofMember(_, let caseName) = member.shape else { continue }
                        cases.line(
                            "case .\(caseName)(let value): size += \(member.tagSize) + \(member.type.size("value"))")
                    }
                    cases.line("case nil: break")
                }
            }
            body.line("return size")
        }
    }

    private func emitSize(of field: FieldModel, into printer: inout CodePrinter) {
        let property = access(field.swiftName)
        let valueSize = "\(field.tagSize) + \(field.type.size("value"))"
        switch field.shape {
        case .optional where field.type.fixedSize != nil:
            printer.line("if \(property) != nil { size += \(valueSize) }")
        case .singular where field.isMessage, .optional:
            printer.line("if let value = \(property) { size += \(valueSize) }")
        case .singular:
            printer.line(
                "if \(field.type.isPresent(property)) { size += \(field.tagSize) + \(field.type.size(property)) }")
        case .repeated(packed: true):
            printer.block("if !\(property).isEmpty") { body in
                emitPackedPayload(field, into: &body)
                body.line("size += \(field.tagSize) + Varint.sizeWithLengthPrefix(payload)")
            }
        case .repeated(packed: false):
            if let fixed = field.type.fixedSize {
                printer.line("size += \(property).count * \(field.tagSize + fixed)")
            } else {
                printer.line("for value in \(property) { size += \(valueSize) }")
            }
        case .map(let key, let value):
            printer.block("for (key, value) in \(property)") { body in
                body.line("let entry = \(mapEntrySize(key: key, value: value))")
                body.line("size += \(field.tagSize) + Varint.sizeWithLengthPrefix(entry)")
            }
        case .oneofMember:
            break
        }
    }

    private func emitPackedPayload(_ field: FieldModel, into printer: inout CodePrinter) {
        let property = access(field.swiftName)
        if let fixed = field.type.fixedSize {
            printer.line("let payload = \(property).count * \(fixed)")
        } else {
            printer.line("var payload = 0")
            printer.line("for value in \(property) { payload += \(field.type.size("value")) }")
        }
    }

    private func mapEntrySize(key: FieldModel, value: FieldModel) -> String {
        "\(key.tagSize + value.tagSize) + \(key.type.size("key")) + \(value.type.size("value"))"
    }

    // MARK: Encode

    private func emitEncode(_ fields: [FieldModel], into printer: inout CodePrinter) {
        printer.line()
        printer.line("/// Writes every present field in field-number order, then the unknown fields.")
        printer.block("public func encode(to writer: inout WireWriter)") { body in
            for field in fields.sorted(by: { $0.number < $1.number }) { emitEncode(of: field, into: &body) }
            body.line("unknownFields.encode(to: &writer)")
        }
    }

    private func emitEncode(of field: FieldModel, into printer: inout CodePrinter) {
        let property = access(field.swiftName)
        let writeValue = { (body: inout CodePrinter) in
            body.line("writer.writeTag(\(field.tag))")
            body.line(field.type.write("value"))
        }
        switch field.shape {
        case .singular where field.isMessage, .optional:
            printer.block("if let value = \(property)", writeValue)
        case .singular:
            printer.block("if \(field.type.isPresent(property))") { body in
                body.line("writer.writeTag(\(field.tag))")
                body.line(field.type.write(property))
            }
        case .repeated(packed: true):
            printer.block("if !\(property).isEmpty") { body in
                body.line("writer.writeTag(\(field.packedTag))")
                emitPackedPayload(field, into: &body)
                body.line("writer.writeVarint(UInt64(payload))")
                body.line("for value in \(property) { \(field.type.write("value")) }")
            }
        case .repeated(packed: false):
            printer.block("for value in \(property)", writeValue)
        case .map(let key, let value):
            printer.block("for (key, value) in \(property).sorted(by: \(key.type.keyOrdering))") { body in
                body.line("writer.writeTag(\(field.tag))")
                body.line("writer.writeVarint(UInt64(\(mapEntrySize(key: key, value: value))))")
                body.line("writer.writeTag(\(key.tag))")
                body.line(key.type.write("key"))
                body.line("writer.writeTag(\(value.tag))")
                body.line(value.type.write("value"))
            }
        case .oneofMember(let oneof, let caseName):
            printer.block("if case .\(caseName)(let value) = \(access(oneof))", writeValue)
        }
    }

    // MARK: Merge

    private func emitMerge(_ fields: [FieldModel], into printer: inout CodePrinter) {
        printer.line()
        printer.line("/// Reads fields until the end of the reader's current message, merging them into `self`.")
        printer.block("public mutating func merge(from reader: inout WireReader) throws(WireDecodingError)") { body in
            body.block("while let tag = try reader.nextTag()") { loop in
                loop.line("switch tag.rawValue {")
                for field in fields { emitMergeCases(of: field, into: &loop) }
                loop.line("default: try reader.skipField(tag, into: &unknownFields)")
                loop.line("}")
            }
        }
    }

    private func emitMergeCases(of field: FieldModel, into printer: inout CodePrinter) {
        let property = access(field.swiftName)
        let read = field.type.read(swiftType: field.swiftType)
        switch field.shape {
        case .singular where field.isMessage, .optional where field.isMessage:
            printer.line("case \(field.tag):")
            printer.indent()
            printer.line("var value = \(property) ?? \(field.swiftType)()")
            printer.line("\(property) = nil")
            printer.line("try reader.readMessage(into: &value)")
            printer.line("\(property) = value")
            printer.outdent()
        case .singular, .optional:
            printer.line("case \(field.tag): \(property) = \(read)")
        case .repeated(let packed):
            if packed {
                printer.line(
                    "case \(field.packedTag): \(field.type.readPacked(into: property, swiftType: field.swiftType))")
            }
            printer.line("case \(field.tag): \(property).append(\(read))")
        case .map(let key, let value):
            printer.line("case \(field.tag):")
            printer.indent()
            printer.line("var key: \(key.swiftType) = \(key.defaultValue)")
            printer.line("var value: \(value.swiftType) = \(value.defaultValue)")
            printer.line(
                "try reader.readMapEntry { (reader: inout WireReader, tag: FieldTag) throws(WireDecodingError) in")
            printer.indent()
            printer.line("switch tag.rawValue {")
            printer.line("case \(key.tag): key = \(key.type.read(swiftType: key.swiftType))")
            if value.isMessage {
                printer.line("case \(value.tag): try reader.readMessage(into: &value)")
            } else {
                printer.line("case \(value.tag): value = \(value.type.read(swiftType: value.swiftType))")
            }
            printer.line("default: try reader.skipField(tag)")
            printer.line("}")
            printer.outdent()
            printer.line("}")
            printer.line("\(property)[key] = value")
            printer.outdent()
        case .oneofMember(let oneof, let caseName):
            if field.isMessage {
                printer.line("case \(field.tag):")
                printer.indent()
                printer.line("var value = \(field.swiftType)()")
                printer.line("if case .\(caseName)(let existing) = \(access(oneof)) { value = existing }")
                printer.line("try reader.readMessage(into: &value)")
                printer.line("\(access(oneof)) = .\(caseName)(value)")
                printer.outdent()
            } else {
                printer.line("case \(field.tag): \(access(oneof)) = .\(caseName)(\(read))")
            }
        }
    }

    private func access(_ property: String) -> String { "self." + property }
}

extension String {
    var trimmingBackticks: String { filter { $0 != "`" } }
}
