import Foundation
public import SeleksiCore
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
    /// Where plain HTTP redirects to (`https://ujian.example.go.id`); set it when serving a network.
    public var publicURL: String?
    public var idleTimeoutSeconds = 30
    public var maxConnections = 16_384
    public var rulesDirectory = "Config/rules"
    public var bankDirectory = "QuestionBanks"
    public var settings = ExamSettings()
    /// The portal this node fetches its roster from and sends its results to; nil: packages
    /// travel as files only.
    public var portalLink: PortalLinkSettings?

    public init() {}

    /// Reads the YAML file; a missing file leaves the defaults, a broken one is an error.
    public static func load(file: String) throws -> ExamNodeConfiguration {
        var configuration = ExamNodeConfiguration()
        guard let data = FileManager.default.contents(atPath: file) else { return configuration }
        guard let root = try Yams.load(yaml: String(decoding: data, as: UTF8.self)) as? [String: Any] else {
            throw ConfigurationError(message: "\(file): harus berupa pemetaan kunci: nilai")
        }
        let known: Set<String> = [
            "host", "https_port", "http_port", "data", "tls", "rules", "banks", "grace_seconds", "login_failures_per_address", "public_url",
            "idle_timeout_seconds", "max_connections", "max_extension_minutes", "max_package_mb", "proctor_login_failures_per_address",
            "late_start_minutes", "late_start_shortens_attempt", "trusted_proxies", "portal_public_key", "portal",
        ]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(message: "\(file): kunci '\(unknown)' tidak dikenal")
        }
        /// A present key of the wrong type is an error, never a silent default.
        func value<T>(_ key: String, _ type: T.Type) throws -> T? {
            guard let raw = root[key] else { return nil }
            guard let typed = raw as? T else {
                throw ConfigurationError(
                    message:
                        "\(file): '\(key)' bernilai '\(raw)', bukan \(T.self == Int.self ? "bilangan bulat" : T.self == Bool.self ? "true atau false" : "teks")"
                )
            }
            return typed
        }
        if let host = try value("host", String.self) { configuration.host = host }
        if let text = try value("portal_public_key", String.self), !text.isEmpty {
            guard let key = PublicSigningKey(text: text) else {
                throw ConfigurationError(message: "\(file): 'portal_public_key' harus kunci publik Ed25519, 64 angka heksadesimal (seleksi portal key)")
            }
            configuration.settings.portalPublicKey = key
        }
        if let port = try value("https_port", Int.self) { configuration.httpsPort = port }
        if let port = try value("http_port", Int.self) { configuration.httpPort = port }
        if let data = try value("data", String.self) { configuration.dataDirectory = data }
        if let rules = try value("rules", String.self) { configuration.rulesDirectory = rules }
        if let banks = try value("banks", String.self) { configuration.bankDirectory = banks }
        if let grace = try value("grace_seconds", Int.self) {
            guard (0...120).contains(grace) else { throw ConfigurationError(message: "\(file): 'grace_seconds' harus 0..120") }
            configuration.settings.graceMilliseconds = Int64(grace) * 1000
        }
        if let limit = try value("login_failures_per_address", Int.self) {
            guard (1...100_000).contains(limit) else { throw ConfigurationError(message: "\(file): 'login_failures_per_address' harus 1..100000") }
            configuration.settings.loginFailuresPerAddress = limit
        }
        if let raw = root["trusted_proxies"] {
            guard let proxies = raw as? [String] else { throw ConfigurationError(message: "\(file): 'trusted_proxies' harus daftar alamat IP") }
            if let wrong = proxies.first(where: { !IPAddressText.isValid($0) }) {
                throw ConfigurationError(message: "\(file): 'trusted_proxies': '\(wrong)' bukan alamat IP")
            }
            configuration.settings.trustedProxies = proxies
        }
        if let minutes = try value("late_start_minutes", Int.self) {
            guard (0...600).contains(minutes) else { throw ConfigurationError(message: "\(file): 'late_start_minutes' harus 0..600") }
            configuration.settings.lateStart.maximumMilliseconds = Int64(minutes) * 60_000
        }
        if let shortens = try value("late_start_shortens_attempt", Bool.self) { configuration.settings.lateStart.shortensAttempt = shortens }
        if let minutes = try value("max_extension_minutes", Int.self) {
            guard (0...600).contains(minutes) else { throw ConfigurationError(message: "\(file): 'max_extension_minutes' harus 0..600") }
            configuration.settings.maxExtensionMilliseconds = Int64(minutes) * 60_000
        }
        if let megabytes = try value("max_package_mb", Int.self) {
            guard (1...1_024).contains(megabytes) else { throw ConfigurationError(message: "\(file): 'max_package_mb' harus 1..1024") }
            configuration.settings.maxPackageBytes = megabytes * 1_048_576
        }
        if let limit = try value("proctor_login_failures_per_address", Int.self) {
            guard (1...10_000).contains(limit) else { throw ConfigurationError(message: "\(file): 'proctor_login_failures_per_address' harus 1..10000") }
            configuration.settings.proctorLoginFailuresPerAddress = limit
        }
        if let url = try value("public_url", String.self) {
            guard url.hasPrefix("https://"), URL(string: url)?.host != nil else {
                throw ConfigurationError(message: "\(file): 'public_url' harus alamat https://…")
            }
            configuration.publicURL = url
        }
        if let seconds = try value("idle_timeout_seconds", Int.self) {
            guard (1...3_600).contains(seconds) else { throw ConfigurationError(message: "\(file): 'idle_timeout_seconds' harus 1..3600") }
            configuration.idleTimeoutSeconds = seconds
        }
        if let maximum = try value("max_connections", Int.self) {
            guard (1...1_000_000).contains(maximum) else { throw ConfigurationError(message: "\(file): 'max_connections' harus 1..1000000") }
            configuration.maxConnections = maximum
        }
        for port in [configuration.httpsPort, configuration.httpPort] where !(1...65_535).contains(port) {
            throw ConfigurationError(message: "\(file): port \(port) di luar 1..65535")
        }
        if let raw = root["portal"] {
            guard let portal = raw as? [String: Any] else { throw ConfigurationError(message: "\(file): 'portal' harus berisi url dan node_id") }
            if let unknown = portal.keys.sorted().first(where: { !["url", "node_id", "ca", "sync_seconds"].contains($0) }) {
                throw ConfigurationError(message: "\(file): kunci 'portal.\(unknown)' tidak dikenal")
            }
            guard let url = portal["url"] as? String, url.hasPrefix("https://"), URL(string: url)?.host != nil else {
                throw ConfigurationError(message: "\(file): 'portal.url' harus alamat https://… portal")
            }
            guard let id = portal["node_id"] as? String, id.range(of: "^[a-z0-9][a-z0-9-]{1,39}$", options: .regularExpression) != nil else {
                throw ConfigurationError(message: "\(file): 'portal.node_id' harus kode node seperti terdaftar di portal (huruf kecil, angka, tanda hubung)")
            }
            var link = PortalLinkSettings(url: url, nodeID: id, certificateAuthority: portal["ca"] as? String)
            if let raw = portal["sync_seconds"] {
                guard let seconds = raw as? Int, (1...3_600).contains(seconds) else {
                    throw ConfigurationError(message: "\(file): 'portal.sync_seconds' harus 1..3600")
                }
                link.intervalMilliseconds = Int64(seconds) * 1000
            }
            configuration.portalLink = link
        }
        if let raw = root["tls"] {
            guard let tls = raw as? [String: Any] else { throw ConfigurationError(message: "\(file): 'tls' harus berisi certificate dan key") }
            if let unknown = tls.keys.sorted().first(where: { !["certificate", "key"].contains($0) }) {
                throw ConfigurationError(message: "\(file): kunci 'tls.\(unknown)' tidak dikenal")
            }
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
