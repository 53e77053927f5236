import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

@Suite struct CampaignTests {
    static func generation(count: UInt64, charset: String = "abc", prefix: UInt32 = 3, constant: String = "shop",
                           tlds: [String] = [".com", ".net"], start: UInt64? = nil) -> GenerationParameters {
        GenerationParameters(patternType: .prefix, prefixLength: prefix, characterSet: charset, constant: constant, tlds: tlds,
                             count: count, startOffset: start ?? 0, explicitStartOffset: start != nil)
    }

    private func waitUntilEnded(_ client: DomainFlowClient, _ id: String) async throws -> [Campaign] {
        var events: [Campaign] = []
        for try await event in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: id, intervalMillis: 50),
                                                         timeout: .seconds(60)) {
            events.append(event)
        }
        return events
    }

    private func names(_ client: DomainFlowClient, _ id: String, after: UInt64? = nil) async throws -> [GeneratedDomain] {
        var all: [GeneratedDomain] = []
        let request = StreamGeneratedDomainsRequest(id: id, afterOffset: after ?? 0, fromStart: after == nil)
        for try await domain in try client.serverStream(Methods.streamGeneratedDomains, request) { all.append(domain) }
        return all
    }

    @Test func generationCampaignRunsEndToEndWithExactlyTheRequestedNames() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("gen")
            let client = try await h.client("gen", "a long enough password")
            let created = try await client.unary(Methods.createCampaign,
                CreateCampaignRequest(name: "first", type: .domainGeneration, generation: Self.generation(count: 54), start: true))
            #expect(created.status == .queued)
            #expect(created.totalItems == 54)
            let events = try await waitUntilEnded(client, created.id)
            #expect(events.first?.id == created.id, "the first event is the current state")
            let final = try #require(events.last)
            #expect(final.status == .completed)
            #expect(final.processedItems == 54)
            let domains = try await names(client, created.id)
            #expect(domains.count == 54)
            #expect(domains.map(\.offset) == Array(0..<54), "offset order, no gaps")
            #expect(Set(domains.map(\.domainName)).count == 54, "no duplicates")
            #expect(domains.first?.domainName == "aaashop.com" && domains[1].domainName == "aaashop.net")
            // Resume a stream from a cursor.
            let tail = try await names(client, created.id, after: 49)
            #expect(tail.map(\.offset) == [50, 51, 52, 53])
            await client.close()
        }
    }

    @Test func samePatternContinuesWhereTheLastCampaignStopped() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let first = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "a", type: .domainGeneration, generation: Self.generation(count: 10)))
            let preview = try await client.unary(Methods.previewGeneration, PreviewGenerationRequest(generation: Self.generation(count: 1), sampleSize: 3))
            #expect(preview.totalCombinations == 54)
            #expect(preview.nextStartOffset == 10)
            #expect(preview.firstNames == ["abcshop.com", "abcshop.net", "acashop.com"], "offset 10 is label 5 (\"abc\" in base 3) on the first TLD")
            let second = try await client.unary(Methods.createCampaign,
                CreateCampaignRequest(name: "b", type: .domainGeneration, generation: Self.generation(count: 5), start: true))
            #expect(second.generation?.startOffset == 10)
            #expect(first.generation?.startOffset == 0)
            _ = try await waitUntilEnded(client, second.id)
            #expect(try await names(client, second.id).map(\.offset) == [10, 11, 12, 13, 14])
            await client.close()
        }
    }

    @Test func pauseResumeAndIllegalTransitions() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let c = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "p", type: .domainGeneration, generation: Self.generation(count: 4)))
            await expectCode(.failedPrecondition) { try await client.unary(Methods.pauseCampaign, .init(id: c.id)) }
            await expectCode(.failedPrecondition) { try await client.unary(Methods.resumeCampaign, .init(id: c.id)) }
            _ = try await client.unary(Methods.startCampaign, .init(id: c.id))
            let error = await expectCode(.failedPrecondition) { try await client.unary(Methods.startCampaign, .init(id: c.id)) }
            #expect(error?.message.contains("cannot start") == true)
            _ = try await waitUntilEnded(client, c.id)
            await expectCode(.failedPrecondition) { try await client.unary(Methods.cancelCampaign, .init(id: c.id)) }
            let d = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "q", type: .domainGeneration, generation: Self.generation(count: 4)))
            #expect(try await client.unary(Methods.cancelCampaign, .init(id: d.id)).status == .cancelled)
            #expect(try await client.unary(Methods.deleteCampaign, .init(id: c.id)).id == c.id)
            await expectCode(.notFound) { try await client.unary(Methods.getCampaign, .init(id: c.id)) }
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(c.id)'") == 0, "results cascade")
            await client.close()
        }
    }

    @Test func anotherUsersCampaignIsNotFound() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("owner1")
            _ = try await h.createUser("other1")
            let owner = try await h.client("owner1", "a long enough password")
            let other = try await h.client("other1", "a long enough password")
            let c = try await owner.unary(Methods.createCampaign, CreateCampaignRequest(name: "mine", type: .domainGeneration, generation: Self.generation(count: 2)))
            for method in [Methods.getCampaign, Methods.startCampaign, Methods.cancelCampaign, Methods.deleteCampaign] {
                await expectCode(.notFound) { try await other.unary(method, .init(id: c.id)) }
            }
            #expect(try await other.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.isEmpty)
            #expect(try await owner.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.count == 1)
            let admin = try await h.admin()
            #expect(try await admin.unary(Methods.getCampaign, .init(id: c.id)).name == "mine", "admins see all")
            #expect(try await owner.unary(Methods.getCampaign, .init(id: c.id)).status == .pending, "nothing changed")
            await owner.close(); await other.close(); await admin.close()
        }
    }

    @Test func badGenerationInputIsRejectedNamingTheFieldAndNothingWritten() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let cases: [(GenerationParameters, String)] = [
                (Self.generation(count: 1, charset: ""), "character_set"),
                (Self.generation(count: 1, prefix: 0), "prefix_length"),
                (Self.generation(count: 1, tlds: []), "tlds"),
                (Self.generation(count: 1, tlds: ["com"]), "tlds"),
                (Self.generation(count: 1, tlds: [".c m"]), "tlds"),
                (Self.generation(count: 0), "count"),
                (Self.generation(count: 55), "count"),
                (Self.generation(count: 1, start: 54), "start_offset"),
                (Self.generation(count: 1, constant: String(repeating: "x", count: 62)), "prefix_length"),
            ]
            for (parameters, field) in cases {
                let error = await expectCode(.invalidArgument) {
                    try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "bad", type: .domainGeneration, generation: parameters))
                }
                #expect(error?.message.contains(field) == true, "\(error?.message ?? "") names \(field)")
            }
            await expectCode(.invalidArgument) {
                try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: " ", type: .domainGeneration, generation: Self.generation(count: 1)))
            }
            await expectCode(.notFound) { try await client.unary(Methods.getCampaign, .init(id: UUID().uuidString)) }
            #expect(try await h.count("SELECT count(*) FROM campaigns") == 0)
            #expect(try await h.count("SELECT count(*) FROM generation_pattern_offsets") == 0)
            await client.close()
        }
    }

    @Test func streamCursorPastTheEndIsOutOfRange() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let c = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "s", type: .domainGeneration, generation: Self.generation(count: 3)))
            await expectCode(.outOfRange) { try await names(client, c.id, after: 3) }
            await client.close()
        }
    }

    @Test func pauseHoldsAtABatchBoundaryAndResumeFinishesExactly() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let big = GenerationParameters(patternType: .prefix, prefixLength: 4, characterSet: "abcdefghijklmnopqrstuvwxyz0123456789",
                                           constant: "-pause", tlds: [".com", ".net"], count: 150_000)
            let c = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "big", type: .domainGeneration, generation: big, start: true))
            let deadline = ContinuousClock.now + .seconds(60)
            while try await client.unary(Methods.getCampaign, .init(id: c.id)).processedItems == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await client.unary(Methods.pauseCampaign, .init(id: c.id)).status == .paused)
            // Batches already leased finish; then nothing moves.
            var previous = try await client.unary(Methods.getCampaign, .init(id: c.id)).processedItems
            var stable = false
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(200))
                let now = try await client.unary(Methods.getCampaign, .init(id: c.id)).processedItems
                if now == previous { stable = true; break }
                previous = now
            }
            #expect(stable, "progress stops while paused")
            #expect(previous < 150_000, "paused before the end")
            #expect(try await client.unary(Methods.resumeCampaign, .init(id: c.id)).status == .queued)
            let events = try await waitUntilEnded(client, c.id)
            #expect(events.last?.status == .completed)
            #expect(events.last?.processedItems == 150_000)
            #expect(try await h.count("SELECT count(*) FROM generated_domains WHERE campaign_id = '\(c.id)'") == 150_000)
            await client.close()
        }
    }

    @Test func pipelineCreatesItsFollowOnsAtOnceReadingEachOther() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            await expectCode(.invalidArgument) {
                try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "bad chain",
                    type: .domainGeneration, generation: Self.generation(count: 4), pipeline: [.httpKeywordValidation]))
            }
            // Starting a pipeline whose DNS step has no persona to run with is refused, and nothing is created.
            await expectCode(.invalidArgument) {
                try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "no persona",
                    type: .domainGeneration, generation: Self.generation(count: 4), start: true, pipeline: [.dnsValidation]))
            }
            #expect(try await client.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.isEmpty)
            let c = try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "chain",
                type: .domainGeneration, generation: Self.generation(count: 12), pipeline: [.dnsValidation, .httpKeywordValidation]))
            #expect(c.pipeline == [.dnsValidation, .httpKeywordValidation])
            var filter = ListCampaignsRequest()
            filter.type = .dnsValidation
            let followOn = try #require(try await client.unary(Methods.listCampaigns, filter).campaigns.first)
            #expect(followOn.sourceCampaignID == c.id && followOn.name == "chain / dns_validation")
            #expect(followOn.status == .pending)
            #expect(followOn.totalItems == 12, "one item per generated name")
            #expect(followOn.pipeline == [.httpKeywordValidation], "the rest of the chain travels with it")
            filter.type = .httpKeywordValidation
            let last = try #require(try await client.unary(Methods.listCampaigns, filter).campaigns.first)
            #expect(last.sourceCampaignID == followOn.id && last.pipeline.isEmpty)
            #expect(try await h.count("SELECT count(*) FROM campaign_batches WHERE campaign_id = '\(followOn.id)'")
                    == h.count("SELECT count(*) FROM campaign_batches WHERE campaign_id = '\(c.id)'"), "batches mirrored index for index")
            // The DNS step cannot start without a persona, nor the HTTP step without a persona and a keyword set.
            await expectCode(.failedPrecondition) { try await client.unary(Methods.startCampaign, .init(id: followOn.id)) }
            let error = await expectCode(.failedPrecondition) { try await client.unary(Methods.startCampaign, .init(id: last.id)) }
            #expect(error?.message.contains("HTTP persona") == true)
            await client.close()
        }
    }

    @Test func viewersCannotCreateCampaigns() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("viewer1", role: .viewer)
            let client = try await h.client("viewer1", "a long enough password")
            await expectCode(.permissionDenied) {
                try await client.unary(Methods.createCampaign, CreateCampaignRequest(name: "v", type: .domainGeneration, generation: Self.generation(count: 1)))
            }
            #expect(try await client.unary(Methods.listCampaigns, ListCampaignsRequest()).campaigns.isEmpty)
            await client.close()
        }
    }
}
