import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The other side of the link said no (its status and error code), as opposed to not
/// answering: a 4xx is final for that package, a 5xx means "try again".
public struct LinkRefusal: Error, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    public var description: String { "\(status) \(code): \(message)" }

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// One HTTPS client for the link either way (a node calling its portal, the portal
/// calling a node): HTTP/1.1 (a few large requests a minute), the other side's
/// certificate checked against the system's roots or a configured authority file.
public struct HTTPSLinkClient: Sendable {
    let client: HTTPClient

    /// `certificateAuthority`: a PEM file of the certificate(s) to trust; `setting` names
    /// where it was configured, for the message if it cannot be read.
    public init(certificateAuthority: String?, setting: String) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let certificateAuthority {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificateAuthority))
            } catch {
                throw ConfigurationError(message: "\(setting): sertifikat \(certificateAuthority) tidak dapat dibaca (\(error))")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        // No read timeout: each request has its deadline (a large roster loads slowly while a session runs).
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// POSTs `body` (JSON) to `url` with `headers`, waiting at most `seconds` for the whole
    /// answer; the answer's bytes on 200, `LinkRefusal` otherwise.
    public func post(_ url: String, _ body: Data, headers: [(String, String)] = [], seconds: Int64 = 60) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(seconds))
        let answer = Data(try await response.body.collect(upTo: 256 * 1_048_576).readableBytesView)
        guard response.status == .ok else {
            let object = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
            let error = object?["error"] as? [String: Any]
            throw LinkRefusal(
                status: Int(response.status.code),
                code: error?["code"] as? String ?? "",
                message: error?["message"] as? String ?? "HTTP \(response.status.code)"
            )
        }
        return answer
    }

    public func shutdown() async { try? await client.shutdown() }
}
