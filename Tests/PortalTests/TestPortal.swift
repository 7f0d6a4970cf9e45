import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import NIOCore
import SeleksiCore
import Testing

@testable import Portal
@testable import Registration

/// A portal on a temporary store with a manual clock, a period whose registration
/// and verification windows are open, two agencies, formations, exam slots, an admin
/// and one verifier per agency.
final class TestPortal: @unchecked Sendable {
    let folder: String
    let clock = ManualClock(1_790_000_000_000)
    let service: RegistrationService
    var staffSecrets: [String: (password: String, secret: String)] = [:]
    static let day: Int64 = 86_400_000

    init(settings: PortalSettings = TestPortal.settings, civilRegistry: (any CivilRegistry)? = nil) async throws {
        folder = NSTemporaryDirectory() + "seleksi-portal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var settings = settings
        settings.data = folder
        service = try RegistrationService(
            store: try SQLiteRegistrationStore.open(path: folder + "/portal.sqlite", clock: clock),
            clock: clock,
            settings: settings,
            documentDirectory: folder + "/documents",
            civilRegistry: civilRegistry
        )
        let now = clock.nowMilliseconds()
        let day = Self.day
        try await service.setPeriod(
            staff: nil,
            SelectionPeriod(
                id: "casn-test",
                name: "CASN Uji",
                registration: Window(opens: now - day, closes: now + 10 * day),
                verification: Window(opens: now - day, closes: now + 20 * day),
                objectionDays: 3,
                exam: Window(opens: now + 30 * day, closes: now + 40 * day),
                announcement: Window(opens: now + 50 * day, closes: now + 60 * day),
                participantPrefix: "26"
            )
        )
        try await service.addAgency(staff: nil, Agency(id: "kemenkeu", name: "Kementerian Keuangan"))
        try await service.addAgency(staff: nil, Agency(id: "bkn", name: "Badan Kepegawaian Negara"))
        try await service.addFormation(
            staff: nil,
            Formation(
                id: "KEU-1",
                periodID: "",
                agencyID: "kemenkeu",
                position: "Pranata Komputer Ahli Pertama",
                unit: "DJP",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Teknik Informatika"],
                quota: 2,
                type: .general
            )
        )
        try await service.addFormation(
            staff: nil,
            Formation(
                id: "BKN-1",
                periodID: "",
                agencyID: "bkn",
                position: "Analis SDM Aparatur",
                unit: "Kanreg XIV",
                location: "Manokwari",
                educationLevel: .s1,
                majors: ["Psikologi"],
                quota: 1,
                type: .papua
            )
        )
        try await service.addFormation(
            staff: nil,
            Formation(
                id: "BKN-2",
                periodID: "",
                agencyID: "bkn",
                position: "Analis Kepegawaian",
                unit: "Pusat",
                location: "Jakarta",
                educationLevel: .s1,
                majors: ["Psikologi", "Teknik Informatika"],
                quota: 1,
                type: .general
            )
        )
        try await service.addSlot(
            staff: nil,
            ExamSlot(
                id: "jkt-1",
                periodID: "",
                venue: "Kanreg V Jakarta",
                location: "Jakarta",
                startsAt: now + 31 * day,
                timeZone: .wib,
                sessionNumber: 1,
                capacity: 1
            )
        )
        try await service.addSlot(
            staff: nil,
            ExamSlot(
                id: "jkt-2",
                periodID: "",
                venue: "Kanreg V Jakarta",
                location: "Jakarta",
                startsAt: now + 31 * day + 7_200_000,
                timeZone: .wib,
                sessionNumber: 2,
                capacity: 5
            )
        )
        for (username, role, agency) in [("admin", StaffRole.admin, nil), ("verif-keu", .verifier, "kemenkeu"), ("verif-bkn", .verifier, "bkn")]
            as [(String, StaffRole, String?)]
        {
            let (_, password, secret) = try await service.createStaff(username: username, role: role, agencyID: agency)
            staffSecrets[username] = (password, secret)
        }
    }

    /// Ends the registration window now (verification stays open), as the timetable would.
    func closeRegistration() async throws {
        var period = try await service.period()
        period.registration.closes = clock.nowMilliseconds() - 1
        try await service.setPeriod(staff: nil, period)
    }

