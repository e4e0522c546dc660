/// A generated protobuf message: a value type that knows its exact encoded size, writes itself
/// in one pass and merges fields from a ``WireReader``.
public protocol WireMessage: Sendable, Hashable {
    /// The message's fully qualified protobuf name, such as `support.orders.v1.Order`.
    static var protoMessageName: String { get }

    /// A message with every field at its default.
    init()

    /// Fields the schema does not know, kept for re-encoding.
    var unknownFields: UnknownFields { get set }

    /// The exact number of bytes ``encode(to:)`` writes.
    func serializedSize() -> Int

    /// Writes every field that is present, in field-number order, then the unknown fields.
    func encode(to writer: inout WireWriter)

    /// Reads fields until the end of the reader's current message, merging them into `self`.
    mutating func merge(from reader: inout WireReader) throws(WireDecodingError)
}

extension WireMessage {
    /// Decodes a message from its protobuf encoding, producing at most `elementLimit` values and
    /// refusing strings that hold NUL when `refusingNUL`.
    @inlinable
    public init(
        serializedBytes bytes: UnsafeRawBufferPointer, elementLimit: Int = WireReader.defaultElementLimit,
        refusingNUL: Bool = false
    ) throws(WireDecodingError) {
        self.init()
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var reader = WireReader(
            start: base, count: bytes.count, elementLimit: elementLimit, refusingNUL: refusingNUL)
        try merge(from: &reader)
    }

    /// Decodes a message from its protobuf encoding, producing at most `elementLimit` values and
    /// refusing strings that hold NUL when `refusingNUL`.
    @inlinable
    public init(
        serializedBytes bytes: [UInt8], elementLimit: Int = WireReader.defaultElementLimit,
        refusingNUL: Bool = false
    ) throws(WireDecodingError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(WireDecodingError) in
                try Self(serializedBytes: buffer, elementLimit: elementLimit, refusingNUL: refusingNUL)
            }
        }
        self = try result.get()
    }

    /// The message's protobuf encoding, sized exactly and written once.
    @inlinable
    public func serializedBytes() -> [UInt8] {
        let size = serializedSize()
        if size == 0 { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            var writer = WireWriter(start: UnsafeMutableRawPointer(base))
            encode(to: &writer)
            count = size
        }
    }

    /// A message built by setting fields on a default one:
    /// `Money.with { $0.minorUnits = 1999; $0.currency = "EUR" }`.
    @inlinable
    public static func with(_ populate: (inout Self) throws -> Void) rethrows -> Self {
        var message = Self()
        try populate(&message)
        return message
    }
}
