@testable import DomainFlowStore
import DomainFlowTestSupport
import Foundation
import Testing

@Suite struct StoreTests {
    private func insertUser(_ c: PGConnection, _ name: String, email: String? = nil) throws -> UUID {
        try c.run(Users.insertForTests(username: name, email: email ?? "\(name)@example.com",
                                       passwordHash: "$2b$12$notarealhashnotarealhashnotarealhashnotarealhashnot", roleName: "user"))
    }

    private func insertCampaign(_ c: PGConnection, owner: UUID, status: String = "pending") throws -> UUID {
        try c.run(Campaigns.insertForTests(name: "c", typeName: "dns_validation", status: status, ownerID: owner))
    }

    /// A DNS result row whose text columns hold `value`.
    private func result(_ name: String, type: String = "TXT", value: String?, message: String?) -> DNSResultRecord {
        DNSResultRecord(name: name, recordType: type, outcome: "answer", records: value.map { [$0] } ?? [],
                        businessStatus: "valid_dns", responseTimeMs: 1, resolver: nil, attempts: 1, cnameChain: [],
                        message: message, offset: 0, isAvailable: false)
    }

    @Test func constraintViolationsMapToStatusKindsAndChangeNothing() async throws {
        let store = try await TestDatabase.store()
        try await store.pool.withConnection { c in
            let owner = try self.insertUser(c, "alice")
            // Duplicate username.
            #expect { _ = try self.insertUser(c, "alice", email: "other@example.com") } throws: { error in
                let e = error as? StoreError
                return e?.kind == .alreadyExists && e?.sqlState == "23505" && e?.constraint == "users_username_key"
            }
            // Email not an email.
            #expect { _ = try self.insertUser(c, "bob", email: "not-an-email") } throws: { error in
                (error as? StoreError)?.kind == .invalidArgument && (error as? StoreError)?.constraint == "users_email_format"
            }
            // Unknown status value.
            #expect { _ = try self.insertCampaign(c, owner: owner, status: "exploded") } throws: { error in
                (error as? StoreError)?.constraint == "campaigns_status_check" && (error as? StoreError)?.kind == .invalidArgument
            }
            // Negative port.
            #expect {
                _ = try c.run(Proxies.insertForTests(name: "p", host: "127.0.0.1", port: -1))
            } throws: { error in
                (error as? StoreError)?.constraint == "proxies_port_range"
            }
            // Unknown owner (foreign key).
            #expect { _ = try self.insertCampaign(c, owner: UUID()) } throws: { error in
                (error as? StoreError)?.kind == .failedPrecondition
            }
            #expect(try c.run(Users.count()) == 1, "only alice was written")
            #expect(try c.simpleQuery("SELECT count(*) FROM campaigns").first?.int(0) == 0)
            #expect(try c.simpleQuery("SELECT count(*) FROM proxies").first?.int(0) == 0)
        }
        await store.shutdown()
    }

    @Test func hostileStringsRoundTripUnchanged() async throws {
        let store = try await TestDatabase.store()
        let strings = ["O'Brien", "back\\slash\\\\", "\"quoted\"", "'; DROP TABLE users; --", "tab\tnew\nline\rcr",
                       "ünïcødé ✓ 日本語 🚀", "$1 $2 %s %d", "\\N", "null", ""]
        let stored = try await store.pool.withConnection { c in
            let owner = try self.insertUser(c, "owner")
            let campaign = try self.insertCampaign(c, owner: owner)
            // Half by prepared statement, half by COPY.
            for (i, s) in strings.enumerated() where i % 2 == 0 {
                try c.run(DNSResults.insertForTests(campaign: campaign, self.result("d\(i).example", value: s, message: s)))
            }
            let copied = strings.enumerated().filter { $0.offset % 2 == 1 }.map { i, s in
                self.result("d\(i).example", value: s, message: s)
            }
            try c.copy(DNSResults.copy(into: campaign), copied)
            return try c.run(DNSResults.allForTests(campaign: campaign))
        }
        #expect(stored.count == strings.count)
        for row in stored {
            let index = Int(row.name.dropFirst().prefix(while: { $0 != "." }))!
            // Records are stored one per line, so a value's own newline reads back as two records.
            #expect(row.records.joined(separator: "\n") == strings[index], "record_value of row \(index)")
            #expect(row.message == strings[index], "error_message of row \(index)")
        }
        #expect(try await store.pool.withConnection { try $0.run(Users.count()) } == 1,
                "the injection attempt was only data")
        await store.shutdown()
    }

    @Test func typedValuesDecode() async throws {
        let store = try await TestDatabase.store()
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_764_345_600.123456)
        let row = try await store.pool.withConnection { c in
            try c.execute(Statement("test_typed", "SELECT $1::uuid, $2::text, $3::bigint, $4::bool, $5::timestamptz, $6::jsonb, $7::inet, $8::numeric(5,2), NULL::text"),
                          [.uuid(id), .text("x"), .int(Int64.min + 1), .bool(false), .timestamp(when),
                           .json(#"{"a": [1, 2]}"#), .inet("::1"), .numeric("12.5")]).first!
        }
        #expect(try row.uuid(0) == id)
        #expect(try row.string(1) == "x")
        #expect(try row.int(2) == Int64.min + 1)
        #expect(try row.bool(3) == false)
        #expect(abs(try row.date(4).timeIntervalSince(when)) < 0.000002)
        #expect(try row.json(5) == #"{"a": [1, 2]}"#)
        #expect(try row.inet(6) == "::1")
        #expect(try row.numeric(7) == "12.50")
        #expect(row.optionalString(8) == nil)
        #expect(throws: StoreError.self) { try row.int(1) }
        await store.shutdown()
    }

    @Test func transactionRollsBackOnError() async throws {
        let store = try await TestDatabase.store()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.pool.withTransaction { c in
                _ = try self.insertUser(c, "ghost")
                throw Boom()
            }
        }
        #expect(try await store.pool.withConnection { try $0.run(Users.count()) } == 0)
        await store.shutdown()
    }

    @Test func copyLoadsManyRowsAndRetriedBatchesNeverDuplicate() async throws {
        let store = try await TestDatabase.store()
        let count = try await store.pool.withConnection { c -> Int in
            let owner = try self.insertUser(c, "bulk")
            let campaign = try self.insertCampaign(c, owner: owner)
            let rows = (0..<10_000).lazy.map { i in self.result("n\(i).example", type: "A", value: "192.0.2.\(i % 255)", message: nil) }
            #expect(try c.copy(DNSResults.copy(into: campaign), rows) == 10_000)
            // The COPY gave each row a time-ordered id (version 7), in the order the rows went in.
            let scope = "FROM dns_validation_results WHERE campaign_id = '\(campaign.lowercasedString)'"
            let version7 = try c.simpleQuery("SELECT count(*) \(scope) AND substr(id::text, 15, 1) = '7'").rows.first?.int(0)
            #expect(version7 == 10_000)
            let backwards = try c.simpleQuery("""
                SELECT count(*) FROM (SELECT id < lag(id) OVER (ORDER BY ctid) AS back \(scope)) s WHERE back
                """).rows.first?.int(0)
            #expect(backwards == 0, "ids sort as the rows were written")
            // A retried batch through the idempotent insert adds nothing.
            for i in 0..<100 {
                #expect(try c.run(DNSResults.insertForTests(campaign: campaign,
                                                            self.result("n\(i).example", type: "A", value: "x", message: nil))) == 0)
            }
            return try c.run(DNSResults.countForTests(campaign: campaign))
        }
        #expect(count == 10_000)
        await store.shutdown()
    }

    @Test func failedCopyLoadsNothing() async throws {
        let store = try await TestDatabase.store()
        try await store.pool.withConnection { c in
            let owner = try self.insertUser(c, "copy")
            let campaign = try self.insertCampaign(c, owner: owner)
            let rows = [self.result("ok.example", type: "A", value: nil, message: nil),
                        self.result("bad.example", type: "BOGUS", value: nil, message: nil)]
            #expect { _ = try c.copy(DNSResults.copy(into: campaign), rows) } throws: { error in
                (error as? StoreError)?.constraint == "dns_results_record_type_check"
            }
            #expect(try c.run(DNSResults.countForTests(campaign: campaign)) == 0)
            // The connection is still usable after the failed COPY.
            #expect(try c.run(Users.count()) == 1)
        }
        await store.shutdown()
    }

    @Test func healthReportsPoolAndVersions() async throws {
        let store = try await TestDatabase.store(size: 3)
        let health = try await store.health()
        #expect(health.poolSize == 3)
        #expect(health.waiters == 0)
        #expect(health.databaseVersion.first?.isNumber == true)
        #expect(health.schemaVersion == Migration.embedded.map(\.version).max())
        await store.shutdown()
    }
}

/// A connection knows a prepared statement by its name alone: two statements with one name would run each other's
/// SQL. The names live beside their SQL in many files, so they are checked here.
@Suite struct StatementNameTests {
    @Test func everyStatementHasANameOfItsOwn() {
        let statements = StatementRegistry.all + StatementRegistry.preparedOnFirstUse
        var seen: [String: String] = [:]
        for statement in statements {
            if let other = seen[statement.name] {
                #expect(other == statement.sql, "two statements are named \(statement.name)")
            }
            seen[statement.name] = statement.sql
        }
        #expect(seen.count == statements.count, "\(statements.count - seen.count) statement names are used twice")
        #expect(Set(StatementRegistry.all.map(\.name)).isDisjoint(with: StatementRegistry.preparedOnFirstUse.map(\.name)))
    }
}
