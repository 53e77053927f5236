/// Whether a method answers once or streams.
public enum CallKind: Sendable {
    case unary
    case serverStreaming
}

/// Who may call a method. Enforced in one place, before any handler runs.
public enum Access: Sendable, Equatable {
    /// No session needed (Ping, Login).
    case anonymous
    /// Any signed-in user, viewers included (reads).
    case reader
    /// Signed-in users who may change things: `user` and `admin`, not `viewer`.
    case writer
    /// Admins only.
    case admin
}

/// A typed RPC method: its number in the `Request.method` / `Response.method` oneofs, its
/// name, and its request and response types. Server and client share these values.
public struct Method<Input: WireMessage, Output: WireMessage>: Sendable {
    public let number: UInt32
    public let name: String
    public let kind: CallKind
    public let access: Access

    public init(number: UInt32, name: String, kind: CallKind = .unary, access: Access) {
        self.number = number
        self.name = name
        self.kind = kind
        self.access = access
    }
}

/// Every method of the protocol, by service.
public enum Methods {
    // server.proto
    public static let ping = Method<PingRequest, PingResponse>(number: 16, name: "Ping", access: .anonymous)
    public static let serverInfo = Method<Empty, ServerInfo>(number: 17, name: "ServerInfo", access: .reader)
    public static let watchServerStats = Method<WatchServerStatsRequest, ServerStats>(
        number: 18, name: "WatchServerStats", kind: .serverStreaming, access: .reader)

    // users.proto
    public static let login = Method<LoginRequest, LoginResponse>(number: 32, name: "Login", access: .anonymous)
    public static let logout = Method<Empty, Empty>(number: 33, name: "Logout", access: .reader)
    public static let whoAmI = Method<Empty, WhoAmIResponse>(number: 34, name: "WhoAmI", access: .reader)
    public static let changePassword = Method<ChangePasswordRequest, Empty>(number: 35, name: "ChangePassword", access: .reader)
    public static let createUser = Method<CreateUserRequest, UserInfo>(number: 36, name: "CreateUser", access: .admin)
    public static let listUsers = Method<PageRequest, ListUsersResponse>(number: 37, name: "ListUsers", access: .admin)
    public static let getUser = Method<IDRequest, UserInfo>(number: 38, name: "GetUser", access: .admin)
    public static let updateUser = Method<UpdateUserRequest, UserInfo>(number: 39, name: "UpdateUser", access: .admin)
    public static let deleteUser = Method<IDRequest, Empty>(number: 40, name: "DeleteUser", access: .admin)
    public static let resetPassword = Method<ResetPasswordRequest, Empty>(number: 41, name: "ResetPassword", access: .admin)

    // campaigns.proto
    public static let createCampaign = Method<CreateCampaignRequest, CampaignInfo>(number: 64, name: "CreateCampaign", access: .writer)
    public static let getCampaign = Method<IDRequest, CampaignInfo>(number: 65, name: "GetCampaign", access: .reader)
    public static let listCampaigns = Method<ListCampaignsRequest, ListCampaignsResponse>(number: 66, name: "ListCampaigns", access: .reader)
    public static let startCampaign = Method<IDRequest, CampaignInfo>(number: 67, name: "StartCampaign", access: .writer)
    public static let pauseCampaign = Method<IDRequest, CampaignInfo>(number: 68, name: "PauseCampaign", access: .writer)
    public static let resumeCampaign = Method<IDRequest, CampaignInfo>(number: 69, name: "ResumeCampaign", access: .writer)
    public static let cancelCampaign = Method<IDRequest, CampaignInfo>(number: 70, name: "CancelCampaign", access: .writer)
    public static let deleteCampaign = Method<IDRequest, CampaignInfo>(number: 71, name: "DeleteCampaign", access: .writer)
    public static let previewGeneration = Method<PreviewGenerationRequest, PreviewGenerationResponse>(
        number: 72, name: "PreviewGeneration", access: .reader)
    public static let watchCampaign = Method<WatchCampaignRequest, CampaignInfo>(
        number: 73, name: "WatchCampaign", kind: .serverStreaming, access: .reader)
    public static let streamGeneratedDomains = Method<StreamGeneratedDomainsRequest, GeneratedDomain>(
        number: 74, name: "StreamGeneratedDomains", kind: .serverStreaming, access: .reader)
    public static let appendCampaignInput = Method<AppendCampaignInputRequest, AppendCampaignInputResponse>(
        number: 75, name: "AppendCampaignInput", access: .writer)
    public static let finishCampaignInput = Method<FinishCampaignInputRequest, CampaignInfo>(
        number: 76, name: "FinishCampaignInput", access: .writer)
    public static let streamDnsResults = Method<StreamDnsResultsRequest, DnsResult>(
        number: 77, name: "StreamDnsResults", kind: .serverStreaming, access: .reader)
    public static let streamHttpResults = Method<StreamHttpResultsRequest, HttpResult>(
        number: 78, name: "StreamHttpResults", kind: .serverStreaming, access: .reader)
    public static let exportCampaignResults = Method<ExportCampaignResultsRequest, ExportChunk>(
        number: 79, name: "ExportCampaignResults", kind: .serverStreaming, access: .reader)

