/// Sizes of base-128 varints, the integer encoding protobuf uses for tags, lengths and most
/// integer fields.
public enum Varint {
    /// The number of bytes `value` takes as a varint (1 ... 10).
    @inlinable
    public static func size(of value: UInt64) -> Int {
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// The number of bytes `value` takes as a varint (1 ... 5).
    @inlinable
    public static func size(of value: UInt32) -> Int {
        let bits = 32 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// The size of an `int32` or `enum` value: negative numbers are sign-extended to 64 bits and
    /// always take ten bytes.
    @inlinable
    public static func size(ofInt32 value: Int32) -> Int {
        value < 0 ? 10 : size(of: UInt32(bitPattern: value))
    }

    /// The size of an `int64` value.
    @inlinable
    public static func size(ofInt64 value: Int64) -> Int {
        size(of: UInt64(bitPattern: value))
    }

    /// The size of a length prefix followed by `length` bytes.
    @inlinable
    public static func sizeWithLengthPrefix(_ length: Int) -> Int {
        size(of: UInt64(length)) + length
    }
}
