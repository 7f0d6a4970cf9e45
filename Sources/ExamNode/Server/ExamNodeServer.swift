import Foundation
public import Hummingbird
import HummingbirdTLS
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
                let finished = try await service.sweep()
                if finished > 0 { logger.info("waktu habis: \(finished) ujian diselesaikan dan dinilai") }
            } catch {
                logger.error("sweeper: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// Plain HTTP does one thing: send the browser to HTTPS.
func buildRedirectRouter(httpsPort: Int) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("**") { request, _ -> Response in
        let host = (request.head.authority ?? "localhost").split(separator: ":").first.map(String.init) ?? "localhost"
        let target = "https://\(host):\(httpsPort)\(request.uri.path)"
        return Response(status: .permanentRedirect, headers: [.location: target])
    }
    return router
}

/// The running exam node: HTTPS for candidates and proctors, HTTP redirecting to it,
/// and the sweeper, as services of one group with graceful shutdown on SIGTERM.
public enum ExamNodeServer {
    public static func services(configuration: ExamNodeConfiguration, service: ExamService, logger: Logger) throws -> [any Service] {
        var certificate = configuration.certificatePath
        var key = configuration.keyPath
        if certificate == nil {
            let generated = try SelfSignedCertificate.ensure(in: configuration.dataDirectory)
            certificate = generated.certificate
            key = generated.key
            logger.notice(
                "\(generated.created ? "sertifikat swatanda dibuat" : "sertifikat swatanda dipakai"): \(generated.certificate) (atur tls.certificate/tls.key di Config/exam-node.yaml untuk sertifikat resmi)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate!).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key!, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        let https = Application(
            router: buildExamRouter(service: service),
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(configuration.host, port: configuration.httpsPort), serverName: "seleksi-exam-node"),
            logger: logger)
        let http = Application(
            router: buildRedirectRouter(httpsPort: configuration.httpsPort),
            configuration: .init(address: .hostname(configuration.host, port: configuration.httpPort), serverName: "seleksi-redirect"),
            logger: logger)
        return [https, http, Sweeper(service: service, logger: logger)]
    }
}
