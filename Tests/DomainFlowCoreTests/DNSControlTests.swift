import Testing
@testable import DomainFlowCore

/// The pure parts of bulk resolution: rate, window, resolver choice, per-query policy, wildcard judgement.
@Suite struct DNSControlTests {
    static let second: Int64 = 1_000_000_000

    @Test func tokenBucketAllowsTheBurstThenTheRate() {
        var bucket = TokenBucket(rate: 10, burst: 3, now: 0)
        var burst = 0
        for _ in 0..<3 where bucket.take(now: 0) { burst += 1 }
        #expect(burst == 3, "a full bucket gives its burst at once")
        let v1 = bucket.take(now: 0)
        #expect(!v1)
        let v2 = bucket.wait(now: 0)
        #expect(v2 == Self.second / 10, "one token every 100 ms at 10/s")
        let v3 = bucket.take(now: Self.second / 20)
        #expect(!v3)
        let v4 = bucket.take(now: Self.second / 10)
        #expect(v4)
        // Ten seconds idle refills only up to the burst.
        var refilled = 0
        for _ in 0..<5 where bucket.take(now: 10 * Self.second) { refilled += 1 }
        #expect(refilled == 3)
        var unlimited = TokenBucket(rate: 0, burst: 0, now: 0)
        var free = 0
        for _ in 0..<10_000 where unlimited.take(now: 0) { free += 1 }
        #expect(free == 10_000)
        let v5 = unlimited.wait(now: 0)
        #expect(v5 == 0)
    }

    @Test func tokenBucketRateOverALongRunIsTheConfiguredOne() {
        var bucket = TokenBucket(rate: 1000, burst: 1, now: 0)
        var taken = 0
        var now: Int64 = 0
        while now < 5 * Self.second {  // a caller that waits exactly as long as told
            if bucket.take(now: now) { taken += 1 } else { now += bucket.wait(now: now) }
        }
        #expect((4999...5001).contains(taken), "5 s at 1000/s, got \(taken)")
    }

    @Test func windowHalvesOnTimeoutsAndGrowsBackWhenQuiet() {
        let period: Int64 = 100
        var window = WindowController(maximum: 400, now: 0, period: period, backoffRate: 0.05, minimum: 8)
        #expect(window.limit == 400)
        for i in 0..<80 { window.answered(now: Int64(i)) }
        for _ in 0..<20 { window.timedOut(now: 99) }
        window.answered(now: 100)  // the period rolls over: 20% timeouts
        #expect(window.limit == 200)
        for _ in 0..<10 { window.timedOut(now: 150) }
        window.timedOut(now: 200)
        #expect(window.limit == 100)
        // Never below the minimum.
        for round in 3..<12 { window.timedOut(now: Int64(round) * period) }
        #expect(window.limit == 8)
        // Quiet periods grow it by a tenth, at least one, up to the maximum.
        var now = 12 * period
        for _ in 0..<200 { window.answered(now: now); now += period }
        #expect(window.limit == 400)
        // A low timeout rate (below the threshold) neither halves nor grows.
        var steady = WindowController(maximum: 100, now: 0, period: period, backoffRate: 0.05)
        for _ in 0..<50 { steady.timedOut(now: 0) }
        steady.answered(now: 100)
        #expect(steady.limit == 50)
        for _ in 0..<99 { steady.answered(now: 150) }
        steady.timedOut(now: 199)
        steady.answered(now: 200)
        #expect(steady.limit == 50, "1% timeouts: hold")
    }

