import Foundation
import Hummingbird
import SeleksiHTTP
import SeleksiStorage
public import Logging
public import ServiceLifecycle

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
