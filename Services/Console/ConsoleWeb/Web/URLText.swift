/// Percent-encoding for the parts of the console's own links.
public enum URLText {
    /// `text` as one path segment or query value: everything but unreserved characters
    /// (RFC 3986: letters, digits, `-._~`) percent-encoded as UTF-8.
    public static func component(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded += "%"
                encoded.unicodeScalars.append(digits[Int(byte >> 4)])
                encoded.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    /// A query string of `fields` (empty values left out), with its leading `?`; "" when none.
    public static func query(_ fields: [(String, String?)]) -> String {
        let parts = fields.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return "\(component(name))=\(component(value))"
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
