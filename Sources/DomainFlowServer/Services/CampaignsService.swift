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
            let next = try await pool.run(Campaigns.nextPatternOffset(key: pattern.normalisedKey), retryTransient: true)
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
            let row = try await pool.withTransaction { c -> CampaignRow in
                let created: CampaignRow
                switch request.type {
                case .domainGeneration:
                    created = try CampaignCreation.generation(c, request, name: name, principal: principal, context: context,
                                                              batchSize: batchSize)
                case .dnsValidation:
                    created = try CampaignCreation.dnsValidation(c, request, name: name, principal: principal, context: context)
                case .httpKeywordValidation:
                    created = try CampaignCreation.httpKeywordValidation(c, request, name: name, principal: principal, context: context)
                case .unspecified:
                    throw RPCError.invalidArgument("type: required (domain_generation, dns_validation or http_keyword_validation)")
                }
                guard request.start else { return try find(c, created.id, principal: principal, forUpdate: false) }
                return try start(c, created.id, principal: principal, context: context)
            }
            return row.info
        }

        router.unary(Methods.appendCampaignInput) { request, context in
            let principal = try context.requirePrincipal()
            return try await pool.withTransaction { c in try UploadedInput.append(c, request, principal: principal) }
        }

        router.unary(Methods.finishCampaignInput) { request, context in
            let principal = try context.requirePrincipal()
            let finished = try await pool.withTransaction { c in
                try UploadedInput.finish(c, request, principal: principal, context: context, batchSize: batchSize)
            }
            switch finished {
            case .sealed(let row): return row.info
            case .rejected(let error): throw error
            }
        }

        router.serverStream(Methods.streamDnsResults) { request, context, writer in
            try await DNSResultsStream.run(request, context: context, writer: writer, pool: pool)
        }

        router.serverStream(Methods.streamHttpResults) { request, context, writer in
            try await HTTPResultsStream.run(request, context: context, writer: writer, pool: pool)
        }

        router.serverStream(Methods.exportCampaignResults) { request, context, writer in
            try await ResultsExport.run(request, context: context, writer: writer, pool: pool)
        }

        router.unary(Methods.getCampaign) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let record = try await pool.run(Campaigns.find(id: id, scope: principal.ownerScope), retryTransient: true)
            return try campaign(record, id).info
        }

        router.unary(Methods.listCampaigns) { request, context in
            let principal = try context.requirePrincipal()
            let (limit, offset) = try Paging.bounds(request.pageSize, request.pageToken)
            let filter = CampaignFilter(
                ownerScope: principal.ownerScope, typeName: request.type == .unspecified ? nil : request.type.name,
                status: request.status == .unspecified ? nil : DomainFlowCore.CampaignStatus(rawValue: request.status.name),
                nameContains: request.nameContains.isEmpty ? nil : request.nameContains)
            let rows = try await pool.run(Campaigns.list(filter, limit: limit + 1, offset: offset), retryTransient: true)
            let page = Paging.page(rows, limit: limit, offset: offset)
            return ListCampaignsResponse(campaigns: page.items.map { CampaignRow($0).info }, nextPageToken: page.nextPageToken)
        }

        router.unary(Methods.startCampaign) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in try start(c, id, principal: principal, context: context).info }
        }

        router.unary(Methods.cancelCampaign) { request, context in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            return try await pool.withTransaction { c in try cancel(c, id, principal: principal, context: context).info }
        }

        for (method, event) in [(Methods.pauseCampaign, CampaignEvent.pause), (Methods.resumeCampaign, .resume)] {
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
                try c.run(Campaigns.delete(id: id))  // results cascade
                try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_delete",
                                         resourceType: "campaign", resourceID: id, details: ["name": row.info.name])
                return row.info
            }
        }

        router.serverStream(Methods.watchCampaign) { request, context, writer in
            let principal = try context.requirePrincipal()
            let id = try Paging.uuid(request.id, field: "id")
            let interval = Duration.milliseconds(request.intervalMillis == 0 ? 250 : Int(max(request.intervalMillis, 20)))
            var last: Campaign?
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
                let page = try await pool.run(DomainNames.page(campaign: id, after: after, limit: 1000), retryTransient: true)
                    .map { GeneratedDomain(domainName: $0.name, offset: UInt64($0.offset)) }
                try await writer.write(contentsOf: page)
                guard let lastOffset = page.last?.offset, page.count == 1000 else { return }
                cursor = Int64(lastOffset)
            }
        }
    }

    /// The campaign, if the principal may see it (NOT_FOUND otherwise, whether or not it exists).
    static func find(_ c: PGConnection, _ id: UUID, principal: Principal, forUpdate: Bool) throws -> CampaignRow {
        try campaign(try c.run(Campaigns.find(id: id, scope: principal.ownerScope, forUpdate: forUpdate)), id)
    }

    /// The campaign `id` of a lookup; NOT_FOUND when it found none (or someone else's).
    static func campaign(_ record: CampaignRecord?, _ id: UUID) throws -> CampaignRow {
        guard let record else { throw RPCError(.notFound, "no campaign \(id.lowercasedString)") }
        return CampaignRow(record)
    }

    /// Applies `event` through the engine's lifecycle (the state machine), in the caller's transaction, audited.
    static func transition(_ c: PGConnection, _ id: UUID, principal: Principal, event: CampaignEvent,
                           context: CallContext) throws -> CampaignRow {
        _ = try find(c, id, principal: principal, forUpdate: true)  // NOT_FOUND for others' campaigns
        let change: CampaignLifecycle.Change
        do {
            change = try CampaignLifecycle.apply(c, id, event)
        } catch let error as IllegalTransition {
            throw RPCError(.failedPrecondition, "\(error)")
        }
        try AuditRecorder.record(c, context: context, userID: principal.userID, action: "campaign_\(event.rawValue)",
                                 resourceType: "campaign", resourceID: id,
                                 details: ["from": change.from.rawValue, "to": change.to.rawValue])
        return try find(c, id, principal: principal, forUpdate: false)
    }

    /// Starts a campaign, after checking that it can run, and the pending follow-ons of its pipeline that can.
    static func start(_ c: PGConnection, _ id: UUID, principal: Principal, context: CallContext) throws -> CampaignRow {
        let row = try find(c, id, principal: principal, forUpdate: true)
        try checkRunnable(row)
        let started = try transition(c, id, principal: principal, event: .start, context: context)
        for followOn in try c.run(Campaigns.followOns(of: id)) {
            let next = try find(c, followOn.id, principal: principal, forUpdate: true)
            guard next.status == .pending, (try? checkRunnable(next)) != nil else { break }
            _ = try transition(c, next.id, principal: principal, event: .start, context: context)
        }
        return started
    }

    /// Cancels a campaign and the follow-ons of its pipeline that have not ended: they would read a partial input.
    static func cancel(_ c: PGConnection, _ id: UUID, principal: Principal, context: CallContext) throws -> CampaignRow {
        let cancelled = try transition(c, id, principal: principal, event: .cancel, context: context)
        for followOn in try c.run(Campaigns.followOns(of: id)) {
            let next = try find(c, followOn.id, principal: principal, forUpdate: true)
            if !next.status.isTerminal { _ = try transition(c, next.id, principal: principal, event: .cancel, context: context) }
        }
        return cancelled
    }

    /// FAILED_PRECONDITION (or UNIMPLEMENTED) for a campaign that cannot run yet.
    static func checkRunnable(_ row: CampaignRow) throws {
        guard !row.info.inputOpen else {
            throw RPCError(.failedPrecondition, "the uploaded list of \(row.info.name) is not complete (FinishCampaignInput)")
        }
        switch row.info.type {
        case .httpKeywordValidation:
            guard !row.info.resources.httpPersonaIDs.isEmpty else {
                throw RPCError(.failedPrecondition, "\(row.info.name) has no HTTP persona to fetch with")
            }
            guard !row.info.resources.keywordSetIDs.isEmpty else {
                throw RPCError(.failedPrecondition, "\(row.info.name) has no keyword set to score pages against")
            }
        case .dnsValidation:
            guard !row.info.inputOpen else {
                throw RPCError(.failedPrecondition, "the uploaded list of \(row.info.name) is not complete (FinishCampaignInput)")
            }
            guard !row.info.resources.dnsPersonaIDs.isEmpty else {
                throw RPCError(.failedPrecondition, "\(row.info.name) has no DNS persona to resolve with")
            }
        default: break
        }
    }
}
