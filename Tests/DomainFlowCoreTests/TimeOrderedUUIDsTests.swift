import DomainFlowCore
import Foundation
import Testing

@Suite struct TimeOrderedUUIDsTests {
    /// The 16 bytes of an id, most significant first.
    private static func bytes(_ id: UUID) -> [UInt8] { withUnsafeBytes(of: id.uuid) { Array($0) } }

    @Test func versionVariantAndTimestampAreThoseOfRFC9562Version7() {
        var ids = TimeOrderedUUIDs()
        let now = Date(timeIntervalSince1970: 1_764_633_600.125)  // 2025-12-02T00:00:00.125Z (a binary fraction: exact)
        let b = Self.bytes(ids.next(now: now))
        #expect(b[6] >> 4 == 7, "version 7")
        #expect(b[8] >> 6 == 0b10, "RFC 9562 variant")
        let millis = b[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(millis == 1_764_633_600_125)
    }

    @Test func idsSortInTheOrderTheyWereMadeWithinAndAcrossMilliseconds() {
        var ids = TimeOrderedUUIDs()
        let start = Date(timeIntervalSince1970: 1_764_633_600)
        // 10,000 ids in one millisecond (past the 12-bit counter: it borrows the next), then later ones.
        var made = (0..<10_000).map { _ in ids.next(now: start) }
        made += (1...100).map { ids.next(now: start.addingTimeInterval(Double($0) / 10)) }
        let texts = made.map(\.lowercasedString)
        #expect(texts == texts.sorted(), "text order is making order")
        #expect(Set(made).count == made.count, "no id twice")
    }

    @Test func twoGeneratorsInTheSameMillisecondDoNotCollide() {
        var a = TimeOrderedUUIDs(), b = TimeOrderedUUIDs()
        let now = Date()
        let first = Set((0..<1000).map { _ in a.next(now: now) })
        let second = Set((0..<1000).map { _ in b.next(now: now) })
        #expect(first.isDisjoint(with: second))
    }
}