    @Test func selectorRotatesAndRetriesElsewhere() {
        var rr = ResolverSelector(count: 3, rotation: .roundRobin)
        var cycle: [Int] = []
        for _ in 0..<6 { cycle.append(rr.choose(excluding: [], random: { _ in 0 })!) }
        #expect(cycle == [0, 1, 2, 0, 1, 2])
        let v7 = rr.choose(excluding: [0], random: { _ in 0 })
        #expect(v7 == 1)
        let v8 = rr.choose(excluding: [0, 1, 2], random: { _ in 0 })
        #expect(v8 != nil, "all tried: any may be asked again")
        var failover = ResolverSelector(count: 3, rotation: .sequentialFailover, downAfter: 2)
        let v9 = failover.choose(excluding: [], random: { _ in 0 })
        #expect(v9 == 0)
        let v10 = failover.choose(excluding: [0], random: { _ in 0 })
        #expect(v10 == 1)
        failover.recordTimeout(0); failover.recordTimeout(0)
        let v11 = failover.choose(excluding: [], random: { _ in 0 })
        #expect(v11 == 1, "a resolver that keeps timing out is skipped")
        failover.recordAnswer(0)
        let v12 = failover.choose(excluding: [], random: { _ in 0 })
        #expect(v12 == 0)
        var weighted = ResolverSelector(count: 2, rotation: .weighted, weights: [1, 3])
        let v13 = weighted.choose(excluding: [], random: { _ in 0 })
        #expect(v13 == 0)
        let v14 = weighted.choose(excluding: [], random: { _ in 1 })
        #expect(v14 == 1)
        let v15 = weighted.choose(excluding: [], random: { _ in 3 })
        #expect(v15 == 1)
        var distrusting = ResolverSelector(count: 2, rotation: .roundRobin)
        distrusting.distrust(0)
        var picks: [Int] = []
        for _ in 0..<4 { picks.append(distrusting.choose(excluding: [], random: { _ in 0 })!) }
        #expect(picks == [1, 1, 1, 1])
        var random = ResolverSelector(count: 3, rotation: .random)
        let v16 = random.choose(excluding: [1], random: { n in n - 1 })
        #expect(v16 == 2)
    }

