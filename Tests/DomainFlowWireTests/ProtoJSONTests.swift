import DomainFlowWire
import Testing

/// Reading messages by protobuf's JSON mapping from the descriptors.
@Suite struct ProtoJSONTests {
    let campaign = ProtoSchema.request(of: Methods.createCampaign)!
    let persona = ProtoSchema.request(of: Methods.createPersona)!

    @Test func bothFieldNameStylesEnumsByNameShortNameOrNumberAndIntegersAsStrings() throws {
        let camel = try ProtoJSON.fields(from: ["name": "c", "generation": ["patternType": "PATTERN_SUFFIX", "count": "7",
                                                                            "characterSet": "ab", "tlds": [".com"]]], schema: campaign)
        let snake = try ProtoJSON.fields(from: ["name": "c", "generation": ["pattern_type": "suffix", "count": 7,
                                                                            "character_set": "ab", "tlds": [".com"]]], schema: campaign)
        let number = try ProtoJSON.fields(from: ["name": "c", "generation": ["pattern_type": 2, "count": 7.0,
                                                                             "character_set": "ab", "tlds": [".com"]]], schema: campaign)
        #expect(camel == snake && snake == number)
        let request = try CreateCampaignRequest(fields: camel)
        #expect(request.generation?.patternType == .suffix && request.generation?.count == 7 && request.generation?.tlds == [".com"])
        let rotation = try ProtoJSON.fields(from: ["dns": ["rotation": "sequential-failover", "resolvers": [["address": "1.2.3.4"]]]],
                                            schema: persona)
        #expect(try PersonaRequest(fields: rotation).dns?.rotation == .sequentialFailover)
        #expect(try ProtoJSON.fields(from: ["pipeline": ["dns_validation", "HTTP_KEYWORD_VALIDATION"]], schema: campaign)[6]
                == .list([.int(2), .int(3)]))
    }

    @Test func mistakesNameTheirPathAndWhatWasExpected() {
        func problem(_ value: [String: Any], _ schema: ProtoSchema) -> String {
            do {
                _ = try ProtoJSON.fields(from: value, schema: schema)
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(problem(["generaton": [:]], campaign).hasPrefix("generaton: unknown field; the fields here are: name, description, type"))
        #expect(problem(["generation": ["count": -1]], campaign) == "generation.count: expected a whole number, 0 or more")
        #expect(problem(["generation": ["count": true]], campaign) == "generation.count: expected a whole number, 0 or more")
        #expect(problem(["start": "yes"], campaign) == "start: expected true or false")
        #expect(problem(["pipeline": "dns_validation"], campaign) == "pipeline: expected a list")
        #expect(problem(["pipeline": ["dns_validation", "nope"]], campaign).hasPrefix("pipeline[1]: 'nope' is not one of DOMAIN_GENERATION, DNS_VALIDATION"))
        #expect(problem(["dns": ["resolvers": [["adress": "x"]]]], persona).hasPrefix("dns.resolvers[0].adress: unknown field; the fields here are: address, weight"))
        #expect(problem(["generation": "prefix"], campaign).hasPrefix("generation: expected an object"))
    }
}
