/// A cursor over protobuf bytes that never traps.
///
/// Every read checks the bytes that remain before touching them, every length prefix is checked
/// against the end of its enclosing message before it is used, and every failure is a
/// ``WireDecodingError``. Embedded messages narrow ``end`` to their own length and count towards
/// ``maximumDepth``.
///
/// Every field value, repeated element, map entry and embedded message costs one element of the
/// reader's ``elementLimit``; past it, decoding stops with ``WireDecodingError/elementLimitExceeded(_:)``.
/// The size limit on messages alone does not bound the work: two bytes (`1a 00`) decode into one
/// empty embedded message, so 4 MiB became two million values before any handler could check a
/// count. One counter, checked where each tag is read (and per element of a packed run), bounds
/// the time and the memory of every decode whatever the schema, with no generated per-field code;
/// contract limits such as "at most 1,000 events" stay the handlers' checks, well inside it.
///
/// The reader borrows memory it does not own: create it inside `withUnsafeBytes` (the
/// ``WireMessage`` initialisers do) and never let it escape.
public struct WireReader {
    /// The deepest nesting of embedded messages and groups accepted (the same limit as upb's).
    public static let maximumDepth = 100

    /// The elements a decode may produce by default: the budget for requests from the network.
    /// The largest legitimate requests use far less (a `RecordEvents` of 1,000 fully populated
    /// events needs under 60,000; see `RequestElementLimitTests`), while it keeps a 4 MiB message from
    /// becoming millions of values.
    public static let defaultElementLimit = 100_000

    /// The elements a client accepts in one response from a server it called: large pages
    /// (1,000 audit records, 500 orders with their lines) fit; a runaway response still stops.
    public static let responseElementLimit = 1_000_000

    /// The most elements this decode may produce.
    public let elementLimit: Int

    @usableFromInline
    var position: UnsafeRawPointer
    @usableFromInline
    var end: UnsafeRawPointer
    @usableFromInline
    var depth: Int
    @usableFromInline
    var tagStart: UnsafeRawPointer
    @usableFromInline
    var elementsLeft: Int

    /// Whether a `string` holding U+0000 fails the decode (``WireDecodingError/nulInString(field:)``):
    /// set for requests from the network, since no text of the platform may hold NUL and
    /// PostgreSQL cannot store it.
    public let refusesNUL: Bool

    /// Reads `count` bytes starting at `start`, producing at most `elementLimit` elements, refusing
    /// strings that hold NUL when `refusingNUL`.
    @inlinable
    public init(
        start: UnsafeRawPointer, count: Int, elementLimit: Int = WireReader.defaultElementLimit,
        refusingNUL: Bool = false
    ) {
        self.position = start
        self.end = start + count
        self.depth = 0
        self.tagStart = start
        self.elementLimit = elementLimit
        self.elementsLeft = elementLimit
        self.refusesNUL = refusingNUL
    }

    /// The number of bytes left in the current message.
    @inlinable
    public var remaining: Int { end - position }

    // MARK: Tags

    /// The next field's tag, or `nil` at the end of the current message.
    @inlinable
    public mutating func nextTag() throws(WireDecodingError) -> FieldTag? {
        guard position < end else { return nil }
        try spendElements(1)
        tagStart = position
        let tag = try readTag()
        if tag.wireType == .endGroup { throw .malformedGroup }
        return tag
    }

    /// Charges `count` elements (non-negative, at most the input's length) to the budget.
    @inlinable
    mutating func spendElements(_ count: Int) throws(WireDecodingError) {
        guard count <= elementsLeft else { throw .elementLimitExceeded(elementLimit) }
        elementsLeft -= count
    }

    @inlinable
    mutating func readTag() throws(WireDecodingError) -> FieldTag {
        let first = position.load(as: UInt8.self)
        let raw: UInt64
        if first < 0x80 {
            position += 1
            raw = UInt64(first)
        } else {
            raw = try readVarint()
        }
        guard raw >> 3 != 0, raw >> 3 <= UInt64(FieldTag.maximumFieldNumber) else { throw .invalidFieldNumber }
        let wireType = UInt8(raw & 7)
        guard wireType < 6 else { throw .invalidWireType(wireType) }
        return FieldTag(rawValue: UInt32(truncatingIfNeeded: raw))
    }

    // MARK: Scalars

