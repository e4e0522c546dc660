import Wire

/// What a plugin writes back to protoc (`google.protobuf.compiler.CodeGeneratorResponse`).
public struct CodeGeneratorResponse: Sendable, Equatable {
    /// Feature flag telling protoc that the plugin understands proto3 `optional`.
    public static let proto3OptionalFeature: UInt64 = 1

    /// A failure to report instead of files.
    public var error: String?
    /// The generated files as (path, contents).
    public var files: [GeneratedFile] = []

    /// A response carrying `files`, or `error`.
    public init(files: [GeneratedFile] = [], error: String? = nil) {
        self.files = files
        self.error = error
    }

    /// The encoded response.
    public func serializedBytes() -> [UInt8] {
        var size = 1 + Varint.size(of: Self.proto3OptionalFeature)
        if let error { size += 1 + Varint.sizeWithLengthPrefix(error.utf8.count) }
        for file in files { size += 1 + Varint.sizeWithLengthPrefix(file.serializedSize) }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            var writer = WireWriter(start: UnsafeMutableRawPointer(base))
            if let error {
                writer.writeTag(10)
                writer.writeString(error)
            }
            writer.writeTag(16)
            writer.writeVarint(Self.proto3OptionalFeature)
            for file in files {
                writer.writeTag(122)
                writer.writeVarint(UInt64(file.serializedSize))
                file.encode(to: &writer)
            }
            count = size
        }
    }
}
