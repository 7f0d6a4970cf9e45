import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
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

/// The node's side of the network handoff. The node always calls the portal (a venue is
/// often behind NAT): it asks for its roster package with a request signed by its key,
/// imports it as a proctor's upload would be, and sends each closed session's results
/// package until the portal has it. The exam never waits for it: a node with its roster
/// runs with the link cut, and the link retries with backoff until it is back.
public struct PortalLink: Service {
    let service: ExamService
    let settings: PortalLinkSettings
    let logger: Logger

    public init(service: ExamService, settings: PortalLinkSettings, logger: Logger) {
        self.service = service
        self.settings = settings
        self.logger = logger
    }

    struct Refused: Error, CustomStringConvertible {
        let status: Int
        let code: String
        let message: String
        var description: String { "\(status) \(code): \(message)" }
    }

    public func run() async throws {
        let client = try Self.client(settings)
        var failures = 0
        // A full round (roster, results) on the interval; live scores in between, every second.
        var nextRound = Int64.min
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if service.clock.nowMilliseconds() >= nextRound || failures > 0 {
                    let report = try await syncOnce(client: client)
                    if failures > 0 { logger.notice("tautan portal pulih", metadata: ["laporan": "\(report)"]) }
                    nextRound = service.clock.nowMilliseconds() + settings.intervalMilliseconds
                } else {
                    _ = try await pushScores(client)
                }
                failures = 0
            } catch {
                failures += 1
                logger.warning("tautan portal gagal; dicoba lagi", metadata: ["kegagalan": "\(failures)", "galat": "\(error)"])
            }
            let wait =
                failures > 0
                ? SyncBackoff.delay(afterFailures: failures, intervalMilliseconds: settings.intervalMilliseconds) : settings.scoreIntervalMilliseconds
            try? await gracefulShutdown(or: .milliseconds(wait))
        }
        try await client.shutdown()
    }

    /// Waits `duration`, or less if the service group is shutting down.
    private func gracefulShutdown(or duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }

    /// One round, on a client of its own (the command line's `seleksi exam-node sync --once`).
    public func syncOnce() async throws -> SyncReport {
        let client = try Self.client(settings)
        do {
            let report = try await syncOnce(client: client)
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Roster first (so a session about to start has it), then every waiting results package.
    /// A network failure or a server error throws (the round is retried); a refusal of one
    /// package is reported and the rest go on.
    func syncOnce(client: HTTPClient) async throws -> SyncReport {
        guard let key = service.settings.signingKey else { throw Refused(status: 0, code: "no-node-key", message: "node tanpa kunci") }
        var report = SyncReport(roster: "")
        let request = NodeRequest(nodeID: settings.nodeID, purpose: "roster", at: service.clock.nowMilliseconds()).sealed(with: key)
        do {
            let package = try await post(client, "/api/node/roster", request)
            let imported = try await service.importRosterPackage(package, actor: "portal")
            report.roster = "versi \(imported.version) (baru \(imported.created.count), diganti \(imported.replaced.count), tetap \(imported.unchanged.count))"
        } catch let refused as Refused where refused.status < 500 {
            report.roster = "tidak diambil: \(refused.message)"
        } catch let error as ExamNodeError {
            // The portal's package does not fit this node now (a session already open): kept as it is.
            report.roster = "tidak dimuat: \(error.message)"
        }
        report.scores = try await pushScores(client)
        for waiting in try await service.undeliveredResults() {
            do {
                _ = try await post(client, "/api/node/results", waiting.envelope)
                try await service.markResultsDelivered(session: waiting.session)
                report.delivered.append(waiting.session)
            } catch let refused as Refused where refused.status < 500 {
                report.refused[waiting.session] = refused.message
            }
        }
        return report
    }

    /// Sends the finished candidates' scores not yet sent, a batch at a time; how many went.
    func pushScores(_ client: HTTPClient) async throws -> Int {
        var sent = 0
        while let batch = try await service.liveScoreBatch() {
            do {
                _ = try await post(client, "/api/node/scores", batch.envelope)
            } catch let refused as Refused where refused.status < 500 {
                // Provisional only (the results package counts): a refused batch is not sent again.
                logger.warning("nilai langsung ditolak portal", metadata: ["galat": "\(refused)"])
            }
            try await service.markScoresSent(batch.attempts)
            sent += batch.attempts.count
        }
        return sent
    }

    /// POSTs `body`; the answer's bytes on 200, `Refused` otherwise.
    func post(_ client: HTTPClient, _ path: String, _ body: Data) async throws -> Data {
        var request = HTTPClientRequest(url: settings.url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        let answer = Data(try await response.body.collect(upTo: 256 * 1_048_576).readableBytesView)
        guard response.status == .ok else {
            let object = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
            let error = object?["error"] as? [String: Any]
            throw Refused(
                status: Int(response.status.code),
                code: error?["code"] as? String ?? "",
                message: error?["message"] as? String ?? "HTTP \(response.status.code)"
            )
        }
        return answer
    }

    static func client(_ settings: PortalLinkSettings) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let authority = settings.certificateAuthority {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority))
            } catch {
                throw ConfigurationError(message: "portal.ca: sertifikat \(authority) tidak dapat dibaca (\(error))")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // A few large requests a minute: one HTTP/1.1 connection is all the link needs.
        configuration.httpVersion = .http1Only
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
