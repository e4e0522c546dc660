import Wire

/// One `.proto` file as protoc describes it (`google.protobuf.FileDescriptorProto`).
public struct FileDescriptor: Sendable {
    /// The file's path relative to its import root, such as `support/orders/v1/orders.proto`.
    public var name = ""
    /// The protobuf package, such as `support.orders.v1`.
    public var package = ""
    /// The files it imports.
    public var dependencies: [String] = []
    /// Top-level messages.
    public var messages: [MessageDescriptor] = []
    /// Top-level enums.
    public var enums: [EnumDescriptor] = []
    /// Services.
    public var services: [ServiceDescriptor] = []
    /// Comments attached to declarations, keyed by their descriptor path.
    public var comments: [[Int32]: String] = [:]
    /// `proto2` or `proto3`.
    public var syntax = ""
    /// The FileDescriptorProto exactly as protoc sent it.
    public var serializedBytes: [UInt8] = []

    /// An empty file.
    public init() {}

    /// Decodes a FileDescriptorProto.
    init(serializedBytes bytes: [UInt8]) throws(WireDecodingError) {
        let result = bytes.withUnsafeBytes { buffer -> Result<FileDescriptor, WireDecodingError> in
            guard let base = buffer.baseAddress else { return .success(FileDescriptor()) }
            // protoc's own output, with source info: not a network budget.
            var reader = WireReader(start: base, count: buffer.count, elementLimit: .max)
            return Result { () throws(WireDecodingError) in try FileDescriptor(from: &reader) }
        }
        self = try result.get()
    }

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: name = try reader.readString()
            case 18: package = try reader.readString()
            case 26: dependencies.append(try reader.readString())
            case 34: messages.append(try reader.readDescriptor(MessageDescriptor.init(from:)))
            case 42: enums.append(try reader.readDescriptor(EnumDescriptor.init(from:)))
            case 50: services.append(try reader.readDescriptor(ServiceDescriptor.init(from:)))
            case 74:
                try reader.readEmbedded { (r: inout WireReader) throws(WireDecodingError) in try readSourceCodeInfo(&r)
                }
            case 98: syntax = try reader.readString()
            default: try reader.skipField(tag)
            }
        }
    }

    private mutating func readSourceCodeInfo(_ reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            guard tag.rawValue == 10 else {
                try reader.skipField(tag)
                continue
            }
            let location = try reader.readDescriptor(SourceLocation.init(from:))
            let comment = location.leadingComments.isEmpty ? location.trailingComments : location.leadingComments
            if !comment.isEmpty { comments[location.path] = comment }
        }
    }
}
