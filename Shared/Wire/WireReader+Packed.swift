/// Packed repeated fields: one length-delimited run of scalars, each element charged to the
/// reader's element budget before it is stored.
extension WireReader {
    /// Reads a packed run of varints, converting each with `transform`.
    @inlinable
    public mutating func readPackedVarints<Element>(
        into array: inout [Element], _ transform: (UInt64) -> Element
    ) throws(WireDecodingError) {
        let length = try readLength()
        let outerEnd = end
        end = position + length
        while position < end {
            try spendElements(1)
            array.append(transform(try readVarint()))
        }
        end = outerEnd
    }

    /// Reads a packed run of four-byte values, converting each with `transform`.
    @inlinable
    public mutating func readPackedFixed32<Element>(
        into array: inout [Element], _ transform: (UInt32) -> Element
    ) throws(WireDecodingError) {
        let length = try readLength()
        guard length % 4 == 0 else { throw .malformedPackedField }
        try spendElements(length / 4)
        array.reserveCapacity(array.count + length / 4)
        for _ in 0..<length / 4 {
            array.append(transform(UInt32(littleEndian: position.loadUnaligned(as: UInt32.self))))
            position += 4
        }
    }

    /// Reads a packed run of eight-byte values, converting each with `transform`.
    @inlinable
    public mutating func readPackedFixed64<Element>(
        into array: inout [Element], _ transform: (UInt64) -> Element
    ) throws(WireDecodingError) {
        let length = try readLength()
        guard length % 8 == 0 else { throw .malformedPackedField }
        try spendElements(length / 8)
        array.reserveCapacity(array.count + length / 8)
        for _ in 0..<length / 8 {
            array.append(transform(UInt64(littleEndian: position.loadUnaligned(as: UInt64.self))))
            position += 8
        }
    }
}
