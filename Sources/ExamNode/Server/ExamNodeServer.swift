import Foundation
public import Hummingbird
import SeleksiHTTP
import SeleksiStorage
public import Logging
public import ServiceLifecycle

/// Finishes expired attempts and records the node's heartbeat, every half second,
/// until the node shuts down.
public struct Sweeper: Service {
    let service: ExamService
    let logger: Logger

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let outcome = try await service.sweep()
                if outcome.finished > 0 { logger.info("waktu habis: \(outcome.finished) ujian diselesaikan dan dinilai") }
                for failure in outcome.failures { logger.error("ujian tidak dapat diselesaikan: \(failure)") }
            } catch {
                logger.error("sweeper: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// The running exam node: HTTPS for candidates and proctors, HTTP redirecting to it,
/// the sweeper and the checkpointer, as services of one group with graceful shutdown on SIGTERM.
public enum ExamNodeServer {
    public static func services(configuration: ExamNodeConfiguration, service: ExamService, logger: Logger) throws -> [any Service] {
        let listen = ListenSettings(
            host: configuration.host, httpsPort: configuration.httpsPort, httpPort: configuration.httpPort,
            dataDirectory: configuration.dataDirectory, certificatePath: configuration.certificatePath, keyPath: configuration.keyPath,
            publicURL: configuration.publicURL, idleTimeoutSeconds: configuration.idleTimeoutSeconds, maxConnections: configuration.maxConnections,
            selfSignedName: "Seleksi exam node")
        let applications = try HTTPSServer.applications(
            router: buildExamRouter(service: service), settings: listen, serverName: "seleksi-exam-node", configHint: "Config/exam-node.yaml", logger: logger)
        return applications + [Sweeper(service: service, logger: logger), Checkpointer(path: service.database.path, logger: logger)]
    }
}
