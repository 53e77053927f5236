import Testing
@testable import DomainFlowCore

@Suite struct GenerationPatternTests {
    private func pattern(_ type: PatternType = .prefix, prefix: Int = 2, suffix: Int = 0, charset: String = "ab",
                         constant: String = "shop", tlds: [String] = [".com"]) throws -> GenerationPattern {
        try GenerationPattern(type: type, prefixLength: prefix, suffixLength: suffix, characterSet: charset,
                              constant: constant, tlds: tlds)
    }

    @Test func prefixNamesCountInBaseNWithFastestPositionLast() throws {
        let p = try pattern()
        #expect(p.totalCombinations == 4)
        #expect((0..<4).map { p.name(at: $0) } == ["aashop.com", "abshop.com", "bashop.com", "bbshop.com"])
    }

    @Test func suffixAndBothPlaceDigitsAroundTheConstant() throws {
        let s = try pattern(.suffix, prefix: 0, suffix: 1, charset: "xy", constant: "go")
        #expect([s.name(at: 0), s.name(at: 1)] == ["gox.com", "goy.com"])
        let b = try pattern(.both, prefix: 1, suffix: 1, charset: "01", constant: "mid")
        #expect((0..<4).map { b.name(at: $0) } == ["0mid0.com", "0mid1.com", "1mid0.com", "1mid1.com"])
    }

    @Test func tldsCycleFastest() throws {
        let p = try pattern(prefix: 1, charset: "ab", constant: "x", tlds: [".com", ".NET"])
        #expect(p.totalCombinations == 4)
        #expect((0..<4).map { p.name(at: $0) } == ["ax.com", "ax.net", "bx.com", "bx.net"])
    }

    @Test func hyphenAtALabelEndIsSkippedNotStored() throws {
        let p = try pattern(prefix: 1, charset: "-a", constant: "b")
        #expect(p.name(at: 0) == nil, "-b.com is not a hostname")
        #expect(p.name(at: 1) == "ab.com")
    }

    @Test func characterSetIsLowercasedAndDeduplicatedKeepingOrder() throws {
        let p = try pattern(charset: "bBaAb")
        #expect(p.characterSet == ["b", "a"])
        #expect(p.name(at: 0) == "bbshop.com")
    }

    @Test func nonASCIICharacterSetGoesThroughIDNA() throws {
        let p = try pattern(prefix: 1, charset: "ü", constant: "ber")
        #expect(p.name(at: 0) == "xn--ber-goa.com")  // über
        #expect(Punycode.encode("bücher") == "bcher-kva")
        #expect(Punycode.encode("münchen") == "mnchen-3ya")
    }

    @Test func totalsAreExactAndOverflowIsRefused() throws {
        let p = try pattern(prefix: 10, charset: "abcdefghijklmnopqrstuvwxyz0123456789", constant: "", tlds: [".com", ".net"])
        #expect(p.totalCombinations == 3_656_158_440_062_976 * 2)
        #expect(p.name(at: p.totalCombinations - 1) == "9999999999.net")
        #expect(throws: PatternError.self) {
            try pattern(prefix: 13, charset: "abcdefghijklmnopqrstuvwxyz0123456789", constant: "")
        }
    }

    @Test func badFieldsAreRefusedNamingTheField() {
        func field(_ body: () throws -> GenerationPattern) -> String? {
            do { _ = try body(); return nil } catch let e as PatternError { return e.field } catch { return "?" }
        }
        #expect(field { try pattern(charset: "") } == "character_set")
        #expect(field { try pattern(charset: "a.b") } == "character_set")
        #expect(field { try pattern(charset: "--") } == "character_set")
        #expect(field { try pattern(prefix: 0) } == "prefix_length")
        #expect(field { try pattern(.suffix, prefix: 0, suffix: 0) } == "suffix_length")
        #expect(field { try pattern(tlds: []) } == "tlds")
        #expect(field { try pattern(tlds: ["com"]) } == "tlds")
        #expect(field { try pattern(tlds: [".c_m"]) } == "tlds")
        #expect(field { try pattern(constant: "a b") } == "constant")
        #expect(field { try pattern(constant: String(repeating: "c", count: 62)) } == "prefix_length")
    }

    @Test func normalisedKeySeparatesDifferentSequencesOnly() throws {
        #expect(try pattern(charset: "ab").normalisedKey == pattern(charset: "AaBb").normalisedKey)
        #expect(try pattern(charset: "ab").normalisedKey != pattern(charset: "ba").normalisedKey)
        #expect(try pattern(tlds: [".com", ".net"]).normalisedKey != pattern(tlds: [".net", ".com"]).normalisedKey)
        #expect(try pattern(.prefix, prefix: 1, suffix: 3).normalisedKey == pattern(.prefix, prefix: 1, suffix: 0).normalisedKey,
                "an unused suffix length does not change the sequence")
    }

    @Test func everyStoredNameIsAValidHostname() throws {
        let p = try pattern(.both, prefix: 1, suffix: 1, charset: "a-9", constant: "x")
        for offset in 0..<p.totalCombinations {
            if let name = p.name(at: offset) { #expect(Hostname.isValid(name), "\(name)") }
        }
    }
}

@Suite struct CampaignStateMachineTests {
    /// Every (status, event) pair: the allowed ones move as documented, the rest are refused naming the status.
    @Test(arguments: CampaignStatus.allCases)
    func everyPair(status: CampaignStatus) throws {
        let allowed: [CampaignStatus: [CampaignEvent: CampaignStatus]] = [
            .pending: [.start: .queued, .cancel: .cancelled],
            .queued: [.begin: .running, .pause: .paused, .fail: .failed, .cancel: .cancelled],
            .running: [.pause: .paused, .complete: .completed, .fail: .failed, .cancel: .cancelled],
            .paused: [.resume: .queued, .cancel: .cancelled],
            .completed: [:], .failed: [:], .cancelled: [:],
        ]
        for event in CampaignEvent.allCases {
            if let expected = allowed[status]?[event] {
                #expect(try CampaignStateMachine.transition(from: status, on: event) == expected)
            } else {
                #expect(throws: IllegalTransition(from: status, event: event)) {
                    try CampaignStateMachine.transition(from: status, on: event)
                }
                #expect(IllegalTransition(from: status, event: event).description.contains(status.rawValue))
            }
        }
    }
}
