/// Every message and enum type protoc described, by fully qualified name, with the Swift name
/// and module the generator gives it.
struct TypeRegistry {
    /// A named type the generated code can refer to.
    struct Entry {
        /// The Swift path inside its module, such as `Order.Line`.
        var swiftPath: String
        /// The Swift module that declares it.
        var module: String
        /// The message, when the type is a message.
        var message: MessageDescriptor?
        /// The enum, when the type is an enum.
        var enumType: EnumDescriptor?
    }

    private(set) var entries: [String: Entry] = [:]

    /// Registers every type of `files`.
    init(files: [FileDescriptor], options: GeneratorOptions) {
        for file in files {
            let module = options.module(for: file.package)
            let prefix = file.package.isEmpty ? "" : "." + file.package
            for message in file.messages { register(message, protoPrefix: prefix, swiftPrefix: "", module: module) }
            for enumType in file.enums {
                entries[prefix + "." + enumType.name] = Entry(
                    swiftPath: SwiftNaming.typeName(enumType.name), module: module, message: nil, enumType: enumType)
            }
        }
        if entries[".google.protobuf.Duration"] != nil {
            entries[".google.protobuf.Duration"]?.swiftPath = "ProtoDuration"
        }
    }

    private mutating func register(
        _ message: MessageDescriptor, protoPrefix: String, swiftPrefix: String, module: String
    ) {
        let protoName = protoPrefix + "." + message.name
        let name = SwiftNaming.typeName(message.name)
        let swiftPath = swiftPrefix.isEmpty ? name : swiftPrefix + "." + name
        entries[protoName] = Entry(swiftPath: swiftPath, module: module, message: message, enumType: nil)
        for nested in message.nestedMessages {
            register(nested, protoPrefix: protoName, swiftPrefix: swiftPath, module: module)
        }
        for enumType in message.nestedEnums {
            entries[protoName + "." + enumType.name] = Entry(
                swiftPath: swiftPath + "." + SwiftNaming.typeName(enumType.name), module: module, message: nil,
                enumType: enumType)
        }
    }

    /// The entry for a fully qualified name (with its leading dot).
    func entry(_ protoName: String) throws(GeneratorError) -> Entry {
        guard let entry = entries[protoName] else { throw GeneratorError("unknown type \(protoName)") }
        if entry.module == "Wire", !["Timestamp", "ProtoDuration"].contains(entry.swiftPath) {
            throw GeneratorError("\(protoName) is not supported; use Timestamp or Duration from google.protobuf")
        }
        return entry
    }

    /// How code in `module` names the type: qualified with its module when it lives elsewhere.
    func swiftName(_ protoName: String, from module: String) throws(GeneratorError) -> String {
        let entry = try entry(protoName)
        return entry.module == module ? entry.swiftPath : entry.module + "." + entry.swiftPath
    }
}
