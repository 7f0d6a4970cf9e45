public import Hummingbird
import HummingbirdTLS
public import Logging
import NIOSSL

/// Where a service listens and which certificate it shows; the exam node and the
/// portal read theirs from their own files in `Config/`.
public struct ListenSettings: Sendable {
    public var host: String
    public var httpsPort: Int
    public var httpPort: Int
    public var dataDirectory: String
    public var certificatePath: String?
    public var keyPath: String?

    public init(host: String, httpsPort: Int, httpPort: Int, dataDirectory: String, certificatePath: String? = nil, keyPath: String? = nil) {
        self.host = host
        self.httpsPort = httpsPort
        self.httpPort = httpPort
        self.dataDirectory = dataDirectory
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}

/// The same TLS set-up for every service: TLS 1.2 at least, the configured
/// certificate or a self-signed one for localhost made on first start, and plain
/// HTTP on a second port that only redirects to HTTPS.
public enum HTTPSServer {
    /// The HTTPS application and the redirecting HTTP one, ready to run as services.
    public static func applications<Responder: HTTPResponderBuilder>(
        router: Responder, settings: ListenSettings, serverName: String, configHint: String, logger: Logger
    ) throws -> [any ApplicationProtocol] where Responder.Responder.Context: RequestContext, Responder.Responder.Context.Source == ApplicationRequestContextSource {
        var certificate = settings.certificatePath
        var key = settings.keyPath
        if certificate == nil || key == nil {
            let generated = try SelfSignedCertificate.ensure(in: settings.dataDirectory)
            certificate = generated.certificate
            key = generated.key
            logger.notice(
                "\(generated.created ? "sertifikat swatanda dibuat" : "sertifikat swatanda dipakai"): \(generated.certificate) (atur tls.certificate/tls.key di \(configHint) untuk sertifikat resmi)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate!).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key!, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        let https = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(settings.host, port: settings.httpsPort), serverName: serverName, backlog: listenBacklog),
            logger: logger)
        let http = Application(
            router: redirectRouter(httpsPort: settings.httpsPort),
            configuration: .init(address: .hostname(settings.host, port: settings.httpPort), serverName: serverName + "-redirect", backlog: listenBacklog),
            logger: logger)
        return [https, http]
    }

    /// Connections the kernel may queue before they are accepted. A full room logs in
    /// within the same seconds; with the usual 256 the queue overflows while the event
    /// loops are busy with handshakes, and each dropped connection waits 1, 3, 7 s for
    /// its retry. (Linux caps it at `net.core.somaxconn`.)
    static let listenBacklog = 4096

    /// Plain HTTP does one thing: send the browser to HTTPS.
    public static func redirectRouter(httpsPort: Int) -> Router<BasicRequestContext> {
        let router = Router()
        router.on("**", method: .get, use: redirect(httpsPort))
        router.on("**", method: .post, use: redirect(httpsPort))
        router.on("/", method: .get, use: redirect(httpsPort))
        return router
    }

    private static func redirect(_ httpsPort: Int) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { request, _ in
            let host = (request.head.authority ?? "localhost").split(separator: ":").first.map(String.init) ?? "localhost"
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(status: .permanentRedirect, headers: [.location: "https://\(host):\(httpsPort)\(request.uri.path)\(query)"])
        }
    }
}
