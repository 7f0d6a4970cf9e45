public import Foundation
public import Logging
public import SeleksiCore
public import ServiceLifecycle

/// Where the node's portal is and how to reach it (`portal:` in `Config/exam-node.yaml`).
public struct PortalLinkSettings: Sendable, Hashable {
    /// `https://sscasn.example.go.id`.
    public var url: String
    /// This node's id in the portal's registry.
    public var nodeID: String
    /// A PEM file of the certificate(s) to trust for the portal; nil: the system's roots.
    public var certificateAuthority: String?
    /// How often the node asks for its roster and sends waiting results while the link works.
    public var intervalMilliseconds: Int64 = 30_000
    /// How often finished candidates' scores go out while the link works (the live page).
    public var scoreIntervalMilliseconds: Int64 = 1_000

    public init(url: String, nodeID: String, certificateAuthority: String? = nil, intervalMilliseconds: Int64 = 30_000) {
        self.url = url
        self.nodeID = nodeID
        self.certificateAuthority = certificateAuthority
        self.intervalMilliseconds = intervalMilliseconds
    }
}

/// What one round of the link did.
public struct SyncReport: Sendable, Hashable, CustomStringConvertible {
    /// The roster package's import, or why none was imported.
    public var roster: String
    /// Results packages the portal now has (sessions), and those it refused with its reason.
    public var delivered: [String] = []
    public var refused: [String: String] = [:]
    /// Live scores the portal now has.
    public var scores = 0

    public var description: String {
        var lines = ["daftar peserta: \(roster)"]
        if scores > 0 { lines.append("nilai langsung terkirim: \(scores)") }
        if !delivered.isEmpty { lines.append("paket hasil terkirim: \(delivered.joined(separator: ", "))") }
        for (session, reason) in refused.sorted(by: { $0.key < $1.key }) { lines.append("paket hasil sesi \(session) ditolak portal: \(reason)") }
        return lines.joined(separator: "\n")
    }
}

/// How the link reaches the portal: over HTTPS between machines (`HTTPSPortalTransport`),
/// or in the same process (`seleksi serve`). A refusal throws `LinkRefusal` with the
/// HTTP status it has (a 5xx, or any other error, means "try again").
public protocol PortalTransport: Sendable {
    /// The node's roster package, for a signed `NodeRequest`.
    func roster(_ request: Data) async throws -> Data
    /// Hands over a results package.
    func results(_ envelope: Data) async throws
    /// Hands over a batch of live scores.
    func scores(_ envelope: Data) async throws
    func shutdown() async
}

/// The node's side of the handoff. The node always calls the portal (a venue is often
/// behind NAT): it asks for its roster package with a request signed by its key, imports
/// it as a proctor's upload would be, sends each finished candidate's score and each
/// closed session's results package until the portal has them. The exam never waits for
/// it: a node with its roster runs with the link cut, and the link retries with backoff.
public struct PortalLink: Service {
    let service: ExamService
    let settings: PortalLinkSettings
    public let transport: any PortalTransport
    let logger: Logger

    /// Over HTTPS to `settings.url`.
    public init(service: ExamService, settings: PortalLinkSettings, logger: Logger) throws {
        self.init(service: service, settings: settings, transport: try HTTPSPortalTransport(settings), logger: logger)
    }

    public init(service: ExamService, settings: PortalLinkSettings, transport: any PortalTransport, logger: Logger) {
        self.service = service
        self.settings = settings
        self.transport = transport
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        // A full round (roster, results) on the interval; live scores in between, every second.
        var nextRound = Int64.min
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if service.clock.nowMilliseconds() >= nextRound || failures > 0 {
                    let report = try await syncOnce()
                    if failures > 0 { logger.notice("tautan portal pulih", metadata: ["laporan": "\(report)"]) }
                    nextRound = service.clock.nowMilliseconds() + settings.intervalMilliseconds
                } else {
                    _ = try await pushScores()
                }
                failures = 0
            } catch {
                failures += 1
                logger.warning("tautan portal gagal; dicoba lagi", metadata: ["kegagalan": "\(failures)", "galat": "\(error)"])
            }
            let wait =
                failures > 0
                ? SyncBackoff.delay(afterFailures: failures, intervalMilliseconds: settings.intervalMilliseconds) : settings.scoreIntervalMilliseconds
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(wait)) }
        }
        await transport.shutdown()
    }

    /// Roster first (so a session about to start has it), then the live scores and every
    /// waiting results package. A network failure or a server error throws (the round is
    /// retried); a refusal of one package is reported and the rest go on.
    public func syncOnce() async throws -> SyncReport {
        guard let key = service.settings.signingKey else { throw LinkRefusal(status: 0, code: "no-node-key", message: "node tanpa kunci") }
        var report = SyncReport(roster: "")
        let request = NodeRequest(nodeID: settings.nodeID, purpose: "roster", at: service.clock.nowMilliseconds()).sealed(with: key)
        do {
            let package = try await transport.roster(request)
            let imported = try await service.importRosterPackage(package, actor: ExamService.portalActor)
            report.roster =
                "versi \(imported.version) (baru \(imported.created.count), diganti \(imported.replaced.count), tetap \(imported.unchanged.count))"
                + imported.refused.sorted { $0.key < $1.key }.map { "; \($0.value.message)" }.joined()
        } catch let refused as LinkRefusal where refused.status < 500 {
            report.roster = "tidak diambil: \(refused.message)"
        } catch let error as ExamNodeError {
            // The portal's package does not fit this node now (a session already open): kept as it is.
            report.roster = "tidak dimuat: \(error.message)"
        }
        report.scores = try await pushScores()
        for waiting in try await service.undeliveredResults() {
            do {
                try await transport.results(waiting.envelope)
                try await service.markResultsDelivered(session: waiting.session)
                report.delivered.append(waiting.session)
            } catch let refused as LinkRefusal where refused.status < 500 {
                report.refused[waiting.session] = refused.message
            }
        }
        return report
    }

    /// Sends the finished candidates' scores not yet sent, a batch at a time; how many went.
    func pushScores() async throws -> Int {
        var sent = 0
        while let batch = try await service.liveScoreBatch() {
            do {
                try await transport.scores(batch.envelope)
            } catch let refused as LinkRefusal where refused.status == 422 {
                // Provisional only (the results package counts): a batch refused for what it
                // says is not sent again; any other refusal (a key not yet registered, a
                // proxy's limit) is tried again with the round.
                logger.warning("nilai langsung ditolak portal", metadata: ["galat": "\(refused)"])
            }
            try await service.markScoresSent(batch.attempts)
            sent += batch.attempts.count
        }
        return sent
    }
}

/// The link over HTTPS (`HTTPSLinkClient`) to the portal's node routes.
public struct HTTPSPortalTransport: PortalTransport {
    let url: String
    let client: HTTPSLinkClient

    public init(_ settings: PortalLinkSettings) throws {
        url = settings.url.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        client = try HTTPSLinkClient(certificateAuthority: settings.certificateAuthority, setting: "portal.ca")
    }

    public func roster(_ request: Data) async throws -> Data { try await client.post(url + "/api/node/roster", request) }
    public func results(_ envelope: Data) async throws { _ = try await client.post(url + "/api/node/results", envelope) }
    public func scores(_ envelope: Data) async throws { _ = try await client.post(url + "/api/node/scores", envelope) }
    public func shutdown() async { await client.shutdown() }
}
