import Foundation
import Hummingbird
import HummingbirdTesting
import SeleksiCore
import SeleksiHTTP
import Testing

/// What an error answer tells the client: its own message for what the client can mend,
/// the code and a plain message for a server fault (whose text is for the log).
@Suite("Error bodies")
struct ErrorBodyTests {
    struct Fault: PublicError {
        let code: String
        let kind: ErrorKind
        let message: String
    }

    @Test("a server fault's own text (a file path) never reaches the client; its code does; a client error keeps its message")
    func serverFaultHidden() async throws {
        let router = Router()
        router.add(middleware: ErrorMiddleware<BasicRequestContext>(internalMessage: "Terjadi kesalahan di server."))
        router.get("/rusak") { _, _ -> String in
            throw Fault(code: "civil-registry-file", kind: .internal, message: "Berkas data kependudukan /etc/seleksi/dukcapil.csv tidak dapat dibaca.")
        }
        router.get("/salah") { _, _ -> String in throw Fault(code: "invalid-gpa", kind: .invalid, message: "IPK harus 0,00-4,00.") }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/rusak", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .internalServerError && body.contains("civil-registry-file") && body.contains("Terjadi kesalahan di server."))
                #expect(!body.contains("/etc/seleksi"), "\(body)")
            }
            try await client.execute(uri: "/salah", method: .get) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("IPK harus 0,00-4,00."))
            }
        }
    }
}
