import Foundation
public import Hummingbird
public import Logging
public import SeleksiCore
import SeleksiHTTP
public import ServiceLifecycle

/// An exam node, wired from its configuration: the catalog of rule sets and banks, its own
/// store, the service with its clock and settings, the routes and the services to run. The
/// command line and the tests build it with the same function, `buildExamNode`.
public struct ExamNode: Sendable {
    public let configuration: ExamNodeConfiguration
    public let service: ExamService
    /// The node's own store; the service reaches it only through `ExamStore`.
    let store: SQLiteExamStore
    /// The node's Ed25519 key (`DATA/node-signing.key`, made on first start): it signs the
    /// node's results; the portal registers its public half (`seleksi exam-node key`).
    public let signingKey: SigningKey

    /// The node's routes (the candidate and proctor APIs, the pages).
    public func router() -> Router<ExamRequestContext> { buildExamRouter(service: service) }

    /// What runs: HTTPS for candidates and proctors, HTTP redirecting to it, the sweeper, the
    /// link to the portal (when `portal.url` is set) and the checkpointer, after crediting
    /// the downtime the heartbeat proves.
    public func services(logger: Logger) async throws -> [any Service] {
        let credited = try await service.creditDowntime()
        if credited > 0 {
            logger.notice("node sempat mati \(credited / 1000) detik; peserta yang sedang ujian tidak dibebani waktu itu (tercatat di log audit)")
        }
        let listen = ListenSettings(
            host: configuration.host,
            httpsPort: configuration.httpsPort,
            httpPort: configuration.httpPort,
            dataDirectory: configuration.dataDirectory,
            certificatePath: configuration.certificatePath,
            keyPath: configuration.keyPath,
            publicURL: configuration.publicURL,
            idleTimeoutSeconds: configuration.idleTimeoutSeconds,
            maxConnections: configuration.maxConnections,
            selfSignedName: "Seleksi exam node"
        )
        let applications = try HTTPSServer.applications(
            router: router(),
            settings: listen,
            serverName: "seleksi-exam-node",
            configHint: "Config/exam-node.yaml",
            logger: logger
        )
        let link: [any Service] = try configuration.portalLink.map { [try PortalLink(service: service, settings: $0, logger: logger)] } ?? []
        return applications + [Sweeper(service: service, logger: logger)] + link + store.maintenance(logger: logger)
    }
}

/// Builds the node: creates its data folder, loads the catalog (unless one is given; a
/// broken bank or rule set throws `BankProblems`), opens and migrates its store.
/// - Parameters:
///   - configuration: what `Config/exam-node.yaml` and the command line say.
///   - clock: deadlines follow it; the default is wall time carried by the monotonic clock.
///   - catalog: an already loaded catalog (tests share one).
public func buildExamNode(_ configuration: ExamNodeConfiguration, clock: any ServerClock = AnchoredClock(), catalog: ExamCatalog? = nil) throws -> ExamNode {
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    let catalog = try catalog ?? ExamCatalog.load(rulesDirectory: configuration.rulesDirectory, bankDirectory: configuration.bankDirectory)
    let store = try SQLiteExamStore.open(path: configuration.dataDirectory + "/exam.sqlite")
    let key: SigningKey
    do {
        key = try SigningKey.loadOrCreate(path: configuration.dataDirectory + "/node-signing.key")
    } catch {
        throw ConfigurationError(message: error.message)
    }
    var settings = configuration.settings
    settings.signingKey = key
    let service = ExamService(store: store, clock: clock, catalog: catalog, settings: settings)
    return ExamNode(configuration: configuration, service: service, store: store, signingKey: key)
}
