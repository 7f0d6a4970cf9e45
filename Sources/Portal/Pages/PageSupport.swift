import Foundation
import Hummingbird
import Logging
import MultipartKit
import Mustache
import NIOCore
import Registration
import SeleksiAuth
import SeleksiCore
import SeleksiHTTP

/// Renders the server-side pages (swift-mustache, Indonesian text, no JavaScript
/// needed) and holds what every page handler shares: form fields, the CSRF check,
/// cookies and redirects.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let formTokens: FormTokens

    static let titles = [
        "beranda": "Beranda", "formasi": "Formasi", "daftar": "Buat akun", "verifikasi-email": "Verifikasi email", "masuk": "Masuk",
        "lupa-sandi": "Lupa kata sandi", "atur-sandi": "Atur kata sandi", "lamaran": "Lamaran saya", "kartu-pendaftaran": "Kartu pendaftaran",
        "kartu-ujian": "Kartu ujian", "staf-masuk": "Masuk staf", "staf-daftar": "Verifikasi", "staf-lamaran": "Lamaran", "staf-panitia": "Panitia",
        "staf-jadwal": "Jadwal periode", "staf-instansi": "Instansi", "staf-formasi": "Formasi (panitia)", "staf-formasi-ubah": "Formasi",
        "staf-sesi": "Sesi ujian", "staf-sesi-ubah": "Sesi ujian", "klaim-nik": "Klaim NIK", "staf-node": "Node ujian", "staf-klaim-daftar": "Klaim NIK",
        "staf-klaim": "Klaim NIK", "staf-hasil": "Hasil dan pengumuman", "hasil": "Hasil SKD",
        "staf-pengamat": "Pengamatan", "staf-pengamat-sesi": "Log audit node",
    ]

    static func load(formTokens: FormTokens) async throws -> PageRenderer {
        guard let folder = Bundle.module.resourcePath.map({ $0 + "/Templates" }) else {
            throw RegistrationError("templates", kind: .internal, "Templat halaman tidak ditemukan.")
        }
        return PageRenderer(library: try await MustacheLibrary(directory: folder), formTokens: formTokens)
    }

    /// A page with the shared header: `values` plus the signed-in user and the CSRF token.
    func render(_ template: String, _ values: [String: Any], context: PortalRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["title"] = values["title"] ?? Self.titles[template] ?? "Seleksi"
        values["csrf"] = values["csrf"] ?? context.session?.csrf
        // The header's sign-out form carries the session's token even on a page whose own
        // form carries an anonymous one (`/masuk` opened while signed in).
        values["sessionCsrf"] = context.session?.csrf
        switch context.session?.principal {
        case .applicant: values["applicant"] = true
        case .staff(let staff):
            values["staff"] = [
                "username": staff.username, "role": StaffLabels.role(staff.role), "admin": staff.role == .admin, "observer": staff.role == .observer,
                "verifier": [.verifier, .admin].contains(staff.role), "interviewer": staff.role == .interviewer,
            ]
        case nil: break
        }
        guard let html = library.render(Self.withoutEmptyText(values), withTemplate: template) else {
            context.logger.error("missing page template", metadata: ["template": "\(template)"])
            return PortalErrorMiddleware.page(500, "Halaman ini sedang bermasalah. Data yang sudah tersimpan tetap aman; coba lagi.")
        }
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}

extension PageRenderer {
    /// Mustache counts an empty string as present, so `{{#note}}Keterangan: {{note}}{{/note}}`
    /// would print a label with nothing after it: empty texts are taken out before
    /// rendering, on every page.
    static func withoutEmptyText(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues(withoutEmptyText)
    }

    private static func withoutEmptyText(_ value: Any) -> Any? {
        switch value {
        case let text as String: text.isEmpty ? nil : text
        case let dictionary as [String: Any]: withoutEmptyText(dictionary)
        case let array as [Any]: array.compactMap(withoutEmptyText)
        default: value
        }
    }

    /// A public page that is the same for every visitor (the results board), so that a
    /// shared cache may keep it: rendered as for someone signed out, whoever asks.
    func renderShared(_ template: String, _ values: [String: Any], context: PortalRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        var anonymous = context
        anonymous.session = nil
        return render(template, values, context: anonymous, status: status)
    }

    /// A shared page's HTML, rendered as for someone signed out (to be cached by its `ETag`).
    func sharedHTML(_ template: String, _ values: [String: Any]) -> String? {
        var values = values
        values["title"] = values["title"] ?? Self.titles[template] ?? "Seleksi"
        return library.render(Self.withoutEmptyText(values), withTemplate: template)
    }

