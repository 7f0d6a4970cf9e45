import Foundation
import HTTPTypes
import Testing

@Suite("Portal: security headers on every page")
struct SecurityHeaderTests {
    static let required: [String: String] = [
        "Strict-Transport-Security": "max-age=31536000", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    ]

    @Test(
        "every page, the style sheet, the document and an error carry HSTS, nosniff, a referrer policy and a CSP without inline script that no frame may embed"
    )
    func everyPage() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let paths = [
                "/", "/formasi", "/formasi?q=pranata", "/daftar", "/masuk", "/lupa-sandi", "/atur-sandi", "/verifikasi-email", "/staf/masuk", "/klaim-nik",
                "/static/portal.css", "/openapi.json", "/api/period", "/api/formations", "/tidak-ada", "/lamaran",
            ]
            for path in paths {
                let reply = try await client.send(.get, path)
                for (name, value) in Self.required {
                    #expect(reply.headers[HTTPField.Name(name)!] == value, "\(path): \(name)")
                }
                let policy = reply.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "\(path)")
                if reply.headers[.contentType]?.hasPrefix("text/html") == true {
                    #expect(!reply.text.contains("<script>") && !reply.text.contains(" onclick="), "\(path) has inline script")
                }
            }
        }
    }
}
