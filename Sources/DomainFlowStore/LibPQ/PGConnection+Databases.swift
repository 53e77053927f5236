extension PGConnection {
    /// Whether a database of that name exists on the cluster.
    public func databaseExists(_ name: String) throws(StoreError) -> Bool {
        try !execute(Statement("database_exists", "SELECT 1 FROM pg_database WHERE datname = $1"), [.text(name)]).rows.isEmpty
    }

    /// Creates an empty database. CREATE DATABASE takes no parameters, so the name must be a plain identifier
    /// (a lower-case letter, then lower-case letters, digits and underscores; at most 63): INVALID_ARGUMENT otherwise.
    public func createDatabase(_ name: String) throws(StoreError) {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (97...122).contains(first), bytes.count <= 63,
              bytes.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }) else {
            throw StoreError(kind: .invalidArgument, message: "database name '\(name)' is not a plain identifier")
        }
        _ = try simpleQuery("CREATE DATABASE \"\(name)\"")
    }
}
