import Wire

/// A gRPC service (`google.protobuf.ServiceDescriptorProto`).
public struct ServiceDescriptor: Sendable {
    /// The unqualified name.
    public var name = ""
    /// Its methods, in declaration order.
    public var methods: [MethodDescriptor] = []

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: name = try reader.readString()
            case 18: methods.append(try reader.readDescriptor(MethodDescriptor.init(from:)))
            default: try reader.skipField(tag)
            }
        }
    }
}
