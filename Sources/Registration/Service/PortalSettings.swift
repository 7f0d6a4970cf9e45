import Foundation
public import SeleksiCore
import Yams

/// The portal's configuration, read once from `Config/portal.yaml`, then overridden by
/// the command line and `SELEKSI_DATA`. Tests build their own.
public struct PortalSettings: Sendable, Decodable {
    public var host = "127.0.0.1"
    public var httpsPort = 9443
    public var httpPort = 9080
    public var data = "data/portal"
    /// The civil-registry file sign-ups are checked against (the demo's and the tests'); an
    /// HTTPS adapter for Dukcapil takes its place in production. Empty: no check.
    public var civilRegistryFile = ""
    /// Which store holds the portal's data (the PostgreSQL store is not built yet).
    public var store = StoreChoice.sqlite
    /// `tls.certificate` and `tls.key`, as on the exam node; without them a self-signed
    /// localhost certificate is made.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Where plain HTTP redirects to (`https://sscasn.example.go.id`), and the address in
    /// emails; set it when serving a network.
    public var publicURL: String?
    public var idleTimeoutSeconds = 30
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default): without
    /// this, behind a proxy every applicant would share the proxy's address and its limits.
    public var trustedProxies: [String] = []
    public var maxConnections = 16_384
    /// bcrypt work factor: each step doubles the cost of a login and of a guess.
    public var bcryptCost = 10
    public var passwordMinimumLength = 10
    public var sessionHours = 12
    public var loginFailuresPerAccount = 5
    public var loginFailuresPerAddress = 50
    public var loginWindowMinutes = 15
    /// Accounts created from one address within an hour (a campus signs up many; a script far more).
    public var signUpsPerAddress = 200
    /// NIK claims filed from one address within an hour (each costs a verifier's time).
    public var claimsPerAddress = 20
    /// The rule set of the exam the rosters are for (its id and duration go into each session).
    public var examRules = "Config/rules/skd-2024.yaml"
    /// The result codes and labels an announcement prints (P/L, P, TL, TH, DIS).
    public var resultCodes = "Config/result-codes.yaml"
    /// The common passwords a sign-up or a new password refuses, one per line.
    public var commonPasswords = "Config/common-passwords.txt"
    /// A results package (with its answer logs) larger than this is refused before it is read.
    public var maxPackageMB = 64
    /// A session's roster is fixed this long before its scheduled start (a venue may open
    /// early, and a node refuses to change an open session's roster): seats no longer move
    /// into or out of it, and later roster packages carry it as it was sent.
    public var rosterFreezeMinutes = 60
    /// How long before a session a candidate must be at the door; the exam card prints the time.
    public var arrivalMinutes = 60
    public var codeMinutes = 30
    /// A `sendmail -t` style command that reads the message on standard input; empty
    /// writes each message to `DATA/mail/` so the demo works offline.
    public var mailCommand = ""
    public var minimumAge = 18
    public var cumlaudeMinimumGPA = 3.51
    public var documents = DocumentRequirement.national
    public var rejectionReasons = RejectionReason.defaults
    /// Until how many hours before their interview a candidate may move it (once).
    public var interviewMoveDeadlineHours = 48
    /// The least time between a candidate's CAT SKB session and their interview.
    public var interviewGapMinutes = 60

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, data, documents, tls, store
        case civilRegistryFile = "civil_registry_file"
        case httpsPort = "https_port"
        case httpPort = "http_port"
        case publicURL = "public_url"
        case idleTimeoutSeconds = "idle_timeout_seconds"
        case maxConnections = "max_connections"
        case trustedProxies = "trusted_proxies"
        case bcryptCost = "bcrypt_cost"
        case passwordMinimumLength = "password_min_length"
        case sessionHours = "session_hours"
        case loginFailuresPerAccount = "login_failures_per_account"
        case loginFailuresPerAddress = "login_failures_per_address"
        case loginWindowMinutes = "login_window_minutes"
        case signUpsPerAddress = "sign_ups_per_address"
        case claimsPerAddress = "claims_per_address"
        case examRules = "exam_rules"
        case codeMinutes = "code_minutes"
        case resultCodes = "result_codes"
        case commonPasswords = "common_passwords"
        case maxPackageMB = "max_package_mb"
        case rosterFreezeMinutes = "roster_freeze_minutes"
        case arrivalMinutes = "arrival_minutes"
        case mailCommand = "mail_command"
        case minimumAge = "minimum_age"
        case cumlaudeMinimumGPA = "cumlaude_min_gpa"
        case rejectionReasons = "rejection_reasons"
        case interviewMoveDeadlineHours = "interview_move_deadline_hours"
        case interviewGapMinutes = "interview_gap_minutes"
    }

    struct TLSFiles: Decodable {
        var certificate: String?
        var key: String?
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PortalSettings()
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? d.host
        httpsPort = try c.decodeIfPresent(Int.self, forKey: .httpsPort) ?? d.httpsPort
        httpPort = try c.decodeIfPresent(Int.self, forKey: .httpPort) ?? d.httpPort
        data = try c.decodeIfPresent(String.self, forKey: .data) ?? d.data
        civilRegistryFile = try c.decodeIfPresent(String.self, forKey: .civilRegistryFile) ?? d.civilRegistryFile
        if let name = try c.decodeIfPresent(String.self, forKey: .store) {
            guard let choice = StoreChoice(rawValue: name) else {
                throw PortalSettingsError(
                    message:
                        "store: '\(name)' tidak dikenal; yang tersedia: \(StoreChoice.allCases.map(\.rawValue).joined(separator: ", ")) (penyimpanan PostgreSQL belum dibuat)"
                )
            }
            store = choice
        }
        let tls = try c.decodeIfPresent(TLSFiles.self, forKey: .tls)
        tlsCertificate = tls?.certificate
        tlsKey = tls?.key
        publicURL = try c.decodeIfPresent(String.self, forKey: .publicURL)
        idleTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .idleTimeoutSeconds) ?? d.idleTimeoutSeconds
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? d.maxConnections
        trustedProxies = try c.decodeIfPresent([String].self, forKey: .trustedProxies) ?? d.trustedProxies
        bcryptCost = try c.decodeIfPresent(Int.self, forKey: .bcryptCost) ?? d.bcryptCost
        passwordMinimumLength = try c.decodeIfPresent(Int.self, forKey: .passwordMinimumLength) ?? d.passwordMinimumLength
        sessionHours = try c.decodeIfPresent(Int.self, forKey: .sessionHours) ?? d.sessionHours
        loginFailuresPerAccount = try c.decodeIfPresent(Int.self, forKey: .loginFailuresPerAccount) ?? d.loginFailuresPerAccount
        loginFailuresPerAddress = try c.decodeIfPresent(Int.self, forKey: .loginFailuresPerAddress) ?? d.loginFailuresPerAddress
        loginWindowMinutes = try c.decodeIfPresent(Int.self, forKey: .loginWindowMinutes) ?? d.loginWindowMinutes
        signUpsPerAddress = try c.decodeIfPresent(Int.self, forKey: .signUpsPerAddress) ?? d.signUpsPerAddress
        claimsPerAddress = try c.decodeIfPresent(Int.self, forKey: .claimsPerAddress) ?? d.claimsPerAddress
        examRules = try c.decodeIfPresent(String.self, forKey: .examRules) ?? d.examRules
        codeMinutes = try c.decodeIfPresent(Int.self, forKey: .codeMinutes) ?? d.codeMinutes
        resultCodes = try c.decodeIfPresent(String.self, forKey: .resultCodes) ?? d.resultCodes
        commonPasswords = try c.decodeIfPresent(String.self, forKey: .commonPasswords) ?? d.commonPasswords
        maxPackageMB = try c.decodeIfPresent(Int.self, forKey: .maxPackageMB) ?? d.maxPackageMB
        rosterFreezeMinutes = try c.decodeIfPresent(Int.self, forKey: .rosterFreezeMinutes) ?? d.rosterFreezeMinutes
        arrivalMinutes = try c.decodeIfPresent(Int.self, forKey: .arrivalMinutes) ?? d.arrivalMinutes
        mailCommand = try c.decodeIfPresent(String.self, forKey: .mailCommand) ?? d.mailCommand
        minimumAge = try c.decodeIfPresent(Int.self, forKey: .minimumAge) ?? d.minimumAge
        cumlaudeMinimumGPA = try c.decodeIfPresent(Double.self, forKey: .cumlaudeMinimumGPA) ?? d.cumlaudeMinimumGPA
        documents = try c.decodeIfPresent([DocumentRequirement].self, forKey: .documents) ?? d.documents
        rejectionReasons = try c.decodeIfPresent([RejectionReason].self, forKey: .rejectionReasons) ?? d.rejectionReasons
        interviewMoveDeadlineHours = try c.decodeIfPresent(Int.self, forKey: .interviewMoveDeadlineHours) ?? d.interviewMoveDeadlineHours
        interviewGapMinutes = try c.decodeIfPresent(Int.self, forKey: .interviewGapMinutes) ?? d.interviewGapMinutes
    }

    /// Reads the YAML file; a missing file leaves the defaults, a broken or
    /// out-of-range one is an error naming the key.
    public static func load(file: String) throws -> PortalSettings {
        guard let data = FileManager.default.contents(atPath: file) else { return PortalSettings() }
        let text = String(decoding: data, as: UTF8.self)
        // A misspelt key would otherwise be ignored and its default used without a word.
        if let root = try? Yams.load(yaml: text) as? [String: Any] {
            let known = Set(CodingKeys.allCases.map(\.stringValue))
            if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
                throw PortalSettingsError(message: "\(file): kunci '\(unknown)' tidak dikenal")
            }
            if let tls = root["tls"] as? [String: Any], let unknown = tls.keys.sorted().first(where: { !["certificate", "key"].contains($0) }) {
                throw PortalSettingsError(message: "\(file): kunci 'tls.\(unknown)' tidak dikenal")
            }
        }
        let settings: PortalSettings
        do {
            settings = try YAMLDecoder().decode(PortalSettings.self, from: text)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            throw PortalSettingsError(message: "\(file): '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        }
        try settings.validate(file: file)
        return settings
    }

    func validate(file: String) throws {
        func fail(_ message: String) -> PortalSettingsError { PortalSettingsError(message: "\(file): \(message)") }
        for port in [httpsPort, httpPort] where !(1...65_535).contains(port) { throw fail("port \(port) di luar 1..65535") }
        guard (4...31).contains(bcryptCost) else { throw fail("bcrypt_cost harus 4..31") }
        guard (8...72).contains(passwordMinimumLength) else { throw fail("password_min_length harus 8..72") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw fail("tls.certificate dan tls.key harus diisi bersama") }
        if let publicURL, !publicURL.hasPrefix("https://") || URL(string: publicURL)?.host == nil { throw fail("public_url harus alamat https://…") }
        if let wrong = trustedProxies.first(where: { !IPAddressText.isValid($0) }) {
            throw fail("trusted_proxies: '\(wrong)' bukan alamat IP")
        }
        guard signUpsPerAddress >= 1 else { throw fail("sign_ups_per_address harus minimal 1") }
        guard claimsPerAddress >= 1 else { throw fail("claims_per_address harus minimal 1") }
        guard (1...3_600).contains(idleTimeoutSeconds) else { throw fail("idle_timeout_seconds harus 1..3600") }
        guard (1...1_000_000).contains(maxConnections) else { throw fail("max_connections harus 1..1000000") }
        guard !documents.isEmpty, Set(documents.map(\.kind)).count == documents.count else {
            throw fail("documents: jenis dokumen harus unik dan tidak kosong")
        }
        for document in documents where document.kind.range(of: "^[a-z0-9-]{1,30}$", options: .regularExpression) == nil || document.maxKB <= 0 {
            throw fail("documents: '\(document.kind)' harus huruf kecil/angka/tanda hubung dan max_kb > 0")
        }
        guard (1...1_024).contains(maxPackageMB) else { throw fail("max_package_mb harus 1..1024") }
        guard (0...1_440).contains(rosterFreezeMinutes) else { throw fail("roster_freeze_minutes harus 0..1440") }
        guard (0...240).contains(arrivalMinutes) else { throw fail("arrival_minutes harus 0..240") }
        guard !rejectionReasons.isEmpty else { throw fail("rejection_reasons tidak boleh kosong") }
        guard (0...720).contains(interviewMoveDeadlineHours) else { throw fail("interview_move_deadline_hours harus 0..720") }
        guard (0...1_440).contains(interviewGapMinutes) else { throw fail("interview_gap_minutes harus 0..1440") }
    }
}

public struct PortalSettingsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension PortalSettings {
    /// The portal's Ed25519 key (`DATA/portal-signing.key`, made on first use): it signs the
    /// roster packages; every node is configured with its public half (`seleksi portal key`).
    public func signingKey() throws -> SigningKey {
        do {
            return try SigningKey.loadOrCreate(path: data + "/portal-signing.key")
        } catch {
            throw RegistrationError("signing-key", kind: .internal, error.message)
        }
    }
}