    static var settings: PortalSettings {
        var settings = PortalSettings()
        settings.bcryptCost = 4
        settings.examRules =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/Config/rules/skd-2024.yaml"
        return settings
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// `live`: over a real socket (where the peer's address matters), not straight to the router.
    func test<Value: Sendable>(live: Bool = false, _ body: @escaping @Sendable (PortalClient) async throws -> Value) async throws -> Value {
        let portal = try await buildPortalRouter(service: service)
        let app = Application(router: portal.router)
        return try await app.test(live ? .live : .router) { client in try await body(PortalClient(client: client, portal: self)) }
    }

    /// The current code of a staff member's authenticator, at the portal's clock.
    func totp(_ username: String, offsetSteps: Int64 = 0) -> String {
        let seconds = Double(clock.nowMilliseconds() / 1000 + offsetSteps * 30)
        return String(format: "%06d", TOTP(secret: staffSecrets[username]!.secret).compute(date: Date(timeIntervalSince1970: seconds)))
    }

    /// The last code mailed to `email`.
    func mailedCode(to email: String) async throws -> String {
        let mail = try await service.store.pendingMail(limit: 1000).last { $0.to == email }
        let body = try #require(mail?.body)
        let match = try #require(body.firstMatch(of: /: (\d{6})/))
        return String(match.1)
    }
}

/// Test documents: the smallest headers that pass the content checks.
enum Files {
    static func jpeg(_ size: Int = 2_000, fill: UInt8 = 7) -> [UInt8] { [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: fill, count: size - 6) + [0xFF, 0xD9] }
    static func pdf(_ size: Int = 3_000, fill: UInt8 = 32) -> [UInt8] {
        Array("%PDF-1.7\n".utf8) + [UInt8](repeating: fill, count: size - 15) + Array("%%EOF\n".utf8)
    }
    /// A JPEG cut off in transfer: the start without the end.
    static let truncatedJPEG: [UInt8] = Array(jpeg().dropLast(2))
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 500)
}

struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: Data

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var code: String { (json["error"] as? [String: Any])?["code"] as? String ?? "" }
    var text: String { String(decoding: body, as: UTF8.self) }
    subscript(_ key: String) -> Any? { json[key] }
}

struct PortalClient: Sendable {
    let client: any TestClientProtocol
    let portal: TestPortal

    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String? = nil,
        json: Any? = nil,
        bytes: [UInt8]? = nil,
        contentType: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let bytes {
            headers[.contentType] = contentType ?? "application/octet-stream"
            buffer = ByteBuffer(bytes: bytes)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: buffer) { response in
            Reply(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    static let nik = "3201014101990001"  // West Java, a woman born 1999-01-01
    static let papuaNIK = "9471010507980002"  // Papua, a man born 1998-07-05

    func signUpForm(nik: String = PortalClient.nik, email: String = "ani@contoh.id", birthDate: String = "1999-01-01", sex: String = "P") -> [String: Any] {
        [
            "nik": nik, "kk": "3201010101100001", "name": "Ani Lestari", "birthPlace": "Bogor", "birthDate": birthDate, "sex": sex, "email": email,
            "phone": "081234567890", "password": "garam-dan-madu-42",
        ]
    }

    /// Signs up, verifies the email and logs in; returns the bearer token.
    func applicant(nik: String = PortalClient.nik, email: String = "ani@contoh.id", birthDate: String = "1999-01-01", sex: String = "P") async throws -> String
    {
        let created = try await send(.post, "/api/accounts", json: signUpForm(nik: nik, email: email, birthDate: birthDate, sex: sex))
        #expect(created.status == 201, "\(created.text)")
        let verified = try await send(.post, "/api/accounts/verify-email", json: ["email": email, "code": try await portal.mailedCode(to: email)])
        #expect(verified.status == 200, "\(verified.text)")
        return try await login(email)
    }

    func login(_ login: String, password: String = "garam-dan-madu-42") async throws -> String {
        let reply = try await send(.post, "/api/sessions", json: ["login": login, "password": password])
        #expect(reply.status == 200, "\(reply.text)")
        return reply["token"] as? String ?? ""
    }

    func staff(_ username: String) async throws -> String {
        let reply = try await send(
            .post,
            "/api/staff/sessions",
            json: ["username": username, "password": portal.staffSecrets[username]!.password, "totp": portal.totp(username)]
        )
        #expect(reply.status == 200, "\(reply.text)")
        return reply["token"] as? String ?? ""
    }

    static func draft(formation: String = "KEU-1", major: String = "Teknik Informatika", gpa: Double = 3.4, location: String = "Jakarta") -> [String: Any] {
        [
            "formationID": formation, "testLocation": location, "disability": false, "residesAbroad": false,
            "education": ["level": "S1", "major": major, "diplomaNumber": "UI/2021/00123", "gpa": gpa, "graduationYear": 2021],
        ]
    }

    /// A complete, submitted application for the applicant of `token`.
    func submittedApplication(_ token: String, formation: String = "KEU-1") async throws -> Int64 {
        let created = try await send(.post, "/api/application", token: token, json: Self.draft(formation: formation))
        #expect(created.status == 201, "\(created.text)")
        for (kind, bytes) in [("foto", Files.jpeg()), ("swafoto", Files.jpeg()), ("ktp", Files.jpeg()), ("ijazah", Files.pdf()), ("transkrip", Files.pdf())] {
            let reply = try await send(.put, "/api/application/documents/\(kind)", token: token, bytes: bytes)
            #expect(reply.status == 200, "\(kind): \(reply.text)")
        }
        let submitted = try await send(.post, "/api/application/submit", token: token)
        #expect(submitted.status == 200, "\(submitted.text)")
        return (created["id"] as? NSNumber)?.int64Value ?? -1
    }
}