    /// Reads a base-128 varint of at most ten bytes.
    @inlinable
    public mutating func readVarint() throws(WireDecodingError) -> UInt64 {
        guard position < end else { throw .truncated }
        let first = position.load(as: UInt8.self)
        if first < 0x80 {
            position += 1
            return UInt64(first)
        }
        return try readVarintSlowPath()
    }

    @usableFromInline
    mutating func readVarintSlowPath() throws(WireDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var cursor = position
        while true {
            guard cursor < end else { throw .truncated }
            let byte = cursor.load(as: UInt8.self)
            cursor += 1
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { break }
            shift += 7
            guard shift < 70 else { throw .malformedVarint }
        }
        position = cursor
        return result
    }

    /// Reads an `int32` (a varint truncated to 32 bits).
    @inlinable
    public mutating func readInt32() throws(WireDecodingError) -> Int32 {
        Int32(truncatingIfNeeded: try readVarint())
    }

    /// Reads an `int64`.
    @inlinable
    public mutating func readInt64() throws(WireDecodingError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// Reads a `uint32`.
    @inlinable
    public mutating func readUInt32() throws(WireDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readVarint())
    }

    /// Reads a `uint64`.
    @inlinable
    public mutating func readUInt64() throws(WireDecodingError) -> UInt64 {
        try readVarint()
    }

    /// Reads a `sint32`.
    @inlinable
    public mutating func readSInt32() throws(WireDecodingError) -> Int32 {
        ZigZag.decoded(UInt32(truncatingIfNeeded: try readVarint()))
    }

    /// Reads a `sint64`.
    @inlinable
    public mutating func readSInt64() throws(WireDecodingError) -> Int64 {
        ZigZag.decoded(try readVarint())
    }

    /// Reads a `bool` (any non-zero varint is true).
    @inlinable
    public mutating func readBool() throws(WireDecodingError) -> Bool {
        try readVarint() != 0
    }

    /// Reads an open enum; values the schema does not name are kept as `unrecognized`.
    @inlinable
    public mutating func readEnum<Enum: WireEnum>(_: Enum.Type = Enum.self) throws(WireDecodingError) -> Enum {
        Enum(rawValue: try readInt32())
    }

    /// Reads four little-endian bytes.
    @inlinable
    public mutating func readFixed32() throws(WireDecodingError) -> UInt32 {
        guard end - position >= 4 else { throw .truncated }
        let value = position.loadUnaligned(as: UInt32.self)
        position += 4
        return UInt32(littleEndian: value)
    }

    /// Reads eight little-endian bytes.
    @inlinable
    public mutating func readFixed64() throws(WireDecodingError) -> UInt64 {
        guard end - position >= 8 else { throw .truncated }
        let value = position.loadUnaligned(as: UInt64.self)
        position += 8
        return UInt64(littleEndian: value)
    }

    /// Reads an `sfixed32`.
    @inlinable
    public mutating func readSFixed32() throws(WireDecodingError) -> Int32 {
        Int32(bitPattern: try readFixed32())
    }

    /// Reads an `sfixed64`.
    @inlinable
    public mutating func readSFixed64() throws(WireDecodingError) -> Int64 {
        Int64(bitPattern: try readFixed64())
    }

    /// Reads a `float`.
    @inlinable
    public mutating func readFloat() throws(WireDecodingError) -> Float {
        Float(bitPattern: try readFixed32())
    }

    /// Reads a `double`.
    @inlinable
    public mutating func readDouble() throws(WireDecodingError) -> Double {
        Double(bitPattern: try readFixed64())
    }

    // MARK: Length-delimited values

    /// Reads a length prefix and checks it against the bytes that remain.
    @inlinable
    public mutating func readLength() throws(WireDecodingError) -> Int {
        let length = try readVarint()
        guard length <= UInt64(end - position) else { throw .lengthPastEnd }
        return Int(length)
    }

    /// Reads a `string`, rejecting invalid UTF-8.
    @inlinable
    public mutating func readString() throws(WireDecodingError) -> String {
        let length = try readLength()
        if length == 0 { return "" }
        let bytes = UnsafeBufferPointer(start: position.assumingMemoryBound(to: UInt8.self), count: length)
        // `String(decoding:)` is the stdlib's fast, specialized path, but it repairs invalid
        // input instead of rejecting it; a repaired string no longer equals its input bytes.
        // (`String(validating:)` rejects directly but is generic and several times slower.)
        let string = String(decoding: bytes, as: UTF8.self)
        if !Self.isASCII(bytes) {
            guard string.utf8.elementsEqual(bytes) else { throw .invalidUTF8 }
        }
        if refusesNUL, bytes.contains(0) { throw .nulInString(field: lastFieldNumber) }
        position += length
        return string
    }

