/// Whether a method answers once or streams.
public enum CallKind: Sendable {
    case unary
    case serverStreaming
}

/// A typed RPC method: its number in the `Request.method` / `Response.method` oneofs, its
/// name, and its request and response types. Server and client share these values; who may call
/// a method is the server's business (`MethodAccess`).
public struct Method<Input: WireMessage, Output: WireMessage>: Sendable {
    public let number: UInt32
    public let name: String
    public let kind: CallKind

    public init(number: UInt32, name: String, kind: CallKind = .unary) {
        self.number = number
        self.name = name
        self.kind = kind
    }
}

/// Every method of the protocol, by service.
public enum Methods {
    // server.proto
    public static let ping = Method<PingRequest, PingResponse>(number: 16, name: "Ping")
    public static let serverInfo = Method<Empty, ServerInfo>(number: 17, name: "ServerInfo")
    public static let watchServerStats = Method<WatchServerStatsRequest, ServerStats>(
        number: 18, name: "WatchServerStats", kind: .serverStreaming)

    // users.proto
    public static let login = Method<LoginRequest, LoginResponse>(number: 32, name: "Login")
    public static let logout = Method<Empty, Empty>(number: 33, name: "Logout")
    public static let whoAmI = Method<Empty, WhoAmIResponse>(number: 34, name: "WhoAmI")
    public static let changePassword = Method<ChangePasswordRequest, Empty>(number: 35, name: "ChangePassword")
    public static let createUser = Method<CreateUserRequest, UserInfo>(number: 36, name: "CreateUser")
    public static let listUsers = Method<PageRequest, ListUsersResponse>(number: 37, name: "ListUsers")
    public static let getUser = Method<IDRequest, UserInfo>(number: 38, name: "GetUser")
    public static let updateUser = Method<UpdateUserRequest, UserInfo>(number: 39, name: "UpdateUser")
    public static let deleteUser = Method<IDRequest, Empty>(number: 40, name: "DeleteUser")
    public static let resetPassword = Method<ResetPasswordRequest, Empty>(number: 41, name: "ResetPassword")

    // campaigns.proto
    public static let createCampaign = Method<CreateCampaignRequest, CampaignInfo>(number: 64, name: "CreateCampaign")
    public static let getCampaign = Method<IDRequest, CampaignInfo>(number: 65, name: "GetCampaign")
    public static let listCampaigns = Method<ListCampaignsRequest, ListCampaignsResponse>(number: 66, name: "ListCampaigns")
    public static let startCampaign = Method<IDRequest, CampaignInfo>(number: 67, name: "StartCampaign")
    public static let pauseCampaign = Method<IDRequest, CampaignInfo>(number: 68, name: "PauseCampaign")
    public static let resumeCampaign = Method<IDRequest, CampaignInfo>(number: 69, name: "ResumeCampaign")
    public static let cancelCampaign = Method<IDRequest, CampaignInfo>(number: 70, name: "CancelCampaign")
    public static let deleteCampaign = Method<IDRequest, CampaignInfo>(number: 71, name: "DeleteCampaign")
    public static let previewGeneration = Method<PreviewGenerationRequest, PreviewGenerationResponse>(
        number: 72, name: "PreviewGeneration")
    public static let watchCampaign = Method<WatchCampaignRequest, CampaignInfo>(
        number: 73, name: "WatchCampaign", kind: .serverStreaming)
    public static let streamGeneratedDomains = Method<StreamGeneratedDomainsRequest, GeneratedDomain>(
        number: 74, name: "StreamGeneratedDomains", kind: .serverStreaming)
    public static let appendCampaignInput = Method<AppendCampaignInputRequest, AppendCampaignInputResponse>(
        number: 75, name: "AppendCampaignInput")
    public static let finishCampaignInput = Method<FinishCampaignInputRequest, CampaignInfo>(
        number: 76, name: "FinishCampaignInput")
    public static let streamDnsResults = Method<StreamDnsResultsRequest, DnsResult>(
        number: 77, name: "StreamDnsResults", kind: .serverStreaming)
    public static let streamHttpResults = Method<StreamHttpResultsRequest, HttpResult>(
        number: 78, name: "StreamHttpResults", kind: .serverStreaming)
    public static let exportCampaignResults = Method<ExportCampaignResultsRequest, ExportChunk>(
        number: 79, name: "ExportCampaignResults", kind: .serverStreaming)

    // personas.proto
    public static let createPersona = Method<PersonaRequest, PersonaInfo>(number: 96, name: "CreatePersona")
    public static let getPersona = Method<IDRequest, PersonaInfo>(number: 97, name: "GetPersona")
    public static let listPersonas = Method<ListPersonasRequest, ListPersonasResponse>(number: 98, name: "ListPersonas")
    public static let updatePersona = Method<PersonaRequest, PersonaInfo>(number: 99, name: "UpdatePersona")
    public static let deletePersona = Method<IDRequest, PersonaInfo>(number: 100, name: "DeletePersona")
    public static let testDnsPersona = Method<TestDnsPersonaRequest, TestDnsPersonaResponse>(number: 101, name: "TestDnsPersona")
    public static let testHttpPersona = Method<TestHttpPersonaRequest, TestHttpPersonaResponse>(number: 102, name: "TestHttpPersona")

    // proxies.proto
    public static let createProxy = Method<ProxyRequest, ProxyInfo>(number: 128, name: "CreateProxy")
    public static let getProxy = Method<IDRequest, ProxyInfo>(number: 129, name: "GetProxy")
    public static let listProxies = Method<ListProxiesRequest, ListProxiesResponse>(number: 130, name: "ListProxies")
    public static let updateProxy = Method<ProxyRequest, ProxyInfo>(number: 131, name: "UpdateProxy")
    public static let deleteProxy = Method<IDRequest, ProxyInfo>(number: 132, name: "DeleteProxy")
    public static let testProxy = Method<TestProxyRequest, ProxyCheckResult>(number: 133, name: "TestProxy")
    public static let checkAllProxies = Method<CheckAllProxiesRequest, ProxyCheckResult>(
        number: 134, name: "CheckAllProxies", kind: .serverStreaming)

    // keywords.proto
    public static let createKeywordSet = Method<CreateKeywordSetRequest, KeywordSetInfo>(number: 160, name: "CreateKeywordSet")
    public static let getKeywordSet = Method<IDRequest, KeywordSetInfo>(number: 161, name: "GetKeywordSet")
    public static let listKeywordSets = Method<ListKeywordSetsRequest, ListKeywordSetsResponse>(number: 162, name: "ListKeywordSets")
    public static let updateKeywordSet = Method<UpdateKeywordSetRequest, KeywordSetInfo>(number: 163, name: "UpdateKeywordSet")
    public static let deleteKeywordSet = Method<IDRequest, KeywordSetInfo>(number: 164, name: "DeleteKeywordSet")
    public static let testKeywordSet = Method<TestKeywordSetRequest, TestKeywordSetResponse>(number: 165, name: "TestKeywordSet")

    // audit.proto
    public static let listAuditLogs = Method<ListAuditLogsRequest, ListAuditLogsResponse>(
        number: 224, name: "ListAuditLogs")
    public static let purgeAuditLogs = Method<PurgeAuditLogsRequest, PurgeAuditLogsResponse>(
        number: 225, name: "PurgeAuditLogs")
}
