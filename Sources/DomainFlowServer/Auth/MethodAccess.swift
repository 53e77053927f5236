import DomainFlowWire

/// Who may call a method. Enforced in one place (`Authenticator.authorize`), before any handler runs.
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

/// Every method's access, the server's one table of it (the protocol the client shares says nothing
/// of roles). The router refuses to register a method that has no entry here.
enum MethodAccess {
    static func of(_ number: UInt32) -> Access? { table[number] }

    private static let table: [UInt32: Access] = {
        var table: [UInt32: Access] = [:]
        for (numbers, access) in [(anonymous, Access.anonymous), (readers, .reader), (writers, .writer), (admins, .admin)] {
            for number in numbers {
                precondition(table[number] == nil, "method \(number) is declared twice in MethodAccess")
                table[number] = access
            }
        }
        return table
    }()

    /// No session needed.
    private static let anonymous: [UInt32] = [
        Methods.ping.number, Methods.login.number,
    ]

    /// Reads, viewers included (TestDnsPersona, TestHttpPersona and TestKeywordSet only read what they test).
    private static let readers: [UInt32] = [
        Methods.serverInfo.number, Methods.watchServerStats.number, Methods.logout.number, Methods.whoAmI.number,
        Methods.changePassword.number, Methods.getCampaign.number, Methods.listCampaigns.number,
        Methods.previewGeneration.number, Methods.watchCampaign.number, Methods.streamGeneratedDomains.number,
        Methods.streamDnsResults.number, Methods.streamHttpResults.number, Methods.exportCampaignResults.number,
        Methods.getPersona.number, Methods.listPersonas.number, Methods.testDnsPersona.number,
        Methods.testHttpPersona.number, Methods.getProxy.number, Methods.listProxies.number,
        Methods.getKeywordSet.number, Methods.listKeywordSets.number, Methods.testKeywordSet.number,
    ]

    /// Changes: users and admins. TestProxy and CheckAllProxies record their checks on the proxies.
    private static let writers: [UInt32] = [
        Methods.createCampaign.number, Methods.startCampaign.number, Methods.pauseCampaign.number,
        Methods.resumeCampaign.number, Methods.cancelCampaign.number, Methods.deleteCampaign.number,
        Methods.appendCampaignInput.number, Methods.finishCampaignInput.number, Methods.createPersona.number,
        Methods.updatePersona.number, Methods.deletePersona.number, Methods.createProxy.number,
        Methods.updateProxy.number, Methods.deleteProxy.number, Methods.testProxy.number,
        Methods.checkAllProxies.number, Methods.createKeywordSet.number, Methods.updateKeywordSet.number,
        Methods.deleteKeywordSet.number,
    ]

    /// Admins only.
    private static let admins: [UInt32] = [
        Methods.createUser.number, Methods.listUsers.number, Methods.getUser.number, Methods.updateUser.number,
        Methods.deleteUser.number, Methods.resetPassword.number, Methods.listAuditLogs.number,
        Methods.purgeAuditLogs.number,
    ]
}
