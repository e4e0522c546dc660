/// A `.proto` file as compiled into the program: its name, imports, the symbols it defines and
/// its serialized `google.protobuf.FileDescriptorProto` (comments included). Generated code
/// declares one per file; server reflection serves them.
public struct ProtoFile: Sendable {
    /// The file's path, such as `support/orders/v1/orders.proto`.
    public let name: String
    /// The files it imports.
    public let dependencies: [String]
    /// Fully qualified names of the messages, enums, services and methods it defines.
    public let symbols: [String]
    private let descriptorBase64: String

    /// A file; `descriptorBase64` is its FileDescriptorProto in base64.
    public init(name: String, dependencies: [String], symbols: [String], descriptorBase64: String) {
        self.name = name
        self.dependencies = dependencies
        self.symbols = symbols
        self.descriptorBase64 = descriptorBase64
    }

    /// The serialized FileDescriptorProto.
    public var serializedDescriptor: [UInt8] {
        Base64.decode(descriptorBase64) ?? []
    }
}