    // personas.proto
    public static let createPersona = Method<PersonaRequest, PersonaInfo>(number: 96, name: "CreatePersona", access: .writer)
    public static let getPersona = Method<IDRequest, PersonaInfo>(number: 97, name: "GetPersona", access: .reader)
    public static let listPersonas = Method<ListPersonasRequest, ListPersonasResponse>(number: 98, name: "ListPersonas", access: .reader)
    public static let updatePersona = Method<PersonaRequest, PersonaInfo>(number: 99, name: "UpdatePersona", access: .writer)
    public static let deletePersona = Method<IDRequest, PersonaInfo>(number: 100, name: "DeletePersona", access: .writer)
    public static let testDnsPersona = Method<TestDnsPersonaRequest, TestDnsPersonaResponse>(number: 101, name: "TestDnsPersona", access: .reader)
    public static let testHttpPersona = Method<TestHttpPersonaRequest, TestHttpPersonaResponse>(number: 102, name: "TestHttpPersona", access: .reader)

    // proxies.proto
    public static let createProxy = Method<ProxyRequest, ProxyInfo>(number: 128, name: "CreateProxy", access: .writer)
    public static let getProxy = Method<IDRequest, ProxyInfo>(number: 129, name: "GetProxy", access: .reader)
    public static let listProxies = Method<ListProxiesRequest, ListProxiesResponse>(number: 130, name: "ListProxies", access: .reader)
    public static let updateProxy = Method<ProxyRequest, ProxyInfo>(number: 131, name: "UpdateProxy", access: .writer)
    public static let deleteProxy = Method<IDRequest, ProxyInfo>(number: 132, name: "DeleteProxy", access: .writer)
    /// Records the check on the proxy, so it needs write access.
    public static let testProxy = Method<TestProxyRequest, ProxyCheckResult>(number: 133, name: "TestProxy", access: .writer)
    public static let checkAllProxies = Method<CheckAllProxiesRequest, ProxyCheckResult>(
        number: 134, name: "CheckAllProxies", kind: .serverStreaming, access: .writer)

    // keywords.proto
    public static let createKeywordSet = Method<CreateKeywordSetRequest, KeywordSetInfo>(number: 160, name: "CreateKeywordSet", access: .writer)
    public static let getKeywordSet = Method<IDRequest, KeywordSetInfo>(number: 161, name: "GetKeywordSet", access: .reader)
    public static let listKeywordSets = Method<ListKeywordSetsRequest, ListKeywordSetsResponse>(number: 162, name: "ListKeywordSets", access: .reader)
    public static let updateKeywordSet = Method<UpdateKeywordSetRequest, KeywordSetInfo>(number: 163, name: "UpdateKeywordSet", access: .writer)
    public static let deleteKeywordSet = Method<IDRequest, KeywordSetInfo>(number: 164, name: "DeleteKeywordSet", access: .writer)
    public static let testKeywordSet = Method<TestKeywordSetRequest, TestKeywordSetResponse>(number: 165, name: "TestKeywordSet", access: .reader)

    // audit.proto
    public static let listAuditLogs = Method<ListAuditLogsRequest, ListAuditLogsResponse>(
        number: 224, name: "ListAuditLogs", access: .admin)
    public static let purgeAuditLogs = Method<PurgeAuditLogsRequest, PurgeAuditLogsResponse>(
        number: 225, name: "PurgeAuditLogs", access: .admin)
}
