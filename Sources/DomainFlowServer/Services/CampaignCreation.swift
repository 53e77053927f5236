import DomainFlowCore
import DomainFlowEngine
import DomainFlowStore
import DomainFlowWire
import Foundation

/// Creating campaigns of each type, in the caller's transaction: the campaign, its batches (cut by the
/// engine's rules), its resources, and the follow-on campaigns of its pipeline, which exist from the start
/// so that they can run beside it (phases overlap).
enum CampaignCreation {
    /// The order of the pipeline's phases.
    static let chain: [CampaignType] = [.domainGeneration, .dnsValidation, .httpKeywordValidation]

    /// The steps that may follow a campaign of `type`, in order.
    static func followers(of type: CampaignType) -> [CampaignType] {
        guard let index = chain.firstIndex(of: type) else { return [] }
        return Array(chain[(index + 1)...])
    }

    /// INVALID_ARGUMENT unless `pipeline` is a prefix of the steps that may follow `type`.
    static func checkPipeline(_ pipeline: [CampaignType], after type: CampaignType) throws {
        let allowed = followers(of: type)
        guard pipeline.count <= allowed.count, Array(allowed.prefix(pipeline.count)) == pipeline else {
            let words = allowed.isEmpty ? "nothing" : allowed.map(\.name).joined(separator: ", then ")
            throw RPCError.invalidArgument("pipeline: a \(type.name) campaign may be followed by \(words)")
        }
    }

