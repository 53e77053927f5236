import ArgumentParser
import DomainFlowClient
import DomainFlowWire
import Foundation
import Yams

struct KeywordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keywords", abstract: "Keyword sets for HTTP keyword scoring.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self, Import.self, Test.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a keyword set from flags or a JSON/YAML file.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var name: String?
        @Option var description = ""
        @Option(help: "A plain keyword (repeatable).") var keyword: [String] = []
        @Option(help: "A regular expression (repeatable).") var regex: [String] = []
        @Option(help: "JSON or YAML: a CreateKeywordSetRequest in protobuf's JSON mapping (keywords.proto): {name, description, rules: [{keyword, kind: KEYWORD_STRING|KEYWORD_REGEX (or string|regex), case_sensitive, weight, inactive, category, context_chars}]}. Flags beside it override its fields (--keyword / --regex add rules).")
        var fromFile: String?
        @Flag var json = false

        func run() async throws {
            let flagRules = keyword.map { KeywordRule(keyword: $0) } + regex.map { KeywordRule(keyword: $0, kind: .regex) }
            var request: CreateKeywordSetRequest
            if let fromFile {
                let file = try MessageFile.fields(fromFile, for: Methods.createKeywordSet)
                let flags = CreateKeywordSetRequest(name: name ?? "", description: description, rules: [])
                request = try MessageFile.request(try FileOverrides(paths: ["description": ["description"], "keyword": [], "regex": []])
                    .apply(file: file, flags: flags.fields, for: Methods.createKeywordSet), from: fromFile)
                request.rules += flagRules
            } else {
                request = CreateKeywordSetRequest(name: name ?? "", description: description, rules: flagRules)
            }
            if let name { request.name = name }
            guard !request.name.isEmpty else { throw ValidationError("a keyword set needs a name") }
            let set = try await connection.unary(Methods.createKeywordSet, request)
            print(json ? try Output.json(KeywordSetView(set)) : "created keyword set \(set.id) with \(set.rules.count) rules")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keyword sets.")
        @OptionGroup var connection: ConnectionOptions
        @Option var name: String?
        @Flag var json = false
        func run() async throws {
            var request = ListKeywordSetsRequest()
            request.nameContains = name ?? ""
            request.pageSize = 500
            let page = try await connection.unary(Methods.listKeywordSets, request)
            if json { print(try Output.json(page.sets.map(KeywordSetView.init))); return }
            Output.table(["ID", "NAME", "RULES", "UPDATED"], page.sets.map { [$0.id, $0.name, "\($0.ruleCount)", Output.time($0.updatedAtMicros)] })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a keyword set and its rules.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            print(try Output.json(KeywordSetView(try await connection.unary(Methods.getKeywordSet, .init(id: id)))))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename, re-describe, or replace all rules (--from-file).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option var name: String?
        @Option var description: String?
        @Option(help: "Replace all rules with the file's.") var fromFile: String?
        func run() async throws {
            var request = UpdateKeywordSetRequest(id: id)
            request.name = name ?? ""
            if let description { request.setDescription = true; request.description = description }
            if let fromFile {
                request.replaceRules = true
                let file: CreateKeywordSetRequest = try MessageFile.request(try MessageFile.fields(fromFile, for: Methods.createKeywordSet),
                                                                            from: fromFile)
                request.rules = file.rules
            }
            let set = try await connection.unary(Methods.updateKeywordSet, request)
            print("keyword set \(set.id): \(set.name), \(set.rules.count) rules")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a keyword set.")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        func run() async throws {
            _ = try await connection.unary(Methods.deleteKeywordSet, .init(id: id))
            print("deleted keyword set \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Score text, or a fetched page, against a keyword set.",
            discussion: "keywords test ID --text 'domains for sale'   |   keywords test ID --url https://example.com/ [--persona ID] [--proxy ID]")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Option(help: "Text to score (- reads stdin).") var text: String?
        @Option(help: "A page to fetch and score.") var url: String?
        @Option(help: "An HTTP persona to fetch with.") var persona = ""
        @Option(help: "A proxy to fetch through.") var proxy = ""
        @Flag var json = false
        func run() async throws {
            guard (text == nil) != (url == nil) else { throw ValidationError("give --text or --url") }
            let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text ?? ""
            let r = try await connection.unary(Methods.testKeywordSet,
                                               TestKeywordSetRequest(id: id, text: body, url: url ?? "", personaID: persona, proxyID: proxy))
            if json { print(try Output.json(ScoreView(r))); return }
            guard r.errorKind.isEmpty else { throw CLIError("no page (\(r.errorKind)): \(r.error)") }
            if url != nil { print("fetched \(r.finalURL): \(r.statusCode)") }
            print("score \(r.score) over \(r.scoredChars) characters")
            Output.table(["KEYWORD", "KIND", "WEIGHT", "COUNT", "FIRST MATCH"], r.matches.map {
                [$0.keyword, $0.kind.effectiveName, $0.weight, "\($0.count)", $0.snippets.first ?? ""]
            })
        }

        struct ScoreView: Encodable {
            struct Match: Encodable { let keyword, kind, category, weight: String; let count: UInt32; let snippets: [String] }
            let score: String, scoredChars: UInt64, statusCode: UInt32, finalURL, errorKind, error: String
            let matches: [Match]
            init(_ r: TestKeywordSetResponse) {
                score = r.score; scoredChars = r.scoredChars; statusCode = r.statusCode; finalURL = r.finalURL
                errorKind = r.errorKind; error = r.error
                matches = r.matches.map { Match(keyword: $0.keyword, kind: $0.kind.effectiveName, category: $0.category, weight: $0.weight,
                                                count: $0.count, snippets: $0.snippets) }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add keywords, one per line, from a file (or - for stdin).")
        @OptionGroup var connection: ConnectionOptions
        @Argument var id: String
        @Argument var file: String
        func run() async throws {
            let text: String
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                text = String(decoding: data, as: UTF8.self)
            }
            let words = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let existing = try await connection.unary(Methods.getKeywordSet, .init(id: id))
            var request = UpdateKeywordSetRequest(id: id)
            request.replaceRules = true
            request.rules = existing.rules + words.map { KeywordRule(keyword: $0) }
            let set = try await connection.unary(Methods.updateKeywordSet, request)
            print("imported \(words.count) keywords; keyword set \(set.id) has \(set.rules.count) rules")
        }
    }
}

/// A keyword set as the CLI prints it in JSON.
struct KeywordSetView: Encodable {
    struct RuleView: Encodable {
        let keyword, kind, weight, category: String
        let caseSensitive, active: Bool
        let contextChars: UInt32
    }
    let id, name, description: String
    let rules: [RuleView]
    let ruleCount: UInt32

    init(_ set: KeywordSet) {
        id = set.id; name = set.name; description = set.description; ruleCount = set.ruleCount
        rules = set.rules.map { RuleView(keyword: $0.keyword, kind: $0.kind.effectiveName, weight: $0.weight, category: $0.category,
                                         caseSensitive: $0.caseSensitive, active: !$0.inactive, contextChars: $0.contextChars) }
    }
}
