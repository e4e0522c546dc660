import Wire

/// The Wire decoder over every request type of the five services: decoding any bytes either
/// succeeds or throws; and what decodes re-encodes to bytes that decode and re-encode to the very
/// same bytes (the encoder writes exactly its computed size and loses nothing it decoded).
public enum WireDecodingTarget {
    /// Decodes `bytes` as each request type in turn.
    public static func check(_ bytes: UnsafeRawBufferPointer) -> String? {
        for type in WireRequestTypes.all {
            if let problem = roundTrip(type, bytes) { return problem }
        }
        return nil
    }

    private static func roundTrip<Message: WireMessage>(_ type: Message.Type, _ bytes: UnsafeRawBufferPointer)
        -> String?
    {
        guard let decoded = try? Message(serializedBytes: bytes) else { return nil }
        let encoded = decoded.serializedBytes()
        guard encoded.count == decoded.serializedSize() else {
            return "\(Message.protoMessageName): encoded \(encoded.count) bytes, computed \(decoded.serializedSize())"
        }
        let again: Message
        do {
            again = try Message(serializedBytes: encoded)
        } catch {
            return "\(Message.protoMessageName): its own encoding does not decode (\(error))"
        }
        guard again.serializedBytes() == encoded else {
            return "\(Message.protoMessageName): re-encoding changed the bytes"
        }
        return nil
    }
}
