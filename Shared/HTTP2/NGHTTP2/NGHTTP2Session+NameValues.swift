import CNGHTTP2

extension NGHTTP2Session {
    /// Calls `body` with nghttp2 name-value pairs for `headers`, laid out in one buffer.
    static func withNameValues<Result>(
        _ headers: HeaderList, _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        var storage: [UInt8] = []
        storage.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count })
        for header in headers {
            storage += header.name.utf8
            storage += header.value.utf8
        }
        return storage.withUnsafeMutableBufferPointer { buffer in
            var pairs: [nghttp2_nv] = []
            pairs.reserveCapacity(headers.count)
            var offset = 0
            for header in headers {
                let nameLength = header.name.utf8.count
                let valueLength = header.value.utf8.count
                let name = buffer.baseAddress.map { $0 + offset }
                let value = buffer.baseAddress.map { $0 + offset + nameLength }
                pairs.append(
                    nghttp2_nv(
                        name: name, value: value, namelen: nameLength, valuelen: valueLength,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                offset += nameLength + valueLength
            }
            return pairs.withUnsafeBufferPointer { pairBuffer in
                guard let base = pairBuffer.baseAddress else {
                    var empty = nghttp2_nv()
                    return body(&empty, 0)
                }
                return body(base, pairBuffer.count)
            }
        }
    }
}