    /// The field number of the last tag read (0 if it cannot be read again).
    @usableFromInline
    var lastFieldNumber: Int {
        var probe = self
        probe.position = tagStart
        guard tagStart < end, let tag = try? probe.readTag() else { return 0 }
        return tag.fieldNumber
    }

    /// Whether every byte is below 0x80, checked eight bytes at a time.
    @inlinable
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < bytes.count {
            if base[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// Reads a `bytes` value.
    @inlinable
    public mutating func readBytes() throws(WireDecodingError) -> [UInt8] {
        let length = try readLength()
        if length == 0 { return [] }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: position, count: length))
        position += length
        return bytes
    }

    /// Reads an embedded message, merging it into `message` as protobuf requires for repeated
    /// occurrences of a singular message field.
    @inlinable
    public mutating func readMessage<Message: WireMessage>(into message: inout Message) throws(WireDecodingError) {
        try readEmbedded { (reader: inout WireReader) throws(WireDecodingError) in
            try message.merge(from: &reader)
        }
    }

    /// Reads an embedded message into a new value.
    @inlinable
    public mutating func readMessage<Message: WireMessage>(_: Message.Type = Message.self) throws(WireDecodingError)
        -> Message
    {
        var message = Message()
        try readMessage(into: &message)
        return message
    }

    /// Reads one map entry (an embedded message of key = 1 and value = 2), handing each of its
    /// fields to `body`; fields other than those two are skipped.
    @inlinable
    public mutating func readMapEntry(
        _ body: (inout WireReader, FieldTag) throws(WireDecodingError) -> Void
    ) throws(WireDecodingError) {
        try readEmbedded { (reader: inout WireReader) throws(WireDecodingError) in
            while let tag = try reader.nextTag() {
                try body(&reader, tag)
            }
        }
    }

    /// Reads a length-delimited embedded message with `body`, which sees a reader limited to the
    /// embedded bytes; the nesting depth is checked first.
    @inlinable
    public mutating func readEmbedded(
        _ body: (inout WireReader) throws(WireDecodingError) -> Void
    ) throws(WireDecodingError) {
        let length = try readLength()
        guard depth < Self.maximumDepth else { throw .depthLimitExceeded }
        let outerEnd = end
        end = position + length
        depth += 1
        try body(&self)
        depth -= 1
        end = outerEnd
    }

    // MARK: Unknown fields

    /// Skips the value of the field whose tag was just read and keeps its bytes, tag included,
    /// in `unknownFields` so that they are re-emitted on encode.
    @inlinable
    public mutating func skipField(_ tag: FieldTag, into unknownFields: inout UnknownFields) throws(WireDecodingError) {
        let start = tagStart
        try skipField(tag)
        unknownFields.append(UnsafeRawBufferPointer(start: start, count: position - start))
    }

    /// Skips the value of the field whose tag was just read.
    @inlinable
    public mutating func skipField(_ tag: FieldTag) throws(WireDecodingError) {
        switch tag.wireType {
        case .varint:
            _ = try readVarint()
        case .fixed64:
            guard end - position >= 8 else { throw .truncated }
            position += 8
        case .lengthDelimited:
            position += try readLength()
        case .fixed32:
            guard end - position >= 4 else { throw .truncated }
            position += 4
        case .startGroup:
            try skipGroup(fieldNumber: tag.fieldNumber, depth: depth + 1)
        case .endGroup:
            throw .malformedGroup
        }
    }

    @usableFromInline
    mutating func skipGroup(fieldNumber: Int, depth: Int) throws(WireDecodingError) {
        guard depth <= Self.maximumDepth else { throw .depthLimitExceeded }
        while true {
            guard position < end else { throw .truncated }
            let tag = try readTag()
            switch tag.wireType {
            case .endGroup:
                guard tag.fieldNumber == fieldNumber else { throw .malformedGroup }
                return
            case .startGroup:
                try skipGroup(fieldNumber: tag.fieldNumber, depth: depth + 1)
            default:
                try skipField(tag)
            }
        }
    }
}
