public import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
public import Logging
import NIOCore
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
    /// The address people reach the service at (`https://ujian.example.go.id`): where plain
    /// HTTP redirects to, never the request's own `Host`. Without it, the listening host and port.
    public var publicURL: String?
    /// A connection with no request part for this long is closed: a client that sends its
    /// headers a byte every few seconds never completes one, so it goes too.
    public var idleTimeoutSeconds: Int
    /// Connections served at once; more are closed as they arrive.
    public var maxConnections: Int
    /// Which certificate names the service when none is configured.
    public var selfSignedName: String

    public init(
        host: String,
        httpsPort: Int,
        httpPort: Int,
        dataDirectory: String,
        certificatePath: String? = nil,
        keyPath: String? = nil,
        publicURL: String? = nil,
        idleTimeoutSeconds: Int = 30,
        maxConnections: Int = 16_384,
        selfSignedName: String = "Seleksi"
    ) {
        self.host = host
        self.httpsPort = httpsPort
        self.httpPort = httpPort
        self.dataDirectory = dataDirectory
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.publicURL = publicURL
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.selfSignedName = selfSignedName
    }

    /// Where plain HTTP sends a browser: the public address, or this host and HTTPS port.
    public var redirectBase: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shown = ["0.0.0.0", "::", ""].contains(host) ? "localhost" : host
        return "https://\(shown.contains(":") ? "[\(shown)]" : shown):\(httpsPort)"
    }
}

/// The same TLS set-up for every service: TLS 1.2 at least, the configured
/// certificate or a self-signed one for localhost made on first start, and plain
/// HTTP on a second port that only redirects to HTTPS.
public enum HTTPSServer {
    /// The HTTPS application and the redirecting HTTP one, ready to run as services.
    public static func applications<Responder: HTTPResponderBuilder>(
        router: Responder,
        settings: ListenSettings,
        serverName: String,
        configHint: String,
        logger: Logger
    ) throws -> [any ApplicationProtocol]
    where Responder.Responder.Context: RequestContext, Responder.Responder.Context.Source == ApplicationRequestContextSource {
        var certificate = settings.certificatePath
        var key = settings.keyPath
        if certificate == nil || key == nil {
            let generated = try SelfSignedCertificate.ensure(in: settings.dataDirectory, organization: settings.selfSignedName)
            certificate = generated.certificate
            key = generated.key
            logger.notice(
                "\(generated.created ? "sertifikat swatanda dibuat" : "sertifikat swatanda dipakai"): \(generated.certificate) (atur tls.certificate/tls.key di \(configHint) untuk sertifikat resmi)"
            )
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate!).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key!, format: .pem))
        )
        tls.minimumTLSVersion = .tlsv12
        // TLS 1.2 offers only AEAD suites with forward secrecy (no CBC), as scanners expect;
        // TLS 1.3's suites are all AEAD already.
        tls.cipherSuites = aeadCipherSuites
        // One count per TCP connection on both ports, taken before TLS (see `GuardedChannel`).
        let limit = ConnectionLimit(maximum: settings.maxConnections)
        let tlsConfiguration = tls
        let idle = TimeAmount.seconds(Int64(settings.idleTimeoutSeconds))
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))
        // HTTP/2 where the browser offers it by ALPN (results day, and the exam page's many
        // small requests, share one connection); HTTP/1.1 for everyone else. A connection
        // without open streams is closed after the same idle time.
        let http2 = HTTP2UpgradeChannel.Configuration(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)), streamConfiguration: http1)
        let https = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedChannel(
                    inner: try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, configuration: http2, responder: responder),
                    limit: limit,
                    handshakeTimeout: idle,
                    logger: logger
                )
            },
            configuration: .init(address: .hostname(settings.host, port: settings.httpsPort), serverName: serverName, backlog: listenBacklog),
            logger: logger
        )
        let http = Application(
            router: redirectRouter(to: settings.redirectBase),
            server: HTTPServerBuilder { responder in
                GuardedChannel(inner: HTTP1Channel(responder: responder, configuration: http1), limit: limit, handshakeTimeout: idle, logger: logger)
            },
            configuration: .init(address: .hostname(settings.host, port: settings.httpPort), serverName: serverName + "-redirect", backlog: listenBacklog),
            logger: logger
        )
        return [https, http]
    }

    /// Connections the kernel may queue before they are accepted. A full room logs in
    /// within the same seconds; with the usual 256 the queue overflows while the event
    /// loops are busy with handshakes, and each dropped connection waits 1, 3, 7 s for
    /// its retry. (Linux caps it at `net.core.somaxconn`.)
    static let listenBacklog = 4096

    /// One TLS 1.2 suite per key type: the one HTTP/2 requires every client to have
    /// (RFC 9113 §9.2.2), AEAD with forward secrecy. With one there is no order to get
    /// wrong: swift-nio-ssl cannot set BoringSSL's server preference, and with several a
    /// client could pick the weakest (testssl.sh flags that as `cipher_order`).
    static let aeadCipherSuites = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"].joined(separator: ":")

    /// Plain HTTP does one thing: send the browser to the same path at `base` (the
    /// configured public address). The request's `Host` never chooses where.
    public static func redirectRouter(to base: String) -> Router<BasicRequestContext> {
        let router = Router()
        let handler = redirect(base)
        for method in [HTTPRequest.Method.get, .head, .post, .put, .delete] {
            router.on("**", method: method, use: handler)
            router.on("/", method: method, use: handler)
        }
        return router
    }

    private static func redirect(_ base: String) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { request, _ in
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(status: .permanentRedirect, headers: [.location: base + request.uri.path + query])
        }
    }
}