    @Test func failuresAreRetriedUpToTheLimitThenFinal() {
        var q = DNSQueryState(name: "a.example", type: .a, retries: 2, quorum: 1)
        #expect(q.start() == .ask(name: "a.example", resolver: nil))
        q.sent(to: 0)
        let v17 = q.receive(.timeout, from: 0, untriedLeft: true)
        #expect(v17 == .ask(name: "a.example", resolver: nil))
        q.sent(to: 1)
        let v18 = q.receive(.response(.servfail, chain: [], target: "a.example"), from: 1, untriedLeft: false)
        #expect(v18 == .ask(name: "a.example", resolver: nil))
        q.sent(to: 0)
        guard case .finish(let r) = q.receive(.timeout, from: 0, untriedLeft: false) else { Issue.record("not final"); return }
        #expect(r.outcome == .timeout && r.attempts == 3 && r.resolver == nil)
        // An answer after a failure ends it as an answer.
        var ok = DNSQueryState(name: "b.example", type: .a, retries: 1, quorum: 1)
        ok.sent(to: 0)
        _ = ok.receive(.response(.refused, chain: [], target: "b.example"), from: 0, untriedLeft: true)
        ok.sent(to: 1)
        let v19 = ok.receive(.response(.answers(["192.0.2.1"]), chain: [], target: "b.example"), from: 1, untriedLeft: false)
        #expect(v19
            == .finish(DNSResolution(outcome: .answer, records: ["192.0.2.1"], resolver: 1, attempts: 2, message: "1 record")))
    }

    @Test func nxdomainNeedsTheQuorum() {
        var q = DNSQueryState(name: "gone.example", type: .a, retries: 0, quorum: 2)
        q.sent(to: 0)
        let v20 = q.receive(.response(.nxdomain, chain: [], target: "gone.example"), from: 0, untriedLeft: true)
        #expect(v20
            == .ask(name: "gone.example", resolver: nil), "one NXDOMAIN is not enough: ask another resolver")
        q.sent(to: 1)
        guard case .finish(let agreed) = q.receive(.response(.nxdomain, chain: [], target: "gone.example"), from: 1, untriedLeft: false) else {
            Issue.record("not final"); return
        }
        #expect(agreed.outcome == .nxdomain && agreed.nxdomainAgreed && agreed.attempts == 2)
        // The second resolver knows the name: the answer wins.
        var disputed = DNSQueryState(name: "new.example", type: .a, retries: 0, quorum: 2)
        disputed.sent(to: 0)
        _ = disputed.receive(.response(.nxdomain, chain: [], target: "new.example"), from: 0, untriedLeft: true)
        disputed.sent(to: 1)
        guard case .finish(let answer) = disputed.receive(.response(.answers(["192.0.2.9"]), chain: [], target: "new.example"), from: 1, untriedLeft: false) else {
            Issue.record("not final"); return
        }
        #expect(answer.outcome == .answer && !answer.nxdomainAgreed)
        // Without another resolver to ask, NXDOMAIN stands but is not agreed.
        var alone = DNSQueryState(name: "gone.example", type: .a, retries: 3, quorum: 2)
        alone.sent(to: 0)
        guard case .finish(let lone) = alone.receive(.response(.nxdomain, chain: [], target: "gone.example"), from: 0, untriedLeft: false) else {
            Issue.record("not final"); return
        }
        #expect(lone.outcome == .nxdomain && !lone.nxdomainAgreed && lone.message.contains("1 of the 2"))
    }

    @Test func cnameChainEndingElsewhereIsFollowedOnTheSameResolver() {
        var q = DNSQueryState(name: "alias.example", type: .a, retries: 0, quorum: 1)
        q.sent(to: 1)
        let v21 = q.receive(.response(.noRecords, chain: ["cdn.other"], target: "cdn.other"), from: 1, untriedLeft: false)
        #expect(v21
            == .ask(name: "cdn.other", resolver: 1))
        q.sent(to: 1)
        guard case .finish(let r) = q.receive(.response(.answers(["192.0.2.7"]), chain: [], target: "cdn.other"), from: 1, untriedLeft: false) else {
            Issue.record("not final"); return
        }
        #expect(r.chain == ["cdn.other"] && r.records == ["192.0.2.7"] && r.attempts == 2)
    }

    @Test func probesFindWildcardsAndLyingResolvers() {
        typealias P = WildcardDetector.ProbeReply
        // Every resolver answers random labels: a wildcard; its addresses over all probes are the signature.
        let wild = WildcardDetector.judge([
            P(resolver: 0, type: .a, outcome: .answer, records: ["192.0.2.50"], chain: []),
            P(resolver: 1, type: .a, outcome: .answer, records: ["192.0.2.51"], chain: []),
            P(resolver: 0, type: .a, outcome: .answer, records: ["192.0.2.52", "192.0.2.50"], chain: []),
        ])
        #expect(wild.isWildcard && wild.lyingResolvers.isEmpty)
        #expect(wild.signature[.a] == ["192.0.2.50", "192.0.2.51", "192.0.2.52"])
        #expect(WildcardDetector.matches(records: ["192.0.2.51"], chain: [], type: .a, signature: wild.signature))
        #expect(!WildcardDetector.matches(records: ["192.0.2.60"], chain: [], type: .a, signature: wild.signature))
        #expect(!WildcardDetector.matches(records: ["192.0.2.51"], chain: [], type: .aaaa, signature: wild.signature))
        // A CNAME wildcard: matched by its target.
        let cname = WildcardDetector.judge([P(resolver: 0, type: .a, outcome: .answer, records: ["192.0.2.10"], chain: ["www.example"])])
        #expect(WildcardDetector.matches(records: ["192.0.2.99"], chain: ["www.example"], type: .a, signature: cname.signature))
        // One resolver says NXDOMAIN, another answers: the one answering is lying, and there is no wildcard.
        let lie = WildcardDetector.judge([
            P(resolver: 0, type: .a, outcome: .nxdomain, records: [], chain: []),
            P(resolver: 1, type: .a, outcome: .answer, records: ["198.51.100.66"], chain: []),
        ])
        #expect(lie.lyingResolvers == [1] && !lie.isWildcard)
        // Refusals and timeouts say nothing.
        #expect(WildcardDetector.judge([P(resolver: 0, type: .a, outcome: .refused, records: [], chain: [])]) == WildcardDetector.Verdict())
        #expect(WildcardDetector.parent(of: "a.b.example") == "b.example" && WildcardDetector.parent(of: "com") == "")
        let labels = WildcardDetector.probeLabels(count: 3, random: { _ in 1 })
        #expect(labels == Array(repeating: "bbbbbbbbbbbb", count: 3))
    }

    @Test func responsesAreReadWithTheirQuestionTruncationAndChain() throws {
        // A response to "alias.example" A: CNAME to www.example, then www.example A; TC clear.
        var r: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]
        r += [5] + Array("alias".utf8) + [7] + Array("example".utf8) + [0, 0, 1, 0, 1]
        r += [0xC0, 0x0C, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3] + Array("www".utf8) + [0xC0, 0x12]
        r += [0xC0, 0x2B, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 10]
        let response = try DNSMessage.parseResponse(r)
        #expect(response.answersQuestion(name: "ALIAS.example.", type: .a))
        #expect(!response.answersQuestion(name: "alias.example", type: .aaaa))
        #expect(!response.truncated)
        let (outcome, chain, target) = response.interpret(name: "alias.example", type: .a)
        #expect(outcome == .answers(["192.0.2.10"]) && chain == ["www.example"] && target == "www.example")
        var truncated = r
        truncated[2] |= 0x02
        #expect(try DNSMessage.parseResponse(Array(truncated.prefix(40))).truncated, "a TC reply cut anywhere still reads as truncated")
        var query = r
        query[2] &= 0x7F
        #expect(throws: DNSMessage.ParseError.self) { try DNSMessage.parseResponse(query) }
    }

    @Test func aaaaRecordsAreInCanonicalForm() throws {
        var r: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0x61, 0, 0, 28, 0, 1]
        r += [0xC0, 0x0C, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [0x10]
        #expect(try DNSMessage.parse(r, id: 1, type: .aaaa) == .answers(["2001:db8::10"]))
    }

    @Test func uploadedLinesAreNormalisedOrRefusedWithAReason() {
        #expect(DomainNameInput.read("  WWW.Example.COM.  ") == .name("www.example.com"))
        #expect(DomainNameInput.read("bücher.example") == .name("xn--bcher-kva.example"))
        #expect(DomainNameInput.read("") == .skip && DomainNameInput.read("   ") == .skip && DomainNameInput.read("# note") == .skip)
        #expect(DomainNameInput.read("https://Shop.Example/cart?x=1", urls: true) == .url(name: "shop.example", url: "https://Shop.Example/cart?x=1"))
        guard case .invalid(let reason) = DomainNameInput.read("ftp://shop.example/", urls: true) else { Issue.record("ftp accepted"); return }
        #expect(reason.contains("ftp"))
        guard case .invalid = DomainNameInput.read("https://shop.example/") else { Issue.record("a URL where names are read"); return }
        for bad in ["bad_name!.example", "-x.example", "a..b", "localhost", "http://x.example/", "two words.example",
                    String(repeating: "a", count: 64) + ".example"] {
            guard case .invalid(let reason) = DomainNameInput.read(bad) else { Issue.record("\(bad) accepted"); continue }
            #expect(!reason.isEmpty)
        }
    }
}

@Suite struct WindowPaceTests {
    @Test func lossyPeriodsSetAPaceThatQuietPeriodsLift() {
        let period: Int64 = 200_000_000  // 0.2 s
        var window = WindowController(maximum: 100, now: 0, period: period)
        #expect(window.pace == nil)
        // 100 answers and 50 timeouts in 0.2 s: 500 answers/s seen, so a pace of 400/s.
        for _ in 0..<100 { window.answered(now: 1) }
        for _ in 0..<50 { window.timedOut(now: 2) }
        window.answered(now: period)
        #expect(window.pace == 101 * 1e9 / Double(period) * 0.8)
        // A quiet period raises it by a quarter; enough of them lift it.
        var now = period
        now += period; window.answered(now: now)
        #expect(window.pace == 101 * 1e9 / Double(period) * 0.8 * 1.25)
        for _ in 0..<100 { now += period; window.answered(now: now) }
        #expect(window.pace == nil)
    }
}