    /// A DOMAIN_GENERATION campaign and its pipeline.
    static func generation(_ c: PGConnection, _ request: CreateCampaignRequest, name: String, principal: Principal,
                           context: CallContext, batchSize: Int) throws -> CampaignRow {
        guard let parameters = request.generation else {
            throw RPCError.invalidArgument("generation: missing (a domain_generation campaign needs a generation pattern)")
        }
        guard request.sourceCampaignID.isEmpty, !request.uploadInput else {
            throw RPCError.invalidArgument("source_campaign_id: a generation campaign makes its own names; it reads no input")
        }
        let pattern = try parameters.pattern()
        guard parameters.count >= 1 else { throw RPCError.invalidArgument("generation.count: must be at least 1") }
        try checkPipeline(request.pipeline, after: .domainGeneration)
        let resources = try CampaignResourceLinks.parse(request.resources, pipeline: request.pipeline)
        try requireResourcesToStart(request, steps: request.pipeline)
        let key = pattern.normalisedKey
        let next = try c.run(Campaigns.nextPatternOffset(key: key))
        let start = parameters.explicitStartOffset ? Int64(clamping: parameters.startOffset) : next
        guard start < pattern.totalCombinations else {
            throw RPCError.invalidArgument("generation.start_offset: \(start) is past the pattern's \(pattern.totalCombinations) combinations")
        }
        let left = pattern.totalCombinations - start
        guard parameters.count <= UInt64(left) else {
            throw RPCError.invalidArgument("generation.count: only \(left) combinations are left after offset \(start)")
        }
        let spec = GenerationSpec(patternType: pattern.type, prefixLength: pattern.prefixLength,
                                  suffixLength: pattern.suffixLength, characterSet: String(pattern.characterSet),
                                  constant: pattern.constant, tlds: pattern.tlds, count: Int64(parameters.count),
                                  startOffset: start)
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        let created = try insert(c, name: name, description: request.description, type: .domainGeneration, principal: principal,
                                 parameters: json, total: spec.count, pipeline: request.pipeline, source: nil, inputState: nil)
        try CampaignResourceLinks.link(c, campaign: created.id, resources, principal: principal)
        try c.run(Campaigns.reservePatternRange(key: key, end: start + spec.count))
        try CampaignBatches.cut(c, campaign: created.id, start: start, count: spec.count, batchSize: batchSize)
        try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_create",
                                 resourceType: "campaign", resourceID: created.id,
                                 details: ["name": name, "count": spec.count, "start_offset": start])
        try createFollowOns(c, of: created, name: name, steps: request.pipeline, resources: resources, principal: principal,
                            http: try httpParameters(request.http))
        return created
    }

    /// A DNS_VALIDATION campaign reading a generation campaign's names, or an uploaded list.
    static func dnsValidation(_ c: PGConnection, _ request: CreateCampaignRequest, name: String, principal: Principal,
                              context: CallContext) throws -> CampaignRow {
        guard request.generation == nil else {
            throw RPCError.invalidArgument("generation: a DNS campaign reads names (source_campaign_id or upload_input); it has no pattern")
        }
        guard request.sourceCampaignID.isEmpty != !request.uploadInput else {
            throw RPCError.invalidArgument("source_campaign_id, upload_input: give exactly one input (a source campaign or an uploaded list)")
        }
        try checkPipeline(request.pipeline, after: .dnsValidation)
        let steps = [CampaignType.dnsValidation] + request.pipeline
        let resources = try CampaignResourceLinks.parse(request.resources, pipeline: steps)
        guard !request.resources.dnsPersonaIDs.isEmpty else {
            throw RPCError.invalidArgument("dns_persona_ids: a DNS campaign needs at least one DNS persona")
        }
        let created: CampaignRow
        if request.uploadInput {
            guard !request.start else {
                throw RPCError.invalidArgument("start: an uploaded list is started by FinishCampaignInput (start), once it is complete")
            }
            created = try insert(c, name: name, description: request.description, type: .dnsValidation, principal: principal,
                                 parameters: UploadedInput.initialParameters, total: 0, pipeline: request.pipeline,
                                 source: nil, inputState: "open")
        } else {
            let sourceID = try Paging.uuid(request.sourceCampaignID, field: "source_campaign_id")
            let source = try CampaignsService.find(c, sourceID, principal: principal, forUpdate: false)
            guard source.info.type == .domainGeneration else {
                throw RPCError.invalidArgument("source_campaign_id: campaign \(source.info.name) is a \(source.info.type.name) campaign; a DNS campaign reads a domain_generation campaign's names")
            }
            let parameters = #"{"source_campaign_id": "\#(sourceID.lowercasedString)"}"#
            created = try insert(c, name: name, description: request.description, type: .dnsValidation, principal: principal,
                                 parameters: parameters, total: Int64(source.info.totalItems), pipeline: request.pipeline,
                                 source: sourceID, inputState: nil)
            try CampaignBatches.mirror(c, campaign: created.id, source: sourceID)
        }
        try CampaignResourceLinks.link(c, campaign: created.id, resources, principal: principal)
        try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_create",
                                 resourceType: "campaign", resourceID: created.id,
                                 details: ["name": name, "type": "dns_validation",
                                           "input": request.uploadInput ? "upload" : request.sourceCampaignID])
        try createFollowOns(c, of: created, name: name, steps: request.pipeline, resources: resources, principal: principal,
                            http: try httpParameters(request.http))
        return created
    }

    /// An HTTP_KEYWORD_VALIDATION campaign reading a DNS campaign's live names.
    static func httpKeywordValidation(_ c: PGConnection, _ request: CreateCampaignRequest, name: String, principal: Principal,
                                      context: CallContext) throws -> CampaignRow {
        guard request.generation == nil else {
            throw RPCError.invalidArgument("generation: an HTTP campaign reads a DNS campaign's live names; it has no pattern")
        }
        guard request.sourceCampaignID.isEmpty != !request.uploadInput else {
            throw RPCError.invalidArgument("source_campaign_id, upload_input: give exactly one input (a DNS campaign or an uploaded list of names or URLs)")
        }
        try checkPipeline(request.pipeline, after: .httpKeywordValidation)
        // An uploaded list is resolved through the campaign's DNS persona.
        let steps: [CampaignType] = request.uploadInput ? [.dnsValidation, .httpKeywordValidation] : [.httpKeywordValidation]
        let resources = try CampaignResourceLinks.parse(request.resources, pipeline: steps)
        try requireHTTPResources(request.resources)
        if request.uploadInput {
            guard !request.resources.dnsPersonaIDs.isEmpty else {
                throw RPCError.invalidArgument("dns_persona_ids: an uploaded list's names are resolved through a DNS persona; give one")
            }
            guard !request.start else {
                throw RPCError.invalidArgument("start: an uploaded list is started by FinishCampaignInput (start), once it is complete")
            }
            let created = try insert(c, name: name, description: request.description, type: .httpKeywordValidation, principal: principal,
                                     parameters: try httpParameters(request.http, upload: true), total: 0, pipeline: [],
                                     source: nil, inputState: "open")
            try CampaignResourceLinks.link(c, campaign: created.id, resources, principal: principal)
            try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_create",
                                     resourceType: "campaign", resourceID: created.id,
                                     details: ["name": name, "type": "http_keyword_validation", "input": "upload"])
            return created
        }
        let sourceID = try Paging.uuid(request.sourceCampaignID, field: "source_campaign_id")
        let source = try CampaignsService.find(c, sourceID, principal: principal, forUpdate: false)
        guard source.info.type == .dnsValidation else {
            throw RPCError.invalidArgument("source_campaign_id: campaign \(source.info.name) is a \(source.info.type.name) campaign; an HTTP campaign reads a dns_validation campaign's live names")
        }
        let created = try insert(c, name: name, description: request.description, type: .httpKeywordValidation, principal: principal,
                                 parameters: try httpParameters(request.http, source: sourceID), total: Int64(source.info.totalItems),
                                 pipeline: [], source: sourceID, inputState: nil)
        if source.inputState != "open" { try CampaignBatches.mirror(c, campaign: created.id, source: sourceID) }
        try CampaignResourceLinks.link(c, campaign: created.id, resources, principal: principal)
        try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_create",
                                 resourceType: "campaign", resourceID: created.id,
                                 details: ["name": name, "type": "http_keyword_validation", "input": request.sourceCampaignID])
        return created
    }

    /// INVALID_ARGUMENT unless an HTTP step has what it runs with: a persona and a keyword set.
    static func requireHTTPResources(_ resources: CampaignResources) throws {
        guard !resources.httpPersonaIDs.isEmpty else {
            throw RPCError.invalidArgument("http_persona_ids: an HTTP campaign needs at least one HTTP persona")
        }
        guard !resources.keywordSetIDs.isEmpty else {
            throw RPCError.invalidArgument("keyword_set_ids: an HTTP campaign needs at least one keyword set to score pages against")
        }
    }

    /// The stored parameters of an HTTP step: its options, validated, and the campaign it reads.
    static func httpParameters(_ options: HttpCampaignOptions?, source: UUID? = nil, upload: Bool = false) throws -> String {
        let o = options ?? HttpCampaignOptions()
        try ResultFilters.checkMinScore(o.minScore, field: "http.min_score")
        for scheme in o.schemes where scheme != "http" && scheme != "https" {
            throw RPCError.invalidArgument("http.schemes: '\(scheme)' is not http or https")
        }
        for (field, port) in [("http_port", o.httpPort), ("https_port", o.httpsPort)] where port > 65535 {
            throw RPCError.invalidArgument("http.\(field): \(port) is not a port")
        }
        guard o.concurrency <= 1000 else { throw RPCError.invalidArgument("http.concurrency: at most 1000") }
        guard o.perHostLimit <= 100 else { throw RPCError.invalidArgument("http.per_host_limit: at most 100") }
        guard ["", "round_robin", "random", "failover"].contains(o.proxyRotation) else {
            throw RPCError.invalidArgument("http.proxy_rotation: use round_robin, random or failover")
        }
        var fields: [String] = []
        if upload { fields.append(String(UploadedInput.initialParameters.dropFirst().dropLast())) }  // the upload's own state
        if let source { fields.append(#""source_campaign_id": "\#(source.lowercasedString)""#) }
        if o.minScore > 0 { fields.append(#""min_score": \#(o.minScore)"#) }
        if !o.schemes.isEmpty { fields.append(#""schemes": [\#(o.schemes.map { "\"\($0)\"" }.joined(separator: ", "))]"#) }
        if o.httpPort > 0 { fields.append(#""http_port": \#(o.httpPort)"#) }
        if o.httpsPort > 0 { fields.append(#""https_port": \#(o.httpsPort)"#) }
        if o.concurrency > 0 { fields.append(#""concurrency": \#(o.concurrency)"#) }
        if o.proxyResolves { fields.append(#""proxy_resolves": true"#) }
        if !o.proxyRotation.isEmpty { fields.append(#""proxy_rotation": "\#(o.proxyRotation)""#) }
        if o.perHostLimit > 0 { fields.append(#""per_host_limit": \#(o.perHostLimit)"#) }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A pipeline started at creation needs what its steps run with: a DNS persona; an HTTP persona and a keyword set.
    private static func requireResourcesToStart(_ request: CreateCampaignRequest, steps: [CampaignType]) throws {
        if request.start, steps.contains(.dnsValidation), request.resources.dnsPersonaIDs.isEmpty {
            throw RPCError.invalidArgument("dns_persona_ids: the pipeline's dns_validation step needs a DNS persona to start")
        }
        if request.start, steps.contains(.httpKeywordValidation) { try requireHTTPResources(request.resources) }
    }

    /// The pipeline's campaigns after `first`, each reading the one before, with its batches mirrored and
    /// the same resources; pending until started.
    private static func createFollowOns(_ c: PGConnection, of first: CampaignRow, name: String, steps: [CampaignType],
                                        resources: [(CampaignResourceLinks.Kind, [UUID])], principal: Principal,
                                        http: String) throws {
        var previous = first
        for (index, step) in steps.enumerated() {
            var parameters = #"{"source_campaign_id": "\#(previous.id.lowercasedString)"}"#
            if step == .httpKeywordValidation, http != "{}" {
                parameters = "{" + #""source_campaign_id": "\#(previous.id.lowercasedString)", "# + http.dropFirst()
            }
            let next = try insert(c, name: "\(name) / \(step.name)", description: "follow-on of \(previous.info.name)", type: step,
                                  principal: principal, parameters: parameters, total: Int64(previous.info.totalItems),
                                  pipeline: Array(steps[(index + 1)...]), source: previous.id, inputState: nil)
            if previous.inputState == nil { try CampaignBatches.mirror(c, campaign: next.id, source: previous.id) }
            try CampaignResourceLinks.link(c, campaign: next.id, resources, principal: principal)
            previous = next
        }
    }

    private static func insert(_ c: PGConnection, name: String, description: String, type: CampaignType, principal: Principal,
                               parameters: String, total: Int64, pipeline: [CampaignType], source: UUID?,
                               inputState: String?) throws -> CampaignRow {
        CampaignRow(try c.run(Campaigns.create(NewCampaign(
            name: name, description: description.isEmpty ? nil : description, typeName: type.name, ownerID: principal.userID,
            parameters: parameters, totalItems: total, pipeline: pipeline.map(\.name), sourceCampaignID: source,
            inputState: inputState))))
    }
}