    /// A page whose form is sent before login: it carries the signed anonymous form token,
    /// set as a cookie too when the visitor has none yet.
    func renderAnonymous(
        _ template: String,
        _ values: [String: Any],
        _ request: Request,
        _ context: PortalRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let token = PageHelpers.formToken(request, formTokens)
        var values = values
        values["csrf"] = token.value
        return PageHelpers.withFormCookie(render(template, values, context: context, status: status), token)
    }
}

/// A form's fields, from `application/x-www-form-urlencoded` or `multipart/form-data`.
struct FormFields: Sendable {
    var values: [String: String]
    /// Uploaded files by field name (multipart only).
    var files: [String: [UInt8]] = [:]

    subscript(_ key: String) -> String { values[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }

    /// What a form shows in a field: what was typed when it is shown again after a
    /// refusal (`form`), else the stored value.
    static func shown(_ form: FormFields?, _ name: String, _ stored: String?) -> String { form.map { $0[name] } ?? stored ?? "" }

    static func read(_ request: Request, context: PortalRequestContext, limit: Int? = nil) async throws -> FormFields {
        let contentType = request.headers[.contentType] ?? ""
        if contentType.hasPrefix("multipart/form-data") {
            guard let boundary = contentType.components(separatedBy: "boundary=").last?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                !boundary.isEmpty
            else { throw RegistrationError.invalid("malformed-form", "Formulir unggah tidak sah.") }
            let buffer = try await request.body.collect(upTo: limit ?? context.maxUploadSize)
            let parts = try Self.multipartParts(buffer, boundary: boundary)
            var form = FormFields(values: [:])
            for part in parts {
                guard let name = part.name else { continue }
                if (part.headers.first(name: "Content-Disposition") ?? "").contains("filename=") {
                    form.files[name] = Array(part.body.readableBytesView)
                } else {
                    form.values[name] = String(buffer: part.body)
                }
            }
            return form
        }
        let buffer = try await request.body.collect(upTo: limit ?? 64 * 1024)
        do {
            return FormFields(values: try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: buffer)))
        } catch {
            throw RegistrationError.invalid("malformed-form", "Isi formulir tidak dapat dibaca.")
        }
    }

    static func multipartParts(_ buffer: ByteBuffer, boundary: String) throws -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        final class Collector: @unchecked Sendable {
            var parts: [MultipartPart] = []
            var headers = HTTPHeaders()
            var body = ByteBuffer()
        }
        let collector = Collector()
        parser.onHeader = { name, value in collector.headers.add(name: name, value: value) }
        parser.onBody = { chunk in collector.body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            collector.parts.append(MultipartPart(headers: collector.headers, body: collector.body))
            collector.headers = HTTPHeaders()
            collector.body = ByteBuffer()
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw RegistrationError.invalid("malformed-form", "Formulir unggah tidak sah.")
        }
        return collector.parts
    }
}

enum PageHelpers {
    /// 303 to `location`: the browser follows with a GET, so a reload never re-posts.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func sessionCookie(_ token: String, maxAge: Int) -> Cookie {
        Cookie(name: Portal.sessionCookie, value: token, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .lax)
    }

    /// The anonymous forms' token: a cookie the form must echo (double submit), signed by
    /// the server so that a planted cookie of someone else's choosing is not one.
    static func formToken(_ request: Request, _ tokens: FormTokens) -> (value: String, isNew: Bool) {
        if let value = request.cookies[formCookie]?.value, tokens.isValid(value) { return (value, false) }
        return (tokens.issue(), true)
    }

    static func withFormCookie(_ response: Response, _ token: (value: String, isNew: Bool)) -> Response {
        var response = response
        if token.isNew {
            response.setCookie(Cookie(name: formCookie, value: token.value, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// An anonymous form's CSRF check.
    static func checkFormToken(_ request: Request, _ form: FormFields, _ tokens: FormTokens) throws {
        guard let cookie = request.cookies[formCookie]?.value, tokens.isValid(cookie), SecretToken.matches(form["csrf"], cookie) else {
            throw RegistrationError.badCSRF
        }
    }

    /// A signed-in form's CSRF check: the field must be this session's token.
    static func checkSessionToken(_ context: PortalRequestContext, _ form: FormFields) throws {
        guard let session = context.session, SecretToken.matches(form["csrf"], session.csrf) else { throw RegistrationError.badCSRF }
    }

    static func error(_ error: RegistrationError) -> [String: Any] {
        ["error": error.message, "errorCode": error.code]
    }

    static func status(_ error: RegistrationError) -> HTTPResponse.Status { .init(code: error.status) }
}
