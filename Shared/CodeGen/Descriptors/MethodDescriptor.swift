import Wire

/// One RPC of a service (`google.protobuf.MethodDescriptorProto`).
public struct MethodDescriptor: Sendable {
    /// The method name, such as `GetOrder`.
    public var name = ""
    /// The fully qualified request type, with a leading dot.
    public var inputType = ""
    /// The fully qualified response type, with a leading dot.
    public var outputType = ""
    /// Whether the client sends a stream of requests.
    public var clientStreaming = false
    /// Whether the server sends a stream of responses.
    public var serverStreaming = false

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 10: name = try reader.readString()
            case 18: inputType = try reader.readString()
            case 26: outputType = try reader.readString()
            case 40: clientStreaming = try reader.readBool()
            case 48: serverStreaming = try reader.readBool()
            default: try reader.skipField(tag)
            }
        }
    }
}
