import DomainFlowCore
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test func escapesWhatRFC8259AsksAndKeepsTheRest() {
        #expect(JSONText.quote("") == #""""#)
        #expect(JSONText.quote("plain é 日本 😀") == "\"plain é 日本 😀\"")
        #expect(JSONText.quote("a\"b\\c\nd\re\tf\u{01}g\u{1F}h\u{7F}") == #""a\"b\\c\nd\re\tf\u0001g\u001fh"# + "\u{7F}\"")
    }

    @Test func whatItWritesReadsBackAsTheSameString() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1B}", "é", "日本", "😀", " ", "/"]
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 0..<20, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let document = Data("[\(JSONText.quote(text))]".utf8)
            let decoded = try JSONSerialization.jsonObject(with: document) as? [String]
            #expect(decoded == [text], "\(JSONText.quote(text))")
        }
    }
}
