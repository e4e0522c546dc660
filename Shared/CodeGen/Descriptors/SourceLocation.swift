import Wire

/// Where a declaration sits in its file and the comments around it
/// (`google.protobuf.SourceCodeInfo.Location`).
public struct SourceLocation: Sendable {
    /// The descriptor path: field numbers and indexes leading from the file to the declaration.
    public var path: [Int32] = []
    /// The comment block directly above the declaration.
    public var leadingComments = ""
    /// The comment on the same line after the declaration.
    public var trailingComments = ""

    init(from reader: inout WireReader) throws(WireDecodingError) {
        while let tag = try reader.nextTag() {
            switch tag.rawValue {
            case 8: path.append(try reader.readInt32())
            case 10: try reader.readPackedVarints(into: &path) { Int32(truncatingIfNeeded: $0) }
            case 26: leadingComments = try reader.readString()
            case 34: trailingComments = try reader.readString()
            default: try reader.skipField(tag)
            }
        }
    }
}
