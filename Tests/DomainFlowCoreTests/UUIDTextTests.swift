import DomainFlowCore
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func writesAndReadsWhatFoundationDoes() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID(canonicalText: id.lowercasedString) == id)
            #expect(UUID(canonicalText: id.uuidString) == id, "upper case is read too")
        }
        #expect(UUID(canonicalText: "00000000-0000-0000-0000-000000000000")?.lowercasedString == "00000000-0000-0000-0000-000000000000")
        #expect(UUID(canonicalText: "ffffffff-ffff-ffff-ffff-ffffffffffff")?.lowercasedString == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test func refusesAnythingButTheCanonicalForm() {
        for text in ["", "nope", "416c1394-f3a6-4a87-8477-d4100a5cfed", "416c1394-f3a6-4a87-8477-d4100a5cfedaa",
                     "416c1394f3a64a878477d4100a5cfeda", "{416c1394-f3a6-4a87-8477-d4100a5cfeda}", "416c1394-f3a6-4a87-8477_d4100a5cfeda",
                     "416c1394-f3a6-4a87-8477-d4100a5cfedg", "416c1394-f3a6-4a87-84770d4100a5cfeda", " 416c1394-f3a6-4a87-8477-d4100a5cfed"] {
            #expect(UUID(canonicalText: text) == nil, "\(text)")
        }
    }
}
