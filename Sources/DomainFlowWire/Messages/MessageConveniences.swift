// What the generated message model (Generated/, from Protos/) does not say by itself: groupings and
// shorthands over its fields. No field numbers here.

/// The personas, proxies and keyword sets a campaign's pipeline runs with: the four id lists that
/// `CreateCampaignRequest` and `Campaign` both carry, as one value.
public struct CampaignResources: Sendable, Equatable {
    public var dnsPersonaIDs: [String] = []
    public var httpPersonaIDs: [String] = []
    public var proxyIDs: [String] = []
    public var keywordSetIDs: [String] = []

    public init(dnsPersonaIDs: [String] = [], httpPersonaIDs: [String] = [], proxyIDs: [String] = [], keywordSetIDs: [String] = []) {
        self.dnsPersonaIDs = dnsPersonaIDs; self.httpPersonaIDs = httpPersonaIDs; self.proxyIDs = proxyIDs
        self.keywordSetIDs = keywordSetIDs
    }

    public var isEmpty: Bool { dnsPersonaIDs.isEmpty && httpPersonaIDs.isEmpty && proxyIDs.isEmpty && keywordSetIDs.isEmpty }
}

/// A message with the four resource id lists of a campaign.
public protocol CarriesCampaignResources {
    var dnsPersonaIDs: [String] { get set }
    var httpPersonaIDs: [String] { get set }
    var proxyIDs: [String] { get set }
    var keywordSetIDs: [String] { get set }
}

extension CarriesCampaignResources {
    /// The four id lists as one value.
    public var resources: CampaignResources {
        get { CampaignResources(dnsPersonaIDs: dnsPersonaIDs, httpPersonaIDs: httpPersonaIDs, proxyIDs: proxyIDs, keywordSetIDs: keywordSetIDs) }
        set {
            dnsPersonaIDs = newValue.dnsPersonaIDs; httpPersonaIDs = newValue.httpPersonaIDs
            proxyIDs = newValue.proxyIDs; keywordSetIDs = newValue.keywordSetIDs
        }
    }

    /// This message with `resources` as its four id lists.
    public func with(_ resources: CampaignResources) -> Self {
        var copy = self
        copy.resources = resources
        return copy
    }
}

extension Campaign: CarriesCampaignResources {
    /// The count of result rows with `outcome` (0 when none).
    public func count(of outcome: String) -> UInt64 { outcomeCounts.first { $0.outcome == outcome }?.count ?? 0 }
}

extension CreateCampaignRequest: CarriesCampaignResources {}

extension PersonaRequest {
    /// The paths `updateMask` may name: every field of the request but its id, kind and mask, and every field
    /// of its dns and http parts (read from the descriptors).
    public static let mask = FieldMask(schema: ProtoSchema.request(of: Methods.updatePersona)!, excluding: ["id", "kind", "update_mask"])

    /// A DNS persona's create (no id) or full update.
    public init(id: String = "", name: String, description: String = "", dns: DnsPersona) {
        self.init(id: id, name: name, description: description, kind: .dns, dns: dns)
    }
    /// An HTTP persona's create (no id) or full update.
    public init(id: String = "", name: String, description: String = "", http: HttpPersona) {
        self.init(id: id, name: name, description: description, kind: .http, http: http)
    }
}

extension ProxyRequest {
    /// The paths `updateMask` may name: every field of the request but its id, `set_password` and the mask.
    public static let mask = FieldMask(schema: ProtoSchema.request(of: Methods.updateProxy)!, excluding: ["id", "set_password", "update_mask"])
}

extension Role: CustomStringConvertible {
    /// The name stored in `users.role` ("unspecified" for the unspecified value).
    public var description: String { name.isEmpty ? "unspecified" : name }
}

extension KeywordKind {
    /// The kind as `keyword_rules.kind` stores it and people read it: an unspecified kind is a string rule.
    public var effectiveName: String { self == .regex ? "regex" : "string" }
}
