import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation
import Yams

struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign", abstract: "Domain-generation and DNS validation campaigns.",
        subcommands: [Preview.self, Create.self, Start.self, Pause.self, Resume.self, Cancel.self, Delete.self, Show.self,
                       List.self, Watch.self, Results.self, Leads.self])

    /// How an HTTP step fetches and what makes a lead, for `--type http_keyword_validation` and pipelines.
    struct HTTPStepOptions: ParsableArguments {
        @Option(help: "HTTP: a lead scores at least this (default: any match).") var minScore: Double?
        @Option(help: "HTTP: the port of http:// fetches (default 80).") var httpPort: UInt32?
        @Option(help: "HTTP: the port of https:// fetches (default 443).") var httpsPort: UInt32?
        @Option(help: "HTTP: schemes to try, in order, comma-separated (default https,http).") var schemes: String?
        @Option(help: "HTTP: fetches in flight per batch (default 50).") var httpConcurrency: UInt32?
        @Option(help: "HTTP: proxy choice per request: round_robin, random or failover.") var proxyRotation: String?
        @Flag(help: "HTTP: let the proxies resolve names themselves instead of tunnelling to the stored address.") var proxyResolves = false
        @Option(help: "HTTP: requests in flight per host at most (a URL list's host; default 2).") var perHost: UInt32?

        var options: HttpCampaignOptions? {
            guard minScore != nil || httpPort != nil || httpsPort != nil || schemes != nil || httpConcurrency != nil
                    || proxyRotation != nil || proxyResolves || perHost != nil else { return nil }
            var o = HttpCampaignOptions()
            o.minScore = minScore ?? 0
            o.httpPort = httpPort ?? 0
            o.httpsPort = httpsPort ?? 0
            o.schemes = (schemes ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            o.concurrency = httpConcurrency ?? 0
            o.proxyRotation = proxyRotation ?? ""
            o.proxyResolves = proxyResolves
            o.perHostLimit = perHost ?? 0
            return o
        }
    }

    /// Pattern flags shared by preview and create.
    struct PatternOptions: ParsableArguments {
        /// The long names of these options.
        static let names: Set<String> = ["pattern", "prefix-length", "suffix-length", "charset", "constant", "tlds", "count", "start-offset"]

        @Option(help: "prefix, suffix or both.") var pattern = "prefix"
        @Option(help: "Variable characters before the constant.") var prefixLength: UInt32 = 0
        @Option(help: "Variable characters after the constant.") var suffixLength: UInt32 = 0
        @Option(help: "Characters of the variable part, in counting order.") var charset = "abcdefghijklmnopqrstuvwxyz0123456789"
        @Option(help: "The fixed part of each name.") var constant = ""
        @Option(help: "TLDs, comma-separated, each with its dot.") var tlds = ".com"
        @Option(help: "Names to generate.") var count: UInt64 = 100
        @Option(help: "Start at this offset (default: where the last campaign of the same pattern stopped).") var startOffset: UInt64?

        func parameters() throws -> GenerationParameters {
            guard let type = PatternType(name: pattern) else { throw ValidationError("--pattern must be prefix, suffix or both") }
            return GenerationParameters(patternType: type, prefixLength: prefixLength, suffixLength: suffixLength,
                                        characterSet: charset, constant: constant,
                                        tlds: tlds.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) },
                                        count: count, startOffset: startOffset ?? 0, explicitStartOffset: startOffset != nil)
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a pattern's size and first names.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var pattern: PatternOptions
        func run() async throws {
            let client = try await connection.connect()
            let p = try await connection.call {
                try await client.unary(Methods.previewGeneration, PreviewGenerationRequest(generation: try pattern.parameters(), sampleSize: 10))
            }
            await client.close()
            print("combinations: \(p.totalCombinations)\nnext start offset: \(p.nextStartOffset)\nfirst names:")
            p.firstNames.forEach { print("  \($0)") }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a campaign: domain generation from a pattern, or DNS validation of a generation campaign's names (--source) or of a list (--input).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String?
        @Option var description = ""
        @Option(help: "domain_generation, dns_validation or http_keyword_validation.") var type = "domain_generation"
        @OptionGroup var pattern: PatternOptions
        @Option(help: "dns_validation: the generation campaign whose names to resolve; http_keyword_validation: the DNS campaign whose live names to fetch.") var source: String?
        @OptionGroup(title: "HTTP") var http: HTTPStepOptions
        @Option(help: "dns_validation: a file of names, one per line (- for standard input), uploaded in chunks.") var input: String?
        @Flag(help: "Start it at once (and the follow-ons of its pipeline that can run).") var start = false
        @Option(help: "Follow-on campaigns, comma-separated: dns_validation[,http_keyword_validation] after a generation campaign; they run beside it, each batch as soon as its source batch is done.")
        var pipeline = ""
        @Option(help: "A DNS persona for the dns_validation step (repeatable; several rotate per name).") var dnsPersona: [String] = []
        @Option(help: "An HTTP persona for the http_keyword_validation step (repeatable).") var httpPersona: [String] = []
        @Option(help: "A proxy for the http_keyword_validation step (repeatable).") var proxy: [String] = []
        @Option(help: "A keyword set for the http_keyword_validation step (repeatable).") var keywordSet: [String] = []
        @Option(help: "Read the campaign from a JSON or YAML file: a CreateCampaignRequest in protobuf's JSON mapping (campaigns.proto: name, description, type, generation {pattern_type, prefix_length, suffix_length, character_set, constant, tlds, count, start_offset}, pipeline, start, dns_persona_ids, http_persona_ids, proxy_ids, keyword_set_ids, source_campaign_id, http {...}; camelCase or snake_case, enums by name or number). Flags given beside it override its fields.")
        var fromFile: String?

        /// The request field(s) each flag sets, for flags beside --from-file.
        static let overrides = FileOverrides(paths: [
            "description": ["description"], "type": ["type"], "start": ["start"], "pipeline": ["pipeline"],
            "dns-persona": ["dns_persona_ids"], "http-persona": ["http_persona_ids"], "proxy": ["proxy_ids"],
            "keyword-set": ["keyword_set_ids"], "source": ["source_campaign_id"],
            "pattern": ["generation.pattern_type"], "prefix-length": ["generation.prefix_length"],
            "suffix-length": ["generation.suffix_length"], "charset": ["generation.character_set"], "constant": ["generation.constant"],
            "tlds": ["generation.tlds"], "count": ["generation.count"],
            "start-offset": ["generation.start_offset", "generation.explicit_start_offset"],
            "min-score": ["http.min_score"], "http-port": ["http.http_port"], "https-port": ["http.https_port"],
            "schemes": ["http.schemes"], "http-concurrency": ["http.concurrency"], "proxy-rotation": ["http.proxy_rotation"],
            "proxy-resolves": ["http.proxy_resolves"], "per-host": ["http.per_host_limit"],
        ])

        func run() async throws {
            guard let kind = CampaignType(name: type) else {
                throw ValidationError("--type must be domain_generation, dns_validation or http_keyword_validation")
            }
            let resources = CampaignResources(dnsPersonaIDs: dnsPersona, httpPersonaIDs: httpPersona, proxyIDs: proxy, keywordSetIDs: keywordSet)
            let steps = try CampaignFile.types(pipeline.split(separator: ",").map(String.init))
            if let fromFile {
                try await createFromFile(fromFile, kind: kind, resources: resources, steps: steps)
                return
            }
            if kind == .dnsValidation {
                try await createFromList(.dnsValidation, resources: resources, steps: steps)
                return
            }
            if kind == .httpKeywordValidation, input != nil {
                try await createFromList(.httpKeywordValidation, resources: resources, steps: steps)
                return
            }
            if kind == .httpKeywordValidation {
                guard let name, !name.isEmpty else { throw ValidationError("a campaign needs a name") }
                guard let source else { throw ValidationError("give one of --source (the DNS campaign whose live names to fetch) and --input FILE|-") }
                let c = try await connection.unary(Methods.createCampaign, CreateCampaignRequest(
                    name: name, description: description, type: .httpKeywordValidation, generation: nil, start: start,
                    sourceCampaignID: source, http: http.options).with(resources))
                print("created campaign \(c.id) (\(c.status.name), fetching the live names of campaign \(c.sourceCampaignID))")
                return
            }
            guard source == nil, input == nil else { throw ValidationError("--source and --input are for --type dns_validation") }
            var request = CreateCampaignRequest(name: name ?? "", description: description, type: kind, generation: try pattern.parameters(),
                                                start: start, pipeline: steps).with(resources)
            request.http = http.options
            guard !request.name.isEmpty else { throw ValidationError("a campaign needs a name") }
            let c = try await connection.unary(Methods.createCampaign, request)
            print("created campaign \(c.id) (\(c.status.name), \(c.totalItems) names from offset \(c.generation?.startOffset ?? 0))")
        }

        /// A campaign from a file; the flags given beside it override its fields, the name argument its name.
        private func createFromFile(_ path: String, kind: CampaignType, resources: CampaignResources,
                                    steps: [CampaignType]) async throws {
            var file = try MessageFile.fields(path, for: Methods.createCampaign)
            if file[3] == nil { file[3] = .int(Int64(kind.rawValue)) }  // no type in the file: --type's (default domain_generation)
            if case .message(var generation) = file[4], generation[8] != nil, generation[9] == nil {
                generation[9] = .bool(true)  // a start offset in the file is meant
                file[4] = .message(generation)
            }
            var flags = CreateCampaignRequest(name: name ?? "", description: description, type: kind,
                                              generation: GivenOptions.names.isDisjoint(with: PatternOptions.names) ? nil : try pattern.parameters(),
                                              start: start, pipeline: steps, sourceCampaignID: source ?? "").with(resources)
            flags.http = http.options
            var request: CreateCampaignRequest = try MessageFile.request(try Self.overrides.apply(file: file, flags: flags.fields,
                                                                                                 for: Methods.createCampaign), from: path)
            if let name { request.name = name }
            guard !request.name.isEmpty else { throw ValidationError("\(path): name: missing (a campaign needs a name; or give it as the argument)") }
            let c: Campaign
            do {
                c = try await connection.unary(Methods.createCampaign, request)
            } catch let error as CLIError where error.description.hasPrefix("INVALID_ARGUMENT: ") {
                throw CLIError("\(path): \(error.description.dropFirst("INVALID_ARGUMENT: ".count))")
            }
            print("created campaign \(c.id) (\(c.status.name), \(c.totalItems) names from offset \(c.generation?.startOffset ?? 0))")
        }

        /// A DNS campaign (from --source or --input), or an HTTP campaign from --input: the list is uploaded in chunks.
        private func createFromList(_ kind: CampaignType, resources: CampaignResources, steps: [CampaignType]) async throws {
            guard let name, !name.isEmpty else { throw ValidationError("a campaign needs a name") }
            guard (source == nil) != (input == nil) else { throw ValidationError("give exactly one of --source ID and --input FILE|-") }
            let lines = input.map(LineReader.init(path:))
            _ = try lines?.makeIterator()  // a missing file is an error before anything is created
            let client = try await connection.connect()
            defer { Task { await client.close() } }
            let request = CreateCampaignRequest(name: name, description: description, type: kind, generation: nil,
                                                start: start && lines == nil, pipeline: steps,
                                                sourceCampaignID: source ?? "", uploadInput: lines != nil, http: http.options).with(resources)
            let created = try await connection.call { try await client.unary(Methods.createCampaign, request) }
            guard let lines else {
                print("created campaign \(created.id) (\(created.status.name), reading \(created.totalItems) names of campaign \(created.sourceCampaignID))")
                return
            }
            let report = try await connection.call {
                try await client.uploadCampaignInput(campaignID: created.id, lines: lines, start: start)
            }
            let c = report.campaign
            let summary = c.input ?? InputSummary()
            print("created campaign \(c.id) (\(c.status.name)): \(summary.lines) lines, \(summary.valid) names, \(summary.duplicates) duplicates, \(summary.invalid) invalid")
            for line in summary.firstInvalid.prefix(10) {
                FileHandle.standardError.write(Data("  line \(line.line): '\(line.text)': \(line.reason)\n".utf8))
            }
        }
    }

    /// Applies one life-cycle action to a campaign and prints its new status.
    static func control(_ method: Method<CampaignIdRequest, Campaign>, _ id: String, _ connection: ConnectionOptions) async throws {
        let c = try await connection.unary(method, .init(id: id))
        print("campaign \(c.id) is \(c.status.name)")
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a pending campaign.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws { try await CampaignCommand.control(Methods.startCampaign, id, connection) }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a campaign at its next batch boundary.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws { try await CampaignCommand.control(Methods.pauseCampaign, id, connection) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused campaign.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws { try await CampaignCommand.control(Methods.resumeCampaign, id, connection) }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a campaign.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws { try await CampaignCommand.control(Methods.cancelCampaign, id, connection) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a campaign and its results.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            _ = try await connection.unary(Methods.deleteCampaign, .init(id: id))
            print("deleted campaign \(id)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a campaign.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            let c = try await connection.unary(Methods.getCampaign, .init(id: id))
            print(CampaignLine.describe(c))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Option var status: String?
        @Option var name: String?
        @Option(help: "domain_generation, dns_validation or http_keyword_validation.") var type: String?
        @Flag var json = false
        func run() async throws {
            var request = ListCampaignsRequest()
            if let type {
                guard let code = CampaignType(name: type) else { throw ValidationError("unknown campaign type \(type)") }
                request.type = code
            }
            if let status {
                guard let code = CampaignStatus(name: status) else { throw ValidationError("unknown status \(status)") }
                request.status = code
            }
            request.nameContains = name ?? ""
            request.pageSize = 500
            let page = try await connection.unary(Methods.listCampaigns, request)
            if json { print(try Output.json(page.campaigns.map(CampaignView.init))); return }
            Output.table(["ID", "NAME", "TYPE", "STATUS", "PROGRESS", "CREATED"], page.campaigns.map {
                [$0.id, $0.name, $0.type.name, $0.status.name, "\($0.processedItems)/\($0.totalItems)", Output.time($0.createdAtMicros)]
            })
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow a campaign's progress until it ends.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            let client = try await connection.connect()
            let terminal = isatty(STDOUT_FILENO) == 1
            let start = Date()
            var first: UInt64?
            var firstQueries: UInt64?
            try await connection.call {
                for try await c in try client.serverStream(Methods.watchCampaign, WatchCampaignRequest(id: id)) {
                    let seconds = Date().timeIntervalSince(start)
                    if first == nil { first = c.processedItems; firstQueries = c.dnsQueriesSent }
                    var dns = ""
                    if c.type == .dnsValidation || c.type == .httpKeywordValidation {
                        let qps = seconds > 0 ? Double(c.dnsQueriesSent - min(firstQueries!, c.dnsQueriesSent)) / seconds : 0
                        dns = "  " + c.outcomeCounts.map { "\($0.outcome) \($0.count)" }.joined(separator: " ")
                            + String(format: c.type == .dnsValidation ? "  %.0f queries/s" : "  %.0f requests/s", qps)
                        if c.type == .httpKeywordValidation { dns += "  leads \(c.count(of: "lead"))" }
                        if !c.lyingResolvers.isEmpty { dns += "  lying: \(c.lyingResolvers.joined(separator: ","))" }
                    }
                    let rate = seconds > 0 ? Double(c.processedItems - min(first!, c.processedItems)) / seconds : 0
                    let fraction = c.totalItems == 0 ? 0 : Double(c.processedItems) / Double(c.totalItems)
                    let eta = rate > 0 ? String(format: "ETA %.0f s", Double(c.totalItems - c.processedItems) / rate) : "ETA -"
                    if terminal {
                        let filled = Int(fraction * 30)
                        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
                        let line = String(format: "\r\u{1B}[K%@ [%@] %.0f%%  %llu/%llu (%llu skipped)  %.0f names/s  %@", c.status.name,
                                          bar, fraction * 100, c.processedItems, c.totalItems, c.skippedItems, rate, eta) + dns
                        FileHandle.standardOutput.write(Data(line.utf8))
                    } else {
                        print(String(format: "%@  %llu/%llu (%.0f%%, %llu skipped)  %.0f names/s  %@", c.status.name, c.processedItems,
                                     c.totalItems, fraction * 100, c.skippedItems, rate, eta) + dns)
                    }
                }
            }
            if terminal { print("") }
            await client.close()
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stream a campaign's results (never all held in memory): a generation campaign's names, or a DNS campaign's rows, one per (name, record type).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option(help: "table, jsonl or csv.") var format = "table"
        @Option(help: "Write to this file instead of stdout.") var output: String?
        @Option(help: "DNS: only these outcomes, comma-separated (answer, nodata, nxdomain, servfail, refused, timeout, error).")
        var outcome: String?
        @Flag(help: "DNS: only live rows (business status valid_dns).") var live = false
        @Flag(help: "DNS: only names whose NXDOMAIN the persona's quorum agreed on.") var available = false
        @Flag(help: "HTTP: one line per matched keyword instead of one per name.") var keywords = false
        @Flag(help: "HTTP: only the leads.") var leads = false
        @Option(help: "HTTP: only pages scoring at least this.") var minScore: Double?
        @Option(help: "csv/jsonl: start at this input offset (to continue an interrupted export).") var startOffset: UInt64 = 0
        @Flag(help: "csv/jsonl: append to --output instead of replacing it.") var append = false

        /// `--outcome nxdomain,servfail` as a list.
        var outcomes: [String] {
            (outcome ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func run() async throws {
            guard let kind = ResultFormat(rawValue: format) else { throw ValidationError("--format must be table, jsonl or csv") }
            if kind != .table {
                // CSV and JSON lines: formatted by the server's database, streamed as bytes.
                var request = ExportCampaignResultsRequest(id: id, format: kind == .csv ? .csv : .jsonl, kind: keywords ? .httpKeywords : .rows)
                request.startOffset = startOffset
                request.header = kind == .csv && startOffset == 0 && !append
                request.outcomes = outcomes
                request.liveOnly = live
                request.availableOnly = available
                request.leadsOnly = leads
                request.minScore = minScore ?? 0
                let client = try await connection.connect()
                defer { Task { await client.close() } }
                try await ResultExport.run(connection, client: client, request: request, output: output, append: append)
                return
            }
            guard startOffset == 0, !append else { throw ValidationError("--start-offset and --append are for --format csv or jsonl") }
            let handle = try ResultExport.openOutput(output)
            let client = try await connection.connect()
            let campaign = try await connection.call { try await client.unary(Methods.getCampaign, .init(id: id)) }
            var writer = ResultWriter(handle: handle)
            let httpFilters = keywords || leads || minScore != nil
            if campaign.type == .httpKeywordValidation {
                guard outcome == nil, !live, !available else { throw ValidationError("--outcome, --live and --available are for DNS campaigns") }
                var request = StreamHttpResultsRequest(id: id, fromStart: true)
                request.leadsOnly = leads
                request.minScore = minScore ?? 0
                writer.header(keywords ? HTTPResultColumns.keywordNames : HTTPResultColumns.names)
                try await connection.call {
                    for try await r in try client.serverStream(Methods.streamHttpResults, request) {
                        if keywords { for row in HTTPResultColumns.keywordValues(r) { writer.row(row) } } else { writer.row(HTTPResultColumns.values(r)) }
                    }
                }
            } else if campaign.type == .dnsValidation {
                guard !httpFilters else { throw ValidationError("--keywords, --leads and --min-score are for HTTP campaigns") }
                var request = StreamDnsResultsRequest(id: id, fromStart: true)
                request.outcomes = outcomes
                request.liveOnly = live
                request.availableOnly = available
                writer.header(DNSResultColumns.names)
                try await connection.call {
                    for try await r in try client.serverStream(Methods.streamDnsResults, request) { writer.row(DNSResultColumns.values(r)) }
                }
            } else {
                guard outcome == nil, !live, !available, !httpFilters else {
                    throw ValidationError("--outcome, --live, --available, --keywords, --leads and --min-score are for DNS and HTTP campaigns")
                }
                writer.header(["offset", "domain_name"])
                try await connection.call {
                    for try await d in try client.serverStream(Methods.streamGeneratedDomains, StreamGeneratedDomainsRequest(id: id, fromStart: true)) {
                        writer.row([.number(Int64(d.offset)), .text(d.domainName)])
                    }
                }
            }
            writer.finish()
            await client.close()
        }
    }

    struct Leads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The leads of a pipeline (any of its campaigns) or of an HTTP campaign: name, score, matched keywords, URL, title.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option(help: "table, jsonl or csv.") var format = "table"
        @Option(help: "Only leads scoring at least this.") var minScore: Double?
        func run() async throws {
            guard let kind = ResultFormat(rawValue: format) else { throw ValidationError("--format must be table, jsonl or csv") }
            let client = try await connection.connect()
            if kind != .table {
                var request = ExportCampaignResultsRequest(id: id, format: kind == .csv ? .csv : .jsonl, kind: .leads)
                request.header = kind == .csv
                request.minScore = minScore ?? 0
                defer { Task { await client.close() } }
                try await ResultExport.run(connection, client: client, request: request, output: nil, append: false)
                return
            }
            var writer = ResultWriter(handle: FileHandle.standardOutput)
            writer.header(["domain_name", "score", "keywords", "final_url", "title"])
            var request = StreamHttpResultsRequest(id: id, fromStart: true)
            request.leadsOnly = true
            request.minScore = minScore ?? 0
            try await connection.call {
                for try await r in try client.serverStream(Methods.streamHttpResults, request) {
                    writer.row([.text(r.domainName), .text(String(format: "%.2f", r.score)),
                                .list(r.keywords.map { "\($0.keyword)×\($0.count)" }), .text(r.finalURL), .text(r.title)])
                }
            }
            writer.finish()
            await client.close()
        }
    }
}

/// A campaign as `campaign list --json` shows it.
struct CampaignView: Encodable {
    let id, name, type, status: String
    let total_items, processed_items, skipped_items: UInt64
    let source_campaign_id: String?
    let outcome_counts: [String: UInt64]
    init(_ c: Campaign) {
        id = c.id; name = c.name; type = c.type.name; status = c.status.name
        total_items = c.totalItems; processed_items = c.processedItems; skipped_items = c.skippedItems
        source_campaign_id = c.sourceCampaignID.isEmpty ? nil : c.sourceCampaignID
        outcome_counts = Dictionary(uniqueKeysWithValues: c.outcomeCounts.map { ($0.outcome, $0.count) })
    }
}

enum CampaignLine {
    static func describe(_ c: Campaign) -> String {
        var lines = ["id          \(c.id)", "name        \(c.name)", "status      \(c.status.name)",
                     "progress    \(c.processedItems)/\(c.totalItems) (\(c.skippedItems) \(c.type == .domainGeneration ? "skipped as invalid hostnames" : c.type == .dnsValidation ? "without a name to resolve" : "without a live name to fetch"))",
                     "created     \(Output.time(c.createdAtMicros))", "started     \(Output.time(c.startedAtMicros))",
                     "completed   \(Output.time(c.completedAtMicros))"]
        if let g = c.generation {
            lines.append("pattern     \(g.patternType.name) prefix=\(g.prefixLength) suffix=\(g.suffixLength) charset=\(g.characterSet) constant=\(g.constant) tlds=\(g.tlds.joined(separator: ","))")
            lines.append("offsets     \(g.startOffset)..<\(g.startOffset + g.count)")
        }
        if !c.pipeline.isEmpty { lines.append("pipeline    \(c.pipeline.map(\.name).joined(separator: " -> "))") }
        let r = c.resources
        for (label, ids) in [("dns persona", r.dnsPersonaIDs), ("http persona", r.httpPersonaIDs), ("proxy", r.proxyIDs),
                             ("keyword set", r.keywordSetIDs)] where !ids.isEmpty {
            lines.append(label.padding(toLength: max(12, label.count + 1), withPad: " ", startingAt: 0) + ids.joined(separator: ", "))
        }
        if let input = c.input {
            lines.append("input       \(input.lines) lines: \(input.valid) names, \(input.duplicates) duplicates, \(input.invalid) invalid\(c.inputOpen ? " (upload not finished)" : "")")
        }
        if !c.outcomeCounts.isEmpty {
            lines.append("outcomes    " + c.outcomeCounts.map { "\($0.outcome) \($0.count)" }.joined(separator: ", "))
        }
        if c.dnsQueriesSent > 0 { lines.append((c.type == .httpKeywordValidation ? "requests    " : "dns queries ") + "\(c.dnsQueriesSent)") }
        if c.type == .httpKeywordValidation { lines.append("leads       \(c.count(of: "lead"))") }
        if !c.wildcardZones.isEmpty { lines.append("wildcards   \(c.wildcardZones.joined(separator: ", "))") }
        if !c.lyingResolvers.isEmpty { lines.append("lying       \(c.lyingResolvers.joined(separator: ", ")) (answers names others call NXDOMAIN; not believed)") }
        if !c.errorMessage.isEmpty { lines.append("error       \(c.errorMessage)") }
        return lines.joined(separator: "\n")
    }
}

/// Campaign types named on the command line (`--pipeline dns_validation,http_keyword_validation`).
enum CampaignFile {
    static func types(_ names: [String]) throws -> [CampaignType] {
        try names.filter { !$0.isEmpty }.map { name in
            guard let type = CampaignType(name: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown campaign type '\(name)'")
            }
            return type
        }
    }
}
