/// The statements every connection prepares when it opens (after migrations), so that a reconnect never misses
/// one: those the server runs, gathered from the aggregates' namespaces, where each lives with its SQL, its typed
/// parameters and its row decoder. Those only tests and benches use (`…ForTests`) are not listed: `execute`
/// prepares a statement on its first use on a connection.
public enum StatementRegistry {
    /// The database's version and the schema version, in one round trip.
    static let storeIdentity = Statement("store_identity",
        "SELECT current_setting('server_version'), (SELECT coalesce(max(version), 0) FROM schema_migrations)")

    public static let all: [Statement] = [storeIdentity]
        + Users.prepared + Sessions.prepared + AuditLogs.prepared
        + Campaigns.prepared + Batches.prepared + CampaignLinks.prepared + Findings.prepared + DomainNames.prepared
        + Personas.prepared + Proxies.prepared + KeywordSets.prepared
        + DNSResults.prepared + HTTPResults.prepared + ExportStatements.prepared

    /// The statements only tests and benches run, which `execute` prepares on their first use on a connection.
    static let preparedOnFirstUse: [Statement] = Users.preparedOnFirstUse + Campaigns.preparedOnFirstUse
        + Proxies.preparedOnFirstUse + DNSResults.preparedOnFirstUse
}
