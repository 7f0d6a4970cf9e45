import ExamEngine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SeleksiAuth
import SeleksiCore
import Synchronization
import Testing

@testable import ExamNode

let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The shipped rule sets and banks, loaded once for all tests.
let sharedCatalog: ExamCatalog = try! ExamCatalog.load(
    rulesDirectory: repositoryRoot + "/Config/rules",
    bankDirectory: repositoryRoot + "/QuestionBanks"
)

/// The tests' three candidates, as a portal's roster package names them (with the codes on their cards).
let roster: [RosterPackage.Participant] = [
    ("2024000001", "Ani Lestari", FormationType.general, [String](), "ANJX-4242"),
    ("2024000002", "Budi Santoso, S.Kom.", .disability, ["tunanetra"], "BUDX-5353"), ("2024000003", "Citra Dewi", .cumlaude, [], "CTRA-6464"),
].map { RosterPackage.Participant(participantNumber: $0.0, name: $0.1, formationType: $0.2, accommodations: $0.3, accessCodeDigest: AccessCode.digest($0.4)) }

/// A node on a temporary store with a manual clock, a proctor `pengawas`, and helpers
/// that speak JSON to its routes.
final class TestNode: @unchecked Sendable {
    let folder: String
    let clock = ManualClock()
    /// The node as `buildExamNode` wires it, exactly as the command line does.
    var node: ExamNode
    var service: ExamService { node.service }
    let nodeClock: any ServerClock
    static let password = "kata-sandi-pengawas"
    /// The authenticator secret of the proctor `pengawas`.
    var proctorSecret = ""
    /// The proctor's token once signed in (an authenticator code is accepted once).
    let proctorTokens = Mutex<String?>(nil)
    /// The portal's key as this node trusts it (unless the test configures another): the
    /// tests' roster packages are signed with it.
    let portalKey: SigningKey

    /// `serviceClock`: the clock the node runs on, when not `clock` itself.
    /// `trustPortal`: false for a node configured without the portal's key.
    init(settings: ExamSettings = ExamSettings(), serviceClock: (any ServerClock)? = nil, trustPortal: Bool = true) async throws {
        folder = NSTemporaryDirectory() + "seleksi-node-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        portalKey = try SigningKey.loadOrCreate(path: folder + "/test-portal.key")
        var configuration = ExamNodeConfiguration()
        configuration.dataDirectory = folder
        configuration.settings = settings
        if trustPortal, configuration.settings.portalPublicKey == nil { configuration.settings.portalPublicKey = portalKey.publicKey }
        nodeClock = serviceClock ?? clock
        node = try buildExamNode(configuration, clock: nodeClock, catalog: sharedCatalog)
        proctorSecret = try await node.service.setProctor(username: "pengawas", password: Self.password)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Reopens the store as a restarted process would (the clock keeps its time).
    func restart(catalog: ExamCatalog = sharedCatalog) async throws {
        node = try buildExamNode(node.configuration, clock: nodeClock, catalog: catalog)
    }

    /// The service of a second process on the same store, as after a restart (the test's own node stays as it is).
    static func reopened(_ node: TestNode) throws -> ExamService {
        try buildExamNode(node.node.configuration, clock: node.nodeClock, catalog: sharedCatalog).service
    }

    @discardableResult
    func test<Value: Sendable>(_ body: @escaping @Sendable (Client) async throws -> Value) async throws -> Value {
        let app = Application(router: node.router())
        return try await app.test(.router) { client in try await body(Client(client: client, node: self)) }
    }

    /// A roster package for this node, signed with `portalKey`: one session at SMKN 1 Kupang.
    func package(
        session id: String,
        ruleSet: String = "skd-2024",
        version: Int = 1,
        people: [RosterPackage.Participant] = roster,
        venue: String = "SMKN 1 Kupang"
    ) -> String {
        let start = clock.nowMilliseconds()
        let package = RosterPackage(
            periodID: "casn-uji",
            nodeID: "node-kupang",
            nodeKeyID: node.signingKey.publicKey.id,
            version: version,
            createdAt: start,
            sessions: [
                RosterPackage.Session(
                    id: id,
                    venue: venue,
                    timeZone: .wita,
                    ruleSetID: ruleSet,
                    scheduledStart: start,
                    scheduledEnd: start + 100 * 60_000,
                    participants: people
                )
            ]
        )
        return String(decoding: SignedEnvelope.seal(kind: RosterPackage.kind, payload: package.encoded(), key: portalKey).encoded(), as: UTF8.self)
    }

    /// An SKD session of the three candidates from the portal's package, opened.
    func openSession(_ client: Client, ruleSet: String = "skd-2024") async throws -> (proctor: String, session: SessionSummary) {
        let proctor = try await client.proctorToken()
        let id = "sesi-" + UUID().uuidString.prefix(8).lowercased()
        let imported: RosterImportResult = try await client.json(.post, "/api/proctor/packages", token: proctor, raw: package(session: id, ruleSet: ruleSet))
        #expect(imported.created == [id])
        let _: [String: Bool] = try await client.json(.post, "/api/proctor/sessions/\(id)/open", token: proctor)
        return (proctor, try await service.session(id))
    }
}

struct Client: Sendable {
    let client: any TestClientProtocol
    let node: TestNode

