import Wire

extension WireReader {
    /// Reads one embedded descriptor message with `decode`.
    mutating func readDescriptor<Descriptor>(
        _ decode: (inout WireReader) throws(WireDecodingError) -> Descriptor
    ) throws(WireDecodingError) -> Descriptor {
        var result: Descriptor?
        try readEmbedded { (reader: inout WireReader) throws(WireDecodingError) in result = try decode(&reader) }
        guard let result else { throw .truncated }
        return result
    }
}
