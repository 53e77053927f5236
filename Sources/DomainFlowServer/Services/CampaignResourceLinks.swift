import DomainFlowStore
import DomainFlowWire
import Foundation

/// The links between a campaign and the personas, proxies and keyword sets its pipeline runs with
/// (`campaign_resources`), and the rule they carry: a resource that a campaign which has not ended
/// uses cannot be deleted.
enum CampaignResourceLinks {
    enum Kind: String, CaseIterable, Sendable {
        case dnsPersona = "dns_persona", httpPersona = "http_persona", proxy, keywordSet = "keyword_set"
    }

    /// The most ids of one kind a campaign may name.
    static let maxPerKind = 100

    /// The request's ids, parsed and deduplicated in order; INVALID_ARGUMENT naming the field for a
    /// malformed id, too many ids, or ids for a step the pipeline does not have.
    static func parse(_ resources: CampaignResources, pipeline: [CampaignType]) throws -> [(Kind, [UUID])] {
        let lists: [(Kind, String, [String], CampaignType)] = [
            (.dnsPersona, "dns_persona_ids", resources.dnsPersonaIDs, .dnsValidation),
            (.httpPersona, "http_persona_ids", resources.httpPersonaIDs, .httpKeywordValidation),
            (.proxy, "proxy_ids", resources.proxyIDs, .httpKeywordValidation),
            (.keywordSet, "keyword_set_ids", resources.keywordSetIDs, .httpKeywordValidation),
        ]
        return try lists.map { kind, field, ids, step in
            guard ids.isEmpty || pipeline.contains(step) else {
                throw RPCError.invalidArgument("\(field): the pipeline has no \(step.name) step to use them")
            }
            guard ids.count <= maxPerKind else { throw RPCError.invalidArgument("\(field): at most \(maxPerKind)") }
            var seen = Set<UUID>()
            let parsed = try ids.map { try Paging.uuid($0, field: field) }.filter { seen.insert($0).inserted }
            return (kind, parsed)
        }
    }

    /// Links each resource to `campaign`, after checking that the principal may use it (NOT_FOUND
    /// otherwise) and that a persona is of the kind its list needs. Each resource is share-locked until
    /// the transaction ends, so a concurrent delete waits and then sees the link.
    static func link(_ c: PGConnection, campaign: UUID, _ lists: [(Kind, [UUID])], principal: Principal) throws {
        for (kind, ids) in lists {
            for (position, id) in ids.enumerated() {
                let label = id.lowercasedString
                switch kind {
                case .dnsPersona, .httpPersona:
                    guard let persona = try c.run(CampaignLinks.personaForUse(id: id, scope: principal.ownerScope)) else {
                        throw RPCError(.notFound, "no persona \(label)")
                    }
                    let wanted = kind == .dnsPersona ? "dns" : "http"
                    guard persona.kind == wanted else {
                        throw RPCError.invalidArgument("\(kind.rawValue)_ids: persona \(persona.name) is not a \(wanted.uppercased()) persona")
                    }
                case .proxy:
                    guard try c.run(CampaignLinks.proxyForUse(id: id, scope: principal.ownerScope)) else {
                        throw RPCError(.notFound, "no proxy \(label)")
                    }
                case .keywordSet:
                    guard try c.run(CampaignLinks.keywordSetForUse(id: id, scope: principal.ownerScope)) else {
                        throw RPCError(.notFound, "no keyword set \(label)")
                    }
                }
                try c.run(CampaignLinks.link(campaign: campaign, kind: kind.rawValue, id: id, position: position))
            }
        }
    }

    /// FAILED_PRECONDITION naming the campaign if one that has not ended uses the resource. Run it while
    /// holding the resource's row lock (the delete's own `FOR UPDATE` read).
    static func refuseDeleteIfInUse(_ c: PGConnection, id: UUID, as kinds: [Kind], what: String) throws {
        guard let user = try c.run(CampaignLinks.campaignUsing(id, as: kinds.map(\.rawValue))) else { return }
        throw RPCError(.failedPrecondition, "\(what) is used by campaign '\(user.name)' (\(user.id.lowercasedString), "
                       + "\(user.status)): cancel it or let it finish first")
    }

    /// The protocol's lists of a campaign's resource links.
    static func resources(from links: [CampaignRecord.ResourceLink]) -> CampaignResources {
        var resources = CampaignResources()
        for link in links {
            switch Kind(rawValue: link.kind) {
            case .dnsPersona: resources.dnsPersonaIDs.append(link.id)
            case .httpPersona: resources.httpPersonaIDs.append(link.id)
            case .proxy: resources.proxyIDs.append(link.id)
            case .keywordSet: resources.keywordSetIDs.append(link.id)
            case nil: continue
            }
        }
        return resources
    }
}
