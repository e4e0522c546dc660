import Foundation
import Runtime
import Testing

/// Random UUIDs are version 4, variant 10, and do not repeat.
@Suite struct RandomUUIDTests {
    @Test func randomUUIDsAreVersionFourAndDistinct() {
        let uuids = (0..<1_000).map { _ in UUID.random() }
        #expect(Set(uuids).count == uuids.count)
        for uuid in uuids {
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
            #expect(uuid.uuidString.count == 36)
        }
    }
}
