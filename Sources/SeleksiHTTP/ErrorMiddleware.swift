import Foundation
public import Hummingbird
import Logging
import NIOCore
public import SeleksiCore

/// An error a client may see: a machine-readable code, its kind and an Indonesian
/// message someone can act on. Each service's domain errors conform (at its HTTP edge).
public protocol PublicError: Error, Sendable {
    var code: String { get }
    var kind: ErrorKind { get }
    var message: String { get }
}

extension PublicError {
    /// The one place a kind becomes an HTTP status.
    public var status: Int { kind.httpStatus }
}

extension ErrorKind {
    public var httpStatus: Int {
        switch self {
        case .malformed: 400
        case .invalid: 422
        case .tooLarge: 413
        case .unsupportedType: 415
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .tooMany: 429
        case .unavailable: 503
        case .internal: 500
        }
    }
}

/// One error body for every API: `{"error": {"code": ..., "message": ...}}`, with an
/// Indonesian message. Nothing unexpected leaks: an unknown error is a logged 500.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    /// What a 500 tells the client (each service says what is still safe).
    let internalMessage: String

    public init(internalMessage: String = "Terjadi kesalahan di server. Data yang sudah tersimpan tetap aman.") {
        self.internalMessage = internalMessage
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any PublicError {
            // A server fault's own text (a file path, a library's error) is for the log;
            // the client gets its code and the plain message.
            guard error.status != 500 else {
                context.logger.error("server error", metadata: ["code": "\(error.code)", "error": "\(error.message)", "path": "\(request.uri.path)"])
                return Self.response(status: 500, code: error.code, message: internalMessage)
            }
            return Self.response(status: error.status, code: error.code, message: error.message)
        } catch let error as HTTPError {
            let (code, message) = Self.describe(error.status)
            return Self.response(status: error.status.code, code: code, message: message)
        } catch is NIOTooManyBytesError {
            return Self.response(status: 413, code: "body-too-large", message: "Isi permintaan terlalu besar.")
        } catch is DecodingError {
            return Self.response(status: 400, code: "malformed-json", message: "Isi permintaan bukan JSON yang diharapkan.")
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Self.response(status: 500, code: "internal", message: internalMessage)
        }
    }

    static func describe(_ status: HTTPResponse.Status) -> (String, String) {
        switch status.code {
        case 400: ("malformed-json", "Isi permintaan bukan JSON yang diharapkan.")
        case 404: ("not-found", "Alamat tidak ditemukan.")
        case 405: ("method-not-allowed", "Metode tidak diizinkan untuk alamat ini.")
        case 413: ("body-too-large", "Isi permintaan terlalu besar.")
        default: ("http-\(status.code)", status.reasonPhrase)
        }
    }

    /// The JSON error body, for routes that answer an error without throwing.
    public static func response(status: Int, code: String, message: String) -> Response {
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message)))) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// Headers every response carries.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        // Nothing goes to other sites; "no-referrer" would also make Chromium send
        // `Origin: null` with this site's own forms, which the same-origin check refuses.
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        if response.headers[.init("Content-Security-Policy")!] == nil {
            response.headers[.init("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; form-action 'self'"
        }
        response.headers[.init("Strict-Transport-Security")!] = "max-age=31536000"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