    struct Failure: Error, CustomStringConvertible {
        let status: Int
        let code: String
        let message: String
        var description: String { "\(status) \(code): \(message)" }
    }

    /// Sends a request and returns status and body.
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String? = nil,
        device: String? = nil,
        body: Any? = nil,
        raw: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> (Int, Data) {
        var headers = extra
        if let token {
            headers[.authorization] = "Bearer \(token)"
            // A candidate's token goes with the device it was issued to, as the exam page sends it.
            if let device = device ?? TokenDevices.shared.device(of: token) { headers[HTTPField.Name("X-Seleksi-Device")!] = device }
        }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
        } else if let raw {
            buffer = ByteBuffer(string: raw)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: buffer) { response in
            (Int(response.status.code), Data(response.body.readableBytesView))
        }
    }

    /// Sends a request expecting success, decoding the JSON answer.
    func json<T: Decodable>(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: Any? = nil, raw: String? = nil) async throws -> T {
        let (status, data) = try await send(method, path, token: token, body: body, raw: raw)
        guard status == 200 else { throw failure(status, data) }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Sends a request expecting a refusal; returns it.
    func refusal(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String? = nil,
        device: String? = nil,
        body: Any? = nil,
        raw: String? = nil
    ) async throws -> Failure {
        let (status, data) = try await send(method, path, token: token, device: device, body: body, raw: raw)
        return failure(status, data)
    }

    func failure(_ status: Int, _ data: Data) -> Failure {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let error = object?["error"] as? [String: String]
        return Failure(status: status, code: error?["code"] ?? "?", message: error?["message"] ?? String(decoding: data, as: UTF8.self))
    }

    /// The proctor's token: signs in once per node, with the authenticator's current code.
    func proctorToken() async throws -> String {
        if let token = node.proctorTokens.withLock({ $0 }) { return token }
        let answer: [String: String] = try await json(.post, "/api/proctor/login", body: proctorLogin())
        node.proctorTokens.withLock { $0 = answer["token"] }
        return answer["token"]!
    }

    func proctorLogin(username: String = "pengawas", password: String = TestNode.password, secret: String? = nil, offsetSteps: Int64 = 0) -> [String: String] {
        let now = node.clock.nowMilliseconds() + offsetSteps * 30_000
        return ["username": username, "password": password, "totp": TOTPCode.current(secret: secret ?? node.proctorSecret, now: now)]
    }

    func login(_ number: String = "2024000001", pin: String, code: String = "ANJX-4242", device: String = "perangkat-1") async throws -> String {
        let answer: CandidateLogin = try await json(
            .post,
            "/api/exam/login",
            body: ["participantNumber": number, "pin": pin, "accessCode": code, "device": device]
        )
        TokenDevices.shared.set(answer.token, device: device)
        return answer.token
    }

    func save(_ token: String, item: String, option: String?, sequence: Int) async throws -> SaveReceipt {
        try await json(.put, "/api/exam/answers/\(item)", token: token, body: ["option": option.map { $0 as Any } ?? NSNull(), "sequence": sequence])
    }
}

/// The device each candidate token of the tests was issued to, so that helpers send it as
/// the exam page does.
final class TokenDevices: Sendable {
    static let shared = TokenDevices()
    private let devices = Mutex<[String: String]>([:])

    func set(_ token: String, device: String) { devices.withLock { $0[token] = device } }
    func device(of token: String) -> String? { devices.withLock { $0[token] } }
}
