import DomainFlowCore
import DomainFlowEngine
import DomainFlowStore
import DomainFlowWire
import Foundation

/// The campaigns service: create, read, control and stream campaigns. Owner-scoped: a user
/// sees only their own campaigns (others' are NOT_FOUND); admins see all. Changes are audited.
enum CampaignsService {
    static func register(into router: inout Router, auth: Authenticator, batchSize: Int) {
        let pool = auth.store.pool

        router.unary(Methods.previewGeneration) { request, _ in
            guard let parameters = request.generation else { throw RPCError.invalidArgument("generation: required") }
            let pattern = try parameters.pattern()
            let next = try await pool.withConnection(retryTransient: true) { c in
                try c.execute(StatementRegistry.patternNextOffset, [.text(pattern.normalisedKey)]).first?.int(0) ?? 0
            }
            let start = parameters.explicitStartOffset ? Int64(clamping: parameters.startOffset) : next
            let sample = Int(request.sampleSize == 0 ? 10 : min(request.sampleSize, 1000))
            var names: [String] = []
            var offset = start
            while names.count < sample, offset < pattern.totalCombinations, offset - start < Int64(sample) * 100 {
                if let name = pattern.name(at: offset) { names.append(name) }
                offset += 1
            }
            return PreviewGenerationResponse(totalCombinations: UInt64(pattern.totalCombinations), firstNames: names,
                                             nextStartOffset: UInt64(next))
        }

        router.unary(Methods.createCampaign) { request, context in
            let principal = try context.requirePrincipal()
            let name = try InputValidation.resourceName(request.name)
            guard request.type == .domainGeneration else {
                throw RPCError(.unimplemented, "type: only domain_generation campaigns run in this version")
            }
            guard let parameters = request.generation else { throw RPCError.invalidArgument("generation: required") }
            let pattern = try parameters.pattern()
            guard parameters.count >= 1 else { throw RPCError.invalidArgument("generation.count: must be at least 1") }
            let chain: [CampaignTypeCode] = [.dnsValidation, .httpKeywordValidation]
            guard request.pipeline.count <= chain.count, Array(chain.prefix(request.pipeline.count)) == request.pipeline else {
                throw RPCError.invalidArgument("pipeline: a generation campaign may be followed by dns_validation, then http_keyword_validation")
            }
            let pipeline = request.pipeline.map(\.name).joined(separator: ",")
            let resources = try CampaignResourceLinks.parse(request.resources, pipeline: request.pipeline)
            let key = pattern.normalisedKey
            let row = try await pool.withTransaction { c -> CampaignRow in
                let next = try c.execute(StatementRegistry.patternNextOffset, [.text(key)]).first?.int(0) ?? 0
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
                let created = try CampaignRow(try c.execute(StatementRegistry.createCampaign, [
                    .text(name), request.description.isEmpty ? nil : .text(request.description),
                    .text(CampaignTypeCode.domainGeneration.name), .uuid(principal.userID), .json(json), .int(spec.count),
                    .text(pipeline),
                ]).first!)
                try CampaignResourceLinks.link(c, campaign: created.id, resources, principal: principal)
                _ = try c.execute(StatementRegistry.reservePatternRange, [.text(key), .int(start + spec.count)])
                _ = try c.execute(StatementRegistry.createBatches, [.uuid(created.id), .int(start), .int(batchSize), .int(spec.count)])
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_create",
                                         resourceType: "campaign", resourceID: created.id,
                                         details: ["name": name, "count": spec.count, "start_offset": start])
                guard request.start else {
                    return request.resources.isEmpty ? created : try find(c, created.id, principal: principal, forUpdate: false)
                }
                return try transition(c, created.id, principal: principal, event: .start, context: context)
            }
            return row.info
        }

