import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registration
import SeleksiCore
import Testing

@testable import Portal

@Suite("Applications: eligibility, documents, end registration")
struct ApplicationTests {
    @Test("one application per applicant; every ineligibility names its rule")
    func eligibility() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let token = try await client.applicant()
            let unknown = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft(formation: "TIDAK-ADA"))
            #expect(unknown.status == 422 && unknown.code == "unknown-formation")
            let major = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft(major: "Sastra Inggris"))
            #expect(major.status == 422 && major.code == "not-eligible")
            #expect((major["error"] as? [String: Any])?["message"] as? String ?? "" ~= "program studi")
            let papua = try await client.send(
                .post,
                "/api/application",
                token: token,
                json: PortalClient.draft(formation: "BKN-1", major: "Psikologi", location: "Jakarta")
            )
            #expect(papua.status == 422 && ((papua["error"] as? [String: Any])?["message"] as? String ?? "").contains("Papua"))
            let gpa = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft(gpa: 4.5))
            #expect(gpa.status == 422 && gpa.code == "invalid-gpa")
            let location = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft(location: "Atlantis"))
            #expect(location.status == 422 && location.code == "invalid-test-location")
            #expect(try await client.send(.get, "/api/application", token: token).code == "no-application")
            let created = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft())
            #expect(created.status == 201 && created["status"] as? String == "draft")
            let second = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft(formation: "BKN-2"))
            #expect(second.status == 409 && second.code == "second-application")
            // While a draft, the formation may still change (still exactly one application).
            let changed = try await client.send(.put, "/api/application", token: token, json: PortalClient.draft(formation: "BKN-2"))
            #expect(changed.status == 200 && (changed["formation"] as? [String: Any])?["id"] as? String == "BKN-2")
        }
    }

    @Test("the age limit is counted on the registration closing date")
    func ageLimit() async throws {
        // Closing date is 2026-10-01 (WIB); born 1990-12-01 is 35 then, born 1990-09-01 is 36.
        #expect(Eligibility.age(born: (1990, 12, 1), on: (2026, 10, 1)) == 35)
        #expect(Eligibility.age(born: (1990, 10, 1), on: (2026, 10, 1)) == 36)
        #expect(Eligibility.age(born: (2008, 10, 2), on: (2026, 10, 1)) == 17)
        let portal = try await TestPortal()
        try await portal.test { client in
            let token = try await client.applicant(nik: "3201010101850003", email: "tua@contoh.id", birthDate: "1985-01-01", sex: "L")
            let reply = try await client.send(.post, "/api/application", token: token, json: PortalClient.draft())
            #expect(reply.status == 422 && ((reply["error"] as? [String: Any])?["message"] as? String ?? "").contains("paling tinggi 35"))
        }
    }

    @Test("documents: type by content, size before storing, atomic replacement, then locked after submit")
    func documents() async throws {
        let portal = try await TestPortal()
        try await portal.test { client in
            let token = try await client.applicant()
            let noApplication = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.jpeg())
            #expect(noApplication.status == 404 && noApplication.code == "no-application")
            #expect(try await client.send(.post, "/api/application", token: token, json: PortalClient.draft()).status == 201)
            let png = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.png, contentType: "image/jpeg")
            #expect(png.status == 415 && png.code == "wrong-file-type")
            let pdfAsPhoto = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.pdf())
            #expect(pdfAsPhoto.status == 415)
            let cut = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.truncatedJPEG)
            #expect(cut.status == 415, "a file cut off in transfer is refused")
            let big = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.jpeg(200 * 1024 + 1))
            #expect(big.status == 413 && big.code == "file-too-large")
            let unknown = try await client.send(.put, "/api/application/documents/paspor", token: token, bytes: Files.jpeg())
            #expect(unknown.status == 404 && unknown.code == "unknown-document")
            let empty = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: [])
            #expect(empty.status == 422 || empty.status == 415)
            // Refusals stored nothing.
            #expect(try await client.send(.get, "/api/application/documents/foto", token: token).status == 404)
            let stored = try await client.send(.get, "/api/application", token: token)["documents"] as? [Any]
            #expect(stored?.isEmpty == true)

            let first = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.jpeg(fill: 1))
            #expect(first.status == 200)
            let second = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.jpeg(3_000, fill: 2))
            #expect(second.status == 200 && second["sha256"] as? String != first["sha256"] as? String)
            let download = try await client.send(.get, "/api/application/documents/foto", token: token)
            #expect([UInt8](download.body) == Files.jpeg(3_000, fill: 2))
            #expect(download.headers[.contentType] == "image/jpeg")
            #expect(download.headers[.contentSecurityPolicy] == "sandbox; default-src 'none'")
            let same = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.jpeg(3_000, fill: 2))
            #expect(same.status == 200 && same["sha256"] as? String == second["sha256"] as? String)
            let files = try FileManager.default.contentsOfDirectory(atPath: portal.folder + "/documents").flatMap {
                try FileManager.default.contentsOfDirectory(atPath: portal.folder + "/documents/" + $0)
            }
            #expect(files.count == 1, "the replaced file is removed, no temporary file is left: \(files)")

            let incomplete = try await client.send(.post, "/api/application/submit", token: token)
            #expect(incomplete.status == 422 && incomplete.code == "missing-documents")
            for (kind, bytes) in [("swafoto", Files.jpeg()), ("ktp", Files.jpeg()), ("ijazah", Files.pdf()), ("transkrip", Files.pdf())] {
                #expect(try await client.send(.put, "/api/application/documents/\(kind)", token: token, bytes: bytes).status == 200)
            }
            let submitted = try await client.send(.post, "/api/application/submit", token: token)
            #expect(submitted.status == 200 && submitted["status"] as? String == "submitted")
            let edit = try await client.send(.put, "/api/application", token: token, json: PortalClient.draft(formation: "BKN-2"))
            #expect(edit.status == 409 && edit.code == "application-locked")
            let upload = try await client.send(.put, "/api/application/documents/foto", token: token, bytes: Files.jpeg())
            #expect(upload.status == 409 && upload.code == "application-locked")
            let again = try await client.send(.post, "/api/application/submit", token: token)
            #expect(again.status == 409 && again.code == "application-locked")
        }
    }

    @Test("a declared length over the limit is refused before the body is read")
    func declaredLength() async throws {
        // The router test client always sends the true length, so this checks the reader itself.
        let requirement = DocumentRequirement(kind: "ktp", label: "KTP", type: .jpeg, maxKB: 200)
        let body = RequestBody(buffer: ByteBuffer(bytes: Files.jpeg()))
        await #expect(throws: RegistrationError.fileTooLarge(requirement)) {
            _ = try await Upload.read(body, headers: [.contentLength: String(10 * 1024 * 1024)], requirement: requirement)
        }
        let bytes = try await Upload.read(RequestBody(buffer: ByteBuffer(bytes: Files.jpeg())), headers: [:], requirement: requirement)
        #expect(bytes == Files.jpeg())
    }
}

private func ~= (text: String, fragment: String) -> Bool { text.contains(fragment) }
