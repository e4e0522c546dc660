import Wire

/// One output file of the generator (`CodeGeneratorResponse.File`).
public struct GeneratedFile: Sendable, Equatable {
    /// The path, relative to protoc's output directory.
    public var name: String
    /// The file's full text.
    public var content: String

    /// A file named `name` holding `content`.
    public init(name: String, content: String) {
        self.name = name
        self.content = content
    }

    var serializedSize: Int {
        2 + Varint.sizeWithLengthPrefix(name.utf8.count) + Varint.sizeWithLengthPrefix(content.utf8.count)
    }

    func encode(to writer: inout WireWriter) {
        writer.writeTag(10)
        writer.writeString(name)
        writer.writeTag(122)
        writer.writeString(content)
    }
}
