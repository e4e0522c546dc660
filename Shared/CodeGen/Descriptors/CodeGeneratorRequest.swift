import Wire

/// What protoc sends a plugin on standard input (`google.protobuf.compiler.CodeGeneratorRequest`),
/// decoded with the project's own ``WireReader``.
public struct CodeGeneratorRequest: Sendable {
    /// The `.proto` files named on protoc's command line, to generate code for.
    public var filesToGenerate: [String] = []
    /// The plugin parameter (`--support_opt=...`).
    public var parameter = ""
    /// Every file in `filesToGenerate` and all their imports, imports first.
    public var protoFiles: [FileDescriptor] = []

    /// An empty request.
    public init() {}

    /// Decodes a request from protoc's bytes.
    public init(serializedBytes bytes: [UInt8]) throws(WireDecodingError) {
        self.init()
        let result = bytes.withUnsafeBytes { buffer -> Result<CodeGeneratorRequest, WireDecodingError> in
            guard let base = buffer.baseAddress else { return .success(CodeGeneratorRequest()) }
            var reader = WireReader(start: base, count: buffer.count)
            return Result { () throws(WireDecodingError) in try CodeGeneratorRequest(from: &reader) }
        }
        self = try result.get()
    }

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: filesToGenerate.append(try reader.readString())
            case 18: parameter = try reader.readString()
            case 122:
                let bytes = try reader.readBytes()
                var file = try FileDescriptor(serializedBytes: bytes)
                file.serializedBytes = bytes
                protoFiles.append(file)
            default: try reader.skipField(tag)
            }
        }
    }
}
