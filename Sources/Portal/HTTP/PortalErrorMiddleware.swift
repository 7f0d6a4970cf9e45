import Foundation
import Hummingbird
import Logging
import NIOCore
import SeleksiHTTP

/// Errors on `/api` answer the JSON error body; errors on pages answer the site's own
/// page (header, menu, footer) with the Indonesian message and what to do next. A
/// visitor who is not signed in is sent to sign in, told why, and brought back after.
struct PortalErrorMiddleware: RouterMiddleware {
    let pages: PageRenderer
    static let serverFault = "Terjadi kesalahan di server. Data yang sudah tersimpan tetap aman; coba lagi."
    let json = ErrorMiddleware<PortalRequestContext>(internalMessage: Self.serverFault)

    func handle(_ request: Request, context: PortalRequestContext, next: (Request, PortalRequestContext) async throws -> Response) async throws -> Response {
        if isAPI(request) { return try await json.handle(request, context: context, next: next) }
        do {
            return try await next(request, context)
        } catch let error as any PublicError {
            if error.status == 401 { return Self.signIn(request) }
            // A server fault's own text (a file path, a library's error) is for the log.
            guard error.status != 500 else {
                context.logger.error("server error", metadata: ["error": "\(error.message)", "code": "\(error.code)", "path": "\(request.uri.path)"])
                return page(error.status, Self.serverFault, context, code: error.code)
            }
            return page(error.status, error.message, context, code: error.code)
        } catch let error as HTTPError {
            return page(error.status.code, error.status.code == 404 ? "Halaman tidak ditemukan." : error.status.reasonPhrase, context)
        } catch is NIOTooManyBytesError {
            return page(413, "Isi permintaan terlalu besar.", context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return page(500, Self.serverFault, context)
        }
    }

    /// To the sign-in page of the visitor's kind; a page opened by a link (`GET`) is
    /// named so that sign-in returns to it.
    static func signIn(_ request: Request) -> Response {
        if request.uri.path.hasPrefix("/staf") { return PageHelpers.redirect("/staf/masuk") }
        guard request.method == .get else { return PageHelpers.redirect("/masuk") }
        return PageHelpers.redirect("/masuk?lanjut=" + ReturnPath.encoded(request.uri.string))
    }

    func page(_ status: Int, _ message: String, _ context: PortalRequestContext, code: String? = nil) -> Response {
        let (heading, advice) = Self.advice(status, code: code)
        return pages.render(
            "galat",
            ["title": heading, "heading": heading, "message": message, "advice": advice],
            context: context,
            status: .init(code: status)
        )
    }

    /// The heading and the next step for each kind of refusal. A form left open too long
    /// (or sent from elsewhere) is refused as forbidden too, but its next step is to
    /// reload the form, not to change accounts.
    static func advice(_ status: Int, code: String? = nil) -> (String, String) {
        if code == "invalid-csrf" || code == "cross-site" {
            return (
                "Formulir perlu dimuat ulang",
                "Buka lagi halaman formulirnya dari menu di atas, isi, lalu kirim. Tidak ada yang tersimpan dari kiriman ini."
            )
        }
        return switch status {
        case 404: ("Halaman tidak ditemukan", "Periksa alamat yang Anda buka, atau pilih halaman dari menu di atas.")
        case 403:
            (
                "Tidak diizinkan",
                "Halaman atau tindakan ini bukan untuk akun Anda. Jika Anda yakin berhak, keluar lalu masuk dengan akun yang benar."
            )
        case 413: ("Terlalu besar", "Perkecil berkasnya, lalu kirim lagi dari halaman sebelumnya.")
        case 429: ("Terlalu banyak percobaan", "Tunggu sebentar, lalu coba lagi.")
        case 500...:
            (
                "Sedang bermasalah", "Data yang sudah tersimpan tetap aman. Coba lagi beberapa menit lagi; jika tetap gagal, hubungi layanan bantuan panitia."
            )
        default: ("Tidak dapat diproses", "Kembali ke halaman sebelumnya, perbaiki isiannya, lalu kirim lagi.")
        }
    }

    /// The last resort, when a page's own template cannot be rendered: the same frame,
    /// written out.
    static func page(_ status: Int, _ message: String) -> Response {
        let escaped = message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">",
            with: "&gt;"
        )
        let (heading, advice) = advice(status)
        let html = """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(heading) · Seleksi ASN</title><link rel="stylesheet" href="/static/portal.css"></head>
            <body><header class="top"><a class="brand" href="/">Seleksi ASN</a><nav><a href="/formasi">Formasi</a> <a href="/hasil">Hasil</a></nav></header>
            <main><h1>\(heading)</h1><p class="error" role="alert">\(escaped)</p><p>\(advice)</p><p><a href="/">Beranda</a></p></main></body></html>
            """
        return Response(
            status: .init(code: status),
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}
