import Foundation
import Yams

/// The node's configuration, read once from `Config/exam-node.yaml` and then
/// overridden by the command line and `SELEKSI_DATA`.
public struct ExamNodeConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var httpsPort = 8443
    public var httpPort = 8080
    public var dataDirectory = "data/exam-node"
    public var certificatePath: String?
    public var keyPath: String?
    public var rulesDirectory = "Config/rules"
    public var bankDirectory = "QuestionBanks"
    public var settings = ExamSettings()

    public init() {}

    /// Reads the YAML file; a missing file leaves the defaults, a broken one is an error.
    public static func load(file: String) throws -> ExamNodeConfiguration {
        var configuration = ExamNodeConfiguration()
        guard let data = FileManager.default.contents(atPath: file) else { return configuration }
        guard let root = try Yams.load(yaml: String(decoding: data, as: UTF8.self)) as? [String: Any] else {
            throw ConfigurationError(message: "\(file): harus berupa pemetaan kunci: nilai")
        }
        let known: Set<String> = ["host", "https_port", "http_port", "data", "tls", "rules", "banks", "grace_seconds"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(message: "\(file): kunci '\(unknown)' tidak dikenal")
        }
        if let host = root["host"] as? String { configuration.host = host }
        if let port = root["https_port"] as? Int { configuration.httpsPort = port }
        if let port = root["http_port"] as? Int { configuration.httpPort = port }
        if let data = root["data"] as? String { configuration.dataDirectory = data }
        if let rules = root["rules"] as? String { configuration.rulesDirectory = rules }
        if let banks = root["banks"] as? String { configuration.bankDirectory = banks }
        if let grace = root["grace_seconds"] as? Int { configuration.settings.graceMilliseconds = Int64(grace) * 1000 }
        if let tls = root["tls"] as? [String: Any] {
            configuration.certificatePath = tls["certificate"] as? String
            configuration.keyPath = tls["key"] as? String
            if (configuration.certificatePath == nil) != (configuration.keyPath == nil) {
                throw ConfigurationError(message: "\(file): tls.certificate dan tls.key harus diisi bersama")
            }
        }
        return configuration
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