        router.unary(Methods.getCampaign) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withConnection(retryTransient: true) { c in
                try find(c, id, principal: principal, forUpdate: false).info
            }
        }

        router.unary(Methods.listCampaigns) { request, context in
            let principal = try context.requirePrincipal()
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let parameters: [PGValue?] = [
                principal.ownerScope,
                request.type == .unspecified ? nil : .text(request.type.name),
                request.status == .unspecified ? nil : .text(request.status.name),
                request.nameContains.isEmpty ? nil : .text(request.nameContains), .int(limit + 1), .int(offset),
            ]
            let rows = try await pool.withConnection(retryTransient: true) { c in
                try c.execute(StatementRegistry.listCampaigns, parameters).rows.map(CampaignRow.init)
            }
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListCampaignsResponse(campaigns: page.items.map(\.info), nextPageToken: page.nextPageToken)
        }

        for (method, event) in [(Methods.startCampaign, CampaignEvent.start), (Methods.pauseCampaign, .pause),
                                (Methods.resumeCampaign, .resume), (Methods.cancelCampaign, .cancel)] {
            router.unary(method) { request, context in
                let principal = try context.requirePrincipal()
                let id = try Paging.uuid(request.id, field: "id")
                return try await pool.withTransaction { c in
                    try transition(c, id, principal: principal, event: event, context: context).info
                }
            }
        }

        router.unary(Methods.deleteCampaign) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in
                let row = try find(c, id, principal: principal, forUpdate: true)
                guard row.status != .running, row.status != .queued else {
                    throw RPCError(.failedPrecondition, "the campaign is \(row.status.rawValue); pause or cancel it before deleting")
                }
                _ = try c.execute(StatementRegistry.deleteCampaign, [.uuid(id)])  // results cascade
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_delete",
                                         resourceType: "campaign", resourceID: id, details: ["name": row.info.name])
                return row.info
            }
        }

        router.serverStream(Methods.watchCampaign) { request, context, writer in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let interval = Duration.milliseconds(request.intervalMillis == 0 ? 250 : Int(max(request.intervalMillis, 20)))
            var last: CampaignInfo?
            while true {
                let row = try await pool.withConnection(retryTransient: true) { c in
                    try find(c, id, principal: principal, forUpdate: false)
                }
                if row.info != last {
                    try await writer.write(row.info)
                    last = row.info
                }
                if row.status.isTerminal { return }
                try await Task.sleep(for: interval)
            }
        }

        router.serverStream(Methods.streamGeneratedDomains) { request, context, writer in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let row = try await pool.withConnection(retryTransient: true) { c in try find(c, id, principal: principal, forUpdate: false) }
            if let generation = row.info.generation, !request.fromStart,
               request.afterOffset >= generation.startOffset + generation.count {
                throw RPCError(.outOfRange, "after_offset \(request.afterOffset) is past the campaign's last offset \(generation.startOffset + generation.count - 1)")
            }
            var cursor: Int64 = request.fromStart ? -1 : Int64(clamping: request.afterOffset)
            while true {
                let after = cursor
                let page = try await pool.withConnection(retryTransient: true) { c in
                    try c.execute(StatementRegistry.generatedDomainsPage, [.uuid(id), .int(after), .int(1000)]).rows.map {
                        GeneratedDomain(domainName: try $0.string(0), offset: UInt64(try $0.int(1)))
                    }
                }
                try await writer.write(contentsOf: page)
                guard let lastOffset = page.last?.offset, page.count == 1000 else { return }
                cursor = Int64(lastOffset)
            }
        }
    }

    /// The campaign, if the principal may see it (NOT_FOUND otherwise, whether or not it exists).
    static func find(_ c: PGConnection, _ id: UUID, principal: Principal, forUpdate: Bool) throws -> CampaignRow {
        let statement = forUpdate ? StatementRegistry.campaignByIDForUpdate : StatementRegistry.campaignByID
        guard let row = try c.execute(statement, [.uuid(id), principal.ownerScope]).first else {
            throw RPCError(.notFound, "no campaign \(id.uuidString.lowercased())")
        }
        return try CampaignRow(row)
    }

    /// Applies `event` through the state machine, in the caller's transaction, audited.
    static func transition(_ c: PGConnection, _ id: UUID, principal: Principal, event: CampaignEvent,
                           context: CallContext) throws -> CampaignRow {
        let row = try find(c, id, principal: principal, forUpdate: true)
        let next: CampaignStatus
        do {
            next = try CampaignStateMachine.transition(from: row.status, on: event)
        } catch {
            throw RPCError(.failedPrecondition, "\(error)")
        }
        let updated = try CampaignRow(try c.execute(StatementRegistry.setCampaignStatus, [.uuid(id), .text(next.rawValue), nil]).first!)
        try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_\(event.rawValue)",
                                 resourceType: "campaign", resourceID: id,
                                 details: ["from": row.status.rawValue, "to": next.rawValue])
        return updated
    }
}
