import DomainFlowClient
import DomainFlowServer
import DomainFlowWire
import Foundation
import Testing

@Suite struct KeywordSetTests {
    @Test func createGetUpdateDeleteKeepsRulesInOrderAndAudits() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("kw")
            let client = try await h.client("kw", "a long enough password")
            let created = try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "shops", description: "retail", rules: [
                KeywordRule(keyword: "buy now", weight: "2.5", category: "commerce"),
                KeywordRule(keyword: #"\bprice[s]?\b"#, kind: .regex, caseSensitive: true, contextChars: 80),
            ]))
            #expect(created.rules.map(\.keyword) == ["buy now", #"\bprice[s]?\b"#])
            #expect(created.rules[0].weight == "2.50" && created.rules[0].contextChars == 50 && created.rules[0].category == "commerce")
            #expect(created.rules[1].kind == .regex && created.rules[1].caseSensitive && created.rules[1].contextChars == 80)

            var partial = UpdateKeywordSetRequest(id: created.id)
            partial.name = "stores"
            let renamed = try await client.unary(Methods.updateKeywordSet, partial)
            #expect(renamed.name == "stores" && renamed.description == "retail" && renamed.rules.count == 2, "partial: rules kept")

            var full = UpdateKeywordSetRequest(id: created.id)
            full.replaceRules = true
            full.rules = [KeywordRule(keyword: "sale", inactive: true)]
            full.setDescription = true
            let replaced = try await client.unary(Methods.updateKeywordSet, full)
            #expect(replaced.rules.map(\.keyword) == ["sale"] && replaced.rules[0].inactive && replaced.description.isEmpty)

            let list = try await client.unary(Methods.listKeywordSets, ListKeywordSetsRequest())
            #expect(list.sets.map(\.name) == ["stores"] && list.sets[0].ruleCount == 1)
            _ = try await client.unary(Methods.deleteKeywordSet, .init(id: created.id))
            await expectCode(.notFound) { try await client.unary(Methods.getKeywordSet, .init(id: created.id)) }
            #expect(try await h.count("SELECT count(*) FROM keyword_rules") == 0, "rules cascade")
            #expect(try await h.count("SELECT count(*) FROM audit_logs WHERE resource_type = 'keyword_set'") == 4)
            await client.close()
        }
    }

    @Test func badRulesAreRejectedNamingTheRuleAndNothingWritten() async throws {
        try await AuthHarness.with { h in
            let client = try await h.admin()
            let cases: [(KeywordRule, String)] = [
                (KeywordRule(keyword: "(unclosed", kind: .regex), "rules[1].keyword: the regular expression does not compile"),
                (KeywordRule(keyword: ""), "rules[1].keyword"),
                (KeywordRule(keyword: "x", weight: "0"), "rules[1].weight"),
                (KeywordRule(keyword: "x", weight: "-1"), "rules[1].weight"),
                (KeywordRule(keyword: "x", weight: "1000"), "rules[1].weight"),
                (KeywordRule(keyword: "x", contextChars: 5000), "rules[1].context_chars"),
            ]
            for (bad, message) in cases {
                let error = await expectCode(.invalidArgument) {
                    try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "bad", rules: [KeywordRule(keyword: "ok"), bad]))
                }
                #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
            }
            _ = try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "dup", rules: []))
            await expectCode(.alreadyExists) { try await client.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "dup", rules: [])) }
            #expect(try await h.count("SELECT count(*) FROM keyword_sets") == 1)
            #expect(try await h.count("SELECT count(*) FROM keyword_rules") == 0)
            await client.close()
        }
    }

    @Test func anotherUsersKeywordSetIsNotFound() async throws {
        try await AuthHarness.with { h in
            _ = try await h.createUser("kwa")
            _ = try await h.createUser("kwb")
            let a = try await h.client("kwa", "a long enough password")
            let b = try await h.client("kwb", "a long enough password")
            let set = try await a.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "private", rules: [KeywordRule(keyword: "x")]))
            await expectCode(.notFound) { try await b.unary(Methods.getKeywordSet, .init(id: set.id)) }
            await expectCode(.notFound) { try await b.unary(Methods.deleteKeywordSet, .init(id: set.id)) }
            var rename = UpdateKeywordSetRequest(id: set.id)
            rename.name = "stolen"
            await expectCode(.notFound) { try await b.unary(Methods.updateKeywordSet, rename) }
            #expect(try await b.unary(Methods.listKeywordSets, ListKeywordSetsRequest()).sets.isEmpty)
            #expect(try await a.unary(Methods.getKeywordSet, .init(id: set.id)).name == "private", "unchanged")
            // Names are unique per owner, not globally.
            _ = try await b.unary(Methods.createKeywordSet, CreateKeywordSetRequest(name: "private", rules: []))
            await a.close(); await b.close()
        }
    }
}
