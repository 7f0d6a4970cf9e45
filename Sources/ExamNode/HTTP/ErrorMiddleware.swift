import Foundation
import Hummingbird
import Logging
import NIOCore

/// One error body for the whole API: `{"error": {"code": ..., "message": ...}}`, with
/// an Indonesian message. Nothing unexpected leaks: an unknown error is a logged 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ExamNodeError {
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
            return Self.response(status: 500, code: "internal", message: "Terjadi kesalahan di server. Jawaban yang sudah tersimpan tetap aman.")
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

    static func response(status: Int, code: String, message: String) -> Response {
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message)))) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
