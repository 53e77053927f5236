import ArgumentParser
import DomainFlowWire
import Foundation
import Yams

/// Every `--from-file` of the CLI: a JSON or YAML file read as a method's request message by protobuf's
/// JSON mapping (`ProtoJSON`: field names in lowerCamelCase or snake_case, enum values by name or number,
/// unknown keys refused), with every mistake one line naming the file and the field.
enum MessageFile {
    /// The fields of `method`'s request message read from `path`.
    static func fields<I, O>(_ path: String, for method: Method<I, O>) throws -> ProtoFields {
        guard let schema = ProtoSchema.request(of: method) else { throw CLIError("\(method.name) has no request schema") }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        let tree: Any?
        do {
            tree = try Yams.load(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError("\(path): not JSON or YAML: \("\(error)".split(whereSeparator: \.isNewline).joined(separator: "; "))")
        }
        guard let tree else { throw CLIError("\(path): the file is empty") }
        do {
            return try ProtoJSON.fields(from: tree, schema: schema)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    /// The request built from `fields`, its own checks naming the file.
    static func request<I: WireMessage>(_ fields: ProtoFields, from path: String) throws -> I {
        do {
            return try I(fields: fields)
        } catch let error as RPCError {
            throw CLIError("\(path): \(error.message)")
        }
    }
}

/// Flags beside `--from-file`: each flag given on the command line overrides the file's field(s) it maps
/// to; a given flag that maps to none is refused, naming it. Never dropped in silence.
struct FileOverrides {
    /// Long option name (without dashes) → the request field paths it sets ("generation.count").
    let paths: [String: [String]]
    /// Options that are not about the request (the socket, output format) and may always be given.
    static let neutral: Set<String> = ["socket", "from-file", "json", "help"]

    /// `file` with the fields of every given flag taken from `flags` (the request the flags alone build).
    func apply<I, O>(file: ProtoFields, flags: ProtoFields, for method: Method<I, O>, given: Set<String> = GivenOptions.names) throws -> ProtoFields {
        guard let schema = ProtoSchema.request(of: method) else { return file }
        let refused = given.subtracting(Self.neutral).filter { paths[$0] == nil }.sorted()
        guard refused.isEmpty else {
            throw ValidationError("\(refused.map { "--" + $0 }.joined(separator: ", ")) cannot be combined with --from-file; "
                + "flags that can: \(paths.keys.sorted().map { "--" + $0 }.joined(separator: ", "))")
        }
        let chosen = given.compactMap { paths[$0] }.flatMap { $0 }
        do {
            return try FieldMask(schema: schema).apply(chosen, update: flags, to: file)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// The long options given on this command line (`--name` or `--name=value`), so that a flag the user
/// gave can be told from one left at its default.
enum GivenOptions {
    static let names: Set<String> = {
        var names: Set<String> = []
        for argument in CommandLine.arguments.dropFirst() {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            names.insert(String(argument.dropFirst(2).prefix { $0 != "=" }))
        }
        return names
    }()
}
